"""The mutation-run tooling (``focalrd.verify.mutation``): what it can check without
cosmic-ray installed — the statement ranges that decide whether a mutant is reached,
the probe set, and the selftest summary."""

from __future__ import annotations

import ast
import textwrap

import pytest

from focalrd.verify.mutation import statement_at, statement_lines
from focalrd.verify.mutation_probe import PROBES, differences, run_one
from focalrd.verify.quantities import discover_quantities

SOURCE = textwrap.dedent('''\
    import math

    @decorator(
        3)
    def f(x, y=1 + 2):
        total = (x +
                 y)
        if (total >
                4):
            return total
        try:
            pass
        except (ValueError,
                KeyError):
            total = -total
        return total
    ''')


@pytest.mark.parametrize(("row", "expected"), [
    (1, (1, 1)),      # a simple statement
    (4, (3, 5)),      # inside a decorator: the decorated def's header, decorators included
    (5, (3, 5)),      # a default value is evaluated with the def
    (7, (6, 7)),      # second line of a multi-line assignment
    (9, (8, 9)),      # the test of an if spanning two lines: its header, not its body
    (10, (10, 10)),   # a statement in the if's body
    (14, (13, 14)),   # an except clause's exception list
    (15, (15, 15)),   # a statement in the handler
])
def test_statement_lines_is_the_innermost_statement_or_header(row, expected):
    assert statement_lines(ast.parse(SOURCE), row) == expected


def test_every_quantity_is_probed_and_the_probes_end_in_json():
    probed = {argv[1] for argv in PROBES}
    assert {q.name for q in discover_quantities()} <= probed
    assert all(argv[0] == "eval" and argv[-1] == "--json" for argv in PROBES)
    assert len(set(PROBES)) == len(PROBES)


def test_a_probe_records_what_a_user_sees_and_differences_name_it():
    good = run_one(("eval", "focal-loss", "--gamma", "2", "--p", "1/3", "--json"))
    assert good["status"] == 0 and '"value": "0.4882721282969376406201089941' in good["stdout"]
    bad = run_one(("eval", "focal-loss", "--gamma", "-1", "--p", "1/3", "--json"))
    assert bad["status"] == 2 and "gamma" in bad["stderr"]
    assert differences([good, good], [good, bad]) == [bad["argv"]]
    assert differences([good], [good]) == []


def _document(survivors):
    return {
        "schema": "focalrd.mutation/1", "created": "2026-01-01T00:00:00+00:00",
        "tool": {"name": "cosmic-ray", "version": "8.7.0", "operators": "every core operator",
                 "test": "focalrd verify --quick"},
        "regenerate": "python -m focalrd.verify.mutation run --fresh",
        "sample": {"seed": 0, "per_module": 5, "fraction": None, "size": 10},
        "counts": {"generated": 20, "not_reached": 5, "reached": 15, "sampled": 10, "run": 10,
                   "pending": 0, "equivalent_probe": 2, "given_to_verify": 8, "killed": 6,
                   "timeout": 1, "survived": 1, "survived_explained_equivalent": 0,
                   "error": 0, "incompetent": 0},
        "killed_by": {"refuted": 6, "timeout in verify": 1}, "score": 0.875,
        "cpu_seconds": {"execute": 12.5}, "per_module": [], "survivors": survivors,
        "errors": [], "equivalent_probe": [],
    }


def test_selftest_markdown_carries_the_mutation_summary_only_when_given():
    from focalrd.verify.selftest import document_markdown

    selftest = {"summary": {"bugs": 0, "refuted": 0, "survived": [], "inconclusive": [],
                            "errors": [], "seconds": 0.0},
                "settings": {"jobs": 1}, "complete": True, "fingerprint": "x",
                "regenerate": "focalrd selftest", "bugs": []}
    survivor = {"module": "phi.py", "line": 42, "operator": "ReplaceBinaryOperator_Add_Sub",
                "original": "a + b", "mutated": "a - b",
                "classification": "changes output: to kill"}
    plain = document_markdown(selftest)
    assert "Mutation testing" not in plain
    with_mutation = document_markdown(selftest, _document([survivor]))
    assert with_mutation.startswith(plain.rstrip("\n"))
    assert "**score: 87.5%**" in with_mutation
    assert "`numeric/phi.py:42`" in with_mutation and "`a - b`" in with_mutation


def test_a_function_header_maps_to_the_function_body():
    tree = ast.parse(SOURCE)
    assert statement_at(tree, 5) == (3, 5, (6, 16))   # a default value: the body decides
    assert statement_at(tree, 3) == (3, 5, (6, 16))   # a decorator too
    assert statement_at(tree, 7) == (6, 7, None)      # a body statement is itself


def test_annotation_spans_cover_annotations_only_when_postponed():
    from focalrd.verify.mutation import annotation_spans, in_spans

    body = "def f(x: int | None, y=1 | 2) -> tuple[int | str, ...]:\n    z: A | B = 3 | 4\n"
    source = "from __future__ import annotations\n" + body
    spans = annotation_spans(ast.parse(source), source)
    row = 2
    line = source.splitlines()[row - 1]
    assert in_spans(spans, row, line.index("| None"))
    assert in_spans(spans, row, line.index("| str"))
    assert not in_spans(spans, row, line.index("| 2"))       # a default is evaluated
    assert in_spans(spans, 3, source.splitlines()[2].index("| B"))
    assert not in_spans(spans, 3, source.splitlines()[2].index("| 4"))
    assert annotation_spans(ast.parse(body), body) == []      # evaluated annotations
