"""The consumer a user would write first: one FastStream handler calling `nlp(text)` per message.

Configured by NAIVE_BOOTSTRAP, NAIVE_INPUT, NAIVE_OUTPUT and NAIVE_GROUP; prints READY once
subscribed. The full spaCy pipeline, default FastStream settings (one message per call, the
model run on the event loop), except `auto_offset_reset="earliest"` so it reads what is waiting.
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import spacy
from faststream import FastStream
from faststream.kafka import KafkaBroker

from service.entities.model import resolve_model

broker = KafkaBroker(os.environ.get("NAIVE_BOOTSTRAP", "localhost:9092"))
app = FastStream(broker)
nlp: Any = None


@app.on_startup
async def load_model() -> None:
    global nlp
    nlp = spacy.load(resolve_model("en_core_web_sm"))


@broker.subscriber(
    os.environ.get("NAIVE_INPUT", "articles.raw"),
    group_id=os.environ.get("NAIVE_GROUP", "naive"),
    auto_offset_reset="earliest",
)
@broker.publisher(os.environ.get("NAIVE_OUTPUT", "articles.naive"))
async def handle(article: dict[str, Any]) -> dict[str, Any]:
    doc = nlp(article["text"])
    return {
        "id": article["id"],
        "entities": [
            {"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char}
            for e in doc.ents
        ],
    }


@app.after_startup
async def ready() -> None:
    print("READY", flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(app.run()))
