"""``focalrd benchmark``: time the n-letter limits beside a straightforward summation."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from focalrd.numeric.precision import check_dps
from focalrd.verify.commands import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="reports/benchmarks", metavar="DIR",
                        help="directory for blocks.json and blocks.md (default reports/benchmarks)")
    parser.add_argument("--dps", default="30", metavar="N", help="digits (default 30)")
    parser.add_argument("--budget", default="60", metavar="S",
                        help="skip a baseline estimated to take longer than S seconds (default 60)")


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _run(args: argparse.Namespace) -> int:
    from focalrd.verify import benchmarks

    dps = check_dps(args.dps)
    document = benchmarks.run(dps, float(args.budget),
                              progress=lambda text: print(f"benchmark: {text}", file=sys.stderr))
    out = Path(args.out)
    _write_atomically(out / "blocks.json", json.dumps(document, indent=2) + "\n")
    _write_atomically(out / "blocks.md", benchmarks.markdown(document))
    print(benchmarks.markdown(document))
    return 0


COMMAND = Command(
    name="benchmark",
    summary="time the n-letter excess-distortion limit beside a full summation",
    add_arguments=_add_arguments,
    run=_run,
    order=80,
)
