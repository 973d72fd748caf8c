"""Blocks of n symbols from a memoryless source: THEORY.md section 6."""
