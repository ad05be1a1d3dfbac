"""The licence matrices as Markdown, CSV, HTML or JSON (`clausewise matrix --format`).

Markdown and HTML cells name each clause's document once ("llama-3-license:1.b.v, 1.b.i"); CSV and JSON keep full
clause ids so a spreadsheet or a script never has to rebuild them. Given the clause texts, the HTML page links every
id to its verbatim clause in an appendix, so the page stands on its own in front of a reviewer.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

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
.not_permitted{background:#fde2e1}.absent{color:#999}code{font-size:.85em}a{color:inherit}
.clause{white-space:pre-wrap;font-family:Georgia,serif;border-left:3px solid #ccc;padding:.3em .8em;margin:.2em 0 1em}"""


@dataclass(frozen=True)
class ClauseText:
    """A cited clause as the HTML appendix prints it (verbatim, with the document it comes from)."""

    clause_id: str
    title: str
    version: str
    text: str


def _anchor(clause_id: str) -> str:
    # Distinct ids stay distinct ("llama-3.1-license" never meets a "llama-3-1-license").
    return "c-" + re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m.group()):x}_", clause_id)


def to_html(matrices: list[Matrix], clauses: Mapping[str, ClauseText] | None = None) -> str:
    """A standalone page; with `clauses`, every clause id links to its verbatim text in an appendix."""
    esc = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>clausewise licence matrices</title>',
             f"<style>{_CSS}</style></head><body>"]
    cited: list[str] = []
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
                links = ""
                if clauses is not None and c.clauses:
                    links = "<br>" + " ".join(f'<a href="#{_anchor(cid)}">{esc(cid)}</a>' for cid in c.clauses)
                    cited.extend(cid for cid in c.clauses if cid not in cited)
                cells.append(f'<td class="{cls}" title="{title}"><code>{esc(cell_text(c))}</code>{links}</td>')
            parts.append(f"<tr><th>{esc(axis.label)}</th>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
    if clauses is not None and cited:
        parts.append("<h2>Clauses cited</h2>")
        for cid in sorted(cited):
            found = clauses.get(cid)
            parts.append(f'<h3 id="{_anchor(cid)}"><code>{esc(cid)}</code>'
                         + (f" &middot; {esc(found.title)} ({esc(found.version)})</h3>" if found else "</h3>"))
            parts.append(f'<div class="clause">{esc(found.text)}</div>' if found else
                         "<p>Not loaded in this corpus; run <code>clausewise corpus</code> to see why.</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(matrices: list[Matrix], fmt: str, clauses: Mapping[str, ClauseText] | None = None) -> str:
    if fmt == "html":
        return to_html(matrices, clauses)
    return {"md": to_markdown, "csv": to_csv, "json": to_json}[fmt](matrices)
