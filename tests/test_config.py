"""The settings table: defaults ← environment ← explicit dict, clear errors, and every setting documented."""

import re
from pathlib import Path

import pytest

from classifier import SETTINGS, SettingsError, load_settings

README = Path(__file__).parent.parent / "README.md"


def test_defaults():
    settings = load_settings(environ={})
    assert settings.max_text_chars == 10_000 and settings.rate_limit == "120/minute"
    assert settings.model_path.name == "scam_classifier.joblib"


def test_environment_over_defaults_and_the_dict_over_both():
    environ = {"SCAM_CLASSIFIER_MAX_BATCH_ITEMS": "7", "SCAM_CLASSIFIER_MAX_TEXT_CHARS": "500"}
    settings = load_settings({"MAX_TEXT_CHARS": 300}, environ=environ)
    assert settings.max_batch_items == 7 and settings.max_text_chars == 300


def test_null_turns_an_optional_setting_off_and_leaves_others_alone():
    settings = load_settings({"rate_limit": None, "max_batch_items": None}, environ={"SCAM_CLASSIFIER_RATE_LIMIT": "5/second"})
    assert settings.rate_limit is None and settings.max_batch_items == 1000
    assert load_settings(environ={"SCAM_CLASSIFIER_RATE_LIMIT": "null"}).rate_limit is None


def test_the_old_model_variable_still_works_with_a_warning(tmp_path):
    with pytest.warns(DeprecationWarning, match="SCAM_CLASSIFIER_MODEL_PATH"):
        settings = load_settings(environ={"SCAM_CLASSIFIER_MODEL": str(tmp_path / "old.joblib")})
    assert settings.model_path == tmp_path / "old.joblib"


@pytest.mark.parametrize("environ, name", [
    ({"SCAM_CLASSIFIER_MAX_BATCH_ITEMS": "many"}, "SCAM_CLASSIFIER_MAX_BATCH_ITEMS"),
    ({"SCAM_CLASSIFIER_MAX_TEXT_CHARS": "0"}, "SCAM_CLASSIFIER_MAX_TEXT_CHARS"),
    ({"SCAM_CLASSIFIER_RATE_LIMIT": "lots"}, "SCAM_CLASSIFIER_RATE_LIMIT"),
    ({"SCAM_CLASSIFIER_WORKER_TIMEOUT": "3600"}, "SCAM_CLASSIFIER_WORKER_TIMEOUT"),  # more than the server allows
])
def test_invalid_values_name_the_variable(environ, name):
    with pytest.raises(SettingsError, match=name) as caught:
        load_settings(environ=environ)
    assert caught.value.code == "invalid_setting"


def test_unknown_setting_names_are_refused():
    with pytest.raises(SettingsError, match="max_itmes"):
        load_settings({"max_itmes": 3}, environ={})


def test_every_setting_is_documented_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"`(SCAM_CLASSIFIER_[A-Z_]+)`", readme))
    assert {setting.env for setting in SETTINGS} <= documented


def test_settings_survive_pickling_for_worker_processes():
    import pickle

    settings = load_settings({"max_text_chars": 123}, environ={})
    assert pickle.loads(pickle.dumps(settings)).max_text_chars == 123
