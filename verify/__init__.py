"""Claims, the verification runner, reports and the ``focalrd`` command line."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("focalrd")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"
