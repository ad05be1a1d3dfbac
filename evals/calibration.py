"""How well the cross-check separates right answers from wrong ones: the 2x2 table (right/wrong x flagged/not) and the
verdict accuracy of each path alone and of the combined headline."""

from __future__ import annotations


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def cross_check_table(results) -> dict:
    """From eval results whose answers carry `cross_check` and `clause_verdict` (the answer JSON)."""
    cells = {"right_flagged": 0, "right_unflagged": 0, "wrong_flagged": 0, "wrong_unflagged": 0}
    rules_ok = clause_ok = head_ok = changed = 0
    for r in results:
        cross = r.answer.get("cross_check", {})
        expected = r.question.expected_verdict
        right = r.verdict == expected
        flagged = not cross.get("agrees", True)
        cells[f"{'right' if right else 'wrong'}_{'flagged' if flagged else 'unflagged'}"] += 1
        rules_ok += cross.get("rules_verdict", r.verdict) == expected
        clause_ok += (r.answer.get("clause_verdict") or {}).get("verdict") == expected
        head_ok += right
        changed += bool(cross.get("headline_changed"))
    wrong = cells["wrong_flagged"] + cells["wrong_unflagged"]
    right = cells["right_flagged"] + cells["right_unflagged"]
    n = len(results)
    return {**cells,
            "flagged_of_wrong": _ratio(cells["wrong_flagged"], wrong),
            "flagged_of_right": _ratio(cells["right_flagged"], right),
            "accuracy_rules_only": _ratio(rules_ok, n), "accuracy_clauses_only": _ratio(clause_ok, n),
            "accuracy_combined": _ratio(head_ok, n), "headlines_changed": changed}


def format_table(t: dict) -> str:
    """The 2x2 table as plain text, for the terminal and the report."""
    return "\n".join([
        "cross-check     flagged  not flagged",
        f"right answers   {t['right_flagged']:>7}  {t['right_unflagged']:>11}",
        f"wrong answers   {t['wrong_flagged']:>7}  {t['wrong_unflagged']:>11}",
        f"flagged: {t['flagged_of_wrong']:.0%} of wrong answers, {t['flagged_of_right']:.0%} of right ones "
        "(targets >= 80% and <= 15%)",
        f"verdict accuracy: rules only {t['accuracy_rules_only']:.3f}, clauses only {t['accuracy_clauses_only']:.3f}, "
        f"combined {t['accuracy_combined']:.3f} ({t['headlines_changed']} headlines changed by the policy)",
    ])
