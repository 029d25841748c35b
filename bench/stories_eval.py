"""Story grouping quality: pages in three forms each, shuffled, grouped by `entity-service process`.

Usage:
  python bench/stories_eval.py                                  # the invented test pages
  python bench/stories_eval.py --dev ../shared/data/cleaning    # the 60 dev pages

Each page becomes its HTML, its scraped text, and an aggregator's copy (the first three fifths
of the body between the aggregator's own header and footer). The forms are shuffled, run
through the offline command in one process, and the records' story ids are scored against the
pages with B-cubed precision, recall and F1 (over the records: a dead-lettered form, e.g. a page
not in English, has no story). Then the median ms per article of fingerprint, local index and
tone on the records' texts.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "data" / "story_pages.yaml"

NAV = ["Home", "World", "Business", "Sport", "Culture", "Opinion", "Sign in", "Subscribe"]
AGGREGATOR_HEAD = ["NewsHub", "Top stories", "For you", "Local", "Search NewsHub"]
AGGREGATOR_FOOT = [
    "Trending on NewsHub: Markets open higher as investors await inflation figures",
    "Trending on NewsHub: Ten recipes for a quick weeknight dinner",
    "NewsHub collects headlines from thousands of publishers. Terms of use | Privacy | Cookies",
]


def html_page(title: str, site: str, paragraphs: Sequence[str]) -> str:
    """The publisher's page: navigation, the article, a related-links aside and a footer."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in NAV)
    return (
        f"<html><head><title>{html.escape(title)} | {site}</title></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header><main><article>"
        f"<h1>{html.escape(title)}</h1><p class=\"byline\">By {site} staff</p>\n{body}"
        "</article><aside><h2>Most read</h2><ul><li><a href=\"/a\">Weather: a mild week ahead"
        "</a></li><li><a href=\"/b\">Five things to do this weekend</a></li></ul></aside></main>"
        f"<footer><p>&copy; 2026 {site}. All rights reserved.</p><p>Privacy policy | Cookie "
        "settings | Contact us</p></footer></body></html>"
    )


def scraped_text(title: str, site: str, paragraphs: Sequence[str]) -> str:
    """The same page as a scraper's plain text: menus and footer lines included."""
    return "\n".join(
        [*NAV, title, f"By {site} staff", *paragraphs, "Share this article", "Most read",
         "Weather: a mild week ahead", "Five things to do this weekend",
         f"© 2026 {site}. All rights reserved.", "Privacy policy | Cookie settings | Contact us"]
    )  # fmt: skip


def aggregator_copy(
    title: str, site: str, paragraphs: Sequence[str], keep: int | None = None
) -> str:
    """An aggregator's shorter copy: the lead three fifths (or `keep` paragraphs) of the body."""
    keep = keep or max(1, -(-len(paragraphs) * 3 // 5))
    return "\n".join(
        [*AGGREGATOR_HEAD, title, f"Originally published by {site}", *paragraphs[:keep],
         f"Continue reading on {site}", *AGGREGATOR_FOOT]
    )  # fmt: skip


def page_forms(page: Mapping[str, Any]) -> list[dict[str, str]]:
    """Three Articles for one invented page: `<id>/html`, `<id>/text`, `<id>/aggregator`."""
    title, site, paragraphs = page["title"], page["site"], page["paragraphs"]
    return [
        {"id": f"{page['id']}/html", "html": html_page(title, site, paragraphs)},
        {"id": f"{page['id']}/text", "text": scraped_text(title, site, paragraphs)},
        {"id": f"{page['id']}/aggregator", "text": aggregator_copy(title, site, paragraphs)},
    ]


def invented_articles(path: Path = PAGES) -> list[dict[str, str]]:
    pages = yaml.safe_load(path.read_text(encoding="utf-8"))["pages"]
    return [form for page in pages for form in page_forms(page)]


def dev_articles(folder: Path, keep: int | None = None) -> list[dict[str, str]]:
    """The dev pages as HTML and scraped text, and an aggregator copy of the true body."""

    def read(name: str) -> dict[str, dict[str, str]]:
        with open(folder / name, encoding="utf-8") as handle:
            return {row["id"]: row for row in map(json.loads, handle) if row}

    pages, texts = read("articles.jsonl"), read("articles_plaintext.jsonl")
    truth = read("truth.jsonl")
    articles = []
    for page_id, page in pages.items():
        body = [p for p in truth[page_id]["text"].split("\n") if p.strip()]
        articles += [
            {"id": f"{page_id}/html", "html": page["html"]},
            {"id": f"{page_id}/text", "text": texts[page_id]["text"]},
            {
                "id": f"{page_id}/aggregator",
                "text": aggregator_copy(body[0][:80], "a site", body, keep),
            },
        ]
    return articles


def bcubed(truth: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (item -> cluster) against the truth."""
    items = list(truth)
    by_pred: dict[str, set[str]] = {}
    by_true: dict[str, set[str]] = {}
    for item in items:
        by_pred.setdefault(predicted[item], set()).add(item)
        by_true.setdefault(truth[item], set()).add(item)
    precision = recall = 0.0
    for item in items:
        same_pred, same_true = by_pred[predicted[item]], by_true[truth[item]]
        both = len(same_pred & same_true)
        precision += both / len(same_pred)
        recall += both / len(same_true)
    precision, recall = precision / len(items), recall / len(items)
    return precision, recall, 2 * precision * recall / (precision + recall)


def run_process(articles: Sequence[Mapping[str, str]], workers: int = 1) -> list[dict[str, Any]]:
    """`entity-service process` over the articles; its records."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        source.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "service.cli", "process", "--workers", str(workers),
             "--input", str(source), "--output", str(target), "--dead-letters", os.devnull],
            check=True, cwd=ROOT,
        )  # fmt: skip
        return [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=Path, default=None, help="folder of the dev cleaning set")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--lead-paragraphs",
        type=int,
        default=None,
        help="dev pages: the aggregator keeps only this many lead paragraphs",
    )
    args = parser.parse_args()
    articles = dev_articles(args.dev, args.lead_paragraphs) if args.dev else invented_articles()
    random.Random(args.seed).shuffle(articles)
    records = run_process(articles, args.workers)
    # Scored over the records: a dead-lettered form (a page not in English) has no story.
    predicted = {r["article_id"]: r["story"]["id"] for r in records}
    truth = {a["id"]: a["id"].rsplit("/", 1)[0] for a in articles if a["id"] in predicted}
    missing = len(articles) - len(records)
    precision, recall, f1 = bcubed(truth, predicted)

    print(
        f"stories bcubed F1={f1:.3f} P={precision:.3f} R={recall:.3f} n={len(truth)} "
        f"pages={len(set(truth.values()))} stories={len(set(predicted.values()))} "
        f"dead_letters={missing}"
    )
    print(step_costs([r["text"] for r in records]))


def step_costs(texts: Sequence[str]) -> str:
    """Median ms per article of the steps this issue adds, timed one article at a time."""
    from service.stories import LocalStoryIndex, StoryQuery
    from service.stories.fingerprint import fingerprint
    from service.tone import ToneScorer

    scorer, index = ToneScorer(), LocalStoryIndex(window_s=3600, containment=0.5)
    costs: dict[str, list[float]] = {"fingerprint": [], "local_index": [], "tone": []}
    for number, text in enumerate(texts):
        started = time.perf_counter()
        signature = fingerprint(text)
        placed = time.perf_counter()
        index.assign([StoryQuery(str(number), signature)])
        scored = time.perf_counter()
        scorer(text)
        done = time.perf_counter()
        costs["fingerprint"].append(placed - started)
        costs["local_index"].append(scored - placed)
        costs["tone"].append(done - scored)
    return "ms_per_article_median " + " ".join(
        f"{name}={statistics.median(values) * 1000:.2f}" for name, values in costs.items()
    )


if __name__ == "__main__":
    main()
