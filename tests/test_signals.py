"""Red-flag detectors: a table of real phrasings (found and not found), spans, negation, counts."""

import pytest

from classifier.normalise import normalise
from classifier.signals import FEATURE_TYPES, RED_FLAG_IDS, SIGNAL_IDS, SIGNAL_TYPES, find_signals, signal_counts

from .regex_start import guard_is_complete

# (message, signal type, found?) — phrasings people really receive, and the warnings and look-alikes that
# must not raise the flag. Written for this project.
PHRASINGS = [
    # link
    ("详情点击 http://t.cn/A6xYz2Qk", "link", True),
    ("请登录 icbc-vip.cc 完成认证", "link", True),
    ("打开 www.jd-tuikuan.com 填写退款信息", "link", True),
    ("链接发你了，点进去看看", "link", False),
    ("请在官方App内办理", "link", False),
    # verification_code
    ("请把收到的验证码发给我核对一下", "verification_code", True),
    ("验证码发我一下，我帮你操作", "verification_code", True),
    ("你手机上收到一个六位数的验证码，念给我听", "verification_code", True),
    ("把短信里的验证码告诉我就行", "verification_code", True),
    ("验证码是多少？快点", "verification_code", True),
    ("截图验证码给客服", "verification_code", True),
    ("请输入收到的验证码完成退款", "verification_code", True),
    ("报一下验证码，系统要核对", "verification_code", True),
    ("不要把验证码告诉任何人", "verification_code", False),
    ("验证码：483920，5分钟内有效，请勿泄露", "verification_code", False),
    ("任何人索要验证码都是诈骗，千万别给", "verification_code", False),
    ("银行工作人员不会向您索要验证码", "verification_code", False),
    ("千万不要把验证码发给陌生人", "verification_code", False),
    # safe_account
    ("请将资金转入安全账户接受核查", "safe_account", True),
    ("配合我们做一下资金清查，证明你的清白", "safe_account", True),
    ("你的钱要转到监管账户，核查完就退回", "safe_account", True),
    ("需要对你名下财产进行核查", "safe_account", True),
    ("公检法没有所谓安全账户", "safe_account", True),  # the word itself; the warning is told apart by the model
    ("账户余额查询请登录手机银行", "safe_account", False),
    ("需要验资五十万才能开户", "safe_account", True),
    ("线上配合，做个资产清查", "safe_account", True),
    ("公司年底做资金盘点", "safe_account", False),
    ("凡是要求把钱转到安全账户的都是骗子", "transfer_request", False),
    # screen_share
    ("下载会议软件后开启屏幕共享", "screen_share", True),
    ("你共享一下屏幕，我帮你看看操作对不对", "screen_share", True),
    ("下载一个叫“云会议”的软件，我发你会议号", "screen_share", True),
    ("先安装这个安装包，再点开始", "screen_share", True),
    ("进入腾讯会议，会议号我发你", "screen_share", True),
    ("打开共享以后别乱点", "screen_share", True),
    ("我们远程协助您处理一下", "screen_share", True),
    ("千万不要开启屏幕共享", "screen_share", False),
    ("请勿下载陌生软件", "screen_share", False),
    ("明天的部门会在三楼开", "screen_share", False),
    ("不要按对方要求安装任何软件", "screen_share", False),
    # contact_switch
    ("后续加我微信详聊", "contact_switch", True),
    ("平台抽成高，你加我QQ私下交易", "contact_switch", True),
    ("加一下客服的企鹅，我拉你进群", "contact_switch", True),
    ("vx号发你了，通过一下", "contact_switch", True),
    ("联系我的飞机：@abcd1234", "contact_switch", True),
    ("不要加陌生人微信", "contact_switch", False),
    ("微信支付已到账", "contact_switch", False),
    ("请通过平台内聊天沟通", "contact_switch", False),
    ("有问题私聊我", "contact_switch", True),
    ("添加老师微信领取资料", "contact_switch", True),
    # urgency
    ("请在24小时内处理，否则账户冻结", "urgency", True),
    ("名额有限，先到先得", "urgency", True),
    ("今天之内必须完成，来不及就作废", "urgency", True),
    ("马上转过来，十分钟后系统关闭", "urgency", True),
    ("逾期未处理将影响您的征信", "urgency", True),
    ("活动倒计时最后一天", "urgency", True),
    ("我有一笔逾期记录，想问问怎么查", "urgency", False),
    ("您的信用卡逾期记录已经还清", "urgency", False),
    ("下周三前交作业就可以", "urgency", False),
    ("立即处理，不然明天就冻结", "urgency", True),
    ("仅剩3个名额", "urgency", True),
    # fee_before_payout
    ("需要先交解冻费才能提现", "fee_before_payout", True),
    ("贷款已审批，需先支付保证金才能放款", "fee_before_payout", True),
    ("缴纳个税后即可领取奖金", "fee_before_payout", True),
    ("提现需要先充值3000元激活", "fee_before_payout", True),
    ("交了运费才可以发货兑换", "fee_before_payout", True),
    ("工资明天到账", "fee_before_payout", False),
    ("退款已原路返回，请查收", "fee_before_payout", False),
    # credit_for_transfer
    ("你先开通备用金，把钱转到验证账户", "credit_for_transfer", True),
    ("需要验证流水，在借呗借出来转到指定账户", "credit_for_transfer", True),
    ("刷流水证明你的还款能力", "credit_for_transfer", True),
    ("用信用卡套出来转给我", "credit_for_transfer", True),
    ("正规平台不会让你开通备用金", "credit_for_transfer", False),
    ("房贷每月15号扣款", "credit_for_transfer", False),
    ("把网贷额度借出来转到我给的账户", "credit_for_transfer", True),
    ("您打开掌上生活，看一下e招贷有没有额度", "credit_for_transfer", True),
    # scan_or_password
    ("我给您发个二维码，您用支付宝扫一下", "scan_or_password", True),
    ("页面上输入支付密码确认", "scan_or_password", True),
    ("点确认收款就能到账", "scan_or_password", True),
    ("千万不要扫陌生人发来的二维码", "scan_or_password", False),
    ("银行不会让您输入密码给任何人", "scan_or_password", False),
    ("扫码点餐更方便", "scan_or_password", False),
    # secrecy
    ("现在开始你不能挂电话，不能联系任何人", "secrecy", True),
    ("找个安静的房间，把门关上", "secrecy", True),
    ("此事保密，不要告诉家人", "secrecy", True),
    ("先别挂电话，我给你转接检察院", "secrecy", True),
    ("这件事别声张，案子还在办", "secrecy", True),
    ("找一个没人的房间，我们做笔录", "secrecy", True),
    ("别跟任何人说，包括你老公", "secrecy", True),
    ("不要挂断，跟着我操作", "secrecy", True),
    ("一定保密，对银行就说是买房", "secrecy", True),
    ("验证码不要告诉别人", "secrecy", False),
    ("密码千万不要告诉任何人", "secrecy", False),
    ("我先挂了，晚点打给你", "secrecy", False),
    ("这是机密案件，不能透露给任何人", "secrecy", True),
    ("别告诉你爸妈，不然他们担心", "secrecy", True),
    # guaranteed_return
    ("跟着老师操作稳赚不赔", "guaranteed_return", True),
    ("日结300，躺赚", "guaranteed_return", True),
    ("内部消息，这只票必翻倍", "guaranteed_return", True),
    ("考试包过，不过退费", "guaranteed_return", True),
    ("收益率18%，保本保息", "guaranteed_return", True),
    ("跟着计划下注，稳赢不输", "guaranteed_return", True),
    ("基金有风险，投资需谨慎", "guaranteed_return", False),
    ("今年的收益不太好", "guaranteed_return", False),
    # account_rental
    ("高价收购银行卡，一张三千", "account_rental", True),
    ("出租你的微信号，一天一百", "account_rental", True),
    ("兼职跑分，按流水给提成", "account_rental", True),
    ("收对公账户，价格好商量", "account_rental", True),
    ("帮忙过账，一晚上两千", "account_rental", True),
    ("出借收款码给朋友用一下", "account_rental", False),  # not the listed wording; the model learns the rest
    ("千万不要出租银行卡", "account_rental", False),
    ("不要出借你的电话卡", "account_rental", False),
    ("银行卡丢了，去柜台挂失", "account_rental", False),
    # transfer_request
    ("请马上转账给我", "transfer_request", True),
    ("把钱打到这个账户上", "transfer_request", True),
    ("先把货款付给对方，回头我报销", "transfer_request", True),
    ("你先垫付一下，下午就返", "transfer_request", True),
    ("钱转过来我就发货", "transfer_request", True),
    ("帮我汇款两万到这个卡号", "transfer_request", True),
    ("扫码付款码就行", "transfer_request", True),
    ("千万不要转账", "transfer_request", False),
    ("不要给陌生人转账", "transfer_request", False),
    ("别把钱转给对方，先报警", "transfer_request", False),
    ("银行不会要求你转入所谓的账户", "transfer_request", False),
    ("无需转账，系统自动退款", "transfer_request", False),
    ("谨防冒充客服要求转账", "transfer_request", False),
    ("吃饭的钱我已经付了", "transfer_request", False),
    ("工资已经转到你卡上了", "transfer_request", True),  # genuine, but the words are a transfer; the model decides
    ("如遇要求转账的电话，请立即挂断", "transfer_request", False),
    # authority_claim
    ("我是公安局的警官", "authority_claim", True),
    ("你涉嫌一起洗钱案件", "authority_claim", True),
    ("这里是检察院，你被列为协查对象", "authority_claim", True),
    ("我们发了冻结令给你的银行", "authority_claim", True),
    ("网警提示您的账号异常", "authority_claim", True),
    ("法院传票已经寄出", "authority_claim", True),
    ("去派出所办身份证", "authority_claim", True),  # the word is there; whether it is a claim is the model's call
    ("我们公司法务部下周开会", "authority_claim", False),
    # acquaintance_claim
    ("妈，我换号了，存一下这个", "acquaintance_claim", True),
    ("这是我的新微信，以后联系这个", "acquaintance_claim", True),
    ("我是你王总，明天来我办公室一趟", "acquaintance_claim", True),
    ("在开会，不方便接电话，你先办一下", "acquaintance_claim", True),
    ("加一下我的新微信，旧的被封了", "acquaintance_claim", True),
    ("猜猜我是谁？老同学", "acquaintance_claim", True),
    ("我是你班主任李老师，收一下资料费", "acquaintance_claim", True),
    ("我手机号没换，还是原来那个", "acquaintance_claim", False),
    ("王总说明天的会改到下午", "acquaintance_claim", False),
    ("老同学，还记得我吗", "acquaintance_claim", True),
    ("我是你们班的数学老师", "acquaintance_claim", False),
    # obfuscation (on the text as received)
    ("加 微 信 领取福利", "obfuscation", True),
    ("刷-单-返-利，日结", "obfuscation", True),
    ("有事加我薇信", "obfuscation", True),
    ("V信联系，扣扣也行", "obfuscation", True),
    ("低息贷kuan，当天到账", "obfuscation", True),
    ("先转zhang再说", "obfuscation", True),
    ("銀彳亍卡冻结了", "obfuscation", True),
    ("加我微信吧", "obfuscation", False),
    ("薇 信 同 号，咨询", "obfuscation", True),
    ("兼*职*日*结", "obfuscation", True),
    ("我們明天見", "obfuscation", False),
    ("第一、第二、第三", "obfuscation", False),
    ("张三 李四 王五 到会", "obfuscation", False),
    ("明天 见，好的", "obfuscation", False),
    ("OK，我用Excel做好了", "obfuscation", False),
    ("周末去KTV唱歌", "obfuscation", False),
]


def test_the_table_is_large_and_covers_every_red_flag():
    assert len(PHRASINGS) >= 150
    assert {signal_id for _, signal_id, _ in PHRASINGS} == set(RED_FLAG_IDS)
    assert sum(not found for *_, found in PHRASINGS) >= 50


@pytest.mark.parametrize("text, signal_id, found", PHRASINGS)
def test_red_flag_phrasings(text, signal_id, found):
    hits = [signal for signal in find_signals(text) if signal.type == signal_id]
    assert bool(hits) == found, (text, signal_id, [signal.text for signal in hits])
    for signal in hits:
        assert text[signal.start : signal.end] == signal.text


def test_warning_language_is_a_feature_but_not_a_red_flag():
    text = "那种电话都是骗子，别信"
    assert find_signals(text) == []
    cues = find_signals(text, context=True)
    assert {cue.type for cue in cues} == {"warning_language"}
    assert signal_counts(normalise(text))[SIGNAL_IDS.index("warning_language")] == 2


def test_spans_survive_normalisation():
    text = "請將資金轉入 安 全 賬 戶"
    signal = next(s for s in find_signals(text) if s.type == "safe_account")
    assert signal.text == "安 全 賬 戶"


@pytest.mark.parametrize("text", ["不要告诉任何人。现在把钱转到这个账户", "请不要挂电话，也不要告诉家人，把钱转到这个账户",
                                  "别告诉你老婆，先下载一个叫云会议的软件"])
def test_a_demand_after_a_warning_in_another_clause_is_still_a_demand(text):
    found = {signal.type for signal in find_signals(text)}
    assert "secrecy" in found and found & {"transfer_request", "screen_share"}


def test_ordinary_message_has_no_scam_signals():
    text = "周末一起去爬山吧，我带水和零食"
    assert find_signals(text) == []
    assert sum(signal_counts(normalise(text))) == 0


def test_counts_follow_signal_order_and_raw_detectors_are_not_features():
    counts = signal_counts(normalise("转账转账"))
    assert counts[SIGNAL_IDS.index("transfer_request")] == 2
    assert "obfuscation" not in SIGNAL_IDS and "obfuscation" in RED_FLAG_IDS


@pytest.mark.parametrize(
    "signal_id, pattern", [(signal.id, signal.pattern) for signal in FEATURE_TYPES if signal.pattern.pattern.startswith("(?=[")]
)
def test_first_character_lookahead_misses_no_match(signal_id, pattern):
    assert guard_is_complete(pattern), signal_id


def test_every_signal_type_has_a_chinese_name():
    assert all(signal.name and not signal.name.isascii() for signal in SIGNAL_TYPES)
