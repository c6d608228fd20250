import re

import pytest

from classifier.normalise import normalise
from classifier.signals import FEATURE_TYPES, RED_FLAG_IDS, SIGNAL_IDS, find_signals, signal_counts

from .regex_start import guard_is_complete

EXAMPLES = {
    "link": "详情点击 http://t.cn/A6xYz2Qk",
    "verification_code": "请把收到的验证码发给我核对一下",
    "safe_account": "请将资金转入安全账户接受核查",
    "screen_share": "下载会议软件后开启屏幕共享",
    "contact_switch": "后续加我微信详聊",
    "urgency": "请在24小时内处理，否则账户冻结",
    "fee_before_payout": "需要先交解冻费才能提现",
    "secrecy": "此事保密，不要告诉家人",
    "guaranteed_return": "跟着老师操作稳赚不赔",
    "account_rental": "高价收购银行卡，一张三千",
    "transfer_request": "请马上转账给我",
    "authority_claim": "我是公安局的警官",
}


def test_every_red_flag_has_an_example():
    assert set(EXAMPLES) == set(RED_FLAG_IDS)


def test_warning_language_is_a_feature_but_not_a_red_flag():
    text = "那种电话都是骗子，别信"
    assert find_signals(text) == []
    cues = find_signals(text, context=True)
    assert {cue.type for cue in cues} == {"warning_language"}
    assert signal_counts(normalise(text))[SIGNAL_IDS.index("warning_language")] == 2


@pytest.mark.parametrize("signal_id, text", EXAMPLES.items())
def test_signal_is_found_with_its_span(signal_id, text):
    found = [signal for signal in find_signals(text) if signal.type == signal_id]
    assert found, f"{signal_id} not found in {text}"
    for signal in found:
        assert text[signal.start : signal.end] == signal.text


def test_spans_survive_normalisation():
    text = "請將資金轉入 安 全 賬 戶"
    signal = next(s for s in find_signals(text) if s.type == "safe_account")
    assert signal.text == "安 全 賬 戶"


def test_ordinary_message_has_no_scam_signals():
    text = "周末一起去爬山吧，我带水和零食"
    assert find_signals(text) == []
    assert sum(signal_counts(normalise(text))) == 0


def test_counts_follow_signal_order():
    counts = signal_counts(normalise("转账转账"))
    assert counts[SIGNAL_IDS.index("transfer_request")] == 2


@pytest.mark.parametrize(
    "signal_id, pattern", [(signal_id, pattern) for signal_id, _, pattern in FEATURE_TYPES if pattern.pattern.startswith("(?=[")]
)
def test_first_character_lookahead_misses_no_match(signal_id, pattern):
    assert guard_is_complete(pattern), signal_id


def test_an_incomplete_lookahead_is_caught():
    assert not guard_is_complete(re.compile(r"(?=[立马])(?:立即|马上|尽快)"))
    assert not guard_is_complete(re.compile(r"(?=[a])(?:a?b)"))
