"""The JSON API: what each endpoint answers for good input."""

import pytest


def test_classify_returns_the_prediction_with_explanation(client, scam_text):
    response = client.post("/api/v1/classify", json={"text": scam_text})
    assert response.status_code == 200
    body = response.json
    assert body["label"] == "impersonate_police"
    assert body["category"]["white_paper_number"] == 2
    assert body["risk_level"] in ("medium", "high")
    assert len(body["top"]) == 3
    assert body["explanation"]["segments"]
    assert "".join(segment["text"] for segment in body["explanation"]["segments"]) == scam_text
    assert {signal["type"] for signal in body["signals"]} >= {"authority_claim", "safe_account"}
    assert body["advice"]["already_paid"]["steps"]


def test_classify_without_explanation(client, scam_text):
    body = client.post("/api/v1/classify", json={"text": scam_text, "explain": False}).json
    assert body["explanation"] is None
    assert body["signals"] == [] and body["similar"] == []


def test_classify_keeps_chinese_readable(client, scam_text):
    raw = client.post("/api/v1/classify", json={"text": scam_text}).get_data(as_text=True)
    assert "冒充公检法" in raw  # not \\u escapes


def test_batch_keeps_order_and_reports_bad_items(client, scam_text):
    messages = [
        {"id": "a", "text": scam_text},
        {"id": "b", "text": ""},
        {"id": 3, "text": 42},
        {"id": "d"},
        "晚上回家吃饭吗？我买了排骨。",
        None,
        {"id": "g", "text": "x" * 10_001},
    ]
    response = client.post("/api/v1/classify/batch", json={"messages": messages})
    assert response.status_code == 200
    body = response.json
    assert body["count"] == 7 and body["errors"] == 5
    results = body["results"]
    assert [entry["index"] for entry in results] == list(range(7))
    assert [entry["id"] for entry in results] == ["a", "b", 3, "d", None, None, "g"]
    assert results[0]["result"]["label"] == "impersonate_police" and results[0]["error"] is None
    assert results[0]["result"]["explanation"] is None  # batch explains only when asked
    assert [entry["error"]["code"] for entry in results if entry["error"]] == [
        "empty_text", "not_text", "missing_text", "not_text", "text_too_long"]
    assert results[4]["result"]["label"] == "normal"


def test_batch_accepts_a_plain_list_of_strings(client, scam_text):
    body = client.post("/api/v1/classify/batch", json=[scam_text, "明天上午十点开会，别迟到。"]).json
    assert body["count"] == 2 and body["errors"] == 0
    assert body["results"][0]["result"]["label"] == "impersonate_police"


def test_batch_can_explain(client, scam_text):
    body = client.post("/api/v1/classify/batch", json={"messages": [scam_text], "explain": True}).json
    assert body["results"][0]["result"]["explanation"]["segments"]


def test_empty_batch(client):
    body = client.post("/api/v1/classify/batch", json={"messages": []}).json
    assert body == {"model_version": body["model_version"], "count": 0, "errors": 0, "results": []}


def test_batch_at_the_limit_is_accepted(make_app):
    client = make_app(MAX_BATCH_ITEMS=3).test_client()
    assert client.post("/api/v1/classify/batch", json=["你好"] * 3).status_code == 200


def test_typology(client):
    body = client.get("/api/v1/typology").json
    ids = [category["id"] for category in body["categories"]]
    assert "impersonate_police" in ids and "normal" in ids
    assert body["already_paid"]["steps"]


def test_one_category(client):
    body = client.get("/api/v1/typology/investment").json
    assert body["name"] == "虚假投资理财诈骗"
    assert body["red_flags"] and body["advice"] and body["description"]


def test_health(client, detector):
    body = client.get("/api/v1/health").json
    assert body["status"] == "ok"
    assert body["model_version"] == detector.version
    assert set(body["labels"]) == set(detector.labels)


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/openapi.json"])
def test_openapi_served(client, path):
    body = client.get(path).json
    assert body["openapi"].startswith("3.1")


def test_message_text_is_not_logged(client, scam_text, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    client.post("/api/v1/classify", json={"text": scam_text})
    client.post("/", data={"text": scam_text})
    assert scam_text not in caplog.text
    assert "安全账户" not in caplog.text


def test_every_response_says_which_request_and_which_model(client, detector, scam_text):
    mine = client.post("/api/v1/classify", json={"text": scam_text}, headers={"X-Request-ID": "abc-123"})
    assert mine.headers["X-Request-ID"] == "abc-123" and mine.json["model_version"] == detector.version
    made_up = client.get("/api/v1/nope", headers={"X-Request-ID": "bad id with spaces"})
    assert len(made_up.headers["X-Request-ID"]) == 32 and made_up.headers["X-Model-Version"] == detector.version
    for path in ("/api/v1/health", "/api/v1/typology", "/api/v1/typology/loan"):
        assert client.get(path).json["model_version"] == detector.version


def test_batch_advice_is_a_reference_unless_asked_for_in_full(client, scam_text):
    compact = client.post("/api/v1/classify/batch", json={"messages": [scam_text]}).json["results"][0]["result"]
    assert compact["advice"] == {"ref": f"/api/v1/typology/{compact['label']}"}
    full = client.post("/api/v1/classify/batch", json={"messages": [scam_text], "advice": "full"}).json
    assert full["results"][0]["result"]["advice"]["already_paid"]["steps"]
    assert len(client.post("/api/v1/classify/batch", json={"messages": [scam_text] * 10}).data) < len(
        client.post("/api/v1/classify/batch", json={"messages": [scam_text] * 10, "advice": "full"}).data) / 2


def test_metrics_count_requests_and_verdicts_in_the_prometheus_format(client, scam_text):
    client.post("/api/v1/classify", json={"text": scam_text})
    client.post("/api/v1/classify", json={"text": ""})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'scam_classifier_requests_total{endpoint="/api/v1/classify",status="200"}' in text
    assert 'scam_classifier_requests_total{endpoint="/api/v1/classify",status="400"}' in text
    assert 'scam_classifier_verdicts_total{label="impersonate_police"}' in text
    assert "scam_classifier_request_seconds_bucket" in text and scam_text not in text
