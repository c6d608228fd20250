"""Chinese scam-message risk classifier: typology label, risk, explanation and advice for a message.

Public API (the CLI and the web service use nothing else):

    from classifier import ScamClassifier
    classifier = ScamClassifier.load()              # or load_or_train() to build one on first use
    prediction = classifier.classify("您的快递丢失，客服为您办理理赔…")
    prediction.to_dict()
"""

from .batch import FORMATS, Record, Summary, Writer, detect_format, open_text, printable, read_records, screen_records, screen_stream
from .errors import ClassifierError, InputError, ModelError
from .model import ScamClassifier
from .persistence import DEFAULT_MODEL_PATH
from .prediction import Prediction
from .signals import SIGNAL_NAMES
from .training import load_or_train, train
from .typology import Category, Typology, load_typology

__all__ = [
    "FORMATS",
    "Record",
    "Summary",
    "Writer",
    "detect_format",
    "open_text",
    "printable",
    "read_records",
    "screen_records",
    "screen_stream",
    "Category",
    "ClassifierError",
    "DEFAULT_MODEL_PATH",
    "InputError",
    "ModelError",
    "Prediction",
    "SIGNAL_NAMES",
    "ScamClassifier",
    "Typology",
    "load_or_train",
    "load_typology",
    "train",
]
