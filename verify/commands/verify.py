"""``focalrd verify``: check every claim and write the reports."""

from __future__ import annotations

import argparse
import sys

from focalrd.numeric.exact import positive_integer
from focalrd.numeric.precision import DEFAULT_DPS, MAX_DPS, check_dps
from focalrd.verify.commands import Command
from focalrd.verify.runner import (
    RunSettings,
    document_json,
    prepare_output_directory,
    run,
    split_patterns,
    write_report,
)

EXIT_NOT_MET = 1


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", metavar="PATTERN", action="append",
                        help="run only the claims whose id matches a glob pattern (several "
                             "comma-separated, or repeat the option), e.g. 'phi.*,tau.bracket'")
    parser.add_argument("--claims", metavar="MODULE_OR_PATH", action="append", default=[],
                        help="also load user claims from a module (dotted import name or a .py "
                             "file); may be repeated")
    parser.add_argument("--dps", default=str(DEFAULT_DPS), metavar="N",
                        help=f"working precision of the checks in decimal digits (1 to "
                             f"{MAX_DPS}; default {DEFAULT_DPS})")
    parser.add_argument("--quick", action="store_true",
                        help="reduced effort (fewer samples, coarser grids); every check "
                             "still states what it did")
    parser.add_argument("--seed", default="0", metavar="S",
                        help="seed of the sampled checks (an integer; default 0)")
    parser.add_argument("--jobs", default="1", metavar="J",
                        help="run claims in J parallel processes (default 1)")
    parser.add_argument("--out", default="reports", metavar="DIR",
                        help="output directory for report.json and the rendered reports "
                             "(default reports/)")
    parser.add_argument("--json", action="store_true",
                        help="also print the report.json document on stdout (and nothing "
                             "else there)")


def settings_from_arguments(args: argparse.Namespace) -> RunSettings:
    return RunSettings(dps=check_dps(args.dps), quick=bool(args.quick),
                       seed=positive_integer(args.seed, "seed", minimum=None),
                       jobs=positive_integer(args.jobs, "jobs"),
                       only=split_patterns(args.only), claims_modules=tuple(args.claims))


def _run(args: argparse.Namespace) -> int:
    settings = settings_from_arguments(args)
    out_dir = prepare_output_directory(args.out)
    document = run(settings, progress=True)
    for failure in document["load_errors"]:
        print(f"focalrd: warning: claims module {failure['module']} failed to import "
              f"({failure['error']}); its checks did not run, so the run does not meet "
              f"its expectation", file=sys.stderr)
    report = write_report(document, out_dir)
    written = [report]
    from focalrd.verify.reporting import render_reports
    from focalrd.verify.reporting.reference import compute_table

    disagreeing: list[str] = []
    try:
        table = compute_table()
        # A reference value that disagrees with its second method fails the run (exit 1).
        disagreeing = [value.key for value in table.values if not value.agreed]
        written += list(render_reports(document, out_dir, reference=table))
    except Exception as error:  # report.json is written; say what else failed
        print(f"focalrd: warning: rendering the reports failed: {type(error).__name__}: "
              f"{' '.join(str(error).split())}", file=sys.stderr)
    summary = document["summary"]
    lines = [
        f"{summary['claims']} claims: {summary['verified']} verified, {summary['refuted']} "
        f"refuted, {summary['inconclusive']} inconclusive; {summary['met']} met their "
        f"expectation, {summary['not_met']} did not"
        + (f" ({', '.join(summary['not_met_ids'])})" if summary["not_met_ids"] else ""),
        "reports: " + ", ".join(str(p) for p in written),
    ]
    if args.json:
        sys.stdout.write(document_json(document))
        for line in lines:
            print(line, file=sys.stderr)
    else:
        for line in lines:
            print(line)
    if disagreeing:
        print(f"focalrd: reference values disagree with their second method: "
              f"{', '.join(disagreeing)} (see reference_values.json)", file=sys.stderr)
    return 0 if summary["not_met"] == 0 and not disagreeing else EXIT_NOT_MET


COMMAND = Command(
    name="verify",
    summary="check every claim of THEORY.md (and user claims) and write report.json",
    description="Run every check of every registered claim and report, per claim, its status "
                "(verified, refuted with a minimised counterexample, or inconclusive with why) "
                "and the evidence: symbolic, certified, exhaustive, sampled or reference.  "
                "Exit status 0 when every claim met its expectation and every reference value "
                "agreed with its second method, 1 otherwise, 2 on usage errors.",
    add_arguments=_add_arguments,
    run=_run,
    order=10,
)
