"""Symbolic derivations (sympy) of the focal-loss theory; every step is machine-checked."""

__all__: list[str] = []
