"""Generate schemas/ from the pydantic models (JSON Schema) and the broker (AsyncAPI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from service import __version__
from service.models import Article, ArticleRecord, DeadLetter

__all__ = ["MODELS", "render_schemas", "write_schemas"]

MODELS: dict[str, type[BaseModel]] = {
    "article": Article,
    "article_record": ArticleRecord,
    "dead_letter": DeadLetter,
}


def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation" if model is Article else "serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://entity-service/schemas/{model.__name__}.json"
    return schema


def _asyncapi() -> dict[str, Any]:
    """FastStream's AsyncAPI of the worker's broker, with the input payload made explicit.

    The subscriber takes raw bytes (each message is validated on its own), so FastStream cannot
    infer the Article payload; we put the Article schema there ourselves.
    """
    from faststream.specification import AsyncAPI

    from service.config import Settings
    from service.kafka.worker import Worker

    # Documented defaults, whatever this machine's environment says.
    names = ("kafka_bootstrap_servers", "input_topic", "output_topic", "dlq_topic", "group_id")
    worker = Worker(Settings(**{n: Settings.model_fields[n].default for n in names}))
    spec = AsyncAPI(
        worker.broker,
        title="entity-service",
        version=__version__,
        description="Raw news articles in; entities and PLOVER events out; dead letters aside.",
    )
    document: dict[str, Any] = json.loads(spec.to_specification().to_json())
    article = Article.model_json_schema()
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for definition, body in article.pop("$defs", {}).items():
        schemas.setdefault(definition, body)
    schemas["Article"] = article
    for name, message in components.get("messages", {}).items():
        if name.startswith("articles:"):
            message["payload"] = {"$ref": "#/components/schemas/Article"}
    _add_headers(components.get("messages", {}))
    return document


def _add_headers(messages: dict[str, Any]) -> None:
    """The Kafka headers of each output (the contract's Headers section); FastStream's AsyncAPI
    has no place for a publisher's header schema, so it is written in here."""
    from service.kafka.headers import DEAD_LETTER_TYPE, RECORD_TYPE, header_schema

    for name, message in messages.items():
        if name.startswith("records:"):
            message["headers"] = header_schema(RECORD_TYPE, dead_letter=False)
        elif name.startswith("dead-letters:"):
            message["headers"] = header_schema(DEAD_LETTER_TYPE, dead_letter=True)
        elif name.startswith("articles:"):
            message["headers"] = {
                "type": "object",
                "properties": {
                    "traceparent": {
                        "type": "string",
                        "description": "W3C trace context; carried onto the outputs.",
                    },
                    "tracestate": {"type": "string", "description": "W3C tracestate."},
                },
            }


def render_schemas() -> dict[str, str]:
    """File name -> exact file content, so a test can compare with what is committed."""
    files = {
        f"{name}.schema.json": json.dumps(_json_schema(model), indent=2, sort_keys=True) + "\n"
        for name, model in MODELS.items()
    }
    files["asyncapi.yaml"] = yaml.safe_dump(_asyncapi(), sort_keys=True, allow_unicode=True)
    return files


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render_schemas().items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
