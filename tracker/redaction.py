"""A redacted view of whatever goes on paper: one place, one rule.

A redacted summary may be left on a clinic desk or handed to another family.  Every
text on the page passes through :meth:`Redaction.apply`, whether the family typed it
(the child's name in a phase name, the date of birth in a note, the hospital in an
appointment's "with") or the program composed it from typed parts: the summary's
content and the printed timeline's lanes, labels and tooltips alike.  What is replaced:

* the full name, each part of it (first name, last name, a nickname in brackets or
  quotes), whole words only, in any case and with or without its accents, so "ROBIN",
  "Robin's", "Robins" and, for "Émilie", "Emilie" and "EMILIE" go too; the parts run
  together as in a file name ("Mila_Jansen_labs.csv", "MilaJansen", "vanderberg" for "van
  der Berg") go as one.  A part of fewer than 3 letters or a particle ("van", "de") is an
  ordinary word on its own and goes only with the rest of the name ("Eva" never touches
  "evaluation", nor "de" "de la"); a note in brackets that names nobody ("Robin
  (demo)") goes only as part of the full name, its word kept in other text ("Fictional
  demo entry");
* the date of birth in the common written forms (2025-03-04, 04/03/2025, 3/4/25,
  4 March 2025, March 4th, 2025, 4 Mar);
* the hospital's name, whole or in part: a run of its words holding a distinctive one
  ("at Lindenbrook", "LINDENBROOK CHILDRENS HOSPITAL", in any case, with possessives),
  while its common words alone ("the children's hospital") stay.

Each stands for the whole name in one way everywhere (summary, calendar, FHIR export):
the name's initials (:func:`initials`, "R. Q."), "[date]" and "[hospital]".

The age on a redacted page is in months only (:func:`redacted_age`): "22 months 20
days" beside the printing date would give the date of birth away.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import unicodedata
from typing import Any, TypeVar

from tracker.dates import age, format_age
from tracker.i18n import tr, trn
from tracker.model import Child

T = TypeVar("T")

DATE_OF_BIRTH = "[date]"  # not "[date of birth]": beside an event's date that would tell
HOSPITAL = "[hospital]"

# Fields that hold codes the program looks things up by, never text the family typed:
# redacting them would break the page (a child called "Star" and the "star" mark shape).
CODES = frozenset(
    {"analyte", "canonical_unit", "code", "count_columns", "key", "kind", "shape", "uid", "unit"}
)
# Words of many hospitals' names, which alone name none (the distinctive ones do).
COMMON = frozenset(
    {
        "academic",
        "and",
        "care",
        "center",
        "centre",
        "child",
        "children",
        "childrens",
        "city",
        "clinic",
        "clinics",
        "county",
        "fictional",
        "for",
        "general",
        "health",
        "hospital",
        "hospitals",
        "infirmary",
        "institute",
        "kids",
        "medical",
        "memorial",
        "national",
        "of",
        "oncology",
        "paediatric",
        "pediatric",
        "regional",
        "royal",
        "saint",
        "st",
        "the",
        "university",
    }
)
# Lower-case name particles ("de", "van") are words of ordinary text too.
PARTICLES = frozenset({"da", "de", "del", "der", "di", "du", "la", "le", "van", "von", "den"})
# Words a note in brackets after a name holds that name nobody ("Robin (demo)", the demo's
# child): kept in other text, where they are ordinary words ("Fictional demo entry").  Any
# other word in brackets may be a nickname ("Robin (Bobby) Quill") and goes.
NOTE_WORDS = frozenset({"demo", "example", "fictional", "sample", "test"})

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def initials(name: str) -> str:
    """Initials for a redacted page: "Robin (demo)" → "R."; "Anna-Lena de Vries" →
    "A.-L. D. V.".  Text in brackets is a note, not part of the name.  A name written in a
    script where one sign is a name (李 小龙) has no initials that do not name the child:
    "—" stands for it."""
    if any(ord(c) >= 0x2E80 and c.isalpha() for c in name):
        return "—"
    parts = []
    for word in re.sub(r"\([^)]*\)", " ", name).split():
        pieces = [p for p in word.split("-") if p]
        letters = "-".join(f"{p[0].upper() if p[0].isalpha() else p[0]}." for p in pieces)
        if letters and pieces[0][0].isalpha():
            parts.append(letters)
    return " ".join(parts[:4]) if parts else "—"


def redacted_age(birth: dt.date, on: dt.date) -> str:
    """The age in whole months ("22 months"; "3 years 2 months" from two years): never
    days, which with the printing date would give the date of birth."""
    r = age(birth, on)
    months = r.years * 12 + r.months
    if months == 0:
        return tr("under 1 month")
    if months >= 24:
        return format_age(birth, on)  # years and months, no days from two years on
    return trn("{n} month", "{n} months", months).format(n=months)


def _one_sign_name(token: str) -> bool:
    """A single character from the CJK blocks (U+2E80 on: radicals, kana, ideographs,
    Hangul), where one sign can be a whole family or given name."""
    return len(token) == 1 and ord(token) >= 0x2E80


def fold(text: str) -> tuple[str, list[int] | None]:
    """``text`` with its accents taken off ("Émilie" → "Emilie", "Søren" → "Soren"), case
    kept, and where each of its characters comes from in ``text`` (None: ``text`` itself)."""
    if text.isascii():
        return text, None
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        bare = unicodedata.normalize("NFD", ch)
        plain = "".join(c for c in bare if not unicodedata.combining(c)).translate(_PLAIN)
        out.append(plain)
        origin.extend([i] * len(plain))
    return "".join(out), origin


# Letters NFD does not take apart, as they are written without their mark.
_PLAIN = str.maketrans(
    {"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}
    | {"æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss"}
)
_LETTER = r"[^\W\d_]"
# a lower-case letter followed by a capital: where two words of a file name meet ("MilaJansen")
_CAMEL = r"(?-i:(?<=[a-z])(?=[A-Z]))"
_NAME_START = rf"(?:(?<!{_LETTER})|{_CAMEL})"
_NAME_END = rf"(?:(?!{_LETTER})|{_CAMEL})"
# what may stand between the parts of a name written out: spaces, a comma ("Quill, Robin"),
# and in file names "_", "." and "-", or nothing ("vanderberg")
_JOIN = r"[\s_.,'’-]*"
# the start and end of a word or number in which "_" is a space (file names)
_WORD_START = r"(?<![^\W_])"
_WORD_END = r"(?![^\W_])"


class _NameParts:
    """The parts of the child's name (accents off), and which of them name the child alone.
    Not a dataclass: nothing that walks a page's texts should find the name in it."""

    __slots__ = ("alone", "full", "parts")

    def __init__(self, full: str, parts: list[str], alone: frozenset[str]) -> None:
        self.full = full  # the name as typed, accents off, spaces tidied
        self.parts = parts  # every part, longest first
        self.alone = alone  # parts (case-folded) that name the child on their own

    @classmethod
    def of(cls, name: str) -> _NameParts:
        noted = {
            w.casefold() for note in re.findall(r"\(([^)]*)\)", name) for w in note.split()
        } & NOTE_WORDS
        folded = fold(" ".join(name.split()))[0]
        parts: set[str] = set()
        alone: set[str] = set()
        for token in re.findall(r"[^\W_]+", folded):
            for part in re.split(r"(?<=[a-z])(?=[A-Z])", token):  # "McDonald": Mc, Donald
                low = part.casefold()
                if low in noted:
                    continue
                parts.add(part)
                # a part of one or two letters, or a particle, is an ordinary word alone;
                # except in scripts where one or two signs are a whole name (李, 小龙)
                if (len(part) >= 3 and low not in PARTICLES) or _one_sign_name(part[0]):
                    alone.add(low)
        return cls(folded, sorted(parts, key=len, reverse=True), frozenset(alone))

    def pattern(self) -> str:
        """The name group: the full name as typed, or a run of its parts (possessive, so
        no text makes the matching slow) holding one that names the child alone (checked
        by :meth:`names_the_child`)."""
        forms = [rf"{_phrase(self.full)}s?"] if self.full else []
        if self.parts:
            part = "(?:" + "|".join(re.escape(p) for p in self.parts) + ")"
            # each part ends the word or is followed by another ("vanderberg", not "Rose"
            # of "rosemary")
            part = rf"{part}(?=s?{_NAME_END}|{part})"
            forms.append(rf"{part}(?:{_JOIN}{part})*+s?")
        return rf"(?P<name>{_NAME_START}(?:{'|'.join(forms)}){_NAME_END})"

    def names_the_child(self, found: str) -> bool:
        """Whether ``found`` (a match of :meth:`pattern`) is the name: the full name, a run
        holding a part that names the child alone, or every part of the name."""
        said, full = " ".join(found.split()).casefold(), self.full.casefold()
        if said in (full, full + "s"):
            return True
        words = re.findall("|".join(re.escape(p) for p in self.parts), found, re.IGNORECASE)
        return any(w.casefold() in self.alone for w in words) or len(words) >= len(self.parts)


def _hospital_word(word: str) -> str:
    """A word of the hospital's name as a pattern: apostrophes optional, and with its
    possessive or plural ("Children's", "Childrens", "CHILDREN", "Lindenbrook's")."""
    base = re.sub(r"['’]s$", "", word)
    body = "".join("['’]?" if c in "'’" else re.escape(c) for c in base)
    return rf"{body}(?:['’]?s)?"


def _near_hospital(hospital: str) -> str | None:
    """The hospital named in part: a run of its words holding at least one distinctive
    word ("at Lindenbrook", "LINDENBROOK CHILDRENS HOSPITAL"); its common words alone
    ("the children's hospital") are ordinary text.  None: no distinctive word."""
    tokens = re.findall(r"[^\W_]+(?:['’][^\W_]+)*", hospital)
    plain = [re.sub(r"['’]s$", "", t) for t in tokens]
    distinct = [
        t for t, p in zip(tokens, plain, strict=True) if len(p) >= 3 and _bare(p) not in COMMON
    ]
    if not distinct:
        return None
    any_word = "(?:" + "|".join(_hospital_word(t) for t in sorted(set(tokens), key=len)[::-1]) + ")"
    own = "(?:" + "|".join(_hospital_word(t) for t in sorted(set(distinct), key=len)[::-1]) + ")"
    return rf"{_WORD_START}(?:{any_word}\s+)*{own}(?:\s+{any_word})*{_WORD_END}"


def _bare(word: str) -> str:
    return re.sub(r"['’]", "", word).lower()


def _phrase(text: str) -> str:
    """``text`` as a pattern that allows any run of spaces where it has one."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _birth_date_forms(d: dt.date) -> list[str]:
    day = rf"0?{d.day}"
    month = rf"0?{d.month}"
    year = rf"(?:{d.year}|{d.year % 100:02d})"
    sep = r"\s*[-/.]\s*"
    numeric = [
        rf"{d.year}{sep}{month}{sep}{day}",
        rf"{day}{sep}{month}{sep}{year}",
        rf"{month}{sep}{day}{sep}{year}",
        rf"{d:%Y%m%d}",
    ]
    full = MONTHS[d.month - 1]
    short = f"{full[:3]}|sept" if d.month == 9 else full[:3]
    name = rf"(?:{full}|(?:{short})\.?)"
    nth = r"(?:st|nd|rd|th)?"
    written = [
        rf"{day}{nth}\s+(?:of\s+)?{name}(?:\s*,?\s*{d.year})?",
        rf"{name}\s+{day}{nth}(?:\s*,?\s*{d.year})?",
    ]
    return [rf"{_WORD_START}{form}{_WORD_END}" for form in numeric + written]


@dataclasses.dataclass(frozen=True)
class Redaction:
    """What to take out of a printed page for one child."""

    initials: str
    pattern: re.Pattern[str]
    replacements: dict[str, str]  # pattern group name → what stands in its place
    name: _NameParts

    @classmethod
    def for_child(cls, child: Child) -> Redaction:
        groups: dict[str, str] = {}
        shown = initials(child.name)
        parts: list[str] = []
        name = _NameParts.of(child.name)
        if name.parts or name.full:
            # a run of parts ("Robin Quill", "Quill, Robin") is one name: one set of initials
            parts.append(name.pattern())
            groups["name"] = shown
        parts.append(rf"(?P<dob>{'|'.join(_birth_date_forms(child.birth_date))})")
        groups["dob"] = DATE_OF_BIRTH
        hospital = fold(" ".join(child.hospital.split()))[0]
        if len(hospital) >= 2:
            forms = [rf"{_WORD_START}{_phrase(hospital)}{_WORD_END}"]
            near = _near_hospital(hospital)
            if near:
                forms.append(near)
            parts.insert(0, rf"(?P<hospital>{'|'.join(forms)})")
            groups["hospital"] = HOSPITAL
        pattern = re.compile("|".join(parts), re.IGNORECASE)
        return cls(shown, pattern, groups, name)

    def text(self, text: str) -> str:
        """``text`` with the name, the date of birth and the hospital taken out (matched
        with the accents off, in any case)."""
        if not text:
            return text
        folded, origin = fold(text)
        out: list[str] = []
        done = 0
        for m in self.pattern.finditer(folded):
            kind = m.lastgroup or "name"
            if kind == "name" and not self.name.names_the_child(m.group()):
                continue  # "van der" alone: ordinary words
            start, end = m.span()
            if origin is not None:  # back to where the match is in the text as typed
                start = origin[start]
                end = origin[end] if end < len(origin) else len(text)
            out += [text[done:start], self.replacements[kind]]
            done = end
        out.append(text[done:])
        return "".join(out)

    def apply(self, item: T) -> T:
        """A redacted copy of ``item``: every text in it (in dataclasses, lists, tuples,
        dict values, however deep) passed through :meth:`text`.  Codes stay as they are;
        the original is not changed."""
        seen: dict[int, Any] = {}
        return self._walk(item, seen)  # type: ignore[no-any-return]

    def _walk(self, item: Any, seen: dict[int, Any]) -> Any:
        if isinstance(item, enum.Enum) or item is None:
            return item
        if isinstance(item, str):
            return self.text(item)
        if isinstance(item, (int, float, bool, dt.date, dt.time, re.Pattern)):
            return item
        key = id(item)
        if key in seen:  # one count result under three charts: redacted once
            return seen[key]
        if isinstance(item, Redaction):
            done: Any = item
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            changes = {
                f.name: self._walk(getattr(item, f.name), seen)
                for f in dataclasses.fields(item)
                if f.init and f.name not in CODES
            }
            done = dataclasses.replace(item, **changes)
        elif isinstance(item, list):
            done = [self._walk(x, seen) for x in item]
        elif isinstance(item, tuple):
            done = tuple(self._walk(x, seen) for x in item)
        elif isinstance(item, dict):
            done = {k: self._walk(v, seen) for k, v in item.items()}
        else:
            done = item
        seen[key] = done
        return done
