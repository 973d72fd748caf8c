"""The environment a verification ran in: Python, platform, package versions, git revision."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import mpmath.libmp

__all__ = [
    "PACKAGES",
    "describe_environment",
    "git_revision",
    "package_versions",
]

#: Distributions whose versions are recorded (None when not installed).
PACKAGES = ("focalrd", "mpmath", "sympy", "numpy", "scipy", "hypothesis", "gmpy2",
            "matplotlib", "latex2mathml")


def package_versions() -> dict[str, str | None]:
    """The installed version of each of :data:`PACKAGES` (None when missing)."""
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def git_revision() -> str | None:
    """The commit of the source tree focalrd runs from, or None (not a git checkout)."""
    here = Path(__file__).resolve().parent
    try:
        result = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    revision = result.stdout.strip()
    return revision if result.returncode == 0 and revision else None


def describe_environment() -> dict[str, Any]:
    """The ``"environment"`` object of report.json."""
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
        "mpmath_backend": mpmath.libmp.BACKEND,
        "git_revision": git_revision(),
    }
