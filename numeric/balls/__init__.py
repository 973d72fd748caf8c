"""Rigorous ball arithmetic (Arb, through python-flint): enclosures of the theory's numbers.

An Arb ball ``[m ± r]`` is guaranteed to contain the exact value it stands for:
every operation rounds its midpoint and enlarges its radius so that no rounding
error is lost.  The functions of this package return such balls for the
quantities that ``focalrd eval`` prints — one function per mathematical object,
as in :mod:`focalrd.numeric`:

* :mod:`.phi` — φ_γ(p) and |φ_γ'(p)|;
* :mod:`.tau` — t = ln(1/τ_γ(d)) by interval Newton on the defining equation;
* :mod:`.c_gamma` — the maximiser p* and c_γ (global maximum isolated by branch and
  bound, then interval Newton);
* :mod:`.source` — H, V, Q⁻¹ and the normal approximation;
* :mod:`.focal_entropy` — F_γ, its minimiser and multiplier, enclosed a posteriori
  from the KKT conditions;
* :mod:`.oneshot` — the tilted-information converse;
* :mod:`.saddlepoint` — the saddlepoint APPROXIMATION's own value (its saddlepoint,
  thresholds and Lugannani–Rice tails), not D* or ε* themselves;
* :mod:`.hgamma` — h_γ(k) and its maximiser for k ≤ 4 (isolated by branch and bound,
  unique by strict concavity, enclosed by interval Newton);
* :mod:`.digits` — which decimal digits a ball proves (and its ends, rounded outward).

Precision is set in one place, :func:`.arith.working_bits`; inputs are exact
(``Fraction``, ``int``) and enter as balls that contain them.

python-flint is an optional dependency (the ``rigorous`` extra).  Importing this
package does not import it; :func:`available` says whether it can be imported.
"""

from __future__ import annotations

import importlib.util
from functools import cache

__all__ = ["available"]


@cache
def available() -> bool:
    """Whether python-flint (module ``flint``) is installed; does not import it."""
    try:
        return importlib.util.find_spec("flint") is not None
    except (ImportError, ValueError):  # pragma: no cover - a broken installation
        return False
