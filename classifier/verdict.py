"""Text → :class:`Prediction`: label, risk, uncertainty and advice, and with ``explain`` the reasons.

:class:`Detector` is what the CLI, the web service and batch screening use. It checks each text,
asks the estimator for probabilities and applies the typology's thresholds. With ``explain=True``
a message is normalised and featurised once, and that one feature row serves the probabilities,
the red flags, the per-term contributions, the highlights and the similar examples.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

import numpy as np

from .config import load_settings
from .errors import InputError
from .explain import explain
from .normalise import normalise, normalise_all, normalise_with_offsets
from .prediction import Prediction
from .rules import RuleSet
from .runtime import CompiledModel
from .signals import RED_FLAG_IDS, find_signals, obfuscated
from .typology import NORMAL, Typology, load_typology

# What classifying costs, in units of about a microsecond of one worker (measured on the final model):
# light predictions about 1 per character; explanations about 25 per character plus 5 ms per message.
COST_PER_CHAR, EXPLAIN_COST_PER_CHAR, EXPLAIN_COST_PER_MESSAGE = 1, 25, 5_000

# Characters that carry content (Chinese, letters, digits, full-width forms), and words that make even a very
# short message about money or codes (转我500, 借我点钱, 验证码).
_CONTENT = re.compile("[\u3400-\u9fff\uf900-\ufaffA-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_VISIBLE = _CONTENT
_MONEY_CUE = re.compile("[钱錢转轉借汇匯款付元块塊码碼]|[0-9０-９]")
# Undecodable input bytes arrive as surrogates (``errors="surrogateescape"``); checked on every message.
_SURROGATE = re.compile("[\ud800-\udfff]")


class Detector:
    """Verdicts for messages from a model (loaded, or a just-fitted :class:`~classifier.model.ScamClassifier`)
    and the typology's thresholds.

    >>> detector = Detector.load()                                  # doctest: +SKIP
    >>> detector.classify("您涉嫌洗钱，请转入安全账户").risk_level   # doctest: +SKIP
    'high'
    """

    def __init__(self, model, typology: Typology | None = None, max_text_chars: int | None = None,
                 label_thresholds: dict[str, float] | None = None, rules: RuleSet | None = None):
        self.model: CompiledModel = getattr(model, "compiled_", model)  # a fitted ScamClassifier predicts through it
        # The typology (names, advice, thresholds) is read fresh, so editing advice needs no retraining.
        self.typology = typology or load_typology()
        self.max_text_chars = max_text_chars or load_settings().max_text_chars
        self.label_thresholds = dict(label_thresholds or {})  # a risk a scam type must reach to be named
        self.rules = rules or RuleSet.empty()  # deployment rules, shown beside the verdict

    @classmethod
    def load(cls, path: str | Path | None = None, settings=None) -> Detector:
        """The model at ``path`` (default: the ``model_path`` setting), checked against its manifest."""
        settings = settings or load_settings()
        model = CompiledModel.load(path or settings.model_path, key=settings.model_key)
        rules = RuleSet.load(settings.rules_file) if settings.rules_file else None
        return cls(model, max_text_chars=settings.max_text_chars, label_thresholds=settings.label_thresholds, rules=rules)

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def labels(self) -> list[str]:
        return list(self.model.classes_)

    def check(self, text) -> str:
        """Return ``text`` if it can be classified, else raise :class:`InputError` saying why."""
        if not isinstance(text, str):
            raise InputError("not_text", type=type(text).__name__)
        if not text.strip():
            raise InputError("empty_text")
        if len(text) > self.max_text_chars:
            raise InputError("text_too_long", length=len(text), limit=self.max_text_chars)
        if _SURROGATE.search(text):
            raise InputError("invalid_encoding")
        if not _VISIBLE.search(text) and not normalise(text).strip():  # only NUL, zero-width, spaces, emoji …
            raise InputError("empty_text")
        return text

    def too_short(self, text: str) -> bool:
        """Too little content to judge (在吗, 你好, 收到): fewer content characters than the typology's
        ``too_short_chars`` and nothing about money, codes or numbers."""
        enough = self.typology.thresholds["too_short_chars"]
        # counting stops at ``enough``: a long message is not walked to its end on every verdict
        return sum(1 for _ in islice(_CONTENT.finditer(text), enough)) < enough and not _MONEY_CUE.search(text)

    def cost(self, texts: Iterable, explain: bool) -> int:
        """The work that classifying ``texts`` asks for (see ``COST_PER_CHAR``); non-texts cost nothing."""
        lengths = [len(text) for text in texts if isinstance(text, str)]
        if explain:
            return EXPLAIN_COST_PER_CHAR * sum(lengths) + EXPLAIN_COST_PER_MESSAGE * len(lengths)
        return COST_PER_CHAR * sum(lengths)

    def classify(self, text: str, explain: bool = True, sender: str | None = None) -> Prediction:
        return self.predict([text], explain=explain, senders=[sender])[0]

    def predict(self, texts: Iterable[str], explain: bool = False, senders: list | None = None) -> list[Prediction]:
        """One :class:`Prediction` per text; with ``explain`` also signals, explanation and examples."""
        texts = [self.check(text) for text in texts]
        predictions = self._explained(texts) if explain else self._light(texts)
        return self._with_rules(texts, predictions, senders)

    def _with_rules(self, texts: list[str], predictions: list[Prediction], senders: list | None) -> list[Prediction]:
        if not self.rules.rules:
            return predictions
        senders = senders or [None] * len(texts)
        return [prediction.with_details(rules=self.rules.apply(text, sender))
                for text, prediction, sender in zip(texts, predictions, senders)]

    def predict_each(self, texts: Iterable, explain: bool = False) -> list[Prediction | InputError]:
        """Like :meth:`predict`, but a text that cannot be classified gets its :class:`InputError`
        in its place and the others go on (batch screening: no row is lost)."""
        outcomes: list[Prediction | InputError | None] = []
        valid, positions = [], []
        for position, text in enumerate(texts):
            try:
                valid.append(self.check(text))
                positions.append(position)
                outcomes.append(None)  # the prediction, filled in below
            except InputError as error:
                outcomes.append(error)
        predictions = self._with_rules(valid, self._explained(valid) if explain else self._light(valid), None)
        for position, prediction in zip(positions, predictions):
            outcomes[position] = prediction
        return outcomes

    def risk_level(self, risk_score: float) -> str:
        levels = self.typology.thresholds["risk_levels"]
        if risk_score >= levels["high"]:
            return "high"
        return "medium" if risk_score >= levels["medium"] else "low"

    # --- internals --------------------------------------------------------------------------

    def _light(self, texts: list[str]) -> list[Prediction]:
        """Verdicts without explanations (batches): the probabilities and which red flags each message raised."""
        if not texts:
            return []
        probabilities, flags = self.model.light(normalise_all(texts))
        return [
            self._verdict(ranked, self.too_short(text), flag_ids + (("obfuscation",) if obfuscated(text) else ()))
            for text, ranked, flag_ids in zip(texts, _rows(probabilities), flags)
        ]

    def _explained(self, texts: list[str]) -> list[Prediction]:
        return [self._explained_one(text) for text in texts]

    def _explained_one(self, text: str) -> Prediction:
        normalised = normalise_with_offsets(text)
        row = self.model.features([normalised.text])  # the one feature row everything below reuses
        verdict = self._verdict(next(_rows(self.model.predict_proba_features(row))), self.too_short(text))
        cues = find_signals(text, normalised, context=True)  # every signal feature, to place its weight
        fraud_label = next(label for label, _ in verdict.top if label != NORMAL)  # at most one of three is normal
        explained = verdict.label if verdict.label == NORMAL else fraud_label
        return verdict.with_details(
            signals=tuple(signal for signal in cues if signal.type in RED_FLAG_IDS),
            explanation=explain(text, normalised, row, cues, self.model.linear_, explained, fraud_label),
            similar=self.model.examples_.nearest(self.model.word_block(row)),
        )

    def _verdict(self, ranked: tuple[list[float], list[int]], too_short: bool = False, flag_ids: tuple = ()) -> Prediction:
        """One rule for the verdict and the risk: the label is the likeliest scam type when the risk reaches
        the medium level (or that type's own threshold, if one is set), and normal below it — then the
        risk level is low too; a text too short to judge is never more than low risk."""
        probabilities, order = ranked
        classes = self.model.classes_
        top = tuple((classes[i], probabilities[i]) for i in order)
        thresholds = self.typology.thresholds
        second = top[1][1] if len(top) > 1 else 0.0
        normal = self.model.normal_index_
        risk_score = 1.0 - probabilities[normal]
        # the best three labels hold at most one normal, so the likeliest scam type is among them
        best_fraud = next(classes[i] for i in order if i != normal)
        flagged = not too_short and risk_score >= self.label_thresholds.get(best_fraud, thresholds["risk_levels"]["medium"])
        risk_level = self.risk_level(risk_score) if flagged else "low"
        label = best_fraud if flagged else NORMAL
        return Prediction(
            label=label,
            category=self.typology.get(label),
            risk_score=risk_score,
            risk_level=risk_level,
            top=top,
            uncertain=too_short or top[0][1] - second < thresholds["uncertain_margin"]
            or top[0][1] < thresholds["uncertain_min_confidence"],
            typology=self.typology,
            too_short=too_short,
            flag_ids=tuple(flag_ids),
        )


def _rows(probabilities: np.ndarray) -> Iterable[tuple[list[float], list[int]]]:
    """Each row's probabilities and the indices of its best three labels (ranked for the whole batch at once)."""
    best_three = np.argsort(-probabilities, axis=1, kind="stable")[:, :3]
    return zip(probabilities.tolist(), best_three.tolist())

