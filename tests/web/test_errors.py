"""Every error path answers the one envelope, {"error": {"code", "message"}}, with the right status."""

import pytest

CLASSIFY = "/api/v1/classify"
BATCH = "/api/v1/classify/batch"


def assert_error_envelope(response, status: int, code: str) -> dict:
    """The contract: status, JSON content type, exactly {"error": {"code", "message"}}, a non-empty message."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()
    return body["error"]


def post_raw(client, path, data, content_type="application/json"):
    return client.post(path, data=data, content_type=content_type)


@pytest.mark.parametrize("path", [CLASSIFY, BATCH])
@pytest.mark.parametrize("data", ["{bad json", "", '{"text": "a"', b"\xff\xfe\x00garbage"])
def test_bad_json(client, path, data):
    assert_error_envelope(post_raw(client, path, data), 400, "invalid_json")


@pytest.mark.parametrize("body", [[], ["text"], "text", 3, None, True])
def test_classify_body_not_an_object(client, body):
    import json

    assert_error_envelope(post_raw(client, CLASSIFY, json.dumps(body)), 400, "not_object")


def test_missing_text(client):
    assert_error_envelope(client.post(CLASSIFY, json={"message": "hi"}), 400, "missing_text")


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty_text(client, text):
    assert_error_envelope(client.post(CLASSIFY, json={"text": text}), 400, "empty_text")


@pytest.mark.parametrize("text", [None, 42, 1.5, True, ["a"], {"a": 1}])
def test_text_of_the_wrong_type(client, text):
    assert_error_envelope(client.post(CLASSIFY, json={"text": text}), 400, "not_text")


@pytest.mark.parametrize("explain", ["yes", 1, None, []])
def test_explain_of_the_wrong_type(client, explain):
    assert_error_envelope(client.post(CLASSIFY, json={"text": "你好", "explain": explain}), 400, "invalid_type")


def test_undecodable_text(client):
    assert_error_envelope(post_raw(client, CLASSIFY, '{"text": "abc\\ud800"}'), 400, "invalid_encoding")


def test_text_too_long(client, app):
    limit = app.config["MAX_TEXT_CHARS"]
    assert client.post(CLASSIFY, json={"text": "钱" * limit}).status_code == 200
    assert_error_envelope(client.post(CLASSIFY, json={"text": "钱" * (limit + 1)}), 413, "text_too_long")


@pytest.mark.parametrize("body", [{"messages": "text"}, {"messages": {"a": 1}}, {"messages": None}, "text", 5])
def test_batch_messages_of_the_wrong_type(client, body):
    import json

    assert_error_envelope(post_raw(client, BATCH, json.dumps(body)), 400, "invalid_type")


def test_batch_without_messages(client):
    assert_error_envelope(client.post(BATCH, json={"texts": ["a"]}), 400, "missing_messages")


def test_batch_explain_of_the_wrong_type(client):
    assert_error_envelope(client.post(BATCH, json={"messages": ["a"], "explain": "no"}), 400, "invalid_type")


def test_batch_too_large(make_app):
    client = make_app(MAX_BATCH_ITEMS=3).test_client()
    assert_error_envelope(client.post(BATCH, json={"messages": ["你好"] * 4}), 413, "batch_too_large")
    assert_error_envelope(client.post(BATCH, json=["你好"] * 4), 413, "batch_too_large")


def test_default_batch_limit_is_1000(client):
    assert_error_envelope(client.post(BATCH, json=["好"] * 1001), 413, "batch_too_large")


@pytest.mark.parametrize("path", [CLASSIFY, BATCH])
def test_body_too_large(make_app, path):
    client = make_app(MAX_JSON_BYTES=1000).test_client()
    assert_error_envelope(client.post(path, json={"text": "a" * 2000, "messages": []}), 413, "body_too_large")


def test_default_json_body_limit(client):
    body = {"messages": ["短信" * 4000] * 300}  # about 7 MB of UTF-8
    assert_error_envelope(client.post(BATCH, json=body), 413, "body_too_large")


@pytest.mark.parametrize("path", [CLASSIFY, BATCH])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_not_json(client, path, content_type):
    response = client.post(path, data='{"text": "你好"}', content_type=content_type)
    assert_error_envelope(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v2/classify", "/api/v1/classify/one"])
def test_unknown_route(client, path):
    assert_error_envelope(client.get(path), 404, "not_found")


def test_unknown_category(client):
    assert_error_envelope(client.get("/api/v1/typology/nope"), 404, "unknown_category")


@pytest.mark.parametrize("method, path", [
    ("get", CLASSIFY), ("put", CLASSIFY), ("delete", BATCH), ("post", "/api/v1/health"), ("post", "/api/v1/typology"),
])
def test_wrong_method(client, method, path):
    response = getattr(client, method)(path)
    assert_error_envelope(response, 405, "method_not_allowed")
    assert response.headers.get("Allow")


def test_rate_limited(make_app):
    client = make_app(RATE_LIMIT="2/minute").test_client()
    for _ in range(2):
        assert client.post(CLASSIFY, json={"text": "你好"}).status_code == 200
    response = client.post(CLASSIFY, json={"text": "你好"})
    assert_error_envelope(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/api/v1/health").status_code == 200  # health checks are not limited


def test_rate_limit_is_per_client(make_app):
    client = make_app(RATE_LIMIT="1/minute").test_client()
    assert client.post(CLASSIFY, json={"text": "你好"}, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
    assert client.post(CLASSIFY, json={"text": "你好"}, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 200
    limited = client.post(CLASSIFY, json={"text": "你好"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert_error_envelope(limited, 429, "rate_limited")


def test_unexpected_failure_is_a_500_envelope_without_details(app, monkeypatch):
    def broken(text, explain=True):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(app.extensions["scam_classifier"], "classify", broken)
    error = assert_error_envelope(app.test_client().post(CLASSIFY, json={"text": "你好"}), 500, "internal_error")
    assert "secret" not in error["message"]


WEIRD_BODIES = [
    '{"text": "\\u0000"}', '{"text": "你好", "extra": [1, 2]}', '{"text": "' + "🙂" * 50 + '"}',
    '{"messages": [[], {}, 1e400, {"text": null}, {"id": {"a": 1}, "text": "好"}]}', '[[[]]]', '{"": ""}',
    '1e999', '"\\ud800"', '{"text": "a", "explain": false, "text2": null}',
]


@pytest.mark.parametrize("path", [CLASSIFY, BATCH])
@pytest.mark.parametrize("data", WEIRD_BODIES)
def test_client_input_never_causes_a_500(client, path, data):
    response = post_raw(client, path, data)
    assert response.status_code < 500
    if response.status_code >= 400:
        assert set(response.get_json()["error"]) == {"code", "message"}


# --- pages answer errors with a small HTML page ------------------------------------------------


def assert_error_page(response, status: int):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"{status} ·" in response.get_data(as_text=True)


def test_page_not_found(client):
    assert_error_page(client.get("/no-such-page"), 404)
    assert_error_page(client.get("/typology/no-such-category"), 404)


def test_page_wrong_method(client):
    assert_error_page(client.put("/"), 405)


def test_upload_too_large(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    import io

    data = {"file": (io.BytesIO(b"text\n" + "骗".encode() * 1000), "big.csv"), "action": "show"}
    assert_error_page(client.post("/batch", data=data, content_type="multipart/form-data"), 413)


def test_page_rate_limited(make_app):
    client = make_app(RATE_LIMIT="1/minute").test_client()
    assert client.post("/", data={"text": "你好"}).status_code == 200
    assert_error_page(client.post("/", data={"text": "你好"}), 429)
    assert client.get("/").status_code == 200  # reading pages is not limited


@pytest.mark.parametrize("path", [CLASSIFY, BATCH])
def test_deeply_nested_json_is_a_400_envelope(client, path):
    assert_error_envelope(post_raw(client, path, "[" * 10_000 + "]" * 10_000), 400, "invalid_json")


def test_a_batch_id_with_a_lone_surrogate_is_a_400_envelope(client):
    error = assert_error_envelope(post_raw(client, BATCH, '{"messages":[{"id":"\\ud800","text":"你好"}]}'), 400, "invalid_id")
    assert "messages[0]" in error["message"]


def test_a_request_over_the_cost_budget_is_refused_before_any_work(make_app, monkeypatch):
    app = make_app(MAX_REQUEST_COST=100_000)
    monkeypatch.setattr(app.extensions["scam_classifier"], "predict_each", lambda *a, **k: pytest.fail("worked anyway"))
    client = app.test_client()
    explained = {"messages": ["好" * 100] * 40, "explain": True}  # 40 × (25 × 100 + 5,000) = 300,000
    error = assert_error_envelope(client.post(BATCH, json=explained), 413, "too_costly")
    assert "300,000" in error["message"] and "explain=false" in error["message"]
    monkeypatch.undo()
    assert client.post(BATCH, json={**explained, "explain": False}).status_code != 413  # 4,000 without explanations
    assert_error_envelope(client.post(CLASSIFY, json={"text": "好" * 5000}), 413, "too_costly")


def test_a_batch_costs_one_unit_per_message(make_app):
    client = make_app(RATE_LIMIT="5/minute").test_client()
    assert client.post(BATCH, json={"messages": ["你好"] * 4}).status_code == 200
    assert_error_envelope(client.post(BATCH, json={"messages": ["你好"] * 2}), 429, "rate_limited")
