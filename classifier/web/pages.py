"""The pages, in Simplified Chinese: check a message, screen a file, learn the typology, about the model."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from markupsafe import Markup, escape

from classifier import NORMAL, SIGNAL_NAMES, stage_view
from classifier.errors import InputError

from . import uploads
from .api import openapi_document as api_openapi_document
from .context import get_detector, get_feedback_store, read_report, report

bp = Blueprint("pages", __name__)
_HOTLINE = re.compile(r"(?<![\d.])(96110|110|12381)(?![\d.])")
EXAMPLE_LABELS = ("impersonate_police", "investment", "impersonate_customer_service", "normal")


@bp.app_template_filter("category_name")
def category_name(label: str) -> str:
    try:
        return get_detector().typology.get(label).name
    except KeyError:
        return label


@bp.app_template_filter("tel_links")
def tel_links(text: str) -> Markup:
    """The text, escaped, with the hotlines 110 and 96110 as tappable tel: links."""
    return Markup(_HOTLINE.sub(r'<a class="tel" href="tel:\1">\1</a>', str(escape(text))))


@bp.app_template_filter("percent")
def percent(probability: float) -> str:
    """A probability as a person reads it: never "0%" or "100%"."""
    return "<1%" if probability < 0.01 else ">99%" if probability > 0.99 else f"{round(probability * 100)}%"


@bp.app_context_processor
def typology_context() -> dict:
    return {"typology": get_detector().typology}


@bp.app_template_filter("signal_name")
def signal_name(signal_id: str) -> str:
    """A red-flag signal's Chinese name (the model's signal features are named by id)."""
    return SIGNAL_NAMES.get(signal_id, signal_id)


def examples() -> list[dict]:
    """One textbook example per example type, from the typology data, for the "load an example" links;
    for 正常信息, the genuine look-alike beside the first of them."""
    typology = get_detector().typology
    found = []
    for label in EXAMPLE_LABELS:
        category = typology.get(label)
        if label == NORMAL:
            text = typology.get(EXAMPLE_LABELS[0]).examples[0].lookalike
        else:
            text = category.examples[0].scam if category.examples else ""
        if text:
            found.append({"label": label, "name": category.name, "text": text})
    return found


@bp.get("/")
def index():
    chosen, found = request.args.get("example"), examples()
    text = next((example["text"] for example in found if example["label"] == chosen), "")
    return render_template("index.html", text=text, examples=found)


@bp.post("/")
def check():
    text = request.form.get("text", "")
    try:
        prediction = get_detector().classify(text, explain=True)
    except InputError as error:
        page = render_template("index.html", text=text, examples=examples(), error=error)
        return page, error.status
    return render_template("index.html", text=text, examples=examples(), result=prediction.to_dict(),
                           stages=stage_view(text))


@bp.post("/feedback")
def feedback():
    """判断有误？: the person's correction; the text is kept only if they ticked the box."""
    detector, text, label = get_detector(), request.form.get("text", ""), request.form.get("label", "")
    if label not in detector.typology.label_ids:
        raise InputError("missing_label")
    try:
        prediction = detector.classify(text, explain=False)
    except InputError as error:
        return render_template("index.html", text=text, examples=examples(), error=error), error.status
    get_feedback_store().add(text, label, prediction, detector.version, keep_text=request.form.get("keep_text") == "1",
                             source="page")
    return render_template("index.html", text="", examples=examples(), notice="谢谢！你的反馈已经记下，审核后会用来改进模型。")


@bp.get("/batch")
def batch():
    return render_template("batch.html")


@bp.post("/batch")
def batch_upload():
    detector, file = get_detector(), request.files.get("file")
    text_field = request.form.get("text_field", "").strip() or "text"
    try:
        if request.form.get("action") == "download":
            chunks = uploads.csv_download(file, detector, text_field)
            return Response(chunks, mimetype="text/csv", headers={
                "Content-Disposition": 'attachment; filename="screening_results.csv"'})
        screening = uploads.screen_upload(file, detector, text_field, current_app.config["BATCH_TABLE_ROWS"])
    except InputError as error:
        return render_template("batch.html", error=error.message_zh, text_field=text_field), error.status
    inline = len(screening.csv_bytes) <= current_app.config["INLINE_DOWNLOAD_BYTES"]
    return render_template("batch.html", screening=screening, text_field=text_field,
                           download=uploads.data_uri(screening.csv_bytes) if inline else None,
                           typology=detector.typology)


@bp.get("/about")
def about():
    detector = get_detector()
    scalars = {key: value for key, value in detector.model.metrics.items() if isinstance(value, (int, float, str))}
    return render_template(
        "about.html", version=detector.version, labels=detector.labels, metrics=scalars,
        model_card=read_report("MODEL_CARD.md"), evaluation=read_report("evaluation.md"),
        confusion_matrix=report("confusion_matrix.png") is not None,
    )


@bp.get("/reports/confusion_matrix.png")
def confusion_matrix():
    path = report("confusion_matrix.png")
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png")


# The same document as /api/v1/openapi.json, at the conventional top-level address too.
bp.add_url_rule("/openapi.json", view_func=api_openapi_document)


@bp.after_app_request
def security_headers(response: Response) -> Response:
    response.headers["Server"] = "scam-classifier"  # in place of the server software's own name
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )
    if request.method == "POST":  # verdicts and screening results hold the person's own messages
        response.headers["Cache-Control"] = "no-store"
    return response
