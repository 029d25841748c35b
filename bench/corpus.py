"""A seeded generator of distinct wire-style news articles (150-1,200 words) for the benchmarks."""

from __future__ import annotations

import hashlib
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus_words import (  # noqa: E402
    AGENCIES,
    BODY,
    BOILERPLATE,
    CLOSERS,
    COMPANIES,
    COUNTRIES,
    FIRST,
    HEADLINES,
    ISSUES,
    LAST,
    LEADS,
    MONTHS,
    ORG_CITIES,
    ORGS,
    ROLES,
    SOURCES,
    TOPICS,
    WEEKDAYS,
)

__all__ = ["BenchArticle", "build_corpus", "load_corpus"]


@dataclass(frozen=True, slots=True)
class BenchArticle:
    """One article: the message the service reads, and the story body the raw baselines read."""

    id: str
    message: bytes
    body: str
    words: int


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _fill(template: str, base: dict[str, str], rng: random.Random) -> str:
    """A template with this article's actors and fresh numbers, people and dates."""
    values = dict(base)
    values.update(
        person=_person(rng),
        person2=_person(rng),
        person3=_person(rng),
        role=rng.choice(ROLES),
        issue=rng.choice(ISSUES),
        n1=f"{rng.randint(2, 90) * 100 + rng.randint(0, 99):,}",
        n2=str(rng.randint(15, 9800)),
        n3=str(rng.randint(3, 480)),
        n4=str(rng.randint(2, 19)),
        n5=str(rng.randint(20, 2500)),
        n6=str(rng.randint(2, 14)),
        n7=str(rng.randint(120, 260)),
        n8=str(rng.randint(20, 110)),
        n9=str(rng.randint(300, 600)),
        pct=f"{rng.randint(1, 45)}.{rng.randint(0, 9)}",
        mag=f"{rng.randint(5, 7)}.{rng.randint(0, 9)}",
        weekday=rng.choice(WEEKDAYS),
        month=rng.choice(MONTHS),
        month2=rng.choice(MONTHS),
        day=str(rng.randint(1, 28)),
        year=str(rng.randint(2015, 2025)),
        year2=str(rng.randint(2027, 2040)),
        company=rng.choice(COMPANIES),
        company2=rng.choice(COMPANIES),
    )
    return template.format(**values)


def _length(rng: random.Random) -> int:
    """Words in a story: skewed like wire copy, most 250-500, clipped to 150-1,200."""
    return int(min(max(rng.lognormvariate(5.72, 0.45), 140), 1120))


def _article(index: int, rng: random.Random, start: datetime) -> tuple[dict[str, str], str]:
    a, b, c, d = rng.sample(COUNTRIES, 4)
    topic = rng.choice(TOPICS)
    city = rng.choice((a[2], *a[4]))
    base = {
        "A": a[0], "Adem": a[1], "acap": a[2], "Aleader": a[3][1],
        "Aleadert": f"{a[3][0]} {a[3][1]}",
        "B": b[0], "Bdem": b[1], "Bcap": b[2], "bcap": b[2], "Bleader": b[3][1],
        "Bleadert": f"{b[1]} {b[3][0]} {b[3][1]}", "bcity": rng.choice(b[4]),
        "C": c[0], "Cdem": c[1], "ccap": c[2], "Cleader": c[3][1], "D": d[0],
        "city": city, "region": f"the region around {rng.choice(a[4])}",
        "org": rng.choice(ORGS), "orgcity": rng.choice(ORG_CITIES),
        "agency": rng.choice(AGENCIES), "source": rng.choice(SOURCES),
    }
    target = _length(rng)
    published = start + timedelta(minutes=7 * index + rng.randint(0, 6))
    dateline = f"{city.upper()}, {published:%B} {published.day} ({base['agency']}) - "
    paragraphs = [dateline + _fill(rng.choice(LEADS[topic]), base, rng)]
    words = len(paragraphs[0].split())
    body = list(BODY)
    rng.shuffle(body)
    cursor = 0
    while words < target:
        size = rng.randint(1, 3)
        sentences = []
        for _ in range(size):
            if cursor == len(body):
                rng.shuffle(body)
                cursor = 0
            sentences.append(_fill(body[cursor], base, rng))
            cursor += 1
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    paragraphs.append(_fill(rng.choice(CLOSERS), base, rng))
    story = "\n\n".join(paragraphs)
    title = _fill(rng.choice(HEADLINES[topic]), base, rng)
    lines = list(paragraphs)
    if rng.random() < 0.5:  # aggregator shape: menus and promos around and inside the story
        for _ in range(rng.randint(1, 4)):
            at = rng.randint(0, len(lines))
            lines.insert(at, _fill(rng.choice(BOILERPLATE), base, rng))
        lines.insert(0, title)
    fields = {
        "id": f"bench-{index:06d}",
        "source": base["source"],
        "title": title,
        "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "text": "\n\n".join(lines),
    }
    return fields, story


def build_corpus(count: int, *, seed: int = 20241008, offset: int = 0) -> list[BenchArticle]:
    """`count` distinct articles (ids from `offset`), the same for the same seed."""
    rng = random.Random(f"{seed}:{offset}")
    start = datetime(2024, 10, 1, 6, 0, tzinfo=UTC)
    seen: set[bytes] = set()
    articles: list[BenchArticle] = []
    index = offset
    while len(articles) < count:
        fields, story = _article(index, rng, start)
        digest = hashlib.blake2b(story.encode(), digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        articles.append(
            BenchArticle(fields["id"], orjson.dumps(fields), story, len(story.split()))
        )
        index += 1
    return articles


def load_corpus(path: Path, count: int | None = None) -> list[BenchArticle]:
    """Articles from a JSON Lines file of objects with `text` (and optionally `id`)."""
    articles: list[BenchArticle] = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            if not line.strip():
                continue
            data = orjson.loads(line)
            text = data.get("text") or data.get("body")
            if not isinstance(text, str) or not text.strip():
                continue
            article_id = str(data.get("id") or f"ext-{number:06d}")
            fields = {"id": article_id, "text": text}
            for key in ("title", "source", "published_at"):
                if isinstance(data.get(key), str):
                    fields[key] = data[key]
            articles.append(BenchArticle(article_id, orjson.dumps(fields), text, len(text.split())))
            if count is not None and len(articles) >= count:
                break
    return articles


def _main() -> None:
    import argparse
    import statistics

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--output", default="-", help="JSON Lines of Articles (default stdout)")
    args = parser.parse_args()
    corpus = build_corpus(args.articles)
    out = sys.stdout.buffer if args.output == "-" else open(args.output, "wb")
    for article in corpus:
        out.write(article.message + b"\n")
    out.flush()
    words = [a.words for a in corpus]
    print(
        f"{len(corpus)} articles, {sum(words)} words, median {statistics.median(words):.0f}, "
        f"min {min(words)}, max {max(words)}",
        file=sys.stderr,
    )


def iter_messages(corpus: list[BenchArticle]) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) pairs to publish."""
    for article in corpus:
        yield article.id.encode(), article.message


if __name__ == "__main__":
    _main()
