"""Planted bugs in edge branches of the core quantities (issue 22): φ' and φ'' at p = 1,
Q^{-1} in its tails, the dispersion with ties, the h_γ maximisers, and ``--bits`` of
``focalrd eval focal-loss | tau | c-gamma``.

Each is refuted by a check of :mod:`focalrd.verify.claims.core_edges` or
:mod:`focalrd.verify.claims.equiprobable` (the claims listed with the bug).
"""

from __future__ import annotations

import dataclasses

from mpmath import mp

from focalrd.verify.planted._helpers import quantity_compute
from focalrd.verify.selftest_catalogue import PlantedBug, _bug

N = "focalrd.numeric"
Q = "focalrd.verify.quantities"


# -- φ at p = 1 ------------------------------------------------------------------------------
def _phi_prime_limit_for_all(original, module):
    def wrong(gamma, p):
        gamma, p = module._check(gamma, p)
        if p == 1:
            return mp.mpf(-1)          # the gamma = 0 limit, returned for every gamma
        return original(gamma, p)
    return wrong


def _phi_second_limit_small_gamma(original, module):
    def wrong(gamma, p):
        gamma, p = module._check(gamma, p)
        if p == 1 and 0 < gamma < 1:
            return mp.zero             # "else 0": the +infinity of 0 < gamma < 1 forgotten
        return original(gamma, p)
    return wrong


# -- Q^{-1} ------------------------------------------------------------------------------------
# (a Q^{-1} without tail guard bits, and one that rounds ε before its range test, are
# planted as source edits in blocks_edges.py)
def _inverse_q_through_float(original, module):
    def wrong(eps):
        return original(mp.mpf(float(eps)))
    return wrong


# -- the dispersion with ties --------------------------------------------------------------------
def _dispersion_ties_not_merged(original, module):
    def wrong(source):
        masses = {p: p for p in source if p > 0}        # each value's mass taken once
        values = sorted(masses)
        with mp.workprec(mp.prec + 20 + 2 * len(values).bit_length()):
            total = mp.fsum(
                module.to_mpf(masses[a]) * module.to_mpf(masses[b])
                * mp.log1p(module.to_mpf((b - a) / a)) ** 2
                for i, a in enumerate(values) for b in values[i + 1:])
        return +total
    return wrong


# -- h_γ maximisers --------------------------------------------------------------------------------
def _maximizer_levels_swapped(original, module):
    def wrong(k, gamma):
        result = original(k, gamma)
        if result.q is None:
            return result
        q, d = result.q, result.d
        swapped = sorted([q] + [(1 - q) / d] * d + [mp.zero] * (k - 1 - d), reverse=True)
        return dataclasses.replace(result, maximizer=tuple(swapped))
    return wrong


def _search_maximizer_unrefined(original, module):
    def wrong(k, gamma, starts=24, seed=0):
        result = original(k, gamma, starts, seed)
        if result.maximizer is None:
            return result
        start = tuple(mp.mpf(float(x)) for x in result.maximizer)   # the float64 local maximum
        return dataclasses.replace(result, maximizer=start)
    return wrong


# -- focalrd eval --bits ---------------------------------------------------------------------------
def _focal_loss_bits_unconverted(original, module):
    return lambda inputs, bits: original(inputs, False)


def _tau_bits_divided(original, module):
    def wrong(inputs, bits):
        if not bits:
            return original(inputs, bits)
        d = module.nats_to_bits(module.to_mpf(inputs["distortion"]))   # d / ln 2, not d·ln 2
        return {"value": module.tau(inputs["gamma"], d)}
    return wrong


def _c_gamma_bits_times_ln2(original, module):
    def wrong(inputs, bits):
        result = original(inputs, False)
        if bits:
            result["value"] = module.bits_to_nats(result["value"])
        return result
    return wrong


BUGS: tuple[PlantedBug, ...] = (
    _bug("phi-prime-at-one-log-loss-limit", "phi", "φ_γ'(1) returned as −1 for every γ (the "
         "γ = 0 limit of −1/p; for γ > 0 the limit is 0)", f"{N}.phi:phi_prime",
         ("phi.decreasing",), _phi_prime_limit_for_all),
    _bug("phi-second-at-one-small-gamma", "phi", "φ_γ''(1) returned as 0 for 0 < γ < 1 (the "
         "limit is +∞ there)", f"{N}.phi:phi_second", ("phi.convex",),
         _phi_second_limit_small_gamma),
    _bug("inverse-q-through-float", "second-order", "Q^{-1}(ε) of ε converted to float64 first",
         f"{N}.blocks.normal:inverse_q", ("n.second-order",), _inverse_q_through_float),
    _bug("dispersion-ties-not-merged", "second-order", "the dispersion's pairs take each "
         "distinct probability's mass once (ties not summed)", f"{N}.source:_dispersion",
         ("n.second-order",), _dispersion_ties_not_merged),
    _bug("hgamma-maximizer-levels-swapped", "h_gamma", "the formula's maximiser built as "
         "(q, (1 − q)/d, ...) instead of (1 − q, q/d, ...)",
         f"{N}.entropies.hgamma:hgamma_max_formula", ("summary.hgamma-max",),
         _maximizer_levels_swapped),
    _bug("hgamma-search-maximizer-float", "h_gamma", "the global search reports the float64 "
         "local maximum as its maximiser (only the value refined)",
         f"{N}.entropies.hgamma:hgamma_max_search", ("summary.hgamma-max",),
         _search_maximizer_unrefined),
    _bug("eval-focal-loss-bits-unconverted", "cli", "`eval focal-loss --bits` prints the value "
         "in nats", f"{Q}.core:QUANTITIES",
         ("phi.reduces-to-log", "eval.bits-and-weights"),
         quantity_compute("focal-loss", _focal_loss_bits_unconverted)),
    _bug("eval-tau-bits-divided", "cli", "`eval tau --bits` reads d bits as d/ln 2 nats "
         "(nats_to_bits for bits_to_nats)", f"{Q}.core:QUANTITIES",
         ("tau.inverse", "eval.bits-and-weights"),
         quantity_compute("tau", _tau_bits_divided)),
    _bug("eval-c-gamma-bits-times-ln2", "cli", "`eval c-gamma --bits` prints c_γ·ln 2 "
         "(bits_to_nats for nats_to_bits)", f"{Q}.core:QUANTITIES",
         ("c-gamma.values", "eval.bits-and-weights"),
         quantity_compute("c-gamma", _c_gamma_bits_times_ln2)),
)
