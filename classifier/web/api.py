"""The JSON API under ``/api/v1``: classify one message or a batch, the typology, health, OpenAPI."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for

from classifier.errors import InputError

from . import openapi
from .context import get_detector, get_feedback_store, known_category
from .metrics import count_verdicts

bp = Blueprint("api", __name__, url_prefix="/api/v1")
CLASSIFY_FIELDS = ("text", "explain")
BATCH_FIELDS = ("messages", "explain", "advice")
FEEDBACK_FIELDS = ("text", "label", "keep_text", "note")
MAX_NOTE_CHARS = 500


@bp.before_request
def limit_json_body():
    # JSON bodies get their own, smaller limit than file uploads (MAX_CONTENT_LENGTH).
    request.max_content_length = current_app.config["MAX_JSON_BYTES"]


def json_body() -> Any:
    """The parsed JSON body, or an InputError: 415 if not JSON, 400 if it does not parse."""
    if not request.is_json:
        raise InputError("unsupported_media_type")
    data = request.get_data(cache=False)
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError("invalid_json", detail=str(exc)) from None
    except RecursionError:
        raise InputError("invalid_json", detail="nested too deeply") from None


def within_budget(texts: list, explain: bool) -> None:
    """Refuse a request that asks for more work than one request may (the max_request_cost setting)."""
    cost, limit = get_detector().cost(texts, explain), current_app.config["MAX_REQUEST_COST"]
    if cost > limit:
        raise InputError("too_costly", cost=f"{cost:,}", limit=f"{limit:,}")


def json_object() -> dict:
    body = json_body()
    if not isinstance(body, dict):
        raise InputError("not_object", type=_json_type(body))
    return body


def known_fields(body: dict, allowed: tuple[str, ...]) -> dict:
    """Refuse fields the operation does not know: a typo such as 'explian' must not pass silently."""
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise InputError("unknown_field", fields=", ".join(f"'{name}'" for name in unknown), allowed=", ".join(allowed))
    return body


def flag(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise InputError("invalid_type", field=name, expected="true or false", type=_json_type(value))
    return value


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


@bp.post("/classify")
def classify():
    body = json_object()
    if "text" not in body:
        raise InputError("missing_text")
    known_fields(body, CLASSIFY_FIELDS)
    explain = flag(body, "explain", True)
    within_budget([body["text"]], explain)
    # A text the detector refuses raises InputError, rendered with its own status by errors.render.
    detector = get_detector()
    prediction = detector.classify(body["text"], explain=explain)
    count_verdicts([prediction.label])
    return jsonify({**prediction.to_dict(), "model_version": detector.version})


def batch_items(body: Any) -> list:
    items = body.get("messages") if isinstance(body, dict) else body
    if isinstance(body, dict) and "messages" not in body:
        raise InputError("missing_messages")
    if not isinstance(items, list):
        raise InputError("invalid_type", field="messages", expected="an array", type=_json_type(items))
    limit = current_app.config["MAX_BATCH_ITEMS"]
    if len(items) > limit:
        raise InputError("batch_too_large", count=len(items), limit=limit)
    return items


def item_text(item: Any) -> Any:
    """The text of one batch item (a string, or an object with 'text' and an optional 'id' we echo)."""
    if not isinstance(item, dict):
        return item
    if "text" not in item:
        raise InputError("missing_text")
    return item["text"]


def echoable_id(value: Any, index: int) -> Any:
    """An item's id as given, if it can be written back as UTF-8 JSON; else the whole request is refused."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("invalid_id", index=index, reason="it contains a lone surrogate") from None
    except RecursionError:
        raise InputError("invalid_id", index=index, reason="it is nested too deeply") from None
    return value


@bp.post("/classify/batch")
def classify_batch():
    body = json_body()
    explain = flag(body, "explain", False) if isinstance(body, dict) else False
    full_advice = advice_mode(body) == "full"
    items = batch_items(body)
    if isinstance(body, dict):
        known_fields(body, BATCH_FIELDS)
    within_budget([item.get("text") if isinstance(item, dict) else item for item in items], explain)
    entries, readable, texts = [], [], []
    for index, item in enumerate(items):
        item_id = echoable_id(item.get("id"), index) if isinstance(item, dict) else None
        entry: dict[str, Any] = {"index": index, "id": item_id, "result": None, "error": None}
        entries.append(entry)
        try:
            texts.append(item_text(item))
            readable.append(entry)
        except InputError as exc:
            entry["error"] = exc.to_dict()
    detector = get_detector()
    for entry, outcome in zip(readable, detector.predict_each(texts, explain=explain)):
        if isinstance(outcome, InputError):  # a bad item gets its own error; the others go on
            entry["error"] = outcome.to_dict()
        else:
            entry["result"] = outcome.to_dict() if full_advice else compact(outcome)
    count_verdicts(entry["result"]["label"] for entry in entries if entry["result"])
    errors = sum(entry["error"] is not None for entry in entries)
    return jsonify({"model_version": detector.version, "count": len(entries), "errors": errors, "results": entries})


def advice_mode(body: Any) -> str:
    value = body.get("advice", "ref") if isinstance(body, dict) else "ref"
    if value not in ("ref", "full"):
        raise InputError("invalid_type", field="advice", expected='"ref" or "full"', type=_json_type(value))
    return value


def compact(prediction) -> dict:
    """A batch result with its advice by reference: the category's advice is at /api/v1/typology/<id>
    (the general advice and the money-gone steps at /api/v1/typology), instead of ~2.6 KB per item."""
    return {**prediction.to_dict(), "advice": {"ref": url_for("api.category", category_id=prediction.label)}}


@bp.post("/feedback")
def feedback():
    """A correction from a platform: 201 with its id; the text is kept only with keep_text."""
    body = json_object()
    for name in ("text", "label"):
        if name not in body:
            raise InputError("missing_text" if name == "text" else "missing_label")
    known_fields(body, FEEDBACK_FIELDS)
    detector = get_detector()
    label, note = body["label"], body.get("note")
    if label not in detector.typology.label_ids:
        raise InputError("unknown_label", labels=[label] if isinstance(label, str) else [str(label)])
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE_CHARS):
        raise InputError("invalid_type", field="note", expected=f"text of at most {MAX_NOTE_CHARS} characters",
                         type=_json_type(note))
    prediction = detector.classify(body["text"], explain=False)  # checks the text too (empty, too long …)
    store = get_feedback_store()
    correction_id = store.add(body["text"], label, prediction, detector.version, keep_text=flag(body, "keep_text", False),
                              note=note, source="api")
    return jsonify({"id": correction_id, "model_version": detector.version}), 201


@bp.get("/typology")
def typology():
    detector = get_detector()
    return jsonify({**detector.typology.to_dict(), "model_version": detector.version})


@bp.get("/typology/<category_id>")
def category(category_id: str):
    return jsonify({**known_category(category_id).to_dict(), "model_version": get_detector().version})


@bp.get("/health")
def health():
    detector = get_detector()
    return jsonify({
        "status": "ok",
        "model_version": detector.version,
        "labels": detector.labels,
        "metrics": detector.model.metrics,
        "label_thresholds": detector.label_thresholds,
    })


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document(current_app.config))
