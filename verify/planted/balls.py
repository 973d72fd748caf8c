"""Planted bugs in the ball enclosures behind ``focalrd eval`` (numeric/balls).

Each is refuted by the checks of :mod:`focalrd.verify.claims.enclosures`, which need
python-flint (the ``rigorous`` extra): a ball that misses the independent value, or
printed digits or an enclosure that disagree with it.
"""

from __future__ import annotations

from focalrd.verify.selftest_catalogue import _bug

B = "focalrd.numeric.balls"


def _newton_centre_only(original, module):
    """Interval Newton returns its starting point as an exact ball: the correction and
    the radius are both dropped."""
    def wrong(function, slope, centre, positive=True):
        original(function, slope, centre, positive)
        return centre
    return wrong


def _newton_radius_dropped(original, module):
    """Interval Newton returns the midpoint of its enclosure: the radius is dropped."""
    def wrong(function, slope, centre, positive=True):
        return original(function, slope, centre, positive).mid()
    return wrong


def _power_radius_dropped(original, module):
    """(1 − p)^γ loses its radius (the rounding of exp and log is forgotten)."""
    def wrong(gamma, p, shift=0):
        return original(gamma, p, shift).mid()
    return wrong


def _lower_rounded_up(original, module):
    """The lower end of an enclosure is rounded towards +∞ (the wrong direction)."""
    def wrong(x, digits, direction):
        return original(x, digits, +1 if direction < 0 else direction)
    return wrong


def _digits_from_lower_end(original, module):
    """The printed digits are the rounding of the ball's lower end, not decided by both."""
    def wrong(lower, upper, dps):
        return original(lower, lower, dps)
    return wrong


def _nearest_truncates(original, module):
    """Rounding to nearest truncates instead (the digits of a value ending in 5-9 drop)."""
    def wrong(x, dps, direction=0):
        if direction == 0:
            direction = -1 if x > 0 else 1   # towards zero
        return original(x, dps, direction)
    return wrong


def _focal_value_radius_dropped(original, module):
    """The focal entropy's ball keeps its midpoint only (the minimiser's spread dropped)."""
    def wrong(a, gamma):
        result = original(a, gamma)
        value = result.value
        return type(result)(value.mid() if hasattr(value, "mid") else value,
                            result.minimizer, result.multiplier)
    return wrong


def _kkt_one_end(original, module):
    """The minimiser's ball is q_x(λ₋)'s alone: one end of the bracket [λ₋, λ₊] dropped."""
    def wrong(y_high, y_low):
        return y_low
    return wrong


def _residual_zero(original, module):
    """The KKT residual of the proven path printed as 0 (whatever the printed digits)."""
    return lambda residual, digits: "0"


BUGS = (
    _bug("ball-newton-centre-only", "balls", "interval Newton returns its starting point as "
         "an exact ball (correction and radius dropped)", f"{B}.tau:interval_newton_root",
         ("tau.inverse", "c-gamma.values"), _newton_centre_only),
    _bug("ball-newton-radius-dropped", "balls", "interval Newton returns the midpoint of its "
         "enclosure (the radius term dropped)", f"{B}.tau:interval_newton_root",
         ("tau.inverse",), _newton_radius_dropped),
    _bug("ball-power-radius-dropped", "balls", "(1 - p)^gamma as a ball loses its radius",
         f"{B}.phi:power_of_complement", ("phi.reduces-to-log",), _power_radius_dropped),
    _bug("ball-lower-end-rounded-up", "balls", "the printed lower end of an enclosure is "
         "rounded towards +infinity (the wrong direction)", f"{B}.digits:outward_text",
         ("tau.inverse", "c-gamma.values"), _lower_rounded_up),
    _bug("ball-digits-from-lower-end", "balls", "printed digits taken from the rounding of the "
         "ball's lower end, not decided by both ends", f"{B}.digits:decided_text",
         ("phi.reduces-to-log",), _digits_from_lower_end),
    _bug("ball-nearest-truncates", "balls", "rounding to the nearest N-digit decimal truncates",
         f"{B}.digits:round_significant", ("tau.inverse", "c-gamma.values"),
         _nearest_truncates),
    _bug("ball-focal-entropy-radius-dropped", "balls", "the focal entropy's ball keeps only "
         "its midpoint", f"{B}.focal_entropy:focal_entropy", ("focal-entropy.unique",),
         _focal_value_radius_dropped),
    _bug("ball-kkt-one-end", "balls", "each KKT minimiser entry enclosed at one end of the "
         "multiplier's bracket only", f"{B}.focal_entropy:_between", ("focal-entropy.unique",),
         _kkt_one_end),
    _bug("ball-printed-kkt-residual-zero", "balls", "the KKT residual printed on the proven "
         "path reported as 0", "focalrd.verify.quantities._proven:_residual_text",
         ("focal-entropy.unique",), _residual_zero),
)
