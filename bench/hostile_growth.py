"""How the hostile shapes of issue 13 grow: each doubled, the time ratio per doubling.

A linear scan takes about 2x per doubling, a quadratic one about 4x. Each shape is timed on
its own scan (the one that was quadratic) and through the whole pipeline (in process, model
loaded once; the isolated runner adds a constant per article).

Usage:
  python bench/hostile_growth.py [--sizes 2000,4000,8000,16000] [--repeat 3] [--no-pipeline]
                                 [--only SUBSTRING]
Prints a Markdown table (median seconds per size, then the ratio of each doubling).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from service.cleaning.cleaner import Cleaner
from service.cleaning.htmlcheck import declares_entities, nesting_depth
from service.cleaning.language import detect_language
from service.cleaning.textblocks import BlockClassifier
from service.cleaning.tokensafe import bound_mark_runs

__all__ = ["SHAPES", "main"]

STORY = (
    "Finland and Estonia signed a maritime security agreement in Helsinki on Monday. "
    "The Finnish defence minister said the pact would guard undersea cables in the Baltic Sea."
)
PAGE = f"<html><body><article><p>{STORY}</p><p>{STORY}</p></article></body></html>"


@dataclass(frozen=True)
class Shape:
    """A hostile input of `n` repeats, as an article and as the one scan it used to defeat."""

    name: str
    article: Callable[[int], dict[str, str]]
    scan_name: str
    scan: Callable[[int], object]
    warm: bool = False  # call the scan once untimed first (it parses the text once)


_classify = BlockClassifier()
_cleaner = Cleaner()
_NLP: list[Any] = []


def _tokenize(text: str) -> object:
    """spaCy's tokenizer on the text it is given in the pipeline (floods blanked)."""
    if not _NLP:
        from service.entities.model import load_nlp

        _NLP.append(load_nlp("en_core_web_sm"))
    return _NLP[0].tokenizer(bound_mark_runs(text))


_PIPELINE: list[Any] = []
_DOCS: dict[str, Any] = {}


def _extract(text: str) -> object:
    """Our steps after spaCy (entities, events, tone) on the text's parse (made once)."""
    if not _PIPELINE:
        from service.config import Settings
        from service.pipeline import Pipeline

        _PIPELINE.append(Pipeline(Settings(workers=1)))
    pipeline = _PIPELINE[0]
    doc = _DOCS.get(text)
    if doc is None:
        doc = _DOCS[text] = pipeline.nlp(bound_mark_runs(text))
    entities = pipeline.extract_entities(doc)
    events = pipeline.extract_events(doc, entities, None)
    return entities, events, pipeline.score_tone(text)


def _sentences(n: int) -> str:
    """A story followed by n one-word sentences."""
    return f"{STORY} " + "Hi. " * n


COUNTRIES = (
    "Argentina", "Bolivia", "Chile", "Colombia", "Ecuador", "Guyana", "Paraguay", "Peru",
    "Suriname", "Uruguay", "Venezuela", "Kenya", "Uganda", "Tanzania", "Rwanda", "Burundi",
    "Ethiopia", "Somalia", "Sudan", "Egypt", "Libya", "Tunisia", "Algeria", "Morocco",
)


def _countries(n: int) -> str:
    """A story followed by a list of n country names (an entity per name)."""
    return f"{STORY}\n" + ", ".join(COUNTRIES[i % len(COUNTRIES)] for i in range(n)) + "."


_PARTIES = ("Rebels", "Soldiers", "Militants", "Police officers", "Gunmen", "Troops")
_PLACES = ("Gao", "Mopti", "Kidal", "Timbuktu", "Menaka", "Kayes", "Segou", "Sikasso")


def _attacks(n: int) -> str:
    """A story followed by n // 8 one-line attacks (an event per line: a casualty list)."""
    return f"{STORY}\n" + "\n".join(
        f"{_PARTIES[i % 6]} attacked {_PARTIES[(i + 1) % 6].lower()} in {_PLACES[i % 8]}, "
        f"killing {i % 40 + 2}."
        for i in range(n // 8)
    )


def _title_page(n: int) -> str:
    return f"<html><head><title>{' ' * n}</title></head><body><p>{STORY}</p></body></html>"


SHAPES: list[Shape] = [
    Shape(
        "'<!DOCTYPE ' * n + page",
        lambda n: {"html": "<!DOCTYPE " * n + PAGE},
        "declares_entities",
        lambda n: declares_entities("<!DOCTYPE " * n + PAGE),
    ),
    Shape(
        "page + '<a ' * n",
        lambda n: {"html": PAGE + "<a " * n},
        "nesting_depth",
        lambda n: nesting_depth(PAGE + "<a " * n, 500),
    ),
    Shape(
        "'<div></span>' * n",
        lambda n: {"html": f"<p>{STORY}</p>" + "<div></span>" * n + f"<p>{STORY}</p>"},
        "nesting_depth",
        lambda n: nesting_depth("<div></span>" * n, 10**9),
    ),
    Shape(
        "title of n spaces",
        lambda n: {"html": _title_page(n)},
        "Cleaner (HTML)",
        lambda n: _cleaner._html_lines(_title_page(n), None),
    ),
    Shape(
        "story + '@' * n",
        lambda n: {"text": f"{STORY}\n" + "@" * n},
        "line classifier",
        lambda n: _classify.kind("@" * n),
    ),
    Shape(
        "story + '(AP ' * n",
        lambda n: {"text": f"{STORY}\n" + "(AP " * n},
        "line classifier",
        lambda n: _classify.kind("(AP " * n),
    ),
    Shape(
        "'a.' + ')' * n",
        lambda n: {"text": f"{STORY}\na." + ")" * n},
        "tokenizer",
        lambda n: _tokenize("a." + ")" * n),
    ),
    Shape(
        "'x' + \"'s\" * n",
        lambda n: {"text": f"{STORY} x" + "'s" * n},
        "tokenizer",
        lambda n: _tokenize("x" + "'s" * n),
    ),
    Shape(
        "story + 'Hi. ' * n",
        lambda n: {"text": _sentences(n), "language": "en"},
        "entities, events, tone",
        lambda n: _extract(_sentences(n)),
        warm=True,
    ),
    Shape(
        "story + n country names",
        lambda n: {"text": _countries(n), "language": "en"},
        "entities, events, tone",
        lambda n: _extract(_countries(n)),
        warm=True,
    ),
    Shape(
        "story + n/8 one-line attacks",
        lambda n: {"text": _attacks(n), "language": "en"},
        "entities, events, tone",
        lambda n: _extract(_attacks(n)),
        warm=True,
    ),
    Shape(
        "emoji * n + story",
        lambda n: {"text": "\U0001f600" * n + " " + STORY},
        "language",
        lambda n: detect_language("\U0001f600" * n + " " + STORY),
    ),
]


def _time(call: Callable[[], object], repeat: int, clock: Callable[[], float]) -> float:
    """Median seconds of `call`, each sample looped until it lasts about 20 ms."""
    samples = []
    for _ in range(repeat):
        loops, total = 0, 0.0
        while total < 0.02:
            started = clock()
            call()
            total += clock() - started
            loops += 1
        samples.append(total / loops)
    return statistics.median(samples)


def _row(label: str, times: list[float]) -> str:
    ratios = [b / a if a > 0 else float("nan") for a, b in zip(times, times[1:], strict=False)]
    cells = [f"{t * 1000:.2f}" for t in times] + [f"{r:.2f}" for r in ratios]
    return f"| {label} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000,4000,8000,16000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pipeline", action="store_true", help="time the scans only")
    parser.add_argument("--only", default="", help="shapes whose name holds this")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU seconds of this process (a shared machine)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    clock = time.process_time if args.cpu else time.perf_counter
    pipeline = None
    if not args.no_pipeline:
        from service.config import Settings
        from service.pipeline import Pipeline, RawMessage

        pipeline = Pipeline(Settings(workers=1))
    head = [f"{s:,} ms" for s in sizes] + [
        f"x{b // a}" for a, b in zip(sizes, sizes[1:], strict=False)
    ]
    print("| shape: what is timed | " + " | ".join(head) + " |")
    print("|---|" + "---:|" * len(head))
    for shape in (s for s in SHAPES if args.only in s.name):
        if shape.warm:
            for n in sizes:
                shape.scan(n)
        times = [_time(lambda n=n, s=shape: s.scan(n), args.repeat, clock) for n in sizes]
        print(_row(f"{shape.name}: {shape.scan_name}", times), flush=True)
        if pipeline is not None:
            messages = [
                RawMessage(value=orjson.dumps({"id": "h", **shape.article(n)})) for n in sizes
            ]
            times = [
                _time(lambda m=m: pipeline.process([m]), args.repeat, clock) for m in messages
            ]
            print(_row(f"{shape.name}: whole pipeline", times), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
