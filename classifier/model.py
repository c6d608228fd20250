"""``ScamClassifier``: the scikit-learn estimator — fit, probabilities, save, version and metrics.

Pipeline: ``normalise`` (text → canonical text) → ``features`` (word + char TF-IDF + signals)
→ ``classifier`` (a linear SVM, or logistic regression, fitted on all data, with a temperature
learned by cross-validation). Fitted attributes end in ``_``. A fitted model is compiled into a
:class:`~classifier.runtime.CompiledModel`, which is what is saved, loaded and predicts. Turning
probabilities into a verdict a person reads is :mod:`classifier.verdict`'s job.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from . import persistence
from .errors import InputError
from .explain import ExampleIndex
from .features import build_features
from .ngrams import Terms
from .normalise import normalise_all
from .runtime import CompiledModel
from .typology import NORMAL, load_typology


class ScamClassifier(persistence.FromManifest, ClassifierMixin, BaseEstimator):
    """Probabilities over the typology's labels for Chinese messages.

    >>> model = ScamClassifier().fit(texts, labels)              # doctest: +SKIP
    >>> model.predict(["您涉嫌洗钱，请转入安全账户"])              # doctest: +SKIP
    array(['impersonate_police'], dtype=object)
    """

    def __init__(self, C: float = 0.3, class_balance: float = 0.5, calibration_folds: int = 5, linear: str = "svm",
                 char_ngram_range: tuple[int, int] = (1, 4), context_cues: bool = False, pinyin: bool = False,
                 calibrate_across_groups: bool = True, min_df: tuple[int, int] = (3, 5), examples_per_label: int = 200):
        self.C = C
        self.class_balance = class_balance
        self.calibration_folds = calibration_folds
        self.linear = linear
        self.char_ngram_range = char_ngram_range
        self.context_cues = context_cues
        self.pinyin = pinyin
        self.calibrate_across_groups = calibrate_across_groups
        self.min_df = min_df
        self.examples_per_label = examples_per_label

    # --- training -------------------------------------------------------------------------

    def class_weights(self, labels: Sequence[str]) -> dict[str, float]:
        """(n / (k · n_label)) ** class_balance: 0 is no reweighting, 1 is fully balanced classes.

        0.5 was chosen by 3-fold cross-validation on the training split (never the eval split): full
        balancing caught 4 points more scams but flagged 2.5× as many normal messages.
        """
        counts = Counter(labels)
        return {label: (len(labels) / (len(counts) * count)) ** self.class_balance for label, count in counts.items()}

    def calibration_split(self, texts: list[str], labels: list[str], groups: Sequence[str]) -> list | None:
        """Folds that hold out whole slices, or None (stratified folds) when there are too few slices or a
        fold would train without some label: after corrections relabel many texts, a label can live in
        one slice, and a temperature fitted without that label learns nothing about it."""
        if len(set(groups)) < self.calibration_folds:
            return None
        folds = list(GroupKFold(n_splits=self.calibration_folds).split(texts, labels, list(groups)))
        every_label = set(labels)
        if any({labels[index] for index in train} != every_label for train, _ in folds):
            return None
        return folds

    def linear_layer(self):
        if self.linear == "svm":
            # decision scores (the temperature turns them into probabilities); liblinear shuffles, so seed it
            return LinearSVC(C=self.C, random_state=0)
        return LogisticRegression(C=self.C, max_iter=3000)

    def build_pipeline(self, cv=None) -> Pipeline:
        linear = self.linear_layer()
        return Pipeline([
            ("normalise", FunctionTransformer(normalise_all)),
            ("features", build_features(tuple(self.char_ngram_range), self.context_cues, self.pinyin, tuple(self.min_df))),
            # Temperature scaling keeps the softmax over all labels (one shared temperature). Per-label
            # sigmoid calibration does not: it rated a blatant fake-police script 40% police, 39% normal,
            # because it maps "normal"'s raw score to a probability without looking at the other labels.
            ("classifier", CalibratedClassifierCV(
                linear, method="temperature", cv=cv or self.calibration_folds, ensemble=False
            )),
        ])

    def fit(self, texts: Sequence[str], labels: Sequence[str], groups: Sequence[str] | None = None) -> ScamClassifier:
        """Fit on ``texts``. With ``groups`` (which slice of the corpus each text comes from) and
        ``calibrate_across_groups``, the temperature is learned on whole slices held out in turn: text by
        other writers, in other registers, as the model meets outside — so that its probabilities are not
        as sure of themselves as they are on its own writers' words."""
        texts, labels = list(texts), list(labels)
        _check_training_data(texts, labels)
        cv = self.calibration_split(texts, labels, groups) if groups is not None and self.calibrate_across_groups else None
        weights = self.class_weights(labels)  # as sample weights: calibration refits on encoded labels
        sample_weight = np.array([weights[label] for label in labels])
        self.pipeline_ = self.build_pipeline(cv).fit(texts, labels, classifier__sample_weight=sample_weight)
        self.classes_ = [str(label) for label in self.pipeline_.classes_]
        self.training_data_sha256_ = training_data_sha256(texts, labels)
        self.compiled_ = self.compile(texts, labels)
        return self

    def compile(self, texts: list[str], labels: list[str]) -> CompiledModel:
        """The fitted pipeline as a :class:`CompiledModel` (what is saved), with similar examples from a
        sample of ``texts``."""
        features = self.pipeline_.named_steps["features"]
        calibrated = self.pipeline_.named_steps["classifier"].calibrated_classifiers_[0]
        linear, (temperature,) = calibrated.estimator, calibrated.calibrators
        compiled = CompiledModel(
            self.classes_, [(name, block.block_) for name, block in features.transformer_list],
            Terms(features.get_feature_names_out()), linear.coef_, linear.intercept_, float(temperature.beta_),
            None, self.get_params(), self.training_data_sha256_,
        )
        shown = example_sample(texts, labels, self.examples_per_label)
        rows = compiled.features(normalise_all([texts[i] for i in shown]))
        compiled.examples_ = ExampleIndex(compiled.word_block(rows), [texts[i] for i in shown], [labels[i] for i in shown])
        return compiled

    # --- prediction (the estimator's API; front ends use the compiled model) -----------------

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.compiled_.predict_proba(texts)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return self.compiled_.predict(texts)

    # --- metadata and persistence -----------------------------------------------------------

    def save(self, path: str | Path, metrics: dict | None = None, data_hash: str | None = None,
             key: str | None = None, extra: dict | None = None) -> dict:
        """Write the compiled model's joblib artefact and its JSON manifest (signed with ``key`` if given;
        ``extra`` adds fields such as a retrain's gate report). ``CompiledModel.load`` reads it back."""
        self.manifest_ = persistence.save(self.compiled_, path, metrics=metrics, data_hash=data_hash, key=key, extra=extra)
        self.compiled_.manifest_ = self.manifest_
        return self.manifest_


EXAMPLE_MAX_CHARS = 300  # a similar example is shown whole: long transcripts are no help on a phone screen


def example_sample(texts: Sequence[str], labels: Sequence[str], per_label: int) -> list[int]:
    """Indices of up to ``per_label`` short training messages of each label (a fixed-seed sample, in
    corpus order): enough to find similar examples, without carrying the whole corpus inside the model."""
    rng = np.random.default_rng(0)
    chosen: list[int] = []
    for label in sorted(set(labels)):
        indices = [index for index, other in enumerate(labels) if other == label and len(texts[index]) <= EXAMPLE_MAX_CHARS]
        if len(indices) > per_label:
            indices = sorted(rng.choice(indices, size=per_label, replace=False).tolist())
        chosen.extend(indices)
    return sorted(chosen)


def training_data_sha256(texts: Sequence[str], labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for text, label in zip(texts, labels):
        digest.update(label.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _check_training_data(texts: list, labels: list) -> None:
    for text in texts:
        if not isinstance(text, str):
            raise InputError("not_text", type=type(text).__name__)
        if not text.strip():
            raise InputError("empty_text")
    unknown = sorted(set(labels) - set(load_typology().label_ids))
    if unknown:
        raise InputError("unknown_label", labels=unknown)
    if len(texts) != len(labels):
        raise InputError("length_mismatch")
    if NORMAL not in labels or len(set(labels)) < 2:
        raise InputError("too_few_labels")
