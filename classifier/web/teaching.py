"""The teaching pages: the typology, one type, a printable card, two types compared, and a quiz.

A teacher can run a class from these alone: every type with its script, red flags, advice and textbook
examples beside genuine look-alikes (with the sources cited), a one-page card to print, and a quiz whose
link (``/quiz?types=loan,credit_repair&n=8``) gives the whole class the same questions. No JavaScript.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from classifier import compare_types, examples_for, learned_words, questions, quiz, teachable
from classifier.errors import InputError

from .context import get_detector, known_category, report

bp = Blueprint("teaching", __name__)
DEFAULT_QUESTIONS, MAX_QUESTIONS = 10, 30


def section(category) -> dict:
    model = get_detector().model
    return {"category": category, "corpus_examples": examples_for(model, category.id, 2),
            "words": learned_words(model, category.id, 12)}


@bp.get("/typology")
def typology():
    sections = [section(category) for category in get_detector().typology.categories]
    return render_template("typology.html", sections=sections, confusion_matrix=report("confusion_matrix.png") is not None)


@bp.get("/typology/<category_id>")
def category(category_id: str):
    return render_template("category.html", section=section(known_category(category_id)))


@bp.get("/typology/<category_id>/card")
def card(category_id: str):
    category = known_category(category_id)
    if not category.is_fraud:
        raise InputError("unknown_category", id=category_id)
    return render_template("card.html", c=category)


@bp.get("/typology/compare")
def compare():
    detector = get_detector()
    types = teachable(detector.typology)
    first, second = request.args.get("a", ""), request.args.get("b", "")
    if not first and not second:
        return render_template("compare.html", types=types, comparison=None)
    known_category(first), known_category(second)
    return render_template("compare.html", types=types, comparison=compare_types(detector.typology, detector.model, first, second))


def _chosen_types() -> list[str]:
    ids = [part for part in request.args.get("types", "").split(",") if part]
    for category_id in ids:
        known_category(category_id)
    return ids


def _count() -> int:
    try:
        return max(2, min(MAX_QUESTIONS, int(request.args.get("n", DEFAULT_QUESTIONS))))
    except ValueError:
        return DEFAULT_QUESTIONS


@bp.get("/quiz")
def quiz_page():
    detector = get_detector()
    chosen = _chosen_types()
    return render_template("quiz.html", questions=quiz(detector.typology, chosen, _count()), chosen=chosen,
                           types=teachable(detector.typology), graded=None)


@bp.post("/quiz")
def quiz_answers():
    detector = get_detector()
    every = questions(detector.typology)
    asked = [every[qid] for qid in request.form.getlist("q") if qid in every]
    graded = []
    for question in asked:
        answer = request.form.get(f"a-{question.id}")
        prediction = detector.classify(question.text, explain=True).to_dict()
        graded.append({"question": question, "answer": answer, "right": answer == ("scam" if question.is_scam else "genuine"),
                       "prediction": prediction})
    score = sum(item["right"] for item in graded)
    return render_template("quiz.html", questions=asked, graded=graded, score=score, chosen=[], types=teachable(detector.typology))
