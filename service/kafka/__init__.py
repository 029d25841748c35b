"""Everything that talks to Kafka: the worker, client options, lag, the embedded broker."""
