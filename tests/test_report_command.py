"""``focalrd report``: rendering an existing report.json from the command line."""

from __future__ import annotations

import functools
import json

import pytest
from test_report_sample_document import sample_document

from focalrd.verify.cli import main
from focalrd.verify.reporting import figures, reference


@functools.lru_cache(maxsize=1)
def _table() -> reference.ReferenceTable:
    return reference.compute_table()


@pytest.fixture
def fast_reference(monkeypatch):
    """Reuse one computed table and skip figures: the command itself is under test here
    (figures and reference values are tested in test_report_render / test_reference_values)."""
    table = _table()
    monkeypatch.setattr(reference, "compute_table", lambda *args, **kwargs: table)
    monkeypatch.setattr(figures, "make_figures", lambda: [])
    return table


def test_renders_a_report_directory_into_another(tmp_path, capsys, fast_reference) -> None:
    source = tmp_path / "run"
    source.mkdir()
    (source / "report.json").write_text(json.dumps(sample_document()), encoding="utf-8")
    out = tmp_path / "rendered"
    assert main(["report", str(source), "--out", str(out)]) == 0
    for name in ("report.json", "report.md", "report.html", "reference_values.json"):
        assert (out / name).is_file(), name
    assert (out / "report.json").read_bytes() == (source / "report.json").read_bytes()
    assert f"wrote {out / 'report.html'}" in capsys.readouterr().out


def test_renders_beside_the_json_by_default(tmp_path, fast_reference) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(sample_document()), encoding="utf-8")
    assert main(["report", str(path)]) == 0
    assert (tmp_path / "report.html").is_file() and (tmp_path / "report.md").is_file()


@pytest.mark.parametrize("content, expected", [
    (None, "REPORT_JSON_OR_DIR"),
    ("{not json", "valid JSON"),
    ('{"schema": "something/else"}', "focalrd.report/1"),
    ("[1, 2]", "focalrd.report/1"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, expected) -> None:
    path = tmp_path / "report.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_reference_values_option_writes_the_table(tmp_path, fast_reference) -> None:
    target = tmp_path / "reference_values.json"
    assert main(["report", "--reference-values", str(target)]) == 0
    written = json.loads(target.read_text(encoding="utf-8"))
    assert [v["value"] for v in written["values"]] == [v.value for v in fast_reference.values]
