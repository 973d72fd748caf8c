"""Comparison of arbitrary-precision numbers in tests (pytest.approx is float-based)."""

from __future__ import annotations

from typing import Any

import mpmath


def assert_close(actual: Any, expected: Any, *, rel: Any = 0, abs: Any = 0) -> None:  # noqa: A002
    """Assert |actual − expected| ≤ max(rel·|expected|, abs), in mpmath arithmetic."""
    actual, expected = mpmath.mpmathify(actual), mpmath.mpmathify(expected)
    error = mpmath.fabs(actual - expected)
    allowed = max(mpmath.mpf(rel) * mpmath.fabs(expected), mpmath.mpf(abs))
    assert error <= allowed, (
        f"{mpmath.nstr(actual, 40)} differs from {mpmath.nstr(expected, 40)} by "
        f"{mpmath.nstr(error, 5)} > {mpmath.nstr(allowed, 5)}")
