"""The range controls of a :class:`~ui.timeline.widget.TimelineWidget`: the presets (2 weeks,
3 months, whole treatment, fit all), zoom in and out, and the dates shown.  The timeline and
the Blood counts charts both use this one bar."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from tracker import timeline as layout
from tracker.i18n.formats import date_text
from ui.timeline.widget import TimelineWidget


class RangeBar(QWidget):
    """Buttons that set ``widget``'s range, and the dates it shows (:attr:`range_label`).
    :meth:`add_widget` puts another control (the timeline's Lanes menu) before the dates."""

    def __init__(self, widget: TimelineWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widget = widget
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel(self.tr("Show:"), self))
        self.preset_buttons: dict[str, QToolButton] = {}
        for key, text, tip in (
            ("2w", self.tr("2 weeks"), self.tr("The last ten days and the next four")),
            ("3m", self.tr("3 months"), self.tr("The last three months")),
            ("treatment", self.tr("Whole treatment"), self.tr("From the first phase to the last")),
            ("all", self.tr("Fit all"), self.tr("Everything recorded")),
        ):
            button = QToolButton(self)
            button.setText(text)
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, k=key: widget.apply_preset(k))
            bar.addWidget(button)
            self.preset_buttons[key] = button
        self.zoom_in = QToolButton(self)
        self.zoom_in.setText("+")
        self.zoom_in.setToolTip(self.tr("Zoom in (+, or Ctrl+wheel)"))
        self.zoom_in.setAccessibleName(self.tr("Zoom in"))
        self.zoom_in.clicked.connect(lambda: widget.zoom(1.5))
        self.zoom_out = QToolButton(self)
        self.zoom_out.setText("−")
        self.zoom_out.setToolTip(self.tr("Zoom out (−, or Ctrl+wheel)"))
        self.zoom_out.setAccessibleName(self.tr("Zoom out"))
        self.zoom_out.clicked.connect(lambda: widget.zoom(1 / 1.5))
        bar.addSpacing(12)
        bar.addWidget(self.zoom_in)
        bar.addWidget(self.zoom_out)
        bar.addStretch(1)
        self.range_label = QLabel(self)
        bar.addWidget(self.range_label)
        self._layout = bar
        widget.range_changed.connect(self._show_range)
        self._show_range(*widget.visible_range())

    def add_widget(self, control: QWidget) -> None:
        """Put ``control`` at the right, before the dates shown."""
        self._layout.insertWidget(self._layout.indexOf(self.range_label), control)

    def _show_range(self, x0: float, x1: float) -> None:
        if self.widget.timeline is None:
            return
        start, end = layout.date_of(x0), layout.date_of(x1)
        self.range_label.setText(f"{date_text(start)} – {date_text(end)}")
