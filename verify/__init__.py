"""Claims, the verification runner, reports and the ``focalrd`` command line."""

from focalrd._version import __version__

__all__ = ["__version__"]
