"""Rate limiting with Flask-Limiter, off when the ``rate_limit`` setting is null.

``rate_limit = "120/minute"`` allows 120 units of requests per client address per minute across the
JSON API and form posts; pages, static files, health, metrics and the OpenAPI document are not limited.
A batch costs one unit per message. With the default in-memory storage each worker process counts on
its own; set ``rate_limit_storage`` to a shared store (``redis://host:6379``) and every worker shares
one limit.
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

EXEMPT = ("/api/v1/health", "/api/v1/openapi.json", "/openapi.json", "/metrics")
EXTENSION = "rate_limiter"


def _exempt() -> bool:
    return request.path in EXEMPT or not (request.path.startswith("/api/") or request.method == "POST")


def _cost() -> int:
    """A batch counts as many requests as it has messages."""
    if request.path != "/api/v1/classify/batch":
        return 1
    body = request.get_json(silent=True, cache=True)
    items = body.get("messages") if isinstance(body, dict) else body
    return max(1, len(items)) if isinstance(items, list) else 1


def register(app: Flask) -> None:
    setting = app.config["RATE_LIMIT"]
    app.extensions[EXTENSION] = Limiter(
        get_remote_address, app=app, default_limits=[setting.replace("/", " per ")] if setting else [],
        default_limits_exempt_when=_exempt, default_limits_cost=_cost, headers_enabled=True,
        storage_uri=app.config["RATE_LIMIT_STORAGE"], strategy="fixed-window", enabled=bool(setting),
    )
