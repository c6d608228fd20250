"""Deployment rules: loading, matching, and showing beside the verdict (never instead of it)."""

import pytest

from classifier import Detector, InputError
from classifier.rules import RuleSet

RULES = """
allow:
  - name: 工商银行官方号码
    senders: ["95588"]
block:
  - name: 已知钓鱼域名
    domains: ["icbc-vip.cc"]
  - name: 收卡话术
    phrases: ["高价收卡"]
    patterns: ["收.{0,3}银行卡"]
"""


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return RuleSet.load(path)


def test_each_kind_of_rule_fires(rules):
    assert [hit.name for hit in rules.apply("请登录 ICBC-VIP.cc 认证")] == ["已知钓鱼域名"]
    assert rules.apply("请登录 my-icbc-vip.cc.example 认证") == ()  # a domain matches whole, not inside another
    assert [hit.matched for hit in rules.apply("长期高价收卡")] == ["高价收卡"]
    assert [hit.matched for hit in rules.apply("收购银行卡")] == ["收购银行卡"]
    hits = rules.apply("您的账户变动", sender="95588")
    assert [(hit.name, hit.kind) for hit in hits] == [("工商银行官方号码", "allow")]


def test_a_rule_is_shown_beside_the_model_verdict(small_model, rules):
    prediction = Detector(small_model, rules=rules).classify("高价收卡，一张月租三千，安全无风险")
    assert prediction.label == "mule_recruitment"  # the model's own verdict stays
    assert prediction.to_dict()["rules"] == [{"name": "收卡话术", "kind": "block", "matched": "高价收卡"}]


@pytest.mark.parametrize("text, message", [
    ("allow: [{senders: [1]}]", "needs a name"), ("deny: []", "top level"), ("block: [{name: x, patterns: ['(']}]", "bad pattern"),
])
def test_a_broken_rules_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        RuleSet.load(path)
