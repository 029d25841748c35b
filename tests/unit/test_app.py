"""app.py is wiring: one FastStream application around one Kafka worker."""

from __future__ import annotations

from faststream import FastStream

from service.app import create_app
from service.config import Settings


class TestCreateApp:
    def test_app_runs_the_workers_broker(self, settings: Settings) -> None:
        """The application serves the worker's broker, subscribed to the input topic."""
        app = create_app(settings)
        assert isinstance(app, FastStream)
        broker = app.broker
        assert broker is not None
        topics = {name for sub in broker.subscribers for name in sub.topic_names}
        assert settings.input_topic in topics
