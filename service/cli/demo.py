"""`entity-service demo`: embedded broker + the service + the sample articles, records shown."""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from service.cli import PROJECT_ROOT, CliError, settings_from
from service.cli.files import read_messages
from service.cli.topics import publish_articles, tail
from service.cli.ui import start_alongside, stay_up_until_interrupted, stop_child

__all__ = ["register"]

DEFAULT_SAMPLES = PROJECT_ROOT / "samples" / "articles.jsonl"


def register(commands: Any) -> None:
    demo = commands.add_parser("demo", help="broker + service + sample articles, records printed")
    demo.add_argument("--input", default=str(DEFAULT_SAMPLES))
    demo.add_argument("--metrics-port", type=int, default=9000)
    demo.add_argument("--timeout", type=float, default=120.0)
    demo.add_argument("--ui-port", type=int, default=None,
                      help="also serve the live page (entity-service ui) and stay up until Ctrl-C")
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from service.kafka.broker import EmbeddedBroker

    samples = Path(args.input)
    if not samples.is_file():
        raise CliError(f"no sample articles at {samples}")
    messages = read_messages(str(samples))
    with EmbeddedBroker() as broker:
        env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers}
        print(f"demo: embedded broker on {broker.bootstrap_servers}", file=sys.stderr, flush=True)
        service = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "run", "--metrics-port", str(args.metrics_port)],
            env=env,
        )
        page = start_alongside(env, args.ui_port) if args.ui_port is not None else None
        try:
            settings = settings_from(kafka_bootstrap_servers=broker.bootstrap_servers)
            asyncio.run(publish_articles(settings, messages))
            print(f"demo: published {len(messages)} sample articles", file=sys.stderr, flush=True)
            buffer = io.BytesIO()
            topics = [settings.output_topic, settings.dlq_topic]
            seen = asyncio.run(tail(settings, topics, len(messages), args.timeout, buffer))
            _show_outputs(buffer.getvalue())
            if page is not None:
                stay_up_until_interrupted([service, page])
        finally:
            if page is not None:
                stop_child(page)
            service.send_signal(signal.SIGTERM)
            try:
                service.wait(timeout=60)
            except subprocess.TimeoutExpired:
                service.kill()
    if seen < len(messages):
        print(f"demo: only {seen} of {len(messages)} outputs arrived", file=sys.stderr)
        return 1
    print(f"demo: {seen} outputs for {len(messages)} articles", file=sys.stderr)
    return 0


def _show_outputs(payload: bytes) -> None:
    """Each output as indented JSON on stdout, then a one-line summary each on stderr."""
    summaries = []
    for line in payload.splitlines():
        output = orjson.loads(line)
        sys.stdout.buffer.write(orjson.dumps(output, option=orjson.OPT_INDENT_2) + b"\n")
        summaries.append(_summary(output))
    sys.stdout.buffer.flush()
    print("demo: records\n" + "\n".join(summaries), file=sys.stderr)


def _summary(output: dict[str, Any]) -> str:
    if "error" in output:
        return f"  dead letter {output.get('article_id')}: {output['error']['type']}"
    events = ", ".join(f"{e['actor']} {e['type']} {e['target']}" for e in output["events"][:4])
    return (
        f"  {output['article_id']}: {len(output['text'])} chars, "
        f"{len(output['entities'])} entities, {len(output['events'])} events ({events})"
    )
