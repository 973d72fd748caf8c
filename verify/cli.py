"""The ``focalrd`` command line.

Subcommands are discovered from :mod:`focalrd.verify.commands`: each module
there defines ``COMMAND``, a :class:`~focalrd.verify.commands.Command`.

Exit status: 0 success; 1 a verification whose claims did not all meet their
expectation; 2 bad input or usage (one line on stderr, no traceback); 3 a value
whose requested digits could not be confirmed; 4 an internal error (a bug: one line,
the traceback with FOCALRD_DEBUG=1).
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence

from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.verify import __version__
from focalrd.verify.commands import discover_commands

EXIT_USAGE = 2
EXIT_PRECISION = 3
EXIT_INTERNAL = 4


class UsageError(InvalidInputError):
    """Raised by the argument parser instead of printing usage and exiting."""

    def __init__(self, message: str) -> None:
        ValueError.__init__(self, message)
        self.parameter, self.accepted, self.got = "arguments", message, None


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``focalrd <cmd>: error: ...``."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: error: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="focalrd",
        description="Verification suite for lossy source coding with focal loss: exact limits, "
        "bounds and machine-checked derivations at arbitrary precision.",
        epilog="Run 'focalrd COMMAND --help' for the options of each command.",
    )
    parser.add_argument("--version", action="version", version=f"focalrd {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for command in discover_commands():
        command_parser = sub.add_parser(
            command.name, help=command.summary,
            description=_wrapped(command.description or command.summary),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(command_parser)
        command_parser.set_defaults(_run=command.run)
    return parser


def _wrapped(text: str, width: int = 79) -> str:
    """Paragraphs (separated by blank lines) wrapped to ``width``; indented lines kept as is."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(p if p.startswith((" ", "\t")) or "\n  " in p
                       else textwrap.fill(" ".join(p.split()), width) for p in paragraphs)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``focalrd`` console script; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            raise UsageError("focalrd: error: a COMMAND is required (see focalrd --help)")
        return int(args._run(args) or 0)
    except UsageError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except InvalidInputError as error:
        print(f"focalrd: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except PrecisionError as error:
        print(f"focalrd: precision error: {error}", file=sys.stderr)
        return EXIT_PRECISION
    except KeyboardInterrupt:
        print("focalrd: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `focalrd derive | head`): stop quietly.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:  # pragma: no cover
            pass
        return 0
    except Exception as error:  # one line for the user; the traceback on request
        if os.environ.get("FOCALRD_DEBUG"):
            raise
        message = " ".join(f"{type(error).__name__}: {error}".split())
        print(f"focalrd: internal error: {message} (please report it; FOCALRD_DEBUG=1 shows "
              "the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
