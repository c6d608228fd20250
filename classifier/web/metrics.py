"""``/metrics`` in the Prometheus text format: requests and errors by endpoint and status, latency, verdicts.

Under ``serve``, the main process points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh folder before the workers fork,
and the figures of all workers are added up on each scrape. No message text is ever a label.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

REQUESTS = Counter("scam_classifier_requests", "HTTP requests by endpoint and status", ["endpoint", "status"])
LATENCY = Histogram("scam_classifier_request_seconds", "Time to answer a request", ["endpoint"],
                    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
VERDICTS = Counter("scam_classifier_verdicts", "Messages classified, by verdict label", ["label"])

bp = Blueprint("metrics", __name__)


def count_verdicts(labels) -> None:
    for label in labels:
        VERDICTS.labels(label=label).inc()


@bp.get("/metrics")
def metrics():
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY as registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _start() -> None:
    g.started = time.perf_counter()


def _record(response: Response) -> Response:
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"  # never the raw path: no unbounded labels
    REQUESTS.labels(endpoint=endpoint, status=str(response.status_code)).inc()
    if "started" in g:
        LATENCY.labels(endpoint=endpoint).observe(time.perf_counter() - g.started)
    return response


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_record)
    app.register_blueprint(bp)
