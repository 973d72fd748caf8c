"""The table behind ``focalrd curves``: D*_γ(n, R, ε) against n (THEORY.md §6).

For every blocklength n of a grid, one row: n; D*_γ for each focusing parameter
γ ([n.dstar-closed-form]); D*_0 (the log loss); the limit max(H − R, 0)
([asymptotic.equivalence]); and the normal approximation
H − R + √(V/n)·Q^{-1}(ε) − (ln n)/(2n) ([n.second-order]).  Every number is a
decimal string confirmed by two evaluations (:func:`focalrd.numeric.precision.reported`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from mpmath import mp

from focalrd.numeric.blocks.excess import distortion_limit
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.numeric.blocks.normal import normal_approximation
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.precision import reported, to_mpf
from focalrd.numeric.source import entropy

__all__ = [
    "DEFAULT_EPS",
    "DEFAULT_GAMMAS",
    "DEFAULT_RATE",
    "DEFAULT_SOURCE",
    "columns",
    "csv_text",
    "curve_row",
    "curve_table",
    "log_grid",
]

DEFAULT_SOURCE = (Fraction(9, 10), Fraction(1, 10))
DEFAULT_GAMMAS = (Fraction(0), Fraction(1), Fraction(2), Fraction(5))
#: About 0.46·H for the default source (H ≈ 0.325 nats), so that D* > 0 at every n.
DEFAULT_RATE = Fraction(3, 20)
DEFAULT_EPS = Fraction(1, 10)


def log_grid(n_max: int, n_min: int = 10) -> list[int]:
    """1-2-5 steps per decade from ``n_min`` up to ``n_max`` (``n_max`` included).

    >>> log_grid(1000)
    [10, 20, 50, 100, 200, 500, 1000]
    """
    if n_max < 1:
        raise InvalidInputError("n-max", "an integer >= 1", n_max)
    grid, decade = [], 1
    while decade <= n_max:
        grid.extend(v for v in (decade, 2 * decade, 5 * decade) if n_min <= v <= n_max)
        decade *= 10
    if not grid or grid[-1] != n_max:
        grid.append(n_max)
    return sorted(set(grid))


def columns(gammas: Sequence[Fraction]) -> list[str]:
    """CSV header: n, one D* column per γ, then the log loss, the limit and the approximation."""
    return (["n"] + [f"dstar_gamma_{g}" for g in gammas]
            + ["dstar_log_loss", "asymptote", "normal_approximation"])


def curve_row(source: Sequence[Fraction], gammas: Sequence[Fraction], n: int, rate: Fraction,
              eps: Fraction, bits: bool = False) -> list:
    """The numbers of one row at the current precision (mpf), in the unit of ``bits``."""
    with mp.workprec(mp.prec + 20):
        unit = mp.ln2 if bits else mp.one
        m = codebook_size(n, rate=rate, bits=bits)
        values = [distortion_limit(source, g, n, m, eps).value / unit for g in gammas]
        values.append(distortion_limit(source, 0, n, m, eps).value / unit)
        r_nats = to_mpf(rate) * unit
        values.append(max(entropy(source) - r_nats, mp.zero) / unit)
        values.append(normal_approximation(source, n, r_nats, eps) / unit)
    return [+v for v in values]


def curve_table(source: Sequence[Fraction], gammas: Sequence[Fraction], ns: Sequence[int],
                rate: Fraction, eps: Fraction, bits: bool = False, dps: int = 15,
                progress: Callable[[int, int], None] | None = None) -> list[list[str]]:
    """Rows of decimal strings (``n`` first), every digit confirmed at ``dps`` digits."""
    rows = []
    for index, n in enumerate(ns):
        values = reported(lambda n=n: curve_row(source, gammas, n, rate, eps, bits), dps)
        rows.append([str(n), *values])
        if progress is not None:
            progress(index + 1, n)
    return rows


def csv_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return "\n".join(",".join(row) for row in [list(header), *rows]) + "\n"


def swept_curve_table(source: Sequence[Fraction], gammas: Sequence[Fraction],
                      ns: Sequence[int], rate: Fraction, eps: Fraction, bits: bool = False,
                      dps: int = 15, progress: Callable[[int, int], None] | None = None,
                      store_path: str | None = None, scheduler: str | None = None,
                      workers: int | None = None) -> list[list[str]]:
    """:func:`curve_table` computed on the machinery of ``focalrd sweep``.

    Every D* and normal-approximation value is a ``focalrd eval`` point (``d-star`` over
    n x gammas and gamma = 0, ``normal-approx`` over n), evaluated on a local Dask
    cluster (in this process when Dask is not installed) and stored in the SQLite store
    ``store_path``: a second run with the same inputs evaluates only what is missing.
    ``progress(done, n)`` is called when every point of a blocklength n is stored.
    """
    import os

    from focalrd.verify.engine import run_items
    from focalrd.verify.quantities._args import exact_text
    from focalrd.verify.store import ResultStore
    from focalrd.verify.sweeps import parse_spec

    common: dict[str, object] = {"source": ",".join(exact_text(p) for p in source),
                                 "rate": exact_text(rate), "eps": exact_text(eps), "dps": dps}
    if bits:
        common["bits"] = True
    all_gammas = list(dict.fromkeys([*gammas, Fraction(0)]))
    specs = [
        parse_spec({"quantity": "d-star", **common,
                    "grid": {"n": [str(n) for n in ns],
                             "gamma": [exact_text(g) for g in all_gammas]}}, "curves"),
        parse_spec({"quantity": "normal-approx", **common,
                    "grid": {"n": [str(n) for n in ns]}}, "curves"),
    ]
    directory, name = os.path.split(store_path or os.path.join("reports", "curves",
                                                               "curves.sqlite"))
    values: dict[tuple[str, str, str | None], str] = {}
    pending = {str(n): 0 for n in ns}
    stores = [ResultStore(directory or ".", spec, filename=name) for spec in specs]
    try:
        todo = []
        for spec, store in zip(specs, stores, strict=True):
            stored = store.rows(spec.points())
            done = {(r["n"], r.get("gamma")) for r in stored if r["status"] == "ok"}
            for point in spec.points():
                if (point.options["n"], point.options.get("gamma")) not in done:
                    todo.append((spec, store, point))
                    pending[str(point.options["n"])] += 1
        finished = [sum(count == 0 for count in pending.values())]  # stored before
        run = stores[0].start_run("focalrd curves", sum(s.total for s in specs), len(todo),
                                  scheduler or "local")

        def on_outcome(item: tuple, outcome: dict) -> None:
            _, store, point = item
            store.record(point, outcome, run)
            n = str(point.options["n"])
            pending[n] -= 1
            if pending[n] == 0 and progress is not None:
                finished[0] += 1
                progress(finished[0], int(n))

        run_items(todo, on_outcome, scheduler, workers)
        stores[0].finish_run(run, len(todo))
        for spec, store in zip(specs, stores, strict=True):
            for row in store.rows(spec.points()):
                if row["status"] != "ok":
                    _raise_stored(row)
                values[(spec.quantity, row["n"], row.get("gamma"))] = row["value"]
    finally:
        for store in stores:
            store.close()
    asymptote = reported(lambda: _asymptote(source, rate, bits), dps)
    rows = []
    for n in ns:
        rows.append([str(n), *[values[("d-star", str(n), exact_text(g))] for g in gammas],
                     values[("d-star", str(n), "0")], asymptote,
                     values[("normal-approx", str(n), None)]])
    return rows


def _asymptote(source: Sequence[Fraction], rate: Fraction, bits: bool):
    with mp.workprec(mp.prec + 20):
        unit = mp.ln2 if bits else mp.one
        return +(max(entropy(source) - to_mpf(rate) * unit, mp.zero) / unit)


def _raise_stored(row: dict) -> None:
    """A stored point that is not ok, raised as the error ``focalrd eval`` would raise."""
    from focalrd.numeric.errors import FocalrdError, PrecisionError

    if row["status"] == "bad-input":
        raise InvalidInputError("curve point", row["message"], None)
    if row["status"] == "precision":
        raise PrecisionError(row["message"])
    raise FocalrdError(f"a curve point failed: {row['message']}")
