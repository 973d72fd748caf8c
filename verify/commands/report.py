"""``focalrd report``: render report.md / report.html from an existing report.json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.commands import Command

_DEFAULT = Path("reports")


def load_report(source: Path) -> tuple[dict[str, Any], Path]:
    """The report document at ``source`` (a report.json or a directory holding one)."""
    path = source / "report.json" if source.is_dir() else source
    accepted = "a report.json written by 'focalrd verify' (or a directory containing one)"
    if not path.is_file():
        raise InvalidInputError("REPORT_JSON_OR_DIR", accepted, str(source))
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInputError("REPORT_JSON_OR_DIR", accepted + " (valid JSON)",
                                f"{path}: {type(error).__name__}") from None
    from focalrd.verify.reporting.model import SCHEMA

    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        got = document.get("schema") if isinstance(document, dict) else type(document).__name__
        raise InvalidInputError("REPORT_JSON_OR_DIR", f"a report with schema {SCHEMA!r}",
                                f"{path}: schema {got!r}")
    return document, path


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", type=Path, default=_DEFAULT,
                        metavar="REPORT_JSON_OR_DIR",
                        help="report.json, or a directory containing it (default: reports/)")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output directory (default: the directory of report.json); "
                             "report.json is copied there if it is elsewhere")
    parser.add_argument("--reference-values", type=Path, metavar="PATH",
                        help="only recompute the reference-value table and write it to PATH "
                             "(e.g. reports/reference_values.json); refuses to write if an "
                             "independent cross-check disagrees (exit status 1)")


def _run(args: argparse.Namespace) -> int:
    if args.reference_values is not None:
        from focalrd.verify.reporting.reference import main as write_reference_values

        return write_reference_values([str(args.reference_values)])
    document, path = load_report(args.source)
    from focalrd.verify.files import prepare_output_directory, write_bytes_atomic

    out_dir = prepare_output_directory(args.out if args.out is not None else path.parent)
    from focalrd.verify.reporting import render_reports

    written = []
    if (out_dir / "report.json").resolve() != path.resolve():
        written.append(write_bytes_atomic(out_dir / "report.json", path.read_bytes()))
    written += render_reports(document, out_dir)
    for item in written:
        print(f"wrote {item}")
    return 0


COMMAND = Command(
    name="report",
    summary="render report.md and report.html (figures, reference values) from a report.json",
    description="Render the human-readable reports from an existing report.json (as written by "
                "'focalrd verify'): report.md, a self-contained report.html (MathML, embedded "
                "figures, no network access needed), figures/*.png (with matplotlib) and "
                "reference_values.json.  With --reference-values PATH, only the reference-value "
                "table is recomputed and written.",
    add_arguments=_add_arguments,
    run=_run,
    order=40,
)
