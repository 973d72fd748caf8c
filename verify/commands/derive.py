"""``focalrd derive [CLAIM_ID ...]``: print the machine-checked derivations of claims."""

from __future__ import annotations

import argparse
import json
import sys

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.commands import Command


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("claims", nargs="*", metavar="CLAIM_ID",
                        help="claim ids to derive (default: every claim with a derivation)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--latex", action="store_true",
                        help="print each derivation as a LaTeX align* environment")
    output.add_argument("--json", action="store_true",
                        help="print one JSON object: claim id -> list of derivations")
    output.add_argument("--list", action="store_true",
                        help="list the claim ids that have derivations, with their titles")


def _selected(requested: list[str]) -> list[str]:
    from focalrd.proofs.index import BUILDERS

    accepted = list(BUILDERS)
    for claim_id in requested:
        if claim_id not in BUILDERS:
            raise InvalidInputError("claim id", "one of " + ", ".join(accepted), claim_id)
    return requested or accepted


def _plain(derivation, out) -> None:
    print(f"{derivation.title}", file=out)
    if derivation.assumptions:
        print(f"  assuming: {'; '.join(derivation.assumptions)}", file=out)
    for number, step in enumerate(derivation.steps, 1):
        print(f"  {number}. {step.description}", file=out)
        print(f"     {_sstr(step.lhs)}  {step.relation}  {_sstr(step.rhs)}", file=out)
        print(f"     [checked: {step.plain_method}]", file=out)
    for name, lemma in derivation.lemmas.items():
        print(f"  lemma '{name}':", file=out)
        for step in lemma.steps:
            print(f"     {_sstr(step.lhs)}  {step.relation}  {_sstr(step.rhs)}"
                  f"   [{step.plain_method}]", file=out)


def _sstr(expr) -> str:
    import sympy as sp

    return sp.sstr(expr)


def _run(args: argparse.Namespace) -> int:
    claim_ids = _selected(list(args.claims))
    from focalrd.proofs.index import BUILDERS, derivations_for

    if args.list:
        for claim_id in claim_ids:
            print(claim_id)
            for build in BUILDERS[claim_id]:
                summary = (build.__doc__ or build.__name__).strip().splitlines()[0]
                print(f"  {build.__module__.rsplit('.', 1)[-1]}.{build.__name__}: {summary}")
        return 0
    derived = {claim_id: derivations_for(claim_id) for claim_id in claim_ids}
    if args.json:
        json.dump({claim_id: [d.as_dict() for d in ds] for claim_id, ds in derived.items()},
                  sys.stdout)
        sys.stdout.write("\n")
        return 0
    from focalrd.verify.docs_links import claim_doc_link

    for claim_id, derivations in derived.items():
        # in LaTeX the claim id is a comment: the output stays valid LaTeX throughout
        link = claim_doc_link(claim_id, "repo")
        if args.latex:
            print(f"% [{claim_id}]" + (f" explained at {link}" if link else ""))
        else:
            print(f"[{claim_id}]" + (f"  (explained at {link})" if link else ""))
        for derivation in derivations:
            if args.latex:
                print(f"% {derivation.title}")
                print(derivation.to_latex())
                for name, lemma in derivation.lemmas.items():
                    print(f"% lemma: {name}")
                    print(lemma.to_latex())
            else:
                _plain(derivation, sys.stdout)
        print()
    return 0


COMMAND = Command(
    name="derive",
    summary="print the machine-checked derivations of claims (plain, LaTeX or JSON)",
    description="Print the sympy derivations supporting claims of the theory (docs/theory/), "
                "step by step, with the way each step was checked.  Every derivation is "
                "rebuilt, so every printed step has just been checked.",
    add_arguments=_add_arguments,
    run=_run,
    order=40,
)
