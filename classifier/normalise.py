"""Text → canonical text, keeping a map back to the characters the user typed.

Steps, in order:
1. fold each character: NFKC (full-width → half-width), lower-case, traditional → simplified
   (OpenCC, character level); drop zero-width, combining, private-use and decorative symbols (emoji, ★);
2. collapse short runs of separators between Chinese characters (``加 微 信``, ``刷-单`` → ``加微信``, ``刷单``);
3. replace links, e-mail addresses, phone numbers, chat handles, amounts and long numbers with
   one typed token character each, so that ``http://t.cn/x`` and ``https://a.cc/y`` look alike to the model.

Every output character remembers the span of input it came from (``starts``/``ends``), so an
explanation can point at the user's own words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import opencc

# One private-use character per token type: a single "word" to jieba and one character to n-grams.
TOKEN_CHARS = {
    "url": "\ue000",
    "phone": "\ue001",
    "handle": "\ue002",
    "amount": "\ue003",
    "number": "\ue004",
}
TOKEN_NAMES = {char: name for name, char in TOKEN_CHARS.items()}
TOKEN_DISPLAY = {"url": "〈链接〉", "phone": "〈电话号码〉", "handle": "〈联系账号〉", "amount": "〈金额〉", "number": "〈数字串〉"}

_DROPPED_CATEGORIES = {"Cf", "Cc", "Co", "Cs", "Mn", "Me", "So", "Sk"}
_KEPT_CONTROLS = {"\n", "\t"}
_T2S = opencc.OpenCC("t2s")


class _FoldTable(dict):
    """``str.translate`` table that computes and remembers each character's fold on first sight."""

    def __missing__(self, codepoint: int) -> str:
        folded = fold_char(chr(codepoint))
        self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()

_HAN = r"\u4e00-\u9fff"
_SEPARATORS = re.compile(rf"(?<=[{_HAN}])[\s\-_·•*.|~/\\]{{1,3}}(?=[{_HAN}])")
_CONTACT_WORDS = r"(?:vx|wx|v信|微信|薇信|威信|徽信|qq|扣扣|企鹅|tg|telegram|飞机|电报|whatsapp|line)"

# Order matters: links before e-mails before phones before amounts before bare numbers.
# Every pattern must run in time linear in the text: a pattern that can start inside a run of the
# characters it repeats opens with a lookbehind, so that only the run's first character can start a
# match (tests/test_normalise.py times each pattern on 10,000-character runs against ordinary text).
# A pattern that can only start with a few characters opens with a lookahead on them: the same
# matches, but ``re`` skips ahead to those characters instead of trying every branch everywhere
# (tests/test_normalise.py proves each lookahead complete).
_TOKEN_PATTERNS = (
    ("url", re.compile(
        r"(?=[a-z0-9])(?:(?:https?://|www\.)[^\s<>\"'，。！？；、）)】」]+"
        r"|(?<![\w@.])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|cn|net|cc|top|xyz|vip|org|info|io|me|app|shop|club|site|"
        r"online|link|ltd|co|icu|fun|live|pro|tk|ml|hk)(?:/[^\s，。！？；、）)】」]*)?(?![a-z0-9]))"
    )),
    ("handle", re.compile(r"(?<![a-z0-9._+-])[a-z0-9._+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")),
    ("handle", re.compile(
        rf"(?<![a-z0-9]){_CONTACT_WORDS}(?:号|账号|id)?\s*[:：]?\s*(?P<token>[a-z0-9][a-z0-9_-]{{4,24}})(?![a-z0-9_-])"
    )),
    ("phone", re.compile(
        r"(?=[+\d])(?:(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"
        r"|(?<!\d)[48]00[- ]?\d{3}[- ]?\d{4}(?!\d)"
        r"|(?<!\d)0\d{2,3}-\d{7,8}(?!\d))"
    )),
    ("amount", re.compile(
        r"(?=[¥$\d])(?:[¥$]\s?\d[\d,]*(?:\.\d+)?(?:\s?[万千百亿])?(?:元|块)?"
        r"|(?<![\d,.])\d[\d,]*(?:\.\d+)?\s?(?:万元|千元|元|块钱|块|万|w|rmb|usdt|u)(?![a-z]))"
    )),
    # Six or more digits: codes, card and order numbers. Shorter runs (95588, 96110, 12306) stay readable.
    ("number", re.compile(r"(?=\d)(?<![\d\ue000-\ue004])\d(?:[\d*]|[ -](?=\d)){5,}")),
)


@dataclass(frozen=True)
class NormalisedText:
    """Canonical text plus, for each of its characters, the input span it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The input span covered by ``text[start:end]``."""
        return self.starts[start], self.ends[end - 1]


def fold_char(char: str) -> str:
    """NFKC, lower-case and simplified form of one character ("" if it should disappear)."""
    if char in TOKEN_NAMES:  # our own typed tokens survive a second normalisation (it is idempotent)
        return char
    kept = "".join(
        piece for piece in unicodedata.normalize("NFKC", char).lower()
        if piece in _KEPT_CONTROLS or unicodedata.category(piece) not in _DROPPED_CATEGORIES
    )
    return _T2S.convert(kept) if kept else kept


def _fold(text: str) -> tuple[list[str], list[int], list[int]]:
    chars, starts, ends = [], [], []
    for index, char in enumerate(text):
        for piece in char.translate(_FOLD_TABLE):
            chars.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return chars, starts, ends


def _spans(pattern: re.Pattern, text: str):
    """Spans to replace: the ``token`` group where the pattern has one, else the whole match."""
    group = "token" if "token" in pattern.groupindex else 0
    for match in pattern.finditer(text):
        begin, finish = match.span(group)
        if begin < finish:
            yield begin, finish


def _substitute(pattern, replacement, chars, starts, ends):
    """Replace every span of ``pattern`` in the joined chars, carrying the offsets along."""
    out_chars, out_starts, out_ends, position = [], [], [], 0
    for begin, finish in _spans(pattern, "".join(chars)):
        out_chars += chars[position:begin]
        out_starts += starts[position:begin]
        out_ends += ends[position:begin]
        out_chars += replacement
        out_starts += [starts[begin]] * len(replacement)
        out_ends += [ends[finish - 1]] * len(replacement)
        position = finish
    out_chars += chars[position:]
    out_starts += starts[position:]
    out_ends += ends[position:]
    return out_chars, out_starts, out_ends


def _replacement(pattern: re.Pattern, token: str):
    """For ``pattern.sub``: the token in place of the match, or of its ``token`` group if it has one."""
    if "token" not in pattern.groupindex:
        return token

    def replace(match: re.Match) -> str:
        begin, finish = match.span("token")
        return match.string[match.start() : begin] + token + match.string[finish : match.end()]

    return replace


_TEXT_SUBSTITUTIONS = tuple((pattern, _replacement(pattern, TOKEN_CHARS[name])) for name, pattern in _TOKEN_PATTERNS)


def normalise_with_offsets(text: str) -> NormalisedText:
    chars, starts, ends = _fold(text)
    chars, starts, ends = _substitute(_SEPARATORS, "", chars, starts, ends)
    for name, pattern in _TOKEN_PATTERNS:
        chars, starts, ends = _substitute(pattern, TOKEN_CHARS[name], chars, starts, ends)
    return NormalisedText("".join(chars), tuple(starts), tuple(ends))


def normalise(text: str) -> str:
    """Canonical form of ``text`` (same result as ``normalise_with_offsets(text).text``, faster)."""
    folded = text.translate(_FOLD_TABLE)
    folded = _SEPARATORS.sub("", folded)
    for pattern, replacement in _TEXT_SUBSTITUTIONS:
        folded = pattern.sub(replacement, folded)
    return folded


def normalise_all(texts) -> list[str]:
    """Vectorised :func:`normalise`, used as the first step of the model pipeline."""
    return [normalise(text) for text in texts]


def display_term(term: str) -> str:
    """Human-readable form of a feature term (typed tokens shown as 〈链接〉 etc.)."""
    return "".join(TOKEN_DISPLAY[TOKEN_NAMES[char]] if char in TOKEN_NAMES else char for char in term)
