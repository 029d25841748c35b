// The live page. Article data is untrusted: it only ever reaches the DOM as text nodes
// (createTextNode / textContent) or as the value of a fixed attribute (title, data-label),
// and is never parsed as HTML, so markup in an article shows as text and cannot run.
"use strict";

(function () {
  const items = new Map(); // key -> item (a record replaces an earlier copy of itself)
  const cards = new Map(); // key -> {item, node}: each card is built once per item version
  let status = { state: "connecting" };
  let connection = "connecting"; // then "open", or "lost" while EventSource reconnects
  let renderPending = false;

  const $ = (id) => document.getElementById(id);

  // el("td", {class: "x"}, "text", childNode): strings become text nodes, never markup.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function when(iso) {
    if (!iso) return null;
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  }

  function safeHttpUrl(text) {
    try {
      const url = new URL(text);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (_error) {
      return null;
    }
  }

  function markedText(item) {
    const paragraph = el("p", { class: "text" });
    for (const segment of item.segments) {
      if (segment.label) {
        paragraph.append(
          el("mark", { "data-label": segment.label, title: segment.hover }, segment.text)
        );
      } else {
        paragraph.append(document.createTextNode(segment.text));
      }
    }
    if (item.hidden_chars > 0) {
      paragraph.append(el("span", { class: "more" }, ` … ${item.hidden_chars} more characters`));
    }
    return paragraph;
  }

  function eventsTable(events) {
    if (events.length === 0) return el("p", { class: "none" }, "no events");
    const withConfidence = events.some((event) => event.confidence !== null);
    const columns = ["type", "actor → target", "where", "when", "quantity"];
    if (withConfidence) columns.push("confidence");
    const head = el("tr", {}, ...columns.map((name) => el("th", { scope: "col" }, name)));
    const rows = events.map((event) => {
      const cells = [
        el("td", { class: "etype" }, event.type, event.trigger ? el("small", {}, event.trigger) : null),
        el("td", {}, `${event.actor || "—"} → ${event.target || "—"}`),
        el("td", {}, event.location || "—"),
        el("td", {}, event.when || "—"),
        el("td", {}, event.quantity || "—"),
      ];
      if (withConfidence) cells.push(el("td", {}, event.confidence || "—"));
      return el("tr", { "data-event-type": event.type }, ...cells);
    });
    return el("table", { class: "events" }, el("thead", {}, head), el("tbody", {}, ...rows));
  }

  function badges(item) {
    const list = el("p", { class: "badges" });
    if (item.story) {
      const size = item.story.size === null ? "?" : item.story.size;
      const first = item.story.first_article_id ? `, first ${item.story.first_article_id}` : "";
      list.append(el("span", { class: "badge story", title: `story ${item.story.id || "?"}` },
        `story: ${size} article(s)${first}`));
    }
    if (item.tone && item.tone.score !== null) {
      const tone = item.tone;
      const mood = tone.score > 0.05 ? "positive" : tone.score < -0.05 ? "negative" : "neutral";
      const parts = `positive ${tone.positive ?? "?"}, negative ${tone.negative ?? "?"}`;
      list.append(el("span", { class: `badge tone ${mood}`, title: parts },
        `tone ${tone.score.toFixed(2)}`));
    }
    return list.childNodes.length ? list : null;
  }

  function recordCard(item) {
    const url = item.url ? safeHttpUrl(item.url) : null;
    const title = url
      ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, item.heading)
      : item.heading;
    const meta = [item.source, when(item.published_at), item.article_id]
      .filter(Boolean).join(" · ");
    return el("article", { class: "record", "data-key": item.key },
      el("h3", { class: "title" }, title),
      el("p", { class: "meta" }, meta,
        el("span", { class: "position", title: "processed at, topic/partition/offset" },
          ` processed ${when(item.processed_at) || "?"} · ${item.position}`)),
      badges(item),
      markedText(item),
      eventsTable(item.events));
  }

  function letterCard(item) {
    const meta = [
      item.article_id ? `article ${item.article_id}` : null,
      when(item.failed_at),
      item.original_size !== null && item.original_size !== undefined
        ? `${item.original_size} bytes` : null,
      item.read_from ? `read from ${item.read_from}` : null,
      `on ${item.position}`,
    ].filter(Boolean).join(" · ");
    return el("li", { class: `letter ${item.kind}`, "data-key": item.key },
      el("p", { class: "error-type" }, item.error_type),
      el("p", { class: "error-message" }, item.error_message),
      el("p", { class: "meta" }, meta),
      el("pre", { class: "original", title: `first bytes (${item.original_encoding || "utf-8"})` },
        item.original_head));
  }

  function card(item) {
    const cached = cards.get(item.key);
    if (cached && cached.item === item) return cached.node;
    const node = item.kind === "record" ? recordCard(item) : letterCard(item);
    cards.set(item.key, { item, node });
    return node;
  }

  function filters() {
    return {
      entity: $("filter-entity").value.trim().toLowerCase(),
      event: $("filter-event").value,
      error: $("filter-error").value,
    };
  }

  function showsRecord(item, f) {
    if (f.entity && !item.entities.some((e) => e.name.toLowerCase().includes(f.entity))) {
      return false;
    }
    return !f.event || item.events.some((event) => event.type === f.event);
  }

  function fillSelect(select, values) {
    const chosen = select.value;
    const options = [el("option", { value: "" }, "any")];
    for (const value of [...values].sort()) options.push(el("option", { value }, value));
    select.replaceChildren(...options);
    select.value = values.has(chosen) ? chosen : "";
  }

  function renderStatus() {
    const line = $("status");
    if (connection === "connecting") {
      line.textContent = "connecting…";
    } else if (connection === "lost") {
      line.textContent = "disconnected from the page's server, reconnecting…";
    } else if (status.state === "following") {
      line.textContent = `following ${status.topics.join(", ")} on ${status.bootstrap} `
        + `(${status.partitions} partitions), live`;
    } else if (status.state === "waiting") {
      line.textContent = `waiting for topic(s) ${status.missing.join(", ")} to exist`;
    } else if (status.state === "error") {
      line.textContent = `Kafka: ${status.message} (retrying)`;
    } else {
      line.textContent = "connecting to Kafka…";
    }
    line.dataset.state = connection === "open" ? status.state : connection;
  }

  function renderCounts(shown) {
    const counts = new Map();
    for (const item of shown) {
      for (const event of item.events) counts.set(event.type, (counts.get(event.type) || 0) + 1);
    }
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    $("event-counts").replaceChildren(...sorted.map(([type, count]) =>
      el("li", { "data-event-type": type }, el("span", { class: "etype" }, type), ` ${count}`)));
  }

  // Keep what the server keeps: the newest `recent` items per topic.
  function prune(all) {
    const perTopic = new Map();
    const kept = [];
    for (const item of all) {
      const seen = (perTopic.get(item.topic) || 0) + 1;
      perTopic.set(item.topic, seen);
      if (status.recent && seen > status.recent) {
        items.delete(item.key);
        cards.delete(item.key);
      } else {
        kept.push(item);
      }
    }
    return kept;
  }

  function render() {
    renderPending = false;
    renderStatus();
    const all = prune([...items.values()].sort((a, b) => b.timestamp_ms - a.timestamp_ms));
    const records = all.filter((item) => item.kind === "record");
    const letters = all.filter((item) => item.kind !== "record");
    fillSelect($("filter-event"), new Set(records.flatMap((r) => r.events.map((e) => e.type))));
    fillSelect($("filter-error"), new Set(letters.map((letter) => letter.error_type)));
    const f = filters();
    const shownRecords = records.filter((item) => showsRecord(item, f));
    const shownLetters = letters.filter((item) => !f.error || item.error_type === f.error);
    $("records").replaceChildren(...shownRecords.map(card));
    $("dead-letters").replaceChildren(...shownLetters.map(card));
    $("totals").textContent = `${shownRecords.length} of ${records.length} records, `
      + `${shownLetters.length} of ${letters.length} dead letters shown; events per type:`;
    renderCounts(shownRecords);
  }

  function scheduleRender() {
    if (!renderPending) {
      renderPending = true;
      setTimeout(render, 30);
    }
  }

  function receive(message) {
    const item = JSON.parse(message.data);
    if (item.kind === "status") {
      status = item;
    } else {
      items.delete(item.key); // re-inserted: a redelivered or updated record moves up
      items.set(item.key, item);
    }
    scheduleRender();
  }

  function connect() {
    const source = new EventSource("/stream");
    source.addEventListener("open", () => { connection = "open"; scheduleRender(); });
    source.addEventListener("item", receive);
    source.addEventListener("error", () => { connection = "lost"; scheduleRender(); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const id of ["filter-entity", "filter-event", "filter-error"]) {
      $(id).addEventListener("input", scheduleRender);
    }
    $("filters").addEventListener("submit", (event) => event.preventDefault());
    connect();
    render();
  });
})();
