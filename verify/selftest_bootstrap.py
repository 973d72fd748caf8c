"""Run the ``focalrd`` CLI with one planted bug: ``python -m focalrd.verify.selftest_bootstrap``.

Usage: ``python -m focalrd.verify.selftest_bootstrap BUG_ID COMMAND [ARGS...]``,
e.g. ``... phi-prime-sign verify --quick --only phi.decreasing``.  Everything
the command uses (claims, commands, reports) is imported first, then the bug is
planted in this process only (:func:`focalrd.verify.selftest_catalogue.apply_bug`),
then :func:`focalrd.verify.cli.main` runs.  Nothing on disk is modified; run
``verify`` with ``--jobs 1`` (worker processes would start without the bug).

Figures decide no verdict and cost more than half of a short run, so matplotlib
is made unimportable here: the reports are rendered without figures (the
reference values, which can refute a bug, are still computed).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _load_everything() -> None:
    """Import every module a verify run may use, so the bug reaches all of them."""
    from focalrd.verify import reporting  # noqa: F401
    from focalrd.verify.claims import load_all
    from focalrd.verify.commands import discover_commands
    from focalrd.verify.runner import load_claims

    discover_commands()
    load_all()
    load_claims()
    import focalrd.verify.reporting.reference  # noqa: F401


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    sys.modules.setdefault("matplotlib", None)  # type: ignore[arg-type]  # no figures
    if not args:
        print("usage: python -m focalrd.verify.selftest_bootstrap BUG_ID COMMAND [ARGS...]",
              file=sys.stderr)
        return 2
    from focalrd.verify.cli import main as cli_main
    from focalrd.verify.selftest_catalogue import apply_bug, find_bug

    try:
        bug = find_bug(args[0])
    except ValueError as error:
        print(f"focalrd selftest: error: {error}", file=sys.stderr)
        return 2
    _load_everything()
    apply_bug(bug)
    return cli_main(args[1:])


if __name__ == "__main__":
    sys.exit(main())
