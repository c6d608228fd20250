import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from classifier.ngrams import UNKNOWN, CharSymbols, Entries, HashIndex, NgramTable, encode_words, side_by_side


def test_hash_index_finds_every_key_and_nothing_else():
    keys = np.arange(0, 30000, 3, dtype=np.int64)  # regular keys collide in a poor hash
    index = HashIndex(keys, keys * 2)
    assert (index.get(keys) == keys * 2).all()
    assert (index.get(keys + 1) == -1).all()
    assert index.get(np.zeros(0, dtype=np.int64)).shape == (0,)


def test_hash_index_answers_the_same_for_few_keys_and_after_pickling():
    keys = np.arange(0, 30000, 3, dtype=np.int64)
    index = pickle.loads(pickle.dumps(HashIndex(keys, keys * 2)))  # its bounds and sorted copy are rebuilt, not saved
    few = np.array([0, 1, 3, 29997, 29998, 2**62], dtype=np.int64)  # below SORTED_LOOKUP_MAX: binary search
    assert len(few) < HashIndex.SORTED_LOOKUP_MAX <= len(keys)
    assert index.get(few).tolist() == [0, -1, 6, 59994, -1, -1]
    assert (index.get(keys) == keys * 2).all()
    assert set(index.__getstate__()) == {"bucket_bits", "keys", "values"}


def test_empty_hash_index_finds_nothing():
    assert (HashIndex(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).get(np.array([0, 5])) == -1).all()


def _char_counts(documents, vocabulary, ngram_range):
    table = NgramTable(vocabulary, tuple, ngram_range[1])
    ids, lengths = CharSymbols(table.symbol_ids).encode(documents)
    return table.count(ids, lengths, ngram_range[0]).to_csr(table.n_features).toarray()


def test_char_counts_equal_count_vectorizer():
    training = ["刷单返利", "返利日结", "刷单日结返利刷单"]
    reference = CountVectorizer(analyzer="char", ngram_range=(2, 3), lowercase=False).fit(training)
    documents = ["刷单刷单", "", "日", "返利x日结", "无关的话"]
    expected = reference.transform(documents).toarray()
    assert (_char_counts(documents, reference.vocabulary_, (2, 3)) == expected).all()
    for document, row in zip(documents, expected):  # one document at a time takes a shorter path
        assert (_char_counts([document], reference.vocabulary_, (2, 3)) == row).all()


def test_ngrams_never_cross_documents_or_unknown_symbols():
    vocabulary = {"ab": 0, "abc": 1}
    counts = _char_counts(["a", "bc", "aXbc", "abc"], vocabulary, (2, 3))
    assert counts.tolist() == [[0, 0], [0, 0], [0, 0], [1, 1]]


def test_word_counts_use_bigrams_of_known_words():
    vocabulary = {"安全": 0, "账户": 1, "安全 账户": 2}
    table = NgramTable(vocabulary, lambda term: term.split(" "), 2)
    ids, lengths = encode_words([["安全", "账户"], ["安全", "的", "账户"], []], table.symbol_ids)
    assert ids.tolist().count(UNKNOWN) == 1
    assert table.count(ids, lengths, 1).to_csr(table.n_features).toarray().tolist() == [[1, 1, 1], [1, 1, 0], [0, 0, 0]]


def test_too_many_symbols_for_64_bit_keys_is_refused():
    vocabulary = {chr(0x4E00 + i) * 5: i for i in range(5000)}  # 5000 symbols → 13 bits × 5 = 65
    with pytest.raises(ValueError, match="64-bit"):
        NgramTable(vocabulary, tuple, 5)


def test_blocks_side_by_side_equal_scipy_hstack():
    rng = np.random.default_rng(0)
    blocks, widths = [], [5, 1, 7]
    for width in widths:
        dense = (rng.random((4, width)) < 0.4) * rng.random((4, width)).astype(np.float32)
        documents, columns = np.nonzero(dense)
        blocks.append(Entries(documents, columns, dense[documents, columns], 4))
    expected = sparse.hstack([block.to_csr(width) for block, width in zip(blocks, widths)], format="csr")
    combined = side_by_side(blocks, widths)
    assert combined.has_sorted_indices and (combined != expected).nnz == 0
