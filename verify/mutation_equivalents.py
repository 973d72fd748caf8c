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
EQUIVALENT: tuple[dict[str, str], ...] = (
    {"module": "blocks/excess.py", "operator": "NumberReplacer",
     "original": "tolerance = mp.ldexp(1, -(mp.prec - 2 * lat.n.bit_length() - 16)) * (1 + lat.n)",
     "mutated": "tolerance = mp.ldexp(1, -(mp.prec - 2 * lat.n.bit_length() - 16)) * ( 2 + lat.n)",
     "reason": "a larger rounding tolerance only sends more neighbouring type classes to the "
               "exact comparison (Lattice.compare), which decides the same order: the sorted "
               "classes, K* and every digit are unchanged (it costs time only)"},
    {"module": "oneshot/packing.py", "operator": "ReplaceComparisonOperator_Lt_LtE",
     "original": "return float(best[0] - whole) < extra if whole < best[0] else True",
     "mutated": "return float(best[0] - whole) < extra if whole <= best[0] else True",
     "reason": "the two differ only at whole == best[0], where the mutant returns "
               "float(0) < extra and extra >= 1e-300 > 0: True, as the original does"},
    {"module": "oneshot/packing.py", "operator": "ReplaceComparisonOperator_Lt_LtE",
     "original": "return float(best[0] - whole) < extra if whole < best[0] else True",
     "mutated": "return float(best[0] - whole) <= extra if whole < best[0] else True",
     "reason": "differs only when the float gap equals the relaxation's bound exactly; the "
               "mutant then keeps a branch the original prunes, and a branch and bound that "
               "explores a superset of nodes finds the same optimum (time only)"},
    {"module": "balls/c_gamma.py", "operator": "ReplaceBinaryOperator_Add_Sub",
     "original": "with working_bits(bits + 10):",
     "mutated": "with working_bits(bits - 10):",
     "reason": "the precision of the ball of 1/e (gamma = 1): a wider ball still encloses "
               "the value, and proven() prints only digits its balls decide, raising the "
               "precision when they do not, so the same digits are printed"},
    {"module": "entropies/structure.py", "operator": "NumberReplacer",
     "original": "for _ in range(mp.prec + 20):",
     "mutated": "for _ in range(mp.prec + 21):",
     "reason": "one more halving of a bisection bracket that is already narrower than the "
               "working precision; minimizer_by_bisection is an independent cross-check "
               "compared within a tolerance, never printed"},
    {"module": "entropies/structure.py", "operator": "ReplaceBinaryOperator_Sub_BitXor",
     "original": "grid += [mp.mpf(1) / 2 + mp.mpf(i) / (2 * (points - half) + 2)",
     "mutated": "grid += [mp.mpf(1) / 2 + mp.mpf(i) / (2 * (points ^ half) + 2)",
     "reason": "only thins the upper half of the sampled grid of psi_is_unimodal (it stops "
               "near 0.79 instead of 1): psi_gamma is unimodal (the check's own identity), "
               "its peak lies below 0.17 for every gamma of the check, so the verdict, the "
               "sample count and the reported peaks are unchanged"},
    {"module": "entropies/hgamma.py", "operator": "NumberReplacer",
     "original": "return -float(np.sum(p * (1 - p) ** gamma))",
     "mutated": "return -float(np.sum(p * ( 0 - p) ** gamma))",
     "reason": "the float64 objective of the multi-start search's first stage only (NaN or "
               "of the wrong sign): the starts are refined by KKT Newton on the exact "
               "objective, and for k <= 4 the printed point must lie in the proven hull; "
               "stdout is unchanged (measured on the probe that flagged it: numpy's "
               "RuntimeWarning on stderr was the change)"},
    {"module": "display.py", "operator": "NumberReplacer",
     "original": "SHOWN_ITEMS = 4",
     "mutated": "SHOWN_ITEMS = 5",
     "reason": "the layout of a Python repr (how many list items precede the ellipsis); no "
               "command prints through it and no number or digit changes"},
)
