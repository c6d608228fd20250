"""Fitted feature blocks reduced to what transforming text needs, without scikit-learn.

The vectorisers in :mod:`classifier.features` are scikit-learn estimators, used to fit. Each keeps
its fitted state in one of these blocks, and a saved model holds only the blocks (see
:mod:`classifier.runtime`): loading a model to predict imports numpy, SciPy's sparse matrices and
jieba-rs, never scikit-learn, which alone takes longer to import (1.4 s) than a CLI verdict may.

Large tables are pickled as numpy arrays rather than dicts: joblib unpickles dicts in Python, one
entry at a time, and arrays in one read.
"""

from __future__ import annotations

import re

import numpy as np
import rjieba
from scipy import sparse

from .ngrams import CharSymbols, Entries, NgramTable, as_arrays, as_dict, encode_words
from .normalise import TOKEN_CHARS
from .signals import signal_counts

# Punctuation and spaces come out of jieba as single-character pieces, which we drop; words start
# with a letter, a digit, one of jieba's joining characters, or one of our typed-token characters.
_WORD_JOINERS = frozenset("+#&._%-") | frozenset(TOKEN_CHARS.values())
# jieba's score of a word is log(frequency / total); the slice of the dictionary we keep must give
# rjieba the full dictionary's total, so one never-occurring entry carries the rest of the mass.
_TOTAL_FILLER = "\uf8ff"  # private use: normalisation removes it from every text
_WHITESPACE_RUNS = re.compile(r"\s\s+")  # scikit-learn's char analyzer collapses them to one space
_PINYIN_PIECES = re.compile(r"[\u4e00-\u9fff]|[a-z]+")


class WordTokenizer:
    """jieba segmentation without HMM over a dictionary slice; picklable (rebuilt from the slice)."""

    def __init__(self, frequencies: dict[str, int], total: int):
        self.frequencies, self.total = frequencies, total
        self._jieba = rjieba.Jieba.empty()
        for word, frequency in frequencies.items():
            if frequency > 0:
                self._jieba.add_word(word, frequency, None)
        rest = total - sum(frequency for frequency in frequencies.values() if frequency > 0)
        if rest > 0:
            self._jieba.add_word(_TOTAL_FILLER, rest, None)

    def __call__(self, text: str) -> list[str]:
        return [word for word in self._jieba.cut(text, False) if word[0].isalnum() or word[0] in _WORD_JOINERS]

    def __getstate__(self):
        return {"words": as_arrays(self.frequencies), "total": self.total}

    def __setstate__(self, state):
        self.__init__(as_dict(*state["words"]), state["total"])


class PinyinTokenizer:
    """Text → toneless pinyin syllables, so that homophones and pinyin typed inside Chinese words share
    features (唰单 and 刷单 are both ``shua dan``, 贷kuan and 贷款 both ``dai kuan``). Latin runs that split
    wholly into syllables are read as pinyin; other runs (vx, app) stay one token."""

    def __init__(self, syllable_of: dict[str, str]):
        self.syllable_of = syllable_of
        self.syllables = frozenset(syllable_of.values())

    def __call__(self, text: str) -> list[str]:
        out: list[str] = []
        for run in _PINYIN_PIECES.findall(text):
            syllable = self.syllable_of.get(run)
            if syllable:
                out.append(syllable)
            elif run.isascii():
                out += self._split(run) or [run]
        return out

    def _split(self, run: str) -> list[str]:
        """The run as pinyin syllables, longest first, or [] if it is not pinyin."""
        pieces, start = [], 0
        while start < len(run):
            for stop in range(min(len(run), start + 6), start, -1):
                if run[start:stop] in self.syllables:
                    pieces.append(run[start:stop])
                    start = stop
                    break
            else:
                return []
        return pieces

    def __getstate__(self):
        return {"syllables": as_arrays(self.syllable_of)}

    def __setstate__(self, state):
        self.__init__(as_dict(*state["syllables"]))


class WordEncoder:
    """Documents → the table's word symbol ids laid end to end (other words become UNKNOWN)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def encode(self, documents, table: NgramTable) -> tuple[np.ndarray, list[int]]:
        return encode_words(map(self.tokenizer, documents), table.symbol_ids)


class CharEncoder:
    """Documents → character symbol ids, after scikit-learn's char analyzer's whitespace collapsing."""

    def __init__(self, table: NgramTable):
        self.symbols = CharSymbols(table.symbol_ids)

    def encode(self, documents, table: NgramTable) -> tuple[np.ndarray, list[int]]:
        return self.symbols.encode(_WHITESPACE_RUNS.sub(" ", document) for document in documents)


class TfidfBlock:
    """A fitted TF-IDF vectoriser's transform: encode, count the vocabulary's n-grams, weigh.

    The weighing is ``TfidfTransformer.transform``'s arithmetic (sublinear tf, idf, l2 norm) without
    its input validation, which costs about 0.4 ms a call: most of the time for a single message.
    """

    def __init__(self, encoder, table: NgramTable, min_n: int, idf: np.ndarray, sublinear_tf: bool, dtype=np.float32):
        self.encoder, self.table, self.min_n = encoder, table, min_n
        self.idf, self.sublinear_tf, self.dtype = np.asarray(idf, dtype=dtype), sublinear_tf, dtype

    @property
    def n_features(self) -> int:
        return self.table.n_features

    def entries(self, documents) -> Entries:
        ids, lengths = self.encoder.encode(documents, self.table)
        counted = self.table.count(ids, lengths, self.min_n)
        values = counted.values.astype(self.dtype)
        if self.sublinear_tf:
            np.log(values, out=values)
            values += 1.0
        values *= self.idf[counted.columns]
        counted.values = unit_rows(counted.documents, values, counted.n_documents)
        return counted

    def transform(self, documents) -> sparse.csr_matrix:
        return self.entries(documents).to_csr(self.n_features)


class SignalBlock:
    """One column per chosen signal type: log(1 + matches) (see :func:`classifier.signals.signal_counts`)."""

    def __init__(self, columns: list[int]):
        self.columns = list(columns)

    @property
    def n_features(self) -> int:
        return len(self.columns)

    def entries(self, texts) -> Entries:
        counts = np.array([signal_counts(text) for text in texts], dtype=np.float64).reshape(len(texts), -1)
        values = np.log1p(counts[:, self.columns]).astype(np.float32)  # like the TF-IDF blocks
        documents, columns = np.nonzero(values)  # row by row, columns in order
        return Entries(documents, columns, values[documents, columns], len(texts))

    def transform(self, texts) -> sparse.csr_matrix:
        return self.entries(texts).to_csr(self.n_features)


def unit_rows(documents: np.ndarray, values: np.ndarray, n_documents: int) -> np.ndarray:
    """``values`` scaled to unit l2 norm per document (rows of zeros stay zeros), with the rounding of
    scikit-learn's ``normalize``: squares in the values' precision, sums and division in double."""
    norms = np.sqrt(np.bincount(documents, weights=values * values, minlength=n_documents))
    norms[norms == 0.0] = 1.0
    return (values / norms[documents]).astype(values.dtype)


def normalise_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Scale each row of a CSR matrix to unit l2 norm in place (see :func:`unit_rows`)."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    matrix.data[:] = unit_rows(rows, matrix.data, matrix.shape[0])
    return matrix
