"""Pipeline figures in one process: events+geo overhead, stage times, spaCy's components and
matrix backends, the cleaner. Run as `python -m bench.pipeline_figures SPEC N` it is the child
that holds the model, so the bench process never does."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import BenchArticle, build_corpus, load_corpus  # noqa: E402
from bench.measure import BATCH, MODEL  # noqa: E402

__all__ = ["run_pipeline_figures"]


def pipeline_figures(corpus: list[BenchArticle], articles: int) -> dict[str, float]:
    """Pipeline time per article with and without events+geo (interleaved batches, one nlp),
    the events and geo calls timed directly, and the cleaner's mean time per article."""
    from service.cleaning.cleaner import Cleaner
    from service.config import Settings
    from service.entities.extractor import EntityExtractor
    from service.entities.model import load_nlp
    from service.intake import decode_article
    from service.models import PIPELINE_STAGES
    from service.pipeline import Pipeline, RawMessage, serialize

    class NoGeoExtractor(EntityExtractor):
        """Entities without the place look-ups (coordinates, person-as-city)."""

        def _locate(self, m: Any, countries: set[str]) -> None:
            return None

        def _name_as_place(self, m: Any, countries: set[str]) -> None:
            return None

    settings = Settings(workers=1)
    nlp = load_nlp(MODEL)
    full = Pipeline(settings, nlp=nlp)
    bare = Pipeline(settings.model_copy(update={"events_enabled": False}), nlp=nlp)
    bare.extract_entities = NoGeoExtractor()
    timed = {"events": 0.0, "geo": 0.0}

    def timing(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timed[name] += time.perf_counter() - started

        return wrapper

    events_extractor = full.extract_events
    assert events_extractor is not None
    full.extract_events = timing("events", events_extractor)
    extractor = full.extract_entities
    extractor._locate = timing("geo", extractor._locate)  # type: ignore[method-assign]
    extractor._name_as_place = timing("geo", extractor._name_as_place)  # type: ignore[method-assign]

    subset = corpus[:articles]
    batches = [
        [RawMessage(value=a.message, key=a.id.encode()) for a in subset[i : i + BATCH]]
        for i in range(0, len(subset), BATCH)
    ]
    bare.process(batches[0][:4])
    full.process(batches[0][:4])
    timed.update(events=0.0, geo=0.0)
    seconds = {"full": 0.0, "bare": 0.0}
    cpu = {"full": 0.0, "bare": 0.0}
    stages = dict.fromkeys(PIPELINE_STAGES, 0.0)
    serialize_s = 0.0
    for i, batch in enumerate(batches):
        order = (("full", full), ("bare", bare)) if i % 2 == 0 else (("bare", bare), ("full", full))
        for name, pipeline in order:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = pipeline.process(batch)
            seconds[name] += time.perf_counter() - started
            cpu[name] += time.process_time() - cpu_started
            if name == "full":
                for stage, s in result.stage_seconds.items():
                    stages[stage] += s
                started = time.perf_counter()
                for outcome in result.outcomes:
                    serialize(outcome)
                serialize_s += time.perf_counter() - started
    n = len(subset)
    bodies = [a.body for a in subset[:128]]
    components, candidate_share = component_times(nlp, bodies, events_extractor)
    matmul = matmul_times(bodies)
    cleaner = Cleaner()
    articles_in = [
        decode_article(a.message, max_bytes=settings.max_message_bytes,
                       max_chars=settings.max_text_chars)
        for a in corpus
    ]
    started = time.perf_counter()
    for article in articles_in:
        cleaner(article)
    clean_s = time.perf_counter() - started
    return {
        "articles": n,
        "full_ms": seconds["full"] / n * 1000,
        "bare_ms": seconds["bare"] / n * 1000,
        "overhead": (cpu["full"] - cpu["bare"]) / cpu["bare"],
        "wall_overhead": (seconds["full"] - seconds["bare"]) / seconds["bare"],
        "full_cpu_ms": cpu["full"] / n * 1000,
        "bare_cpu_ms": cpu["bare"] / n * 1000,
        "events_ms": timed["events"] / n * 1000,
        "geo_ms": timed["geo"] / n * 1000,
        "direct_share": (timed["events"] + timed["geo"]) / seconds["full"],
        **{f"stage_{stage}_ms": seconds / n * 1000 for stage, seconds in stages.items()},
        "serialize_ms": serialize_s / n * 1000,
        "cleaning_ms": clean_s / len(articles_in) * 1000,
        "components": components,  # type: ignore[dict-item]
        "candidate_sentences": candidate_share,
        **matmul,
    }


def matmul_times(texts: list[str]) -> dict[str, float]:
    """spaCy ms/article with each matrix backend (the service's components, interleaved batches
    of 32), and how many docs came out with the same entities, tags and parse under both."""
    from service.entities.model import MATMUL_BACKENDS, load_nlp

    models = {name: load_nlp(MODEL, matmul=name) for name in MATMUL_BACKENDS}
    for nlp in models.values():
        list(nlp.pipe(texts[:4]))
    seconds = dict.fromkeys(models, 0.0)
    docs: dict[str, list[Any]] = {name: [] for name in models}
    for i in range(0, len(texts), 32):
        names = list(models) if i % 64 == 0 else list(reversed(models))
        for name in names:
            started = time.perf_counter()
            docs[name].extend(models[name].pipe(texts[i : i + 32], batch_size=32))
            seconds[name] += time.perf_counter() - started

    def signature(doc: Any) -> tuple[Any, ...]:
        return (
            [(e.start_char, e.end_char, e.label_) for e in doc.ents],
            [(t.tag_, t.dep_, t.head.i) for t in doc],
        )

    same = sum(signature(a) == signature(b) for a, b in zip(*docs.values(), strict=True))
    return {
        **{f"matmul_{name}_ms": s / len(texts) * 1000 for name, s in seconds.items()},
        "matmul_same_docs": same,
        "matmul_docs": len(texts),
    }


def component_times(
    nlp: Any, texts: list[str], events: Any
) -> tuple[dict[str, float], float]:
    """Milliseconds per article in each spaCy component, and the share of sentences the event
    extractor's trigger prefilter lets through (what a parser-on-candidates scheme would parse)."""
    started = time.perf_counter()
    docs = [nlp.make_doc(text) for text in texts]
    times = {"tokenizer": time.perf_counter() - started}
    for name, component in nlp.pipeline:
        started = time.perf_counter()
        if hasattr(component, "pipe"):
            docs = list(component.pipe(docs, batch_size=BATCH))
        else:
            docs = [component(doc) for doc in docs]
        times[name] = time.perf_counter() - started
    triggers = getattr(events, "_triggers", None)  # events/triggers.py's TriggerTyper
    sentences = [sent for doc in docs for sent in doc.sents]
    share = float("nan")
    if triggers is not None and sentences:
        hits = sum(1 for sent in sentences if triggers.may_hold_event(sent))
        share = hits / len(sentences)
    return {k: v / len(texts) * 1000 for k, v in times.items()}, share


def pipeline_child(corpus_spec: str, articles: int) -> None:
    """Child of `pipeline_figures`, so the bench process never holds a model."""
    count, seed, path = corpus_spec.split(":", 2)
    if path:
        corpus = load_corpus(Path(path), int(count))
    else:
        corpus = build_corpus(int(count), seed=int(seed))
    print(orjson.dumps(pipeline_figures(corpus, articles)).decode())


def run_pipeline_figures(args: argparse.Namespace, articles: int) -> dict[str, float]:
    spec = f"{args.articles}:{args.seed}:{args.corpus or ''}"
    out = subprocess.run(
        [sys.executable, "-m", "bench.pipeline_figures", spec, str(articles)],
        cwd=ROOT, check=True, stdout=subprocess.PIPE,
    ).stdout
    return dict(orjson.loads(out.strip().splitlines()[-1]))


if __name__ == "__main__":
    pipeline_child(sys.argv[1], int(sys.argv[2]))
