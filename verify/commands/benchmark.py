"""``focalrd benchmark``: time the n-letter limits and the one-shot searches beside baselines."""

from __future__ import annotations

import argparse
import json
import os
import sys

from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import exact_number
from focalrd.numeric.precision import check_dps
from focalrd.verify.commands import Command
from focalrd.verify.files import prepare_output_directory, write_text_atomic


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="reports/benchmarks", metavar="DIR",
                        help="directory for {blocks,oneshot,speed,saddlepoint,jobs,rigorous}"
                             ".{json,md} "
                             "(default reports/benchmarks)")
    parser.add_argument("--dps", default="30", metavar="N", help="digits (default 30)")
    parser.add_argument("--budget", default="60", metavar="S",
                        help="skip a baseline estimated to take longer than S seconds (default 60)")
    parser.add_argument("--suite",
                        choices=("blocks", "reach", "oneshot", "speed", "saddlepoint",
                                 "jobs", "rigorous", "all"),
                        default="all",
                        help="blocks: the n-letter K* and the reach of focalrd eval (four to "
                             "six distinct probabilities); reach: only the reach rows, written "
                             "into an existing blocks.{json,md}; oneshot: D*(M), weighted eps* "
                             "and the "
                             "focal entropy; speed: start-up, binary K*, tau, focal entropy and "
                             "ternary K* against their speed targets; saddlepoint: error of the "
                             "saddlepoint and normal approximations of D* (with a figure); jobs: "
                             "focalrd verify --jobs 1 against --jobs 2, full and --quick (also "
                             "refreshes the per-check seconds the runner schedules by); "
                             "rigorous: proven focalrd eval (python-flint balls) against "
                             "confirmed at 30 and 1000 digits, and the certified branch and "
                             "bound on Arb against mpmath iv; all: every suite (default)")


def _single_threaded_blas() -> None:
    """One BLAS thread, if numpy is not imported yet.

    The benchmarks time CPU seconds of this process, which count every thread; OpenBLAS
    threads spin for some milliseconds after numpy's import and after each BLAS call
    (measured: twice the wall time of a Python loop run just after), which inflated the
    rows that followed.
    """
    if "numpy" not in sys.modules:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, "1")


def _run(args: argparse.Namespace) -> int:
    _single_threaded_blas()
    from focalrd.verify import (
        benchmarks,
        benchmarks_jobs,
        benchmarks_oneshot,
        benchmarks_rigorous,
        benchmarks_saddlepoint,
        benchmarks_speed,
    )

    dps = check_dps(args.dps)
    budget = exact_number(args.budget, "budget")
    if not 0 <= budget <= 10**9:  # float(budget) of 1e400 was an OverflowError (exit 4)
        raise InvalidInputError("budget", "a number of seconds from 0 to 1e9", args.budget)
    out = prepare_output_directory(args.out)  # before the work, not after it

    def progress(text: str) -> None:
        print(f"benchmark: {text}", file=sys.stderr)

    suites = {"blocks": (benchmarks.run, benchmarks.markdown),
              "oneshot": (benchmarks_oneshot.run_oneshot, benchmarks_oneshot.markdown_oneshot),
              "speed": (benchmarks_speed.run_speed, benchmarks_speed.markdown_speed),
              "saddlepoint": (benchmarks_saddlepoint.run_saddlepoint,
                              benchmarks_saddlepoint.markdown_saddlepoint),
              "jobs": (benchmarks_jobs.run_jobs, benchmarks_jobs.markdown_jobs),
              "rigorous": (benchmarks_rigorous.run_rigorous,
                           benchmarks_rigorous.markdown_rigorous)}
    if args.suite == "reach":
        return _reach_only(dps, out, progress)
    agree = True
    for name in (suites if args.suite == "all" else (args.suite,)):
        run, render = suites[name]
        document = run(dps, float(budget), progress=progress)
        write_text_atomic(out / f"{name}.json", json.dumps(document, indent=2) + "\n")
        write_text_atomic(out / f"{name}.md", render(document))
        print(render(document))
        if name == "saddlepoint":
            _saddlepoint_figure(document, out)
        agree = agree and document.get("all_agree", True)
    return 0 if agree else 1


def _reach_only(dps: int, out, progress) -> int:
    """Run the reach rows alone and put them into ``out``/blocks.{json,md}."""
    from focalrd.verify import benchmarks, benchmarks_reach

    path = out / "blocks.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InvalidInputError("suite", "reach only after a blocks benchmark has written "
                                "blocks.json in --out", str(path)) from None
    document = benchmarks_reach.merge_reach(document, benchmarks_reach.run_reach(dps, progress))
    write_text_atomic(path, json.dumps(document, indent=2) + "\n")
    write_text_atomic(out / "blocks.md", benchmarks.markdown(document))
    print(benchmarks_reach.markdown_reach(document["reach"]))
    return 0


def _saddlepoint_figure(document, out) -> None:
    from focalrd.verify.benchmarks_figures import saddlepoint_figure
    from focalrd.verify.plots import matplotlib_available

    if matplotlib_available():
        saddlepoint_figure(document, out / "saddlepoint.png")
    else:
        print("benchmark: matplotlib is not installed; saddlepoint.png not drawn",
              file=sys.stderr)


COMMAND = Command(
    name="benchmark",
    summary="time the n-letter limit and the one-shot searches beside straightforward baselines",
    add_arguments=_add_arguments,
    run=_run,
    order=80,
)
