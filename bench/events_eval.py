"""Run entity and event extraction over a JSON Lines set and write records for the event scorer.

Usage: events_eval.py --input SET.jsonl --output OUT.jsonl [--published-at ISO] [--model NAME]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import orjson

from service.entities.extractor import EntityExtractor
from service.entities.model import load_nlp
from service.events.extractor import EventExtractor


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--published-at", default=None, help="ISO date-time for every item")
    parser.add_argument("--model", default="en_core_web_sm", help="spaCy pipeline to load")
    args = parser.parse_args(argv)
    nlp = load_nlp(args.model)  # the pipeline production runs
    entities_of = EntityExtractor()
    events_of = EventExtractor()
    items = [orjson.loads(line) for line in args.input.read_bytes().splitlines() if line.strip()]
    default_published = datetime.fromisoformat(args.published_at) if args.published_at else None
    spacy_s = entities_s = events_s = 0.0
    words = 0
    with args.output.open("wb") as out:
        for item in items:
            text = item.get("text") or ""
            published = item.get("published_at")
            published_at = datetime.fromisoformat(published) if published else default_published
            started = time.perf_counter()
            doc = nlp(text)
            parsed = time.perf_counter()
            entities = entities_of(doc)
            found = time.perf_counter()
            events = events_of(doc, entities, published_at)
            done = time.perf_counter()
            spacy_s += parsed - started
            entities_s += found - parsed
            events_s += done - found
            words += len(doc)
            record = {
                "article_id": str(item.get("id")),
                "text": doc.text,
                "entities": [e.model_dump(mode="json") for e in entities],
                "events": [e.model_dump(mode="json") for e in events],
            }
            out.write(orjson.dumps(record) + b"\n")
    n = max(len(items), 1)
    print(
        f"items={len(items)} tokens={words} spacy_ms/item={1000 * spacy_s / n:.2f} "
        f"entities_ms/item={1000 * entities_s / n:.3f} events_ms/item={1000 * events_s / n:.3f} "
        f"events/spacy={events_s / spacy_s if spacy_s else 0:.3%}"
    )


if __name__ == "__main__":
    main()
