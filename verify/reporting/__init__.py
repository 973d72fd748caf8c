"""Rendering of verification reports (report.md, report.html, figures, reference values).

:func:`render_reports` is called by the runner after it has written
``report.json``; it returns the paths it wrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def render_reports(document: dict[str, Any], out_dir: Path) -> list[Path]:
    """Write the human-readable reports for ``document`` into ``out_dir``."""
    return []
