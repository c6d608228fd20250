"""The stage view: turns, the stage each reaches, and the alarm turn — on a small case and on the corpus."""

import json
from pathlib import Path

from classifier import stage_view
from classifier.stages import stage_of, turns

CORPUS = Path(__file__).parent.parent / "training_data"


def test_a_transcript_is_split_into_speaker_turns():
    text = "[00:00:03] 说话人1：喂，你好\n我这边是快递\n[00:00:09] 说话人2：嗯\n14:32 王警官：配合调查"
    assert turns(text) == ["[00:00:03] 说话人1：喂，你好\n我这边是快递", "[00:00:09] 说话人2：嗯", "14:32 王警官：配合调查"]


def test_each_turn_gets_the_furthest_stage_it_reaches():
    assert stage_of("您好，我是京东客服") == "trust"
    assert stage_of("加我微信详聊") == "move"
    assert stage_of("此事保密，今天之内办完") == "urgency"
    assert stage_of("把验证码告诉我，再转账到安全账户") == "ask"
    assert stage_of("嗯，好的") is None


def test_short_messages_have_no_stage_view():
    assert stage_view("您好\n在吗") is None


def test_the_alarm_rings_on_most_long_scam_calls_in_the_corpus_and_on_few_genuine_ones():
    def calls(name, label):
        rows = [json.loads(line) for line in (CORPUS / name).read_text(encoding="utf-8").splitlines()]
        return [row["text"] for row in rows if row["register"] == "call" and (row["label"] == "normal") == (label == "normal")]

    scams = [view for view in map(stage_view, calls("long_police_cs_flight.jsonl", "scam")) if view]
    genuine = [view for view in map(stage_view, calls("everyday_calls.jsonl", "normal")) if view] if (
        CORPUS / "everyday_calls.jsonl").exists() else []
    assert len(scams) > 100 and sum(view.alarm is not None for view in scams) / len(scams) > 0.8  # some end early
    if genuine:
        assert sum(view.alarm is not None for view in genuine) / len(genuine) < 0.5
