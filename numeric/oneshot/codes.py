"""The code objects returned by the one-shot excess-distortion functions."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

import mpmath

from focalrd.numeric.display import ShortDisplay

T = TypeVar("T")

#: Tables up to this many rows print like a tuple (longer ones print a summary).
_SHOWN_ROWS = 64


class CodewordTable(Sequence[T]):
    """One entry per codeword, built on demand: a read-only sequence of ``length`` rows.

    A code with M codewords for k symbols uses at most k of them (the others
    receive no symbol and are all alike), and a soft decoder is a whole
    distribution on the k symbols.  Storing every row would take M·k numbers
    (M can be 10^30); the table keeps what defines the rows and builds row
    ``m`` as ``row(m)`` when it is read.  It compares equal to any sequence with
    equal rows (a tuple, say) and prints like a tuple when it is short.

    >>> table = CodewordTable(3, lambda m: (m, m))
    >>> table, len(table), table[-1], table == ((0, 0), (1, 1), (2, 2))
    (((0, 0), (1, 1), (2, 2)), 3, (2, 2), True)
    >>> CodewordTable(10**30, lambda m: m % 10)[-1], CodewordTable(10**30, int).size
    (9, 1000000000000000000000000000000)
    """

    __slots__ = ("_length", "_row")

    def __init__(self, length: int, row: Callable[[int], T]) -> None:
        self._length = length
        self._row = row

    @property
    def size(self) -> int:
        """The number of rows (``len()`` also gives it, up to ``sys.maxsize``)."""
        return self._length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return tuple(self._row(i) for i in range(*index.indices(self._length)))
        index = int(index)  # numpy integers too
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("codeword index out of range")
        return self._row(index)

    def __iter__(self) -> Iterator[T]:
        return (self._row(i) for i in range(self._length))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(other) == self._length and all(a == b for a, b in zip(self, other,
                                                                          strict=True))

    def __hash__(self) -> int:
        if self._length > 1 << 20:
            raise TypeError("a codeword table this long is not hashable")
        return hash(tuple(self))

    def __repr__(self) -> str:
        if self._length <= _SHOWN_ROWS:
            return repr(tuple(self))
        return (f"CodewordTable({self._length} rows: {self._row(0)!r}, {self._row(1)!r}, ..., "
                f"{self._row(self._length - 1)!r})")


__all__ = [
    "ExcessCode",
]


@dataclass(frozen=True, repr=False)
class ExcessCode(ShortDisplay):
    """An (M, d, ε) code, spelled out so that it can be checked by hand.

    ``encoder[x]`` is the codeword (0-based) of symbol x; ``decoders[m]`` is the
    soft reconstruction of codeword m (a distribution on X: exact fractions for
    the unweighted loss, working-precision numbers for the weighted one);
    ``covered[m]`` lists the symbols whose loss under codeword m is ≤ d.
    ``satisfied`` is P[d_γ(X, g(f(X))) ≤ d], exactly, and ``epsilon`` = 1 − satisfied.
    ``decoders`` and ``covered`` have one row per codeword (M rows); they are
    :class:`CodewordTable` sequences, built row by row when read, so that a
    code with astronomically many codewords costs no more than one with k.
    """

    satisfied: Fraction
    encoder: tuple[int, ...]
    decoders: Sequence[tuple[Fraction | mpmath.mpf, ...]]
    covered: Sequence[tuple[int, ...]]

    @property
    def epsilon(self) -> Fraction:
        return 1 - self.satisfied
