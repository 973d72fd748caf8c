"""Planted bugs in edge branches of the one-shot quantities (issue 22): the tilted bounds
where an equality is known, list sizes at an exact integer, the ω = 0 weights, equal
probabilities (uniform sources, ties), the bounds of D*, and the ``--bits`` paths.

Each is refuted by a check of :mod:`focalrd.verify.claims.oneshot_edges` or
:mod:`focalrd.verify.claims.equiprobable` (or an older check: the claims listed).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from mpmath import mp

from focalrd.verify.planted._helpers import quantity_compute
from focalrd.verify.selftest_catalogue import PlantedBug, _bug

N = "focalrd.numeric"
Q = "focalrd.verify.quantities"


# -- the tilted bounds -------------------------------------------------------------------------
def _achievability(strict: bool, cap_offset: int):
    def make(original, module):
        def wrong(source, gamma, codewords, d, bits=False):
            p, g, m, dd = module._validated(source, gamma, codewords, d)
            positive = [v for v in p if v > 0]
            cap = max(1, int(1 / (m * min(positive))) + cap_offset)
            size = module.list_size_at_most(g, dd, cap, bits)
            return sum((v for v in positive if (m * size * v < 1 if strict
                                                else m * size * v <= 1)), Fraction(0))
        return wrong
    return make


def _converse(merge_ties: bool, mass_first: bool):
    """tilted_converse with ties taken once, or the class's mass added after its bound."""
    def make(original, module):
        def wrong(source, gamma, codewords, d, bits=False):
            p, g, m, dd = module._validated(source, gamma, codewords, d)
            masses: dict[Fraction, Fraction] = {}
            for v in p:
                if v > 0:
                    masses[v] = masses.get(v, Fraction(0)) + v if merge_ties else v
            with mp.workprec(mp.prec + 20):
                t, exact_t = module.threshold_level(g, dd, bits)
                best, best_beta = mp.zero, None
                mass = Fraction(0)
                for x in sorted(masses):
                    before = mass
                    mass += masses[x]
                    counted = mass if mass_first else before
                    if exact_t is not None:
                        if m * x >= exact_t:
                            break
                        ratio = m * x / exact_t
                        bound, ratio = module.to_mpf(counted - ratio), module.to_mpf(ratio)
                    else:
                        scaled = m * module.to_mpf(x)
                        if not scaled < t:
                            break
                        ratio = scaled / t
                        bound = module.to_mpf(counted) - ratio
                    if bound > best:
                        best, best_beta = bound, -mp.log(ratio)
            return +best, (+best_beta if best_beta is not None else None)
        return wrong
    return make


# -- list sizes ----------------------------------------------------------------------------------
def _list_size_strict(original, module):
    def wrong(gamma, d, bits=False):
        ell = original(gamma, d, bits)
        g, dd = module.focusing_parameter(gamma), module.distortion_level(d)
        if ell > 1 and module.compare_level(g, ell, dd, bits) == 0:
            return ell - 1            # the largest K with φ(1/K) < d: equality excluded
        return ell
    return wrong


def _bits_dropped(original, module):
    return lambda p, gamma, codewords, d, bits=False: original(p, gamma, codewords, d, False)


def _threshold_in_nats(original, module):
    return lambda gamma, level, bits: original(gamma, level, False)


# -- ω = 0 ------------------------------------------------------------------------------------
def _free_symbols_dropped(original, module):
    def wrong(p, omega, gamma, d, bits):
        items, symbols, free = original(p, omega, gamma, d, bits)
        return items, symbols, []      # the always-satisfied symbols forgotten
    return wrong


def _zero_weight_packed(original, module):
    def wrong(p, omega, gamma, d, bits):
        # a division by zero "guarded" with ω or 1: every symbol becomes an item
        guarded = [w if w > 0 else Fraction(1) for w in omega]
        symbols = [x for x in range(len(p)) if p[x] > 0]
        thresholds = [module.threshold_level(gamma, d / guarded[x], bits) for x in symbols]
        items = module.Items(tuple(p[x] for x in symbols), tuple(t[0] for t in thresholds),
                             tuple(t[1] for t in thresholds), tuple(guarded[x] for x in symbols))
        return items, symbols, []
    return wrong


def _weights_unnormalised(original, module):
    def wrong(source, weights):
        source = module.inputs.source(source)
        return tuple(module.weighting(source, weights))      # ω = Q: Σ P·Q not divided out
    return wrong


def _zero_symbols_dropped(original, module):
    def wrong(classes, symbol_cells, gamma, cache):
        result = original(classes, symbol_cells, gamma, cache)
        zeros = set(classes.zeros)
        partition = tuple(tuple(x for x in cell if x not in zeros) for cell in result.partition)
        return dataclasses.replace(result, partition=partition)
    return wrong


# -- equal probabilities -------------------------------------------------------------------------
def _ties_counted_once(original, module):
    def wrong(entries):
        values, counts, group = original(entries)
        return values, [1] * len(counts), group
    return wrong


def _singletons_by_classes(original, module):
    def wrong(r, gamma, codewords):
        classes = module._Classes.of(r)
        if len(classes.values) <= codewords < classes.support:   # classes read as symbols
            return module._singletons(classes, gamma, {})
        return original(r, gamma, codewords)
    return wrong


def _uniform_count(ceiling: bool, alphabet: bool):
    def make(original, module):
        def wrong(source, n, eps):
            source = module.inputs.source(source)
            grouped = module._grouped(source)
            if grouped.groups != 1:
                return original(source, n, eps)
            n, eps = module.inputs.blocklength(n), module.inputs.excess_probability(eps)
            total = (len(source) if alphabet else grouped.support) ** n
            k = (eps.denominator - eps.numerator) * total
            k = -(-k // eps.denominator) if ceiling else k // eps.denominator
            return module.Count(k, module._log_int(k), enumerated=True)
        return wrong
    return make


# -- the bounds of D*_γ(M) -------------------------------------------------------------------------
def _converse_without_c(original, module):
    def wrong(r, gamma, codewords, log_loss_value=None, log_loss_partition=None):
        bounds = original(r, gamma, codewords, log_loss_value, log_loss_partition)
        with mp.workprec(mp.prec + 20):
            dropped = bounds.entropy - mp.log(codewords)        # H(R) − ln M, c_γ dropped
        return dataclasses.replace(bounds, converse=+max(bounds.converse, dropped))
    return wrong


def _round_robin_without_log(original, module):
    def wrong(r, gamma, codewords, log_loss_value=None, log_loss_partition=None):
        bounds = original(r, gamma, codewords, log_loss_value, log_loss_partition)
        with mp.workprec(mp.prec + 20):
            dropped = bounds.entropy - mp.log(codewords)   # ln(1 + M max R) dropped
        return dataclasses.replace(bounds, round_robin_bound=+dropped,
                                   achievability=+min(bounds.achievability, dropped))
    return wrong


# -- focalrd eval --bits ---------------------------------------------------------------------------
def _rate_bits_as_nats(original, module):
    return lambda inputs, bits: original(inputs, False)


def _avg_bounds_in_nats(original, module):
    def wrong(inputs, bits):
        result = original(inputs, bits)
        if bits and inputs["n"] == 1:
            for key in ("converse", "achievability"):
                result[key] = result[key] * mp.ln2      # converted back: printed in nats
        return result
    return wrong


def _focal_entropy_bits_unconverted(original, module):
    return lambda inputs, bits: original(inputs, False)


def _one_entry_multiplier(original, module):
    def wrong(values, counts, gamma, value_only):
        if sum(counts) == 1:      # the gamma = 0 multiplier a |phi_0'(1)| = a for every gamma
            return module.FocalEntropySolution(mp.zero, (mp.one,), module.to_mpf(values[0]),
                                               mp.zero)
        return original(values, counts, gamma, value_only)
    return wrong


E = f"{N}.oneshot.excess"
BUGS: tuple[PlantedBug, ...] = (
    _bug("tilted-achievability-non-strict", "one-shot", "tilted achievability "
         "P[P(X) <= 1/(M L)] (<= for <): looser where P(x) = 1/(M L) exactly",
         f"{E}:tilted_achievability", ("excess.tilted-bounds",), _achievability(False, 1)),
    _bug("tilted-achievability-cap-one-short", "one-shot", "tilted achievability with L capped "
         "at floor(1/(M min P)) (the + 1 dropped): symbols with M L P(x) >= 1 counted",
         f"{E}:tilted_achievability", ("excess.tilted-bounds",), _achievability(True, 0)),
    _bug("tilted-converse-ties-once", "one-shot", "tilted converse with P[P(X) <= v] summing "
         "each tied value once", f"{E}:tilted_converse", ("excess.tilted-bounds",),
         _converse(False, True)),
    _bug("tilted-converse-strict-mass", "one-shot", "tilted converse with P[P(X) < v] - M v/tau "
         "(the class of v added after its bound)", f"{E}:tilted_converse",
         ("excess.tilted-bounds",), _converse(True, False)),
    _bug("list-size-equality-excluded", "one-shot", "L = largest K with phi(1/K) < d: one too "
         "small where 1/tau is an integer (whole bits)", f"{N}.oneshot.floors:list_size",
         ("excess.exact",), _list_size_strict),
    _bug("excess-exact-bits-dropped", "one-shot", "one-shot eps* ignores --bits (d read in "
         "nats)", f"{E}:excess_exact", ("excess.exact",), _bits_dropped),
    _bug("threshold-level-bits-ignored", "one-shot", "tau_gamma(level) in nats whatever the "
         "unit (weighted packing and tilted converse in bits)",
         f"{N}.oneshot.floors:threshold_level", ("excess.weighted", "excess.tilted-bounds"),
         _threshold_in_nats),
    _bug("weighted-free-symbols-dropped", "one-shot", "weighted eps* forgets the symbols with "
         "omega = 0 (always satisfied)", f"{N}.oneshot.weighted:packing_items",
         ("excess.weighted",), _free_symbols_dropped),
    _bug("weighted-zero-weight-packed", "one-shot", "weighted bin packing treats omega = 0 as "
         "omega = 1 (a division by zero guarded with `or 1`)",
         f"{N}.oneshot.weighted:packing_items", ("excess.weighted",), _zero_weight_packed),
    _bug("class-weights-unnormalised", "one-shot", "omega(x) = Q(x), the division by "
         "sum_a P(a) Q(a) dropped", f"{N}.source:class_weights",
         ("avg.weight-absorption", "excess.weighted"), _weights_unnormalised),
    _bug("average-zero-symbols-dropped", "one-shot", "the optimal partition leaves out the "
         "symbols with R(x) = 0 (omega = 0 or P = 0)", f"{N}.oneshot.average:_code",
         ("avg.weight-absorption", "avg.exact"), _zero_symbols_dropped),
    _bug("focal-entropy-ties-counted-once", "focal-entropy", "equal entries of a solved as one "
         "entry (multiplicities dropped)", f"{N}.oneshot.focal_entropy:_distinct",
         ("focal-entropy.unique",), _ties_counted_once),
    _bug("average-singletons-by-classes", "one-shot", "D*_gamma(M) = 0 once M reaches the number "
         "of distinct probabilities (classes confused with symbols)",
         f"{N}.oneshot.average:optimal_code", ("avg.exact",), _singletons_by_classes),
    _bug("uniform-least-count-floor", "blocks", "K* = floor((1 - eps) s^n) for a uniform "
         "source (the ceiling of the closed form taken as a floor)",
         f"{N}.blocks.excess:least_count", ("n.dstar-closed-form",), _uniform_count(False, False)),
    _bug("uniform-least-count-alphabet", "blocks", "the uniform closed form counts every "
         "symbol of the alphabet (s^n with zero-probability symbols)",
         f"{N}.blocks.excess:least_count", ("n.dstar-closed-form",), _uniform_count(True, True)),
    _bug("avg-converse-drops-c-gamma", "one-shot", "the converse H(R) - ln M - c_gamma of "
         "D*_gamma(M) without its c_gamma", f"{N}.oneshot.average_bounds:average_distortion_bounds",
         ("avg.sandwich",), _converse_without_c),
    _bug("avg-round-robin-drops-log", "one-shot", "the round-robin bound H(R) - ln M + "
         "ln(1 + M max R) without its last term",
         f"{N}.oneshot.average_bounds:average_distortion_bounds", ("avg.sandwich",),
         _round_robin_without_log),
    _bug("eval-eps-star-rate-bits-as-nats", "cli", "`eval eps-star --bits --rate R` uses "
         "M = floor(e^R) instead of floor(2^R)", f"{Q}.oneshot:_codewords", ("excess.exact",),
         _rate_bits_as_nats),
    _bug("focal-entropy-one-entry-multiplier", "focal-entropy", "the multiplier of a vector "
         "with one positive entry a taken as a (the gamma = 0 value) for every gamma (it is "
         "a |phi_gamma'(1)| = 0 for gamma > 0)", f"{N}.oneshot.focal_entropy:_grouped",
         ("focal-entropy.unique",), _one_entry_multiplier),
    _bug("eval-focal-entropy-bits-unconverted", "cli", "`eval focal-entropy --bits` prints "
         "F_gamma in nats", f"{Q}.oneshot:QUANTITIES",
         ("focal-entropy.unique", "eval.bits-and-weights"),
         quantity_compute("focal-entropy", _focal_entropy_bits_unconverted)),
    _bug("eval-avg-d-star-bounds-in-nats", "cli", "`eval avg-d-star --bits` prints the converse "
         "and achievability in nats", f"{Q}.oneshot:QUANTITIES",
         ("avg.exact", "eval.bits-and-weights"),
         quantity_compute("avg-d-star", _avg_bounds_in_nats)),
)
