import pytest

from classifier.normalise import _TOKEN_PATTERNS, TOKEN_CHARS, display_term, normalise, normalise_with_offsets
from classifier.signals import find_signals

from .regex_start import guard_is_complete

CASES = [
    "ＡＢＣ１２３，全角转半角",
    "這個帳戶請勿轉帳",
    "加\u200b微\u200d信",
    "加 微 信 领 取",
    "刷-单-返-利",
    "★刷★单★",
    "点击 https://jd-tuikuan.cc/r/8831 办理退款",
    "联系电话 138-1234-5678 或 4008-123-456",
    "加vx：abc_12345 详聊",
    "返现¥1,280.00，另有5000元",
    "验证码 538201，请勿告诉他人",
    "退订回T，详询95588，反诈专线96110",
    "😀😀 emoji 在这里 👍",
]


@pytest.mark.parametrize("text", CASES)
def test_fast_and_offset_paths_agree(text):
    assert normalise(text) == normalise_with_offsets(text).text


def test_full_width_and_case_are_folded():
    assert normalise("ＡＢＣ１２３") == "abc123"


def test_traditional_becomes_simplified():
    assert normalise("這個帳戶請勿轉帳") == "这个帐户请勿转帐"


def test_zero_width_and_decoration_are_removed():
    assert normalise("加\u200b微\u200d信") == "加微信"
    assert normalise("★刷★单★") == "刷单"


def test_spaced_out_words_are_collapsed():
    assert normalise("加 微 信") == "加微信"
    assert normalise("刷-单 返.利") == "刷单返利"


def test_sentences_keep_their_punctuation():
    assert "，" not in normalise("你好，世界")  # NFKC turns the full-width comma into ","
    assert "," in normalise("你好，世界")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("点击 http://t.cn/A6xYz2Qk 查看", "url"),
        ("登录 jd-refund.cc/pay 办理", "url"),
        ("致电 13812345678", "phone"),
        ("加微信 abc_12345", "handle"),
        ("发到 helper@example.com", "handle"),
        ("金额 ¥1,280.00", "amount"),
        ("返 300元", "amount"),
        ("验证码 538201", "number"),
    ],
)
def test_typed_tokens(text, kind):
    assert TOKEN_CHARS[kind] in normalise(text)


def test_short_service_numbers_stay_readable():
    assert "95588" in normalise("详询95588")
    assert "96110" in normalise("拨打96110")


def test_offsets_point_back_to_the_original():
    text = "請點擊 https://a.cc/x 領獎"
    result = normalise_with_offsets(text)
    index = result.text.index(TOKEN_CHARS["url"])
    start, end = result.source_span(index, index + 1)
    assert text[start:end] == "https://a.cc/x"
    index = result.text.index("领奖")
    start, end = result.source_span(index, index + 2)
    assert text[start:end] == "領獎"


def test_display_term_names_tokens():
    assert display_term("点击" + TOKEN_CHARS["url"]) == "点击〈链接〉"


@pytest.mark.parametrize("name, pattern", [(n, p) for n, p in _TOKEN_PATTERNS if p.pattern.startswith("(?=[")])
def test_first_character_lookahead_misses_no_token(name, pattern):
    assert guard_is_complete(pattern), name


RUNS = {"digits": "0", "digits and commas": "1,", "letters": "a", "dots": ".", "dashes": "-", "handles": "vx",
        "e-mail characters": "a.", "spaced digits": "0 ", "digits and dots": "1."}


@pytest.mark.parametrize("name", RUNS)
def test_long_runs_cost_no_more_than_ordinary_text(name):
    """Every pattern is linear: a 10,000-character run (a quadratic pattern took seconds on "0" * 10000)
    costs at most a few times ordinary text of the same length (a ratio, not an absolute time)."""
    import time

    def cost(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            normalise(text)
            find_signals(text)
            best = min(best, time.perf_counter() - started)
        return best

    ordinary = ("今天下午三点在三楼会议室开会，请带上电脑和上周的资料，会后一起吃饭。" * 300)[:10_000]
    run = (RUNS[name] * 10_000)[:10_000]
    assert cost(run) < 10 * cost(ordinary), name
