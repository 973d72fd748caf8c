"""The version of focalrd: the one source of truth.

``pyproject.toml`` reads it (``[tool.setuptools.dynamic]``), ``focalrd.__version__``
and ``focalrd --version`` print it.
"""

__version__ = "0.1.0"
