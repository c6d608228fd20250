"""Every response says which request it answers and which model spoke: X-Request-ID and X-Model-Version.

A client's own X-Request-ID (letters, digits, ``.``, ``_``, ``-``, up to 128) is echoed back, so that a
platform can follow one message through its logs and ours; otherwise one is made up.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

from .context import get_detector

_USABLE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _USABLE_ID.fullmatch(given) else uuid.uuid4().hex


def _stamp(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Model-Version"] = get_detector().version
    return response


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_stamp)
