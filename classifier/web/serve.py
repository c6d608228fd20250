"""Run the web service under gunicorn, the model loaded once in the master before workers fork."""

from __future__ import annotations

import argparse
import os
import sys

from gunicorn.app.base import BaseApplication

from classifier import ClassifierError


class Server(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 2, model_path=None, timeout: int = 60) -> None:
    """Load the model (training it if the package can and it is missing), then serve until stopped."""
    from . import create_app

    if model_path is not None:  # create_app reads its settings from SCAM_CLASSIFIER_* variables
        os.environ["SCAM_CLASSIFIER_MODEL_PATH"] = str(model_path)
    try:
        app = create_app()
    except ClassifierError as exc:
        sys.exit(f"scam-classifier serve: cannot start: {exc.message}")
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "preload_app": True,  # the app (and its model) is built above, once, and shared by forked workers
        "timeout": timeout,
        "accesslog": "-",  # method, path and status only: message texts travel in POST bodies, never in URLs
        "errorlog": "-",
    }
    Server(app, options).run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m classifier.web.serve", description=serve.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--model", dest="model_path", default=None)
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.workers, args.model_path)


if __name__ == "__main__":
    main()
