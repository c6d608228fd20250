"""Run the web service under gunicorn, the model loaded once in the master before workers fork."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

from gunicorn.app.base import BaseApplication

from classifier.config import load_settings
from classifier.errors import ClassifierError


class Server(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def gunicorn_options(settings, host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "classifier.web.worker.Worker",  # gthread without the Server header
        "threads": settings.threads,
        "preload_app": True,  # the app (and its model) is built once, before the workers fork
        "timeout": settings.worker_timeout,
        "keepalive": 5,
        "reuse_port": True,  # each worker its own listening socket: the kernel spreads new connections over them
        # Requests larger than these never reach the app: gunicorn answers 414/431/400 itself.
        "limit_request_line": 4094,
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
        # Message texts travel in POST bodies, never in URLs; the default format has no client address,
        # query string or User-Agent either.
        "accesslog": "-" if settings.access_log_format else None,
        "access_log_format": settings.access_log_format or "",
        "errorlog": "-",
        "child_exit": _forget_worker_metrics,
        "post_worker_init": _load_current_model,
    }


def _load_current_model(worker) -> None:
    """After SIGHUP gunicorn starts new workers from the preloaded app; each loads the current model
    itself if it is no longer the one the master preloaded (a retrain or rollback happened)."""
    from classifier import Detector, read_manifest
    from classifier.config import load_settings

    from .context import EXTENSION

    app = worker.wsgi
    settings = app.extensions.get("settings") or load_settings()
    try:
        on_disk = read_manifest(settings.model_path)["model_version"]
    except ClassifierError:
        return  # keep serving the preloaded model; the error shows at the next start
    if on_disk != app.extensions[EXTENSION].version:
        app.extensions[EXTENSION] = Detector.load(settings.model_path, settings)
        worker.log.info("worker %s serves model %s", worker.pid, on_disk)


def _forget_worker_metrics(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def serve(settings=None, host: str = "127.0.0.1", port: int = 8000, workers: int = 2) -> None:
    """Build the app from ``settings`` (default: defaults ← environment), then serve until stopped."""
    from . import create_app

    settings = settings or load_settings()
    # Metrics of all workers are added up from files in one folder, set before the app (and its metrics) exist.
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="scam-classifier-metrics-"))
    try:
        app = create_app(dict(settings))
    except ClassifierError as exc:
        sys.exit(f"scam-classifier serve: cannot start: {exc.message}")
    Server(app, gunicorn_options(settings, host, port, workers)).run()


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
