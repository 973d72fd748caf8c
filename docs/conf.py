"""Sphinx configuration of the focalrd documentation (built offline).

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

from focalrd.verify import __version__  # noqa: E402

project = "focalrd"
author = "The focalrd developers"
copyright = "2026, The focalrd developers"  # noqa: A001
release = __version__
version = __version__

extensions = [
    "myst_nb",                 # MyST Markdown pages and Jupyter notebooks (not executed)
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.autosummary",
    "focalrd_docs",            # pages generated from the code (docs/_ext/focalrd_docs.py)
]

# Notebooks are executed by the test suite, not by the docs build: the site shows
# the notebooks under docs/notebooks/ as committed (without outputs).  Set
# FOCALRD_DOCS_EXECUTE=1 to run each one during the build and show its outputs
# (slower: minutes; an error in a notebook fails the build).
nb_execution_mode = "force" if os.environ.get("FOCALRD_DOCS_EXECUTE") == "1" else "off"
nb_execution_timeout = 1800
nb_execution_raise_on_error = True
nb_execution_in_temp = False
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist", "html_image"]
myst_heading_anchors = 3

source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "jupyter_execute", "**.ipynb_checkpoints", "examples"]
root_doc = "index"
# Options such as --seed must stay two hyphens, quotes straight.
smartquotes = False

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}

html_theme = "alabaster"
html_static_path = ["_static"]
html_css_files = ["focalrd.css"]
html_title = f"focalrd {__version__}"
html_math_renderer = "mathml"     # MathML at build time: no JavaScript, no network
html_theme_options = {"description": "Lossy source coding with focal loss, checked",
                      "page_width": "1240px", "sidebar_width": "240px",
                      "fixed_sidebar": True}
html_show_sourcelink = True
