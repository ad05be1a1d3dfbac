"""Benchmark: clausewise against a plain llama-index + Chroma pipeline on the same corpus and embedding model.

One run builds both indexes from scratch in fresh temporary homes and measures, for each system:

* cold ingest (into an empty store, model load included),
* re-ingest with nothing changed (clausewise: `load_corpus` + an incremental `ingest` whose embedder factory is never
  called; baseline: plain llama-index has no docstore here, so it rebuilds the collection from scratch),
* index size on disk, peak resident memory,
* warm query latency (p50 / p95) over the eval questions (each one not seen before: see `_timed_queries`), and
  evidence recall@1 / @5.

Each system runs in its own child process (`python -m evals.bench --child SYSTEM ...`) so its peak memory is its own;
the child reports back as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from evals.runner import Evidence, doc_matches, normalise  # noqa: F401 - the matching rules shared with `eval`
from evals.runner import evidence_found as _evidence_found
from evals.runner import load_questions as _load_questions
from ingest.errors import ConfigError, StoreError
from ingest.settings import PACKAGE_ROOT, Settings

SYSTEMS = ("clausewise", "baseline")
K = 5
BASELINE_COLLECTION = "baseline"
DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"
_PROGRESS = "@@progress "

# Targets for clausewise.
TARGET_P95_MS = 50.0
TARGET_REINGEST_S = 5.0
TARGET_RECALL5 = 0.90
TARGET_RECALL5_RATIO = 1.5


@dataclass(frozen=True)
class SystemFigures:
    name: str
    cold_ingest_s: float
    reingest_s: float
    index_bytes: int
    peak_rss_mb: float
    p50_ms: float
    p95_ms: float
    recall_at_1: float
    recall_at_5: float
    queries: int
    chunks: int = 0
    reembedded: int = 0
    load_avg: float = 0.0  # the machine's 1-minute load average right after the timed queries
    hybrid_recall_at_1: float = 0.0  # clausewise only: the same search without the rules table's prior
    hybrid_recall_at_5: float = 0.0
    unsteered_recall_at_5: float = 0.0  # retrieval only over the whole corpus, not steered to the named documents
    misses: tuple[str, ...] = field(default=())  # "question-id#item" not found in the top 5


@dataclass(frozen=True)
class BenchReport:
    clausewise: SystemFigures
    baseline: SystemFigures
    questions: int
    model: str
    machine: str


# --- evidence matching -------------------------------------------------------------------------------------------

def evidence_found(item: dict, chunks: Iterable[tuple[str, str]]) -> bool:
    """True when one of `chunks` ((doc_id, text) pairs) is from the expected document and contains the phrase."""
    return _evidence_found(Evidence(item["doc_id"], item["text"]), list(chunks))


def evidence_recall(questions: Sequence[dict], results: dict[str, list[tuple[str, str]]], k: int) -> tuple[float, list[str]]:
    """Share of expected evidence items found in the first k chunks of each question's results, and the misses."""
    found = total = 0
    misses: list[str] = []
    for q in questions:
        top = results.get(q["id"], [])[:k]
        for i, item in enumerate(q.get("expected_evidence") or []):
            total += 1
            if evidence_found(item, top):
                found += 1
            else:
                misses.append(f"{q['id']}#{i}")
    return (found / total if total else 0.0), misses


def load_questions(path: Path | str, limit: int | None = None) -> list[dict]:
    """The eval set as plain dicts (they cross the process boundary as JSON), read and checked by the eval runner."""
    questions = [{"id": q.id, "question": q.question, "expected_verdict": q.expected_verdict,
                  "expected_evidence": [{"doc_id": e.doc_id, "text": e.text} for e in q.expected_evidence],
                  "tags": list(q.tags)} for q in _load_questions(Path(path))]
    if limit is not None:
        questions = questions[:max(limit, 0)]
    if not questions:
        raise ConfigError(f"No eval questions in {path}.")
    return questions


# --- measurement helpers -----------------------------------------------------------------------------------------

def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile, p in [0, 100]."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def dir_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def _load_average() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return 0.0


def machine_description() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpu = cpu or platform.processor() or platform.machine()
    return f"{os.cpu_count()} CPU ({cpu}), {platform.platform()}, Python {platform.python_version()}"


WARM_UP_SUFFIX = " (warm-up)"


def _timed_queries(run: Callable[[str], list[tuple[str, str]]], questions: Sequence[dict]):
    """Warm up with every query once, then time each one; returns (latencies in ms, results by question id).

    The warm-up pass sends each question with a suffix, so it warms the model, indexes and code paths but leaves
    nothing for a cache keyed by query text (clausewise caches query embeddings) to answer in the timed pass: the
    timed figures are for a question the system has not seen, embedding included, for both systems alike.
    """
    for q in questions:
        run(q["question"] + WARM_UP_SUFFIX)
    latencies, results = [], {}
    for q in questions:
        t0 = time.perf_counter()
        results[q["id"]] = run(q["question"])
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies, results


def _figures(name: str, questions, latencies, results, **kw) -> dict:
    scored = [q for q in questions if q.get("expected_evidence")]
    r1, _ = evidence_recall(scored, results, 1)
    r5, misses = evidence_recall(scored, results, K)
    return asdict(SystemFigures(
        name=name, p50_ms=percentile(latencies, 50), p95_ms=percentile(latencies, 95), recall_at_1=r1,
        recall_at_5=r5, queries=len(latencies), misses=tuple(misses), peak_rss_mb=peak_rss_mb(),
        load_avg=_load_average(), **kw))


# --- the two systems (run inside a child process) ----------------------------------------------------------------

def _say(msg: str) -> None:
    print(_PROGRESS + msg, flush=True)


def bench_clausewise(settings: Settings, model: str, questions: list[dict]) -> dict:
    from ingest.corpus import load_corpus
    from ingest.embed import make_embedder
    from ingest.index import ingest
    from retrieval.service import Services

    corpus = load_corpus(settings)
    for problem in corpus.problems():
        _say(f"warning: {problem.message}")
    loaded: dict = {}

    def factory():
        if "embedder" not in loaded:
            loaded["embedder"] = make_embedder(model)
        return loaded["embedder"]

    _say(f"clausewise: cold ingest of {len(corpus.documents)} documents")
    t0 = time.perf_counter()
    cold = ingest(corpus, settings, factory, model_name=model)
    cold_s = time.perf_counter() - t0
    embedder = factory()  # already loaded by the cold ingest
    index_bytes = dir_bytes(settings.index_dir)

    _say("clausewise: re-ingest, nothing changed")
    t0 = time.perf_counter()
    again = ingest(load_corpus(settings), settings, lambda: make_embedder(model), model_name=model)
    reingest_s = time.perf_counter() - t0

    _say(f"clausewise: {len(questions)} queries, warm")
    services = Services.load(settings, embedder=embedder, corpus=corpus)
    latencies, results = _timed_queries(
        lambda q: [(h.doc_id, h.text) for h in services.engine.search(q, k=K)], questions)
    scored = [q for q in questions if q.get("expected_evidence")]
    from evals.search_only import retrieve

    # Retrieval standing on its own: the clause-grounded verdict's search (no rules vote), steered and not.
    hybrid = {q["id"]: [(h.doc_id, h.text) for h in retrieve(services.engine, q["question"], K, steered=True)]
              for q in scored}
    unsteered = {q["id"]: [(h.doc_id, h.text) for h in retrieve(services.engine, q["question"], K, steered=False)]
                 for q in scored}
    return _figures("clausewise", questions, latencies, results, cold_ingest_s=cold_s, reingest_s=reingest_s,
                    index_bytes=index_bytes, chunks=cold.chunks, reembedded=again.embedded,
                    hybrid_recall_at_1=evidence_recall(scored, hybrid, 1)[0],
                    hybrid_recall_at_5=evidence_recall(scored, hybrid, K)[0],
                    unsteered_recall_at_5=evidence_recall(scored, unsteered, K)[0])


def bench_baseline(settings: Settings, model: str, questions: list[dict]) -> dict:
    """Plain llama-index: whole documents, default SentenceSplitter, VectorStoreIndex over a persistent Chroma."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from ingest.corpus import load_corpus
    from ingest.embed import make_embedder

    folder = settings.home / "baseline-chroma"
    client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))

    def build(embedder, corpus) -> int:
        documents = [Document(text=doc.text, metadata={"doc_id": doc_id}) for doc_id, doc in corpus.documents.items()]
        collection = client.get_or_create_collection(BASELINE_COLLECTION)
        storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
        VectorStoreIndex.from_documents(documents, storage_context=storage, embed_model=embedder,
                                        transformations=[SentenceSplitter()])
        return collection.count()

    corpus = load_corpus(settings)
    _say(f"baseline: cold ingest of {len(corpus.documents)} documents")
    t0 = time.perf_counter()
    embedder = make_embedder(model)
    chunks = build(embedder, corpus)
    cold_s = time.perf_counter() - t0
    index_bytes = dir_bytes(folder)

    _say("baseline: re-ingest (rebuild from scratch)")
    t0 = time.perf_counter()
    client.delete_collection(BASELINE_COLLECTION)  # without a docstore, building again would duplicate every node
    rebuilt = build(embedder, load_corpus(settings))
    reingest_s = time.perf_counter() - t0

    _say(f"baseline: {len(questions)} queries, warm")
    index = VectorStoreIndex.from_vector_store(
        ChromaVectorStore(chroma_collection=client.get_collection(BASELINE_COLLECTION)), embed_model=embedder)
    retriever = index.as_retriever(similarity_top_k=K)
    latencies, results = _timed_queries(
        lambda q: [(n.node.metadata.get("doc_id", ""), n.node.get_content()) for n in retriever.retrieve(q)],
        questions)
    return _figures("baseline", questions, latencies, results, cold_ingest_s=cold_s, reingest_s=reingest_s,
                    index_bytes=index_bytes, chunks=chunks, reembedded=rebuilt)


# --- the parent: child processes, report ------------------------------------------------------------------------

def _run_child(system: str, home: Path, settings: Settings, model: str, questions_path: Path, limit: int | None,
               progress: Callable[[str], None] | None) -> SystemFigures:
    out = home / "result.json"
    err_path = home / "stderr.txt"
    cmd = [sys.executable, "-m", "evals.bench", "--child", system, "--home", str(home), "--model", model,
           "--questions", str(questions_path), "--out", str(out)]
    if settings.sources:
        cmd += ["--sources", str(settings.sources)]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "ANONYMIZED_TELEMETRY": "False"}
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.pop("CLAUSEWISE_CHROMA_URL", None)  # both systems are measured on an embedded, on-disk store
    with open(err_path, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(cmd, cwd=str(PACKAGE_ROOT), env=env, stdout=subprocess.PIPE, stderr=err, text=True,
                                bufsize=1)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith(_PROGRESS) and progress:
                    progress(line[len(_PROGRESS):].rstrip("\n"))
            rc = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if rc != 0 or not out.is_file():
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-3000:].strip()
        last = tail.splitlines()[-1] if tail else "(no stderr)"
        raise StoreError(f"The {system} benchmark process failed (exit code {rc}): {last}\n"
                         f"--- stderr tail ---\n{tail}")
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
        data["misses"] = tuple(data.get("misses") or ())
        return SystemFigures(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise StoreError(f"The {system} benchmark process wrote an unreadable result ({exc}).") from exc


def run_bench(settings: Settings, questions_path: Path | str = DEFAULT_QUESTIONS, *, model_name: str | None = None,
              limit: int | None = None, progress: Callable[[str], None] | None = None) -> BenchReport:
    """Build both systems from scratch in temporary homes, measure them one after the other, and compare."""
    model = model_name or settings.embed_model
    questions_path = Path(questions_path).resolve()
    questions = load_questions(questions_path, limit)  # fail fast, before any child starts
    base = settings.home / "bench"
    base.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    figures = {}
    try:
        for system in SYSTEMS:
            home = root / system
            home.mkdir()
            if progress:
                progress(f"{system}: starting (model {model})")
            figures[system] = _run_child(system, home, settings, model, questions_path, limit, progress)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return BenchReport(clausewise=figures["clausewise"], baseline=figures["baseline"], questions=len(questions),
                       model=model, machine=machine_description())


def targets(report: BenchReport) -> list[tuple[str, bool, str]]:
    """Each target for clausewise: (description, met, detail)."""
    cw, bl = report.clausewise, report.baseline
    ratio = cw.recall_at_5 / bl.recall_at_5 if bl.recall_at_5 else float("inf")
    return [
        (f"p95 <= {TARGET_P95_MS:.0f} ms", cw.p95_ms <= TARGET_P95_MS, f"{cw.p95_ms:.1f} ms"),
        ("p95 <= baseline p95", cw.p95_ms <= bl.p95_ms, f"{cw.p95_ms:.1f} vs {bl.p95_ms:.1f} ms"),
        (f"re-ingest < {TARGET_REINGEST_S:.0f} s", cw.reingest_s < TARGET_REINGEST_S, f"{cw.reingest_s:.2f} s"),
        (f"recall@5 >= {TARGET_RECALL5:.2f}", cw.recall_at_5 >= TARGET_RECALL5, f"{cw.recall_at_5:.3f}"),
        (f"recall@5 >= {TARGET_RECALL5_RATIO}x baseline", ratio >= TARGET_RECALL5_RATIO,
         f"{cw.recall_at_5:.3f} vs {bl.recall_at_5:.3f} ({ratio:.2f}x)"),
    ]


_ROWS = (
    ("cold ingest (s)", "cold_ingest_s", "{:.1f}"),
    ("re-ingest, unchanged (s)", "reingest_s", "{:.2f}"),
    ("index on disk (MB)", "index_bytes", "mb"),
    ("peak RSS (MB)", "peak_rss_mb", "{:.0f}"),
    ("query p50 (ms)", "p50_ms", "{:.1f}"),
    ("query p95 (ms)", "p95_ms", "{:.1f}"),
    ("evidence recall@1", "recall_at_1", "{:.3f}"),
    ("evidence recall@5", "recall_at_5", "{:.3f}"),
    ("  recall@1, retrieval only", "hybrid_recall_at_1", "{:.3f}"),
    ("  recall@5, retrieval only", "hybrid_recall_at_5", "{:.3f}"),
    ("  recall@5, unsteered", "unsteered_recall_at_5", "{:.3f}"),
    ("chunks indexed", "chunks", "{:d}"),
    ("chunks re-embedded", "reembedded", "{:d}"),
    ("load avg during queries", "load_avg", "{:.1f}"),  # above the CPU count, latencies are inflated by other work
)


def _cell(value, fmt: str) -> str:
    return f"{value / 1e6:.1f}" if fmt == "mb" else fmt.format(value)


def format_report(report: BenchReport) -> str:
    """A side-by-side table (clausewise, baseline, ratio) and the targets with PASS/FAIL."""
    cw, bl = report.clausewise, report.baseline
    header = ("metric", cw.name, bl.name, "ratio")
    rows = []
    for label, attr, fmt in _ROWS:
        a, b = getattr(cw, attr), getattr(bl, attr)
        ratio = f"{a / b:.2f}x" if b else "-"
        rows.append((label, _cell(a, fmt), _cell(b, fmt), ratio))
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(4)]

    def line(r):
        return f"{r[0]:<{widths[0]}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(r[1:], widths[1:]))

    out = [f"clausewise benchmark: model {report.model}, {report.questions} questions "
           f"({cw.queries} queries per system, k={K}), {report.machine}", "",
           line(header), line(tuple("-" * w for w in widths)), *map(line, rows), "",
           "baseline: plain llama-index (default SentenceSplitter, VectorStoreIndex on Chroma, top-5); its re-ingest "
           "rebuilds the collection from scratch", "clausewise search is rule-guided (`Engine.search`: the clauses the "
           "rules table grounds the scenario in get an extra vote); 'retrieval only' is dense + BM25 without that vote, "
           "steered to the named documents and the policies they incorporate (what the clause-grounded verdict "
           "reads); 'unsteered' searches the whole corpus",
           "ratio = clausewise / baseline", "", "targets (clausewise):"]
    for desc, ok, detail in targets(report):
        out.append(f"  [{'PASS' if ok else 'FAIL'}] {desc}: {detail}")
    busy = max(cw.load_avg, bl.load_avg)
    if busy > (os.cpu_count() or 1):
        out += ["", f"warning: the load average reached {busy:.1f} on {os.cpu_count()} CPUs while queries were timed; "
                    "other work on the machine inflates the latencies"]
    if cw.misses:
        shown = ", ".join(cw.misses[:20]) + (" ..." if len(cw.misses) > 20 else "")
        out += ["", f"clausewise evidence missed at @5 ({len(cw.misses)}): {shown}"]
    return "\n".join(out)


def report_json(report: BenchReport) -> dict:
    data = asdict(report)
    for name in SYSTEMS:
        data[name]["misses"] = list(data[name]["misses"])
    data["targets"] = [{"target": d, "met": ok, "detail": detail} for d, ok, detail in targets(report)]
    return data


# --- child entry point -------------------------------------------------------------------------------------------

def _child_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description="benchmark child (internal)")
    parser.add_argument("--child", choices=SYSTEMS, required=True)
    parser.add_argument("--home", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--sources")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    settings = Settings(home=Path(args.home), sources=Path(args.sources) if args.sources else None, chroma_url=None,
                        embed_model=args.model)
    questions = load_questions(args.questions, args.limit)
    bench = bench_clausewise if args.child == "clausewise" else bench_baseline
    result = bench(settings, args.model, questions)
    tmp = Path(args.out).with_suffix(".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
