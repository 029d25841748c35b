"""Events-stage time on hostile sentence shapes at doubling sizes, with the growth factor.

Usage: events_shapes.py [--sizes 500 1000 2000]

Each shape is one long "sentence" (deep 'of' chains, long coordinations, thousands of triggers
in one clause chain); the parse is done once per size and only the EventExtractor call is
timed. A growth factor near 2 per doubling is linear; near 4 is quadratic.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from service.entities.extractor import EntityExtractor
from service.entities.model import load_nlp
from service.events import EventExtractor

SHAPES: dict[str, Callable[[int], str]] = {
    "of-chain": lambda n: "The son " + "of the son " * n + "of the king of Spain attacked Russia.",
    "coordination": lambda n: "Spain" + ", Italy" * n + " and Greece attacked Russia.",
    "modifiers": lambda n: "The " + "very " * n + "angry Spanish troops attacked Russia.",
    "triggers": lambda n: "Russia attacked Ukraine and " * n + "Spain attacked Italy.",
    "shared-subject": lambda n: "Russia attacked Ukraine" + " and attacked Poland" * n + ".",
    "domestic": lambda n: "Kenyan police arrested opposition leaders and " * n + "Spain left.",
    "places": lambda n: "Russia attacked Ukraine in Kyiv and " * n + "Spain attacked Italy.",
    "reported": lambda n: "Japan said " + "North Korea fired missiles at Seoul and " * n + "left.",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000])
    args = parser.parse_args()
    nlp = load_nlp("en_core_web_sm")
    entities_of = EntityExtractor()
    events_of = EventExtractor()
    for name, make in SHAPES.items():
        times: list[float] = []
        for size in args.sizes:
            doc = nlp(make(size))
            entities = entities_of(doc)
            started = time.perf_counter()
            events = events_of(doc, entities, None)
            times.append(time.perf_counter() - started)
            print(f"{name:15} n={size:6} tokens={len(doc):6} events={len(events):3} "
                  f"events_s={times[-1]:.3f}", flush=True)  # fmt: skip
        growth = [b / a for a, b in zip(times, times[1:], strict=False) if a > 0]
        print(f"{name:15} growth per doubling: {' '.join(f'{g:.2f}' for g in growth)}")


if __name__ == "__main__":
    main()
