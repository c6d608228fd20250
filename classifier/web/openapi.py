"""The OpenAPI 3.1 document for ``/api/v1``; limits are filled in from the app configuration."""

from __future__ import annotations

from typing import Any

from classifier import load_typology


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required: list[str] | None = None, extra: bool = False) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties) if required is None else required}
    if not extra:
        schema["additionalProperties"] = False
    return schema


STRING, NUMBER, INTEGER, BOOLEAN = ({"type": t} for t in ("string", "number", "integer", "boolean"))
STRINGS = {"type": "array", "items": STRING}
NULLABLE_INT = {"type": ["integer", "null"]}
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}


def term_schema() -> dict:
    return obj({"term": STRING, "kind": {"enum": ["word", "char", "pinyin", "signal"]}, "value": NUMBER,
                "coefficient": NUMBER, "contribution": NUMBER})


def explanation_schema() -> dict:
    segment = obj({"start": INTEGER, "end": INTEGER, "text": STRING, "weight": NUMBER,
                   "level": {"type": "integer", "minimum": -3, "maximum": 3}})
    phrase = obj({"text": STRING, "start": INTEGER, "end": INTEGER, "weight": NUMBER, "toward": {"enum": ["scam", "normal"]}})
    terms = {"type": "array", "items": ref("Term")}
    return obj({"label": STRING, "intercept": NUMBER, "score": NUMBER, "toward": terms, "against": terms,
                "contrast_label": STRING, "segments": {"type": "array", "items": segment},
                "phrases": {"type": "array", "items": phrase,
                            "description": "Runs of the message that drove the verdict, strongest first, in the person's own words."}})


def prediction_schema(labels: list[str], in_batch: bool = False) -> dict:
    """A prediction; alone (POST /classify) it carries the model version, in a batch its advice may be a reference."""
    label = {"enum": labels}
    top = obj({"label": label, "name": STRING, "probability": PROBABILITY})
    signal = obj({"type": STRING, "name": STRING, "text": STRING, "start": INTEGER, "end": INTEGER})
    red_flag = obj({"type": STRING, "name": STRING, "texts": STRINGS})
    similar = obj({"text": STRING, "label": label, "similarity": NUMBER})
    advice = obj({
        "category_tips": STRINGS, "if_paid": STRINGS,
        "general": obj({"title": STRING, "tips": STRINGS}),
        "already_paid": obj({"title": STRING, "steps": STRINGS}),
    }, required=["category_tips", "if_paid", "already_paid"])
    return obj({
        "label": label,
        "category": obj({"id": label, "name": STRING, "white_paper_number": NULLABLE_INT}),
        "risk_score": PROBABILITY,
        "risk_percent": {"type": "string", "description": "The risk as a person reads it: 约 37%, <1%, >99%."},
        "risk_level": {"enum": ["low", "medium", "high"]},
        "risk_level_name": STRING,
        "too_short": {"type": "boolean", "description": "Too little content to judge (在吗, 你好): never above low risk."},
        "headline": {"type": "string", "description": "The verdict in one Chinese line, from the same thresholds as the risk level."},
        "action": {"type": ["string", "null"], "description": "The one thing to do now, at medium and high risk."},
        "top": {"type": "array", "items": top, "maxItems": 3},
        "uncertain": BOOLEAN,
        "signals": {"type": "array", "items": signal},
        "rules": {"type": "array", "items": obj({"name": STRING, "kind": {"enum": ["allow", "block"]}, "matched": STRING}),
                  "description": "Deployment rules that fired; shown beside the model's verdict, never instead of it."},
        "red_flags": {"type": "array", "items": red_flag, "description": "Each red flag once, with the texts that raised it."},
        "explanation": {"oneOf": [ref("Explanation"), {"type": "null"}]},
        "advice": {"oneOf": [advice, obj({"ref": {"type": "string", "description": "GET this for the advice"}})]}
        if in_batch else advice,
        "similar": {"type": "array", "items": similar},
        **({} if in_batch else {"model_version": STRING}),
    })


def category_schema() -> dict:
    subtype = obj({"id": STRING, "name": STRING, "description": STRING, "script": STRINGS, "red_flags": STRINGS,
                   "advice": STRINGS})
    return obj({"id": STRING, "name": STRING, "white_paper_number": NULLABLE_INT, "summary": STRING,
                "description": STRING, "script": STRINGS, "red_flags": STRINGS, "advice": STRINGS,
                "if_paid": STRINGS, "subtypes": {"type": "array", "items": subtype},
                "examples": {"type": "array", "items": obj({"scam": STRING, "lookalike": STRING, "difference": STRING})},
                "source": {"type": ["object", "null"]}, "model_version": STRING},
               required=["id", "name", "white_paper_number", "summary", "description", "script", "red_flags", "advice",
                         "if_paid", "subtypes", "examples", "source"])


def typology_schema() -> dict:
    return obj({"categories": {"type": "array", "items": ref("Category")}, "thresholds": {"type": "object"},
                "risk_levels": {"type": "object"}, "too_short": {"type": "object"}, "sources": {"type": "object"},
                "general_advice": {"type": "object"}, "already_paid": {"type": "object"}, "model_version": STRING})


def batch_schemas(max_items: int, max_chars: int) -> dict:
    per_item = (f"A missing, empty or non-text message, or one longer than {max_chars} characters, gets its own "
                "error in the results; the other items go on.")
    # Any JSON value is accepted in the list, so that one bad item never sinks the batch.
    item = {"description": f"A message (a string), or an object with its \"text\" and an optional \"id\" that is "
                           f"echoed back (other keys are ignored). {per_item}",
            "examples": ["您的快递丢失，客服为您办理理赔", {"id": 17, "text": "明天上午十点开会"}]}
    messages = {"type": "array", "items": item, "maxItems": max_items}
    entry = obj({"index": INTEGER, "id": {"description": "The item's id, or null."},
                 "result": {"oneOf": [ref("BatchPrediction"), {"type": "null"}]},
                 "error": {"oneOf": [ref("ErrorDetail"), {"type": "null"}]}})
    return {
        "BatchRequest": {"oneOf": [obj({
            "messages": messages, "explain": {"type": "boolean", "default": False},
            "advice": {"enum": ["ref", "full"], "default": "ref",
                       "description": "ref: each result's advice is a link to its category; full: the advice itself"},
        }, required=["messages"]), messages]},
        "BatchResponse": obj({"model_version": STRING, "count": INTEGER, "errors": INTEGER,
                              "results": {"type": "array", "items": entry}}),
    }


def components(config: dict) -> dict:
    typology = load_typology()
    max_chars = config["MAX_TEXT_CHARS"]
    schemas = {
        "ClassifyRequest": obj({"text": {"type": "string", "minLength": 1, "maxLength": max_chars,
                                         "description": "The message. One with no visible character is 400 empty_text."},
                                "explain": {"type": "boolean", "default": True}}, required=["text"]),
        "Prediction": prediction_schema(list(typology.label_ids)),
        "BatchPrediction": prediction_schema(list(typology.label_ids), in_batch=True),
        "Explanation": explanation_schema(),
        "Term": term_schema(),
        "Category": category_schema(),
        "Typology": typology_schema(),
        "Health": obj({"status": {"const": "ok"}, "model_version": STRING, "labels": STRINGS,
                       "metrics": {"type": "object"}, "label_thresholds": {"type": "object"}}),
        "FeedbackRequest": obj({"text": {"type": "string", "minLength": 1, "maxLength": max_chars},
                                "label": {"enum": list(typology.label_ids)},
                                "keep_text": {"type": "boolean", "default": False},
                                "note": {"type": ["string", "null"], "maxLength": 500}}, required=["text", "label"]),
        "FeedbackCreated": obj({"id": INTEGER, "model_version": STRING}),
        "ErrorDetail": obj({"code": STRING, "message": STRING}),
        "Error": obj({"error": ref("ErrorDetail")}),
        **batch_schemas(config["MAX_BATCH_ITEMS"], max_chars),
    }
    return {"schemas": schemas}


def json_content(name: str) -> dict:
    return {"content": {"application/json": {"schema": ref(name)}}}


def responses(ok: str, *errors: int) -> dict:
    descriptions = {400: "Bad input: invalid JSON, not an object, missing or empty text, wrong types",
                    404: "Not found", 405: "Method not allowed",
                    413: "Too large: text, batch or body over the limit", 415: "Body is not application/json",
                    429: "Rate limited (see Retry-After)"}
    result = {"200": {"description": "OK", **json_content(ok)}}
    for status in (*errors, 405, 429):
        result[str(status)] = {"description": descriptions[status], **json_content("Error")}
    return result


def operation(summary: str, ok: str, *errors: int, body: str | None = None, examples: dict | None = None,
              created: bool = False) -> dict:
    op = {"summary": summary, "responses": responses(ok, *errors)}
    if created:  # 201, not 200
        op["responses"]["201"] = {**op["responses"].pop("200"), "description": "Created"}
    if body:
        op["requestBody"] = {"required": True, **json_content(body)}
        op["requestBody"]["content"]["application/json"]["examples"] = {
            name: {"value": value} for name, value in (examples or {}).items()}
    return op


CLASSIFY_EXAMPLES = {
    "fake police": {"text": "您好，这里是市公安局，您的银行卡涉嫌洗钱，请配合调查，把资金转入安全账户。"},
    "without explanation": {"text": "【顺丰速运】您的快件已到丰巢柜，取件码 31886。", "explain": False},
}
FEEDBACK_EXAMPLES = {
    "keep the text": {"text": "【顺丰】您的快件已到丰巢柜，取件码 31886。", "label": "normal", "keep_text": True},
    "hash only": {"text": "高价收购银行卡，一张月租三千", "label": "mule_recruitment", "note": "来自用户举报"},
}
BATCH_EXAMPLES = {
    "with ids": {"messages": [{"id": 1, "text": "高价收购银行卡，一张月租三千"}, {"id": 2, "text": "周末回家吃饭吗？"}]},
    "plain list": ["您的快递丢失，客服为您办理理赔", "明天上午十点开会"],
    "full advice": {"messages": ["刷单返利，日结佣金"], "advice": "full"},
}


def paths(config: dict) -> dict:
    category_id = {"name": "category_id", "in": "path", "required": True, "schema": STRING, "example": "loan"}
    limits = (f"At most {config['MAX_BATCH_ITEMS']} messages, {config['MAX_JSON_BYTES']} bytes of JSON and "
              f"{config['MAX_REQUEST_COST']} units of work (1 per character, 25 per character + 5000 per message "
              "when explained); each message costs one request against the rate limit.")
    return {
        "/classify": {"post": {**operation("Classify one message", "Prediction", 400, 413, 415, body="ClassifyRequest",
                                           examples=CLASSIFY_EXAMPLES),
                               "description": f"At most {config['MAX_TEXT_CHARS']} characters."}},
        "/classify/batch": {"post": {**operation(f"Classify up to {config['MAX_BATCH_ITEMS']} messages; per-item errors",
                                                 "BatchResponse", 400, 413, 415, body="BatchRequest",
                                                 examples=BATCH_EXAMPLES), "description": limits}},
        "/feedback": {"post": {**operation("Report a wrong verdict: the label that is right", "FeedbackCreated", 400, 413, 415,
                                           body="FeedbackRequest", examples=FEEDBACK_EXAMPLES, created=True),
                               "description": "Stored for review; only with keep_text is the message text kept, otherwise "
                                              "a salted hash of it. Accepted corrections can train a gated retrain."}},
        "/typology": {"get": operation("The whole typology with advice", "Typology")},
        "/typology/{category_id}": {"get": {**operation("One category", "Category", 404), "parameters": [category_id]}},
        "/health": {"get": operation("Status, model version and labels", "Health")},
        "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1"}}}},
    }


def document(config: dict) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Scam message risk classifier", "version": "1.0.0",
                 "description": "Classifies Chinese messages into a fraud typology with risk, explanation and advice. "
                                "Every error is {\"error\": {\"code\", \"message\"}}. Every response carries the "
                                "headers X-Request-ID (yours echoed, or a new one) and X-Model-Version."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths(config),
        "components": components(config),
    }
