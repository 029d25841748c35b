"""Wiring of one worker process: its FastStream application around the Kafka worker."""

from __future__ import annotations

from typing import Any

from faststream import FastStream

from service.config import Settings
from service.kafka.worker import Worker

__all__ = ["create_app"]


def create_app(settings: Settings, **kwargs: Any) -> FastStream:
    """The FastStream application of one worker process."""
    worker = Worker(settings, **kwargs)
    app = FastStream(worker.broker, lifespan=worker.lifespan)
    app.after_startup(worker.started)
    app.on_shutdown(worker.drain)  # outputs in flight acknowledged and committed first
    return app
