"""The strict JSON reader of the export and of roadmap templates: every value's line
remembered, no duplicate keys, no NaN, a bound on depth and on the number of values.

In a module of its own (it needs no kinds of entry) so that tracker.roadmap, which the
roadmap kind's rules use, can read JSON without importing the export's loader.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from json.scanner import NUMBER_RE
from typing import Any

from tracker.i18n import tr
from tracker.store.errors import RecordError

KeyPath = tuple[str | int, ...]

MAX_DEPTH = 64
# The export of ten synthetic years (bench/make_record.py) holds 368,132 JSON values;
# ten times that and more is not an export, and every value costs memory (about 200
# bytes with its line), so the reader stops there: at most about 1 GB for any file.
MAX_VALUES = 4_000_000
_WS_RUN = re.compile(r"[ \t\n\r]*")
# The standard library's string scanner (C-accelerated), not in the type stubs.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class JsonImportError(RecordError):
    """The file cannot be loaded; ``problems`` lists every reason, each with its line."""

    def __init__(self, problems: list[str], summary: str | None = None) -> None:
        self.problems = problems
        self.listed = summary is None  # the message only counts them: show the list too
        super().__init__(
            summary
            or tr("{n} problem(s) in the file; nothing was imported.").format(n=len(problems))
        )


# ---------------------------------------------------------------------- JSON with lines


class _Syntax(Exception):
    def __init__(self, pos: int, message: str) -> None:
        self.pos = pos
        self.message = message


class _TooMany(_Syntax):
    pass


class _Reader:
    """A strict JSON reader (RFC 8259: no NaN, no duplicate keys) that notes each value's line."""

    def __init__(self, text: str, wanted: set[KeyPath] | None = None) -> None:
        self.text = text
        self.lines: dict[KeyPath, int] = {}
        # Only the lines asked for (and the top level's) are kept: a line for every
        # value cost about 170 bytes each, a third of the reader's memory.  None: all.
        self._wanted = wanted
        # Line numbers are counted as the reader moves forward (no table of every line
        # break: for a file of newlines that table took 37 bytes per byte of the file).
        self._counted_to = 0
        self._breaks_before = 0
        self._values = 0

    def line(self, pos: int) -> int:
        if pos < self._counted_to:
            return self.text.count("\n", 0, pos) + 1
        self._breaks_before += self.text.count("\n", self._counted_to, pos)
        self._counted_to = pos
        return self._breaks_before + 1

    def column(self, pos: int) -> int:
        return pos - (self.text.rfind("\n", 0, pos) + 1) + 1

    def read(self) -> Any:
        pos = self._skip(0)
        value, pos = self._value(pos, (), 0)
        pos = self._skip(pos)
        if pos != len(self.text):
            raise _Syntax(pos, tr("there is more text after the end of the JSON document"))
        return value

    def _skip(self, pos: int) -> int:
        m = _WS_RUN.match(self.text, pos)
        return m.end() if m else pos

    def _value(self, pos: int, path: KeyPath, depth: int) -> tuple[Any, int]:
        text = self.text
        if self._wanted is None or len(path) <= 1 or path in self._wanted:
            self.lines[path] = self.line(pos)
        self._values += 1
        if self._values > MAX_VALUES:
            raise _TooMany(pos, tr("more than {MAX_VALUES:,} values").format(MAX_VALUES=MAX_VALUES))
        if depth > MAX_DEPTH:
            raise _Syntax(pos, tr("the data is nested too deeply"))
        if pos >= len(text):
            raise _Syntax(pos, tr("the file ends where a value was expected"))
        c = text[pos]
        if c == "{":
            return self._object(pos + 1, path, depth)
        if c == "[":
            return self._array(pos + 1, path, depth)
        if c == '"':
            return self._string(pos)
        for word, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                return value, pos + len(word)
        m = NUMBER_RE.match(text, pos)
        if m:
            integer, frac, exp = m.groups()
            if frac or exp:
                number = float(integer + (frac or "") + (exp or ""))
                if not math.isfinite(number):
                    raise _Syntax(pos, tr("a number is far too large"))
                return number, m.end()
            if len(integer) > 30:
                raise _Syntax(pos, tr("a number is far too large"))
            return int(integer), m.end()
        raise _Syntax(
            pos,
            tr("a value was expected here (text in quotes, a number, true, false, null, [ or {)"),
        )

    def _string(self, pos: int) -> tuple[str, int]:
        try:
            s, end = _scanstring(self.text, pos + 1, True)
        except json.JSONDecodeError as exc:
            raise _Syntax(
                exc.pos, tr("broken text in quotes ({msg})").format(msg=exc.msg)
            ) from None
        return s, end

    def _object(self, pos: int, path: KeyPath, depth: int) -> tuple[dict[str, Any], int]:
        text = self.text
        result: dict[str, Any] = {}
        pos = self._skip(pos)
        if pos < len(text) and text[pos] == "}":
            return result, pos + 1
        while True:
            if pos >= len(text) or text[pos] != '"':
                raise _Syntax(pos, tr("a key in double quotes was expected"))
            key, pos = self._string(pos)
            if key in result:
                raise _Syntax(
                    pos, tr("the key “{key}” appears twice in the same object").format(key=key)
                )
            pos = self._skip(pos)
            if pos >= len(text) or text[pos] != ":":
                raise _Syntax(pos, tr("a colon (:) was expected after the key"))
            pos = self._skip(pos + 1)
            result[key], pos = self._value(pos, (*path, key), depth + 1)
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)
                continue
            if pos < len(text) and text[pos] == "}":
                return result, pos + 1
            raise _Syntax(pos, tr("a comma (,) or a closing brace (}) was expected"))

    def _array(self, pos: int, path: KeyPath, depth: int) -> tuple[list[Any], int]:
        text = self.text
        result: list[Any] = []
        pos = self._skip(pos)
        if pos < len(text) and text[pos] == "]":
            return result, pos + 1
        while True:
            value, pos = self._value(pos, (*path, len(result)), depth + 1)
            result.append(value)
            pos = self._skip(pos)
            if pos < len(text) and text[pos] == ",":
                pos = self._skip(pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                return result, pos + 1
            raise _Syntax(pos, tr("a comma (,) or a closing bracket (]) was expected"))


def _utf8_text(data: bytes, what: str) -> str:
    """``data`` as text (a UTF-8 byte-order mark dropped); JsonImportError if not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JsonImportError(
            [
                tr("line {line}: the file is not UTF-8 text (byte {value})").format(
                    line=line, value=exc.start + 1
                )
            ],
            tr("The file is not {what} (it is not UTF-8 text); nothing was imported.").format(
                what=what
            ),
        ) from None


def parse_with_lines(
    data: bytes, wanted: set[KeyPath] | None = None
) -> tuple[Any, dict[KeyPath, int]]:
    """The JSON document in ``data`` and the line of every value (or only of the top level
    and the paths in ``wanted``); JsonImportError if unreadable."""
    text = _utf8_text(data, tr("a JSON export"))
    reader = _Reader(text, wanted)
    try:
        return reader.read(), reader.lines
    except _TooMany:
        raise JsonImportError(
            [tr("the file holds more than {MAX_VALUES:,} values").format(MAX_VALUES=MAX_VALUES)],
            tr(
                "The file holds more than {MAX_VALUES:,} values; a Treatment Tracker "
                "export of ten years holds about 370,000, so this is not one. Nothing "
                "was imported."
            ).format(MAX_VALUES=MAX_VALUES),
        ) from None
    except _Syntax as exc:
        where = tr("line {line}, column {column}").format(
            line=reader.line(exc.pos), column=reader.column(exc.pos)
        )
        raise JsonImportError(
            [f"{where}: {exc.message}"],
            tr("The file is not valid JSON ({where}: {message}); nothing was imported.").format(
                where=where, message=exc.message
            ),
        ) from None
    except RecursionError:
        raise JsonImportError(
            [tr("the data is nested too deeply")],
            tr("The file is nested too deeply; nothing was imported."),
        ) from None


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(
                    tr("the key “{key}” appears twice in the same object").format(key=key)
                )
            seen.add(key)
    return result


def _no_constant(name: str) -> Any:
    raise _Duplicate(tr("{name} is not a number JSON allows").format(name=name))


def parse_fast(data: bytes) -> Any:
    """The JSON document in ``data`` with the same refusals as :func:`parse_with_lines`
    (not UTF-8, duplicate keys, NaN/Infinity, nesting deeper than Python's C parser
    goes) but no lines kept: the standard library's C parser, four times faster, for
    files where no message needs a line (FHIR resources are named by their id)."""
    text = _utf8_text(data, "JSON")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = tr("line {line}, column {column}").format(line=exc.lineno, column=exc.colno)
        raise JsonImportError(
            [f"{where}: {exc.msg}"],
            tr("The file is not valid JSON ({where}: {msg}).").format(where=where, msg=exc.msg),
        ) from None
    except _Duplicate as exc:
        raise JsonImportError(
            [str(exc)], tr("The file is not valid JSON: {exc}.").format(exc=exc)
        ) from None
    except ValueError:  # Python's own limit on the digits of an integer (4,300)
        raise JsonImportError(
            [tr("a number is far too large")],
            tr("The file holds a number far too large to be read."),
        ) from None
    except RecursionError:
        raise JsonImportError(
            [tr("the data is nested too deeply")], tr("The file is nested too deeply.")
        ) from None
