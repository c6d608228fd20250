"""Chinese scam-message risk classifier: typology label, risk, explanation and advice for a message.

Public API (the CLI and the web service use nothing else, besides ``config`` and ``errors``):

    from classifier import Detector
    detector = Detector.load()                      # the model at the model_path setting
    prediction = detector.classify("您的快递丢失，客服为您办理理赔…")
    prediction.to_dict()

    from classifier import Engine, ScreenOptions, screen
    screen(open("in.csv", "rb"), out, ScreenOptions("csv"), Engine(detector))
"""

import importlib

from .config import SETTINGS, Settings, load_settings
from .errors import ClassifierError, DatasetError, InputError, ModelError, SettingsError
from .feedback import STATUSES, FeedbackStore
from .frames import screen_frame
from .loading import ensure_model, load_or_train
from .persistence import read_manifest
from .prediction import Prediction
from .rules import RuleSet
from .runtime import CompiledModel
from .screening import FORMATS, OUTPUT_FORMATS, Engine, ScreenOptions, Summary, format_of, preview, screen, screen_chunks
from .signals import SIGNAL_NAMES
from .stages import STAGE_NAMES, stage_view
from .teaching import compare as compare_types
from .teaching import examples as examples_for
from .teaching import learned_words, questions, quiz, teachable, top_terms
from .typology import NORMAL, Category, Typology, load_typology
from .verdict import Detector
from .versions import make_current
from .versions import previous as previous_version
from .versions import versions as model_versions

# Fitting, evaluating and validating a corpus import scikit-learn (1.4 s and 150 MB): they are imported on
# first use (PEP 562), so that a front end which loads a model and predicts never pays for them.
_ON_FIRST_USE = {
    "ScamClassifier": ("model", "ScamClassifier"),
    "evaluate_directory": ("training", "evaluate_directory"),
    "retrain": ("retrain", "retrain"),
    "train": ("training", "train"),
    "validate_corpus": ("dataset", "validate"),
}


def __getattr__(name: str):
    if name not in _ON_FIRST_USE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _ON_FIRST_USE[name]
    value = globals()[name] = getattr(importlib.import_module(f".{module}", __name__), attribute)
    return value


__all__ = [
    "Category",
    "ClassifierError",
    "CompiledModel",
    "DatasetError",
    "Detector",
    "Engine",
    "FORMATS",
    "FeedbackStore",
    "InputError",
    "ModelError",
    "NORMAL",
    "OUTPUT_FORMATS",
    "Prediction",
    "RuleSet",
    "SETTINGS",
    "SIGNAL_NAMES",
    "STAGE_NAMES",
    "STATUSES",
    "ScamClassifier",
    "ScreenOptions",
    "Settings",
    "SettingsError",
    "Summary",
    "Typology",
    "ensure_model",
    "evaluate_directory",
    "compare_types",
    "examples_for",
    "format_of",
    "learned_words",
    "load_or_train",
    "load_settings",
    "load_typology",
    "make_current",
    "model_versions",
    "preview",
    "previous_version",
    "questions",
    "quiz",
    "read_manifest",
    "retrain",
    "screen",
    "screen_chunks",
    "screen_frame",
    "stage_view",
    "teachable",
    "top_terms",
    "train",
    "validate_corpus",
]
