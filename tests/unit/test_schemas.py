"""schemas/ is generated from the models and must not drift from them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from service.schemas import MODELS, render_schemas

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


class TestCommittedSchemas:
    def test_committed_files_are_current(self) -> None:
        """Every generated file equals the committed one (run `make schemas` after a change)."""
        rendered = render_schemas()
        committed = {p.name for p in SCHEMAS.iterdir() if p.is_file()}
        assert set(rendered) <= committed
        stale = [name for name, text in rendered.items() if (SCHEMAS / name).read_text() != text]
        assert not stale, f"stale schemas, run `make schemas`: {stale}"

    def test_json_schemas_are_valid(self) -> None:
        """Each JSON Schema is itself valid draft 2020-12."""
        for name in MODELS:
            schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
            jsonschema.Draft202012Validator.check_schema(schema)

    def test_every_field_described(self) -> None:
        """Self-documenting messages: every property of every model has a description."""
        for name in MODELS:
            schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
            bodies = [schema, *schema.get("$defs", {}).values()]
            for body in bodies:
                for field, spec in body.get("properties", {}).items():
                    assert "description" in spec, f"{name}: {body.get('title')}.{field}"

    def test_asyncapi_names_the_three_topics(self) -> None:
        """The AsyncAPI document describes input, output and dead-letter topics with payloads."""
        document = yaml.safe_load((SCHEMAS / "asyncapi.yaml").read_text())
        addresses = {c["address"] for c in document["channels"].values()}
        assert addresses == {"articles.raw", "articles.events", "articles.dlq"}
        assert "Article" in document["components"]["schemas"]
        assert "ArticleRecord" in document["components"]["schemas"]
        assert "DeadLetter" in document["components"]["schemas"]


class TestAsyncApiHeaders:
    def test_outputs_list_the_contract_headers(self) -> None:
        """Records and dead letters document their CloudEvents and trace headers."""
        messages = yaml.safe_load(render_schemas()["asyncapi.yaml"])["components"]["messages"]
        record = messages["records:Message"]["headers"]
        dead = messages["dead-letters:Message"]["headers"]
        contract = {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"}
        assert contract <= set(record["required"])
        assert contract | {"error-type"} <= set(dead["required"])
        assert record["properties"]["ce_type"]["const"] == "org.entityservice.article-record.v1"
        assert dead["properties"]["ce_type"]["const"] == "org.entityservice.dead-letter.v1"
        for headers in (record, dead, messages["articles:SubscribeMessage"]["headers"]):
            assert {"traceparent", "tracestate"} <= set(headers["properties"])
