"""Gettext ``.po`` catalogues: read at run time (no compiled ``.mo`` to keep in step) and
written back by the extraction tool.

Only the part of the format the project writes is read: one-line strings, ``msgctxt``,
``msgid_plural`` with ``msgstr[N]``, ``#:`` source comments and the ``#, fuzzy`` flag.  A
line the reader does not understand is an error naming the file and line, so a hand edit
that breaks a catalogue is caught by the tests, never guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Key = tuple[str, str]  # (context, msgid); context "" when there is none


@dataclass
class Entry:
    msgid: str
    context: str = ""
    plural: str = ""
    # one string, or one per plural form when ``plural`` is set
    strings: list[str] = field(default_factory=lambda: [""])
    sources: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self) -> Key:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and all(self.strings)


class CatalogueError(ValueError):
    """A catalogue line that cannot be read."""


def _unquote(text: str, where: str) -> str:
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise CatalogueError(f"{where}: a quoted string was expected, not {text!r}")
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
            continue
        if ch == '"':
            raise CatalogueError(f"{where}: an unescaped quote inside {text!r}")
        out.append(ch)
        i += 1
    return "".join(out)


def quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def parse(text: str, name: str) -> tuple[dict[str, str], list[Entry]]:
    """The header fields and the entries of the catalogue ``text`` (called ``name`` in
    messages)."""
    header: dict[str, str] = {}
    entries: list[Entry] = []
    current: dict[str, object] = {}
    last: str | None = None  # the keyword the next bare "..." line continues

    def finish(lineno: int) -> None:
        nonlocal current, last
        if not current:
            return
        if "msgid" not in current:
            raise CatalogueError(f"{name}, line {lineno}: an entry without msgid")
        msgid = str(current["msgid"])
        strings_map = current.get("strings", {})
        assert isinstance(strings_map, dict)
        if msgid == "" and not current.get("context"):
            for line in str(strings_map.get(0, "")).splitlines():
                key, _, value = line.partition(":")
                header[key.strip()] = value.strip()
        else:
            count = max(strings_map) + 1 if strings_map else 1
            sources = current.get("sources", [])
            assert isinstance(sources, list)
            entries.append(
                Entry(
                    msgid=msgid,
                    context=str(current.get("context", "")),
                    plural=str(current.get("plural", "")),
                    strings=[str(strings_map.get(i, "")) for i in range(count)],
                    sources=[str(s) for s in sources],
                    fuzzy=bool(current.get("fuzzy", False)),
                )
            )
        current = {}
        last = None

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{name}, line {lineno}"
        if not line:
            finish(lineno)
            continue
        if line.startswith("#"):
            if "msgid" in current:
                finish(lineno)
            if line.startswith("#:"):
                sources = current.setdefault("sources", [])
                assert isinstance(sources, list)
                sources.extend(line[2:].split())
            elif line.startswith("#,"):
                current["fuzzy"] = "fuzzy" in [f.strip() for f in line[2:].split(",")]
            continue
        keyword, _, rest = line.partition(" ")
        strings = current.setdefault("strings", {})
        assert isinstance(strings, dict)
        if line.startswith('"'):
            if last is None:
                raise CatalogueError(f"{where}: a string continues nothing")
            value = _unquote(line, where)
            if last.startswith("msgstr"):
                index = int(last[7:-1]) if last != "msgstr" else 0
                strings[index] = strings.get(index, "") + value
            else:
                current[last] = str(current[last]) + value
            continue
        if keyword == "msgctxt":
            if "msgid" in current:
                finish(lineno)
            current["context"] = _unquote(rest, where)
            last = "context"
        elif keyword == "msgid":
            if "msgid" in current:
                finish(lineno)
            current["msgid"] = _unquote(rest, where)
            last = "msgid"
        elif keyword == "msgid_plural":
            current["plural"] = _unquote(rest, where)
            last = "plural"
        elif keyword == "msgstr":
            strings[0] = _unquote(rest, where)
            last = "msgstr"
        elif keyword.startswith("msgstr[") and keyword.endswith("]") and keyword[7:-1].isdigit():
            strings[int(keyword[7:-1])] = _unquote(rest, where)
            last = keyword
        else:
            raise CatalogueError(f"{where}: cannot read {raw!r}")
    finish(len(text.splitlines()) + 1)
    return header, entries


def render(header: dict[str, str], entries: list[Entry], title: str) -> str:
    """The text of a catalogue: ``title`` as its first comment, then the header, then the
    entries in the order given.  Each string is one line (diffs and merges stay small)."""
    lines = [f"# {title}", 'msgid ""', 'msgstr ""']
    lines += [quote(f"{key}: {value}\n") for key, value in header.items()]
    for entry in entries:
        lines.append("")
        if entry.sources:
            lines.append("#: " + " ".join(entry.sources))
        if entry.fuzzy:
            lines.append("#, fuzzy")
        if entry.context:
            lines.append("msgctxt " + quote(entry.context))
        lines.append("msgid " + quote(entry.msgid))
        if entry.plural:
            lines.append("msgid_plural " + quote(entry.plural))
            for i, string in enumerate(entry.strings):
                lines.append(f"msgstr[{i}] " + quote(string))
        else:
            lines.append("msgstr " + quote(entry.strings[0] if entry.strings else ""))
    return "\n".join(lines) + "\n"
