"""The largest inputs focalrd accepts, beyond which it refuses instead of working for hours.

Each limit was chosen by measurement (README, "Limits"): at the limit the
command finishes in about a minute or less on a small machine, one step
beyond it is refused with one line naming the parameter and the limit.  The
limits on written numbers and precision live with their parsers
(:data:`focalrd.numeric.exact.MAX_NUMBER_DIGITS`,
:data:`focalrd.numeric.exact.MAX_DECIMAL_EXPONENT`,
:data:`focalrd.numeric.exact.MAX_GAMMA`, :data:`focalrd.numeric.precision.MAX_DPS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from focalrd.numeric.errors import InvalidInputError

#: Largest blocklength n of the n-letter limits, by the number of distinct positive
#: probabilities of the source (one: closed form; two and three: the fixed-point scan
#: over type classes).  Sources with four or more distinct probabilities are summed
#: type by type and refused where that enumeration is too large.
MAX_BLOCKLENGTH = {1: 10**6, 2: 10**10, 3: 10**5}
#: The same for four or more distinct probabilities (whose exact enumeration stops far
#: earlier; the closed-form bounds of avg-d-star go this far).
MAX_BLOCKLENGTH_OTHER = 10**10

#: Largest number of blocks `focalrd simulate` draws.
MAX_TRIALS = 10**6
#: Largest blocklength of `focalrd simulate`.
MAX_SIMULATION_BLOCKLENGTH = 10**6
#: Largest number of blocklengths in one `focalrd curves` table (--n-values, or the
#: points of the --n-max grid).
MAX_CURVE_POINTS = 100
#: Largest number of focusing parameters in one `focalrd curves` table.
MAX_CURVE_GAMMAS = 20
#: Largest --dps of `focalrd eval h-gamma` (a global search refined at full precision).
MAX_HGAMMA_DPS = 1000


def distinct_probabilities(source: Sequence[Fraction]) -> int:
    """The number of distinct positive values of a distribution."""
    return len({p for p in source if p > 0})


def check_blocklength(source: Sequence[Fraction], n: int, parameter: str = "n") -> int:
    """Refuse a blocklength beyond :data:`MAX_BLOCKLENGTH` for this kind of source."""
    kind = distinct_probabilities(source)
    limit = MAX_BLOCKLENGTH.get(kind, MAX_BLOCKLENGTH_OTHER)
    if n > limit:
        words = {1: "one distinct probability", 2: "two distinct probabilities",
                 3: "three distinct probabilities"}.get(kind, f"{kind} distinct probabilities")
        raise InvalidInputError(parameter, f"an integer from 1 to {limit} for a source with "
                                           f"{words} (the limit of this computation)", n)
    return n


#: The most worker processes ``verify --jobs`` and ``selftest --jobs`` start (each is a
#: Python process of ~100 MB: more than this is a typo, not a machine).
MAX_JOBS = 256


def check_at_most(value: int, limit: int, parameter: str, what: str = "an integer") -> int:
    """Refuse ``value`` > ``limit`` with one line naming the parameter and the limit."""
    if value > limit:
        raise InvalidInputError(parameter, f"{what} of at most {limit}", value)
    return value
