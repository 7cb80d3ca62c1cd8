"""Icons from ``resources/icons`` (SVG), loaded once."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon, QPixmap

import resources


@cache
def icon(name: str) -> QIcon:
    pixmap = QPixmap()
    pixmap.loadFromData(resources.read_bytes(f"icons/{name}.svg"))
    return QIcon(pixmap)
