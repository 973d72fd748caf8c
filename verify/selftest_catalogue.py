"""The planted-bug catalogue: small, realistic bugs the verification must refute.

Each :class:`PlantedBug` replaces one function (or method) of the suite by a
subtly wrong version: a wrong exponent, an off-by-one floor, a dropped term, a
relative error of 1e-20, a flipped sign.  ``focalrd selftest`` applies each one
in a fresh ``focalrd verify --quick`` process (see
:mod:`focalrd.verify.selftest_bootstrap`; nothing in the working tree is
modified) and records which claim refuted it.  A bug that no claim refutes is a
hole in the suite.

A bug is applied with :func:`planted` (a context manager that undoes it) or
:func:`apply_bug`: the target attribute is replaced on its module, and every
other ``focalrd`` module that imported the same object by name gets the
replacement too, so ``from focalrd.numeric.phi import phi`` elsewhere sees the
bug.  Functions with an ``lru_cache`` are cleared before and after, so no
result computed with the bug survives it.

``claims`` lists the claims expected to refute the bug; ``focalrd selftest``
runs them first.  ``"reference-values"`` stands for the high-precision
reference table that ``focalrd verify`` writes (each value compared with an
independent evaluation).  ``issue14`` marks the bugs of issue 14's table.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from focalrd.numeric.errors import InvalidInputError

#: ``make(original, module)`` returns the buggy replacement of ``original``.
Maker = Callable[[Any, Any], Any]


@dataclass(frozen=True)
class PlantedBug:
    """One planted bug: ``target`` is ``"module:attribute"`` or ``"module:Class.method"``."""

    id: str
    area: str
    description: str
    target: str
    claims: tuple[str, ...]
    make: Maker | None = None
    issue14: bool = False

    @property
    def module_name(self) -> str:
        return self.target.split(":", 1)[0]

    @property
    def attribute(self) -> str:
        return self.target.split(":", 1)[1]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "area": self.area, "description": self.description,
                "target": self.target, "claims": list(self.claims), "issue14": self.issue14}


# -- helpers for writing bugs --------------------------------------------------------------
def _mp():
    from mpmath import mp
    return mp


def _to_mpf(x):
    from focalrd.numeric.precision import to_mpf
    return to_mpf(x)


def _relative(error_exponent: int, skip_gamma_zero: bool = False) -> Maker:
    """A result off by a relative 10^error_exponent (for γ > 0 only, if asked)."""

    def make(original, module):
        def wrong(*args, **kwargs):
            value = original(*args, **kwargs)
            if skip_gamma_zero and args and args[0] == 0:
                return value
            return value * (1 + _mp().mpf(10) ** error_exponent)
        return wrong
    return make


# -- φ ---------------------------------------------------------------------------------------
def _phi_gamma_plus_one(original, module):
    return lambda gamma, p: original(gamma + 1, p)


def _phi_prime_sign(original, module):
    return lambda gamma, p: -original(gamma, p)


def _phi_prime_drops_s(original, module):
    def wrong(gamma, p):
        if p == 1:
            return original(gamma, p)
        g, _, q, u = module._parts(gamma, p)
        return -(q ** (g - 1)) * (g * u)          # the s = (1 − p)/p term dropped
    return wrong


def _phi_second_half_cross_term(original, module):
    def wrong(gamma, p):
        if p == 1:
            return original(gamma, p)
        g, pp, q, u = module._parts(gamma, p)
        s = q / pp
        return q ** (g - 2) * (g * (g - 1) * u + g * s + s * s)   # 2γs written γs
    return wrong


# -- τ ---------------------------------------------------------------------------------------
def _tau_half_precision(original, module):
    def wrong(gamma, d):
        mp = _mp()
        with mp.workprec(mp.prec // 2):
            t = original(gamma, d)
        return t
    return wrong


def _tau_gamma_ignored(original, module):
    return lambda gamma, d: _to_mpf(d)


def _tau_first_order(original, module):
    def wrong(gamma, d):
        mp = _mp()
        if d == 0 or gamma == 0:
            return original(gamma, d)
        dd = _to_mpf(d)
        return dd + _to_mpf(gamma) * dd * mp.exp(-dd)   # the expansion used as if exact
    return wrong


# -- c_γ -------------------------------------------------------------------------------------
def _c_gamma_start_point(original, module):
    def wrong(gamma):
        if gamma in (0, 1):
            return original(gamma)
        return 1 / (_to_mpf(gamma) + 2)                  # the bracket start, no root search
    return wrong


def _c_gamma_gap_exponent(original, module):
    return lambda g, p: original(g - 1, p)


def _phi_one_plus_p(original, module):
    def wrong(gamma, p):
        if p == 1 or gamma == 0:
            return original(gamma, p)
        return original(0, p) * _to_mpf(1 + Fraction(p)) ** _to_mpf(gamma)   # (1 + p)^γ
    return wrong


def _converse_drops_penalty(original, module):
    def wrong(*args, **kwargs):
        value, beta = original(*args, **kwargs)
        mp = _mp()
        return value + mp.exp(-(beta if beta is not None else 0)), beta   # − e^(−β) dropped
    return wrong


def _tilted_sign(original, module):
    def wrong(gamma, source, x, d):
        value = original(gamma, source, x, d)
        return value + 2 * module.log_inverse_tau(gamma, d)     # ı + ln(1/τ), not ı − ln(1/τ)
    return wrong


def _reweighted_ignores_weights(original, module):
    return lambda source, weights: tuple(Fraction(p) for p in source)


# -- one-shot limits ---------------------------------------------------------------------------
def _oneshot_list_size_ceiling(original, module):
    return lambda gamma, d, bits=False: original(gamma, d, bits) + 1


def _oneshot_excess_drop_last(original, module):
    def wrong(p, gamma, codewords, d, bits=False):
        per = module.list_size_at_most(gamma, d, len(p), bits)
        top = module._ranked(p)[: codewords * per - 1]        # one symbol short
        return 1 - sum((p[x] for x in top), Fraction(0))
    return wrong


def _weighted_size_times_omega(original, module):
    def wrong(p, omega, gamma, d, bits):
        symbols = [x for x in range(len(p)) if p[x] > 0 and omega[x] > 0]
        free = [x for x in range(len(p)) if p[x] > 0 and omega[x] == 0]
        thresholds = [module.threshold_level(gamma, d * omega[x], bits) for x in symbols]
        items = module.Items(tuple(p[x] for x in symbols), tuple(t[0] for t in thresholds),
                             tuple(t[1] for t in thresholds), tuple(omega[x] for x in symbols))
        return items, symbols, free
    return wrong


def _relaxation_one_bin_short(original, module):
    return lambda items, bins: original(items, max(1, bins - 1))


def _average_one_cell_short(original, module):
    return lambda r, gamma, codewords: original(r, gamma, max(1, codewords - 1))


# -- blocks: K*, L*, D*, ε* -------------------------------------------------------------------
def _block_list_size_floor(original, module):
    def wrong(k, m):
        if k.exact is not None and m.exact is not None:
            value = max(1, k.exact // m.exact)                 # ⌊K*/M⌋ instead of ⌈K*/M⌉
            return module.Count(value, module._log_int(value), enumerated=k.enumerated)
        return original(k, m)
    return wrong


def _block_least_count_plus_one(original, module):
    def wrong(source, n, eps):
        count = original(source, n, eps)
        if count.exact is None:
            return count
        return module.Count(count.exact + 1, module._log_int(count.exact + 1),
                            enumerated=count.enumerated)
    return wrong


def _dstar_gamma_ignored(original, module):
    return lambda gamma, log_l: original(0, log_l)


def _dstar_gamma_plus_one(original, module):
    return lambda gamma, log_l: original(gamma + 1, log_l)


def _dstar_log_k(original, module):
    def wrong(source, gamma, n, codewords, eps, **kwargs):
        result = original(source, gamma, n, codewords, eps, **kwargs)
        mp = _mp()
        with mp.workprec(mp.prec + 30):
            k = module.Count(result.K, result.log_K)
            value = module.phi_of_inverse(module.focusing_parameter(gamma), k) / n   # ln K*
        return dataclasses.replace(result, value=+value)
    return wrong


def _limit_offset(original, module):
    def wrong(source, gamma, n, codewords, eps, **kwargs):
        result = original(source, gamma, n, codewords, eps, **kwargs)
        if n < 100:
            return result
        return dataclasses.replace(result, value=result.value + _mp().mpf("0.01"))
    return wrong


def _block_excess_gamma_plus_one(original, module):
    def wrong(source, gamma, n, codewords, d, **kwargs):
        gamma = module.focusing_parameter(gamma)
        return original(source, gamma + 1 if gamma > 0 else gamma, n, codewords, d, **kwargs)
    return wrong


def _excess_per_symbol_level(original, module):
    def wrong(source, gamma, n, codewords, d, **kwargs):
        level = module.distortion_level(d)
        return original(source, gamma, n, codewords, level / n, **kwargs)  # τ(D), not τ(nD)
    return wrong


# -- second order ------------------------------------------------------------------------------
def _normal_log_sign(original, module):
    def wrong(source, n, rate, eps):
        mp = _mp()
        return original(source, n, rate, eps) + mp.log(n) / n    # −ln n/(2n) → +ln n/(2n)
    return wrong


def _dispersion_doubled(original, module):
    return lambda source: 2 * original(source)


def _inverse_q_sign(original, module):
    return lambda eps: -original(eps)


# -- focal entropy -----------------------------------------------------------------------------
def _polish_setup(A, values, g, target_prec):
    """What ``polish`` prepares: the exact inputs at full precision and the γ ∈ ℕ shortcut."""
    whole = int(g) if g.denominator == 1 and g >= 1 else 0
    with A.precision(target_prec):
        return A.exact(g), [A.exact(v) for v in values], whole


def _evaluated_as_is(module, A, weights, a, g_b, whole, y, ell, target_prec):
    """The parts and the plain value Σ w a φ(q) at (y, ℓ), without a step at the target."""
    with A.precision(target_prec):
        parts = module._kkt_pass(A, weights, a, g_b, whole, y, ell, True, True)
        return parts, ell, module._value(A, weights, parts)


def _polish_one_step(original, module):
    def wrong(A, weights, values, g, y, ell, target_prec, value_only=False, y_float=None):
        g_b, a, whole = _polish_setup(A, values, g, target_prec)
        for prec in module._ladder(target_prec)[:-1]:   # one step per rung, none at the target
            with A.precision(prec):
                parts = module._kkt_pass(A, weights, a, g_b, whole, y, ell, True, False)
                step = module._exact_step(A, weights, parts, ell, False)
                y = [yx + s for yx, s in zip(y, step.dy, strict=True)]
                ell = ell + step.d_ell
        return _evaluated_as_is(module, A, weights, a, g_b, whole, y, ell, target_prec)
    return wrong


def _unpolished(module):
    def skipped(A, weights, values, g, y, ell, target_prec, value_only=False, y_float=None):
        g_b, a, whole = _polish_setup(A, values, g, target_prec)
        # the float64 start, evaluated as it is
        return _evaluated_as_is(module, A, weights, a, g_b, whole, y, ell, target_prec)
    return skipped


def _polish_skipped(original, module):
    return _unpolished(module)


def _kkt_residual_zero(original, module):
    polishing = importlib.import_module(f"{N}.oneshot._focal_polish")

    def wrong(values, counts, gamma):
        polish = polishing.polish
        polishing.polish = _unpolished(polishing)
        try:
            solution = original(values, counts, gamma)
        finally:
            polishing.polish = polish
        return dataclasses.replace(solution, kkt_residual=_mp().zero)
    return wrong


def _minimizer_reversed(original, module):
    def wrong(values, counts, gamma):
        solution = original(values, counts, gamma)
        return dataclasses.replace(solution, minimizer=tuple(reversed(solution.minimizer)))
    return wrong


def _log_loss_unnormalised(original, module):
    def wrong(values, counts):
        solution = original(values, counts)
        mp = _mp()
        value = mp.fsum(c * _to_mpf(v) * -mp.log(_to_mpf(v))      # ln(1/a), not ln(Σa/a)
                        for v, c in zip(values, counts, strict=True))
        return dataclasses.replace(solution, value=value)
    return wrong


# -- h_γ ---------------------------------------------------------------------------------------
def _two_level_drops_d(original, module):
    def wrong(d, q, gamma):
        mp = _mp()
        with mp.workprec(mp.prec + module._GUARD_BITS):
            g, qq = _to_mpf(gamma), _to_mpf(q)
            value = module._f(g, 1 - qq) + module._f(g, qq / d)   # the factor d dropped
        return +value
    return wrong


def _hgamma_log_inverted(original, module):
    return lambda source, gamma: -original(source, gamma)          # ln(1/S) instead of ln S


def _formula_d_range(original, module):
    def wrong(k, gamma):
        if k <= 2:
            return original(k, gamma)
        result = original(k - 1, gamma)          # d over [1 : k − 2]: the last d left out
        if result.maximizer is None:
            return result
        return dataclasses.replace(result, maximizer=result.maximizer + (_mp().zero,))
    return wrong


def _s_gamma_exponent(original, module):
    return lambda source, gamma: original(source, module.focusing_parameter(gamma) + 1)


# -- certified branch and bound ----------------------------------------------------------------
def _enclose_at_midpoints(original, module):
    def wrong(upper_bound, lower_bound_at, lo, hi, tolerance, max_boxes=100_000):
        return original(lambda box: lower_bound_at((box[0] + box[1]) / 2), lower_bound_at,
                        lo, hi, tolerance, max_boxes)
    return wrong


def _hgamma_bound_at_midpoint(original, module):
    def wrong(self, lo, hi):
        bound = original(self, lo, hi)
        if bound is None:
            return None
        middle = self.s_lower([(a + b) / 2 for a, b in zip(lo, hi, strict=True)])
        return bound if middle is None else middle
    return wrong


# -- precision confirmation ------------------------------------------------------------------
def _confirmed_without_second(original, module):
    def wrong(evaluate, dps):
        mp = _mp()
        with mp.workdps(module.check_dps(dps)):                 # no guard, no second evaluation
            return module._freeze(evaluate())
    return wrong


def _to_mpf_via_float(original, module):
    def wrong(x):
        if isinstance(x, Fraction):
            return _mp().mpf(float(x))
        return original(x)
    return wrong


# -- the runner's statuses ---------------------------------------------------------------------
def _with_status(record: dict, status: str, module) -> dict:
    met, reason = module._expectation(record["expected"], status)
    return {**record, "status": status, "met": met, "met_reason": reason}


def _runner_refuted_as_verified(original, module):
    def wrong(claim, evidence, seconds, why=None):
        record = original(claim, evidence, seconds, why)
        return _with_status(record, "verified", module) if record["status"] == "refuted" \
            else record
    return wrong


def _runner_refuted_needs_all(original, module):
    def wrong(claim, evidence, seconds, why=None):
        record = original(claim, evidence, seconds, why)
        if record["status"] == "refuted" and not all(e.get("passed") is False for e in evidence):
            return _with_status(record, "inconclusive", module)
        return record
    return wrong


def _runner_expectation_inverted(original, module):
    def wrong(expected, status):
        if expected == "fails":
            return status == "verified", "expected to fail (read as: expected verified)"
        return original(expected, status)
    return wrong


def _noop(original, module):
    def same(*args, **kwargs):
        return original(*args, **kwargs)
    return same


def _bug(id: str, area: str, description: str, target: str, claims: tuple[str, ...],
         make: Maker | None = None, issue14: bool = False) -> PlantedBug:
    return PlantedBug(id, area, description, target, claims, make, issue14)


N = "focalrd.numeric"
#: The bugs declared in this module; :data:`CATALOGUE` adds those of :mod:`focalrd.verify.planted`.
_BASE: tuple[PlantedBug, ...] = (
    # φ
    _bug("phi-exponent-plus-one", "phi", "φ_γ uses the exponent γ + 1: (1 − p)^(γ+1) ln(1/p)",
         f"{N}.phi:phi", ("phi.reduces-to-log", "tau.inverse")),
    _bug("phi-relative-1e-20", "phi", "φ_γ(p) off by a relative 1e-20 for γ > 0",
         f"{N}.phi:phi", ("tau.inverse", "n.dstar-closed-form"), _relative(-20, True)),
    _bug("phi-one-plus-p", "phi", "φ_γ = (1 + p)^γ ln(1/p) (a sign typo in 1 − p)",
         f"{N}.phi:phi", ("phi.monotone-in-gamma", "tau.inverse")),
    _bug("phi-prime-sign", "phi", "φ_γ' with its sign flipped",
         f"{N}.phi:phi_prime", ("phi.decreasing",)),
    _bug("phi-prime-drops-s", "phi", "φ_γ' without the (1 − p)/p term: −(1 − p)^(γ−1)·γu",
         f"{N}.phi:phi_prime", ("phi.decreasing",)),
    _bug("phi-second-cross-term", "phi", "φ_γ'' with γs instead of 2γs in A",
         f"{N}.phi:phi_second", ("phi.convex",)),
    # τ
    _bug("tau-half-precision", "tau", "ln(1/τ_γ(d)) computed at half the working precision",
         f"{N}.tau:log_inverse_tau", ("tau.inverse", "tau.bracket")),
    _bug("tau-gamma-ignored", "tau", "τ_γ(d) = e^(−d) for every γ (the γ = 0 shortcut taken "
         "always)", f"{N}.tau:log_inverse_tau", ("tau.inverse", "tau.bracket")),
    _bug("tau-first-order", "tau", "ln(1/τ) = d + γ d e^(−d): the first-order expansion used "
         "as the value", f"{N}.tau:log_inverse_tau", ("tau.inverse", "tau.expansion")),
    # c_γ
    _bug("c-gamma-no-root-search", "c_gamma", "c_γ maximiser returned at the bracket start "
         "1/(γ + 2), without the root search", f"{N}.c_gamma:c_gamma_maximizer",
         ("c-gamma.values", "phi.gap")),
    _bug("c-gamma-gap-exponent", "c_gamma", "the gap h_γ evaluated with γ − 1: "
         "(1 − (1 − p)^(γ−1)) ln(1/p)", f"{N}.c_gamma:_gap", ("c-gamma.values", "phi.gap")),
    _bug("c-gamma-relative-1e-20", "c_gamma", "c_γ off by a relative 1e-20 (γ ∉ {0, 1})",
         f"{N}.c_gamma:_gap", ("c-gamma.values", "phi.gap"), _relative(-20)),
    # tilted information and weights
    _bug("tilted-information-sign", "one-shot", "ȷ_γ(x, d) = ı(x) + ln(1/τ_γ(d)) (sign of the "
         "second term flipped)", f"{N}.tilted:tilted_information",
         ("tilted.reduces-to-log", "excess.tilted-bounds")),
    _bug("tilted-converse-drops-penalty", "one-shot", "tilted converse without its − e^(−β) "
         "term", f"{N}.oneshot.excess:tilted_converse", ("excess.tilted-bounds",)),
    _bug("reweighted-source-ignores-weights", "one-shot", "the re-weighted source R_X returned "
         "as P_X (the weighting ω dropped)", f"{N}.source:reweighted_source",
         ("avg.weight-absorption", "excess.weighted")),
    # one shot
    _bug("oneshot-list-size-ceiling", "one-shot", "one-shot list size ⌈1/τ⌉ instead of "
         "⌊1/τ⌋ (one symbol too many per codeword)", f"{N}.oneshot.floors:list_size",
         ("excess.exact", "excess.log-loss")),
    _bug("oneshot-excess-one-short", "one-shot", "ε* sums the M·L − 1 most likely symbols "
         "(off by one)", f"{N}.oneshot.excess:excess_exact", ("excess.exact", "excess.log-loss")),
    _bug("weighted-size-times-omega", "one-shot", "weighted bin packing with item sizes "
         "τ(d·ω) instead of τ(d/ω)", f"{N}.oneshot.weighted:packing_items", ("excess.weighted",)),
    _bug("relaxation-one-bin-short", "one-shot", "the fractional bin-packing relaxation "
         "(the weighted converse) fills M − 1 bins", f"{N}.oneshot.packing:fractional_value",
         ("excess.weighted",)),
    _bug("average-one-cell-short", "one-shot", "D*_γ(M) searched over partitions into M − 1 "
         "cells", f"{N}.oneshot.average:optimal_code", ("avg.exact", "avg.sandwich")),
    # blocks
    _bug("block-list-size-floor", "blocks", "L* = ⌊K*/M⌋ instead of ⌈K*/M⌉",
         f"{N}.blocks.excess:list_size_from_count", ("n.dstar-closed-form",)),
    _bug("block-least-count-plus-one", "blocks", "K* one too large (the sequence that "
         "reaches 1 − ε counted twice)", f"{N}.blocks.excess:least_count",
         ("n.dstar-closed-form",)),
    _bug("dstar-gamma-ignored", "blocks", "γ ignored in D*_γ = φ_γ(1/L*)/n (the focal value "
         "equals the log-loss one)", f"{N}.blocks.excess:phi_of_inverse",
         ("n.dstar-closed-form", "asymptotic.equivalence", "n.excess-sandwich",
          "n.second-order"), issue14=True),
    _bug("dstar-gamma-plus-one", "blocks", "γ + 1 used in D*_γ = φ_γ(1/L*)/n",
         f"{N}.blocks.excess:phi_of_inverse",
         ("n.dstar-closed-form", "asymptotic.equivalence", "n.excess-sandwich",
          "n.second-order"), issue14=True),
    _bug("dstar-log-k", "blocks", "ln K* used instead of ln L* in D* (the limit becomes H "
         "instead of H − R)", f"{N}.blocks.excess:distortion_limit",
         ("asymptotic.equivalence", "n.dstar-closed-form", "n.second-order"), issue14=True),
    _bug("limit-plus-0.01", "blocks", "D*(n, R, ε) 0.01 too high for n ≥ 100 (what a wrong "
         "claim 'limit = max(H − R, 0) + 0.01' looks like)", f"{N}.blocks.excess:distortion_limit",
         ("asymptotic.equivalence", "n.second-order"), issue14=True),
    _bug("block-excess-gamma-plus-one", "blocks", "block ε*_γ computed with γ + 1 (γ > 0)",
         f"{N}.blocks.excess:excess_distortion_exact", ("n.excess-sandwich", "n.excess-exact")),
    _bug("excess-per-symbol-level", "blocks", "block ε* with list size ⌊1/τ(D)⌋ instead of "
         "⌊1/τ(nD)⌋", f"{N}.blocks.excess:excess_distortion_exact",
         ("n.excess-exact", "n.excess-sandwich")),
    # second order
    _bug("normal-log-term-sign", "second-order", "sign of the −ln n/(2n) term flipped in the "
         "normal approximation", f"{N}.blocks.normal:normal_approximation", ("n.second-order",),
         issue14=True),
    _bug("dispersion-doubled", "second-order", "dispersion summed over ordered pairs (2V)",
         f"{N}.source:dispersion", ("n.second-order",)),
    _bug("inverse-q-sign", "second-order", "Q^{-1}(ε) with its sign flipped (erfinv(2ε − 1))",
         f"{N}.blocks.normal:inverse_q", ("n.second-order",)),
    # focal entropy
    _bug("focal-entropy-one-step", "focal-entropy", "focal-entropy Newton polish stops after "
         "one step per precision level, none at the target", f"{N}.oneshot._focal_polish:polish",
         ("focal-entropy.unique", "reference-values"), issue14=True),
    _bug("focal-entropy-no-polish", "focal-entropy", "focal entropy returned at the float64 "
         "start (the polish skipped)", f"{N}.oneshot._focal_polish:polish",
         ("focal-entropy.unique", "avg.sandwich")),
    _bug("focal-entropy-value-plain-sum", "focal-entropy", "the focal entropy alone taken as "
         "Σ a φ(q) at the last pass, without the Lagrangian's λ(Σ q − 1) and second-order terms",
         f"{N}.oneshot._focal_polish:_stationary_value", ("focal-entropy.unique",),
         lambda original, module: lambda A, weights, parts, step, g, target:
         module._value(A, weights, parts)),
    _bug("kkt-residual-zero", "focal-entropy", "the KKT residual reported as 0 (hiding a "
         "minimiser left at its float64 start)",
         f"{N}.oneshot.focal_entropy:grouped_solution", ("focal-entropy.unique",), issue14=True),
    _bug("printed-kkt-residual-zero", "focal-entropy", "the KKT residual printed by `eval "
         "focal-entropy` reported as 0 (the minimiser itself correct)",
         "focalrd.verify.quantities.oneshot:_printed_residual", ("focal-entropy.unique",),
         issue14=True),
    _bug("focal-entropy-minimizer-reversed", "focal-entropy", "focal-entropy minimiser "
         "returned in the reverse order of the entries",
         f"{N}.oneshot.focal_entropy:grouped_solution",
         ("focal-entropy.unique", "focal-entropy.structure")),
    _bug("log-loss-entropy-unnormalised", "focal-entropy", "F_0(a) = Σ a ln(1/a), wrong when "
         "Σa ≠ 1 (a cell of a partition)", f"{N}.oneshot.focal_entropy:_log_loss_solution",
         ("avg.exact", "focal-entropy.unique")),
    # h_γ
    _bug("hgamma-two-level-drops-d", "h_gamma", "two-level sum without the factor d: "
         "(1 − q)q^γ + (q/d)(1 − q/d)^γ", f"{N}.entropies.hgamma:two_level_sum",
         ("summary.hgamma-max",)),
    _bug("hgamma-log-inverted", "h_gamma", "H_γ = ln(1/S_γ) instead of ln S_γ",
         f"{N}.entropies.hgamma:hgamma", ("summary.hgamma-monotone", "summary.hgamma-max")),
    _bug("hgamma-formula-d-range", "h_gamma", "the summary's formula maximised over "
         "d ∈ [1 : k − 2] (off by one)", f"{N}.entropies.hgamma:hgamma_max_formula",
         ("summary.hgamma-max",)),
    _bug("hgamma-s-exponent", "h_gamma", "S_γ(P) with the exponent γ + 1",
         f"{N}.entropies.hgamma:s_gamma", ("summary.hgamma-max",)),
    # certified branch and bound
    _bug("bnb-midpoint-bound", "certified", "branch and bound takes the value at a box's "
         "midpoint as its upper bound", "focalrd.verify.certify:enclose_maximum", ("phi.gap",)),
    _bug("hgamma-bnb-midpoint-bound", "certified", "h_γ branch and bound bounds a box by the "
         "value at its centre", f"{N}.entropies.certified:_Search.upper", ("summary.hgamma-max",)),
    # precision
    _bug("confirmed-single-evaluation", "precision", "confirmed() returns one evaluation at the "
         "requested digits, without guard digits or a second evaluation",
         f"{N}.precision:confirmed", ("reference-values",)),
    _bug("to-mpf-via-float", "precision", "exact fractions converted to mpf through float64",
         f"{N}.precision:to_mpf", ("phi.reduces-to-log", "tau.inverse")),
    # runner
    _bug("runner-refuted-as-verified", "runner", "a refuted claim reported as verified",
         "focalrd.verify.runner:claim_record", ("summary.hgamma-monotone",)),
    _bug("runner-refuted-needs-all", "runner", "a claim refuted only when every check refutes "
         "it", "focalrd.verify.runner:claim_record", ("focal-entropy.structure",)),
    _bug("runner-expectation-inverted", "runner", "a claim expected to fail meets its "
         "expectation when verified", "focalrd.verify.runner:_expectation",
         ("summary.hgamma-monotone",)),
)

#: Negative controls: selectable by exact id only, never part of a full run.  A no-op
#: "bug" must survive (the self-test itself can fail).
CONTROLS: tuple[PlantedBug, ...] = (
    _bug("control-no-op", "control", "a wrapper that changes nothing (must survive)",
         f"{N}.phi:phi", ("phi.reduces-to-log",), _noop),
)

#: The makers of the bugs declared without one, by bug id.
_MAKERS: dict[str, Maker] = {
    "phi-exponent-plus-one": _phi_gamma_plus_one,
    "phi-one-plus-p": _phi_one_plus_p,
    "tilted-converse-drops-penalty": _converse_drops_penalty,
    "phi-prime-sign": _phi_prime_sign,
    "tilted-information-sign": _tilted_sign,
    "reweighted-source-ignores-weights": _reweighted_ignores_weights,
    "block-excess-gamma-plus-one": _block_excess_gamma_plus_one,
    "focal-entropy-minimizer-reversed": _minimizer_reversed,
    "hgamma-log-inverted": _hgamma_log_inverted,
    "hgamma-formula-d-range": _formula_d_range,
    "phi-prime-drops-s": _phi_prime_drops_s,
    "phi-second-cross-term": _phi_second_half_cross_term,
    "tau-half-precision": _tau_half_precision,
    "tau-gamma-ignored": _tau_gamma_ignored,
    "tau-first-order": _tau_first_order,
    "c-gamma-no-root-search": _c_gamma_start_point,
    "c-gamma-gap-exponent": _c_gamma_gap_exponent,
    "oneshot-list-size-ceiling": _oneshot_list_size_ceiling,
    "oneshot-excess-one-short": _oneshot_excess_drop_last,
    "weighted-size-times-omega": _weighted_size_times_omega,
    "average-one-cell-short": _average_one_cell_short,
    "relaxation-one-bin-short": _relaxation_one_bin_short,
    "block-list-size-floor": _block_list_size_floor,
    "block-least-count-plus-one": _block_least_count_plus_one,
    "dstar-gamma-ignored": _dstar_gamma_ignored,
    "dstar-gamma-plus-one": _dstar_gamma_plus_one,
    "dstar-log-k": _dstar_log_k,
    "limit-plus-0.01": _limit_offset,
    "excess-per-symbol-level": _excess_per_symbol_level,
    "normal-log-term-sign": _normal_log_sign,
    "dispersion-doubled": _dispersion_doubled,
    "inverse-q-sign": _inverse_q_sign,
    "focal-entropy-one-step": _polish_one_step,
    "focal-entropy-no-polish": _polish_skipped,
    "kkt-residual-zero": _kkt_residual_zero,
    "printed-kkt-residual-zero": lambda original, module: lambda *args, **kwargs: "0",
    "log-loss-entropy-unnormalised": _log_loss_unnormalised,
    "hgamma-two-level-drops-d": _two_level_drops_d,
    "hgamma-s-exponent": _s_gamma_exponent,
    "bnb-midpoint-bound": _enclose_at_midpoints,
    "hgamma-bnb-midpoint-bound": _hgamma_bound_at_midpoint,
    "confirmed-single-evaluation": _confirmed_without_second,
    "to-mpf-via-float": _to_mpf_via_float,
    "runner-refuted-as-verified": _runner_refuted_as_verified,
    "runner-refuted-needs-all": _runner_refuted_needs_all,
    "runner-expectation-inverted": _runner_expectation_inverted,
}


def _planted_modules() -> tuple[PlantedBug, ...]:
    """The bugs of every module of :mod:`focalrd.verify.planted`, in module-name order."""
    from focalrd.verify import planted as package

    bugs: list[PlantedBug] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            bugs += importlib.import_module(f"{package.__name__}.{info.name}").BUGS
    return tuple(bugs)


#: Every catalogued bug: this module's, then those of :mod:`focalrd.verify.planted`.
CATALOGUE: tuple[PlantedBug, ...] = _BASE + _planted_modules()
_duplicates = sorted({b.id for b in CATALOGUE if [c.id for c in CATALOGUE].count(b.id) > 1})
if _duplicates:
    raise RuntimeError(f"planted-bug ids declared twice: {', '.join(_duplicates)}")


def all_bugs() -> tuple[PlantedBug, ...]:
    """The catalogue followed by the controls."""
    return CATALOGUE + CONTROLS


def find_bug(bug_id: str) -> PlantedBug:
    for bug in all_bugs():
        if bug.id == bug_id:
            return bug
    raise InvalidInputError("bug", "the id of a catalogued bug (see focalrd selftest --list)",
                            bug_id)


def select_bugs(patterns: tuple[str, ...] = ()) -> list[PlantedBug]:
    """The catalogued bugs matching any glob (all when none); controls only by exact id."""
    if not patterns:
        return list(CATALOGUE)
    chosen = []
    for pattern in patterns:
        matched = [b for b in CATALOGUE if fnmatch.fnmatchcase(b.id, pattern)]
        matched += [b for b in CONTROLS if b.id == pattern]
        if not matched:
            raise InvalidInputError("only", "glob patterns each matching a catalogued bug id "
                                    "(e.g. 'phi-*,tau-gamma-ignored')", pattern)
        chosen += [b for b in matched if b not in chosen]
    return [b for b in all_bugs() if b in chosen]


# -- applying a bug ---------------------------------------------------------------------------
def _resolve(bug: PlantedBug) -> tuple[Any, Any, str, Any]:
    """(module, owner of the attribute, attribute name, original value)."""
    module = importlib.import_module(bug.module_name)
    owner: Any = module
    *path, name = bug.attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    owner_dict = vars(owner)
    original = owner_dict[name] if name in owner_dict else getattr(owner, name)
    return module, owner, name, original


def _clear_caches() -> None:
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("focalrd.") or module is None:
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and getattr(value, "__module__", "").startswith("focalrd."):
                clear()


def apply_bug(bug: PlantedBug) -> list[tuple[Any, str, Any]]:
    """Plant ``bug``; returns the (owner, name, original) triples that undo it.

    The replacement is set on its module (or class), and on every loaded
    ``focalrd`` module that holds the original object under any name.
    """
    module, owner, name, original = _resolve(bug)
    maker = bug.make if bug.make is not None else _MAKERS[bug.id]
    replacement = maker(original, module)
    undo = [(owner, name, original)]
    setattr(owner, name, replacement)
    if callable(original) and not isinstance(original, type):
        for module_name, other in list(sys.modules.items()):
            if not module_name.startswith("focalrd") or other is None or other is owner:
                continue
            for attr, value in list(vars(other).items()):
                if value is original:
                    undo.append((other, attr, original))
                    setattr(other, attr, replacement)
    _clear_caches()
    return undo


def undo_bug(undo: list[tuple[Any, str, Any]]) -> None:
    for owner, name, original in reversed(undo):
        setattr(owner, name, original)
    _clear_caches()


@contextmanager
def planted(bug: PlantedBug | str) -> Iterator[PlantedBug]:
    """Plant ``bug`` (or the bug with that id) for the duration of the block."""
    if isinstance(bug, str):
        bug = find_bug(bug)
    undo = apply_bug(bug)
    try:
        yield bug
    finally:
        undo_bug(undo)
