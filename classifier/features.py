"""Features over normalised text: jieba words, character n-grams and red-flag signal counts.

jieba (with the project's fraud vocabulary, ``fraud_words.txt``) is read once, at training time;
the fitted word vectoriser keeps the slice of its dictionary that the corpus uses and segments
with jieba-rs (``rjieba``, the same algorithm compiled), which it rebuilds from that slice on load.
Both TF-IDF blocks count n-grams with :mod:`classifier.ngrams` at transform time.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import rjieba
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
from sklearn.utils.validation import check_is_fitted

from .ngrams import CharSymbols, NgramTable, encode_words
from .normalise import TOKEN_CHARS
from .signals import RED_FLAG_IDS, SIGNAL_IDS, signal_counts

if TYPE_CHECKING:
    import jieba

FRAUD_WORDS_PATH = Path(__file__).with_name("fraud_words.txt")
# Punctuation and spaces come out of jieba as single-character pieces, which we drop; words start
# with a letter, a digit, one of jieba's joining characters, or one of our typed-token characters.
_WORD_JOINERS = frozenset("+#&._%-") | frozenset(TOKEN_CHARS.values())
# jieba's score of a word is log(frequency / total); the slice of the dictionary we keep must give
# rjieba the full dictionary's total, so one never-occurring entry carries the rest of the mass.
_TOTAL_FILLER = "\uf8ff"  # private use: normalisation removes it from every text
_WHITESPACE_RUNS = re.compile(r"\s\s+")
_PINYIN_PIECES = re.compile(r"[\u4e00-\u9fff]|[a-z]+")  # what scikit-learn's char analyzer collapses to one space


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
        return {"frequencies": self.frequencies, "total": self.total}

    def __setstate__(self, state):
        self.__init__(state["frequencies"], state["total"])


class _NgramCountingMixin:
    """``transform`` through an :class:`NgramTable` built at fit time: the same matrix as
    scikit-learn's, with the n-grams counted in numpy."""

    def fit_transform(self, raw_documents, y=None):
        matrix = super().fit_transform(raw_documents, y)
        self.ngram_table_ = NgramTable(self.vocabulary_, self._symbols_of_term, self.ngram_range[1])
        # scikit-learn caches id(stop_words) here; an object address would make the pickle differ per run.
        self.__dict__.pop("_stop_words_id", None)
        return matrix

    def fit(self, raw_documents, y=None):
        self.fit_transform(raw_documents, y)
        return self

    def transform(self, raw_documents):
        check_is_fitted(self, "ngram_table_")
        ids, lengths = self._encode(raw_documents)
        return self._weigh(self.ngram_table_.count(ids, lengths, self.ngram_range[0], dtype=self.dtype))

    def _weigh(self, counts):
        """``TfidfTransformer.transform``'s arithmetic (sublinear tf, idf, l2 norm) without its input
        validation, which costs about 0.4 ms a call: most of the time for a single message."""
        if self.sublinear_tf:
            np.log(counts.data, out=counts.data)
            counts.data += 1.0
        counts.data *= self.idf_[counts.indices]
        inplace_csr_row_normalize_l2(counts)
        return counts


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

    def _encode(self, documents):
        return encode_words(map(self.dictionary_, documents), self.ngram_table_.symbol_ids)


class CharTfidfVectorizer(_NgramCountingMixin, TfidfVectorizer):
    """TF-IDF over character n-grams (scikit-learn's ``analyzer="char"``, counted faster)."""

    def __init__(self, *, ngram_range=(1, 1), min_df=1, max_df=1.0, sublinear_tf=False, dtype=np.float64):
        super().__init__(
            analyzer="char", ngram_range=ngram_range, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf,
            dtype=dtype, lowercase=False,
        )

    def fit_transform(self, raw_documents, y=None):
        matrix = super().fit_transform(raw_documents, y)
        self.char_symbols_ = CharSymbols(self.ngram_table_.symbol_ids)
        return matrix

    _symbols_of_term = staticmethod(tuple)

    def _encode(self, documents):
        return self.char_symbols_.encode(_WHITESPACE_RUNS.sub(" ", document) for document in documents)


class PinyinTokenizer:
    """Text → toneless pinyin syllables, so that homophones and pinyin typed inside Chinese words share
    features (唰单 and 刷单 are both ``shua dan``, 贷kuan and 贷款 both ``dai kuan``). Latin runs that split
    wholly into syllables are read as pinyin; other runs (vx, app) stay one token. Picklable: a dict."""

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
        return {"syllable_of": self.syllable_of}

    def __setstate__(self, state):
        self.__init__(state["syllable_of"])


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

    def _encode(self, documents):
        return encode_words(map(self.pinyin_, documents), self.ngram_table_.symbol_ids)


class SignalCounts(TransformerMixin, BaseEstimator):
    """One column per red-flag signal type (and, with ``context_cues``, per context cue): log(1 + matches)."""

    def __init__(self, context_cues: bool = True):
        self.context_cues = context_cues

    def fit(self, texts, y=None):
        self.n_features_in_ = 1
        return self

    def _columns(self) -> list[int]:
        return [index for index, signal_id in enumerate(SIGNAL_IDS) if self.context_cues or signal_id in RED_FLAG_IDS]

    def transform(self, texts):
        counts = np.array([signal_counts(text) for text in texts], dtype=np.float64).reshape(len(texts), -1)
        return sparse.csr_matrix(np.log1p(counts[:, self._columns()]).astype(np.float32))  # like the TF-IDF blocks

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
