"""The line model held out k-fold by page: scraped-text F1, and aggregator boilerplate that leaks.

Usage:
  python bench/lines_kfold.py --data DIR --out OUT.jsonl [--folds 5] [--without rule_,kind_]
                              [--rules REASONS] [--augment W] [--min-sources N] [--scorer PY]

For each fold the model is trained on the other pages (its threshold chosen inside them) and
the Cleaner runs with that model on the fold's pages; the held-out predictions are concatenated
into OUT.jsonl and scored once (OUT.streamed-text.jsonl: the pages as one stream through one
repeat memory, as `entity-service process` reads a file).

The same held-out models also clean each page's true body wrapped in aggregator furniture
written here (sign-up prompts, app promos, related links, captions, in several house styles);
the model is never trained on these wrappers. Predictions: OUT.wrapped.jsonl (each page alone),
OUT.streamed.jsonl (one stream, each style one source, one repeat memory), OUT.unsourced.jsonl
(the same stream without sources). OUT.boilerplate.jsonl holds the injected lines for the
scorer's --boilerplate leak figure, OUT.wrapped-input.jsonl the wrapped pages themselves.

`--without` trains with the named feature columns zeroed (by prefix) and `--rules ''` turns the
hand-rule drops off, to measure what the hand rules still add; `--augment 0` trains without the
injected training furniture.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

from service.cleaning.cleaner import RULE_REASONS, Cleaner
from service.cleaning.linemodel import LineModel
from service.cleaning.repeats import LocalRepeatMemory
from service.cleaning.train_lines import Params, fit, load_pages
from service.errors import Rejected
from service.models import Article

__all__ = ["STYLES", "main", "wrap"]

#: House styles of aggregator furniture: (header, between paragraphs, footer) line pools.
STYLES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "portal": (
        ["NewsNow Daily", "Home | World | Business | Sport | Tech", "Sign in to personalise"],
        [
            "Read more: The ten cities where rents rose fastest this year",
            "RELATED: How the new tariffs will hit your weekly shop",
            "Photo: Crowds gathered outside the hall on Tuesday evening. (Staff photographer)",
            "Never miss a story - get our free morning briefing in your inbox",
        ],
        [
            "Get the NewsNow app for iPhone and Android",
            "More from NewsNow",
            "Why markets shrugged off the jobs report",
            "© 2026 NewsNow Media. All rights reserved.",
        ],
    ),
    "reader": (
        ["FEEDLY PLUS", "Trending now", "Create a free account to save articles"],
        [
            "Recommended for you",
            "Our reporters explain what this means for the region in a short video",
            "Continue reading below the advertisement",
            "Image credit: handout via regional authority",
        ],
        [
            "Enjoyed this story? Share it with a friend who would like it too.",
            "Download our app to follow this story as it develops.",
            "Terms of service | Privacy policy | Cookie settings",
        ],
    ),
    "wire-mirror": (
        ["GLOBAL HEADLINES", "Breaking | Latest | Most read", "Log in or register"],
        [
            "ALSO ON GLOBAL HEADLINES: Storm leaves thousands without power in the north",
            "Advertisement",
            "The picture above shows the harbour at dawn, taken by a reader last spring.",
            "Join more than two million readers who start their day with us",
        ],
        [
            "Tags: politics, economy, world",
            "Comments are closed for this article.",
            "Get unlimited access for just 1 dollar a week. Cancel anytime.",
        ],
    ),
    "briefing": (
        ["The Morning Wire", "Subscribe", "Menu"],
        [
            "You might also like: Five charts that explain the budget",
            "Listen to this article (4 min)",
            "Pictured: the minister leaving the meeting",
            "This story is part of our free coverage. Support independent journalism today.",
        ],
        [
            "Sign up for alerts on this topic",
            "Follow us on social media for the latest updates",
            "Back to top",
        ],
    ),
}


def wrap(body: str, style: str, rng: random.Random) -> tuple[str, list[str]]:
    """The body inside one style's furniture, and the injected lines."""
    header, between, footer = STYLES[style]
    paragraphs = [p for p in body.split("\n") if p.strip()]
    injected = list(header)
    out = list(header)
    for i, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        if i < len(paragraphs) - 1 and rng.random() < 0.35:
            line = rng.choice(between)
            injected.append(line)
            out.append(line)
    out += footer
    injected += footer
    return "\n".join(out), injected


def _clean(cleaner: Cleaner, article_id: str, text: str, source: str | None = None) -> str:
    try:
        return cleaner(Article(id=article_id, text=text, source=source)).text
    except Rejected:
        return ""


def _score(scorer: Path, truth: Path, pred: Path, extra: list[str]) -> list[str]:
    cmd = [sys.executable, str(scorer), "--pred", str(pred), "--truth", str(truth), *extra]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()
    return [line for line in out if line.startswith(("cleaning", "boilerplate"))]


def main(argv: list[str] | None = None) -> int:
    """Write the held-out predictions and print the scorer's lines."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="folder of the labelled pages")
    ap.add_argument("--out", required=True, type=Path, help="held-out predictions JSONL")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--without", default="", help="feature prefixes to zero, comma-separated")
    ap.add_argument(
        "--augment",
        type=float,
        default=Params().augment_weight,
        help="weight of the wrapped training pages (0: none)",
    )
    ap.add_argument(
        "--rules",
        default=",".join(sorted(RULE_REASONS)),
        help="boilerplate reasons always dropped, comma-separated ('' for none)",
    )
    ap.add_argument("--min-sources", type=int, default=2, help="the stream memories' setting")
    ap.add_argument("--scorer", type=Path, help="score.py (default: DIR/score.py if present)")
    args = ap.parse_args(argv)
    without = tuple(p for p in args.without.split(",") if p)
    rules = frozenset(r for r in args.rules.split(",") if r)
    stream = LocalRepeatMemory(
        min_sources=args.min_sources
    )  # the wrapped pages as one stream: each style is one source
    stream_unsourced = LocalRepeatMemory(
        min_sources=args.min_sources
    )  # the same stream with no sources given
    plain_stream = LocalRepeatMemory(
        min_sources=args.min_sources
    )  # the scraped pages as one stream, as `process` reads them
    pages = load_pages(args.data)
    rng = random.Random(7)
    styles = sorted(STYLES)
    wrapped_out = args.out.with_suffix(".wrapped.jsonl")
    boiler_out = args.out.with_suffix(".boilerplate.jsonl")
    streamed_out = args.out.with_suffix(".streamed.jsonl")
    unsourced_out = args.out.with_suffix(".unsourced.jsonl")
    inputs_out = args.out.with_suffix(".wrapped-input.jsonl")
    plain_out = args.out.with_suffix(".streamed-text.jsonl")
    with (
        args.out.open("w", encoding="utf-8") as out,
        wrapped_out.open("w", encoding="utf-8") as wout,
        streamed_out.open("w", encoding="utf-8") as sout,
        unsourced_out.open("w", encoding="utf-8") as uout,
        inputs_out.open("w", encoding="utf-8") as iout,
        plain_out.open("w", encoding="utf-8") as pout,
        boiler_out.open("w", encoding="utf-8") as bout,
    ):
        for k in range(args.folds):
            train = [p for i, p in enumerate(pages) if i % args.folds != k]
            test = [p for i, p in enumerate(pages) if i % args.folds == k]
            model = fit(train, Params(without=without, augment_weight=args.augment))
            line_model = LineModel(model)
            cleaner = Cleaner(
                line_model=line_model, repeats=LocalRepeatMemory(capacity=0), rule_reasons=rules
            )
            streamed = Cleaner(line_model=line_model, repeats=stream, rule_reasons=rules)
            unsourced = Cleaner(line_model=line_model, repeats=stream_unsourced, rule_reasons=rules)
            plain = Cleaner(line_model=line_model, repeats=plain_stream, rule_reasons=rules)
            print(f"fold {k}: {len(train)} pages train, {len(test)} held out, "
                  f"threshold {model.threshold}", flush=True)  # fmt: skip
            for page in test:
                text = _clean(cleaner, page.id, "\n".join(page.lines))
                out.write(json.dumps({"article_id": page.id, "text": text}) + "\n")
                ptext = _clean(plain, page.id, "\n".join(page.lines))
                pout.write(json.dumps({"article_id": page.id, "text": ptext}) + "\n")
                style = styles[int(page.id, 16) % len(styles)] if _hex(page.id) else styles[k % 4]
                wrapped, injected = wrap(page.body, style, rng)
                wtext = _clean(cleaner, page.id, wrapped)
                wout.write(json.dumps({"article_id": page.id, "text": wtext}) + "\n")
                stext = _clean(streamed, page.id, wrapped, f"aggregator-{style}")
                sout.write(json.dumps({"article_id": page.id, "text": stext}) + "\n")
                utext = _clean(unsourced, page.id, wrapped)
                uout.write(json.dumps({"article_id": page.id, "text": utext}) + "\n")
                bout.write(json.dumps({"id": page.id, "boilerplate": injected}) + "\n")
                row = {"id": page.id, "text": wrapped, "source": f"aggregator-{style}"}
                iout.write(json.dumps(row) + "\n")
    scorer = args.scorer or args.data / "score.py"
    if scorer.exists():
        truth = args.data / "truth.jsonl"
        for line in _score(scorer, truth, args.out, ["--bootstrap", "0"]):
            print(f"scraped text, held out, each page alone: {line}")
        for line in _score(scorer, truth, plain_out, ["--bootstrap", "0"]):
            print(f"scraped text, held out, one stream (repeat memory): {line}")
        extra = ["--bootstrap", "0", "--boilerplate", str(boiler_out)]
        for line in _score(scorer, truth, wrapped_out, extra):
            print(f"wrapped bodies, each alone: {line}")
        for line in _score(scorer, truth, streamed_out, extra):
            print(f"wrapped bodies, one stream per aggregator (repeat memory): {line}")
        for line in _score(scorer, truth, unsourced_out, extra):
            print(f"wrapped bodies, one stream, no sources (repeat memory): {line}")
    return 0


def _hex(text: str) -> bool:
    try:
        int(text, 16)
    except ValueError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
