"""Every error the package reports, once: a stable code, its HTTP status, and an English and a Chinese message.

Raise an error by its code and the values its messages name::

    raise InputError("text_too_long", length=12000, limit=10000)

The web layer renders ``error.status`` with the English message (API) or the Chinese one (pages);
the CLI prints the English one. ``tests/test_errors.py`` checks every message formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ErrorKind:
    code: str
    status: int
    message: str  # English, a str.format template
    message_zh: str  # Chinese, the same fields


_KINDS = (
    # A message we were asked to classify.
    ErrorKind("not_text", 400, "text must be a string, not {type}", "信息内容必须是文字。"),
    ErrorKind("empty_text", 400, "text is empty", "信息是空的，请粘贴要检查的信息。"),
    ErrorKind("text_too_long", 413, "text has {length} characters; the limit is {limit}",
              "信息太长了（{length} 个字），最多只能检查 {limit} 个字。"),
    ErrorKind("invalid_encoding", 400, "text contains invalid (undecodable) characters", "信息里有无法识别的乱码字符。"),
    # Requests to the service.
    ErrorKind("bad_request", 400, "The request could not be understood.", "请求有误，无法处理。"),
    ErrorKind("invalid_json", 400, "The body is not valid JSON: {detail}", "提交的内容不是有效的 JSON。"),
    ErrorKind("not_object", 400, "The body must be a JSON object, not {type}.", "提交的内容必须是一个 JSON 对象。"),
    ErrorKind("invalid_type", 400, "'{field}' must be {expected}, not {type}.", "“{field}”的类型不对。"),
    ErrorKind("unknown_field", 400, "Unknown field(s) {fields}; this operation takes {allowed}.", "提交的内容里有无法识别的字段。"),
    ErrorKind("missing_text", 400, "The body needs a 'text' field with the message to classify.",
              "缺少要检查的信息内容。"),
    ErrorKind("missing_label", 400, "The body needs a 'label': the typology id you say is right.", "请选择正确的类型。"),
    ErrorKind("missing_messages", 400, "The body needs a 'messages' array.", "缺少要检查的信息列表。"),
    ErrorKind("batch_too_large", 413, "The batch has {count} messages; the limit is {limit}.",
              "一次最多检查 {limit} 条信息，这次有 {count} 条。"),
    ErrorKind("too_costly", 413,
              "The request asks for {cost} units of work; the limit is {limit}. Send fewer or shorter messages, "
              "or explain=false (explanations cost about 25 times more)",
              "这次提交的内容太多，请减少条数或关闭详细解释后再试。"),
    ErrorKind("invalid_id", 400, "messages[{index}].id is not usable: {reason}", "第 {index} 条信息的编号无法使用。"),
    ErrorKind("body_too_large", 413, "The request body is larger than the configured limit.", "提交的内容太大了。"),
    ErrorKind("unsupported_media_type", 415, "Send the body as application/json.", "请用 JSON 格式提交。"),
    ErrorKind("not_found", 404, "No such endpoint or resource.", "找不到这个页面。"),
    ErrorKind("unknown_category", 404, "No category with id '{id}'.", "没有这个诈骗类型。"),
    ErrorKind("method_not_allowed", 405, "This method is not allowed here.", "不支持这种请求方式。"),
    ErrorKind("rate_limited", 429, "Too many requests; slow down and retry later.", "请求太频繁了，请稍等一会儿再试。"),
    ErrorKind("internal_error", 500, "Internal server error.", "服务器出错了，请稍后再试。"),
    # Files and batch rows.
    ErrorKind("unknown_format", 400, "cannot tell the format of {name}: use a {suffixes} name, or --format",
              "只支持 {suffixes} 文件。"),
    ErrorKind("stdin_needs_format", 400, "reading stdin needs --format {formats}", "从标准输入读取时需要指定格式。"),
    ErrorKind("not_an_output_format", 400, "results cannot be written as .{format}; use {formats}",
              "结果不能保存为 .{format} 文件。"),
    ErrorKind("missing_file", 400, "no file was uploaded", "请选择要上传的文件。"),
    ErrorKind("missing_text_column", 400, "the input has no '{field}' column or field; it has: {found} (choose one with --text-field)",
              "文件里没有“{field}”这一列，现有的列是：{found}。请在“信息内容所在的列名”里填写正确的列名。"),
    ErrorKind("missing_field", 400, "missing field '{field}'", "这一行没有“{field}”列。"),
    ErrorKind("broken_csv_row", 400, "broken CSV row near line {line}: {detail}", "第 {line} 行附近的 CSV 格式有误。"),
    ErrorKind("unclosed_quote", 400, "line {line}: a quote opened here is never closed; the lines after it were read again",
              "第 {line} 行有一个引号没有闭合。"),
    ErrorKind("field_count", 400, "row has {count} fields, the header has {expected}",
              "这一行有 {count} 列，表头只有 {expected} 列。"),
    ErrorKind("invalid_json_line", 400, "line {line}: invalid JSON ({detail})", "第 {line} 行不是有效的 JSON。"),
    ErrorKind("not_json_object", 400, "line {line}: expected a JSON object, got {type}", "第 {line} 行不是 JSON 对象。"),
    # Models.
    ErrorKind("model_missing", 503, "no model at {path} (run 'scam-classifier train{out}' to build one)",
              "模型还没有准备好，请联系管理员。"),
    ErrorKind("manifest_missing", 503, "no manifest at {manifest}; refusing to load {path} (run 'scam-classifier train')",
              "模型文件不完整，请联系管理员。"),
    ErrorKind("manifest_invalid", 503, "manifest {manifest} is not valid JSON: {detail}", "模型文件不完整，请联系管理员。"),
    ErrorKind("model_tampered", 503,
              "{path} does not match the sha256 in its manifest; it was changed or corrupted. Retrain it.",
              "模型文件校验失败，请联系管理员。"),
    ErrorKind("model_unsigned", 503,
              "{path}: its manifest is not signed with the configured model key; refusing to load it "
              "(retrain with the key set, or check who changed the model folder)", "模型文件签名校验失败，请联系管理员。"),
    ErrorKind("model_version_mismatch", 503,
              "{path} was built with other library versions ({mismatched}); retrain it with 'scam-classifier train'",
              "模型与当前软件版本不匹配，请联系管理员。"),
    ErrorKind("model_format_old", 503,
              "{path} was saved in format {found} by an older version of this package (this one reads format "
              "{expected}); run 'scam-classifier train' to rebuild it", "模型文件需要更新，请联系管理员。"),
    ErrorKind("not_a_model", 503, "{path} does not hold a saved scam classifier", "模型文件有误，请联系管理员。"),
    # Corrections, retraining and model versions.
    ErrorKind("unknown_correction", 404, "no correction with id {id}", "没有这条反馈。"),
    ErrorKind("gate_refused", 409, "the retrained model is worse than the current one beyond the tolerance: {reason}",
              "新模型比现有模型差，没有替换。"),
    ErrorKind("unknown_model_version", 404, "no saved model version {version} (see scam-classifier models)",
              "没有这个模型版本。"),
    ErrorKind("invalid_rules", 400, "{path}: {detail}", "部署规则文件有误：{path}"),
    # Training data and training.
    ErrorKind("invalid_dataset", 400, "{source}: {detail}", "训练数据有误：{source}"),
    ErrorKind("no_training_data", 400, "no training messages in {path}/*.jsonl", "没有找到训练数据。"),
    ErrorKind("no_eval_data", 400, "no evaluation messages in {path}/*.jsonl", "没有找到评估数据。"),
    ErrorKind("unknown_label", 400, "labels not in the typology: {labels}", "有不认识的类型：{labels}"),
    ErrorKind("length_mismatch", 400, "texts and labels differ in length", "信息和标签的数量不一致。"),
    ErrorKind("too_few_labels", 400, "training needs 'normal' and at least one fraud label",
              "训练数据至少需要“正常信息”和一种诈骗类型。"),
    # Settings.
    ErrorKind("invalid_setting", 400, "{name}={value!r}: {reason}", "设置 {name} 有误。"),
    ErrorKind("unknown_setting", 400, "unknown setting {name!r}", "没有这个设置：{name}"),
)
ERRORS: dict[str, ErrorKind] = {kind.code: kind for kind in _KINDS}
STATUS_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large",
                415: "unsupported_media_type", 429: "rate_limited", 500: "internal_error"}


class ClassifierError(Exception):
    """Base class for every error this package raises on purpose; ``code`` picks its :class:`ErrorKind`."""

    def __init__(self, code: str, **details: Any):
        kind = ERRORS[code]
        self.code, self.status, self.details = code, kind.status, details
        self.message = kind.message.format(**details)
        self.message_zh = kind.message_zh.format(**details)
        super().__init__(self.message)

    def to_dict(self) -> dict[str, str]:
        """The API's error envelope body."""
        return {"code": self.code, "message": self.message}

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # picklable, so worker processes can hand row errors back
        return _rebuild, (type(self), self.code, self.details)


def _rebuild(cls, code, details):
    return cls(code, **details)


class InputError(ClassifierError):
    """Input we cannot use: a message, a request, a file or a row."""


class ModelError(ClassifierError):
    """No usable model: missing, corrupted, or built with other library versions."""


class DatasetError(ClassifierError):
    """A corpus file does not follow the schema, or there is nothing to train on."""


class SettingsError(ClassifierError, ValueError):
    """A setting has an invalid value or an unknown name."""
