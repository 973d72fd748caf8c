"""Moved: the shared hypothesis strategies are :mod:`focalrd.strategies` (add new ones there).

This shim keeps ``from strategies import ...`` working for test modules not yet updated.
"""

from focalrd.strategies import *  # noqa: F403
from focalrd.strategies import __all__  # noqa: F401
