"""Features over normalised text: jieba words, character n-grams and red-flag signal counts.

The tokeniser is a module-level function so that a fitted pipeline pickles; jieba is loaded once
per process, with the project's fraud vocabulary (``fraud_words.txt``) added to its dictionary.
"""

from __future__ import annotations

import logging
import math
import re
from pathlib import Path

import jieba
import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .normalise import TOKEN_CHARS
from .signals import SIGNAL_IDS, signal_counts

FRAUD_WORDS_PATH = Path(__file__).with_name("fraud_words.txt")
# jieba's own split of text into blocks that it segments; everything else is punctuation or space,
# which we drop, except our typed-token characters, which are words in their own right.
_JIEBA_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+)")
_TOKEN_CHARS = frozenset(TOKEN_CHARS.values())
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


class Segmenter:
    """jieba's segmentation without HMM (``jieba.lcut(block, HMM=False)``), minus its per-call overhead.

    Same dictionary (jieba's, plus ``fraud_words.txt``), same dynamic programme, same tie-breaking;
    the log-probabilities are computed once instead of at every character. A test checks that the
    output equals jieba's on the whole corpus.
    """

    def __init__(self, tokenizer: jieba.Tokenizer):
        log_total = math.log(tokenizer.total)
        self.prefixes = tokenizer.FREQ  # every word and every prefix of a word (prefixes have frequency 0)
        self.log_probability = {word: math.log(freq) - log_total for word, freq in tokenizer.FREQ.items() if freq}
        self.unknown = -log_total

    def cut(self, block: str) -> list[str]:
        size = len(block)
        score = [0.0] * (size + 1)
        end = [0] * size
        prefixes, log_probability = self.prefixes, self.log_probability
        for start in range(size - 1, -1, -1):
            best, best_end = None, start + 1
            stop, fragment = start + 1, block[start]
            while fragment in prefixes:
                probability = log_probability.get(fragment)
                if probability is not None and (best is None or probability + score[stop] >= best):
                    best, best_end = probability + score[stop], stop
                if stop >= size:
                    break
                stop += 1
                fragment = block[start:stop]
            if best is None:
                best = self.unknown + score[start + 1]
            score[start], end[start] = best, best_end
        return self._words(block, end)

    @staticmethod
    def _words(block: str, end: list[int]) -> list[str]:
        # Like jieba, glue runs of single ASCII letters/digits into one word.
        words, letters, position = [], "", 0
        while position < len(block):
            word = block[position:end[position]]
            if len(word) == 1 and word in _ASCII_ALNUM:
                letters += word
            else:
                if letters:
                    words.append(letters)
                    letters = ""
                words.append(word)
            position = end[position]
        if letters:
            words.append(letters)
        return words


_segmenter: Segmenter | None = None


def load_jieba() -> jieba.Tokenizer:
    """A jieba tokenizer with the project's fraud vocabulary added."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.load_userdict(str(FRAUD_WORDS_PATH))
    return tokenizer


def _segment() -> Segmenter:
    global _segmenter
    if _segmenter is None:
        _segmenter = Segmenter(load_jieba())
    return _segmenter


def tokenise(text: str) -> list[str]:
    """Words of a normalised text: jieba segmentation of each block, typed tokens kept, punctuation dropped."""
    segmenter = _segment()
    words: list[str] = []
    for index, piece in enumerate(_JIEBA_BLOCK.split(text)):
        if index % 2:
            words += segmenter.cut(piece)
        else:
            words += [char for char in piece if char in _TOKEN_CHARS]
    return words


def warm_up() -> None:
    """Load the dictionary now rather than on the first message."""
    _segment()


class SignalCounts(TransformerMixin, BaseEstimator):
    """One column per red-flag signal type: log(1 + matches)."""

    def fit(self, texts, y=None):
        self.n_features_in_ = 1
        return self

    def transform(self, texts):
        counts = np.array([signal_counts(text) for text in texts], dtype=np.float64)
        return sparse.csr_matrix(np.log1p(counts))

    def get_feature_names_out(self, input_features=None):
        return np.array([f"signal:{signal_id}" for signal_id in SIGNAL_IDS], dtype=object)


def build_features() -> FeatureUnion:
    """Word TF-IDF (unigrams + bigrams), character 2–4-gram TF-IDF and signal counts, side by side."""
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(
                tokenizer=tokenise, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                min_df=2, max_df=0.5, sublinear_tf=True, dtype=np.float32,
            )),
            ("chars", TfidfVectorizer(
                analyzer="char", ngram_range=(2, 4), lowercase=False,
                min_df=2, max_df=0.5, sublinear_tf=True, dtype=np.float32,
            )),
            ("signals", SignalCounts()),
        ]
    )
