"""The licence matrices as Markdown, CSV, HTML or JSON (`clausewise matrix --format`).

Markdown and HTML cells name each clause's document once ("llama-3-license:1.b.v, 1.b.i"); CSV and JSON keep full
clause ids so a spreadsheet or a script never has to rebuild them.
"""

from __future__ import annotations

import csv
import html
import io
import json

from retrieval.matrix import Cell, Change, Matrix, matrix_json

FORMATS = ("md", "csv", "html", "json")


def grouped_ids(clauses: tuple[str, ...], home: str | None = None) -> str:
    """Clause ids with each document named once; a versions cell drops its own document (`home`)."""
    groups: dict[str, list[str]] = {}
    for cid in clauses:
        doc, _, path = cid.partition(":")
        groups.setdefault(doc, []).append(path)
    parts = [", ".join(paths) if doc == home else f"{doc}:" + ", ".join(paths) for doc, paths in groups.items()]
    return "; ".join(parts)


def cell_text(cell: Cell) -> str:
    if cell.change is None:
        ids = grouped_ids(cell.clauses)
        verdict = cell.verdict.value if cell.verdict else ""
        return f"{verdict}: {ids}" if ids else f"{verdict} (no rule decides this)"
    now, before = grouped_ids(cell.clauses, cell.column), grouped_ids(cell.previous, cell.previous_doc)
    return {Change.PRESENT: now, Change.SAME: now, Change.ADDED: f"added: {now}", Change.ABSENT: "\u2014",
            Change.REMOVED: "removed", Change.MOVED: f"moved: {before} \u2192 {now}"}[cell.change]


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(matrices: list[Matrix]) -> str:
    out = []
    for m in matrices:
        out.append(f"#### {m.title}\n")
        if m.caption:
            out.append(f"{m.caption}\n")
        head = ["rule" if m.kind == "versions" else ""] + [a.label for a in m.columns]
        out.append("| " + " | ".join(_md_escape(h) for h in head) + " |")
        out.append("|" + "---|" * len(head))
        for axis, line in zip(m.rows, m.cells):
            out.append("| " + " | ".join([_md_escape(axis.label)] + [_md_escape(cell_text(c)) for c in line]) + " |")
        out.append("")
    return "\n".join(out)


def to_csv(matrices: list[Matrix]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["matrix", "row", "row_label", "column", "column_label", "verdict", "clauses", "rules", "change",
                     "previous"])
    for m in matrices:
        for axis, line in zip(m.rows, m.cells):
            for col, c in zip(m.columns, line):
                writer.writerow([m.id, axis.id, axis.label, col.id, col.label, c.verdict.value if c.verdict else "",
                                 " ".join(c.clauses), " ".join(c.rules), c.change.value if c.change else "",
                                 " ".join(c.previous)])
    return buf.getvalue()


def to_json(matrices: list[Matrix]) -> str:
    return json.dumps([matrix_json(m) for m in matrices], indent=2, ensure_ascii=False) + "\n"


_CSS = """body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}
th,td{border:1px solid #ccc;padding:.4em .6em;vertical-align:top;font-size:.9em}th{background:#f4f4f4}
.permitted{background:#e6f4ea}.conditional{background:#fff4d6}.unclear{background:#eee}
.not_permitted{background:#fde2e1}.absent{color:#999}code{font-size:.85em}"""


def to_html(matrices: list[Matrix]) -> str:
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>clausewise licence matrices</title>',
             f"<style>{_CSS}</style></head><body>"]
    for m in matrices:
        parts.append(f"<h2>{esc(m.title)}</h2>")
        if m.caption:
            parts.append(f"<p>{esc(m.caption)}</p>")
        parts.append("<table><thead><tr><th></th>" + "".join(f"<th>{esc(a.label)}</th>" for a in m.columns)
                     + "</tr></thead><tbody>")
        for axis, line in zip(m.rows, m.cells):
            cells = []
            for c in line:
                cls = c.verdict.value if c.verdict else "absent"
                title = esc(" ".join(c.rules), quote=True)
                cells.append(f'<td class="{cls}" title="{title}"><code>{esc(cell_text(c))}</code></td>')
            parts.append(f"<tr><th>{esc(axis.label)}</th>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(matrices: list[Matrix], fmt: str) -> str:
    return {"md": to_markdown, "csv": to_csv, "html": to_html, "json": to_json}[fmt](matrices)
