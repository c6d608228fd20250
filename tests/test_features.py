import json
import re
import pickle
from pathlib import Path

import pytest

from classifier.features import JiebaTfidfVectorizer, Segmenter, WordTokenizer, build_features, load_jieba, split_words
from classifier.normalise import TOKEN_CHARS, normalise

CORPUS = Path(__file__).parent.parent / "training_data"
JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")  # jieba's own re_han_default


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
    return [w for w in tokenizer.lcut(text, HMM=False) if JIEBA_BLOCK.fullmatch(w) or w in TOKEN_CHARS.values()]


def test_segmenter_reproduces_jieba(jieba_tokenizer):
    segmenter = Segmenter(jieba_tokenizer.FREQ, jieba_tokenizer.total)
    for text in _texts():
        assert split_words(text, segmenter) == _jieba_words(jieba_tokenizer, text), text


def test_pruned_dictionary_segments_its_texts_like_jieba(jieba_tokenizer):
    texts = _texts()
    pruned = Segmenter(Segmenter.vocabulary_of(texts, jieba_tokenizer), jieba_tokenizer.total)
    assert len(pruned.prefixes) < len(jieba_tokenizer.FREQ) / 5
    for text in texts:
        assert split_words(text, pruned) == _jieba_words(jieba_tokenizer, text)


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


def test_feature_union_names_every_block():
    texts = [normalise(t) for t in ["刷单返利日结佣金", "安全账户资金核查", "周末一起吃饭", "刷单佣金日结"]]
    features = build_features().set_params(words__min_df=1, chars__min_df=1, words__max_df=1.0, chars__max_df=1.0)
    matrix = features.fit_transform(texts)
    names = features.get_feature_names_out()
    assert matrix.shape == (4, len(names))
    assert {name.split("__")[0] for name in names} == {"words", "chars", "signals"}
