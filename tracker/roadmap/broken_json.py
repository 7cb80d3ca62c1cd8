"""Where a roadmap template file that is not valid JSON breaks, for the reader's message
(tracker.roadmap.read): the phase whose object holds the place, found by a lenient scan of
the file's brackets and quoted text, and a NaN or Infinity (which the strict JSON reader
refuses before any field is checked) named with the field that holds it and what that
field accepts.
"""

from __future__ import annotations

import re

from tracker.i18n import tr
from tracker.roadmap.template import MAX_GAP_DAYS, MAX_LENGTH_DAYS, VERSION


def whole_rule(what: str, low: int, high: int, *, nullable: bool) -> str:
    """What a whole-number field accepts, as a refusal says it."""
    if nullable:
        message = tr("{what} is a whole number from {low} to {high}, or null when it is not known")
    else:
        message = tr("{what} is a whole number from {low} to {high}")
    return message.format(what=what, low=f"{low:,}", high=f"{high:,}")


def _numbers() -> dict[str, tuple[str, str]]:
    """The numbers of a template, by field name: how a message names each, and what it
    accepts (for a NaN or Infinity, which the JSON reader refuses before the field is
    checked), in the current language."""
    length, gap = tr("the length in days"), tr("the gap in days")
    return {
        "length_days": (length, whole_rule(length, 1, MAX_LENGTH_DAYS, nullable=True)),
        "gap_days": (gap, whole_rule(gap, 0, MAX_GAP_DAYS, nullable=False)),
        "day": (
            tr("the day"),
            tr(
                "the day is a whole number from 1 (the phase's first day) to the day after "
                "its last day"
            ),
        ),
        "version": ("“version”", tr("write {version}").format(version=VERSION)),
    }


_NOT_JSON_NUMBER = re.compile(r"-?(?:NaN|Infinity)")
_KEY_BEFORE = re.compile(r'"([A-Za-z_]{1,40})"\s*:\s*\Z')

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|[{}\[\],:]')


def _text_and_offset(data: bytes, line: int, column: int) -> tuple[str, int] | None:
    """The file's text (as the JSON reader read it) and the offset of ``line``, ``column``."""
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    return text, sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def not_a_number(data: bytes, line: int, column: int) -> str | None:
    """When the JSON reader stopped at NaN, Infinity or -Infinity: which field holds it,
    that JSON has no such number, and what the field accepts ("the length in days is NaN
    (“not a number”), which JSON does not allow; the length in days is a whole number…");
    None for any other reason."""
    found = _text_and_offset(data, line, column)
    if found is None:
        return None
    text, pos = found
    token = _NOT_JSON_NUMBER.match(text, pos)
    if token is None:
        return None
    key = _KEY_BEFORE.search(text[max(0, pos - 60) : pos])
    what, accepted = _numbers().get(
        key[1] if key else "",
        (
            f"“{key[1]}”" if key else tr("a value"),
            tr("write a number, or null where it is not known"),
        ),
    )
    if token[0] == "NaN":
        message = tr("{what} is NaN (“not a number”), which JSON does not allow; {accepted}")
    else:
        message = tr("{what} is {value}, which JSON does not allow; {accepted}")
    return message.format(what=what, value=token[0], accepted=accepted)


def phase_at(data: bytes, line: int, column: int) -> str | None:
    """The phase (“key” (name)) whose object in "phases" holds ``line``, ``column`` of a
    file that is not valid JSON, found by a lenient scan of its brackets and quoted text
    (best effort: None when the place is in no phase or the file is too broken to tell)."""
    place = _text_and_offset(data, line, column)
    if place is None:
        return None
    text, pos = place
    stack: list[str | None] = []  # per open bracket: the key it is the value of
    key: str | None = None  # the key whose value comes next in the innermost object
    last = ""  # the last quoted text: a key if a colon follows
    start = -1  # where the phase being read starts (-1: in none)
    found: dict[str, str] = {}
    for m in _TOKEN.finditer(text):
        token = m.group()
        if token in ("{", "["):
            if token == "{" and stack == [None, "phases"]:
                found, start = {}, m.start()
            stack.append(key)
            key = None
        elif token in ("}", "]"):
            if stack:
                stack.pop()
            if token == "}" and start >= 0 and stack == [None, "phases"]:
                if start <= pos < m.end():
                    break
                start = -1
            key = None
        elif token == ":":
            key = last
        elif token == ",":
            key = None
        else:
            last = token[1:-1]
            if key in ("key", "name") and start >= 0 and len(stack) == 3:
                found.setdefault(key, last)
            key = None
    else:  # the file ended (or broke off) inside the phase
        if not 0 <= start <= pos:
            return None
    if "key" not in found:
        return None
    if "name" in found:
        return tr("phase “{key}” ({name})").format(key=found["key"][:40], name=found["name"][:60])
    return tr("phase “{key}”").format(key=found["key"][:40])
