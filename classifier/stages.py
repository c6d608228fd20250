"""The stages of a scam conversation, turn by turn, and the earliest turn that should have raised the alarm.

A pasted chat or call transcript is split into turns (a new line that starts with a speaker — 甲：, 客服：,
[00:01:12] 说话人1：, 14:32 王警官：— begins one). Each turn gets the furthest stage its words reach, from
the red-flag detectors and a few phrases:

    contact → trust → move (another app, a download, a link) → urgency (hurry, secrecy) → ask (money, a code)

The alarm goes at the first turn that reaches *move* or beyond: from there on, a genuine caller has no
reason to go. Rule-based on purpose, so that a teacher can explain every mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .signals import find_signals

STAGES = ("contact", "trust", "move", "urgency", "ask")
STAGE_NAMES = {"contact": "搭讪", "trust": "建立信任", "move": "换平台或装软件", "urgency": "催促、要求保密", "ask": "要钱或验证码"}
ALARM_FROM = STAGES.index("move")
MIN_TURNS = 3

_SIGNAL_STAGE = {
    "transfer_request": "ask", "verification_code": "ask", "fee_before_payout": "ask", "safe_account": "ask",
    "credit_for_transfer": "ask", "account_rental": "ask", "scan_or_password": "ask",
    "urgency": "urgency", "secrecy": "urgency",
    "contact_switch": "move", "screen_share": "move", "link": "move",
    "authority_claim": "trust", "acquaintance_claim": "trust", "guaranteed_return": "trust",
}
_TRUST = re.compile(r"工号|警号|编号|证件|官方|正规|放心|保证|老师|专员|客服|经理|领导|安全|保障")
_CONTACT = re.compile(r"您好|你好|喂|在吗|我是|这里是|打扰")
_SPEAKER = re.compile(r"^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*)?[^\s：:，。！？]{1,12}[：:]")


@dataclass(frozen=True)
class Turn:
    text: str
    stage: str | None

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES.get(self.stage, "")


@dataclass(frozen=True)
class StageView:
    turns: tuple[Turn, ...]
    alarm: int | None  # index of the first turn that should have raised the alarm

    def to_dict(self) -> dict:
        return {"turns": [{"text": t.text, "stage": t.stage} for t in self.turns], "alarm": self.alarm}


def turns(text: str) -> list[str]:
    found: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if _SPEAKER.match(line) or not found:
            found.append(line.strip())
        else:
            found[-1] += "\n" + line.strip()
    return found


def stage_of(turn: str) -> str | None:
    reached = {_SIGNAL_STAGE[signal.type] for signal in find_signals(turn) if signal.type in _SIGNAL_STAGE}
    if _TRUST.search(turn):
        reached.add("trust")
    if _CONTACT.search(turn):
        reached.add("contact")
    return max(reached, key=STAGES.index) if reached else None


def stage_view(text: str) -> StageView | None:
    """Each turn's stage and the alarm turn, for a conversation of at least ``MIN_TURNS`` turns."""
    parts = turns(text)
    if len(parts) < MIN_TURNS:
        return None
    marked = tuple(Turn(part, stage_of(part)) for part in parts)
    alarm = next((i for i, turn in enumerate(marked) if turn.stage and STAGES.index(turn.stage) >= ALARM_FROM), None)
    return StageView(marked, alarm)
