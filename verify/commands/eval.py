"""``focalrd eval QUANTITY``: one quantity, every printed digit proven or confirmed.

Which of the two, and the enclosure keys of the JSON document, are decided in one
place: :func:`focalrd.verify.quantities._proven.digits_of`.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import Any

from focalrd.numeric.precision import DEFAULT_DPS, MAX_DPS, check_dps
from focalrd.verify.commands import Command
from focalrd.verify.quantities import Quantity, discover_quantities
from focalrd.verify.quantities._args import exact_text
from focalrd.verify.quantities._proven import digits_of


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = textwrap.fill("Every quantity takes --dps N (significant digits, default "
                     f"{DEFAULT_DPS}, at most {MAX_DPS}), --json (one JSON object on stdout) "
                     "and, where a value has a unit, --bits (bits instead of nats). "
                     "'focalrd eval QUANTITY --help' lists its inputs.", 79)
    sub = parser.add_subparsers(dest="quantity", metavar="QUANTITY",
                                parser_class=type(parser))
    sub.required = True
    for quantity in discover_quantities():
        qp = sub.add_parser(
            quantity.name, help=quantity.summary,
            description=(quantity.summary + (". " + quantity.description
                                             if quantity.description else "")),
            epilog=f"example: {quantity.example}" if quantity.example else None,
        )
        quantity.add_arguments(qp)
        qp.add_argument("--dps", default=str(DEFAULT_DPS), metavar="N",
                        help=f"significant digits of every reported number (1 to {MAX_DPS}; "
                             f"default {DEFAULT_DPS}); each is proven by a ball enclosure "
                             "(with python-flint) or confirmed by a second evaluation at "
                             "higher precision")
        if quantity.has_unit:
            qp.add_argument("--bits", action="store_true",
                            help="information and distortion in bits instead of nats")
        qp.add_argument("--json", action="store_true",
                        help="print exactly one JSON object on stdout")
        qp.set_defaults(_quantity=quantity)


def evaluate(quantity: Quantity, args: argparse.Namespace) -> dict[str, Any]:
    """The JSON document of ``focalrd eval`` for parsed arguments."""
    dps = check_dps(args.dps)
    inputs = quantity.parse(args)
    bits = bool(getattr(args, "bits", False))
    # Quantities that report a property of their own printed digits (a residual) need the
    # requested digits; they are passed as "_dps" and kept out of the echoed inputs.
    arguments = {**inputs, "_dps": dps}
    results, certification = digits_of(quantity, arguments, bits, dps)
    document: dict[str, Any] = {
        "quantity": quantity.name,
        "value": results.pop("value"),
        "dps": dps,
        "unit": _unit(quantity, bits),
        "inputs": {key: exact_text(value) for key, value in inputs.items()},
    }
    document.update(results)
    document.update(certification)
    return document


#: Keys of the document that the text output shows in its own way (or not at all).
_CERTIFICATION_KEYS = ("certified", "certification", "lower", "upper", "enclosures")


def _unit(quantity: Quantity, bits: bool) -> str | None:
    """The unit of the reported value, or None for probabilities and unitless values."""
    if not quantity.has_unit or quantity.value_unit is None:
        return None
    return quantity.value_unit.format(unit="bits" if bits else "nats")


def _run(args: argparse.Namespace) -> int:
    document = evaluate(args._quantity, args)
    if args.json:
        json.dump(document, sys.stdout)
        sys.stdout.write("\n")
        return 0
    # echo the inputs as typed (1e-1000, not its 1002-digit expansion); omit those not given
    typed = {key: getattr(args, key, None) for key in document["inputs"]}
    inputs = ", ".join(f"{k} = {typed[k] if isinstance(typed[k], str) else _plain(v)}"
                       for k, v in document["inputs"].items() if v is not None)
    print(f"{document['quantity']} ({inputs})")
    unit = f" {document['unit']}" if document["unit"] else ""
    print(f"  value = {_plain(document['value'])}"
          f"{unit if document['value'] is not None else ''}")
    if document["lower"] is not None:
        print(f"  enclosure = [{document['lower']}, {document['upper']}]")
    for key, value in document.items():
        if key not in ("quantity", "value", "dps", "unit", "inputs", *_CERTIFICATION_KEYS):
            print(f"  {key} = {_plain(value)}")
    if document["certified"]:
        of_what = (" of the approximation's formula, not of the exact quantity"
                   if document.get("approximation") is True else "")
        print(f"  ({document['dps']} significant digits, each proven by a ball enclosure"
              f"{of_what})")
    else:
        why = document["certification"].partition("(")[2].rstrip(")")
        print(f"  ({document['dps']} significant digits, each confirmed at higher precision; "
              f"not proven: {why})")
    return 0


def _plain(value: Any) -> str:
    """A value of the JSON document in words for the human-readable output (no JSON words)."""
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    if value is None:
        return "not available"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


COMMAND = Command(
    name="eval",
    summary="evaluate one quantity (focal loss, tau, c-gamma, limits, bounds...) to N digits",
    description="Evaluate a quantity of the theory at arbitrary precision.  Numbers on the "
                "command line are exact decimals or fractions (7/3).  With python-flint (the "
                "rigorous extra) every printed digit is proven by an Arb ball enclosure "
                "(\"certified\": true); otherwise, or for a quantity without an enclosure, it "
                "is confirmed by a second evaluation at higher working precision.  Digits "
                "that cannot be proven or confirmed are not printed: exit status 3.",
    add_arguments=_add_arguments,
    run=_run,
    order=20,
)
