"""Rendering errors: a JSON envelope for the API, a small Chinese page otherwise.

Every error the service returns — the package's :class:`ClassifierError` (which carries its HTTP
status) or Werkzeug's HTTP errors — goes through :func:`render`, so the API always answers
``{"error": {"code": ..., "message": ...}}`` with the matching status.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from classifier.errors import STATUS_CODES, ClassifierError, InputError

log = logging.getLogger(__name__)
# Chinese titles for the HTML error page.
PAGE_TITLES = {400: "请求有误", 404: "找不到这个页面", 405: "不支持这种请求方式", 413: "内容太大",
               415: "格式不支持", 429: "请求太频繁", 500: "服务器出错了", 503: "服务暂时不可用"}
# Werkzeug headers worth passing on to the client.
KEPT_HEADERS = ("allow", "retry-after")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/openapi.json"


def render(error: ClassifierError, headers: dict | None = None):
    if wants_json():
        response = make_response(jsonify({"error": error.to_dict()}))
    else:
        title = PAGE_TITLES.get(error.status, "出错了")
        response = make_response(render_template("error.html", status=error.status, title=title, error=error))
    response.status_code = error.status
    response.headers.update(headers or {})
    return response


def handle_http(exc: HTTPException):
    status = exc.code or 500
    error = InputError(STATUS_CODES.get(status, "bad_request" if status < 500 else "internal_error"))
    error.status = status
    headers = {key: value for key, value in exc.get_headers() if key.lower() in KEPT_HEADERS}
    return render(error, headers)


def handle_unexpected(exc: Exception):
    # Log the exception type and traceback, never the request body (it may hold a message text).
    log.exception("unhandled %s on %s %s", type(exc).__name__, request.method, request.path)
    return render(ClassifierError("internal_error"))


def register(app: Flask) -> None:
    app.register_error_handler(ClassifierError, render)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
