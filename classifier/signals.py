"""Red-flag detectors: hand-written patterns, reported with spans in the original text.

They serve twice: as a few extra features for the model (one column per signal type), and as the
"red flags found" list shown to the user. Most patterns run on the output of :mod:`classifier.normalise`,
so they see simplified, lower-cased text with typed tokens (``TOKEN_CHARS``) in place of links etc.;
the obfuscation detector runs on the text as the person received it, because normalisation undoes
exactly the tricks it looks for.

A *demand* ("转账", "把验证码发给我") inside a warning ("千万不要转账", "不要把验证码告诉任何人") is not a
red flag: such signal types are ``negatable``, and a match is dropped when a negation stands before it
in the same clause. ``tests/test_signals.py`` holds a table of real phrasings, positive and negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import TOKEN_CHARS, NormalisedText, normalise_with_offsets

_URL, _HANDLE, _PHONE = TOKEN_CHARS["url"], TOKEN_CHARS["handle"], TOKEN_CHARS["phone"]
_APP_NAMES = (
    "微信", "vx", "wx", "v信", "薇信", "威信", "qq", "扣扣", "企鹅", "tg", "telegram", "飞机", "电报", "whatsapp", "钉钉",
    "line", "私聊",
)
_APPS = "(?:" + "|".join(_APP_NAMES) + ")"
_APP_FIRST_CHARS = "".join(dict.fromkeys(name[0] for name in _APP_NAMES))
_MEETING_APPS = "(?:腾讯|钉钉|飞书|zoom|云视讯|瞩目|小鱼|全时|云)"
_CLAUSE = r"[^。！？!?；;\n]"  # within one clause


@dataclass(frozen=True)
class SignalType:
    id: str
    name: str  # shown to people, in Chinese
    pattern: re.Pattern
    negatable: bool = False  # a demand that a warning can mention: dropped after a negation in its clause
    red_flag: bool = True  # False: a context cue, a model feature only, never listed as a red flag
    raw: bool = False  # matched on the text as received (normalisation undoes what it looks for); not a model feature


# A negation at most eight characters before a demand, in the same clause: 千万不要、请勿、不会、无需 …
_NEGATION = re.compile(r"(?:不要|不用|不需要|无需|不必|别|勿|不会|不能|不得|禁止|从不|绝不|谨防|警惕|防止|拒绝|没有|未曾|如遇|凡是|若有人|一旦有人)"
                       r"[^。！？!?；;\n，,、]{0,8}$")  # a comma ends a negation's reach
# Secrecy about codes and passwords is advice, not a scammer's demand for silence.
_ABOUT_CODES = re.compile(r"验证码|密码|短信码|动态码|校验码")

# Deliberate obfuscation, on the raw text: characters spaced or split to dodge filters (加 微 信, 刷-单-返-利),
# variant spellings of chat apps, and pinyin or Latin letters inside Chinese words (贷kuan, 转zhang).
_HAN = r"\u4e00-\u9fff"
_OBFUSCATION = re.compile(
    rf"[{_HAN}](?P<sep>[ \-_·•*.|~/\\\u3000])[{_HAN}](?:(?P=sep)[{_HAN}])+"
    r"|薇信|威信|徽信|維信|维信|[vV]信|扣扣|企鹅号"
    rf"|[{_HAN}](?:kuan|zhang|zhuan|qian|dai|yong|chong|bao|jie|zai|kefu|jin)(?![a-z])"
    r"|彳亍"
)

SIGNAL_TYPES: tuple[SignalType, ...] = (
    SignalType("link", "含有链接", re.compile(_URL)),
    SignalType("verification_code", "索要验证码", re.compile(
        r"(?=[提告发报念读说截输填把验])(?:(?:提供|告诉|发|报|念|读|说|截图|输入|填|把)" + _CLAUSE + r"{0,8}验证码"
        r"|验证码" + _CLAUSE + r"{0,8}(?:发给|发我|发过来|告诉|报给|报一下|念给|念一下|给我|截图|是多少|多少))"
    ), negatable=True),
    SignalType("safe_account", "要求转入“安全账户”或配合资金核查", re.compile(
        r"(?=[安资财清核监验证])(?:安全账户|安全帐户|(?:资金|财产|资产)" + _CLAUSE + r"{0,4}(?:清查|核查|审查|监管|比对)"
        r"|清查账户|核查账户|监管账户|验资|证明(?:资金|清白))"
    )),
    SignalType("screen_share", "要求下载软件、进入会议或共享屏幕", re.compile(
        r"(?=[屏共开打会下安远腾钉飞z云瞩小全])(?:屏幕共享|共享" + _CLAUSE + r"{0,3}屏幕|开启共享|打开共享|"
        r"会议号|会议室号|" + _MEETING_APPS + r"会议|"
        r"(?:下载|安装)" + _CLAUSE + r"{0,12}(?:app|软件|客户端|安装包|应用)|远程(?:协助|控制|操作))"
    ), negatable=True),
    SignalType("contact_switch", "要求添加私人联系方式或换平台联系", re.compile(
        rf"(?=[加添联找私留详{_APP_FIRST_CHARS}{_HANDLE}])"
        rf"(?:(?:加|添加|联系|找|私|留)[^。！？\n]{{0,6}}{_APPS}|{_APPS}[^。！？\n]{{0,3}}(?:号|联系|详聊|私聊)|私聊|详聊|{_HANDLE})"
    ), negatable=True),
    SignalType("urgency", "制造紧迫感", re.compile(
        r"(?=[立马尽赶抓限今\d逾过作最仅名否来倒])(?:立即|马上|尽快|立刻|赶紧|抓紧|限时|今天之内|今日内|(?<!\d)\d+\s*(?:小时|分钟)内|"
        r"逾期(?=不处理|未处理|将|作废|清零|失效|停用|冻结)|过期作废|过时不候|作废|最后一天|最后期限|仅剩|名额有限|否则|来不及|倒计时)"
    )),
    SignalType("fee_before_payout", "先交钱才能拿钱（手续费、保证金、解冻费）", re.compile(
        r"(?=[手保解激服税个工押会刷充补认通包运提到放领出下])(?:(?:手续费|保证金|解冻费|激活费|服务费|税费|个税|工本费|押金|会员费|刷流水|"
        r"充值|补缴|补单|认证费|通道费|包装费|运费)"
        r"[^。！？\n]{0,18}(?:才能|才可|方可|即可|后)[^。！？\n]{0,8}(?:提现|到账|放款|解冻|领取|返还|退还|出款|兑换|下款)"
        r"|(?:提现|到账|放款|解冻|领取|出款|下款)[^。！？\n]{0,12}(?:需要|需|先|须)[^。！？\n]{0,8}"
        r"(?:交|缴|付|支付|充值|转)[^。！？\n]{0,6}(?:费|金|钱|款|" + TOKEN_CHARS["amount"] + "))"
    )),
    SignalType("credit_for_transfer", "让你借钱、开通备用金或贷款再转出", re.compile(
        r"(?=[备刷验证借微金网贷信有开查看])(?:备用金|刷流水|验证流水|(?:验证|证明)还款能力|(?:有没有|开通|查一下|看一下)"
        + _CLAUSE + r"{0,8}额度|"
        r"(?:借呗|微粒贷|金条|网贷|贷款|借款|信用卡)" + _CLAUSE + r"{0,10}(?:转到|转入|转给|打到|转出来|套出来))"
    ), negatable=True),
    SignalType("scan_or_password", "让你扫码、输入密码或“确认收款”", re.compile(
        r"(?=[扫二输确])(?:扫[^。！？\n]{0,6}二维码|二维码" + _CLAUSE + r"{0,8}扫|输入?" + _CLAUSE + r"{0,4}(?:支付)?密码|确认收款)"
    ), negatable=True),
    SignalType("secrecy", "要求保密、不让告诉他人", re.compile(
        r"(?=[不保别单先千找])(?:(?:不要|不能|不准|不许)(?:告诉|跟|和|对|联系)[^。！？\n]{0,6}(?:任何人|家人|别人|其他人|银行)|"
        r"保密|不得泄露|不能(?:告诉|透露)|别告诉|(?:不要|别|先别|千万别|不能|不准|不许)(?:挂|挂断)(?:电话)?|别声张|不要声张|"
        r"别(?:跟|和)[^。！？\n]{0,4}(?:任何人|家人|别人)说|单独(?:一个人|找个)|找(?:个|一个)(?:没人|安静)的(?:地方|房间))"
    )),
    SignalType("guaranteed_return", "承诺高收益、稳赚或包过", re.compile(
        r"稳赚|保本|包赚|包过|不过退|高回报|高收益|零风险|无风险|日赚|日入|日结|躺赚|翻倍|内幕|稳定盈利|收益率?\s*\d+\s*%|回报率|稳赢|包赢"
    )),
    SignalType("account_rental", "出租、出借或收购银行卡、电话卡、账号", re.compile(
        r"(?=[出租收借回高跑两卡g猫码过走洗])(?:(?:出租|租用|租借|收购|收|出售|借用|回收|高价收)[^。！？\n]{0,6}"
        r"(?:银行卡|电话卡|手机卡|流量卡|一类卡|二类卡|对公账户|账户|账号|微信号|支付宝|qq号|收款码)"
        r"|跑分|两卡|卡农|goip|猫池|码商|过账|走账|洗白)"
    ), negatable=True),
    SignalType("transfer_request", "要求转账或汇款", re.compile(
        r"(?=[转汇打扫付垫代把])(?:转账|转帐|汇款|打款|转入|汇入|转到|转给|打到|转过来|打过来|汇过来|扫码付|付款码|垫付|代付|"
        r"把(?:钱|款|货款|资金)" + _CLAUSE + r"{0,4}(?:打|转|汇|付)|(?:付|打)给对方)"
    ), negatable=True),
    SignalType("authority_claim", "自称公检法或官方机构", re.compile(
        r"公安局|派出所|警官|民警|网警|检察院|检察官|法院|法官|通缉|逮捕|拘留|涉嫌|洗钱|刑侦|经侦|立案|案件|医保局|社保局|税务局|"
        r"冻结令|逮捕令|协查|纪委|监察委"
    )),
    SignalType("acquaintance_claim", "自称熟人、领导或换了新号", re.compile(
        r"(?=[换这是新我在开忙明一加猜还])(?:换号了|换了?新?号|(?:这是|是)我的?新(?:手机号|号码|号|微信|qq)|新微信|我是你(?:的)?(?:领导|老板|班主任|老师|[王李张刘陈杨赵黄周吴徐孙马朱胡郭何林]总)"
        r"|(?:在开会|开会中|在忙)" + _CLAUSE + r"{0,6}(?:不方便|不能|没法)(?:接|打)?电话|(?:明天|一会儿?)(?:来|到)我办公室"
        r"|加一下我(?:的)?新?(?:微信|qq|vx)|猜猜我是谁|还记得我吗)"
    )),
    SignalType("obfuscation", "故意拆字、谐音或夹杂字母躲避识别", _OBFUSCATION, raw=True),
)
# Context cues are model features too, but not red flags: they are never listed as "危险信号".
CONTEXT_CUES: tuple[SignalType, ...] = (
    SignalType("warning_language", "反诈提醒或识破骗局的说法", re.compile(
        r"骗子|骗人|骗局|诈骗|别信|不要(?:相)?信|谨防|警惕|提防|防骗|反诈|虚假宣传|智商税|都是假的|噱头|"
        r"不(?:会|存在)[^。！？\n]{0,8}(?:索要|要求|收取|所谓)|官方(?:app|渠道|客服|电话)|报警|96110"
    ), red_flag=False),
)
FEATURE_TYPES = tuple(signal for signal in SIGNAL_TYPES + CONTEXT_CUES if not signal.raw)
SIGNAL_IDS = tuple(signal.id for signal in FEATURE_TYPES)
SIGNAL_NAMES = {signal.id: signal.name for signal in SIGNAL_TYPES + CONTEXT_CUES}
RED_FLAG_IDS = frozenset(signal.id for signal in SIGNAL_TYPES)
# Signal types whose matches need a look at their context (negation, codes); the others are counted in C.
_CHECKED = {signal.id: signal.negatable or signal.id == "secrecy" for signal in FEATURE_TYPES}


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


def _kept(signal: SignalType, text: str, match: re.Match) -> bool:
    """False for a demand a warning mentions, and for secrecy about codes."""
    if match.end() <= match.start():
        return False
    if signal.negatable and _NEGATION.search(text, max(0, match.start() - 12), match.start()):
        return False
    if signal.id == "secrecy":
        clause_start = max((text.rfind(mark, 0, match.start()) for mark in "。！？!?；;\n，,"), default=-1) + 1
        clause_end = min((i for i in (text.find(mark, match.end()) for mark in "。！？!?；;\n，,") if i >= 0), default=len(text))
        return not _ABOUT_CODES.search(text, clause_start, clause_end)
    return True


def _matches(signal: SignalType, text: str):
    return (match for match in signal.pattern.finditer(text) if _kept(signal, text, match))


def signal_counts(normalised_text: str) -> list[int]:
    """How many times each signal type and context cue matches, in ``SIGNAL_IDS`` order (model features)."""
    counts = []
    for signal in FEATURE_TYPES:
        found = len(signal.pattern.findall(normalised_text))
        counts.append(sum(1 for _ in _matches(signal, normalised_text)) if found and _CHECKED[signal.id] else found)
    return counts


def obfuscated(text: str) -> bool:
    """Whether the text as received uses the tricks of the obfuscation red flag."""
    return _OBFUSCATION.search(text) is not None


def find_signals(text: str, normalised: NormalisedText | None = None, context: bool = False) -> list[Signal]:
    """Every red flag in ``text`` (and context cues if ``context``), sorted by position, spans in ``text``."""
    normalised = normalised or normalise_with_offsets(text)
    found = []
    for signal in SIGNAL_TYPES + CONTEXT_CUES if context else SIGNAL_TYPES:
        for match in _matches(signal, text if signal.raw else normalised.text):
            start, end = match.span() if signal.raw else normalised.source_span(*match.span())
            found.append(Signal(signal.id, signal.name, text[start:end], start, end))
    return sorted(found, key=lambda signal: (signal.start, signal.type))
