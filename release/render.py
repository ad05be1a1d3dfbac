"""Plain-text rendering of a check report for the terminal."""

from __future__ import annotations

from release.check import CheckReport
from release.lineage import LineageNode


def lineage_lines(node: LineageNode, depth: int = 0) -> list[str]:
    docs = ", ".join(node.documents) or "terms unknown"
    how = f" [{node.relation}]" if node.relation else ""
    via = f" ({node.resolved_by})" if depth else ""
    lines = [f"{'  ' * depth}{'- ' if depth else ''}{node.ref}{how}{via}: {docs}"]
    for c in node.children:
        lines.extend(lineage_lines(c, depth + 1))
    return lines


def check_text(report: CheckReport) -> str:
    out = [f"{report.spec.path}: {report.verdict.value.upper()}", "", "Lineage:"]
    out += ["  " + line for line in lineage_lines(report.lineage)]
    out += ["", "Findings:" if report.findings else "Findings: none"]
    for f in report.findings:
        out.append(f"  [{f.severity.value}] {f.kind.value}: {f.message}")
        for q in f.quotes:
            out.append(f"      {q.clause_id}: \u201c{' '.join(q.quote.split())}\u201d")
        out.append(f"      fix: {f.fix}")
    if report.clauses:
        new = sum(1 for c in report.clauses if c.new)
        out += ["", f"Clause annotations triggered by the release ({len(report.clauses)}; {new} reported only by them):"]
        for c in report.clauses:
            out.append(f"  {c.clause_id} [{c.effect}]: " + (c.covered_by or "NEW FINDING above"))
    if report.notes:
        out += ["", "Notes:"] + [f"  - {n}" for n in report.notes]
    out.append("\nThis is not legal advice; the licence texts govern.")
    return "\n".join(out)
