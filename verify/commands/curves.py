"""``focalrd curves``: D*_γ(n, R, ε) against n, as CSV (and PNG when matplotlib is present)."""

from __future__ import annotations

import argparse
import sys

from focalrd.verify.commands import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", default="0.9,0.1", metavar="P",
                        help="distribution (default 0.9,0.1)")
    parser.add_argument("--gammas", default="0,1,2,5", metavar="G1,G2,...",
                        help="focusing parameters (default 0,1,2,5)")
    parser.add_argument("--rate", default="0.15", metavar="R",
                        help="rate in nats (bits with --bits); M = floor(e^(nR)) (default 0.15)")
    parser.add_argument("--eps", default="0.1", metavar="E", help="epsilon in (0, 1) (default 0.1)")
    grid = parser.add_mutually_exclusive_group()
    grid.add_argument("--n-values", metavar="N1,N2,...", help="blocklengths")
    grid.add_argument("--n-max", metavar="N",
                      help="1-2-5 log grid from 10 to N (default N = 10000)")
    parser.add_argument("--bits", action="store_true", help="rate and distortions in bits")
    parser.add_argument("--out", default="reports/curves", metavar="DIR",
                        help="output directory (default reports/curves)")
    parser.add_argument("--dps", default="15", metavar="N",
                        help="significant digits of every CSV number (default 15)")


def _run(args: argparse.Namespace) -> int:
    from focalrd.numeric.errors import InvalidInputError
    from focalrd.numeric.exact import (
        distortion_level,
        distribution,
        focusing_parameter,
        open_unit_interval,
        parse_list,
        positive_integer,
    )
    from focalrd.numeric.limits import (
        MAX_CURVE_GAMMAS,
        MAX_CURVE_POINTS,
        check_at_most,
        check_blocklength,
    )
    from focalrd.numeric.precision import check_dps
    from focalrd.verify import curves, plots
    from focalrd.verify.files import (
        prepare_output_directory,
        write_bytes_atomic,
        write_text_atomic,
    )

    source = distribution(args.source)
    parse_list(args.gammas, "gammas")  # one message for an empty list or a malformed entry
    gammas = [focusing_parameter(g, "gammas") for g in args.gammas.split(",")]
    if len(set(gammas)) < len(gammas):
        raise InvalidInputError("gammas", "distinct focusing parameters (each gives one column)",
                                args.gammas)
    check_at_most(len(gammas), MAX_CURVE_GAMMAS, "gammas", "a list")
    rate = distortion_level(args.rate, "rate")
    eps = open_unit_interval(args.eps, "eps")
    dps = check_dps(args.dps)
    if args.n_values is not None:
        values = [positive_integer(v, "n-values") for v in parse_list(args.n_values, "n-values")]
        check_at_most(len(values), MAX_CURVE_POINTS, "n-values", "a list")
        ns = sorted(set(values))
        check_blocklength(source, ns[-1], "n-values")
    else:
        n_max = positive_integer("10000" if args.n_max is None else args.n_max, "n-max")
        check_blocklength(source, n_max, "n-max")
        ns = curves.log_grid(n_max)
    out = prepare_output_directory(args.out)  # before the work, not after it
    live = sys.stderr.isatty()

    def progress(done: int, n: int) -> None:
        text = f"curves: n = {n} ({done}/{len(ns)})"
        sys.stderr.write(("\r" + text + ("\n" if done == len(ns) else "")) if live
                         else text + "\n")
        sys.stderr.flush()

    header = curves.columns(gammas)
    # on the sweep machinery: points on a local Dask cluster, kept in out/curves.sqlite
    rows = curves.swept_curve_table(source, gammas, ns, rate, eps, args.bits, dps, progress,
                                    store_path=str(out / "curves.sqlite"))
    csv_path = write_text_atomic(out / "curves.csv", curves.csv_text(header, rows))
    print(csv_path)
    if plots.matplotlib_available():
        unit = "bits" if args.bits else "nats"
        title = (f"P = ({', '.join(str(p) for p in source)}), R = {rate} {unit}, ε = {eps}")
        print(write_bytes_atomic(out / "curves.png", plots.curves_png(header, rows, unit,
                                                                      title)))
    else:
        print("curves: matplotlib is not installed; the PNG was skipped", file=sys.stderr)
    return 0


COMMAND = Command(
    name="curves",
    summary="D*_gamma(n, R, eps) against n beside its limit and normal approximation (CSV, PNG)",
    description="For each blocklength n: the excess-distortion limit D*_gamma(n, R, eps) for "
                "each gamma, the log-loss value (gamma = 0), the limit max(H - R, 0) and the "
                "normal approximation.  Writes curves.csv (every number confirmed to --dps "
                "digits) and curves.png (if matplotlib is installed) into --out, atomically.",
    add_arguments=_add_arguments,
    run=_run,
    order=72,
)
