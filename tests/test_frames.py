"""Screening a pandas DataFrame: the batch columns added, bad rows carrying their error."""

import pandas as pd
import pytest

from classifier import InputError, screen_frame

SCAM = "高价收购银行卡，一张月租三千，安全无风险"


def test_a_frame_gets_the_batch_columns_and_keeps_its_own(detector):
    frame = pd.DataFrame({"id": [1, 2, 3, 4], "text": [SCAM, "周末一起吃饭", "", None], "label": ["x"] * 4})
    screened = screen_frame(frame, detector=detector)
    assert list(screened["id"]) == [1, 2, 3, 4] and list(screened["label"]) == ["x"] * 4  # input never overwritten
    assert screened.loc[0, "screen_label"] == "mule_recruitment" and "account_rental" in screened.loc[0, "signals"]
    assert screened.loc[1, "screen_label"] == "normal" and screened.loc[1, "error"] is None
    assert screened.loc[2, "error"].startswith("empty_text") and screened.loc[3, "error"].startswith("not_text")
    assert "text" in frame.columns and "signals" not in frame.columns  # the caller's frame is left alone


def test_a_missing_text_column_is_named(detector):
    with pytest.raises(InputError, match="content"):
        screen_frame(pd.DataFrame({"id": [1], "content": ["你好"]}), detector=detector)
