"""Red-flag detectors: hand-written patterns over normalised text, reported with spans in the original.

They serve twice: as a few extra features for the model (one column per signal type), and as the
"red flags found" list shown to the user. Patterns run on the output of :mod:`classifier.normalise`,
so they see simplified, lower-cased text with typed tokens (``TOKEN_CHARS``) in place of links etc.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import TOKEN_CHARS, NormalisedText, normalise_with_offsets

_URL, _HANDLE, _PHONE = TOKEN_CHARS["url"], TOKEN_CHARS["handle"], TOKEN_CHARS["phone"]
_APP_NAMES = (
    "微信", "vx", "wx", "v信", "薇信", "威信", "qq", "扣扣", "企鹅", "tg", "telegram", "飞机", "电报", "whatsapp", "钉钉", "line", "私聊",
)
_APPS = "(?:" + "|".join(_APP_NAMES) + ")"
_APP_FIRST_CHARS = "".join(dict.fromkeys(name[0] for name in _APP_NAMES))

# (type id, Chinese name shown to users, pattern). One place for every detector.
# A pattern whose branches start with many different words opens with a lookahead on the characters
# a match can start with: the same matches, but ``re`` tests one character class per position
# instead of every branch (3–6× faster). tests/test_signals.py proves each lookahead complete.
SIGNAL_TYPES: tuple[tuple[str, str, re.Pattern], ...] = (
    ("link", "含有链接", re.compile(_URL)),
    ("verification_code", "索要验证码", re.compile(
        r"(?=[提告发报念读说截输填验])(?:(?:提供|告诉|发|报|念|读|说|截图|输入|填)[^。！？\n]{0,8}验证码|验证码[^。！？\n]{0,8}(?:发给|告诉|报给|念给|给我|截图))"
    )),
    ("safe_account", "要求转入“安全账户”或配合资金核查", re.compile(
        r"安全账户|安全帐户|资金(?:清查|核查|审查|监管)|清查账户|核查账户|监管账户|验资|资金比对|证明(?:资金|清白)"
    )),
    ("screen_share", "要求下载软件、进入会议或共享屏幕", re.compile(
        r"(?=[屏共开会腾钉飞z云瞩下远])(?:屏幕共享|共享屏幕|开启共享|会议号|会议室号|(?:腾讯|钉钉|飞书|zoom|云视讯|瞩目)会议|"
        r"下载[^。！？\n]{0,8}(?:app|软件|客户端|安装包)|远程(?:协助|控制|操作))"
    )),
    ("contact_switch", "要求添加私人联系方式或换平台联系", re.compile(
        rf"(?=[加添联找私留{_APP_FIRST_CHARS}{_HANDLE}])"
        rf"(?:(?:加|添加|联系|找|私|留)[^。！？\n]{{0,4}}{_APPS}|{_APPS}[^。！？\n]{{0,3}}(?:号|联系|详聊|私聊)|{_HANDLE})"
    )),
    ("urgency", "制造紧迫感", re.compile(
        r"(?=[立马尽赶抓限今\d逾过作最仅名否])(?:立即|马上|尽快|立刻|赶紧|抓紧|限时|今天之内|今日内|(?<!\d)\d+\s*(?:小时|分钟)内|逾期|过期|作废|最后一天|仅剩|名额有限|否则)"
    )),
    ("fee_before_payout", "先交钱才能拿钱（手续费、保证金、解冻费）", re.compile(
        r"(?=[手保解激服税个工押会刷充补认通包运提到放领出下])(?:(?:手续费|保证金|解冻费|激活费|服务费|税费|个税|工本费|押金|会员费|刷流水|充值|补缴|补单|认证费|通道费|包装费|运费)"
        r"[^。！？\n]{0,18}(?:才能|才可|方可|即可|后)[^。！？\n]{0,8}(?:提现|到账|放款|解冻|领取|返还|退还|出款|兑换|下款)"
        r"|(?:提现|到账|放款|解冻|领取|出款|下款)[^。！？\n]{0,12}(?:需要|需|先|须)[^。！？\n]{0,8}"
        r"(?:交|缴|付|支付|充值|转)[^。！？\n]{0,6}(?:费|金|钱|款))"
    )),
    ("secrecy", "要求保密、不让告诉他人", re.compile(
        r"不要(?:告诉|跟|和|对)[^。！？\n]{0,6}(?:任何人|家人|别人|其他人|银行)|保密|不得泄露|不能(?:告诉|透露)|别告诉|不要挂(?:断)?电话|单独(?:一个人|找个)"
    )),
    ("guaranteed_return", "承诺高收益、稳赚或包过", re.compile(
        r"稳赚|保本|包赚|包过|不过退|高回报|高收益|零风险|无风险|日赚|日入|日结|躺赚|翻倍|内幕|稳定盈利|收益率?\s*\d+\s*%|回报率"
    )),
    ("account_rental", "出租、出借或收购银行卡、电话卡、账号", re.compile(
        r"(?=[出租收借回高跑两卡g猫码过走洗])(?:(?:出租|租用|租借|收购|收|出售|借用|回收|高价收)[^。！？\n]{0,6}(?:银行卡|电话卡|手机卡|流量卡|一类卡|二类卡|对公账户|账户|账号|微信号|支付宝|qq号|收款码)"
        r"|跑分|两卡|卡农|goip|猫池|码商|过账|走账|洗白)"
    )),
    ("transfer_request", "要求转账或汇款", re.compile(
        r"转账|转帐|汇款|打款|转入|汇入|转到|转给|打到|扫码付|付款码"
    )),
    ("authority_claim", "自称公检法或官方机构", re.compile(
        r"公安局|派出所|警官|民警|检察院|检察官|法院|通缉|逮捕|拘留|涉嫌|洗钱|刑侦|经侦|立案|案件|医保局|社保局|税务局"
    )),
)
# Context cues are model features too, but not red flags: they are never listed as "危险信号".
CONTEXT_CUES: tuple[tuple[str, str, re.Pattern], ...] = (
    ("warning_language", "反诈提醒或识破骗局的说法", re.compile(
        r"骗子|骗人|骗局|诈骗|别信|不要(?:相)?信|谨防|警惕|提防|防骗|反诈|虚假宣传|智商税|都是假的|噱头|"
        r"不(?:会|存在)[^。！？\n]{0,8}(?:索要|要求|收取|所谓)|官方(?:app|渠道|客服|电话)|报警|96110"
    )),
)
FEATURE_TYPES = SIGNAL_TYPES + CONTEXT_CUES
SIGNAL_IDS = tuple(signal_id for signal_id, _, _ in FEATURE_TYPES)
SIGNAL_NAMES = {signal_id: name for signal_id, name, _ in FEATURE_TYPES}
RED_FLAG_IDS = frozenset(signal_id for signal_id, _, _ in SIGNAL_TYPES)


@dataclass(frozen=True)
class Signal:
    """One red flag found in a message: what it is, the matched text, and where (in the original)."""

    type: str
    name: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"type": self.type, "name": self.name, "text": self.text, "start": self.start, "end": self.end}


def signal_counts(normalised_text: str) -> list[int]:
    """How many times each signal type and context cue matches, in ``SIGNAL_IDS`` order (model features)."""
    return [len(pattern.findall(normalised_text)) for _, _, pattern in FEATURE_TYPES]


def find_signals(text: str, normalised: NormalisedText | None = None, context: bool = False) -> list[Signal]:
    """Every red flag in ``text`` (and context cues if ``context``), sorted by position, spans in ``text``."""
    normalised = normalised or normalise_with_offsets(text)
    found = []
    for signal_id, name, pattern in FEATURE_TYPES if context else SIGNAL_TYPES:
        for match in pattern.finditer(normalised.text):
            if match.end() > match.start():
                start, end = normalised.source_span(*match.span())
                found.append(Signal(signal_id, name, text[start:end], start, end))
    return sorted(found, key=lambda signal: (signal.start, signal.type))
