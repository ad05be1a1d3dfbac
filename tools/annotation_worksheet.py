"""Authoring aid for corpus/annotations: list the clauses to annotate, and turn compact notes into the TOML files.

    python tools/annotation_worksheet.py list DOC_ID ...     # every operative clause, whole, with its path
    python tools/annotation_worksheet.py import NOTES.txt    # write corpus/annotations/<doc>.toml from notes

Notes format (one clause a line, `|`-separated; `-` for empty):
    @doc llama-3-license
    1.b.v | prohibition | training_other_models | other_model=true | - | Our gloss ...
    1.b.iv | incorporation | use_policy | - | - | Our gloss ... | llama-3-aup
    2.1 | =llama-2-aup:2.1
The optional 7th column names the document a clause incorporates (a corpus doc id, or `external:<name>`).
    !non meta-llama-3-community.p1 | the version date line
A trigger is `key=v1,v2; key2=true`. A clause with no row of its own whose text is identical to an annotated clause of
another document gets that row (same words, same reading); the listing shows such clauses as `same as`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.annotations import ANNOTATIONS_DIR, TRIGGER_KEYS, AnnotationSet, dump_doc, is_structural, text_sha  # noqa: E402
from ingest.corpus import load_corpus  # noqa: E402
from ingest.settings import Settings  # noqa: E402

HEADER = ("# Clause annotations: effect, what the clause acts on, when it is triggered (conditions on the facts of a\n"
          "# scenario), the clauses it is an exception to, and a gloss in our own words (never a quote; the clause text\n"
          "# governs). `sha` is the sha256 of the clause text as annotated; `clausewise corpus` and the tests reject a\n"
          "# row whose clause changed. Written with tools/annotation_worksheet.py; edit the rows directly.")


def _corpus():
    return load_corpus(Settings.from_env(), network=False, explainers=False, user=False)


def _norm(text: str) -> str:
    return " ".join(text.split())


def cmd_list(doc_ids: list[str]) -> None:
    corpus = _corpus()
    ann = AnnotationSet.load()
    first: dict[str, str] = {}
    for doc in corpus.documents.values():
        children = {c.parent for c in doc.clauses if c.parent}
        for c in doc.clauses:
            if not is_structural(c, children):
                first.setdefault(_norm(c.text), c.clause_id)
    for doc_id in doc_ids or list(corpus.documents):
        doc = corpus.documents[doc_id]
        children = {c.parent for c in doc.clauses if c.parent}
        print(f"@doc {doc_id}")
        for c in doc.clauses:
            if is_structural(c, children):
                continue
            done = " [annotated]" if ann.get(c.clause_id) else ""
            src = first[_norm(c.text)]
            if src != c.clause_id and src.split(":")[0] not in doc_ids:
                print(f"  {c.path} same as {src}{done}")
                continue
            print(f"{c.path} [{c.kind}]{done} {_norm(c.text)}")


def _trigger(spec: str) -> dict:
    out: dict = {}
    if spec.strip() in ("", "-"):
        return out
    for part in spec.split(";"):
        key, _, value = part.strip().partition("=")
        key = key.strip()
        kind = TRIGGER_KEYS.get(key, list)
        if kind is bool:
            out[key] = value.strip().lower() == "true"
        elif kind is int:
            out[key] = int(value.strip())
        else:
            out[key] = [v.strip() for v in value.split(",") if v.strip()]
    return out


def cmd_import(paths: list[str]) -> None:
    corpus = _corpus()
    notes: dict[str, dict] = {}
    nonop: dict[str, dict] = {}
    doc = None
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@doc "):
                doc = line.split()[1]
                notes.setdefault(doc, {})
                nonop.setdefault(doc, {})
                continue
            if line.startswith("!alt "):
                p, _, alt = line[5:].partition("|")
                for key, row in notes[doc].items():
                    if key[0] == p.strip() and key[1] in ("prohibition", "threshold", "termination"):
                        row["alternative"] = alt.strip()
                continue
            if line.startswith("!non "):
                p, _, why = line[5:].partition("|")
                nonop[doc][p.strip()] = why.strip() or "not operative"
                continue
            cols = [c.strip() for c in line.split("|")]
            if len(cols) == 2 and cols[1].startswith("="):
                # The same reading as an already-written row (a sibling version whose wording differs only in names).
                ref_doc, _, ref_path = cols[1][1:].partition(":")
                for (rp, re_), row in list(notes[ref_doc].items()):
                    if rp == ref_path:
                        notes[doc][(cols[0], re_)] = {**row, "path": cols[0]}
                continue
            if len(cols) not in (6, 7):
                raise SystemExit(f"bad notes line (needs 6 or 7 columns): {line}")
            p, effect, acts, trig, exc, gloss = cols[:6]
            incorporates = cols[6] if len(cols) == 7 else ""
            notes[doc][(p, effect)] = {"path": p, "effect": effect,
                             "acts_on": [a.strip() for a in acts.split(",") if a.strip() and a.strip() != "-"],
                             "trigger": _trigger(trig),
                             "exception_to": [e.strip() for e in exc.split(",") if e.strip() and e.strip() != "-"],
                             "gloss": gloss, "incorporates": incorporates}
    # Identical wording elsewhere gets the rows of the first clause annotated with it (all of that clause's effects).
    by_text: dict[str, list[dict]] = {}
    owner: dict[str, str] = {}
    for doc_id, rows in notes.items():
        for (p, _), row in rows.items():
            cid = f"{doc_id}:{p}"
            key = _norm(corpus.clause(cid).text)
            if owner.setdefault(key, cid) == cid:
                by_text.setdefault(key, []).append(row)
    non_text: dict[str, str] = {}
    for doc_id, rows in nonop.items():
        for p, why in rows.items():
            non_text.setdefault(_norm(corpus.clause(f"{doc_id}:{p}").text), why)
    for doc_id, d in corpus.documents.items():
        children = {c.parent for c in d.clauses if c.parent}
        rows = dict(notes.get(doc_id, {}))
        have = {p for p, _ in rows}
        nonop.setdefault(doc_id, {})
        for c in d.clauses:
            if c.path in have or is_structural(c, children) or c.path in nonop[doc_id]:
                continue
            if _norm(c.text) in non_text:
                nonop[doc_id][c.path] = non_text[_norm(c.text)]
                continue
            paths = {x.path for x in d.clauses}
            for row in by_text.get(_norm(c.text), []):
                exc = [e for e in row["exception_to"] if e in paths]
                rows[(c.path, row["effect"])] = {**row, "path": c.path, "exception_to": exc}
        if not rows and not nonop.get(doc_id):
            continue
        order = {c.path: i for i, c in enumerate(d.clauses)}
        out = []
        for key in sorted(rows, key=lambda k: order.get(k[0], 10**6)):
            clause = corpus.clause(f"{doc_id}:{key[0]}")
            row = {k: v for k, v in rows[key].items() if k != "_doc"}
            out.append({**row, "sha": text_sha(clause.text)})
        ANNOTATIONS_DIR.mkdir(parents=True, exist_ok=True)
        (ANNOTATIONS_DIR / f"{doc_id}.toml").write_text(dump_doc(doc_id, out, nonop.get(doc_id), HEADER), encoding="utf-8")
        print(f"{doc_id}: {len(out)} rows")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("list", "import"):
        raise SystemExit(__doc__)
    (cmd_list if sys.argv[1] == "list" else cmd_import)(sys.argv[2:])
