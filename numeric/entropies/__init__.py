"""The summary's H_gamma quantities and the focal-entropy structure: THEORY.md sections 7 and 8."""

__all__: list[str] = []
