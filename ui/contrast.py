"""Colours checked against the palette they are drawn on, so a dark or high-contrast desktop
keeps every hint, error and chart label readable (WCAG 2: 4.5:1 for text, 3:1 for lines and
marks).  A colour chosen for a light window (the hint grey, the error red) is kept where it
reads, else moved toward the palette's own text colour until it does.  Meaning is never in
colour alone: every error also has its ⚠ and words, every mark its shape."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

TEXT_CONTRAST = 4.5  # WCAG 2 AA, normal text
MARK_CONTRAST = 3.0  # WCAG 2 non-text contrast: lines, outlines, marks

HINT = QColor("#5f6368")  # the grey of hints and notes, made for a light window
ERROR = QColor("#a1260d")  # the red of field errors, made for a light window
CHART_INK = QColor("#202124")  # the timeline's and growth chart's text (ui/timeline/painter.py)


def luminance(colour: QColor) -> float:
    """Relative luminance (WCAG 2) of an opaque colour, 0 (black) to 1 (white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def readable(
    wanted: QColor, background: QColor, toward: QColor, minimum: float = TEXT_CONTRAST
) -> QColor:
    """``wanted`` if it reaches ``minimum`` on ``background``; else the least step of it
    toward ``toward`` (the palette's text colour) that does; else ``toward`` itself."""
    for step in range(11):
        colour = _mix(wanted, toward, step / 10)
        if contrast_ratio(colour, background) >= minimum:
            return colour
    return QColor(toward)


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QGuiApplication.palette()


def hint_colour(palette: QPalette | None = None) -> QColor:
    p = _palette(palette)
    return readable(
        HINT, p.color(QPalette.ColorRole.Window), p.color(QPalette.ColorRole.WindowText)
    )


def error_colour(palette: QPalette | None = None) -> QColor:
    p = _palette(palette)
    return readable(
        ERROR, p.color(QPalette.ColorRole.Window), p.color(QPalette.ColorRole.WindowText)
    )


def hint_style(palette: QPalette | None = None) -> str:
    """The style sheet of a hint or note label: grey that reads on this palette."""
    return f"color: {hint_colour(palette).name()};"


def error_style(palette: QPalette | None = None) -> str:
    """The style sheet of an error line: red that reads on this palette."""
    return f"color: {error_colour(palette).name()};"


def field_error_style(palette: QPalette | None = None) -> str:
    """A field outlined in red, the outline seen on the field's own background (3:1)."""
    p = _palette(palette)
    line = readable(
        ERROR, p.color(QPalette.ColorRole.Base), p.color(QPalette.ColorRole.Text), MARK_CONTRAST
    )
    return f"border: 2px solid {line.name()}; border-radius: 3px;"


def chart_paper(palette: QPalette) -> QColor:
    """What a chart is drawn on: the palette's base where the chart's dark ink reads on it,
    else white (a light card in a dark window; the chart's colours were chosen for paper)."""
    base = palette.color(QPalette.ColorRole.Base)
    if contrast_ratio(CHART_INK, base) >= TEXT_CONTRAST:
        return base
    return QColor("#ffffff")
