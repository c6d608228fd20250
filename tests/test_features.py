import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.blocks import WordTokenizer
from classifier.features import CharTfidfVectorizer, JiebaTfidfVectorizer, build_features, dictionary_slice, load_jieba
from classifier.normalise import TOKEN_CHARS, normalise

CORPUS = Path(__file__).parent.parent / "training_data"
WORD_JOINERS = "+#&._%-" + "".join(TOKEN_CHARS.values())


@pytest.fixture(scope="module")
def jieba_tokenizer():
    return load_jieba()


def _texts(limit=400):
    texts = []
    for path in sorted(CORPUS.glob("*.jsonl")):
        with open(path, encoding="utf-8") as handle:
            texts += [normalise(json.loads(line)["text"]) for line, _ in zip(handle, range(limit // 10))]
    return texts or ["您好，请点击链接办理退款", "刷单返利，日结佣金"]


def _jieba_words(tokenizer, text):
    # What jieba.lcut(HMM=False) gives, minus punctuation and spaces (which we drop too).
    return [w for w in tokenizer.lcut(text, HMM=False) if w[0].isalnum() or w[0] in WORD_JOINERS]


def test_tokenizer_reproduces_jieba(jieba_tokenizer):
    tokenizer = WordTokenizer(jieba_tokenizer.FREQ, jieba_tokenizer.total)
    for text in _texts():
        assert tokenizer(text) == _jieba_words(jieba_tokenizer, text), text


def test_dictionary_slice_segments_its_texts_like_jieba(jieba_tokenizer):
    texts = _texts()
    words = dictionary_slice(texts, jieba_tokenizer)
    assert len(words) < len(jieba_tokenizer.FREQ) / 5
    tokenizer = WordTokenizer(words, jieba_tokenizer.total)
    for text in texts:
        assert tokenizer(text) == _jieba_words(jieba_tokenizer, text)


def test_domain_words_stay_whole(jieba_tokenizer):
    words = WordTokenizer(jieba_tokenizer.FREQ, jieba_tokenizer.total)(normalise("请转入安全账户，配合资金核查"))
    assert "安全账户" in words and "资金核查" in words


def test_typed_tokens_are_words(jieba_tokenizer):
    words = WordTokenizer(jieba_tokenizer.FREQ, jieba_tokenizer.total)(normalise("点击 http://t.cn/abc 领取"))
    assert TOKEN_CHARS["url"] in words


def test_fitted_word_vectoriser_pickles_and_transforms_the_same():
    texts = ["刷单返利日结佣金", "安全账户资金核查", "周末一起吃饭", "刷单佣金日结"]
    vectoriser = JiebaTfidfVectorizer(min_df=1).fit(texts)
    clone = pickle.loads(pickle.dumps(vectoriser))
    assert (vectoriser.transform(texts) != clone.transform(texts)).nnz == 0
    assert "刷单" in vectoriser.vocabulary_


EDGE_CASES = ["", "   ", "a", "中", "空格\n\n  很多   的 文本", "生僻字𠀀𠀁和表情", "한국어 텍스트", "\ue000\ue001 链接 电话"]


@pytest.mark.parametrize("vectoriser_class", [JiebaTfidfVectorizer, CharTfidfVectorizer])
def test_fast_transform_equals_scikit_learn(vectoriser_class):
    texts = _texts()
    ngrams = (1, 2) if vectoriser_class is JiebaTfidfVectorizer else (2, 4)
    vectoriser = vectoriser_class(ngram_range=ngrams, min_df=2, sublinear_tf=True, dtype=np.float32).fit(texts[::2])
    unseen = texts[1::2] + EDGE_CASES
    fast, reference = vectoriser.transform(unseen), TfidfVectorizer.transform(vectoriser, unseen)
    assert fast.shape == reference.shape and fast.dtype == reference.dtype
    assert fast.nnz == reference.nnz > 0
    assert abs(fast - reference).max() == 0


def test_feature_union_names_every_block():
    texts = [normalise(t) for t in ["刷单返利日结佣金", "安全账户资金核查", "周末一起吃饭", "刷单佣金日结"]]
    features = build_features().set_params(words__min_df=1, chars__min_df=1, words__max_df=1.0, chars__max_df=1.0)
    matrix = features.fit_transform(texts)
    names = features.get_feature_names_out()
    assert matrix.shape == (4, len(names))
    assert {name.split("__")[0] for name in names} == {"words", "chars", "signals"}
