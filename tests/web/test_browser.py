"""A real browser (Debian's chromium, driven by Playwright) against a real HTTP server.

Runs when /usr/bin/chromium exists; without it the test is skipped locally but fails in CI (CI=1).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                       reason="chromium is not installed (apt-get install chromium); required when CI is set"),
]


@pytest.fixture(scope="module")
def server(detector, feedback_db):
    """The app on a free loopback port, served by a real HTTP server in a thread."""
    from classifier.web import create_app

    app = create_app({"DETECTOR": detector, "RATE_LIMIT": None, "FEEDBACK_DB": str(feedback_db)})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def feedback_db(tmp_path_factory):
    return tmp_path_factory.mktemp("browser") / "feedback.sqlite3"


def test_paste_a_scam_message_and_see_the_highlighted_verdict(server, page, scam_text):
    page.goto(server + "/")
    page.fill("#text", scam_text)
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_selector("#result")
    assert "冒充公检法及政府机关诈骗" in page.inner_text("h2.headline")
    assert page.inner_text(".risk-badge") in ("中风险", "高风险")
    marks = page.locator("#highlighted mark.hl[class*=up]")
    assert marks.count() > 0
    assert any(word in " ".join(marks.all_inner_texts()) for word in ("洗钱", "安全账户", "涉嫌", "公安局", "民警"))
    assert page.inner_text("#highlighted").replace("\n", "") == scam_text.replace("\n", "")
    assert "96110" in page.inner_text(".already-paid")
    assert page.locator("#text").input_value() == scam_text  # the message stays in the box


def test_load_an_example_with_one_click(server, page):
    page.goto(server + "/")
    page.locator(".examples a").first.click()
    assert page.locator("#text").input_value().strip()


def test_upload_a_csv_and_download_the_results(server, page, scam_text):
    content = f"id,text\n1,{scam_text}\n2,妈，周末回家吃饭吗？\n=3,\n".encode("gb18030")
    page.goto(server + "/batch")
    page.set_input_files("#file", files=[{"name": "messages.csv", "mimeType": "text/csv", "buffer": content}])
    page.get_by_role("button", name="筛查并查看结果").click()
    page.wait_for_selector("#summary")
    assert "共 3 行" in page.inner_text("#summary")
    assert "冒充公检法及政府机关诈骗" in page.inner_text("table.results")
    with page.expect_download() as info:
        page.click("#download")
    check_download(info.value, scam_text)


def test_direct_download_button(server, page, scam_text):
    content = f"id,text\n1,{scam_text}\n=3,\n".encode()
    page.goto(server + "/batch")
    page.set_input_files("#file", files=[{"name": "messages.csv", "mimeType": "text/csv", "buffer": content}])
    with page.expect_download() as info:
        page.get_by_role("button", name="筛查并直接下载 CSV").click()
    check_download(info.value, scam_text)


def check_download(download, scam_text):
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["text"] == scam_text and rows[0]["label"] == "impersonate_police"
    assert rows[-1]["id"] == "'=3" and rows[-1]["error"]


@pytest.mark.parametrize("path", ["/", "/batch", "/typology", "/about"])
def test_pages_fit_a_phone_screen(server, browser, path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 1


def test_works_without_javascript(server, browser, scam_text):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.fill("#text", scam_text)
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_selector("#result")
    assert page.locator("#highlighted mark").count() > 0
    context.close()


def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    return context, context.new_page()


def check(page, server, text):
    page.goto(server + "/")
    page.fill("#text", text)
    page.get_by_role("button", name="开始检查").click()
    page.wait_for_selector("#result")


def test_on_a_phone_the_verdict_is_on_the_first_screen_with_tappable_hotlines(server, browser, scam_text):
    context, page = phone_page(browser)
    check(page, server, scam_text)
    box = page.locator("#result .headline").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box  # no scrolling needed to read it
    assert page.url.endswith("#result")
    assert page.locator("#result .action a[href='tel:96110']").count() == 1
    assert page.locator("#already-paid a[href='tel:110']").count() >= 1
    assert page.locator("#already-paid").get_attribute("open") is not None  # high risk: the steps are open
    context.close()


def test_at_low_risk_the_money_gone_steps_are_collapsed(server, page):
    check(page, server, "妈，周末回家吃饭吗？我买了排骨，你爸说想吃红烧的。")
    assert page.inner_text(".risk-badge") == "低风险"
    assert page.locator("#already-paid").get_attribute("open") is None
    assert not page.locator("#already-paid ol").is_visible()


def test_a_too_short_message_says_it_cannot_be_judged(server, page):
    check(page, server, "在吗")
    assert page.inner_text("#result .headline") == "信息太短，无法判断"
    assert page.locator(".risk-badge").count() == 0


def test_the_result_page_shows_no_ascii_identifiers(server, page, scam_text):
    import re

    check(page, server, scam_text)
    visible = page.inner_text("main")
    assert not re.search(r"[A-Za-z_]{4,}", visible), re.findall(r"[A-Za-z_]{4,}", visible)


def test_the_batch_table_fits_a_phone(server, browser, scam_text):
    context, page = phone_page(browser)
    page.goto(server + "/batch")
    content = f"id,text\n1,{scam_text}\n2,妈，周末回家吃饭吗？\n".encode()
    page.set_input_files("#file", files=[{"name": "m.csv", "mimeType": "text/csv", "buffer": content}])
    page.get_by_role("button", name="筛查并查看结果").click()
    page.wait_for_selector("table.results")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    risk = page.locator("table.results tbody tr").first.locator("td[data-label='风险']")
    assert risk.is_visible() and risk.inner_text() in ("中风险", "高风险")
    context.close()


def test_report_a_wrong_verdict_on_the_page_without_keeping_the_text(server, page, feedback_db):
    from classifier import FeedbackStore

    text = "【顺丰速运】您的快件已到丰巢柜，取件码 31886，请凭码取件。测试反馈一"
    check(page, server, text)
    page.locator("#feedback summary").click()
    page.select_option("#feedback-label", "normal")
    assert not page.locator("#keep-text").is_checked()  # consent is opt-in
    page.get_by_role("button", name="提交反馈").click()
    page.wait_for_selector(".notice")
    assert "谢谢" in page.inner_text(".notice")
    stored = FeedbackStore(feedback_db).list()[-1]
    assert stored.label == "normal" and stored.text is None and stored.source == "page"
    for path in feedback_db.parent.glob("feedback.sqlite3*"):
        assert text.encode() not in path.read_bytes()


def test_the_quiz_works_without_javascript(server, browser):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(server + "/quiz?types=loan,credit_repair&n=6")
    questions = page.locator("fieldset.question")
    assert questions.count() == 6
    for index in range(6):
        questions.nth(index).locator("input[value=scam]").check()
    page.get_by_role("button", name="交卷").click()
    page.wait_for_selector("#score")
    assert re.match(r"答对 \d / 6", page.inner_text("#score"))
    assert page.locator("section.question").count() == 6
    context.close()


def test_the_card_prints_on_one_page(server, page, tmp_path):
    page.goto(server + "/typology/impersonate_police/card")
    page.emulate_media(media="print")
    assert not page.locator(".screen-only").is_visible()
    page.screenshot(path=str(tmp_path / "card_print.png"), full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1, height  # one A4 page
