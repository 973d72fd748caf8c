"""The output probe of the mutation run: a fixed set of ``focalrd eval`` invocations.

A mutant of ``numeric/`` that changes none of these outputs (stdout, exit status and
the first line of stderr, compared with the unmutated code) is a candidate for
*equivalent for output*; one that changes any of them changes something a user can
see, and is then given to ``focalrd verify --quick`` (:mod:`focalrd.verify.mutation`).
The set is finite: a mutant that leaves it unchanged may still change an output for
other inputs, which is why a mutant counts as probe-equivalent only when some probe
executes the mutated line (a probe that never reaches a line proves nothing about it).
Each probe's own line coverage is measured once on the unmutated code, so a mutant
runs only the probes that execute its line (all of them for a line run at import).

Every quantity is probed with ``--json`` at the default 30 digits, on the inputs of
its examples and on edge values (γ = 0, p = 1, M = 1, ε near 0 and 1, n = 1,
equiprobable and tied sources, weights, ``--bits``).  The whole set costs about 45 CPU
seconds, most of it the saddlepoint approximations.
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Sequence

#: One argument vector of ``focalrd`` per probe (without the program name).
PROBES: tuple[tuple[str, ...], ...] = tuple(tuple(line.split()) + ("--json",) for line in (
    # φ_γ: interior, γ = 0 (log loss), p = 1, fractional γ, bits
    "eval focal-loss --gamma 2 --p 1/3",
    "eval focal-loss --gamma 0 --p 0.2",
    "eval focal-loss --gamma 1/2 --p 1",
    "eval focal-loss --gamma 7/3 --p 0.999 --bits",
    "eval focal-loss --gamma 40 --p 1e-30",
    # τ_γ: the example, d = 0, a small and a large d, γ = 0
    "eval tau --gamma 5 --distortion 3",
    "eval tau --gamma 2 --distortion 0",
    "eval tau --gamma 0 --distortion 1/2",
    "eval tau --gamma 1/2 --distortion 1e-12",
    "eval tau --gamma 3 --distortion 40 --bits",
    # c_γ
    "eval c-gamma --gamma 2",
    "eval c-gamma --gamma 1/4",
    "eval c-gamma --gamma 60",
    # one-shot ε*: the example, M = 1, weights, tied source, bits, block n > 1, d = 0
    "eval eps-star --source 0.5,0.3,0.2 --codewords 1 --distortion 1 --gamma 2",
    "eval eps-star --source 0.5,0.3,0.2 --codewords 2 --distortion 0.4 --gamma 1/2",
    "eval eps-star --source 0.4,0.3,0.2,0.1 --weights 0.1,0.2,0.3,0.4 --codewords 2 "
    "--distortion 0.3 --gamma 2",
    "eval eps-star --source 1/4,1/4,1/4,1/4 --codewords 3 --distortion 0.2 --gamma 0",
    "eval eps-star --source 0.7,0.2,0.1 --codewords 1 --distortion 0.5 --gamma 1 --bits",
    "eval eps-star --source 0.8,0.2 --n 3 --codewords 2 --distortion 0.3 --gamma 2",
    "eval eps-star --source 0.6,0.4 --codewords 1 --distortion 0 --gamma 2",
    # focal entropy
    "eval focal-entropy --source 0.5,0.3,0.2 --gamma 2",
    "eval focal-entropy --source 0.25,0.25,0.25,0.25 --gamma 3",
    "eval focal-entropy --source 0.9,0.1 --gamma 0",
    "eval focal-entropy --source 0.97,0.01,0.01,0.01 --gamma 1/2 --bits",
    "eval focal-entropy --source 0.12345678901234567891,0.3,0.57654321098765432109 --gamma 3",
    # one-shot average D*
    "eval avg-d-star --source 0.4,0.3,0.2,0.1 --codewords 2 --gamma 2",
    "eval avg-d-star --source 0.4,0.3,0.2,0.1 --codewords 1 --gamma 0",
    "eval avg-d-star --source 0.5,0.25,0.125,0.125 --codewords 3 --gamma 5 --bits",
    "eval avg-d-star --source 0.6,0.3,0.1 --weights 0.2,0.3,0.5 --codewords 2 --gamma 1",
    "eval avg-d-star --source 0.8,0.2 --n 4 --codewords 3 --gamma 2",
    # block D*, K*, L*: binary (example), skewed long blocks, ternary, uniform, M = 1,
    # ε near 0 and 1, n = 1, four probabilities, γ = 0, bits
    "eval d-star --source 0.9,0.1 --n 1000 --rate 0.2 --eps 0.1 --gamma 2",
    "eval d-star --source 0.89,0.11 --n 100 --rate 0.3 --eps 0.1 --gamma 2",
    "eval d-star --source 0.95,0.05 --n 3000 --codewords 1 --eps 0.5 --gamma 1",
    "eval d-star --source 0.5,0.3,0.2 --n 40 --rate 0.5 --eps 0.05 --gamma 1/2",
    "eval d-star --source 1/3,1/3,1/3 --n 12 --codewords 5 --eps 0.3 --gamma 2",
    "eval d-star --source 0.7,0.3 --n 1 --codewords 1 --eps 0.5 --gamma 2",
    "eval d-star --source 0.7,0.3 --n 60 --rate 0.1 --eps 1e-10 --gamma 3",
    "eval d-star --source 0.7,0.3 --n 60 --rate 0.1 --eps 0.999 --gamma 3",
    "eval d-star --source 0.4,0.3,0.2,0.1 --n 30 --rate 0.6 --eps 0.2 --gamma 2",
    "eval d-star --source 0.6,0.4 --n 200 --rate 0.4 --eps 0.1 --gamma 0",
    "eval d-star --source 0.8,0.2 --n 150 --rate 0.2 --eps 0.25 --gamma 2 --bits",
    # past exact enumeration: the lattice engine (binary, ternary rows, tails beyond the
    # float range), the many-group engine (four values) and its sorted planes (six values)
    "eval d-star --source 0.9,0.1 --n 20000 --rate 0.2 --eps 0.1 --gamma 2",
    "eval d-star --source 0.9,0.1 --n 9000 --codewords 1 --eps 1e-400 --gamma 2",
    "eval d-star --source 0.5,0.3,0.2 --n 1000 --rate 0.5 --eps 0.1 --gamma 2",
    "eval d-star --source 0.4,0.3,0.2,0.1 --n 300 --rate 0.5 --eps 0.1 --gamma 2",
    "eval d-star --source 6/21,5/21,4/21,3/21,2/21,1/21 --n 40 --rate 0.5 --eps 0.1 "
    "--gamma 1/2",
    "eval eps-star --source 0.9,0.1 --n 9000 --rate 0.2 --distortion 0.1 --gamma 2",
    "eval eps-star --source 0.5,0.3,0.2 --n 600 --rate 0.5 --distortion 0.45 --gamma 2",
    "eval eps-star --source 0.4,0.3,0.2,0.1 --n 200 --rate 0.5 --distortion 0.4 --gamma 2",
    # dispersion: binary, tied, uniform, bits
    "eval dispersion --source 0.9,0.1",
    "eval dispersion --source 0.5,0.25,0.25",
    "eval dispersion --source 0.25,0.25,0.25,0.25",
    "eval dispersion --source 0.7,0.2,0.1 --bits",
    # normal approximation: the example, tiny ε, bits
    "eval normal-approx --source 0.9,0.1 --n 1000 --rate 0.2 --eps 0.1",
    "eval normal-approx --source 0.5,0.3,0.2 --n 500 --rate 0.5 --eps 1e-10",
    "eval normal-approx --source 0.9,0.1 --n 1000 --rate 0.2 --eps 0.9 --bits",
    # h_γ
    "eval h-gamma --alphabet 4 --gamma 10",
    "eval h-gamma --alphabet 2 --gamma 1/2",
    "eval h-gamma --alphabet 5 --gamma 0",
    # saddlepoint approximations
    "eval d-star-saddlepoint --source 0.4,0.3,0.2,0.1 --n 3000 --rate 0.3 --eps 0.1 --gamma 2",
    "eval d-star-saddlepoint --source 0.9,0.1 --n 300 --rate 0.2 --eps 0.3 --gamma 1",
    "eval eps-star-saddlepoint --source 0.4,0.3,0.2,0.1 --n 3000 --rate 0.3 --distortion 1 "
    "--gamma 2",
    "eval eps-star-saddlepoint --source 0.8,0.2 --n 5000 --rate 0.3 --distortion 0.4 --gamma 1/2",
    # bad input takes the refusal paths of numeric/inputs.py
    "eval focal-loss --gamma -1 --p 1/2",
    "eval d-star --source 0.5,0.6 --n 10 --rate 0.2 --eps 0.1 --gamma 1",
))


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if lines else ""


def run_one(argv: Sequence[str]) -> dict[str, object]:
    """Run one ``focalrd`` command in this process: exit status, stdout, first stderr line."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            from focalrd.verify.cli import main as cli_main

            status = cli_main(list(argv))
        except SystemExit as stop:  # argparse refusals
            status = stop.code if isinstance(stop.code, int) else 2
        except Exception as error:  # noqa: BLE001 - a mutant that breaks the import
            status = None
            print(f"{type(error).__name__}: {error}", file=sys.stderr)
    return {"argv": " ".join(argv), "status": status, "stdout": out.getvalue(),
            "stderr": _first_line(err.getvalue())}


def run_probe() -> list[dict[str, object]]:
    """Every probe, in order."""
    return [run_one(argv) for argv in PROBES]


def differences(baseline: Sequence[dict[str, object]], outputs: Sequence[dict[str, object]]
                ) -> list[str]:
    """The probes whose output differs from the baseline (their command lines)."""
    return [str(new["argv"]) for old, new in zip(baseline, outputs, strict=True) if old != new]
