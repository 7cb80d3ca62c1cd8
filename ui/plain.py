"""Typed text is shown as typed, never as HTML.

Qt guesses "rich text" from anything that looks like a tag (``Qt.mightBeRichText``), so a
child called ``<img src=file:///…>`` would make a label load a file.  Labels and message
boxes that show typed text are :func:`plain` text; tooltips, which Qt always guesses
about, go through :func:`plain_tooltip`.
"""

from __future__ import annotations

import html
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class _ShowsText(Protocol):
    def setTextFormat(self, format: Qt.TextFormat, /) -> None: ...


_Showing = TypeVar("_Showing", bound=_ShowsText)


def plain(widget: _Showing) -> _Showing:
    """``widget`` (a label or message box) shows its text literally, tags and all."""
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label for text that may hold something the family typed."""
    label = plain(QLabel(parent))
    label.setText(text)
    return label


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, line breaks kept.  Tooltips have no
    plain-text switch, so text that Qt could take for HTML (anything with ``<`` or ``&``)
    is escaped inside a paragraph Qt reads as rich text; other text is shown as it is."""
    if "<" not in text and "&" not in text:
        return text
    return "<p style='white-space:pre-wrap'>" + html.escape(text, quote=False) + "</p>"
