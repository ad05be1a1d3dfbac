"""The `clausewise` command: corpus, clause, ingest, search, ask, eval, bench, matrix, rules."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from ingest.errors import ClausewiseError, NotFound
from ingest.settings import Settings

EXIT_USER = 2
EXIT_NOT_FOUND = 3


def _print_json(obj) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def _progress_bar(desc: str):
    """A tqdm bar driven by (done, total) callbacks, printing to stderr."""
    from tqdm import tqdm

    state: dict = {}

    def update(done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr, dynamic_ncols=True)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return update


def cmd_corpus(args, settings: Settings) -> int:
    from ingest.corpus import load_corpus

    corpus = load_corpus(settings, strict=args.strict)
    rows = [{"doc_id": r.spec.doc_id, "title": r.spec.title, "version": r.spec.version, "kind": r.spec.kind.value,
             "family": r.spec.family, "status": r.status.value, "clauses": r.clause_count, "origin": r.origin,
             "message": r.message} for r in corpus.reports]
    changed = _changed_since_ingest(settings, corpus)
    for row in rows:
        row["changed_since_ingest"] = row["doc_id"] in changed
    if args.json:
        _print_json(rows)
    else:
        width = max(len(r["doc_id"]) for r in rows)
        for r in rows:
            flag = "  (changed since last ingest)" if r["changed_since_ingest"] else ""
            print(f"{r['doc_id']:<{width}}  {r['status']:<13} {r['version']:<18} {r['clauses']:>4} clauses{flag}")
        for r in rows:
            if r["message"]:
                print(f"\n{r['doc_id']}: {r['message']}", file=sys.stderr)
        print(f"\n{sum(r['status'] == 'loaded' for r in rows)} of {len(rows)} documents loaded.")
    from ingest.annotations import load_annotations

    bad = load_annotations(user_dir=settings.user_annotations_dir).validate(corpus)
    for problem in bad:
        print(f"annotation: {problem}", file=sys.stderr)
    if not args.json:
        print(f"Clause annotations: {'all rows valid' if not bad else f'{len(bad)} bad row(s), listed above'}.")
    return 0 if (all(r["status"] == "loaded" for r in rows) and not bad) or not args.strict else 1


def _changed_since_ingest(settings: Settings, corpus) -> set[str]:
    """Documents whose text differs from what the last committed ingest recorded."""
    from ingest.index import catalog_path, home_collection, read_catalog

    try:
        catalog = read_catalog(catalog_path(settings, home_collection(settings, settings.embed_model)))
    except ClausewiseError:
        return set()
    if not catalog:
        return set()
    recorded = catalog.get("documents", {})
    return {d for d, doc in corpus.documents.items() if d in recorded and recorded[d]["sha256"] != doc.spec.sha256}


def cmd_clause(args, settings: Settings) -> int:
    from ingest.appendix import load_appendices
    from ingest.corpus import load_corpus
    from retrieval.citeform import locate

    docs = None
    if ":" in args.id:
        doc_id = args.id.split(":", 1)[0]
        docs = [doc_id] + [a.linked for a in load_appendices().get(doc_id, ())]  # to link an appended policy
    corpus = load_corpus(settings, docs=docs)
    clause = corpus.clause(args.id)
    doc = corpus.documents[clause.doc_id]
    spec = doc.spec
    section = corpus.section(clause.clause_id)
    cite_as = locate(spec, doc.clauses, doc.text, clause)
    same_as = corpus.linked(clause.clause_id)
    annotation = _annotation_json(corpus, settings, clause.clause_id)
    if args.json:
        _print_json({**asdict(clause), "title": spec.title, "version": spec.version, "url": spec.url,
                     "requested_id": args.id, "cite_as": cite_as, "same_as": same_as,
                     "section": {"start": section.start, "end": section.end, "text": section.text,
                                 "heading_only": section.heading_only,
                                 "clause_ids": [m.clause_id for m in section.members]},
                     "annotation": annotation})
    else:
        print(f"{clause.clause_id}  ({spec.title}, {spec.version})")
        if args.id != clause.clause_id:
            print(f"(renamed: {args.id} is now {clause.clause_id})")
        print(f"Cite as: {cite_as}")
        if same_as:
            print(f"Same words in the standalone policy: {same_as}")
        print()
        print(section.text)  # the clause with its sub-clauses, verbatim: a heading alone says nothing
        if section.members:
            print(f"\n(sub-clauses: {', '.join(m.path for m in section.members)})")
        if annotation:
            print(f"\n{annotation['effect']} · acts on: {', '.join(annotation['acts_on']) or '-'}"
                  + (f" · exception to: {', '.join(annotation['exception_to'])}" if annotation["exception_to"] else "")
                  + (" · proposed, not yet accepted" if annotation["status"] == "proposed" else ""))
            print(f"In our words (not a quote): {annotation['gloss']}")
            for extra in annotation["also"]:
                print(f"  also {extra['effect']}: {extra['gloss']}")
    return 0


def _annotation_json(corpus, settings: Settings, clause_id: str) -> dict | None:
    """The clause's annotation (its main row, with any further effects under `also`), or None if it has none."""
    from ingest.annotations import load_annotations

    rows = load_annotations(user_dir=settings.user_annotations_dir).rows_for(clause_id)
    if not rows:
        return None
    main = rows[0].to_json()
    main["also"] = [r.to_json() for r in rows[1:]]
    return main


def cmd_ingest(args, settings: Settings) -> int:
    from ingest.corpus import load_corpus
    from ingest.embed import make_embedder
    from ingest.index import ingest

    if args.all_licences:
        return _ingest_all_licences(args, settings)

    corpus = load_corpus(settings, strict=args.strict, docs=args.docs, user=False)  # user docs have their own collection
    for report in corpus.problems():
        print(f"warning: {report.message}", file=sys.stderr)
    report = ingest(corpus, settings, lambda: make_embedder(settings.embed_model), model_name=settings.embed_model,
                    rebuild=args.rebuild, only_docs=args.docs, progress=_progress_bar("embedding"))
    print(f"{report.collection}: {report.chunks} chunks, {report.embedded} embedded, {report.removed} removed, "
          f"{report.seconds:.1f} s")
    return 0


def _ingest_all_licences(args, settings: Settings) -> int:
    import resource

    from ingest.embed import make_embedder
    from ingest.index import ingest
    from ingest.licensedb import PREFIX, licensedb_corpus

    print("reading and parsing ScanCode's LicenseDB...", file=sys.stderr, flush=True)
    corpus, _ = licensedb_corpus(limit=args.limit)
    report = ingest(corpus, settings, lambda: make_embedder(settings.embed_model), model_name=settings.embed_model,
                    rebuild=args.rebuild, prefix=PREFIX, progress=_progress_bar("embedding"), batch_size=args.batch_size)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{report.collection}: {len(corpus.documents)} licences, {report.chunks} chunks, {report.embedded} embedded, "
          f"{report.removed} removed, {report.seconds:.1f} s, peak RSS {rss:.0f} MB")
    return 0


def _search_all_licences(args, settings: Settings) -> int:
    import resource
    import time

    from ingest.embed import make_embedder
    from ingest.index import catalog_path, home_collection, read_catalog
    from ingest.licensedb import PREFIX, licensedb_corpus
    from retrieval.search import Searcher

    catalog = read_catalog(catalog_path(settings, home_collection(settings, settings.embed_model, PREFIX)))
    if catalog is None:
        from ingest.errors import StoreError

        raise StoreError("No all-licences index yet. Run `clausewise ingest --all-licences` first.")
    corpus, infos = licensedb_corpus(keys=catalog["documents"])
    searcher = Searcher(corpus, settings, make_embedder(settings.embed_model), prefix=PREFIX, extra_prefixes=())
    t0 = time.perf_counter()
    hits = searcher.search(args.query, k=args.k, doc_ids=args.doc, family=args.category, steer=False)
    ms = (time.perf_counter() - t0) * 1000
    rows = [{"rank": h.rank, "score": h.score, "key": h.doc_id, "name": infos[h.doc_id].name,
             "category": infos[h.doc_id].category, "clause_id": h.clause_id, "text": h.text} for h in hits]
    if args.json:
        _print_json(rows)
        return 0
    for r in rows:
        print(f"{r['rank']}. [{r['score']:.4f}] {r['key']} ({r['category']}): {r['clause_id']}  {r['name']}")
        print("   " + r["text"][:400].replace("\n", "\n   "))
        print()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(searcher.chunks)} chunks of {len(corpus.documents)} licences searched in {ms:.1f} ms; "
          f"peak RSS {rss:.0f} MB", file=sys.stderr)
    return 0


def cmd_search(args, settings: Settings) -> int:
    from retrieval.service import Services

    if args.all_licences:
        return _search_all_licences(args, settings)

    services = Services.load(settings)
    search = services.searcher.search if args.no_rules else services.engine.search
    hits = search(args.query, k=args.k, doc_ids=args.doc, family=args.family)
    if args.json:
        _print_json([asdict(h) for h in hits])
        return 0
    for h in hits:
        print(f"{h.rank}. [{h.score:.4f}] {h.clause_id}  ({h.title}, {h.version})")
        print("   " + h.text.replace("\n", "\n   "))
        print()
    if not hits:
        print("No clause matched.")
    return 0


def _print_answer(ans) -> None:
    print(f"Verdict: {ans.verdict.upper()}\n")
    print(ans.summary + "\n")
    if getattr(ans, "text_question", None):
        _print_text_question(ans.text_question)
    if ans.findings:
        print("Findings:")
        for f in ans.findings:
            print(f"  [{f.verdict}] {f.rule_id}: {f.statement} ({', '.join(f.clause_ids)})")
        print()
    if ans.obligations:
        print("What to do:")
        for o in ans.obligations:
            print("  " + o.checklist_line())
        print()
    print("Citations:")
    for c in ans.citations:
        print(f"  {c.rank}. {c.clause_id} ({c.title}, {c.version})")
        print("     " + (c.cite or "\u201c" + c.quote.replace("\n", " ") + "\u201d"))
        if c.same_in:
            print("     same words in " + ", ".join(c.same_in))
    if ans.alternatives:
        print("\nWhat the text does allow:")
        for alt in ans.alternatives:
            print(f"  - {alt}")
    if ans.cross_check.notes:
        cc = ans.cross_check
        print("\nCross-check" + ("" if cc.agrees else " (WARNING: check before relying on this verdict)") + ":")
        if not cc.agrees and cc.clause_verdict:
            print(f"  rules table: {cc.rules_verdict}; clause reading: {cc.clause_verdict}"
                  + (f" on {cc.clause_ids[0]}" if cc.clause_ids else ""))
        for note in cc.notes:
            print(f"  - {note}")
    print(f"\n({ans.latency_ms:.0f} ms)")


def _print_text_question(tq) -> None:
    """The sections a question names and, for two versions, what became of each clause."""
    print("About the text" + (f" ({tq.versions[0]} -> {tq.versions[1]})" if tq.versions else "") + ":")
    for s in tq.sections:
        print(f"  {s.written}: " + (f"{s.clause_id} ({s.pinpoint})" if s.clause_id else f"unknown ({s.note})"))
    for st in tq.statuses:
        line = f"  [{st.status}] {st.clause_id}" + (f" -> {st.counterpart}" if st.counterpart else "")
        if st.taken_up_by and st.status != "changed":
            line += "; subject taken up in " + ", ".join(st.taken_up_by)
        print(line)
        if st.diff:
            print("      " + st.diff)
    if tq.reading:
        print(f"  your reading ({tq.reading.claim}): {tq.reading.supported}. {tq.reading.explanation}")
    print()


def cmd_ask(args, settings: Settings) -> int:
    from retrieval.service import Services

    services = Services.load(settings)
    ans = services.engine.answer(args.question, k=args.k)
    if args.json:
        _print_json(ans.to_json())
    else:
        _print_answer(ans)
    return 0


def cmd_eval(args, settings: Settings) -> int:
    from pathlib import Path

    from evals.runner import check_thresholds, compute_metrics, load_questions, run_eval

    if args.set_name == "contractnli":
        from evals.contractnli import run_contractnli

        return run_contractnli(args, settings)
    from retrieval.service import Services

    questions = load_questions(Path(args.set) if args.set else None)
    services = Services.load(settings)
    from tqdm import tqdm

    if args.search_only:
        from evals.search_only import run_search_only, search_metrics, write_predictions

        bar = tqdm(total=len(questions), desc="search", unit="q", file=sys.stderr, dynamic_ncols=True)
        found = run_search_only(services.engine, questions, k=args.k,
                                progress=lambda done, total: bar.update(done - bar.n))
        bar.close()
        sm = search_metrics(found)
        if args.predictions:
            write_predictions(args.predictions, found)
        if args.json:
            _print_json(sm)
        else:
            for key, value in sm.items():
                print(f"{key:<22} {value}")
        return 0

    bar = tqdm(total=len(questions), desc="eval", unit="q", file=sys.stderr, dynamic_ncols=True)
    results = run_eval(services.engine, questions, k=args.k, progress=lambda done, total: bar.update(done - bar.n))
    bar.close()
    metrics = compute_metrics(results, k=args.k)
    if args.predictions:
        with open(args.predictions, "w", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps({"id": r.question.id, **r.answer}, ensure_ascii=False, default=str) + "\n")
    if args.report:
        from evals.report import write_report

        for path in write_report(Path(args.report), metrics, results, k=args.k):
            print(f"wrote {path}", file=sys.stderr)
    if args.json:
        _print_json(metrics)
    else:
        for key in ("questions", "verdict_accuracy", "more_permissive_than_gold", "evidence_recall@1", "evidence_recall@3", "evidence_recall@5",
                    "citation_precision", "abstention_accuracy", "quote_fidelity", "latency_p50_ms", "latency_p95_ms"):
            name = key if key in metrics else f"evidence_{key}"
            print(f"{key:<22} {metrics.get(name)}")
        from evals.calibration import format_table

        print("\n" + format_table(metrics["cross_check"]))
    if not args.set:
        below = check_thresholds(metrics)
        for line in below:
            print(f"below threshold: {line}", file=sys.stderr)
        return 1 if below else 0
    return 0


def cmd_add(args, settings: Settings) -> int:
    from pathlib import Path

    from ingest.embed import make_embedder
    from ingest.errors import ConfigError as _ConfigError
    from ingest.sources import load_manifest
    from ingest.userdocs import UserStore, reindex_user

    path = Path(args.file)
    if not path.is_file():
        raise _ConfigError(f"{args.file!r} is not a file.")
    store = UserStore(settings)
    info, doc = store.prepare(path.name, path.read_bytes(), args.id, reserved=set(load_manifest().ids()),
                              governs=tuple(args.governs or ()))
    # Index first, register last: a crash in between leaves the document unregistered, and a rerun completes it.
    reindex_user(settings, lambda: make_embedder(settings.embed_model), settings.embed_model,
                 progress=_progress_bar("embedding"), extra=[doc])
    store.commit(info)
    from ingest.corpus import load_corpus

    from retrieval.propose import propose, write_proposals

    added = load_corpus(settings, docs=[info.doc_id]).documents[info.doc_id]
    clauses = len(added.clauses)
    write_proposals(added, settings.user_annotations_dir)
    proposed = len(propose(added)[0])
    found = None if args.no_identify else _identify_text(settings, doc.text)
    if args.json:
        _print_json({**asdict(info), "clauses": clauses, "proposed_annotations": proposed,
                     "identification": found.to_json() if found else None})
    else:
        print(f"added {info.doc_id}: {info.title!r}, {clauses} clauses. Ask about it, or cite {info.doc_id}:<clause>.")
        print(f"{proposed} annotations proposed from its wording; review them with `clausewise annotate {info.doc_id}`.")
        if info.governs:
            print(f"Questions naming {', '.join(info.governs)} are answered from this document.")
        else:
            print("Tip: `--governs NAME` says which model names it governs, so questions about them use its clauses.")
        if found:
            print()
            _print_identification(found)
    return 0


def _identify_text(settings: Settings, text: str):
    from ingest.corpus import load_corpus
    from retrieval.identify import Identifier

    print("loading ScanCode's licence index (about a minute the first time)...", file=sys.stderr, flush=True)
    return Identifier(load_corpus(settings, user=False)).identify(text)


def _print_identification(found) -> None:
    what = found.match or "no known licence"
    print(f"identified: {found.kind} - {what} (ScanCode: {found.scancode_key or 'no match'}, score {found.score:.1f})")
    if found.note:
        print(f"  {found.note}")
    for d in found.details[:20]:
        flag = f" [{d.reason}]" if d.reason else ""
        print(f"  {d.status:<8} {d.clause_id}{flag}\n      {d.diff[:300]}")
    if len(found.details) > 20:
        print(f"  ... and {len(found.details) - 20} more (use --json for all)")


def cmd_identify(args, settings: Settings) -> int:
    from pathlib import Path

    from ingest.errors import ConfigError as _ConfigError
    from ingest.userdocs import extract_text

    path = Path(args.file)
    if not path.is_file():
        raise _ConfigError(f"{args.file!r} is not a file.")
    found = _identify_text(settings, extract_text(path.name, path.read_bytes()))
    if args.json:
        _print_json(found.to_json())
    else:
        _print_identification(found)
    return 0


def cmd_annotate(args, settings: Settings) -> int:
    from ingest.annotations import dump_doc, load_annotations
    from ingest.corpus import load_corpus
    from ingest.errors import ConfigError as _ConfigError_
    from ingest.errors import NotFound as _NotFound

    if not args.id.startswith("user-"):
        raise _ConfigError_("Only your own documents (ids starting with user-) are annotated here; the corpus "
                            "annotations live in corpus/annotations/ and are reviewed as data.")
    corpus = load_corpus(settings, docs=[args.id])
    annotations = load_annotations(user_dir=settings.user_annotations_dir)
    doc = annotations.docs.get(args.id)
    if doc is None:
        raise _NotFound(f"No annotations for {args.id!r}; add the document with `clausewise add` first.")
    rows = [{**r.to_json(), "path": r.clause_id.split(":", 1)[1], "sha": r.sha} for r in doc.rows]
    changed = 0
    if args.path:
        target = [r for r in rows if r["path"] == args.path]
        if not target:
            near = ", ".join(r["path"] for r in rows[:12])
            raise _NotFound(f"No annotation at {args.id}:{args.path}. Annotated paths include: {near}.")
        row = target[0]
        if args.effect:
            row["effect"] = args.effect
        if args.gloss:
            row["gloss"] = args.gloss
        if args.acts_on:
            row["acts_on"] = [a.strip() for a in args.acts_on.split(",") if a.strip()]
        if args.trigger is not None:
            from ingest.annotations import parse_trigger

            row["trigger"] = parse_trigger(args.trigger)
        row["status"] = "reviewed"
        changed = 1
    elif args.accept:
        for row in rows:
            changed += row["status"] == "proposed"
            row["status"] = "reviewed"
    if changed:
        clean = [{k: v for k, v in r.items() if k in ("path", "sha", "status", "effect", "acts_on", "exception_to",
                                                       "incorporates", "gloss", "alternative", "trigger") and v is not None}
                 for r in rows]
        text = dump_doc(args.id, clean, doc.non_operative)
        probe = settings.user_annotations_dir / f".{args.id}.check.toml"
        probe.write_text(text, encoding="utf-8")
        try:
            from ingest.annotations import AnnotationSet, _parse_doc

            problems = AnnotationSet({args.id: _parse_doc(probe)}).validate(corpus)
        finally:
            probe.unlink(missing_ok=True)
        if problems:
            raise _ConfigError_("The edit was not saved: " + "; ".join(problems))
        (settings.user_annotations_dir / f"{args.id}.toml").write_text(text, encoding="utf-8")
        doc = load_annotations(user_dir=settings.user_annotations_dir).docs[args.id]
    if args.json:
        _print_json({"doc_id": args.id, "changed": changed,
                     "annotations": [{"clause_id": r.clause_id, **r.to_json()} for r in doc.rows]})
    else:
        for r in doc.rows:
            mark = "proposed" if r.status == "proposed" else "reviewed"
            print(f"{r.clause_id:<40} {r.effect.value:<13} [{mark}] {r.gloss}")
        pending = sum(r.status == "proposed" for r in doc.rows)
        print(f"\n{len(doc.rows)} annotations, {pending} still proposed."
              + (f" {changed} updated." if changed else "")
              + ("" if not pending else f" Accept them all with `clausewise annotate {args.id} --accept`."))
    return 0


def cmd_remove(args, settings: Settings) -> int:
    from ingest.embed import make_embedder
    from ingest.userdocs import UserStore, reindex_user

    UserStore(settings).remove(args.id)
    reindex_user(settings, lambda: make_embedder(settings.embed_model), settings.embed_model)
    print(f"removed {args.id}")
    return 0


def cmd_pinpoints(args, settings: Settings) -> int:
    from ingest.corpus import load_corpus
    from ingest.pinpoints import REQUIRED_DOCS, append, check, load_frozen, new_rows

    corpus = load_corpus(settings, strict=True, docs=list(REQUIRED_DOCS), explainers=False, user=False)
    frozen = load_frozen()
    problems = check(corpus, frozen, corpus.aliases)
    added = new_rows(corpus, frozen, list(REQUIRED_DOCS))
    if args.add_new and added and not problems:
        append(added)  # rows are only ever appended: an existing id never changes its text
    if args.json:
        _print_json({"frozen": len(frozen), "problems": problems, "new": [r.clause_id for r in added],
                     "appended": bool(args.add_new and added and not problems)})
    else:
        print(f"{len(frozen)} frozen ids checked in {len(REQUIRED_DOCS)} documents: "
              + (f"{len(problems)} problem(s)" if problems else "all still name the same text"))
        for problem in problems:
            print(f"  - {problem}")
        if added:
            verb = "appended to corpus/pinpoints.tsv" if args.add_new and not problems else "not frozen yet (--add-new)"
            print(f"{len(added)} new id(s) {verb}: {', '.join(r.clause_id for r in added[:10])}"
                  + (" ..." if len(added) > 10 else ""))
    return 1 if problems else 0


def cmd_bench(args, settings: Settings) -> int:
    from evals.bench import format_report, report_json, run_bench

    if args.all_licences:
        from evals.licensedb_bench import bench_all_licences, format_licensedb_report

        figures = bench_all_licences(settings, rounds=args.rounds)
        print(json.dumps(figures.to_json(), indent=2) if args.json else format_licensedb_report(figures))
        return 0

    report = run_bench(settings, limit=args.limit, rounds=args.rounds,
                       progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    if args.json:
        _print_json(report_json(report))
    else:
        print(format_report(report))
    return 0


def cmd_loadtest(args, settings: Settings) -> int:
    from evals.loadtest import format_load_report, run_load_test

    report = run_load_test(args.url, sessions=args.sessions, seconds=args.seconds, ramp_up=args.ramp_up,
                           client=args.client, timeout_ms=int(args.timeout * 1000))
    if args.json:
        _print_json(report.to_json())
    else:
        print(format_load_report(report))
    return 1 if report.errors else 0


def cmd_history(args, settings: Settings) -> int:
    from retrieval.history import History

    history = History.open(settings)
    if args.delete:
        history.delete(args.delete)
        print(f"deleted {args.delete} (undo with `clausewise history --restore {args.delete}` within "
              "30 days)")
        return 0
    if args.restore:
        history.undelete(args.restore)
        print(f"restored {args.restore}")
        return 0
    if args.export:
        if args.format == "json":
            text = json.dumps(history.export(args.export), indent=2, ensure_ascii=False) + "\n"
        else:
            from ui.conversation import conversation_markdown, turn_from_payload

            info = history.get(args.export)
            turns = [turn_from_payload(t.payload, t.corpus_version, t.rules_version) for t in history.turns(args.export)]
            text = conversation_markdown(turns, settings.embed_model, 0, title=info.title)
        if args.out:
            from pathlib import Path

            Path(args.out).write_text(text, encoding="utf-8")
            print(f"wrote {args.out}")
        else:
            sys.stdout.write(text)
        return 0
    rows = history.list(include_deleted=args.all)
    if args.json:
        _print_json([asdict(r) for r in rows])
        return 0
    if not rows:
        print(f"no saved conversations in {history.path}")
        return 0
    for r in rows:
        print(f"{r.id}  {r.created[:16].replace('T', ' ')}  {r.turns:>3} question(s)  {r.title}"
              + ("  [deleted]" if r.deleted else ""))
    print(f"{len(rows)} conversation(s) in {history.path}; export one with `clausewise history --export ID`")
    return 0


def _checker(settings: Settings):
    from release.check import Checker
    from retrieval.service import Services

    return Checker(Services.load(settings))


def cmd_check(args, settings: Settings) -> int:
    from collections import Counter

    from release.inputs import read_release
    from release.render import check_text

    checker = _checker(settings)
    if len(args.paths) == 1:
        report = checker.check(read_release(args.paths[0], name=args.name))
        if args.json:
            _print_json(report.to_json())
        else:
            print(check_text(report))
        return 0
    # Many cards: one line each, a summary, and a card that cannot be read does not stop the others.
    results, failed, verdicts = [], 0, Counter()
    for path in args.paths:
        try:
            report = checker.check(read_release(path))
        except ClausewiseError as exc:
            failed += 1
            results.append({"path": path, "error": str(exc)})
            if not args.json:
                print(f"{path}: ERROR {exc}")
            continue
        verdicts[report.verdict.value] += 1
        results.append(report.to_json())
        if not args.json:
            kinds = ", ".join(f.kind.value for f in report.findings) or "no findings"
            print(f"{path}: {report.verdict.value.upper()} ({kinds})")
    if args.json:
        _print_json(results)
    else:
        print(f"\n{len(args.paths)} checked: " + ", ".join(f"{n} {v}" for v, n in verdicts.most_common())
              + (f", {failed} unreadable" if failed else ""))
    return EXIT_USER if failed else 0


def cmd_obligations(args, settings: Settings) -> int:
    from pathlib import Path

    from release.inputs import read_release
    from release.ship import build_pack, pack_markdown, spec_from_args, write_pack

    if args.path and args.base:
        from ingest.errors import ConfigError as _ConfigError

        raise _ConfigError("Give either a PATH or --base MODEL, not both.")
    spec = read_release(args.path, name=args.name) if args.path else spec_from_args(args.base or [], args.method,
                                                                                       args.deploy, args.name)
    checker = _checker(settings)
    report = checker.check(spec)
    pack = build_pack(report, checker.services.corpus, checker.terms, name=args.name)
    if args.output_dir:
        for path in write_pack(pack, Path(args.output_dir)):
            print(f"wrote {path}", file=sys.stderr)
    if args.format == "json":
        _print_json(pack.to_json())
    else:
        print(pack_markdown(pack))
    return 0


def _write_or_print(text: str, output: str | None) -> None:
    if output:
        from pathlib import Path

        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    else:
        print(text)


def cmd_bom(args, settings: Settings) -> int:
    from release.bom import cyclonedx_json, spdx_jsonld, validate_cyclonedx, validate_spdx
    from release.inputs import read_release

    checker = _checker(settings)
    report = checker.check(read_release(args.path, name=args.name))
    corpus, terms = checker.services.corpus, checker.terms
    if args.format == "cyclonedx":
        text = cyclonedx_json(report, corpus, terms)
        validate_cyclonedx(text)  # never hand out a document that does not validate
    else:
        text = spdx_jsonld(report, corpus, terms)
        validate_spdx(text)
    _write_or_print(text, args.output)
    return 0


def cmd_report(args, settings: Settings) -> int:
    from ingest.errors import ConfigError as _ConfigError
    from release.inputs import read_release
    from release.memo import memo_for_answers, memo_for_releases, render

    if bool(args.paths) == bool(args.question):
        raise _ConfigError("Give one or more PATHs (a model, or the models a product is built on) or --question, not both.")
    if args.format != "md" and not args.output:
        raise _ConfigError(f"A {args.format} memo is binary: give --output FILE.")
    checker = _checker(settings)
    corpus = checker.services.corpus
    if args.paths:
        memo = memo_for_releases([checker.check(read_release(p)) for p in args.paths], corpus)
    else:
        memo = memo_for_answers([checker.services.engine.answer(q) for q in args.question], corpus)
    data = render(memo, args.format)
    if args.output:
        from pathlib import Path

        Path(args.output).write_bytes(data)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        print(data.decode("utf-8"))
    return 0


def cmd_matrix(args, settings: Settings) -> int:
    from pathlib import Path

    from retrieval.matrix import KINDS, build
    from retrieval.matrix_format import render
    from retrieval.registry import Registry
    from retrieval.rules import RuleTable

    table, registry = RuleTable.load(), Registry.load()
    kinds = KINDS if args.kind == "all" else (args.kind,)
    matrices = [m for kind in kinds for m in build(kind, table, registry)]
    clauses = None
    if args.format == "html":
        from ingest.corpus import load_corpus
        from retrieval.matrix_format import ClauseText

        corpus = load_corpus(settings, user=False)
        clauses = {c.clause_id: ClauseText(c.clause_id, corpus.documents[c.doc_id].spec.title,
                                           corpus.documents[c.doc_id].spec.version, c.text) for c in corpus.all_clauses()}
    text = render(matrices, args.format, clauses)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            from ingest.errors import ConfigError as _ConfigError

            raise _ConfigError(f"Cannot write {args.output!r} ({exc.strerror}); pick a writable path.") from None
        print(f"wrote {args.output} ({len(matrices)} matrix table(s))", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_rules(args, settings: Settings) -> int:
    from pathlib import Path

    from ingest.corpus import load_corpus
    from retrieval.rules import RuleTable

    corpus = load_corpus(settings, network=False, user=False)
    table = RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))
    if args.review:
        from retrieval.cases import load_cases
        from retrieval.registry import Registry
        from retrieval.review import build_review, render

        from retrieval.review_filter import Filter, apply, check

        sheet = build_review(corpus, table, load_cases(Registry.load()))
        wanted = Filter(tuple(args.family or ()), tuple(args.doc or ()), tuple(args.verdict or ()), args.grep or "")
        check(sheet, wanted)
        sheet = apply(sheet, wanted)
        text = render(sheet, args.format)
        if args.output:
            try:
                Path(args.output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ClausewiseError(f"Cannot write the review sheet to {args.output}: {exc}") from exc
            print(f"wrote {len(sheet)} rules as {args.format} to {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    if args.coverage:
        from retrieval.coverage import coverage, format_report

        report = coverage(corpus, table)
        if args.json:
            _print_json(report.to_json())
        else:
            print(format_report(report, show_listed=args.show_listed))
        return 1 if report.uncovered() or report.problems else 0
    families: dict[str, int] = {}
    for r in table.rules:
        families[r.family] = families.get(r.family, 0) + 1
    if args.json:
        _print_json({"rules": len(table.rules), "families": families})
    else:
        print(f"{len(table.rules)} rules, valid: " + ", ".join(f"{f} {n}" for f, n in sorted(families.items())))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clausewise", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="list every document with status, version and clause count")
    p.add_argument("--json", action="store_true")
    p.add_argument("--strict", action="store_true", help="fail when any document cannot be loaded")
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("clause", help="print one clause verbatim by its pinpoint id")
    p.add_argument("id", help="e.g. llama-3-license:1.b.v")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clause)

    p = sub.add_parser("ingest", help="embed the corpus into the search index (incremental)")
    p.add_argument("--rebuild", action="store_true", help="re-embed everything")
    p.add_argument("--docs", nargs="+", metavar="ID", help="only these documents")
    p.add_argument("--strict", action="store_true", help="fail when any document cannot be loaded")
    p.add_argument("--all-licences", action="store_true",
                   help="index every ScanCode LicenseDB text into the secondary all-licences collection")
    p.add_argument("--limit", type=int, help="--all-licences: only the first N licences (by key)")
    p.add_argument("--batch-size", type=int, default=64, help="texts per embedding batch")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="hybrid clause search")
    p.add_argument("query")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--doc", nargs="+", metavar="ID")
    p.add_argument("--family")
    p.add_argument("--no-rules", action="store_true", help="plain hybrid search, without the rules table's vote")
    p.add_argument("--all-licences", action="store_true",
                   help="search every ScanCode licence (after `ingest --all-licences`); --doc takes keys")
    p.add_argument("--category", help="--all-licences: only this ScanCode category, e.g. Permissive")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a scenario question with a verdict and cited clauses")
    p.add_argument("question")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="run an eval set (default: the public set) or `eval contractnli`")
    p.add_argument("set_name", nargs="?", choices=["contractnli"], help="the external ContractNLI benchmark")
    p.add_argument("--set", help="a JSONL question set (default: evals/questions.jsonl)")
    p.add_argument("--predictions", metavar="OUT.jsonl", help="write one answer per question")
    p.add_argument("--report", metavar="DIR", help="write report.md, metrics.json and PNG charts")
    p.add_argument("--search-only", dest="search_only", action="store_true",
                   help="score retrieval alone (no rules-table votes), steered and unsteered; predictions hold the hits")
    p.add_argument("--json", action="store_true")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--split", choices=["dev", "test"], default="test", help="ContractNLI split")
    p.add_argument("--limit", type=int, help="ContractNLI: only the first N documents")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("bench", help="benchmark clausewise search against a plain llama-index baseline")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, help="only the first N eval questions")
    p.add_argument("--rounds", type=int, default=5, help="alternating timed rounds per system (median reported)")
    p.add_argument("--all-licences", action="store_true",
                   help="search latency and memory across the all-licences collection (after `ingest --all-licences`)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("matrix", help="the licence matrices, computed from the rules table (corpus/matrices.toml)")
    p.add_argument("--kind", default="all", choices=["method", "deployment", "dataset", "ownership", "versions", "all"],
                   help="which matrix (default: all of them)")
    p.add_argument("--format", default="md", choices=["md", "csv", "html", "json"])
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of standard output")
    p.set_defaults(func=cmd_matrix)
    p = sub.add_parser("pinpoints", help="check that every frozen pinpoint id still names the same text")
    p.add_argument("--add-new", action="store_true", help="append ids of new clauses to corpus/pinpoints.tsv")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_pinpoints)

    p = sub.add_parser("add", help="add your own licence document (PDF, TXT, Markdown) and index it")
    p.add_argument("file")
    p.add_argument("--id", help="document id (default: from the file name, prefixed user-)")
    p.add_argument("--governs", nargs="+", metavar="NAME",
                   help="model names this document governs; questions naming them are answered from it")
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-identify", action="store_true", help="skip naming the canonical licence it is closest to")
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("loadtest", help="concurrent sessions asking questions against a running app")
    p.add_argument("url", help="the app, e.g. http://127.0.0.1:8501")
    p.add_argument("--sessions", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--ramp-up", type=float, default=0.0, metavar="SECONDS",
                   help="sessions arrive evenly over this many seconds before the timed part")
    p.add_argument("--client", choices=["ws", "browser"], default="ws",
                   help="ws: Streamlit's own WebSocket protocol (default, light); browser: Chromium pages (Playwright)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="longest wait for a page or an answer before it counts as an error")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_loadtest)

    p = sub.add_parser("identify", help="which licence is this file? ScanCode's matcher, then a clause-by-clause diff")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_identify)
    p = sub.add_parser("check", help="check a model card, mergekit config or lineage TOML against the terms it inherits")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="README.md with YAML front matter, a mergekit .yaml, a lineage .toml, or a model folder; several "
                        "PATHs print one line each and a summary")
    p.add_argument("--name", help="the released model's name (default: from the card; one PATH only)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("obligations", help="the checklist and the files to ship (Notice, licence copy, card section)")
    p.add_argument("path", nargs="?", help="a model card, mergekit YAML or lineage TOML (or use --base)")
    p.add_argument("--base", nargs="+", metavar="MODEL", help="the model(s) the release is made from (HF ids or names)")
    p.add_argument("--method", default="full_finetune", help="lora, full_finetune, quantization, merge, distillation")
    p.add_argument("--deploy", nargs="+", default=["weights_release"], metavar="HOW",
                   help="weights_release, hosted, on_device, internal")
    p.add_argument("--name", help="the released model's name (the name-prefix rule is applied to it)")
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("--output-dir", metavar="DIR", help="write NOTICE, LICENSE, USE_POLICY.md and MODEL_CARD_LICENSE.md")
    p.set_defaults(func=cmd_obligations)

    p = sub.add_parser("bom", help="an AI-BOM of a release: CycloneDX 1.6 ML-BOM or SPDX 3.0 AI/Dataset JSON-LD")
    p.add_argument("path", help="a model card, mergekit YAML or lineage TOML")
    p.add_argument("--format", choices=["cyclonedx", "spdx"], default="cyclonedx")
    p.add_argument("--name", help="the released model's name (default: from the card)")
    p.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_bom)

    p = sub.add_parser("report", help="a due-diligence memo (Markdown, DOCX or PDF) for releases or questions")
    p.add_argument("paths", nargs="*", metavar="PATH", help="model cards, mergekit YAMLs or lineage TOMLs")
    p.add_argument("--question", nargs="+", help="one or more scenario questions instead of PATHs")
    p.add_argument("--format", choices=["md", "docx", "pdf"], default="md")
    p.add_argument("--output", metavar="FILE", help="write to FILE (required for docx and pdf)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("annotate", help="review, accept or edit the annotations proposed for one of your documents")
    p.add_argument("id", help="a user document id (user-...)")
    p.add_argument("--accept", action="store_true", help="accept every proposed annotation as it stands")
    p.add_argument("--path", help="the clause path of one row to edit (the edit also accepts it)")
    p.add_argument("--effect", choices=["grant", "obligation", "prohibition", "condition", "threshold", "exception",
                                        "termination", "incorporation", "definition", "disclaimer"])
    p.add_argument("--gloss", help="the row's plain-words reading, in your own words")
    p.add_argument("--acts-on", dest="acts_on", help="comma-separated, e.g. distribution,notices")
    p.add_argument("--trigger", help='conditions on the facts, e.g. "deployments=weights_release,hosted; mau_over=1000000"')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_annotate)

    p = sub.add_parser("rules", help="validate the rules table; --coverage and --review report on it")
    p.add_argument("--coverage", action="store_true", help="every operative clause: covered, listed as not decisive, or uncovered")
    p.add_argument("--show-listed", action="store_true", help="with --coverage: print each listed clause with its reason")
    p.add_argument("--review", action="store_true", help="the review sheet: each rule next to its clauses' verbatim text")
    p.add_argument("--format", choices=["md", "csv", "html"], default="md", help="review sheet format (default md)")
    p.add_argument("--output", metavar="FILE", help="write the review sheet to FILE instead of stdout")
    p.add_argument("--family", nargs="+", metavar="NAME", help="with --review: only rules of these families")
    p.add_argument("--doc", nargs="+", metavar="DOC_ID", help="with --review: only rules grounded in these documents, "
                   "with only their clauses and the cases citing them")
    p.add_argument("--verdict", nargs="+", choices=["not_permitted", "unclear", "conditional", "permitted"],
                   help="with --review: only rules with these verdicts")
    p.add_argument("--grep", metavar="WORDS", help="with --review: only rules whose id, statement, conditions, clauses "
                   "or cases contain every word")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_rules)

    p = sub.add_parser("remove", help="remove one of your documents")
    p.add_argument("id")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("history", help="list or export the conversations saved by the app")
    p.add_argument("--export", metavar="ID", help="print one conversation (every answer, quote and pinpoint)")
    p.add_argument("--format", choices=["markdown", "json"], default="markdown", help="with --export")
    p.add_argument("--out", metavar="FILE", help="with --export: write to FILE instead of stdout")
    p.add_argument("--json", action="store_true", help="the list as JSON")
    p.add_argument("--all", action="store_true", help="also list deleted conversations (kept for 30 days)")
    p.add_argument("--delete", metavar="ID", help="delete one conversation (restorable for 30 days)")
    p.add_argument("--restore", metavar="ID", help="bring back a deleted conversation")
    p.set_defaults(func=cmd_history)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, Settings.from_env())
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    except ClausewiseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        print("interrupted; the previous index is intact.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
