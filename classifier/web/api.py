"""The JSON API under ``/api/v1``: classify one message or a batch, the typology, health, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from classifier import InputError

from . import openapi
from .context import get_classifier
from .errors import ApiError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def limit_json_body():
    # JSON bodies get their own, smaller limit than file uploads (MAX_CONTENT_LENGTH).
    request.max_content_length = current_app.config["MAX_JSON_BYTES"]


def json_body() -> Any:
    """The parsed JSON body, or an ApiError: 415 if not JSON, 400 if it does not parse."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    data = request.get_data(cache=False)
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "invalid_json", f"The body is not valid JSON: {exc}") from None


def json_object() -> dict:
    body = json_body()
    if not isinstance(body, dict):
        raise ApiError(400, "not_object", f"The body must be a JSON object, not {_json_type(body)}.")
    return body


def flag(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise ApiError(400, "invalid_type", f"'{name}' must be true or false, not {_json_type(value)}.")
    return value


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


@bp.post("/classify")
def classify():
    body = json_object()
    if "text" not in body:
        raise ApiError(400, "missing_text", "The body needs a 'text' field with the message to classify.")
    explain = flag(body, "explain", True)
    # A text the classifier refuses raises InputError, rendered as 400/413 by errors.handle_input.
    return jsonify(get_classifier().classify(body["text"], explain=explain).to_dict())


def batch_items(body: Any) -> list:
    items = body.get("messages") if isinstance(body, dict) else body
    if isinstance(body, dict) and "messages" not in body:
        raise ApiError(400, "missing_messages", "The body needs a 'messages' array.")
    if not isinstance(items, list):
        raise ApiError(400, "invalid_type", f"'messages' must be an array, not {_json_type(items)}.")
    limit = current_app.config["MAX_BATCH_ITEMS"]
    if len(items) > limit:
        raise ApiError(413, "batch_too_large", f"The batch has {len(items)} messages; the limit is {limit}.")
    return items


def item_text(item: Any, entry: dict) -> Any:
    """The text of one batch item (a string, or an object with 'text' and an optional 'id' we echo)."""
    if not isinstance(item, dict):
        return item
    entry["id"] = item.get("id")
    if "text" not in item:
        raise InputError("the item has no 'text' field", code="missing_text")
    return item["text"]


@bp.post("/classify/batch")
def classify_batch():
    body = json_body()
    explain = flag(body, "explain", False) if isinstance(body, dict) else False
    items = batch_items(body)
    entries, readable, texts = [], [], []
    for index, item in enumerate(items):
        entry: dict[str, Any] = {"index": index, "id": None, "result": None, "error": None}
        entries.append(entry)
        try:
            texts.append(item_text(item, entry))
            readable.append(entry)
        except InputError as exc:
            entry["error"] = _error(exc)
    for entry, outcome in zip(readable, get_classifier().predict_each(texts, explain=explain)):
        if isinstance(outcome, InputError):  # a bad item gets its own error; the others go on
            entry["error"] = _error(outcome)
        else:
            entry["result"] = outcome.to_dict()
    errors = sum(entry["error"] is not None for entry in entries)
    return jsonify({"count": len(entries), "errors": errors, "results": entries})


def _error(exc: InputError) -> dict:
    return {"code": exc.code, "message": exc.message}


@bp.get("/typology")
def typology():
    return jsonify(get_classifier().typology.to_dict())


@bp.get("/typology/<category_id>")
def category(category_id: str):
    try:
        return jsonify(get_classifier().typology.get(category_id).to_dict())
    except KeyError:
        raise ApiError(404, "unknown_category", f"No category with id '{category_id}'.") from None


@bp.get("/health")
def health():
    model = get_classifier()
    return jsonify({
        "status": "ok",
        "model_version": model.version,
        "labels": [str(label) for label in model.classes_],
        "metrics": getattr(model, "manifest_", {}).get("metrics") or {},
    })


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document(current_app.config))
