"""Features over normalised text: jieba words, character n-grams and red-flag signal counts.

jieba (with the project's fraud vocabulary, ``fraud_words.txt``) is loaded once, at training time;
the fitted word vectoriser keeps the slice of its dictionary that it needs and pickles with it.
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

    def __init__(self, frequencies: dict[str, int], total: int):
        log_total = math.log(total)
        self.prefixes = frequencies  # every word and every prefix of a word (prefixes have frequency 0)
        self.log_probability = {word: math.log(freq) - log_total for word, freq in frequencies.items() if freq}
        self.unknown = -log_total

    @staticmethod
    def vocabulary_of(texts, tokenizer: jieba.Tokenizer) -> dict[str, int]:
        """The part of jieba's dictionary that segmentation of ``texts`` can ever look at.

        Segmenting any of ``texts`` with this subset gives exactly what the full dictionary gives,
        because the dynamic programme only consults words (and prefixes) that occur in the text.
        """
        frequencies = tokenizer.FREQ
        kept: dict[str, int] = {}
        for text in texts:
            for block in _JIEBA_BLOCK.findall(text):
                for start in range(len(block)):
                    stop = start + 1
                    while stop <= len(block) and (fragment := block[start:stop]) in frequencies:
                        kept[fragment] = frequencies[fragment]
                        stop += 1
        return kept

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


def load_jieba() -> jieba.Tokenizer:
    """jieba's tokenizer with the project's fraud vocabulary added (used at training time only)."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with open(FRAUD_WORDS_PATH, "rb") as words:  # jieba leaves a path it opened itself unclosed
        tokenizer.load_userdict(words)
    return tokenizer


def split_words(text: str, segmenter: Segmenter) -> list[str]:
    """Words of a normalised text: segmentation of each jieba block, typed tokens kept, punctuation dropped."""
    words: list[str] = []
    for index, piece in enumerate(_JIEBA_BLOCK.split(text)):
        if index % 2:
            words += segmenter.cut(piece)
        else:
            words += [char for char in piece if char in _TOKEN_CHARS]
    return words


class WordTokenizer:
    """Picklable tokenizer holding its own (fitted) slice of jieba's dictionary."""

    def __init__(self, frequencies: dict[str, int], total: int):
        self.frequencies, self.total = frequencies, total
        self._segmenter = Segmenter(frequencies, total)

    def __call__(self, text: str) -> list[str]:
        return split_words(text, self._segmenter)

    def __getstate__(self):
        return {"frequencies": self.frequencies, "total": self.total}

    def __setstate__(self, state):
        self.__init__(state["frequencies"], state["total"])


class JiebaTfidfVectorizer(TfidfVectorizer):
    """TF-IDF over jieba words. ``fit`` keeps the part of jieba's dictionary the corpus uses
    (``dictionary_``), so a loaded model segments without loading jieba's 580k-entry dictionary.
    On training text the segmentation is exactly jieba's (``lcut(HMM=False)``); on new text,
    words that never occur in the corpus fall apart into characters, which is harmless because
    such words have no feature anyway."""

    def __init__(self, *, ngram_range=(1, 1), min_df=1, max_df=1.0, sublinear_tf=False, dtype=np.float64):
        super().__init__(
            ngram_range=ngram_range, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf, dtype=dtype,
            lowercase=False, token_pattern=None,
        )

    def fit_transform(self, raw_documents, y=None):
        raw_documents = list(raw_documents)
        jieba_tokenizer = load_jieba()
        self.dictionary_ = WordTokenizer(Segmenter.vocabulary_of(raw_documents, jieba_tokenizer), jieba_tokenizer.total)
        return super().fit_transform(raw_documents, y)

    def build_tokenizer(self):
        return self.dictionary_

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents, y)
        return self


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
            ("words", JiebaTfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.5, sublinear_tf=True, dtype=np.float32)),
            ("chars", TfidfVectorizer(
                analyzer="char", ngram_range=(2, 4), lowercase=False,
                min_df=3, max_df=0.5, sublinear_tf=True, dtype=np.float32,
            )),
            ("signals", SignalCounts()),
        ]
    )
