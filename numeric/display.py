"""Short text and HTML for results shown in a terminal or a Jupyter notebook.

Only *display* lives here: results keep their full values as attributes
(``result.value`` at the working precision, ``result.K`` as an exact integer).
A shown value is cut to a few significant digits with a trailing ``…`` (the
digits shown are the leading digits of the value, not a rounding); a huge count
is shown as ``1.2345…×10^159`` from its exact integer, or as ``e^543.4`` when
only its natural logarithm is known.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

__all__ = ["ShortDisplay", "abbreviated_count", "result_html", "short_item", "short_number"]

#: Significant digits of a shown value.
SHOWN_DIGITS = 12
#: Integers with more digits than this are abbreviated.
SHOWN_INTEGER_DIGITS = 15


def short_number(x: Any, digits: int = SHOWN_DIGITS) -> str:
    """The first ``digits`` significant digits of ``x``, followed by ``…`` when cut.

    >>> short_number(mpmath.mpf(1) / 3, 5)
    '0.33333…'
    >>> short_number(mpmath.mpf("0.25"))
    '0.25'
    """
    if x is None:
        return "None"
    if isinstance(x, int):
        return abbreviated_count(x, None)
    if not isinstance(x, mpmath.mpf):
        return str(x)
    if x == 0:
        return "0"
    # Every digit of the binary value (its mantissa has man.bit_length() bits), so that
    # cutting never meets a carry from a rounding further down.
    exact_digits = digits + 5 + int(abs(x.man).bit_length() * 0.30103)
    with mp.workdps(exact_digits + 5):
        full = mpmath.nstr(x, exact_digits, strip_zeros=True, min_fixed=-6,
                           max_fixed=digits + 1)
    mantissa, _, exponent = full.partition("e")
    sign = "-" if mantissa.startswith("-") else ""
    mantissa = mantissa.lstrip("-")
    significant = mantissa.replace(".", "").lstrip("0")
    if len(significant) <= digits:
        return full
    kept = 0
    out = []
    for char in mantissa:
        out.append(char)
        if char.isdigit() and (kept or char != "0"):
            kept += 1
            if kept == digits:
                break
    text = sign + "".join(out) + "…"
    return text + (f"e{exponent}" if exponent else "")


def abbreviated_count(exact: int | None, log: Any) -> str:
    """A count shown briefly: in full when short, ``1.2345…×10^159`` when long (from the
    exact integer), ``e^543.4`` when only its natural logarithm ``log`` is known.

    >>> abbreviated_count(10**20 + 12345, None)
    '1.0000…×10^20'
    >>> abbreviated_count(None, mpmath.mpf("543.4321"))
    'e^543.4'
    >>> abbreviated_count(720, None)
    '720'
    """
    if exact is not None:
        text = str(exact)
        if len(text) <= SHOWN_INTEGER_DIGITS:
            return text
        return f"{text[0]}.{text[1:5]}…×10^{len(text) - 1}"
    if log is None:
        return "None"
    return f"e^{float(log):.1f}"


def result_html(name: str, value: Any, unit: str | None,
                counts: Iterable[tuple[str, int | None, Any]] = (),
                bounds: Iterable[tuple[str, Any]] = ()) -> str:
    """A small HTML table: the value with its unit, bounds, and abbreviated counts."""
    rows = [(name, short_number(value) + (f" {unit}" if unit else ""))]
    rows += [(label, short_number(bound) + (f" {unit}" if unit else "")) for label, bound in bounds]
    rows += [(label, abbreviated_count(exact, log)) for label, exact, log in counts]
    body = "".join(f"<tr><th style=\"text-align:left\">{html.escape(label)}</th>"
                   f"<td style=\"text-align:left\">{html.escape(text)}</td></tr>"
                   for label, text in rows)
    return f"<table>{body}</table>"


#: Items of a tuple shown before the rest is elided.
SHOWN_ITEMS = 4


def short_item(value: Any) -> str:
    """Any field of a result, briefly: numbers cut, long tuples elided, results nested.

    >>> short_item((mpmath.mpf(1) / 3,) * 6)
    '(0.333333333333…, 0.333333333333…, 0.333333333333…, 0.333333333333…, … 6 items)'
    """
    if isinstance(value, ShortDisplay):
        return repr(value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return repr(value)
    if isinstance(value, int | mpmath.mpf):
        return short_number(value)
    if isinstance(value, Fraction):
        text = str(value)
        return text if len(text) <= 30 else short_number(mpmath.mpf(value.numerator)
                                                         / value.denominator)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple | list):
        shown = [short_item(item) for item in value[:SHOWN_ITEMS]]
        if len(value) > SHOWN_ITEMS:
            shown.append(f"… {len(value)} items")
        return "(" + ", ".join(shown) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return f"{{… {len(value)} entries}}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ShortDisplay:
    """Mixin for result dataclasses: a short ``repr`` and an HTML table for Jupyter.

    The full values stay in the attributes; only what is *shown* is abbreviated.
    Decorate subclasses with ``@dataclass(repr=False)`` so that this ``repr`` is kept.
    """

    def _shown_fields(self) -> list[tuple[str, str]]:
        return [(f.name, short_item(getattr(self, f.name)))
                for f in dataclasses.fields(self)  # type: ignore[arg-type]
                if f.repr]

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={text}" for name, text in self._shown_fields())
        return f"{type(self).__name__}({inner})"

    def _repr_html_(self) -> str:
        body = "".join(f"<tr><th style=\"text-align:left\">{html.escape(name)}</th>"
                       f"<td style=\"text-align:left\">{html.escape(text)}</td></tr>"
                       for name, text in self._shown_fields())
        return (f"<table><caption style=\"text-align:left\">{type(self).__name__}</caption>"
                f"{body}</table>")
