"""Counting the n-grams of a fitted vocabulary with numpy instead of one dict lookup per n-gram.

scikit-learn's ``CountVectorizer.transform`` builds every n-gram as a Python string and looks it up
in ``vocabulary_``: about 300 lookups for a 100-character message, most of the cost of screening.
Here each symbol (a character, or a word) becomes a small integer, each n-gram of symbols becomes
one int64 (the symbol ids packed side by side), and a whole batch of keys is looked up at once
in a hash table held in numpy arrays (:class:`HashIndex`). The counts are the same matrix that
``CountVectorizer`` gives; a test checks it on the corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from scipy import sparse

UNKNOWN = 0  # symbol id of anything outside the vocabulary; no vocabulary key contains it


class NgramTable:
    """The n-grams of a fitted vocabulary as packed integer keys, and the column of each.

    ``symbols_of(term)`` splits a vocabulary term into its symbols: ``tuple`` for character
    n-grams, ``str.split(" ")`` for word n-grams (scikit-learn joins words with a space).
    """

    def __init__(self, vocabulary: dict[str, int], symbols_of: Callable[[str], Sequence[str]], max_n: int):
        terms = list(vocabulary)
        symbols = sorted({symbol for term in terms for symbol in symbols_of(term)})
        self.symbol_ids = {symbol: index for index, symbol in enumerate(symbols, start=1)}
        self.bits = max(1, len(symbols).bit_length())
        if self.bits * max_n > 63:
            raise ValueError(f"{len(symbols)} symbols in {max_n}-grams do not fit in 64-bit keys")
        self.max_n = max_n
        self.n_features = len(vocabulary)
        keys = np.array([self._pack(symbols_of(term)) for term in terms], dtype=np.int64)
        self.columns = HashIndex(keys, np.array([vocabulary[term] for term in terms], dtype=np.int64))

    def __getstate__(self):
        return {**self.__dict__, "symbol_ids": as_arrays(self.symbol_ids)}

    def __setstate__(self, state):
        self.__dict__.update(state, symbol_ids=as_dict(*state["symbol_ids"]))

    def _pack(self, symbols: Sequence[str]) -> int:
        key = 0
        for symbol in symbols:
            key = (key << self.bits) | self.symbol_ids[symbol]
        return key

    def count(self, ids: np.ndarray, lengths: Sequence[int], min_n: int) -> Entries:
        """The vocabulary n-grams of documents whose symbol ids are laid end to end: (document, column,
        count) for each n-gram that occurs, sorted by document, then column.

        N-grams with an UNKNOWN symbol are skipped, so the first symbol of a key is never 0 and
        keys of different lengths never collide (a 3-gram key is at least ``1 << 2 * bits``,
        above every 2-gram key): the keys of all lengths are looked up at once.
        """
        lengths = np.asarray(lengths, dtype=np.int64)
        # One document (a single message, the API's case) has no boundaries to keep n-grams within and
        # no documents to tell apart: a dozen fewer numpy calls, a fifth of its counting time.
        one = len(lengths) == 1
        if not one:
            document = np.repeat(np.arange(len(lengths)), lengths)
            room = np.repeat(np.cumsum(lengths), lengths) - np.arange(len(ids))  # symbols left in the document
        ids = ids.astype(np.int64, copy=False)  # both encoders already give int64
        key, usable = ids, ids != UNKNOWN  # the n-grams starting at each position, n = 1
        known = usable
        keys, documents = [], []
        for n in range(1, min(self.max_n, len(ids)) + 1):
            if n > 1:  # an n-gram is the (n-1)-gram at the same start and one more symbol
                key = (key[:-1] << self.bits) | ids[n - 1 :]
                usable = usable[:-1] & known[n - 1 :]
                if not one:
                    usable &= room[: len(key)] >= n
            if n >= min_n:
                keys.append(key[usable])
                if not one:
                    documents.append(document[: len(key)][usable])
        if not keys:
            return Entries.empty(len(lengths))
        column = self.columns.get(np.concatenate(keys))
        in_vocabulary = column >= 0
        found = column[in_vocabulary]
        if one:
            columns, counts = np.unique(found, return_counts=True)
            return Entries(np.zeros(len(columns), dtype=np.int64), columns, counts, 1)
        # one number per (document, column) pair, in that order: unique() sorts them and counts repeats
        pairs, counts = np.unique(np.concatenate(documents)[in_vocabulary] * self.n_features + found, return_counts=True)
        return Entries(pairs // self.n_features, pairs % self.n_features, counts, len(lengths))


class Entries:
    """The non-zero cells of a documents × features matrix, sorted by document (then column within one
    block): what feature blocks produce, put side by side into one CSR matrix at the end."""

    def __init__(self, documents: np.ndarray, columns: np.ndarray, values: np.ndarray, n_documents: int):
        self.documents, self.columns, self.values, self.n_documents = documents, columns, values, n_documents

    @classmethod
    def empty(cls, n_documents: int) -> Entries:
        nothing = np.zeros(0, dtype=np.int64)
        return cls(nothing, nothing, nothing.astype(np.float32), n_documents)

    def to_csr(self, n_features: int) -> sparse.csr_matrix:
        return side_by_side([self], [n_features])


def side_by_side(blocks: Sequence[Entries], widths: Sequence[int]) -> sparse.csr_matrix:
    """One CSR matrix of the blocks' columns side by side (``sparse.hstack`` without building a matrix per
    block): each cell goes straight to its place — its row's start, the cells of earlier blocks in that
    row, and its rank within its own block's row."""
    n_documents = blocks[0].n_documents
    if n_documents == 1:
        columns, data = one_row(blocks, widths)
        indices = columns.astype(np.int32)
        return sparse.csr_matrix((data, indices, np.array([0, len(indices)], dtype=np.int32)), shape=(1, sum(widths)))
    per_row = [np.bincount(block.documents, minlength=n_documents) for block in blocks]
    indptr = np.zeros(n_documents + 1, dtype=np.int64)
    np.cumsum(np.sum(per_row, axis=0), out=indptr[1:])
    data = np.empty(indptr[-1], dtype=np.float32)
    indices = np.empty(indptr[-1], dtype=np.int32)
    before, offset = indptr[:-1].copy(), 0
    for block, counts, width in zip(blocks, per_row, widths):
        block_starts = np.cumsum(counts) - counts  # where each row's cells start within this block
        places = before[block.documents] + np.arange(len(block.documents)) - block_starts[block.documents]
        data[places], indices[places] = block.values, block.columns + offset
        before += counts
        offset += width
    return sparse.csr_matrix((data, indices, indptr.astype(np.int32)), shape=(n_documents, offset))


def one_row(blocks: Sequence[Entries], widths: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The columns and float32 values of one document's cells, the blocks side by side: each block's cells
    are in column order already, so they are laid end to end, offset by the widths of the blocks before."""
    offsets = np.cumsum([0, *widths[:-1]])
    columns = np.concatenate([block.columns + offset for block, offset in zip(blocks, offsets)])
    return columns, np.concatenate([block.values for block in blocks]).astype(np.float32, copy=False)


class Terms:
    """Many short strings (feature names) kept as one string and the end of each: a few MB where a
    list of 370,000 Python strings takes about 40."""

    def __init__(self, terms):
        terms = list(terms)
        self.joined = "".join(terms)
        self.ends = np.cumsum([len(term) for term in terms], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        start = int(self.ends[index - 1]) if index else 0
        return self.joined[start : int(self.ends[index])]

    def __iter__(self):
        start = 0
        for end in self.ends.tolist():
            yield self.joined[start:end]
            start = end


def as_arrays(mapping: dict) -> tuple[Terms, np.ndarray]:
    """A dict of string keys as (:class:`Terms`, values array): joblib unpickles a dict one entry at a
    time in Python, a string or an array in one read."""
    return Terms(mapping), np.array(list(mapping.values()))


def as_dict(keys: Terms, values: np.ndarray) -> dict:
    return dict(zip(keys, values.tolist()))


class HashIndex:
    """int64 keys → int32 values (columns) in a hash table held in numpy arrays, looked up a whole array at a time.

    The keys are grouped by bucket (a hash of the key), and ``starts[b]`` is where bucket ``b``'s keys
    begin, so a lookup reads its bucket's bounds and compares the bucket's few keys one round at a
    time. Most queries of a batch (n-grams outside the vocabulary) land on an empty bucket and cost no
    comparison at all. For the character n-grams this takes 5 MB where open addressing at half load took
    8, and looks a batch up about a tenth faster.

    ``np.searchsorted`` over sorted keys takes about 17 scattered reads per query (2–3× slower for a
    batch), but it is one numpy call where a bucket lookup is a few a round: a few keys (one message)
    are looked up by binary search in a sorted copy. Both the bucket bounds and the sorted copy are
    derived from the keys when the table is built or loaded, and not saved.
    """

    SORTED_LOOKUP_MAX = 2048  # keys looked up by binary search below this many (measured crossover)

    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing

    def __init__(self, keys: np.ndarray, values: np.ndarray):
        self.bucket_bits = max(4, (2 * len(keys)).bit_length())  # twice as many buckets as keys
        order = np.argsort(self._bucket(keys), kind="stable")
        self.keys, self.values = keys[order].astype(np.int64), values[order].astype(np.int32)
        self._derive()

    def _derive(self) -> None:
        """The bucket bounds and the sorted copy: quick to compute from the keys, so never saved."""
        self.starts = np.zeros((1 << self.bucket_bits) + 1, dtype=np.int32)
        np.cumsum(np.bincount(self._bucket(self.keys), minlength=1 << self.bucket_bits), out=self.starts[1:])
        order = np.argsort(self.keys)
        # a sentinel past the end (the largest int64, never a key) keeps every searchsorted place readable
        self.sorted_keys = np.append(self.keys[order], np.iinfo(np.int64).max)
        self.sorted_values = np.append(self.values[order].astype(np.int64), -1)

    def __getstate__(self):
        return {"bucket_bits": self.bucket_bits, "keys": self.keys, "values": self.values}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._derive()

    def _bucket(self, keys: np.ndarray) -> np.ndarray:
        hashed = keys.astype(np.uint64) * self._MULTIPLIER  # wraps around, as a hash should
        return (hashed >> np.uint64(64 - self.bucket_bits)).astype(np.int64)

    def get(self, keys: np.ndarray) -> np.ndarray:
        """The value of each key (as int64), or -1 where the key is absent."""
        if len(keys) < self.SORTED_LOOKUP_MAX:
            place = np.searchsorted(self.sorted_keys, keys)
            return np.where(self.sorted_keys[place] == keys, self.sorted_values[place], -1)
        result = np.full(len(keys), -1, dtype=np.int64)
        buckets = self._bucket(keys)
        place, left = self.starts[buckets], self.starts[buckets + 1]
        left -= place  # keys in the bucket not compared yet
        todo = np.flatnonzero(left)
        place, left = place[todo], left[todo]
        while len(todo):  # round k compares each query with the k-th key of its bucket
            hit = self.keys[place] == keys[todo]
            result[todo[hit]] = self.values[place[hit]]
            more = ~hit & (left > 1)
            todo, place, left = todo[more], place[more] + 1, left[more] - 1
        return result


class CharSymbols:
    """Character → symbol id for a whole batch at once: a binary search among the few thousand code
    points of the vocabulary, one numpy call whatever the batch size."""

    def __init__(self, symbol_ids: dict[str, int]):
        code_points = np.array([ord(char) for char in symbol_ids], dtype=np.int64)
        order = np.argsort(code_points)
        self.code_points = np.append(code_points[order], -1)  # -1: a sentinel past the end, never a code point
        self.ids = np.append(np.array(list(symbol_ids.values()), dtype=np.int64)[order], UNKNOWN)

    def encode(self, documents: Iterable[str]) -> tuple[np.ndarray, list[int]]:
        documents = list(documents)
        joined = "".join(documents).encode("utf-32-le", "surrogatepass")
        code_points = np.frombuffer(joined, dtype=np.uint32).astype(np.int64)
        place = np.searchsorted(self.code_points[:-1], code_points)
        return np.where(self.code_points[place] == code_points, self.ids[place], UNKNOWN), [len(d) for d in documents]


def encode_words(documents: Iterable[list[str]], symbol_ids: dict[str, int]) -> tuple[np.ndarray, list[int]]:
    """Word lists → symbol ids laid end to end, and the number of words in each document."""
    ids, lengths = [], []
    get = symbol_ids.get
    for words in documents:
        ids += [get(word, UNKNOWN) for word in words]
        lengths.append(len(words))
    return np.array(ids, dtype=np.int64), lengths
