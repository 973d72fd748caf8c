"""Surviving mutants of ``numeric/`` explained as equivalent, each with its reason.

A survivor of ``python -m focalrd.verify.mutation run`` is matched here by module,
cosmic-ray operator and the stripped source line before and after the mutation (not by
line number, so an entry outlives edits elsewhere in the file).  Only a mutant that
cannot change a printed digit belongs here: one that changes only speed (a guard that
skips work whose result is the same), or a term that is provably dominated.  Anything
else must be killed by a check instead.
"""

from __future__ import annotations

#: {module, operator, original, mutated, reason}; module is relative to numeric/.
EQUIVALENT: tuple[dict[str, str], ...] = ()
