"""Monte Carlo of the optimal list code for blocks of n symbols ([n.simulation]).

The optimal (n, M) code for excess distortion covers the S = M·L most likely
sequences, L = ⌊1/τ_γ(nD)⌋ ([n.excess-exact]): each codeword's decoder is the
uniform distribution on a list of L covered sequences, so a covered sequence
gets P̂ = 1/L and focal loss φ_γ(1/L)/n ≤ D, an uncovered one gets P̂ = 0
(loss +∞).

Which sequences are covered, exactly.  Type classes (compositions over the
groups of equal probability, :mod:`.grouping`) are ordered by their exact
per-sequence probability, largest first; compositions of equal probability are
ordered by their count vectors, largest first (lexicographically); inside one
composition, sequences are ordered lexicographically (symbols compared by
index).  The code covers the first S sequences of this order.  Whole classes are
covered or not; for the single partially covered composition a sequence is
covered iff its lexicographic rank is below the covered count r.  The rank is
screened in float64 (as a fraction of the class) and decided in exact integer
arithmetic whenever the screen is within its error bound of r.

Sampling uses the same structure: the composition of X^n is multinomial with
the group masses, and given its composition X^n is uniform on its class (every
sequence there has the same probability), so a sequence is drawn only when its
composition is the partially covered one.  This is the i.i.d. law of X^n, drawn
from a seeded ``numpy.random.Generator`` supplied by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from mpmath import mp

from focalrd.numeric.blocks.classes import type_count
from focalrd.numeric.blocks.grouping import check_blocklength, group_source
from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import distortion_level, focusing_parameter
from focalrd.numeric.oneshot.floors import list_size, list_size_at_most
from focalrd.numeric.phi import phi

__all__ = [
    "BATCH",
    "ListCode",
    "SIMULATION_TYPES_LIMIT",
    "SampleCounts",
    "Simulation",
    "clopper_pearson",
    "covered_count",
    "covered_loss",
    "exact_rank",
    "rank_fraction",
    "simulate_list_code",
]

#: Largest number of type classes the encoder lists (binary sources: any n ≤ 10^5).
SIMULATION_TYPES_LIMIT = 100_000
#: Trials drawn per batch (the progress callback is called after each batch).
BATCH = 10_000

UNCOVERED, COVERED, PARTIAL = 0, 1, 2


@dataclass(frozen=True)
class _Layout:
    """Symbols of positive probability, their groups, and the group multiplicities."""

    symbols: tuple[int, ...]  # original indices, ascending
    group_of: dict[int, int]
    multiplicities: tuple[int, ...]
    numerators: tuple[int, ...]
    group_masses: tuple[Fraction, ...]


def _layout(source: Sequence[Fraction]) -> _Layout:
    grouped = group_source(tuple(Fraction(p) for p in source))
    index = {v: i for i, v in enumerate(grouped.values)}
    symbols = tuple(i for i, p in enumerate(source) if p > 0)
    group_of = {s: index[Fraction(source[s])] for s in symbols}
    return _Layout(symbols, group_of, grouped.multiplicities, grouped.numerators,
                   grouped.group_masses)


class ListCode:
    """The optimal list code covering the ``covered`` most likely sequences of X^n.

    ``status`` of a composition is COVERED, UNCOVERED or PARTIAL (at most one
    composition is partial; ``partial_count`` of its sequences are covered).

    >>> from fractions import Fraction as F
    >>> code = ListCode((F(3, 4), F(1, 4)), 2, 3)      # 00, then 01 and 10 (tied)
    >>> [code.is_covered(x) for x in ((0, 0), (0, 1), (1, 0), (1, 1))]
    [True, True, True, False]
    """

    def __init__(self, source: Sequence[Fraction], n: int, covered: int) -> None:
        self.n = check_blocklength(n)
        self.layout = _layout(source)
        groups = len(self.layout.multiplicities)
        if type_count(groups, n) > SIMULATION_TYPES_LIMIT:
            raise InvalidInputError(
                "n", f"a blocklength with at most {SIMULATION_TYPES_LIMIT} type classes for this "
                     f"source ({groups} distinct probabilities)", n)
        if (n + 1) ** groups >= 1 << 62:  # compositions are keyed by int64 codes
            raise InvalidInputError("source", "at most a few dozen distinct probabilities", groups)
        self.covered = covered
        self.status: dict[tuple[int, ...], int] = {}
        self.partial: tuple[int, ...] | None = None
        self.partial_count = 0
        self.partial_size = 0
        self._build()

    # -- the covered set -----------------------------------------------------------
    def _build(self) -> None:
        comps, sizes = _classes_with_sizes(self.n, self.layout.multiplicities)
        logs = [math.log(a) for a in self.layout.numerators]
        ell = np.array([sum(c * x for c, x in zip(cs, logs, strict=True)) for cs in comps])
        order = [int(i) for i in np.argsort(-ell, kind="stable")]
        # float64 sorts all but near-ties; runs of near-ties are ordered exactly
        tolerance = 1e-9 * (1.0 + float(np.max(np.abs(ell)))) if len(ell) else 0.0
        ordered: list[int] = []
        run = [order[0]]
        for i in order[1:]:
            if ell[run[-1]] - ell[i] <= tolerance:
                run.append(i)
            else:
                ordered.extend(self._exact_order(comps, run))
                run = [i]
        ordered.extend(self._exact_order(comps, run))
        left = self.covered
        for i in ordered:
            size = sizes[i]
            if left >= size:
                self.status[comps[i]] = COVERED
                left -= size
            elif left > 0:
                self.status[comps[i]] = PARTIAL
                self.partial, self.partial_count, self.partial_size = comps[i], left, size
                left = 0
            else:
                self.status[comps[i]] = UNCOVERED

    def _exact_order(self, comps: list[tuple[int, ...]], run: list[int]) -> list[int]:
        if len(run) == 1:
            return run
        nums = self.layout.numerators

        def weight(cs: tuple[int, ...]) -> int:
            return math.prod(a**c for a, c in zip(nums, cs, strict=True))

        return sorted(run, key=lambda i: (-weight(comps[i]), tuple(-c for c in comps[i])))

    # -- one sequence ----------------------------------------------------------------
    def composition(self, sequence: Sequence[int]) -> tuple[int, ...]:
        counts = [0] * len(self.layout.multiplicities)
        for s in sequence:
            if s not in self.layout.group_of:
                raise InvalidInputError("sequence", "symbols of positive probability", s)
            counts[self.layout.group_of[s]] += 1
        return tuple(counts)

    def is_covered(self, sequence: Sequence[int]) -> bool:
        """Whether the code covers ``sequence`` (decided exactly)."""
        comp = self.composition(sequence)
        state = self.status[comp]
        if state != PARTIAL:
            return state == COVERED
        return self._partial_covered(np.asarray(sequence, dtype=np.int64), comp)[0]

    def _partial_covered(self, seq: np.ndarray, comp: tuple[int, ...]) -> tuple[bool, bool]:
        """(covered, decided exactly) for a sequence of the partially covered composition."""
        u = rank_fraction(seq, comp, self.layout)
        threshold = self.partial_count / self.partial_size
        margin = (1e-13 * self.n + 1e-12) * max(u, threshold) + 1e-290
        if abs(u - threshold) > margin:
            return u < threshold, False
        return exact_rank(seq, comp, self.layout) < self.partial_count, True

    # -- many draws ----------------------------------------------------------------
    def sample_uncovered(self, rng: np.random.Generator, trials: int,
                         progress: Callable[[int], None] | None = None) -> SampleCounts:
        """Draw ``trials`` i.i.d. blocks; count the uncovered ones (excess events)."""
        masses = np.array([float(a) for a in self.layout.group_masses])
        masses /= masses.sum()
        groups = len(masses)
        radix = self.n + 1
        keys = {_key(c, radix): s for c, s in self.status.items()}
        code_keys = np.array(sorted(keys), dtype=np.int64)
        code_status = np.array([keys[k] for k in code_keys], dtype=np.int8)
        uncovered = boundary = exact = done = 0
        while done < trials:
            batch = min(BATCH, trials - done)
            comps = rng.multinomial(self.n, masses, size=batch)
            powers = radix ** np.arange(groups, dtype=np.int64)
            states = code_status[np.searchsorted(code_keys, comps @ powers)]
            uncovered += int(np.count_nonzero(states == UNCOVERED))
            for row in comps[states == PARTIAL]:
                comp = tuple(int(c) for c in row)
                seq = self._draw_in_class(rng, comp)
                covered, decided_exactly = self._partial_covered(seq, comp)
                boundary += 1
                exact += decided_exactly
                uncovered += not covered
            done += batch
            if progress is not None:
                progress(done)
        return SampleCounts(trials, uncovered, boundary, exact)

    def _draw_in_class(self, rng: np.random.Generator, comp: tuple[int, ...]) -> np.ndarray:
        """A uniform sequence of composition ``comp``: shuffled group labels, uniform symbols."""
        labels = rng.permutation(np.repeat(np.arange(len(comp)), comp))
        members = [np.array([s for s in self.layout.symbols if self.layout.group_of[s] == g])
                   for g in range(len(comp))]
        seq = np.empty(self.n, dtype=np.int64)
        for g, symbols in enumerate(members):
            where = labels == g
            seq[where] = symbols[rng.integers(0, len(symbols), size=int(where.sum()))]
        return seq


@dataclass(frozen=True)
class SampleCounts:
    trials: int
    uncovered: int
    boundary: int  # draws that fell in the partially covered composition
    exact_decisions: int  # of those, decided by the exact integer rank


def _key(comp: tuple[int, ...], radix: int) -> int:
    return sum(c * radix**j for j, c in enumerate(comp))


def _classes_with_sizes(n: int, multiplicities: tuple[int, ...]
                        ) -> tuple[list[tuple[int, ...]], list[int]]:
    """Every composition of n over the groups, with its class size (exact integers).

    Binomials are updated incrementally along each loop, so each composition costs
    a few integer operations (``math.comb`` per class would dominate at large n).
    """
    comps: list[tuple[int, ...]] = []
    sizes: list[int] = []
    groups = len(multiplicities)

    def walk(level: int, left: int, prefix: tuple[int, ...], size: int) -> None:
        m = multiplicities[level]
        if level == groups - 1:
            comps.append((*prefix, left))
            sizes.append(size * m**left)
            return
        binom, power = 1, 1
        for c in range(left + 1):
            walk(level + 1, left - c, (*prefix, c), size * binom * power)
            binom = binom * (left - c) // (c + 1)
            power *= m

    walk(0, n, (), 1)
    return comps, sizes


def rank_fraction(seq: np.ndarray, comp: tuple[int, ...], layout: _Layout) -> float:
    """Lexicographic rank of ``seq`` in its composition class, divided by the class size.

    The share of the class whose sequences start with a prefix w is the chance
    that a uniform draw from the class starts with w: a product of factors
    r_g / ((n − i)·m_g), with r_g the count of group g still to place.
    """
    n = len(seq)
    groups = len(comp)
    group_index = np.array([layout.group_of[int(s)] for s in layout.symbols])
    position = {s: i for i, s in enumerate(layout.symbols)}
    sym_pos = np.array([position[int(s)] for s in seq])
    gx = group_index[sym_pos]
    onehot = np.zeros((n, groups))
    onehot[np.arange(n), gx] = 1.0
    used_before = np.cumsum(onehot, axis=0) - onehot
    remaining = np.asarray(comp, dtype=float) - used_before  # r at each position
    left = (n - np.arange(n)).astype(float)
    mult = np.asarray(layout.multiplicities, dtype=float)
    share = remaining[:, group_index] / (left[:, None] * mult[group_index][None, :])
    smaller = np.arange(len(layout.symbols))[None, :] < sym_pos[:, None]
    inner = np.sum(share * smaller, axis=1)
    factor = share[np.arange(n), sym_pos]
    log_prefix = np.concatenate(([0.0], np.cumsum(np.log(factor))[:-1]))
    return float(np.sum(np.exp(log_prefix) * inner))


def exact_rank(seq: Sequence[int] | np.ndarray, comp: tuple[int, ...], layout: _Layout) -> int:
    """Lexicographic rank of ``seq`` among the sequences of its composition (exact)."""
    n = len(seq)
    remaining = list(comp)
    mult = layout.multiplicities
    count = math.factorial(n)
    for g, c in enumerate(comp):
        count = count // math.factorial(c) * mult[g] ** c
    rank = 0
    for i, s in enumerate(seq):
        s = int(s)
        for a in layout.symbols:
            if a >= s:
                break
            g = layout.group_of[a]
            if remaining[g]:
                rank += count * remaining[g] // ((n - i) * mult[g])
        g = layout.group_of[s]
        count = count * remaining[g] // ((n - i) * mult[g])
        remaining[g] -= 1
    return rank


def clopper_pearson(successes: int, trials: int, confidence: float) -> tuple[float, float]:
    """Two-sided Clopper–Pearson interval for a binomial proportion (scipy's beta quantiles).

    >>> lo, hi = clopper_pearson(0, 10, 0.95)      # (0, 1 − 0.025^(1/10))
    >>> lo, round(hi, 6)
    (0.0, 0.308497)
    """
    from scipy.stats import beta

    if not 0 < confidence < 1:
        raise InvalidInputError("confidence", "a number in (0, 1)", confidence)
    alpha = 1 - confidence
    lo = 0.0 if successes == 0 else float(beta.ppf(alpha / 2, successes, trials - successes + 1))
    hi = 1.0 if successes == trials else float(beta.ppf(1 - alpha / 2, successes + 1,
                                                        trials - successes))
    return lo, hi


def covered_count(gamma: Fraction, n: int, codewords: int, d: Fraction,
                  sequences: int | None = None) -> tuple[int, int]:
    """(L, S = M·L) with L = ⌊1/τ_γ(nD)⌋ exact.

    When ``sequences`` (the number of sequences of positive probability) is given,
    L is capped at ⌈sequences / M⌉, which already covers every sequence: the cap
    keeps L small when 1/τ is astronomically large.
    """
    gamma = focusing_parameter(gamma)
    d = distortion_level(d)
    if sequences is None:
        ell = list_size(gamma, n * d)
    else:
        ell = list_size_at_most(gamma, n * d, -(-sequences // codewords))
    return ell, codewords * ell


def covered_loss(gamma: Fraction, n: int, ell: int) -> float:
    """The per-symbol focal loss φ_γ(1/L)/n of a covered sequence (float, for display)."""
    with mp.workdps(30):
        return float(phi(gamma, Fraction(1, ell)) / n)


@dataclass(frozen=True, repr=False)
class Simulation(ShortDisplay):
    """The outcome of :func:`simulate_list_code` (ε* is left to the caller)."""

    n: int
    codewords: int
    list_size: int
    covered: int
    trials: int
    excess: int
    frequency: float
    interval: tuple[float, float]
    confidence: float
    loss_covered: float
    boundary_draws: int
    exact_decisions: int


def simulate_list_code(source: Sequence[Fraction], n: int, codewords: int, d: Fraction,
                       gamma: Fraction, trials: int, rng: np.random.Generator,
                       confidence: float = 0.95,
                       progress: Callable[[int], None] | None = None) -> Simulation:
    """Draw ``trials`` blocks X^n, encode with the optimal list code, count excess events.

    A block is an excess event iff it is not covered (loss +∞ > D); covered blocks
    have loss φ_γ(1/L)/n ≤ D.  Returns the frequency and its Clopper–Pearson
    interval at ``confidence``.

    >>> from fractions import Fraction as F
    >>> sim = simulate_list_code((F(1, 2), F(1, 2)), 4, 2, F(0), 0, 1000,
    ...                          np.random.default_rng(0))
    >>> sim.covered, 0.75 < sim.frequency < 0.93          # eps* = 1 - 2/16
    (2, True)
    """
    n = check_blocklength(n)
    if isinstance(trials, bool) or not isinstance(trials, int) or trials < 1:
        raise InvalidInputError("trials", "an integer >= 1", trials)
    support = sum(1 for p in source if p > 0)
    ell, covered = covered_count(gamma, n, codewords, d, support**n)
    code = ListCode(source, n, covered)
    counts = code.sample_uncovered(rng, trials, progress)
    lo, hi = clopper_pearson(counts.uncovered, trials, confidence)
    return Simulation(n, codewords, ell, covered, trials, counts.uncovered,
                      counts.uncovered / trials, (lo, hi), confidence,
                      covered_loss(gamma, n, ell), counts.boundary, counts.exact_decisions)
