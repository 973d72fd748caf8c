"""One-shot (single source symbol) fundamental limits: THEORY.md sections 4 and 5."""
