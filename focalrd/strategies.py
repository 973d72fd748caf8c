"""Hypothesis strategies for the domain objects of focal-loss source coding.

Shared by the test suite and by users writing their own claims
(``from focalrd.strategies import distributions``).  Values are exact
``Fraction``s, as the numeric layer expects.  Append new strategies at the end of
this file (and to ``__all__``); name them for the object they generate.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

__all__ = [
    "binary_sources",
    "codebook_sizes",
    "distortion_levels",
    "distributions",
    "excess_probabilities",
    "focusing_parameters",
    "probabilities",
    "weighted_sources",
]


def focusing_parameters(
    max_value: int = 50, allow_zero: bool = True
) -> st.SearchStrategy[Fraction]:
    """γ ≥ 0 as exact fractions: integers, simple fractions, and small values."""
    low = 0 if allow_zero else 1
    integers = st.integers(min_value=low, max_value=max_value).map(Fraction)
    fractions = st.fractions(min_value=Fraction(low, 1000) if allow_zero else Fraction(1, 1000),
                             max_value=max_value, max_denominator=1000)
    return st.one_of(integers, fractions)


def probabilities(allow_one: bool = True) -> st.SearchStrategy[Fraction]:
    """p ∈ (0, 1] (or (0, 1)) as exact fractions, including values near 0 and 1."""
    inner = st.fractions(min_value=Fraction(1, 10**6), max_value=Fraction(999_999, 10**6),
                         max_denominator=10**6).filter(lambda p: 0 < p < 1)
    return st.one_of(inner, st.just(Fraction(1))) if allow_one else inner


def distortion_levels(max_value: int = 50) -> st.SearchStrategy[Fraction]:
    """d ≥ 0 as exact fractions, from tiny to moderately large."""
    return st.one_of(
        st.just(Fraction(0)),
        st.integers(min_value=-30, max_value=0).map(lambda e: Fraction(10) ** e),
        st.fractions(min_value=0, max_value=max_value, max_denominator=1000),
    )


@st.composite
def distributions(draw: st.DrawFn, min_size: int = 1, max_size: int = 8,
                  allow_zero: bool = False) -> tuple[Fraction, ...]:
    """A probability distribution on {0, …, k−1} with exact rational entries summing to 1."""
    k = draw(st.integers(min_value=min_size, max_value=max_size))
    low = 0 if allow_zero else 1
    weights = draw(st.lists(st.integers(min_value=low, max_value=1000), min_size=k, max_size=k)
                   .filter(lambda w: sum(w) > 0))
    total = sum(weights)
    return tuple(Fraction(w, total) for w in weights)


@st.composite
def binary_sources(draw: st.DrawFn, min_p: Fraction = Fraction(1, 50)) -> tuple[Fraction, ...]:
    """A binary source (1 − p, p) with p in [min_p, 1/2), p ≠ 1/2 (two distinct probabilities)."""
    p = draw(st.fractions(min_value=min_p, max_value=Fraction(49, 100), max_denominator=200))
    return (1 - p, p)


def excess_probabilities() -> st.SearchStrategy[Fraction]:
    """ε ∈ (0, 1) for excess-distortion limits, from 10^-6 to 0.9."""
    return st.one_of(st.sampled_from([Fraction(1, 10**6), Fraction(1, 1000), Fraction(1, 2)]),
                     st.fractions(min_value=Fraction(1, 100), max_value=Fraction(9, 10),
                                  max_denominator=100))


@st.composite
def weighted_sources(draw: st.DrawFn, min_size: int = 1,
                     max_size: int = 6) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
    """A source P and a class-weighting distribution Q of the same length (all Q(x) > 0)."""
    source = draw(distributions(min_size=min_size, max_size=max_size))
    weights = draw(distributions(min_size=len(source), max_size=len(source)))
    return source, weights


def codebook_sizes(max_value: int = 4) -> st.SearchStrategy[int]:
    """A number of codewords M ≥ 1."""
    return st.integers(min_value=1, max_value=max_value)
