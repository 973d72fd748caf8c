"""``focalrd verify``: check every claim and write the reports."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from focalrd.numeric._lazy import lazy_module
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import positive_integer
from focalrd.numeric.limits import MAX_JOBS, check_at_most
from focalrd.numeric.precision import DEFAULT_DPS, MAX_DPS, check_dps
from focalrd.verify.commands import Command, print_outcome
from focalrd.verify.files import check_output_directory

if TYPE_CHECKING:
    from concurrent.futures import Future

# imported when the command runs, not when the CLI starts (``focalrd eval`` never needs
# the runner, its process pools or the report model)
runner = lazy_module("focalrd.verify.runner")
model = lazy_module("focalrd.verify.reporting.model")

EXIT_NOT_MET = 1
T = TypeVar("T")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", metavar="PATTERN", action="append",
                        help="run only the claims whose id matches a glob pattern (several "
                             "comma-separated, or repeat the option), e.g. 'phi.*,tau.bracket'")
    parser.add_argument("--claims", metavar="MODULE_OR_PATH", action="append", default=[],
                        help="also load user claims from a module (dotted import name or a .py "
                             "file); may be repeated")
    parser.add_argument("--dps", default=str(DEFAULT_DPS), metavar="N",
                        help=f"working precision of the checks in decimal digits "
                             f"({MIN_VERIFY_DPS} to {MAX_DPS}; default {DEFAULT_DPS}; the "
                             "checks compare values to a few units of it, which below "
                             f"{MIN_VERIFY_DPS} digits decides nothing)")
    parser.add_argument("--quick", action="store_true",
                        help="reduced effort (fewer samples, coarser grids); every check "
                             "still states what it did")
    parser.add_argument("--seed", default="0", metavar="S",
                        help="seed of the sampled checks (an integer; default 0)")
    parser.add_argument("--jobs", default="1", metavar="J",
                        help="run the checks in J parallel worker processes, longest first "
                             "(default 1, at most 256; the results are those of one process)")
    parser.add_argument("--out", default="reports", metavar="DIR",
                        help="output directory for report.json and the rendered reports "
                             "(default reports/)")
    parser.add_argument("--json", action="store_true",
                        help="also print the report.json document on stdout (and nothing "
                             "else there)")



#: The least --dps of verify: tolerances of a few units in the last place decide nothing
#: at fewer digits (measured: at 3 digits two true claims miss their expectation).
MIN_VERIFY_DPS = 5


def _verify_dps(text: str) -> int:
    dps = check_dps(text)
    if dps < MIN_VERIFY_DPS:
        raise InvalidInputError("dps", f"an integer from {MIN_VERIFY_DPS} to {MAX_DPS}", text)
    return dps

def settings_from_arguments(args: argparse.Namespace) -> runner.RunSettings:
    return runner.RunSettings(dps=_verify_dps(args.dps), quick=bool(args.quick),
                       seed=positive_integer(args.seed, "seed", minimum=None),
                       jobs=check_at_most(positive_integer(args.jobs, "jobs"), MAX_JOBS, "jobs"),
                       only=runner.split_patterns(args.only), claims_modules=tuple(args.claims))


@contextlib.contextmanager
def _stdout_reserved(reserve: bool) -> Iterator[None]:
    """With ``--json``, stdout carries the document alone: during the run, whatever is
    written to stdout (by user claims at import, C code, worker processes) goes to stderr."""
    if not reserve:
        yield
        return
    sys.stdout.flush()
    try:
        saved = os.dup(1)
        os.dup2(2, 1)
    except OSError:  # no usable file descriptor 1: the Python-level redirection suffices
        saved = None
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        if saved is not None:
            os.dup2(saved, 1)
            os.close(saved)


def _from_workers(future: Future | None, compute: Callable[[], T]) -> T:
    """The result of a side task given to the workers, or ``compute()`` here when there
    were no workers or they were replaced before it finished (a check ended one)."""
    from concurrent.futures import CancelledError
    from concurrent.futures.process import BrokenProcessPool

    if future is None:
        return compute()
    try:
        return future.result()
    except (BrokenProcessPool, CancelledError):
        return compute()


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_arguments(args)
    out_dir = check_output_directory(args.out)  # creates nothing: a refused run leaves no trace
    try:
        with runner.interruptible(), _stdout_reserved(args.json):
            # A bad --claims module or --only pattern is a usage error before any worker starts.
            runner.load_claims(settings.claims_modules)
            runner.select_claims(settings.only)
            with runner.worker_pool(settings) as pool:
                from focalrd.verify.reporting import render_reports
                from focalrd.verify.reporting.figures import make_figures
                from focalrd.verify.reporting.reference import compute_table

                # With workers, the figures and the reference table (which do not depend on
                # the checks) are computed by them too, alongside the checks.
                figures = pool.submit(make_figures) if pool is not None else None
                reference = pool.submit(compute_table) if pool is not None else None
                document = runner.run(settings, progress=True, pool=pool)
                for failure in document["load_errors"]:
                    print(f"focalrd: warning: claims module {failure['module']} failed to import "
                          f"({failure['error']}); its checks did not run, so the run does not "
                          f"meet its expectation", file=sys.stderr)
                table = _from_workers(reference, compute_table)
                # A reference value that disagrees with its second method fails the run (exit 1).
                disagreeing = [value.key for value in table.values if not value.agreed]
                # report.json and the rendered reports are installed as one set, or not at
                # all: a failure (exit 2 for an unusable directory, 4 for a bug) or an
                # interrupt leaves the previous set.
                written = render_reports(document, out_dir, reference=table,
                                         figures=_from_workers(figures, make_figures),
                                         report_json=runner.document_json(document).encode("ascii"))
    except runner.RunInterrupted as stop:
        print(f"focalrd: interrupted by {signal.Signals(stop.signum).name}; every worker "
              f"stopped, the reports in {out_dir} are unchanged", file=sys.stderr)
        return 128 + stop.signum
    written = [written[-1], *written[:-1]]  # report.json first in the list shown
    summary = document["summary"]
    lines = [
        f"{model.plural(summary['claims'], 'claim')}: {summary['verified']} verified, "
        f"{summary['refuted']} refuted, {summary['inconclusive']} inconclusive; "
        f"{summary['met']} met their expectation, {summary['not_met']} did not"
        + (f" ({', '.join(summary['not_met_ids'])})" if summary["not_met_ids"] else ""),
        "reports: " + ", ".join(str(p) for p in written),
    ]
    print_outcome(lines, runner.document_json(document) if args.json else None)
    if disagreeing:
        print(f"focalrd: reference values disagree with their second method: "
              f"{', '.join(disagreeing)} (see reference_values.json)", file=sys.stderr)
    return exit_status(summary, disagreeing)


def exit_status(summary: dict, disagreeing: Sequence[str] = ()) -> int:
    """The exit status of a finished run: 0 when every claim met its expectation (an
    inconclusive claim expected to hold does not) and no check module failed to import
    (``summary["not_met"]``, see :func:`focalrd.verify.runner.summarize`), and no reference
    value disagreed with its second method; 1 (:data:`EXIT_NOT_MET`) otherwise."""
    return 0 if summary["not_met"] == 0 and not disagreeing else EXIT_NOT_MET


COMMAND = Command(
    name="verify",
    summary="check every claim of the theory (and user claims) and write report.json",
    description="Run every check of every registered claim and report, per claim, its status "
                "(verified, refuted with a minimised counterexample, or inconclusive with why) "
                "and the evidence: symbolic, certified, exhaustive, sampled or reference.  "
                "Exit status 0 when every claim met its expectation and every reference value "
                "agreed with its second method, 1 otherwise, 2 on usage errors or an unusable "
                "output directory, 4 on an internal error, 130 on Ctrl-C (SIGINT) and 143 on "
                "SIGTERM (every worker stopped, the previous reports left as they were).",
    add_arguments=_add_arguments,
    run=_run,
    order=10,
)
