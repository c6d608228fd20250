"""Deployment rules: what a model should not decide alone, in a YAML file the operator keeps.

    allow:
      - name: 工商银行官方号码
        senders: ["95588"]
    block:
      - name: 已知钓鱼域名
        domains: ["icbc-vip.cc", "etc-rz.top"]
      - name: 收卡话术
        phrases: ["高价收卡"]
        patterns: ["收.{0,3}银行卡"]

A rule fires when any of its senders (exact), phrases (in the text), domains (as a whole domain in the
text) or patterns (regular expressions) match. A rule that fires is shown beside the model's verdict
(「规则命中」 with its name); it never replaces the verdict, so nobody is misled about what the model said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import InputError

KINDS = ("allow", "block")
KEYS = ("name", "senders", "phrases", "domains", "patterns")


@dataclass(frozen=True)
class RuleHit:
    name: str
    kind: str  # allow | block
    matched: str

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "matched": self.matched}


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str
    senders: frozenset[str]
    phrases: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]  # the domains compiled with the patterns

    def first_match(self, text: str, sender: str | None) -> str | None:
        if sender is not None and sender in self.senders:
            return sender
        lowered = text.lower()
        for phrase in self.phrases:
            if phrase.lower() in lowered:
                return phrase
        for pattern in self.patterns:
            found = pattern.search(text)
            if found:
                return found.group(0)
        return None


class RuleSet:
    def __init__(self, rules: list[Rule]):
        self.rules = rules

    @classmethod
    def empty(cls) -> RuleSet:
        return cls([])

    @classmethod
    def load(cls, path: str | Path) -> RuleSet:
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InputError("invalid_rules", path=path, detail=str(exc).splitlines()[0]) from None
        if not isinstance(data, dict) or set(data) - set(KINDS):
            raise InputError("invalid_rules", path=path, detail=f"the top level must be {' and/or '.join(KINDS)}")
        return cls([_rule(entry, kind, path) for kind in KINDS for entry in data.get(kind) or []])

    def apply(self, text: str, sender: str | None = None) -> tuple[RuleHit, ...]:
        hits = []
        for rule in self.rules:
            matched = rule.first_match(text, sender)
            if matched is not None:
                hits.append(RuleHit(rule.name, rule.kind, matched))
        return tuple(hits)


def _rule(entry, kind: str, path: Path) -> Rule:
    if not isinstance(entry, dict) or not entry.get("name") or set(entry) - set(KEYS):
        raise InputError("invalid_rules", path=path, detail=f"each {kind} rule needs a name and only {', '.join(KEYS[1:])}")
    texts = {key: [str(value) for value in entry.get(key) or []] for key in KEYS[1:]}
    try:
        patterns = [re.compile(pattern) for pattern in texts["patterns"]]
    except re.error as exc:
        raise InputError("invalid_rules", path=path, detail=f"rule {entry['name']!r}: bad pattern ({exc})") from None
    patterns += [re.compile(rf"(?<![a-z0-9-]){re.escape(domain.lower())}(?![a-z0-9-])", re.I) for domain in texts["domains"]]
    return Rule(str(entry["name"]), kind, frozenset(texts["senders"]), tuple(texts["phrases"]), tuple(patterns))
