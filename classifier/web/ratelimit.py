"""A small in-process, per-client rate limiter (fixed window), off unless ``RATE_LIMIT`` is set.

``RATE_LIMIT = "120/minute"`` allows 120 limited requests per client address per minute. It covers
the JSON API and form posts; pages, static files and health checks are not limited. Each server
process counts on its own, so with N gunicorn workers a client may get up to N × the limit.
"""

from __future__ import annotations

import math
import threading
import time

from flask import Flask, current_app, request

from classifier.errors import ClassifierError

from .errors import render

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
EXEMPT = ("/api/v1/health", "/api/v1/openapi.json", "/openapi.json")


def parse_limit(value: str) -> tuple[int, int]:
    """``"120/minute"`` → (120, 60). Raises ValueError on anything else."""
    count, _, period = str(value).partition("/")
    seconds = PERIODS.get(period.strip().rstrip("s"))
    if seconds is None or not count.strip().isdigit() or int(count) < 1:
        raise ValueError(f"RATE_LIMIT must look like '120/minute' (per second|minute|hour|day), not {value!r}")
    return int(count), seconds


class RateLimiter:
    def __init__(self, limit: int, period: int, clock=time.monotonic):
        self.limit, self.period, self.clock = limit, period, clock
        self._windows: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, client: str) -> float | None:
        """Count one request; return None if allowed, else the seconds until the window resets."""
        now = self.clock()
        window = int(now // self.period)
        with self._lock:
            if len(self._windows) > 10_000:  # forget old windows so memory stays bounded
                self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
            start, count = self._windows.get(client, (window, 0))
            count = count + 1 if start == window else 1
            self._windows[client] = (window, count)
        if count <= self.limit:
            return None
        return (window + 1) * self.period - now


def _limited() -> bool:
    if request.path in EXEMPT:
        return False
    return request.path.startswith("/api/") or request.method == "POST"


def _check():
    limiter = current_app.extensions.get("rate_limiter")
    if limiter is None or not _limited():
        return None
    retry_after = limiter.hit(request.remote_addr or "unknown")
    if retry_after is not None:
        return render(ClassifierError("rate_limited"), {"Retry-After": str(max(1, math.ceil(retry_after)))})
    return None


def register(app: Flask) -> None:
    setting = app.config.get("RATE_LIMIT")
    if not setting:
        return
    app.extensions["rate_limiter"] = RateLimiter(*parse_limit(setting))
    app.before_request(_check)
