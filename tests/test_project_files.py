"""LICENSE and CITATION.cff agree with the package metadata; no unused test dependency."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import focalrd

REPO = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


def _cff_field(text: str, key: str) -> str:
    match = re.search(rf"^{re.escape(key)}:\s*\"?([^\"\n]+)\"?\s*$", text, re.M)
    assert match, f"CITATION.cff has no top-level {key}"
    return match.group(1).strip()


def test_license_file_is_the_declared_mit_license() -> None:
    declared = _pyproject()["project"]["license"]
    declared = declared.get("text", declared) if isinstance(declared, dict) else declared
    assert declared == "MIT"
    text = (REPO / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_citation_metadata_matches_the_package() -> None:
    text = (REPO / "CITATION.cff").read_text("utf-8")
    assert _cff_field(text, "cff-version") == "1.2.0"
    assert _cff_field(text, "version") == focalrd.__version__
    assert _cff_field(text, "license") == "MIT"
    assert _cff_field(text, "type") == "software"
    # How to cite a reference value: by its key in the committed file.
    assert "reports/reference_values.json" in text


def test_test_extra_has_no_unused_benchmark_plugin() -> None:
    extras = _pyproject()["project"]["optional-dependencies"]
    assert not [r for r in extras["test"] if r.startswith("pytest-benchmark")]
    assert any(r.startswith("focalrd[") and "docs" in r for r in extras["test"]), \
        "the test extra must install what tests/test_docs.py builds the site with"
