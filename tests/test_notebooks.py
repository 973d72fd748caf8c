"""The tutorial notebooks under docs/notebooks/ run top to bottom in a fresh kernel.

Each notebook checks what it shows with ``assert`` in its cells, so a notebook
whose numbers, tables or claims go wrong fails here.  The kernel is this test's
own interpreter (a kernelspec written to a temporary JUPYTER_PATH), started in
the notebook's directory.  Skipped only when nbclient/ipykernel are not installed
(they are in the ``test`` extra).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

NOTEBOOKS = sorted((Path(__file__).parent.parent / "docs" / "notebooks").glob("*.ipynb"))


@pytest.fixture()
def kernel_name(tmp_path, monkeypatch) -> str:
    spec = tmp_path / "kernels" / "focalrd-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "focalrd test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return "focalrd-test"


def test_there_are_three_tutorials_committed_without_large_outputs():
    assert [path.name[0] for path in NOTEBOOKS] == ["1", "2", "3"]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        assert sum(len(json.dumps(c.get("outputs", []))) for c in nb.cells) < 20_000
        assert any("assert " in c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom_and_its_checks_pass(path, kernel_name):
    nb = nbformat.read(path, as_version=4)
    # Generous waits (each ends when its condition holds): on a loaded machine the kernel
    # may take well over nbclient's default 60 s to start, and its output over 4 s to come.
    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=600,
                                     startup_timeout=600, iopub_timeout=60,
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()   # raises CellExecutionError (with the failing cell) on any error
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
