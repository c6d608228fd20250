"""Which characters can a regex match start with? Used to prove first-character lookaheads complete.

A pattern written ``(?=[<chars>])(?:<body>)`` only finds what ``<body>`` finds if every match of
``<body>`` starts with one of ``<chars>``. This walks the parsed body (``re._parser``, the parser
``re`` itself uses) and collects those characters; it refuses constructs it does not know.
"""

import re
import re._constants as c
import re._parser as parser

GUARDED = re.compile(r"\(\?=\[(?P<guard>[^\]]+)\]\)\(\?:(?P<body>.*)\)", re.DOTALL)
_ZERO_WIDTH = (c.AT, c.ASSERT, c.ASSERT_NOT)
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT)


def _class_members(items) -> set:
    members = set()
    for op, value in items:
        if op is c.LITERAL:
            members.add(chr(value))
        elif op is c.RANGE:
            members |= {chr(code) for code in range(value[0], value[1] + 1)}
        elif op is c.CATEGORY:
            members.add(value)  # e.g. CATEGORY_DIGIT, compared as such
        else:
            raise ValueError(f"unbounded character class item {op}")
    return members


def _first(items) -> tuple[set, bool]:
    """(what a match of ``items`` can start with, whether ``items`` can match the empty string)."""
    found = set()
    for op, value in items:
        if op in _ZERO_WIDTH:
            continue
        if op is c.LITERAL:
            return found | {chr(value)}, False
        if op is c.IN:
            return found | _class_members(value), False
        if op is c.BRANCH:
            branches = [_first(branch) for branch in value[1]]
            found |= set().union(*(chars for chars, _ in branches))
            empty = any(can_be_empty for _, can_be_empty in branches)
        elif op is c.SUBPATTERN:
            chars, empty = _first(value[-1])
            found |= chars
        elif op in _REPEATS:
            chars, empty = _first(value[2])
            found |= chars
            empty = empty or value[0] == 0
        else:
            raise ValueError(f"cannot tell how {op} starts")
        if not empty:
            return found, False
    return found, True


def guard_is_complete(pattern: re.Pattern) -> bool:
    """True if ``pattern`` is ``(?=[guard])(?:body)`` and every match of ``body`` starts in ``guard``."""
    parts = GUARDED.fullmatch(pattern.pattern)
    assert parts, f"not a guarded pattern: {pattern.pattern[:40]}"
    starts, can_be_empty = _first(parser.parse(parts["body"], pattern.flags))
    guard, _ = _first(parser.parse(f"[{parts['guard']}]", pattern.flags))
    return not can_be_empty and all(_covers(guard, start) for start in starts)


def _covers(guard: set, start) -> bool:
    digit = c.CATEGORY_DIGIT in guard and isinstance(start, str) and start.isdecimal()
    return start in guard or digit
