"""``focalrd benchmark``: time the n-letter limits beside a straightforward summation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from focalrd.numeric.precision import check_dps
from focalrd.verify.commands import Command
from focalrd.verify.files import write_text_atomic


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="reports/benchmarks", metavar="DIR",
                        help="directory for blocks.json and blocks.md (default reports/benchmarks)")
    parser.add_argument("--dps", default="30", metavar="N", help="digits (default 30)")
    parser.add_argument("--budget", default="60", metavar="S",
                        help="skip a baseline estimated to take longer than S seconds (default 60)")


def _run(args: argparse.Namespace) -> int:
    from focalrd.verify import benchmarks

    dps = check_dps(args.dps)
    document = benchmarks.run(dps, float(args.budget),
                              progress=lambda text: print(f"benchmark: {text}", file=sys.stderr))
    out = Path(args.out)
    write_text_atomic(out / "blocks.json", json.dumps(document, indent=2) + "\n")
    write_text_atomic(out / "blocks.md", benchmarks.markdown(document))
    print(benchmarks.markdown(document))
    return 0


COMMAND = Command(
    name="benchmark",
    summary="time the n-letter excess-distortion limit beside a full summation",
    add_arguments=_add_arguments,
    run=_run,
    order=80,
)
