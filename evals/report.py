"""Eval reports: report.md (metrics and failures), metrics.json and PNG charts."""

from __future__ import annotations

import json
from pathlib import Path

from evals.runner import VERDICTS, Result, failures


def write_report(folder: Path, metrics: dict, results: list[Result], k: int = 5, title: str = "clausewise eval") -> list[Path]:
    """Write the report files and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "metrics.json", folder / "report.md"]
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    written += _charts(folder, metrics)
    lines = [f"# {title}", "", f"{metrics['questions']} questions.", "", "| metric | value |", "| --- | --- |"]
    for key in ("verdict_accuracy", "more_permissive_than_gold", "evidence_recall@1", "evidence_recall@3", "evidence_recall@5", "citation_precision",
                "abstention_accuracy", "quote_fidelity", "latency_p50_ms", "latency_p95_ms"):
        name = key if key in metrics else f"evidence_{key}"
        lines.append(f"| {key} | {metrics.get(name)} |")
    lines += ["", "## Per verdict", "", "| verdict | precision | recall | support |", "| --- | --- | --- | --- |"]
    for v in VERDICTS:
        pv = metrics["per_verdict"][v]
        lines.append(f"| {v} | {pv['precision']} | {pv['recall']} | {pv['support']} |")
    lines += ["", "## Confusion (rows expected, columns predicted)", "", "| | " + " | ".join(VERDICTS) + " |",
              "| --- |" + " --- |" * len(VERDICTS)]
    for e in VERDICTS:
        lines.append(f"| {e} | " + " | ".join(str(metrics["confusion"][e][p]) for p in VERDICTS) + " |")
    from evals.calibration import format_table

    lines += ["", "## Cross-check calibration", "", "```", format_table(metrics["cross_check"]), "```"]
    lines += ["", "## Per tag", "", f"| tag | n | accuracy | recall@{k} |", "| --- | --- | --- | --- |"]
    for tag, row in metrics["per_tag"].items():
        lines.append(f"| {tag} | {row['n']} | {row['accuracy']} | {row.get(f'recall@{k}')} |")
    fails = failures(results, k)
    lines += ["", f"## Failures ({len(fails)})", ""]
    for f in fails:
        lines.append(f"- **{f['id']}** expected `{f['expected']}`, got `{f['actual']}`: {f['question']}")
        if f["missing_evidence"]:
            lines.append(f"  - missing evidence: {'; '.join(f['missing_evidence'])}")
        lines.append(f"  - rules: {', '.join(f['rules']) or 'none'}; cited: {', '.join(f['cited'])}")
    (folder / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def _charts(folder: Path, metrics: dict) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and in CI
    import matplotlib.pyplot as plt

    out = []
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    grid = [[metrics["confusion"][e][p] for p in VERDICTS] for e in VERDICTS]
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(VERDICTS)), VERDICTS, rotation=30, ha="right")
    ax.set_yticks(range(len(VERDICTS)), VERDICTS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            ax.text(j, i, str(value), ha="center", va="center")
    ax.set_title("Verdict confusion matrix")
    fig.tight_layout()
    path = folder / "confusion.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    out.append(path)
    tags = [t for t, row in metrics["per_tag"].items() if row["n"] >= 3]
    fig, ax = plt.subplots(figsize=(max(6, len(tags) * 0.32), 4.5))
    xs = range(len(tags))
    ax.bar([x - 0.2 for x in xs], [metrics["per_tag"][t]["accuracy"] for t in tags], width=0.4, label="verdict accuracy")
    recall_key = next((k for k in next(iter(metrics["per_tag"].values()), {}) if k.startswith("recall@")), "recall@5")
    ax.bar([x + 0.2 for x in xs], [metrics["per_tag"][t].get(recall_key) or 0 for t in tags], width=0.4, label=f"evidence {recall_key}")
    ax.set_xticks(list(xs), tags, rotation=70, ha="right", fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.legend(loc="lower right")
    ax.set_title("Accuracy and recall per tag (tags with 3+ questions)")
    fig.tight_layout()
    path = folder / "per_tag.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    out.append(path)
    return out
