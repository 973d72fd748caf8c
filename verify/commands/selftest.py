"""``focalrd selftest``: plant each catalogued bug and check that ``focalrd verify`` refutes it."""

from __future__ import annotations

import argparse
import sys

from focalrd.numeric.exact import positive_integer
from focalrd.numeric.limits import MAX_JOBS, check_at_most
from focalrd.verify.commands import Command, print_outcome
from focalrd.verify.files import prepare_output_directory

EXIT_SURVIVED = 1
DEFAULT_OUT = "reports"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", metavar="BUG_GLOB", action="append",
                        help="test only the bugs whose id matches a glob pattern (several "
                             "comma-separated, or repeat the option), e.g. 'phi-*,dstar-*'; "
                             "a partial run writes files only with an explicit --out")
    parser.add_argument("--jobs", default="1", metavar="J",
                        help="test J bugs at a time, each in its own process (default 1, "
                             "at most 256)")
    parser.add_argument("--out", default=None, metavar="DIR",
                        help=f"directory for selftest.json and selftest.md (default "
                             f"{DEFAULT_OUT}/ for a full run)")
    parser.add_argument("--all-claims", action="store_true",
                        help="run every claim for each bug (default: the claims the catalogue "
                             "lists first, the others only if none of them refutes the bug)")
    parser.add_argument("--list", action="store_true",
                        help="list the catalogued bugs and exit")
    parser.add_argument("--json", action="store_true",
                        help="print the selftest.json document on stdout (and nothing else "
                             "there)")


def _run(args: argparse.Namespace) -> int:
    from focalrd.verify.runner import split_patterns
    from focalrd.verify.selftest import passed, run_selftest, write_documents
    from focalrd.verify.selftest_catalogue import select_bugs

    patterns = split_patterns(args.only)
    bugs = select_bugs(patterns)
    if args.list:
        for bug in bugs:
            print(f"{bug.id:32} {bug.area:14} {bug.description}")
        return 0
    jobs = check_at_most(positive_integer(args.jobs, "jobs"), MAX_JOBS, "jobs")
    out = args.out if args.out is not None else (None if patterns else DEFAULT_OUT)
    if out is not None:
        out = prepare_output_directory(out)  # before the work, not after it

    def progress(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    document = run_selftest(bugs, jobs=jobs, all_claims=args.all_claims,
                            complete=not patterns, progress=progress)
    written = write_documents(document, out) if out is not None else []
    summary = document["summary"]
    lines = [f"selftest: {summary['refuted']} of {summary['bugs']} planted bugs refuted"
             + (f"; survived: {', '.join(summary['survived'])}" if summary["survived"] else "")
             + (f"; only inconclusive: {', '.join(summary['inconclusive'])}"
                if summary["inconclusive"] else "")
             + (f"; errors: {', '.join(summary['errors'])}" if summary["errors"] else "")
             + f" ({summary['seconds']} s)"]
    if written:
        lines.append("reports: " + ", ".join(str(p) for p in written))
    from focalrd.verify.selftest import document_json

    print_outcome(lines, document_json(document) if args.json else None)
    return 0 if passed(document) else EXIT_SURVIVED


COMMAND = Command(
    name="selftest",
    summary="plant each catalogued bug in a fresh verify --quick run and report which claim "
            "refuted it",
    description="The suite tests itself: for each planted bug of the catalogue "
                "(verify/selftest_catalogue.py: a wrong exponent, an off-by-one floor, a dropped "
                "term, a 1e-20 relative error, a flipped sign, a runner status mix-up ...), run "
                "`focalrd verify --quick` in a fresh process with the bug applied at start-up "
                "(nothing on disk is modified) and record which claims refuted it.  Writes "
                "selftest.json and selftest.md (with a fingerprint of the claim checks and the "
                "catalogue).  Exit status 0 when every bug was refuted (and every selected "
                "negative control, e.g. control-no-op, survived), 1 otherwise, 2 on usage "
                "errors.",
    add_arguments=_add_arguments,
    run=_run,
    order=85,
)
