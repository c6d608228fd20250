"""The error table: every code once, a valid HTTP status, messages in both languages that format."""

import pickle
import re
import string

import pytest

from classifier.errors import ERRORS, STATUS_CODES, ClassifierError, InputError


def fields(template: str) -> set[str]:
    return {name.split("!")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("kind", ERRORS.values(), ids=lambda kind: kind.code)
def test_every_error_formats_in_english_and_chinese(kind):
    assert 400 <= kind.status < 600
    assert fields(kind.message_zh) <= fields(kind.message)
    error = ClassifierError(kind.code, **dict.fromkeys(fields(kind.message), "值"))
    assert error.message.strip() and error.message_zh.strip() and error.status == kind.status
    # People read the Chinese message on pages: no English words or ids, only file-format names.
    assert not re.search(r"[A-Za-z]", re.sub(r"JSON|CSV", "", error.message_zh)), error.message_zh


def test_http_statuses_map_to_known_codes():
    assert all(ERRORS[code].status == status for status, code in STATUS_CODES.items())


def test_errors_survive_pickling_for_worker_processes():
    error = pickle.loads(pickle.dumps(InputError("text_too_long", length=12, limit=10)))
    assert isinstance(error, InputError) and error.details == {"length": 12, "limit": 10} and "12" in error.message
