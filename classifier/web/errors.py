"""One error type and the handlers that render it: a JSON envelope for the API, a small page otherwise.

Every error the service returns — ours or Werkzeug's — goes through :func:`render`, so the API
always answers ``{"error": {"code": ..., "message": ...}}`` with the matching HTTP status.
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from classifier import InputError

log = logging.getLogger(__name__)

# Werkzeug's HTTP errors, as stable codes and Chinese-free API messages.
HTTP_CODES = {
    400: ("bad_request", "The request could not be understood."),
    404: ("not_found", "No such endpoint or resource."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("body_too_large", "The request body is larger than the configured limit."),
    415: ("unsupported_media_type", "Send the body as application/json."),
    429: ("rate_limited", "Too many requests; slow down and retry later."),
}
# Chinese titles for the HTML error page.
PAGE_TITLES = {400: "请求有误", 404: "找不到这个页面", 405: "不支持这种请求方式", 413: "内容太大",
               415: "格式不支持", 429: "请求太频繁", 500: "服务器出错了"}
# InputError codes from ScamClassifier.check that mean "too large" rather than "bad".
TOO_LARGE = {"text_too_long"}


class ApiError(Exception):
    """An error with an HTTP status, a stable machine-readable code and a human message."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}

    @classmethod
    def from_input_error(cls, error: InputError) -> "ApiError":
        return cls(413 if error.code in TOO_LARGE else 400, error.code, error.message)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/openapi.json"


def render(error: ApiError):
    if wants_json():
        response = jsonify({"error": {"code": error.code, "message": error.message}})
    else:
        title = PAGE_TITLES.get(error.status, "出错了")
        response = render_template("error.html", status=error.status, title=title, error=error)
    response = make_response(response)
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def handle_http(exc: HTTPException):
    code, message = HTTP_CODES.get(exc.code or 500, ("http_error", exc.description or "HTTP error"))
    headers = {key: value for key, value in exc.get_headers() if key.lower() in ("allow", "retry-after")}
    return render(ApiError(exc.code or 500, code, message, headers))


def handle_input(exc: InputError):
    """A message the classifier refused (empty, too long, not text, undecodable): 400 or 413."""
    return render(ApiError.from_input_error(exc))


def handle_unexpected(exc: Exception):
    # Log the exception type and traceback, never the request body (it may hold a message text).
    log.exception("unhandled %s on %s %s", type(exc).__name__, request.method, request.path)
    return render(ApiError(500, "internal_error", "Internal server error."))


def register(app: Flask) -> None:
    app.register_error_handler(ApiError, render)
    app.register_error_handler(InputError, handle_input)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
