"""Run the web service under granian, the model loaded once in the main process before workers fork.

granian reads and writes HTTP in Rust, outside the GIL: a slow client holds no Python thread, and the
per-request cost of the server is a fraction of gunicorn's (see the README's Benchmark section). Each
worker process runs the Flask app on ``threads`` Python threads.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.server import Server

from classifier.config import load_settings
from classifier.errors import ClassifierError

# A request's line and headers must fit in this many bytes, or the server answers 431 itself and the app
# never sees the request (bodies are not counted; the app limits those).
MAX_REQUEST_HEAD_BYTES = 16_384
HEADER_READ_TIMEOUT_MS = 10_000  # a client that has not sent its headers after 10 s is disconnected

_preloaded = None  # the app the main process built; forked workers share its memory


def server_options(settings, host: str, port: int, workers: int) -> dict:
    return {
        "address": host,
        "port": port,
        "interface": Interfaces.WSGI,
        "workers": workers,
        "blocking_threads": settings.threads,
        "http": HTTPModes.http1,
        "websockets": False,
        "http1_settings": HTTP1Settings(header_read_timeout=HEADER_READ_TIMEOUT_MS, max_buffer_size=MAX_REQUEST_HEAD_BYTES),
        "respawn_failed_workers": True,
        "workers_kill_timeout": settings.worker_timeout,
        # Message texts travel in POST bodies, never in URLs; the default format has no client address,
        # query string or User-Agent either.
        "log_access": bool(settings.access_log_format),
        "log_access_format": settings.access_log_format,
    }


def worker_app(target: str = ""):
    """The app of one worker: the preloaded one, serving the current model.

    After SIGHUP granian starts new workers from the main process, whose preloaded app may hold a model
    that is no longer current (a retrain or rollback happened): the worker then loads the current one.
    A worker started without a preloaded app (a ``spawn`` start method) builds its own.
    """
    from classifier import Detector, read_manifest

    from . import create_app
    from .context import EXTENSION

    app = _preloaded or create_app()
    settings = app.extensions.get("settings") or load_settings()
    try:
        on_disk = read_manifest(settings.model_path)["model_version"]
    except ClassifierError:
        return app  # keep serving the preloaded model; the error shows at the next start
    if on_disk != app.extensions[EXTENSION].version:
        app.extensions[EXTENSION] = Detector.load(settings.model_path, settings)
        print(f"worker {os.getpid()} serves model {on_disk}", file=sys.stderr, flush=True)
    return app


def serve(settings=None, host: str = "127.0.0.1", port: int = 8000, workers: int = 2) -> None:
    """Build the app from ``settings`` (default: defaults ← environment), then serve until stopped."""
    global _preloaded
    from . import create_app

    settings = settings or load_settings()
    _check_address(host, port)
    # Metrics of all workers are added up from files in one folder, set before the app (and its metrics) exist.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="scam-classifier-metrics-"))
    try:
        _preloaded = create_app(dict(settings))
    except ClassifierError as exc:
        sys.exit(f"scam-classifier serve: cannot start: {exc.message}")
    server = Server("classifier.web.serve:worker_app", **server_options(settings, host, port, workers))
    server.serve(target_loader=worker_app)  # each forked worker calls worker_app instead of importing the target


def _check_address(host: str, port: int) -> None:
    """Stop with one clear line, before the model is loaded, if the address cannot be listened on (a port
    in use, a host that is not this machine's); granian would fail later with a traceback."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no obstacle
            probe.bind((host, port))
    except OSError as exc:
        sys.exit(f"scam-classifier serve: cannot listen on {host}:{port}: {exc.strerror or exc}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m classifier.web.serve", description=serve.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", dest="model_path", default=None)
    args = parser.parse_args(argv)
    settings = load_settings({"model_path": args.model_path} if args.model_path else None)
    serve(settings, args.host, args.port, args.workers)


if __name__ == "__main__":
    main()
