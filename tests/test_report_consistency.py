"""The report files form one set, and refused input leaves nothing behind.

* A render that fails is a failure (exit 2 for an unusable directory, 4 for a bug)
  and leaves the previous set of report files exactly as it was.
* ``focalrd report`` on JSON it cannot render (100k-deep nesting, a 5000-digit
  integer, a lone surrogate) and ``--reference-values`` naming a directory: one line,
  exit 2, nothing written.
* ``focalrd verify``: ``--only ''``, ``--only ','`` and ``--out ''`` are usage errors;
  a refused run (no claim matches ``--only``, a bad ``--claims``) creates no ``--out``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from test_report_sample_document import sample_document

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.cli import main
from focalrd.verify.files import install_files
from focalrd.verify.reporting import figures, markdown, reference
from focalrd.verify.reporting.figures import Figure

OLD_SET = {"report.json": b'{"old": true}\n', "report.md": b"old markdown\n",
           "report.html": b"<p>old page</p>\n", "reference_values.json": b"{}\n",
           "figures/phi-gamma.png": b"old png"}


@functools.lru_cache(maxsize=1)
def _table() -> reference.ReferenceTable:
    return reference.compute_table()


@pytest.fixture
def fast_reference(monkeypatch):
    """One computed table; one tiny figure (the figure directory is part of the set)."""
    table = _table()
    monkeypatch.setattr(reference, "compute_table", lambda *args, **kwargs: table)
    monkeypatch.setattr(figures, "make_figures",
                        lambda: [Figure("phi-gamma", "t", "c", png=b"new png")])
    return table


def _old_set(directory: Path) -> dict[str, bytes]:
    for name, data in OLD_SET.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)
    return _snapshot(directory)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "source.json"
    source.write_text(json.dumps(sample_document()), encoding="utf-8")
    return source


def _one_line(err: str) -> None:
    assert err.count("\n") == 1 and "Traceback" not in err, err


# -- a failed render leaves the previous set --------------------------------------------------


def test_a_render_bug_is_exit_4_and_the_old_set_stays(tmp_path, fast_reference, monkeypatch,
                                                      capsys) -> None:
    out = tmp_path / "out"
    out.mkdir()
    before = _old_set(out)

    def broken(*args, **kwargs):
        raise RuntimeError("planted rendering bug")

    monkeypatch.setattr(markdown, "render_markdown", broken)
    assert main(["report", str(_source(tmp_path)), "--out", str(out)]) == 4
    err = capsys.readouterr().err
    _one_line(err)
    assert "planted rendering bug" in err
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == sorted(["figures", *[
        n for n in OLD_SET if "/" not in n]])  # no staging directory left


def test_an_unusable_directory_is_exit_2_and_the_old_set_stays(tmp_path, fast_reference,
                                                               capsys) -> None:
    """The figures directory is a file: writing figures/*.png fails after other files could
    have been written (root ignores chmod, so a file where a directory is expected it is)."""
    out = tmp_path / "out"
    out.mkdir()
    old = {name: data for name, data in OLD_SET.items() if "/" not in name}
    for name, data in old.items():
        (out / name).write_bytes(data)
    (out / "figures").write_bytes(b"a file in the way")
    before = _snapshot(out)
    assert main(["report", str(_source(tmp_path)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert "invalid out" in err
    assert _snapshot(out) == before
    assert len(list(out.iterdir())) == len(before)


def test_a_successful_render_replaces_the_whole_set(tmp_path, fast_reference) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _old_set(out)
    (out / "figures" / "stale-figure.png").write_bytes(b"from an older version")
    source = _source(tmp_path)
    assert main(["report", str(source), "--out", str(out)]) == 0
    after = _snapshot(out)
    assert after["report.json"] == source.read_bytes()
    assert after["figures/phi-gamma.png"] == b"new png"
    assert "figures/stale-figure.png" not in after
    assert all(after[name] != data for name, data in OLD_SET.items())
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_install_files_rolls_back_what_it_already_replaced(tmp_path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / "b").write_bytes(b"a file where a directory is needed")
    with pytest.raises(InvalidInputError, match="out"):
        install_files(tmp_path, {"a.txt": b"new a", "b/c.txt": b"new c"})
    assert (tmp_path / "a.txt").read_bytes() == b"old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b"]


def test_verify_with_a_failing_render_keeps_the_old_report_json(tmp_path, fast_reference,
                                                                monkeypatch, capsys) -> None:
    """The issue's case: a new report.json beside the old report.md/html, and exit 0."""
    from focalrd.verify.registry import isolated_registry
    from focalrd.verify.runner import load_claims

    load_claims()
    module = tmp_path / "one_claim.py"
    module.write_text("from focalrd.verify.registry import Evidence, claim\n"
                      "@claim('user.one', statement='1 = 1', provenance='user')\n"
                      "def one(ctx):\n    return Evidence('reference', 'look', True)\n")
    out = tmp_path / "out"
    out.mkdir()
    before = _old_set(out)
    monkeypatch.setattr(markdown, "render_markdown",
                        lambda *a, **k: (_ for _ in ()).throw(KeyError("planted")))
    with isolated_registry():
        status = main(["verify", "--claims", str(module), "--only", "user.one", "--out",
                       str(out), "--json"])
    captured = capsys.readouterr()
    assert status == 4 and captured.out == ""
    assert "internal error: KeyError" in captured.err.splitlines()[-1]
    assert _snapshot(out) == before


# -- focalrd report on input it cannot render -------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda: '{"schema": "focalrd.report/1", "claims": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "nested"),
    (lambda: '{"schema": "focalrd.report/1", "seed": ' + "7" * 5000 + "}", "4300 digits"),
    (lambda: '{"schema": "focalrd.report/1", "claims": [{"id": "a\\ud800b"}]}',
     "lone surrogate"),
    (lambda: '{"schema": "focalrd.report/1", "x": {"\\udfff": 1}}', "lone surrogate"),
    (lambda: '{"schema": "focalrd.report/1", "claims": ' + "[" * 150 + "]" * 150 + "}",
     "nested more than 100"),
])
def test_report_refuses_unrenderable_json_with_one_line(tmp_path, capsys, make,
                                                        expected) -> None:
    source = _write(tmp_path, make())
    out = tmp_path / "out"
    assert main(["report", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert expected in err and "REPORT_JSON_OR_DIR" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json"]


@pytest.mark.parametrize("target", ["dir", "dir/", "", "file/sub.json"])
def test_reference_values_refuses_a_directory_before_any_work(tmp_path, capsys, monkeypatch,
                                                              target) -> None:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reference, "compute_table",
                        lambda *a, **k: pytest.fail("the table was computed"))
    assert main(["report", "--reference-values", target]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert "invalid reference-values" in err and "invalid out" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "file"]
    assert list((tmp_path / "dir").iterdir()) == []


def test_report_out_empty_is_a_usage_error(tmp_path, capsys) -> None:
    assert main(["report", str(_source(tmp_path)), "--out", ""]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert "invalid out" in err


# -- focalrd verify: usage errors leave no directory -------------------------------------------


@pytest.mark.parametrize("arguments, parameter", [
    (["--only", ""], "only"),
    (["--only", ","], "only"),
    (["--only", " , ,"], "only"),
    (["--only", "no.such.claim"], "only"),
    (["--claims", "focalrd_no_such_module_here"], "claims"),
    (["--claims", "missing_file.py"], "claims"),
])
def test_refused_verify_runs_create_no_output_directory(tmp_path, capsys, arguments,
                                                        parameter) -> None:
    out = tmp_path / "never" / "created"
    assert main(["verify", *arguments, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert f"invalid {parameter}" in err
    assert not (tmp_path / "never").exists()


def test_verify_out_empty_is_a_usage_error(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "--only", "phi.convex", "--out", ""]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert "invalid out" in err and list(tmp_path.iterdir()) == []


def test_verify_out_under_a_file_is_a_usage_error_at_once(tmp_path, capsys) -> None:
    (tmp_path / "file").write_text("x")
    assert main(["verify", "--only", "phi.convex", "--out", str(tmp_path / "file" / "x")]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert "invalid out" in err and "not a directory" in err
