"""One table of settings: name, default, environment variable and help text.

Every front end reads its settings here. :func:`load_settings` starts from the defaults, applies
``SCAM_CLASSIFIER_*`` environment variables, then an explicit mapping (tests, ``serve`` options):
defaults ← environment ← explicit dict. ``tests/test_config.py`` checks that the README documents
every setting.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "SCAM_CLASSIFIER_"
NULL_WORDS = frozenset({"", "null", "none", "off"})


def _optional_text(value: str) -> str | None:
    return None if value.strip().lower() in NULL_WORDS else value.strip()


def _rate_limit(value: str) -> str | None:
    """``"120/minute"`` (per second|minute|hour|day) or off; refused early if malformed."""
    value = _optional_text(value)
    if value is None:
        return None
    count, _, period = value.partition("/")
    if not count.strip().isdigit() or int(count) < 1 or period.strip().rstrip("s") not in ("second", "minute", "hour", "day"):
        raise ValueError("expected a limit such as '120/minute' (per second, minute, hour or day), or 'null' to turn it off")
    return value


def _thresholds(value: str) -> dict[str, float]:
    """``loan=0.6,investment=0.5`` → {"loan": 0.6, "investment": 0.5}; labels must be scam types."""
    from .typology import load_typology

    labels = set(load_typology().fraud_label_ids)
    thresholds = {}
    for pair in filter(None, (part.strip() for part in value.split(","))):
        label, _, number = pair.partition("=")
        if label.strip() not in labels:
            raise ValueError(f"{label.strip()!r} is not a scam type ({', '.join(sorted(labels))})")
        threshold = float(number)
        if not 0 < threshold < 1:
            raise ValueError(f"the threshold for {label.strip()} must be between 0 and 1")
        thresholds[label.strip()] = threshold
    return thresholds


def _optional_path(value: str) -> Path | None:
    text = _optional_text(value)
    return None if text is None else Path(text)


def _share(value: str) -> float:
    number = float(value)
    if not 0 <= number < 1:
        raise ValueError("must be a share between 0 and 1")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be a positive whole number")
    return number


def _stop_seconds(value: str) -> int:
    number = _positive_int(value)
    if number > 1800:  # the most granian waits for a worker to stop
        raise ValueError("must be at most 1800 seconds")
    return number


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    optional: bool = False  # None (or "null" in the environment) turns it off

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("model_path", PROJECT_ROOT / "models" / "scam_classifier.joblib",
            "The model artefact (a .joblib file with its .json manifest beside it).", Path),
    Setting("model_key", None,
            "A secret: when set, `train` signs the model manifest (HMAC-SHA256) and every load refuses a model "
            "whose manifest is not signed with it.", _optional_text, optional=True),
    Setting("data_dir", PROJECT_ROOT / "training_data",
            "The labelled corpus that `train` and `validate` read (its eval/ subdirectory is the held-out split).", Path),
    Setting("feedback_db", PROJECT_ROOT / "var" / "feedback.sqlite3",
            "The SQLite database of corrections (判断有误？ on the page, POST /api/v1/feedback); outside git.", Path),
    Setting("rules_file", None,
            "A YAML file of deployment rules (allow- and block-lists of senders, phrases, domains, patterns), "
            "applied with the model and shown beside its verdict.", _optional_path, optional=True),
    Setting("gate_tolerance", 0.01,
            "How much worse a retrained model may be on the eval split and the gate set (share of scams missed "
            "or genuine messages flagged) before `retrain` refuses it.", _share),
    Setting("label_thresholds", {},
            "Per-type decision thresholds, e.g. `loan=0.6,investment=0.5`: a scam type is named only at or above its "
            "risk (default: the medium risk level); recorded with every batch and in /api/v1/health.", _thresholds),
    Setting("max_text_chars", 10_000,
            "Longest message classified, in characters; longer ones are refused (API 413, a row error in batches).",
            _positive_int),
    Setting("max_batch_items", 1000, "Most messages in one `POST /api/v1/classify/batch` request.", _positive_int),
    Setting("max_json_bytes", 2 * 1024 * 1024, "Largest JSON request body, in bytes.", _positive_int),
    Setting("max_request_cost", 5_000_000,
            "Most work one API request may ask for, in units of about a microsecond: 1 per character, or 25 per "
            "character plus 5,000 per message when explained; over it the request is refused (413 `too_costly`).",
            _positive_int),
    Setting("max_content_length", 20 * 1024 * 1024, "Largest file upload on the batch page, in bytes.", _positive_int),
    Setting("rate_limit", "120/minute",
            "Requests per client address for the API and form posts, e.g. `120/minute`; `null` turns it off.",
            _rate_limit, optional=True),
    Setting("rate_limit_storage", "memory://",
            "Where the rate limit is counted: `memory://` (each worker on its own) or a shared store such as "
            "`redis://localhost:6379` (every worker shares one limit).", str),
    Setting("threads", 2, "Python threads per worker (`serve`). The server reads and writes requests outside them, "
            "so slow clients hold none; a second thread keeps a worker answering during one long batch.",
            _positive_int),
    Setting("worker_timeout", 60, "Seconds a worker may take to finish its requests when the service stops or "
            "reloads (SIGHUP) before it is killed (at most 1800).", _stop_seconds),
    Setting("access_log_format", "%(method)s %(path)s %(status)d %(dt_ms).0fms",
            "Access-log format (granian's fields); the default logs method, path, status and duration only (no "
            "client address, query string or User-Agent); `null` turns the access log off.", _optional_text,
            optional=True),
    Setting("batch_table_rows", 200, "Rows shown in the batch page's result table (the download has them all).",
            _positive_int),
    Setting("inline_download_bytes", 2 * 1024 * 1024,
            "Batch results up to this size are offered as an immediate download link on the page.", _positive_int),
)
SETTING_NAMES = frozenset(setting.name for setting in SETTINGS)
# Old environment names still read for one release, with a DeprecationWarning.
DEPRECATED_ENV = {ENV_PREFIX + "MODEL": "model_path"}


class Settings(Mapping[str, Any]):
    """The resolved settings; read them as attributes (``settings.max_text_chars``) or keys."""

    def __init__(self, values: Mapping[str, Any]):
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_values":  # unpickling looks these up before _values exists
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Settings({self._values!r})"


def _parsed(setting: Setting, value: Any, source: str) -> Any:
    if not isinstance(value, str) or setting.parse is str:
        return value
    try:
        return setting.parse(value)
    except ValueError as exc:
        raise SettingsError("invalid_setting", name=source, value=value, reason=str(exc)) from None


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Defaults ← ``SCAM_CLASSIFIER_*`` environment variables ← ``overrides`` (setting names, any case).

    In ``overrides``, None leaves a setting as it is, except for optional ones, which it turns off.
    """
    environ = os.environ if environ is None else environ
    by_name = {setting.name: setting for setting in SETTINGS}
    values = {setting.name: setting.default for setting in SETTINGS}
    for old, name in DEPRECATED_ENV.items():
        if old in environ and by_name[name].env not in environ:
            warnings.warn(f"{old} is deprecated; use {by_name[name].env}", DeprecationWarning, stacklevel=2)
            values[name] = _parsed(by_name[name], environ[old], old)
    for setting in SETTINGS:
        if setting.env in environ:
            values[setting.name] = _parsed(setting, environ[setting.env], setting.env)
    for key, value in (overrides or {}).items():
        name = key.lower()
        if name not in by_name:
            raise SettingsError("unknown_setting", name=key)
        if value is not None:
            values[name] = _parsed(by_name[name], value, by_name[name].env)
        elif by_name[name].optional:
            values[name] = None
    return Settings(values)
