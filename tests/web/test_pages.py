"""Every page, the paste form, file uploads and the CSV download."""

import csv
import io
import json
from pathlib import Path

import pytest

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path, own_content", [
    ("/", "<h1>这条信息可能是诈骗吗？</h1>"),
    ("/batch", 'type="file" name="file"'),
    ("/typology", "<h1>常见诈骗类型</h1>"),
    ("/typology/investment", "<title>虚假投资理财诈骗"),
    ("/typology/normal", "<title>正常信息"),
    ("/about", "<h1>关于模型</h1>"),
])
def test_every_page_renders_in_chinese_for_phones(client, path, own_content):
    html = page(client, path)
    assert '<html lang="zh-CN">' in html
    assert 'name="viewport"' in html
    assert own_content in html  # the page's own content, not only the shared layout


def test_index_has_the_form_and_one_click_examples(client, detector):
    html = page(client, "/")
    assert 'method="post"' in html and 'name="text"' in html
    assert "?example=impersonate_police" in html
    example = detector.typology.get("impersonate_police").examples[0].scam  # curated, not the first training row
    assert example in page(client, "/?example=impersonate_police")
    assert page(client, "/?example=not-a-label").count("</textarea>") == 1


def test_form_post_shows_the_verdict(client, scam_text):
    response = client.post("/", data={"text": scam_text})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "冒充公检法及政府机关诈骗" in html and "白皮书第 2 类" in html
    assert 'class="card verdict risk-' in html
    assert 'class="hl up' in html  # words that drove the decision are highlighted
    assert "自称公检法或官方机构" in html  # a red-flag signal
    assert "已经转账了怎么办" in html and "110" in html and "96110" in html
    assert "最可能的三种类型" in html


def test_highlights_partition_the_message(client, scam_text):
    import re

    html = client.post("/", data={"text": scam_text}).get_data(as_text=True)
    highlighted = re.search(r'<p class="message" id="highlighted">(.*?)</p>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", highlighted) == scam_text


def test_form_post_escapes_the_message(client):
    text = "您的账户涉嫌洗钱，请转入安全账户 " + PAYLOAD
    html = client.post("/", data={"text": text}).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("text, status", [("", 400), ("   ", 400), ("好" * 10_001, 413)])
def test_form_post_with_bad_text_explains_on_the_page(client, text, status):
    response = client.post("/", data={"text": text})
    assert response.status_code == status
    assert 'role="alert"' in response.get_data(as_text=True)


# --- batch uploads -----------------------------------------------------------------------------


def upload(client, content: bytes, name: str, action: str = "show", **fields):
    data = {"file": (io.BytesIO(content), name), "action": action, **fields}
    return client.post("/batch", data=data, content_type="multipart/form-data")


def rows_of(csv_bytes: bytes) -> list[dict]:
    assert csv_bytes.startswith(b"\xef\xbb\xbf"), "Excel needs a UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))


def test_gb18030_csv_upload(client, scam_text):
    content = f"id,text\n1,{scam_text}\n2,妈，周末回家吃饭吗？\n".encode("gb18030")
    response = upload(client, content, "短信.csv")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "共 <strong>2</strong> 行" in html
    assert scam_text in html  # decoded correctly from GB18030
    assert "冒充公检法及政府机关诈骗" in html


def test_broken_rows_are_reported_not_dropped(client, scam_text):
    content = f'id,text\n1,{scam_text}\n2\n3,"好的",extra\n4,\n'.encode()
    html = upload(client, content, "x.csv").get_data(as_text=True)
    assert "共 <strong>4</strong> 行" in html and "出错 <strong>3</strong> 行" in html
    assert "这一行有 1 列" in html and "信息是空的" in html  # row errors in Chinese on the page


@pytest.mark.parametrize("name, content", [
    ("x.jsonl", lambda t: (json.dumps({"text": t}, ensure_ascii=False) + "\n{broken\n").encode()),
    ("x.txt", lambda t: (t + "\n\n明天见\n").encode()),
])
def test_jsonl_and_txt_uploads(client, scam_text, name, content):
    html = upload(client, content(scam_text), name).get_data(as_text=True)
    assert "共 <strong>2</strong> 行" in html


def test_upload_escapes_what_it_echoes(client):
    content = f"text\n{PAYLOAD.replace(chr(34), '')}\n".encode()
    html = upload(client, content, "x.csv").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html


def test_upload_with_another_text_column(client, scam_text):
    content = f"内容\n{scam_text}\n".encode()
    html = upload(client, content, "x.csv", text_field="内容").get_data(as_text=True)
    assert "出错 <strong>0</strong> 行" in html


@pytest.mark.parametrize("name, content, message", [
    ("x.xlsx", b"PK", "只支持"),
    ("", b"", "请选择"),
])
def test_bad_uploads(client, name, content, message):
    response = upload(client, content, name)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_undecodable_bytes_do_not_break_the_page(client):
    content = "text\n正常的一行\n".encode() + b"\xff\xfe\x80 broken\n"
    response = upload(client, content, "x.csv")
    assert response.status_code == 200


def test_csv_download_has_bom_and_neutralised_formulas(client, scam_text):
    content = f'id,text\n=1+1,{scam_text}\n@SUM(A1),"=HYPERLINK(""http://x"")"\n+3,-2\n'.encode()
    response = upload(client, content, "x.csv", action="download")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response.data)
    assert [row["id"] for row in rows] == ["'=1+1", "'@SUM(A1)", "'+3"]
    assert rows[1]["text"].startswith("'=HYPERLINK") and rows[2]["text"] == "'-2"
    assert rows[0]["label"] == "impersonate_police" and rows[0]["error"] == ""
    assert set(rows[0]) >= {"label", "category", "risk_score", "risk_level", "error"}


def test_results_page_offers_the_same_csv(client, scam_text):
    import base64
    import re

    content = f"id,text\n=cmd,{scam_text}\n".encode()
    html = upload(client, content, "x.csv").get_data(as_text=True)
    link = re.search(r'id="download" href="data:text/csv;charset=utf-8;base64,([^"]+)"', html).group(1)
    rows = rows_of(base64.b64decode(link))
    assert rows[0]["id"] == "'=cmd" and rows[0]["category"] == "冒充公检法及政府机关诈骗"


def test_results_table_is_capped(make_app):
    client = make_app(BATCH_TABLE_ROWS=2, INLINE_DOWNLOAD_BYTES=10).test_client()
    html = upload(client, "text\n一\n二\n三\n".encode(), "x.txt").get_data(as_text=True)
    assert "只显示前 2 行" in html and 'id="download"' not in html


def test_uploads_are_not_written_to_disk(client, monkeypatch, scam_text):
    import tempfile

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    big = ("text\n" + (scam_text + "\n") * 3000).encode()  # over Werkzeug's 500 kB in-memory threshold
    assert upload(client, big, "x.csv").status_code == 200


# --- typology and about --------------------------------------------------------------------------


def test_typology_teaches_every_category(client, detector):
    html = page(client, "/typology")
    for category in detector.typology.categories:
        assert category.name in html
    assert "常见套路" in html and "危险信号" in html and "怎么防范" in html
    example = detector.typology.get("investment").examples[0]
    assert example.scam in html and example.lookalike in html and example.difference in html
    assert "模型学到的词句" in html


def test_one_category_page(client):
    html = page(client, "/typology/impersonate_police")
    assert "冒充公检法及政府机关诈骗" in html and "虚假投资理财诈骗" not in html


def test_about_without_reports(client):
    html = page(client, "/about")
    assert "还没有模型说明" in html
    assert client.get("/reports/confusion_matrix.png").status_code == 404


def test_about_and_typology_show_training_reports(make_app, tmp_path, small_model, monkeypatch):
    (tmp_path / "MODEL_CARD.md").write_text("# 模型说明\n<b>不是标签</b>", encoding="utf-8")
    (tmp_path / "evaluation.md").write_text("macro F1 0.93", encoding="utf-8")
    (tmp_path / "confusion_matrix.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    monkeypatch.setattr(small_model.compiled_, "manifest_", {"model_version": "abc123", "metrics": {"macro_f1": 0.9312}}, raising=False)
    client = make_app(MODEL_PATH=str(tmp_path / "model.joblib")).test_client()
    html = page(client, "/about")
    assert "# 模型说明" in html and "&lt;b&gt;" in html and "macro F1 0.93" in html
    assert "宏平均 F1" in html and "0.9312" in html and "abc123" in html and "macro_f1" not in html
    assert 'src="/reports/confusion_matrix.png"' in html
    assert 'src="/reports/confusion_matrix.png"' in page(client, "/typology")
    with client.get("/reports/confusion_matrix.png") as image:  # send_file keeps the file open until closed
        assert image.status_code == 200 and image.mimetype == "image/png"


def test_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("action", ["show", "download"])
def test_a_file_without_the_text_column_is_refused_in_chinese_naming_the_columns(client, action):
    response = upload(client, "编号,内容\n1,你好\n".encode(), "x.csv", action=action)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "没有“text”这一列" in html and "编号, 内容" in html


def test_the_page_shows_rules_hit_beside_the_verdict(make_app, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("block:\n  - name: 收卡话术\n    phrases: [高价收卡]\n", encoding="utf-8")
    client = make_app(RULES_FILE=str(path)).test_client()
    html = client.post("/", data={"text": "高价收卡，一张月租三千"}).get_data(as_text=True)
    assert "规则命中" in html and "收卡话术" in html and "拦截名单" in html and "模型自己的结果" in html


def test_feedback_through_the_api_respects_consent(client, app):
    from classifier import FeedbackStore

    secret = "请帮我看看这条：我的卡号 6222 0000 1111 2222 有人要"
    created = client.post("/api/v1/feedback", json={"text": secret, "label": "normal"})
    assert created.status_code == 201 and created.json["id"] >= 1
    kept = client.post("/api/v1/feedback", json={"text": "高价收卡", "label": "mule_recruitment", "keep_text": True})
    store = FeedbackStore(app.config["FEEDBACK_DB"])
    assert store.get(created.json["id"]).text is None and store.get(kept.json["id"]).text == "高价收卡"
    for path in Path(app.config["FEEDBACK_DB"]).parent.glob("feedback.sqlite3*"):
        assert secret.encode() not in path.read_bytes()


@pytest.mark.parametrize("body, status, code", [
    ({"text": "你好", "label": "phishing"}, 400, "unknown_label"),
    ({"text": "", "label": "normal"}, 400, "empty_text"),
    ({"text": "好" * 10_001, "label": "normal"}, 413, "text_too_long"),
    ({"label": "normal"}, 400, "missing_text"),
    ({"text": "你好"}, 400, "missing_label"),
    ({"text": "你好", "label": "normal", "note": 5}, 400, "invalid_type"),
])
def test_bad_feedback_gets_the_error_envelope(client, body, status, code):
    response = client.post("/api/v1/feedback", json=body)
    assert response.status_code == status and response.json == {"error": {"code": code, "message": response.json["error"]["message"]}}
