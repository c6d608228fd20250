"""The teaching pages: every route, its own content, URL parameters escaped, unknown ids → the Chinese 404."""

import re

import pytest

PAYLOAD = "<script>alert(1)</script>"


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_a_type_page_cites_its_source_and_pairs_examples_with_look_alikes(client, detector):
    html = page(client, "/typology/loan")
    loan = detector.typology.get("loan")
    assert loan.examples[0].scam in html and loan.examples[0].lookalike in html and "怎么区分" in html
    assert "资料来源：上海市第二中级人民法院电信网络诈骗犯罪审判白皮书" in html and "第一部分（二）1" in html
    assert "帮信典型案例" not in html
    assert "依法惩治帮助信息网络犯罪活动" in page(client, "/typology/mule_recruitment")


def test_learned_words_are_whole_words_with_context_and_no_duplicates(client, small_model):
    from classifier import learned_words

    words = learned_words(small_model.compiled_, "task_rebate", 12)
    terms = [word["term"] for word in words]
    assert words and all(len(term) >= 2 for term in terms) and len(set(terms)) == len(terms)
    assert not any(a != b and a in b for a in terms for b in terms)
    assert all(word["context"] for word in words)


def test_the_printable_card(client, detector):
    html = page(client, "/typology/impersonate_police/card")
    police = detector.typology.get("impersonate_police")
    assert police.name in html and police.script[0] in html and police.red_flags[0] in html and police.advice[0] in html
    assert police.examples[0].scam in html and police.examples[0].lookalike in html and "card.css" in html
    page(client, "/typology/normal/card", 404)


def test_compare_two_types(client, detector):
    html = page(client, "/typology/compare?a=loan&b=credit_repair")
    assert detector.typology.get("loan").name in html and detector.typology.get("credit_repair").name in html
    assert "怎么区分" in html and "只有“虚假贷款诈骗”才有的危险信号" in html
    assert "<select" in page(client, "/typology/compare")  # the chooser alone


def test_a_quiz_link_gives_everyone_the_same_questions(client):
    first = page(client, "/quiz?types=loan,credit_repair&n=8")
    assert first == page(client, "/quiz?types=loan,credit_repair&n=8")
    ids = re.findall(r'name="q" value="([^"]+)"', first)
    assert len(ids) == 8 and all(qid.startswith(("loan-", "credit_repair-")) for qid in ids)
    assert any(qid.endswith("-s") for qid in ids) and any(qid.endswith("-g") for qid in ids)  # scams and look-alikes


def test_answering_the_quiz_gives_a_score_and_each_verdict(client):
    html = page(client, "/quiz?types=loan&n=4")
    ids = re.findall(r'name="q" value="([^"]+)"', html)
    answers = {f"a-{qid}": ("scam" if qid.endswith("-s") else "genuine") for qid in ids}
    answers[f"a-{ids[0]}"] = "genuine" if ids[0].endswith("-s") else "scam"  # one wrong on purpose
    response = client.post("/quiz", data={"q": ids, **answers})
    graded = response.get_data(as_text=True)
    assert response.status_code == 200 and f"答对 {len(ids) - 1} / {len(ids)}" in graded
    assert graded.count("答错了") == 1 and "怎么区分" in graded and "模型的判断" in graded


@pytest.mark.parametrize("path", ["/typology/nope", "/typology/nope/card", "/typology/compare?a=loan&b=nope",
                                  "/quiz?types=loan,nope", f"/typology/compare?a={PAYLOAD}&b=loan"])
def test_unknown_ids_give_the_chinese_404_and_parameters_are_escaped(client, path):
    html = page(client, path, 404)
    assert "找不到" in html or "没有这个诈骗类型" in html
    assert "<script>alert" not in html


def test_the_stage_view_marks_each_turn_and_the_alarm(client):
    transcript = "\n".join([
        "甲：喂，您好，请问是王女士吗？我是京东客服，工号3321。",
        "乙：是我，什么事？",
        "甲：您的面膜有质量问题，给您三倍理赔，请下载一个会议软件，开启屏幕共享。",
        "乙：好的，然后呢？",
        "甲：请尽快操作，今天之内不处理就作废了，现在把收到的验证码告诉我。",
    ])
    html = client.post("/", data={"text": transcript}).get_data(as_text=True)
    assert "对话的每一步" in html and "从这里开始就该警惕了" in html
    alarm = html.index("从这里开始就该警惕了")
    assert html.index("我是京东客服", alarm - 2000) < alarm < html.index("开启屏幕共享", alarm)
    assert "换平台或装软件" in html and "要钱或验证码" in html


@pytest.mark.parametrize("path", ["/typology", "/typology/loan", "/typology/other_fraud", "/typology/loan/card",
                                  "/typology/compare?a=loan&b=credit_repair", "/quiz"])
def test_teaching_pages_show_no_ascii_identifiers(client, path):
    html = page(client, path)
    visible = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
    visible = re.sub(r"&[a-z]+;", " ", visible)
    assert not re.search(r"[a-z]+_[a-z_]+", visible), re.findall(r"[a-z]+_[a-z_]+", visible)[:5]
