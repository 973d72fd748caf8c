"""``focalrd report``: render report.md / report.html from an existing report.json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.commands import Command

_DEFAULT = "reports"
_PARAMETER = "REPORT_JSON_OR_DIR"
#: Deepest nesting of arrays and objects accepted in a report document (focalrd writes < 20).
MAX_DEPTH = 100
_ACCEPTED = "a report.json written by 'focalrd verify' (or a directory containing one)"


def load_report(source: Path) -> tuple[dict[str, Any], Path]:
    """The report document at ``source`` (a report.json or a directory holding one).

    Refused (InvalidInputError): no such file, invalid UTF-8 or JSON, an integer
    with more digits than Python converts, nesting deeper than :data:`MAX_DEPTH`,
    a string holding a lone surrogate (it cannot be written as UTF-8), or another
    schema.
    """
    path = source / "report.json" if source.is_dir() else source
    if not path.is_file():
        raise InvalidInputError(_PARAMETER, _ACCEPTED, str(source))
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInputError(_PARAMETER, _ACCEPTED + " (valid JSON)",
                                f"{path}: {type(error).__name__}") from None
    except RecursionError:
        raise InvalidInputError(_PARAMETER, _ACCEPTED + f" (nested at most {MAX_DEPTH} deep)",
                                str(path)) from None
    except ValueError as error:  # an integer beyond sys.get_int_max_str_digits()
        raise InvalidInputError(_PARAMETER, _ACCEPTED + " (numbers of at most 4300 digits)",
                                f"{path}: {' '.join(str(error).split())[:80]}") from None
    problem = _structure_problem(document)
    if problem:
        raise InvalidInputError(_PARAMETER, f"{_ACCEPTED}; this one has {problem}", str(path))
    from focalrd.verify.reporting.model import SCHEMA

    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        got = document.get("schema") if isinstance(document, dict) else type(document).__name__
        raise InvalidInputError(_PARAMETER, f"a report with schema {SCHEMA!r}",
                                f"{path}: schema {got!r}")
    return document, path


def _structure_problem(document: Any) -> str | None:
    """What makes ``document`` unrenderable (too deep, a lone surrogate), or None."""
    stack: list[tuple[Any, int, str]] = [(document, 0, "$")]
    while stack:
        value, depth, where = stack.pop()
        if isinstance(value, str):
            if _has_lone_surrogate(value):
                return f"a string with a lone surrogate at {where}"
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                return f"arrays or objects nested more than {MAX_DEPTH} deep"
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in pairs:
                if isinstance(key, str) and _has_lone_surrogate(key):
                    return f"a key with a lone surrogate in {where}"
                stack.append((item, depth + 1, f"{where}[{key!r}]"))
    return None


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", nargs="?", default=_DEFAULT, metavar=_PARAMETER,
                        help="report.json, or a directory containing it (default: reports/)")
    parser.add_argument("--out", metavar="DIR",
                        help="output directory (default: the directory of report.json); "
                             "report.json is copied there if it is elsewhere")
    parser.add_argument("--reference-values", metavar="PATH",
                        help="only recompute the reference-value table and write it to PATH "
                             "(e.g. reports/reference_values.json); refuses to write if an "
                             "independent cross-check disagrees (exit status 1)")


def _run(args: argparse.Namespace) -> int:
    if args.reference_values is not None:
        from focalrd.verify.reporting.reference import main as write_reference_values

        return write_reference_values([_reference_target(args.reference_values)])
    if not str(args.source).strip():
        raise InvalidInputError(_PARAMETER, _ACCEPTED, args.source)
    document, path = load_report(Path(args.source))
    from focalrd.verify.files import check_output_directory

    out_dir = check_output_directory(args.out if args.out is not None else path.parent)
    from focalrd.verify.reporting import render_reports

    # The copy of report.json (when rendering elsewhere) is part of the one set installed.
    copy = None if (out_dir / "report.json").resolve() == path.resolve() else path.read_bytes()
    written = render_reports(document, out_dir, report_json=copy)
    for item in written:
        print(f"wrote {item}")
    return 0


def _reference_target(text: str) -> str:
    """``--reference-values PATH`` checked before the (long) computation."""
    from focalrd.verify.files import check_output_directory

    accepted = "a file path (e.g. reports/reference_values.json) in a writable directory"
    if not text.strip() or text.endswith(("/", "\\")) or Path(text).is_dir():
        raise InvalidInputError("reference-values", accepted + ", not a directory", text)
    check_output_directory(Path(text).parent, parameter="reference-values")
    return text


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
