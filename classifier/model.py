"""``ScamClassifier``: the scikit-learn pipeline plus everything a prediction needs around it.

Pipeline: ``normalise`` (text → canonical text) → ``features`` (word + char TF-IDF + signals)
→ ``classifier`` (logistic regression fitted on all data, with a temperature learned by
cross-validation). Fitted attributes end in ``_``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from . import persistence
from .errors import InputError
from .explain import ExampleIndex, LinearModel, explain
from .features import build_features
from .normalise import normalise_all, normalise_with_offsets
from .prediction import Prediction
from .signals import RED_FLAG_IDS, find_signals
from .typology import NORMAL, Typology, load_typology


# Undecodable input bytes arrive as surrogates (``errors="surrogateescape"``); checked on every message.
_SURROGATE = re.compile("[\ud800-\udfff]")


class ScamClassifier:
    """Classify Chinese messages into the fraud typology, with risk, explanation and advice.

    >>> classifier = ScamClassifier.load()                 # doctest: +SKIP
    >>> classifier.classify("您涉嫌洗钱，请转入安全账户").label  # doctest: +SKIP
    'impersonate_police'
    """

    def __init__(
        self, C: float = 60.0, class_balance: float = 0.5, calibration_folds: int = 5, typology: Typology | None = None
    ):
        self.C = C
        self.class_balance = class_balance
        self.calibration_folds = calibration_folds
        self.typology = typology or load_typology()

    # --- training -------------------------------------------------------------------------

    def class_weights(self, labels: Sequence[str]) -> dict[str, float]:
        """(n / (k · n_label)) ** class_balance: 0 is no reweighting, 1 is fully balanced classes.

        C=60 and 0.5 were chosen by 3-fold cross-validation on the training split (never the eval
        split): full balancing caught 4 points more scams but flagged 2.5× as many normal messages.
        """
        counts = Counter(labels)
        return {label: (len(labels) / (len(counts) * count)) ** self.class_balance for label, count in counts.items()}

    def build_pipeline(self) -> Pipeline:
        linear = LogisticRegression(C=self.C, max_iter=3000)
        return Pipeline([
            ("normalise", FunctionTransformer(normalise_all)),
            ("features", build_features()),
            # Temperature scaling keeps the softmax over all labels (one shared temperature). Per-label
            # sigmoid calibration does not: it rated a blatant fake-police script 40% police, 39% normal,
            # because it maps "normal"'s raw score to a probability without looking at the other labels.
            ("classifier", CalibratedClassifierCV(
                linear, method="temperature", cv=self.calibration_folds, ensemble=False
            )),
        ])

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "ScamClassifier":
        texts = [self.check(text) for text in texts]
        unknown = sorted(set(labels) - set(self.typology.label_ids))
        if unknown:
            raise InputError(f"labels not in the typology: {unknown}", code="unknown_label")
        if len(texts) != len(labels):
            raise InputError("texts and labels differ in length", code="length_mismatch")
        if NORMAL not in labels or len(set(labels)) < 2:
            raise InputError("training needs 'normal' and at least one fraud label", code="too_few_labels")
        weights = self.class_weights(list(labels))  # as sample weights: calibration refits on encoded labels
        self.pipeline_ = self.build_pipeline().fit(
            texts, list(labels), classifier__sample_weight=np.array([weights[label] for label in labels])
        )
        self.classes_ = list(self.pipeline_.classes_)
        words = self.pipeline_.named_steps["features"].transformer_list[0][1]
        self.examples_ = ExampleIndex(words.transform(normalise_all(texts)), texts, labels)
        return self

    @property
    def linear_(self) -> LinearModel:
        """The linear layer beneath the calibration, with feature names (derived, never pickled)."""
        if getattr(self, "_linear", None) is None:
            features = self.pipeline_.named_steps["features"]
            linear = self.pipeline_.named_steps["classifier"].calibrated_classifiers_[0].estimator
            self._linear = LinearModel(self.classes_, linear.coef_, linear.intercept_, features.get_feature_names_out())
        return self._linear

    # --- prediction -----------------------------------------------------------------------

    def check(self, text) -> str:
        """Return ``text`` if it can be classified, else raise :class:`InputError` saying why."""
        if not isinstance(text, str):
            raise InputError(f"text must be a string, not {type(text).__name__}", code="not_text")
        if not text.strip():
            raise InputError("text is empty", code="empty_text")
        limit = self.typology.limits["max_text_chars"]
        if len(text) > limit:
            raise InputError(f"text has {len(text)} characters; the limit is {limit}", code="text_too_long")
        if _SURROGATE.search(text):
            raise InputError("text contains invalid (undecodable) characters", code="invalid_encoding")
        return text

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        return self.pipeline_.predict_proba([self.check(text) for text in texts])

    def predict(self, texts: Iterable[str], explain: bool = False) -> list[Prediction]:
        """One :class:`Prediction` per text; with ``explain`` also signals, explanation and examples."""
        return self._predict_checked([self.check(text) for text in texts], explain)

    def predict_each(self, texts: Iterable, explain: bool = False) -> list[Prediction | InputError]:
        """Like :meth:`predict`, but a text that cannot be classified gets its :class:`InputError`
        in its place and the others go on (batch screening: no row is lost)."""
        outcomes: list[Prediction | InputError] = []
        valid, positions = [], []
        for position, text in enumerate(texts):
            try:
                valid.append(self.check(text))
                positions.append(position)
                outcomes.append(None)  # the prediction, filled in below
            except InputError as error:
                outcomes.append(error)
        for position, prediction in zip(positions, self._predict_checked(valid, explain)):
            outcomes[position] = prediction
        return outcomes

    def _predict_checked(self, texts: list[str], explain: bool) -> list[Prediction]:
        if not texts:
            return []
        probabilities = self.pipeline_.predict_proba(texts)
        best_three = np.argsort(-probabilities, axis=1, kind="stable")[:, :3]
        normal = self.classes_.index(NORMAL)
        return [
            self._prediction(text, row, ranked, 1.0 - row[normal], explain)
            for text, row, ranked in zip(texts, probabilities.tolist(), best_three.tolist())
        ]

    def classify(self, text: str, explain: bool = True) -> Prediction:
        return self.predict([text], explain=explain)[0]

    def _prediction(
        self, text: str, probabilities: list[float], ranked: list[int], risk_score: float, with_explanation: bool
    ) -> Prediction:
        top = tuple((self.classes_[i], probabilities[i]) for i in ranked)
        label = top[0][0]
        thresholds = self.typology.thresholds
        second = top[1][1] if len(top) > 1 else 0.0
        prediction = dict(
            label=label,
            category=self.typology.get(label),
            risk_score=risk_score,
            risk_level=self.risk_level(risk_score),
            top=top,
            uncertain=top[0][1] - second < thresholds["uncertain_margin"]
            or top[0][1] < thresholds["uncertain_min_confidence"],
            typology=self.typology,
        )
        if with_explanation:
            fraud_label = next(label for label, _ in top if label != NORMAL)  # at most one of the best three is normal
            prediction.update(self._details(text, label, fraud_label))
        return Prediction(**prediction)

    def _details(self, text: str, label: str, fraud_label: str) -> dict:
        """Signals, explanation (``fraud_label`` against normal for highlights) and similar examples."""
        normalised = normalise_with_offsets(text)
        features = self.pipeline_.named_steps["features"]
        row = features.transform([normalised.text])
        cues = find_signals(text, normalised, context=True)  # every signal feature, to place its weight
        words = row[:, : len(features.transformer_list[0][1].vocabulary_)]
        return dict(
            signals=tuple(signal for signal in cues if signal.type in RED_FLAG_IDS),
            explanation=explain(text, normalised, row, cues, self.linear_, label, fraud_label),
            similar=self.examples_.nearest(words),
        )

    def top_terms(self, label: str, count: int = 15) -> list[dict]:
        """The features the model weighs most toward ``label`` (for teaching pages)."""
        return [
            {"kind": kind, "term": term, "weight": round(weight, 4)}
            for kind, term, weight in self.linear_.top_terms(label, count)
        ]

    def examples_for(self, label: str, count: int = 3) -> list[str]:
        """A few training messages of ``label``, shortest first among the first dozen (for teaching pages)."""
        texts = [text for text, example_label in zip(self.examples_.texts, self.examples_.labels) if example_label == label]
        return sorted(texts[:12], key=len)[:count]

    @property
    def version(self) -> str:
        return getattr(self, "manifest_", {}).get("model_version", "unsaved")

    def risk_level(self, risk_score: float) -> str:
        levels = self.typology.thresholds["risk_levels"]
        if risk_score >= levels["high"]:
            return "high"
        return "medium" if risk_score >= levels["medium"] else "low"

    # --- persistence ----------------------------------------------------------------------

    def __getstate__(self) -> dict:
        # The typology (names, advice, thresholds) is read fresh on load, so editing advice needs no retraining.
        state = dict(self.__dict__)
        for derived in ("typology", "_linear", "manifest_"):
            state.pop(derived, None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.typology = load_typology()

    def save(self, path: str | Path | None = None, metrics: dict | None = None, data_hash: str | None = None) -> dict:
        """Write the joblib artefact and its JSON manifest; return the manifest."""
        return persistence.save(self, path or persistence.DEFAULT_MODEL_PATH, metrics=metrics, data_hash=data_hash)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "ScamClassifier":
        """Load a saved model after checking it against its manifest (hash and library versions)."""
        model = persistence.load(path or persistence.DEFAULT_MODEL_PATH)
        if not isinstance(model, cls):
            raise persistence.ModelError(f"{path} does not hold a ScamClassifier")
        return model
