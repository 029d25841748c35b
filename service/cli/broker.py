"""`entity-service broker`: the embedded Kafka-compatible broker until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

__all__ = ["register"]


def register(commands: Any) -> None:
    broker = commands.add_parser("broker", help="the embedded Kafka-compatible broker")
    broker.add_argument("--port", type=int, default=9092)
    broker.add_argument("--host", default="127.0.0.1")
    broker.add_argument(
        "--partitions", type=int, default=None, help="per topic (default: 2 per core, 8+)"
    )
    broker.set_defaults(func=cmd_broker)


def cmd_broker(args: argparse.Namespace) -> int:
    from service.kafka.broker import EmbeddedBroker

    partitions = {} if args.partitions is None else {"partitions": args.partitions}
    broker = EmbeddedBroker(port=args.port, host=args.host, **partitions)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    broker.start()
    print(f"KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap_servers}", flush=True)
    print(f"topics: {', '.join(broker.topics)} ({broker.partitions} partitions)", flush=True)
    try:
        stop.wait()
    finally:
        broker.stop()
    return 0
