"""Compares our entity mentions with the raw model's on a JSON Lines file, and times both.

Usage: .venv/bin/python bench/entity_mentions.py --input PATH.jsonl [--model NAME]

Prints raw mentions, our mentions, raw mentions not covered by any of ours (must be 0), and
milliseconds per article for raw spaCy, our fixer component (timed on its own, on the same docs)
and our extractor.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.entities.extractor import EntityExtractor
from service.entities.fixer import ENTITY_FIXER
from service.entities.model import load_nlp
from service.entities.spans import trim_span


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--model", default="en_core_web_sm")
    args = parser.parse_args()
    texts = read_texts(args.input)
    nlp = load_nlp(args.model)  # the pipeline production runs, fixer included
    fixer = nlp.get_pipe(ENTITY_FIXER)
    extractor = EntityExtractor()

    started = time.perf_counter()
    with nlp.select_pipes(disable=[ENTITY_FIXER]):
        docs = list(nlp.pipe(texts))
    raw_s = time.perf_counter() - started
    raw_mentions = [
        [(ent.label_, trim_span(doc.text, ent.start_char, ent.end_char)) for ent in doc.ents]
        for doc in docs
    ]
    started = time.perf_counter()
    docs = [fixer(doc) for doc in docs]
    fixer_s = time.perf_counter() - started
    started = time.perf_counter()
    records = [extractor(doc) for doc in docs]
    extract_s = time.perf_counter() - started

    raw_total = ours_total = lost = 0
    for doc, raw, entities in zip(docs, raw_mentions, records, strict=True):
        ours = [span for entity in entities for span in entity.mentions]
        ours_total += len(ours)
        raw_total += len(raw)
        for label, (start, end) in raw:
            if not any(s <= start and end <= e for s, e in ours):
                lost += 1
                print(f"lost: {label} {doc.text[start:end]!r}")
    n = len(texts)
    print(f"articles={n} chars={sum(len(t) for t in texts)}")
    print(f"raw mentions={raw_total} our mentions={ours_total} raw mentions not covered={lost}")
    print(
        f"ms/article: raw spaCy={raw_s / n * 1000:.1f} fixer={fixer_s / n * 1000:.2f} "
        f"extractor={extract_s / n * 1000:.2f} "
        f"(+{(fixer_s + extract_s) / raw_s * 100:.1f}% over raw spaCy)"
    )


if __name__ == "__main__":
    main()
