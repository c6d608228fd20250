"""``CompiledModel``: what a saved model is — the fitted pipeline reduced to what predicting needs.

Fitting uses scikit-learn (:class:`classifier.model.ScamClassifier`). Predicting needs only the
fitted feature blocks (:mod:`classifier.blocks`), the linear weights and the temperature, so that is
what is saved and loaded. A front end that loads a model imports numpy, SciPy's sparse matrices and
jieba-rs (about 0.4 s), never scikit-learn, SciPy's statistics and pandas (1.8 s and 150 MB more per
process), and unpickles a few arrays instead of dicts with hundreds of thousands of entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from . import persistence
from .errors import ModelError
from .explain import ExampleIndex, LinearModel
from .ngrams import Terms, one_row, side_by_side
from .normalise import normalise_all
from .signals import RED_FLAG_IDS, SIGNAL_IDS
from .typology import NORMAL


class CompiledModel(persistence.FromManifest):
    """Calibrated probabilities over the typology's labels, from fitted blocks and weights.

    ``blocks`` are (name, block) pairs side by side, the word block first (similar examples are found
    by it) and the signal block last (red flags are read from it). The weights are rounded to float16
    here, which is how they are saved, so a model predicts the same before saving and after loading.
    """

    def __init__(self, classes: Sequence[str], blocks: list, feature_names: Terms, coef: np.ndarray, intercept: np.ndarray,
                 inverse_temperature: float, examples: ExampleIndex | None, params: dict, training_data_sha256: str):
        self.classes_ = [str(label) for label in classes]
        self.blocks = list(blocks)
        self.feature_names = feature_names
        self.coef = _in_memory(np.asarray(coef).astype(np.float16))
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.inverse_temperature = float(inverse_temperature)
        self.examples_ = examples
        self.params = dict(params)
        self.training_data_sha256_ = training_data_sha256

    # --- prediction -----------------------------------------------------------------------

    def features(self, normalised_texts: Sequence[str]) -> sparse.csr_matrix:
        """The feature rows of already normalised texts, the blocks side by side, in float32 like the weights
        (a float64 row would make scipy upcast the whole weight matrix on every call)."""
        blocks = [block for _, block in self.blocks]
        return side_by_side([block.entries(normalised_texts) for block in blocks], [block.n_features for block in blocks])

    def word_block(self, rows) -> sparse.csr_matrix:
        """The word TF-IDF columns of feature rows (what similar examples are found by)."""
        return rows[:, : self.blocks[0][1].n_features]

    def predict_proba_features(self, rows) -> np.ndarray:
        """Calibrated probabilities (columns in ``classes_`` order): a softmax of the linear scores times
        the inverse temperature, what ``CalibratedClassifierCV(method="temperature")`` computes."""
        return self._softmax(np.asarray(rows @ self.coef.T))

    def _red_flag_of_column(self) -> list[str | None]:
        """For each column of the signal block (the last block), its red-flag type, or None for a context cue."""
        ids = [SIGNAL_IDS[column] for column in self.blocks[-1][1].columns]
        return [signal_id if signal_id in RED_FLAG_IDS else None for signal_id in ids]

    def red_flags_of(self, rows) -> list[tuple[str, ...]]:
        """For each feature row, the red-flag signal types it counted (from the signal block, no rescan)."""
        flag_of = self._red_flag_of_column()
        first = rows.shape[1] - len(flag_of)  # the signal block's columns come last in every row
        signal_cells = np.flatnonzero(rows.indices >= first)
        flags: list[list[str]] = [[] for _ in range(rows.shape[0])]
        for row, column in zip(np.searchsorted(rows.indptr, signal_cells, side="right") - 1, rows.indices[signal_cells] - first):
            if flag_of[column]:
                flags[row].append(flag_of[column])
        return [tuple(row_flags) for row_flags in flags]

    def light(self, normalised_texts: Sequence[str]) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """What a verdict without explanation needs: each text's probabilities and red-flag signal types."""
        if len(normalised_texts) == 1:
            return self._light_one(normalised_texts[0])
        rows = self.features(normalised_texts)
        return self.predict_proba_features(rows), self.red_flags_of(rows)

    def _light_one(self, normalised_text: str) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        """:meth:`light` for one text (the API's case) straight from the blocks' cells: building a CSR row
        and multiplying it through scipy costs more than the arithmetic, about 50 µs a message."""
        cells = [block.entries([normalised_text]) for _, block in self.blocks]
        columns, values = one_row(cells, [block.n_features for _, block in self.blocks])
        flag_of = self._red_flag_of_column()
        flags = tuple(flag_of[column] for column in cells[-1].columns.tolist() if flag_of[column])
        return self._softmax((self.coef[:, columns] @ values)[None, :]), [flags]

    def _softmax(self, linear_scores: np.ndarray) -> np.ndarray:
        scores = self.inverse_temperature * (linear_scores + self.intercept)
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        return scores / scores.sum(axis=1, keepdims=True)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.light(normalise_all(list(texts)))[0]

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.classes_, dtype=object)[self.predict_proba(texts).argmax(axis=1)]

    @property
    def normal_index_(self) -> int:
        return self.classes_.index(NORMAL)

    @property
    def linear_(self) -> LinearModel:
        """The linear layer beneath the calibration, with feature names: what explanations use."""
        return LinearModel(self.classes_, self.coef, self.intercept, self.feature_names)

    # --- metadata and persistence -----------------------------------------------------------

    def get_params(self) -> dict:
        """The parameters of the :class:`ScamClassifier` this was fitted by (a retrain reuses them)."""
        return dict(self.params)

    def __getstate__(self) -> dict:
        state = {key: value for key, value in self.__dict__.items() if key != "manifest_"}
        state["coef"] = self.coef.astype(np.float16)  # half the bytes on disk; the values are float16 already
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, coef=_in_memory(state["coef"]))

    @classmethod
    def load(cls, path: str | Path, key: str | None = None) -> CompiledModel:
        """Load a saved model after checking it against its manifest (hash, library versions, and the
        signature when ``key`` is given)."""
        model, manifest = persistence.load(path, key)
        if not isinstance(model, cls):
            raise ModelError("not_a_model", path=path)
        model.manifest_ = manifest
        return model


def _in_memory(coef: np.ndarray) -> np.ndarray:
    # float32 like the feature rows, and Fortran order, so that coef.T (what feature rows are multiplied
    # by) is C-contiguous: otherwise scipy copies the whole labels × features matrix on every call.
    return np.asfortranarray(coef, dtype=np.float32)
