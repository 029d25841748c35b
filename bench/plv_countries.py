"""Country-level roles on the PLV sentences: a proxy for the held-out CAMEO-style score.

Usage: plv_countries.py GOLD.jsonl PRED.jsonl [--half A|B] [--errors]

The CAMEO-style scorer (`events/score.py`) matches a predicted event to a gold one when the
type, the actor's country and the target's country agree. The PLV sentences give the parties as
spans, not countries, so here the gold countries are what the project's own actor resolver
(service.actors) reads in the gold `source` and `target` spans. A relation whose source resolves
to no country is left out (it could never be matched at country level); a target with no country
is a wildcard, as a null gold target is in score.py. CONCEDE and RETREAT count as YIELD.

A predicted event's countries are its `actor_country` / `target_country`, else the country of
the entity its name equals in the record. Matching is one-to-one per sentence, exact targets
first. Precision counts every event of the sentences kept (those with a relation kept).

`--half` keeps the ids whose sha1 is even (A) or odd (B): errors are studied on A only, B is
reported. `--errors` prints each sentence with a miss or an unmatched event (for half A).
Final line:  countries F1=.. P=.. R=.. type_acc=.. relations=kept/all sentences=..
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

from service.actors import ActorContext, shipped_resolver

YIELD = {"CONCEDE", "RETREAT"}

Gold = tuple[str, str, str | None]  # type, actor country, target country (None: wildcard)
Pred = tuple[str, str | None, str | None]


def root(value: str | None) -> str:
    """PLV's root of a type: CONCEDE and RETREAT are YIELD."""
    kind = (value or "").upper()
    return "YIELD" if kind in YIELD else kind


def half(item_id: str) -> str:
    """A when the id's sha1 is even, else B."""
    return "A" if int(hashlib.sha1(item_id.encode()).hexdigest(), 16) % 2 == 0 else "B"


def gold_events(row: dict[str, Any]) -> list[Gold | None]:
    """Each relation of a sentence at country level (None: its source has no country)."""
    resolver = shipped_resolver()
    context = ActorContext(text=row["text"])
    out: list[Gold | None] = []
    for rel in row["relations"]:
        actor = resolver.resolve(rel["source"], None, context)[0]
        target = resolver.resolve(rel["target"], None, context)[0] if rel["target"] else None
        out.append((root(rel["root"]), actor, target) if actor is not None else None)
    return out


def predicted(record: dict[str, Any]) -> list[Pred]:
    """Type and countries of each event of a record."""
    names = {}
    for entity in record.get("entities") or []:
        if entity.get("country") and entity.get("name"):
            names.setdefault(entity["name"].strip().lower(), entity["country"])

    def country(event: dict[str, Any], side: str) -> str | None:
        direct = event.get(f"{side}_country")
        if direct:
            return str(direct)
        name = event.get(side)
        return names.get(str(name).strip().lower()) if name else None

    return [
        (root(e.get("type")), country(e, "actor"), country(e, "target"))
        for e in record.get("events") or []
    ]


def match(gold: list[Gold], pred: list[Pred]) -> tuple[int, list[bool]]:
    """One-to-one matches (exact targets first, then wildcards) and which events matched."""
    used = [False] * len(pred)
    hits = 0
    for kind, actor, target in sorted(gold, key=lambda g: g[2] is None):
        for i, (p_kind, p_actor, p_target) in enumerate(pred):
            if used[i] or p_kind != kind or p_actor != actor:
                continue
            if target is None or p_target == target:
                used[i] = True
                hits += 1
                break
    return hits, used


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("pred", type=Path)
    parser.add_argument("--half", choices=("A", "B"))
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.gold.read_text().splitlines() if line.strip()]
    records = {}
    for line in args.pred.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            records[str(record.get("article_id") or record.get("id"))] = record
    tp = n_gold = n_pred = relations = sentences = type_hits = 0
    per_type, per_type_tp = Counter[str](), Counter[str]()
    for row in rows:
        if args.half and half(str(row["id"])) != args.half:
            continue
        resolved = gold_events(row)
        gold = [g for g in resolved if g is not None]
        relations += len(resolved)
        if not gold:
            continue
        sentences += 1
        record = records.get(str(row["id"]), {})
        pred = predicted(record)
        hits, used = match(gold, pred)
        tp, n_gold, n_pred = tp + hits, n_gold + len(gold), n_pred + len(pred)
        for kind in {g[0] for g in gold}:
            per_type[kind] += sum(g[0] == kind for g in gold)
            per_type_tp[kind] += match([g for g in gold if g[0] == kind], pred)[0]
        type_hits += bool({g[0] for g in gold} & {p[0] for p in pred})
        if args.errors and (hits < len(gold) or not all(used)):
            print(f"{row['id']}: {row['text']}")
            for rel, g in zip(row["relations"], resolved, strict=True):
                print(f"  gold {g}  [{rel['source']}] -> [{rel['target']}]")
            for p, ok, e in zip(pred, used, record.get("events") or [], strict=True):
                mark = "ok  " if ok else "pred"
                print(f"  {mark} {p}  [{e.get('actor')}] -> [{e.get('target')}]")
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_type = (f"{k}={per_type_tp[k]}/{per_type[k]}" for k in sorted(per_type))
    print("recall by type: " + " ".join(by_type))
    print(f"countries F1={f1:.3f} P={precision:.3f} R={recall:.3f} "
          f"type_acc={type_hits / sentences if sentences else 0:.3f} "
          f"relations={n_gold}/{relations} sentences={sentences} events={n_pred}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
