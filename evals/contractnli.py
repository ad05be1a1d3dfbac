"""External benchmark: evidence retrieval on ContractNLI NDAs, clausewise against a plain llama-index + Chroma pipeline."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ingest.corpus import Corpus, DocReport, Document, DocStatus
from ingest.errors import ConfigError
from ingest.settings import Settings

Span = tuple[int, int]
RECALL_KS = (1, 3, 5)
CHAR_KS = (1, 5)
AP_DEPTH = 10
MIN_COVER = 0.5  # an item finds a gold span when it holds at least half of the span's characters
SYSTEMS = ("clausewise", "baseline")
LABELLED = ("Entailment", "Contradiction")
REFERENCE = (
    "ContractNLI paper (trained span classifiers, whole document, not retrieval): Span NLI BERT-large evidence mAP 0.922;"
    " DeBERTa-v2-xlarge evidence mAP 0.936, precision@80% recall 0.860.",
    "LegalBench-RAG 2024 (whole-corpus retrieval, not per document, large commercial embedder):"
    " character precision@1 ~0.066, recall@64 ~0.617.",
)


@dataclasses.dataclass(frozen=True)
class Query:
    """One labelled hypothesis about one NDA, with its gold evidence as character ranges."""

    doc_id: str
    key: str
    hypothesis: str
    gold: tuple[Span, ...]


# --- metrics ------------------------------------------------------------------------------------------------------

def overlap(a: Span, b: Span) -> int:
    """Characters two half-open ranges share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def covers(item: Span, gold: Span) -> bool:
    """True when `item` holds at least MIN_COVER of `gold`'s characters."""
    return gold[1] > gold[0] and overlap(item, gold) >= MIN_COVER * (gold[1] - gold[0])


def found_at(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> int:
    """How many gold spans one of the first k items covers."""
    return sum(any(covers(item, g) for item in ranked[:k]) for g in gold)


def average_precision(ranked: Sequence[Span], gold: Sequence[Span], depth: int = AP_DEPTH) -> float:
    """AP over gold spans: each span scores the precision (relevant items / rank) where it is first covered, else 0.

    Gain is counted in gold spans, not items, because one clause often holds two annotated sentences; a chunk that
    re-covers a found span still counts as relevant for precision. The result is capped at 1 by construction.
    """
    if not gold:
        return 0.0
    found: set[int] = set()
    relevant, total = 0, 0.0
    for rank, item in enumerate(ranked[:depth], 1):
        hit = [i for i, g in enumerate(gold) if covers(item, g)]
        relevant += bool(hit)
        new = [i for i in hit if i not in found]
        found.update(new)
        total += len(new) * relevant / rank
    return total / len(gold)


def merge(spans: Sequence[Span]) -> list[Span]:
    """The union of ranges, sorted and non-overlapping (so overlapping chunks are not counted twice for recall)."""
    out: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def char_precision(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    """LegalBench-RAG precision@k: characters of the first k items inside gold spans / characters retrieved."""
    items = [s for s in ranked[:k] if s[1] > s[0]]
    size = sum(b - a for a, b in items)
    union = merge(gold)
    return sum(overlap(s, g) for s in items for g in union) / size if size else 0.0


def char_recall(ranked: Sequence[Span], gold: Sequence[Span], k: int) -> float:
    """LegalBench-RAG recall@k: gold characters covered by the first k items / gold characters."""
    union, got = merge(gold), merge(ranked[:k])
    size = sum(b - a for a, b in union)
    return sum(overlap(g, s) for g in union for s in got) / size if size else 0.0


def score(queries: Sequence[Query], ranked: dict[str, list[Span]]) -> dict[str, float]:
    """Every metric for one system; evidence recall is over all gold spans, the others are means over queries."""
    n_gold = sum(len(q.gold) for q in queries) or 1
    n = len(queries) or 1
    out: dict[str, float] = {}
    for k in RECALL_KS:
        out[f"evidence_recall@{k}"] = sum(found_at(ranked[q.key], q.gold, k) for q in queries) / n_gold
    out[f"map@{AP_DEPTH}"] = sum(average_precision(ranked[q.key], q.gold) for q in queries) / n
    for k in CHAR_KS:
        out[f"char_precision@{k}"] = sum(char_precision(ranked[q.key], q.gold, k) for q in queries) / n
        out[f"char_recall@{k}"] = sum(char_recall(ranked[q.key], q.gold, k) for q in queries) / n
    out = {key: round(value, 4) for key, value in out.items()}
    for k in CHAR_KS:  # how much text a reader gets, so recall is read against its cost (not a ratio)
        out[f"mean_chars@{k}"] = round(sum(sum(b - a for a, b in ranked[q.key][:k]) for q in queries) / n)
    return out


# --- data ---------------------------------------------------------------------------------------------------------

def data_dir(settings: Settings, split: str) -> Path:
    """The folder holding `{split}.json`: next to the shared corpus, else in the shared folder beside the checkout."""
    tried = [settings.sources.parent / "benchmarks" / "contractnli"] if settings.sources else []
    tried.append(Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "contractnli")
    for folder in tried:
        if (folder / f"{split}.json").is_file():
            return folder
    raise ConfigError(f"ContractNLI {split}.json not found; looked in {', '.join(map(str, tried))}. Set "
                      "CLAUSEWISE_SOURCES to the shared corpus folder (its sibling benchmarks/contractnli holds the data).")


def load_split(settings: Settings, split: str, limit: int | None) -> tuple[list[dict], dict]:
    """The split's raw documents (the first `limit`) and hypothesis labels."""
    path = data_dir(settings, split) / f"{split}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        docs, labels = data["documents"], data["labels"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path} is not a ContractNLI file ({type(exc).__name__}: {exc}).") from exc
    return (docs if limit is None else docs[:max(limit, 0)]), labels


def to_document(raw: dict) -> Document:
    """One NDA exactly as `clausewise add` would store it: checked UTF-8 text, a USER spec, clauses from parse_clauses."""
    from ingest.userdocs import extract_text, user_document

    doc_id = f"cnli-{raw['id']}"
    text = extract_text(raw["file_name"], raw["text"].encode("utf-8"))
    if text != raw["text"]:  # gold offsets index the original text; a normalised copy would shift them
        raise ConfigError(f"{doc_id}: the upload path changed the text (line endings?); gold offsets would not match.")
    return user_document(doc_id, raw["file_name"], text, family="contractnli", url=raw.get("url"))


def queries_for(raw: dict, labels: dict) -> list[Query]:
    """Entailment/Contradiction hypotheses of one NDA with whitespace-trimmed gold spans (clauses never start with blanks)."""
    text, spans, out = raw["text"], raw["spans"], []
    for key, ann in raw["annotation_sets"][0]["annotations"].items():
        if ann["choice"] not in LABELLED:
            continue
        gold = []
        for i in ann["spans"]:
            start, end = spans[i]
            piece = text[start:end]
            start += len(piece) - len(piece.lstrip())
            end -= len(piece) - len(piece.rstrip())
            if end > start:
                gold.append((start, end))
        out.append(Query(f"cnli-{raw['id']}", f"cnli-{raw['id']}/{key}", labels[key]["hypothesis"], tuple(gold)))
    return out


# --- the two systems ----------------------------------------------------------------------------------------------

def _bar(desc: str) -> Callable[[int, int], None]:
    """A tqdm bar on stderr driven by (done, total) callbacks."""
    from tqdm import tqdm

    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if total == 0:
            return  # nothing to embed: an incremental re-run stays quiet
        if "bar" not in state:
            state["bar"] = tqdm(total=total, desc=desc, unit="chunk", file=sys.stderr, dynamic_ncols=True)
        state["bar"].update(done - state["bar"].n)
        if done >= total:
            state["bar"].close()

    return update


def clausewise_searcher(bench: Settings, docs: list[Document], embedder: Any, model: str) -> tuple[Any, int]:
    """Ingest the NDAs into their own `contractnli` collection (incremental) and return a Searcher over them."""
    from ingest.index import ingest
    from retrieval.search import Searcher

    corpus = Corpus({d.spec.doc_id: d for d in docs},
                    tuple(DocReport(d.spec, DocStatus.LOADED, "", len(d.clauses), d.origin) for d in docs))
    # only_docs keeps the other split's (or a larger run's) chunks, so switching --split/--limit never re-embeds
    report = ingest(corpus, bench, embedder, model_name=model, prefix="contractnli",
                    only_docs=list(corpus.documents), progress=_bar("clausewise ingest"))
    return Searcher(corpus, bench, embedder, prefix="contractnli", extra_prefixes=()), report.chunks


def baseline_index(bench: Settings, docs: list[Document], embedder: Any, model: str) -> tuple[Any, int]:
    """Plain llama-index: default SentenceSplitter chunks in a Chroma collection of its own; embeds only missing docs."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document as LIDocument
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from ingest.index import collection_name

    client = chromadb.PersistentClient(path=str(bench.home / "baseline-chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(collection_name(model, "baseline"))
    store = ChromaVectorStore(chroma_collection=collection)
    # id_=doc_id: llama-index overwrites a node's flat "doc_id" metadata with its ref_doc_id, which the filter reads
    nodes = SentenceSplitter().get_nodes_from_documents(
        [LIDocument(text=d.text, metadata={"doc_id": d.spec.doc_id}, id_=d.spec.doc_id) for d in docs])
    want = Counter(n.ref_doc_id for n in nodes)
    have = Counter(m["doc_id"] for m in collection.get(include=["metadatas"])["metadatas"] if m)
    stale = {d for d in want if have.get(d) != want[d]}  # missing, or half-written by an interrupted run
    for doc_id in stale & set(have):
        collection.delete(where={"doc_id": doc_id})
    todo = [n for n in nodes if n.ref_doc_id in stale]
    if todo:
        VectorStoreIndex(todo, storage_context=StorageContext.from_defaults(vector_store=store), embed_model=embedder,
                         show_progress=True)
    return VectorStoreIndex.from_vector_store(store, embed_model=embedder), len(nodes)


def evaluate(settings: Settings, split: str = "test", limit: int | None = None, k: int = 5) -> dict[str, Any]:
    """Build (or update) both indexes for the split, run every labelled hypothesis on both, return the figures."""
    from llama_index.core.schema import QueryBundle
    from llama_index.core.vector_stores import MetadataFilter, MetadataFilters
    from tqdm import tqdm

    from ingest.embed import make_embedder

    raws, labels = load_split(settings, split, limit)
    docs = [to_document(raw) for raw in raws]
    queries = [q for raw in raws for q in queries_for(raw, labels)]
    # Own home and an embedded store, so the user's index (or Chroma server) is never touched.
    bench = dataclasses.replace(settings, home=settings.home / "bench" / "contractnli", chroma_url=None)
    model = settings.embed_model
    embedder = make_embedder(model)  # one object for both systems, so only the pipeline differs
    searcher, cw_chunks = clausewise_searcher(bench, docs, embedder, model)
    index, bl_chunks = baseline_index(bench, docs, embedder, model)
    depth = max(AP_DEPTH, k)
    ranked: dict[str, dict[str, list[Span]]] = {s: {} for s in SYSTEMS}
    for q in tqdm(queries, desc="queries", unit="q", file=sys.stderr, dynamic_ncols=True):
        hits = searcher.search(q.hypothesis, k=depth, doc_ids=[q.doc_id], steer=False)
        ranked["clausewise"][q.key] = [(h.start, h.end) for h in hits]
        only = MetadataFilters(filters=[MetadataFilter(key="doc_id", value=q.doc_id)])
        bundle = QueryBundle(query_str=q.hypothesis, embedding=embedder.get_query_embedding(q.hypothesis))
        found = index.as_retriever(similarity_top_k=depth, filters=only).retrieve(bundle)
        ranked["baseline"][q.key] = [(n.node.start_char_idx or 0, n.node.end_char_idx or 0) for n in found]
    chunks = {"clausewise": cw_chunks, "baseline": bl_chunks}
    return {
        "benchmark": "contractnli", "split": split, "documents": len(docs), "queries": len(queries),
        "gold_spans": sum(len(q.gold) for q in queries), "model": model, "depth": depth,
        "systems": {s: {**score(queries, ranked[s]), "chunks": chunks[s]} for s in SYSTEMS},
        "reference": list(REFERENCE),
    }


def format_table(result: dict[str, Any]) -> str:
    """A side-by-side table of both systems, then the published reference points as text."""
    cw, bl = result["systems"]["clausewise"], result["systems"]["baseline"]
    rows = [(key, *(f"{s[key]:.3f}" if isinstance(s[key], float) else str(s[key]) for s in (cw, bl))) for key in cw]
    header = ("metric", "clausewise", "llama-index baseline")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(3)]
    lines = [f"ContractNLI {result['split']}: {result['documents']} documents, {result['queries']} hypotheses, "
             f"{result['gold_spans']} gold spans, model {result['model']}", ""]
    for r in (header, *rows):
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}")
    lines += ["", "Published reference points (different task set-ups; context only):"]
    lines += [f"  - {ref}" for ref in result["reference"]]
    return "\n".join(lines)


def run_contractnli(args: Any, settings: Settings) -> int:
    """`clausewise eval contractnli`: print the table (or JSON) and return the exit code."""
    result = evaluate(settings, split=args.split, limit=args.limit, k=args.k)
    print(json.dumps(result, indent=2) if args.json else format_table(result))
    return 0
