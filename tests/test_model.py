"""The estimator: fit, probabilities, labels, the linear layer, and what fit refuses."""

import numpy as np
import pytest

from classifier import CompiledModel, InputError, ScamClassifier
from classifier.model import EXAMPLE_MAX_CHARS, example_sample
from classifier.normalise import normalise, normalise_all

POLICE = "我是公安局的警官，你涉嫌洗钱，请把钱转入安全账户配合核查，不要告诉家人。"


def test_probabilities_are_a_distribution_over_the_labels(small_model, corpus):
    probabilities = small_model.predict_proba([POLICE, "你好"])
    assert probabilities.shape == (2, len({row["label"] for row in corpus}))
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert small_model.classes_ == sorted({row["label"] for row in corpus})


def test_predict_gives_the_most_probable_label(small_model):
    labels = small_model.predict([POLICE, "周末回家吃饭，妈妈做了红烧肉"])
    assert list(labels) == ["impersonate_police", "normal"]


def test_features_then_probabilities_equal_the_pipeline(small_model):
    rows = small_model.compiled_.features([normalise(POLICE)])
    assert np.allclose(small_model.compiled_.predict_proba_features(rows), small_model.predict_proba([POLICE]))


def test_linear_layer_gives_the_scores_beneath_the_calibration(small_model):
    linear = small_model.compiled_.linear_
    row = small_model.compiled_.features([normalise(POLICE)]).toarray()[0]
    scores = linear.intercept + linear.coef @ row
    assert small_model.classes_[int(np.argmax(scores))] == "impersonate_police"


def test_an_unsaved_model_has_no_version_or_metrics(corpus):
    model = ScamClassifier(calibration_folds=2).fit([row["text"] for row in corpus], [row["label"] for row in corpus])
    assert model.version == "unsaved" and model.metrics == {}


def test_fit_refuses_unknown_labels():
    with pytest.raises(InputError, match="not in the typology"):
        ScamClassifier().fit(["a message", "another one"], ["normal", "phishing"])


@pytest.mark.parametrize("texts, labels, code", [
    (["一条信息", ""], ["normal", "loan"], "empty_text"),
    (["一条信息", 3], ["normal", "loan"], "not_text"),
    (["一条信息", "另一条"], ["normal"], "length_mismatch"),
    (["一条信息", "另一条"], ["loan", "loan"], "too_few_labels"),
])
def test_fit_refuses_unusable_training_data(texts, labels, code):
    with pytest.raises(InputError) as caught:
        ScamClassifier().fit(texts, labels)
    assert caught.value.code == code


def test_the_linear_svm_variant_without_context_cues_gives_probabilities(corpus):
    model = ScamClassifier(calibration_folds=2, linear="svm", C=0.3, char_ngram_range=(1, 4), context_cues=False)
    model.fit([row["text"] for row in corpus], [row["label"] for row in corpus])
    assert np.allclose(model.predict_proba([POLICE]).sum(), 1.0) and model.predict([POLICE])[0] == "impersonate_police"
    names = list(model.compiled_.feature_names)
    assert "signals__signal:warning_language" not in names and "chars__警" in names  # 1-grams now


def test_the_compiled_model_computes_what_the_scikit_learn_pipeline_does(small_model, corpus):
    texts = [row["text"] for row in corpus] + ["", "   ", "a", "转账" * 500]
    union = small_model.pipeline_.named_steps["features"].transform(normalise_all(texts))
    compiled = small_model.compiled_.features(normalise_all(texts))
    assert (compiled != union).nnz == 0
    one_by_one = [small_model.compiled_.features(normalise_all([text])) for text in texts[::7]]
    assert all((row != compiled[index * 7]).nnz == 0 for index, row in enumerate(one_by_one))
    # The compiled weights are rounded to float16, as they are saved; the pipeline keeps float64.
    assert np.allclose(small_model.predict_proba(texts), small_model.pipeline_.predict_proba(texts), rtol=0, atol=2e-3)
    assert list(small_model.predict(texts)) == list(small_model.pipeline_.predict(texts))


def test_one_message_alone_gets_the_probabilities_and_red_flags_it_gets_in_a_batch(small_model, corpus):
    texts = normalise_all([row["text"] for row in corpus][::5] + ["a", "转账" * 500])
    compiled = small_model.compiled_
    batch_probabilities, batch_flags = compiled.light(texts)  # through the CSR matrix
    alone = [compiled.light([text]) for text in texts]  # straight from the blocks' cells
    assert np.allclose(np.vstack([probabilities for probabilities, _ in alone]), batch_probabilities, rtol=0, atol=1e-5)
    assert [flags[0] for _, flags in alone] == batch_flags
    assert any(batch_flags)


def test_a_loaded_model_predicts_exactly_what_the_fitted_one_did(small_model, corpus, tmp_path):
    import copy

    texts = [row["text"] for row in corpus[:40]]
    model = copy.deepcopy(small_model)
    model.save(tmp_path / "model.joblib")
    loaded = CompiledModel.load(tmp_path / "model.joblib")
    np.testing.assert_array_equal(model.predict_proba(texts), loaded.predict_proba(texts))
    assert loaded.version == model.version and loaded.get_params() == model.get_params()


def test_loading_a_model_to_predict_never_imports_scikit_learn(saved_model):
    import subprocess
    import sys

    script = (f"import sys, classifier; d = classifier.Detector.load({str(saved_model)!r}); "
              "d.classify('您的账户存在异常，请点击链接验证', explain=True); "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'pandas', 'jieba')))")
    imported = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert imported.strip() == "[]"


def test_similar_examples_are_a_fixed_sample_of_short_messages():
    texts = ["短" * 10] * 6 + ["长" * (EXAMPLE_MAX_CHARS + 1)] * 2 + ["短信"] * 3
    labels = ["loan"] * 8 + ["normal"] * 3
    chosen = example_sample(texts, labels, per_label=4)
    assert chosen == example_sample(texts, labels, per_label=4)
    assert [labels[i] for i in chosen].count("loan") == 4 and [labels[i] for i in chosen].count("normal") == 3
    assert all(len(texts[i]) <= EXAMPLE_MAX_CHARS for i in chosen)


def test_calibration_holds_out_whole_slices_unless_a_label_would_go_missing(corpus):
    texts, labels = [row["text"] for row in corpus], [row["label"] for row in corpus]
    model = ScamClassifier(calibration_folds=2)
    spread = [f"slice{index % 4}" for index in range(len(texts))]
    folds = model.calibration_split(texts, labels, spread)
    assert len(folds) == 2 and all({spread[i] for i in train}.isdisjoint(spread[i] for i in test) for train, test in folds)
    # One label only in its own slice: a grouped fold would train without it.
    alone = [label if label == labels[0] else group for label, group in zip(labels, spread)]
    assert model.calibration_split(texts, labels, alone) is None
    assert model.calibration_split(texts, labels, ["one", "two"] * (len(texts) // 2) + ["one"] * (len(texts) % 2)) is not None
