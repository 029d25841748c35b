"""Client options for a real cluster (TLS, SASL), shared by the worker and every CLI client."""

from __future__ import annotations

import ssl
from typing import Any

from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from service.config import Settings

__all__ = ["client_options", "kafka_security"]


def kafka_security(settings: Settings) -> BaseSecurity | None:
    """FastStream security object from the settings (TLS and SASL for real clusters)."""
    if settings.kafka_security_protocol == "PLAINTEXT":
        return None
    context = ssl.create_default_context(
        cafile=str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
    )
    use_ssl = settings.kafka_security_protocol in ("SSL", "SASL_SSL")
    if settings.kafka_security_protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    username = settings.kafka_sasl_username or ""
    secret = settings.kafka_sasl_password
    password = secret.get_secret_value() if secret is not None else ""
    sasl = {
        "PLAIN": SASLPlaintext,
        "SCRAM-SHA-256": SASLScram256,
        "SCRAM-SHA-512": SASLScram512,
    }[settings.kafka_sasl_mechanism or "PLAIN"]
    return sasl(
        username=username,
        password=password,
        ssl_context=context if use_ssl else None,
        use_ssl=use_ssl,
    )


def client_options(settings: Settings) -> dict[str, Any]:
    """The TLS/SASL keyword arguments raw aiokafka clients need for this cluster."""
    security = kafka_security(settings)
    return parse_security(security) if security is not None else {}
