"""Benchmark: clausewise against a plain llama-index + Chroma pipeline on the same corpus and embedding model.

One run builds both indexes from scratch in fresh temporary homes and measures, for each system:

* cold ingest (into an empty store, model load included),
* re-ingest with nothing changed (clausewise: `load_corpus` + an incremental `ingest` whose embedder factory is never
  called; baseline: plain llama-index has no docstore here, so it rebuilds the collection from scratch),
* index size on disk, peak resident memory,
* warm query latency (p50 / p95) over the eval questions, and for clausewise the full `ask` path (an answer with its
  rules, citations, cross-check and background notes), and
* evidence recall@1 / @5.

Each system runs in its own child process (`python -m evals.bench --child SYSTEM ...`) so its peak memory is its own.
Both children build their index, warm up, and then stay alive: the parent asks them for timed passes over the questions
in alternating rounds (clausewise, baseline, baseline, clausewise, ...), so a burst of load from other work on the
machine lands on both systems alike, and the reported latency is the median over the rounds of each round's percentile
(one spike once turned a single pass's p95 into 290 ms).
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
from dataclasses import asdict, dataclass, field, replace
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

DEFAULT_ROUNDS = 5

# Targets for clausewise.
TARGET_ANSWER_P50_MS = 15.0
TARGET_ANSWER_P95_MS = 25.0
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
    answer_p50_ms: float = 0.0  # clausewise only: the full `ask` path, median over the rounds
    answer_p95_ms: float = 0.0
    rounds: int = 1
    round_p95_ms: tuple[float, ...] = field(default=())  # each round's search p95, in round order
    round_answer_p95_ms: tuple[float, ...] = field(default=())


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


def _warm_up(run: Callable[[str], object], questions: Sequence[dict]) -> None:
    """Every question once with a suffix: it warms the model, indexes and code paths, yet no timed query is one the
    system has already seen (a cache keyed by query text would answer nothing in the timed rounds)."""
    for q in questions:
        run(q["question"] + WARM_UP_SUFFIX)


def _timed(run: Callable[[str], object], question: str) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = run(question)
    return (time.perf_counter() - t0) * 1000, out


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass(frozen=True)
class RoundTimes:
    """One timed pass over the questions: per-query latencies in ms, and the top-K results of each question."""

    search_ms: tuple[float, ...]
    answer_ms: tuple[float, ...]
    results: dict[str, list[tuple[str, str]]]
    load_avg: float


def _figures(name: str, questions, rounds: Sequence[RoundTimes], setup: dict) -> SystemFigures:
    """Latencies as the median over rounds of each round's p50 / p95; recall from the first round (it is deterministic)."""
    scored = [q for q in questions if q.get("expected_evidence")]
    results = rounds[0].results
    r1, _ = evidence_recall(scored, results, 1)
    r5, misses = evidence_recall(scored, results, K)
    p95s = tuple(round(percentile(r.search_ms, 95), 2) for r in rounds)
    answer_p95s = tuple(round(percentile(r.answer_ms, 95), 2) for r in rounds if r.answer_ms)
    return SystemFigures(
        name=name, p50_ms=median([percentile(r.search_ms, 50) for r in rounds]), p95_ms=median(p95s),
        answer_p50_ms=median([percentile(r.answer_ms, 50) for r in rounds if r.answer_ms]),
        answer_p95_ms=median(answer_p95s), recall_at_1=r1, recall_at_5=r5, queries=len(rounds[0].search_ms),
        misses=tuple(misses), load_avg=max(r.load_avg for r in rounds), rounds=len(rounds), round_p95_ms=p95s,
        round_answer_p95_ms=answer_p95s, **setup)


# --- the two systems (run inside a child process) ----------------------------------------------------------------

def _say(msg: str) -> None:
    print(_PROGRESS + msg, flush=True)


class Bench:
    """A system built and warmed up inside a child process: `setup` holds its build figures, `run` times one pass."""

    def __init__(self, setup: dict, search: Callable[[str], list[tuple[str, str]]],
                 answer: Callable[[str], object] | None = None):
        self.setup = setup
        self.search = search
        self.answer = answer

    def run(self, questions: Sequence[dict]) -> RoundTimes:
        search_ms, answer_ms, results = [], [], {}
        for q in questions:
            ms, results[q["id"]] = _timed(self.search, q["question"])
            search_ms.append(ms)
            if self.answer is not None:
                answer_ms.append(_timed(self.answer, q["question"])[0])
        return RoundTimes(tuple(search_ms), tuple(answer_ms), results, _load_average())


def bench_clausewise(settings: Settings, model: str, questions: list[dict]) -> Bench:
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

    _say(f"clausewise: {len(questions)} queries and answers, warm-up")
    services = Services.load(settings, embedder=embedder, corpus=corpus)

    def search(q: str) -> list[tuple[str, str]]:
        return [(h.doc_id, h.text) for h in services.engine.search(q, k=K)]

    _warm_up(search, questions)
    _warm_up(services.engine.answer, questions)
    scored = [q for q in questions if q.get("expected_evidence")]
    from evals.search_only import cited_text, retrieve, same_in

    # Retrieval standing on its own: the clause-grounded verdict's search (no rules vote), steered and not.
    hybrid = {q["id"]: [(h.doc_id, cited_text(corpus, h), same_in(corpus, h))
                  for h in retrieve(services.engine, q["question"], K, steered=True)]
              for q in scored}
    unsteered = {q["id"]: [(h.doc_id, cited_text(corpus, h), same_in(corpus, h))
                     for h in retrieve(services.engine, q["question"], K, steered=False)]
                 for q in scored}
    setup = dict(cold_ingest_s=cold_s, reingest_s=reingest_s, index_bytes=index_bytes, chunks=cold.chunks,
                 reembedded=again.embedded, hybrid_recall_at_1=evidence_recall(scored, hybrid, 1)[0],
                 hybrid_recall_at_5=evidence_recall(scored, hybrid, K)[0],
                 unsteered_recall_at_5=evidence_recall(scored, unsteered, K)[0])
    return Bench(setup, search, services.engine.answer)


def bench_baseline(settings: Settings, model: str, questions: list[dict]) -> Bench:
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

    _say(f"baseline: {len(questions)} queries, warm-up")
    index = VectorStoreIndex.from_vector_store(
        ChromaVectorStore(chroma_collection=client.get_collection(BASELINE_COLLECTION)), embed_model=embedder)
    retriever = index.as_retriever(similarity_top_k=K)

    def search(q: str) -> list[tuple[str, str]]:
        return [(n.node.metadata.get("doc_id", ""), n.node.get_content()) for n in retriever.retrieve(q)]

    _warm_up(search, questions)
    return Bench(dict(cold_ingest_s=cold_s, reingest_s=reingest_s, index_bytes=index_bytes, chunks=chunks,
                      reembedded=rebuilt), search)


# --- the parent: child processes, report ------------------------------------------------------------------------

_READY = "@@ready"
_ROUND = "@@round "


class _Child:
    """One benchmark child process: built and warmed up on start, then timed one round at a time on request."""

    def __init__(self, system: str, home: Path, settings: Settings, model: str, questions_path: Path,
                 limit: int | None, progress: Callable[[str], None] | None):
        self.system, self.home, self.progress = system, home, progress
        self.out = home / "result.json"
        self.err_path = home / "stderr.txt"
        cmd = [sys.executable, "-m", "evals.bench", "--child", system, "--home", str(home), "--model", model,
               "--questions", str(questions_path), "--out", str(self.out)]
        if settings.sources:
            cmd += ["--sources", str(settings.sources)]
        if limit is not None:
            cmd += ["--limit", str(limit)]
        env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "ANONYMIZED_TELEMETRY": "False"}
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.pop("CLAUSEWISE_CHROMA_URL", None)  # both systems are measured on an embedded, on-disk store
        self._err = open(self.err_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(cmd, cwd=str(PACKAGE_ROOT), env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._err, text=True, bufsize=1)

    def _read_until(self, marker: str) -> str:
        """Relay progress lines until one starting with `marker`; its remainder is returned."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(_PROGRESS) and self.progress:
                self.progress(line[len(_PROGRESS):].rstrip("\n"))
            elif line.startswith(marker):
                return line[len(marker):].strip()
        self._fail()
        raise AssertionError("unreachable")

    def _send(self, command: str) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(command + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self._fail()

    def wait_ready(self) -> None:
        self._read_until(_READY)

    def round(self) -> RoundTimes:
        self._send("round")
        data = json.loads(self._read_until(_ROUND))
        return RoundTimes(tuple(data["search_ms"]), tuple(data["answer_ms"]),
                          {k: [tuple(x) for x in v] for k, v in data["results"].items()}, data["load_avg"])

    def finish(self) -> dict:
        self._send("finish")
        rc = self.proc.wait()
        if rc != 0 or not self.out.is_file():
            self._fail()
        try:
            return json.loads(self.out.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"The {self.system} benchmark process wrote an unreadable result ({exc}).") from exc

    def _fail(self) -> None:
        rc = self.proc.poll()
        if rc is None:
            self.proc.kill()
            rc = self.proc.wait()
        self._err.flush()
        tail = self.err_path.read_text(encoding="utf-8", errors="replace")[-3000:].strip()
        last = tail.splitlines()[-1] if tail else "(no stderr)"
        raise StoreError(f"The {self.system} benchmark process failed (exit code {rc}): {last}\n"
                         f"--- stderr tail ---\n{tail}")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._err.close()


def round_order(rounds: int) -> list[tuple[str, ...]]:
    """Alternate which system goes first (ABBA...), so neither always runs right after the other's pass."""
    return [SYSTEMS if i % 2 == 0 else tuple(reversed(SYSTEMS)) for i in range(rounds)]


def run_bench(settings: Settings, questions_path: Path | str = DEFAULT_QUESTIONS, *, model_name: str | None = None,
              limit: int | None = None, rounds: int = DEFAULT_ROUNDS,
              progress: Callable[[str], None] | None = None) -> BenchReport:
    """Build both systems from scratch in temporary homes (one after the other), then time them in alternating rounds."""
    if rounds < 1 or rounds > 50:
        raise ConfigError(f"rounds={rounds} is out of range; use 1 to 50.")
    model = model_name or settings.embed_model
    questions_path = Path(questions_path).resolve()
    questions = load_questions(questions_path, limit)  # fail fast, before any child starts
    base = settings.home / "bench"
    base.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    children: dict[str, _Child] = {}
    try:
        for system in SYSTEMS:
            home = root / system
            home.mkdir()
            if progress:
                progress(f"{system}: starting (model {model})")
            children[system] = _Child(system, home, settings, model, questions_path, limit, progress)
            children[system].wait_ready()  # builds never overlap: ingest figures are each system's own
        times: dict[str, list[RoundTimes]] = {s: [] for s in SYSTEMS}
        for i, order in enumerate(round_order(rounds), 1):
            for system in order:
                if progress:
                    progress(f"round {i}/{rounds}: {system}")
                times[system].append(children[system].round())
        figures = {}
        for system in SYSTEMS:
            final = children[system].finish()
            figures[system] = _figures(system, questions, times[system], final)
    finally:
        for child in children.values():
            child.close()
        shutil.rmtree(root, ignore_errors=True)
    return BenchReport(clausewise=figures["clausewise"], baseline=figures["baseline"], questions=len(questions),
                       model=model, machine=machine_description())


def targets(report: BenchReport) -> list[tuple[str, bool, str]]:
    """Each target for clausewise: (description, met, detail)."""
    cw, bl = report.clausewise, report.baseline
    ratio = cw.recall_at_5 / bl.recall_at_5 if bl.recall_at_5 else float("inf")
    return [
        (f"answer p50 <= {TARGET_ANSWER_P50_MS:.0f} ms", cw.answer_p50_ms <= TARGET_ANSWER_P50_MS,
         f"{cw.answer_p50_ms:.1f} ms"),
        (f"answer p95 <= {TARGET_ANSWER_P95_MS:.0f} ms", cw.answer_p95_ms <= TARGET_ANSWER_P95_MS,
         f"{cw.answer_p95_ms:.1f} ms"),
        ("answer p95 <= baseline search p95", cw.answer_p95_ms <= bl.p95_ms,
         f"{cw.answer_p95_ms:.1f} vs {bl.p95_ms:.1f} ms"),
        (f"search p95 <= {TARGET_P95_MS:.0f} ms", cw.p95_ms <= TARGET_P95_MS, f"{cw.p95_ms:.1f} ms"),
        ("search p95 <= baseline search p95", cw.p95_ms <= bl.p95_ms, f"{cw.p95_ms:.1f} vs {bl.p95_ms:.1f} ms"),
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
    ("search p50 (ms)", "p50_ms", "{:.1f}"),
    ("search p95 (ms)", "p95_ms", "{:.1f}"),
    ("answer p50 (ms)", "answer_p50_ms", "{:.1f}"),
    ("answer p95 (ms)", "answer_p95_ms", "{:.1f}"),
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
           f"({cw.queries} queries per system per round, {cw.rounds} alternating rounds, k={K}), {report.machine}", "",
           line(header), line(tuple("-" * w for w in widths)), *map(line, rows), "",
           "baseline: plain llama-index (default SentenceSplitter, VectorStoreIndex on Chroma, top-5); its re-ingest "
           "rebuilds the collection from scratch", "clausewise search is rule-guided (`Engine.search`: the clauses the "
           "rules table grounds the scenario in get an extra vote); 'retrieval only' is dense + BM25 without that vote, "
           "steered to the named documents and the policies they incorporate (what the clause-grounded verdict "
           "reads); 'unsteered' searches the whole corpus",
           "answer = the full `ask` path (facts, rules, one fused ranking cut for the citations, cross-check and "
           "background notes, verified quotes)",
           "latencies: median over the rounds of each round's p50 / p95; search p95 per round: clausewise "
           + " ".join(f"{v:.1f}" for v in cw.round_p95_ms) + ", baseline " + " ".join(f"{v:.1f}" for v in bl.round_p95_ms),
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
        for key in ("misses", "round_p95_ms", "round_answer_p95_ms"):
            data[name][key] = list(data[name][key])
    data["answer_p50_ms"] = report.clausewise.answer_p50_ms
    data["answer_p95_ms"] = report.clausewise.answer_p95_ms
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
    # The child's own home and store; the rest (backend, query threads) as the user's environment sets it.
    settings = replace(Settings.from_env(), home=Path(args.home), sources=Path(args.sources) if args.sources else None,
                       chroma_url=None, embed_model=args.model, tenant=None)
    questions = load_questions(args.questions, args.limit)
    build = bench_clausewise if args.child == "clausewise" else bench_baseline
    bench = build(settings, args.model, questions)
    print(_READY, flush=True)
    for command in sys.stdin:  # the parent drives the rounds, one line per command
        command = command.strip()
        if command == "round":
            times = bench.run(questions)
            print(_ROUND + json.dumps({"search_ms": times.search_ms, "answer_ms": times.answer_ms,
                                       "results": times.results, "load_avg": times.load_avg}), flush=True)
        elif command == "finish":
            break
    result = {**bench.setup, "peak_rss_mb": peak_rss_mb()}
    tmp = Path(args.out).with_suffix(".tmp")
    tmp.write_text(json.dumps(result), encoding="utf-8")
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(_child_main())
