"""Features over normalised text: jieba words, character n-grams and red-flag signal counts.

jieba (with the project's fraud vocabulary, ``fraud_words.txt``) is read once, at training time;
the fitted word vectoriser keeps the slice of its dictionary that the corpus uses and segments
with jieba-rs (``rjieba``, the same algorithm compiled), which it rebuilds from that slice on load.
Each fitted vectoriser keeps what transforming needs in a block of :mod:`classifier.blocks`
(scikit-learn-free), which counts n-grams with :mod:`classifier.ngrams`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from .blocks import CharEncoder, PinyinTokenizer, SignalBlock, TfidfBlock, WordEncoder, WordTokenizer
from .ngrams import NgramTable
from .signals import RED_FLAG_IDS, SIGNAL_IDS

if TYPE_CHECKING:
    import jieba

FRAUD_WORDS_PATH = Path(__file__).with_name("fraud_words.txt")


def load_jieba() -> jieba.Tokenizer:
    """jieba's tokenizer with the project's fraud vocabulary added (used at training time only)."""
    import jieba  # 0.1 s of imports that screening and serving never need

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with open(FRAUD_WORDS_PATH, "rb") as words:  # jieba leaves a path it opened itself unclosed
        tokenizer.load_userdict(words)
    return tokenizer


def dictionary_slice(texts, tokenizer: jieba.Tokenizer) -> dict[str, int]:
    """The words of jieba's dictionary that occur in ``texts``: all that segmenting them can use.

    The dynamic programme only scores dictionary words found in the text, so segmenting ``texts``
    with this slice (and the full total) gives exactly what the full dictionary gives.
    """
    frequencies = tokenizer.FREQ  # every word, and every prefix of a word with frequency 0
    kept: dict[str, int] = {}
    for text in texts:
        for run in text.split():
            for start in range(len(run)):
                stop = start + 1
                while stop <= len(run) and (fragment := run[start:stop]) in frequencies:
                    if frequencies[fragment]:
                        kept[fragment] = frequencies[fragment]
                    stop += 1
    return kept


class _NgramCountingMixin:
    """``transform`` through a :class:`~classifier.blocks.TfidfBlock` built at fit time (``block_``): the
    same matrix as scikit-learn's, with the n-grams counted in numpy, and all a saved model keeps."""

    def fit_transform(self, raw_documents, y=None):
        matrix = super().fit_transform(raw_documents, y)
        table = NgramTable(self.vocabulary_, self._symbols_of_term, self.ngram_range[1])
        self.block_ = TfidfBlock(self._encoder(table), table, self.ngram_range[0], self.idf_, self.sublinear_tf, self.dtype)
        # scikit-learn caches id(stop_words) here; an object address would make the pickle differ per run.
        self.__dict__.pop("_stop_words_id", None)
        return matrix

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents, y)
        return self

    def transform(self, raw_documents):
        check_is_fitted(self, "block_")
        return self.block_.transform(raw_documents)


class JiebaTfidfVectorizer(_NgramCountingMixin, TfidfVectorizer):
    """TF-IDF over jieba words. ``fit`` keeps the part of jieba's dictionary the corpus uses
    (``dictionary_``), so a loaded model segments without jieba's 350k-word dictionary.
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
        self.dictionary_ = WordTokenizer(dictionary_slice(raw_documents, jieba_tokenizer), jieba_tokenizer.total)
        return super().fit_transform(raw_documents, y)

    def build_tokenizer(self):
        return self.dictionary_

    @staticmethod
    def _symbols_of_term(term: str) -> list[str]:
        return term.split(" ")  # words never contain spaces

    def _encoder(self, table):
        return WordEncoder(self.dictionary_)


class CharTfidfVectorizer(_NgramCountingMixin, TfidfVectorizer):
    """TF-IDF over character n-grams (scikit-learn's ``analyzer="char"``, counted faster)."""

    def __init__(self, *, ngram_range=(1, 1), min_df=1, max_df=1.0, sublinear_tf=False, dtype=np.float64):
        super().__init__(
            analyzer="char", ngram_range=ngram_range, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf,
            dtype=dtype, lowercase=False,
        )

    _symbols_of_term = staticmethod(tuple)

    def _encoder(self, table):
        return CharEncoder(table)


def syllable_map() -> dict[str, str]:
    """Every common Chinese character (U+4E00–U+9FFF) → its first toneless pinyin reading (training only)."""
    from pypinyin import Style, lazy_pinyin  # pypinyin is needed to train, never to predict

    characters = [chr(code) for code in range(0x4E00, 0xA000)]
    readings = lazy_pinyin(characters, style=Style.NORMAL, errors=lambda chars: [""] * len(chars))
    return {char: reading for char, reading in zip(characters, readings) if reading.isascii() and reading.isalpha()}


class PinyinTfidfVectorizer(_NgramCountingMixin, TfidfVectorizer):
    """TF-IDF over n-grams of pinyin syllables (see :class:`PinyinTokenizer`)."""

    def __init__(self, *, ngram_range=(2, 3), min_df=1, max_df=1.0, sublinear_tf=False, dtype=np.float64):
        super().__init__(
            ngram_range=ngram_range, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf, dtype=dtype,
            lowercase=False, token_pattern=None,
        )

    def fit_transform(self, raw_documents, y=None):
        self.pinyin_ = PinyinTokenizer(syllable_map())
        return super().fit_transform(raw_documents, y)

    def build_tokenizer(self):
        return self.pinyin_

    @staticmethod
    def _symbols_of_term(term: str) -> list[str]:
        return term.split(" ")

    def _encoder(self, table):
        return WordEncoder(self.pinyin_)


class SignalCounts(TransformerMixin, BaseEstimator):
    """One column per red-flag signal type (and, with ``context_cues``, per context cue): log(1 + matches)."""

    def __init__(self, context_cues: bool = True):
        self.context_cues = context_cues

    def fit(self, texts, y=None):
        self.n_features_in_ = 1
        self.block_ = SignalBlock(self._columns())
        return self

    def _columns(self) -> list[int]:
        return [index for index, signal_id in enumerate(SIGNAL_IDS) if self.context_cues or signal_id in RED_FLAG_IDS]

    def transform(self, texts):
        check_is_fitted(self, "block_")
        return self.block_.transform(texts)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"signal:{SIGNAL_IDS[index]}" for index in self._columns()], dtype=object)


def build_features(char_ngram_range: tuple[int, int] = (2, 4), context_cues: bool = True, pinyin: bool = False,
                   min_df: tuple[int, int] = (2, 3)) -> FeatureUnion:
    """Word TF-IDF (unigrams + bigrams), character n-gram TF-IDF, optionally pinyin-syllable TF-IDF, and
    signal counts, side by side. The word block comes first (similar examples use it). ``min_df`` is in how
    many training messages a word n-gram and a character n-gram must occur to become a feature."""
    word_min_df, char_min_df = min_df
    blocks = [
        ("words", JiebaTfidfVectorizer(ngram_range=(1, 2), min_df=word_min_df, max_df=0.5, sublinear_tf=True, dtype=np.float32)),
        ("chars", CharTfidfVectorizer(ngram_range=char_ngram_range, min_df=char_min_df, max_df=0.5, sublinear_tf=True,
                                      dtype=np.float32)),
    ]
    if pinyin:
        blocks.append(("pinyin", PinyinTfidfVectorizer(ngram_range=(2, 3), min_df=char_min_df, max_df=0.5, sublinear_tf=True,
                                                        dtype=np.float32)))
    return FeatureUnion([*blocks, ("signals", SignalCounts(context_cues))])
