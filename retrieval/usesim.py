"""Use-policy categories recognised by meaning: the question's sentences against each category's own texts.

The patterns of `corpus/rules/use-policies.toml` catch the words people use; a scenario told in other words ("the bot
fills in five-star blurbs under rotating shopper personas") can still mean a listed use. This module embeds, once,
every category's prototype texts (its label, the concepts written beside it in the TOML, the verbatim text of the
clauses that forbid it and their annotation glosses) with the embedding model search already loaded, and scores each
sentence of a question against them. A category is added only when its best prototype clears a calibrated threshold,
beats every rival category by a margin, the sentence is not a denial ("we will not use it for military work") and
none of the category's `unless` carve-outs applies. A false positive turns a permitted answer into `not_permitted`,
so the defaults are strict, and the whole layer is off unless the settings ask for it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from retrieval.usecases import UseCategories

# Calibrated on the blind dev sets and the public set with all-MiniLM-L6-v2 (see README, "How use categories are
# recognised"): below these, sentences about ordinary fine-tuning and distribution reach the nearest category too.
DEFAULT_THRESHOLD = 0.62
DEFAULT_MARGIN = 0.05
# A sentence this near a carve-out text takes the question out of the carve-out's categories; lower than the
# threshold on purpose, since a missed carve-out costs more than a missed category.
DEFAULT_CARVE_OUT = 0.55
# The deterministic test embedder hashes words into buckets: its cosine says nothing about meaning.
NO_MEANING_MODELS = frozenset({"fake-hash"})


class TextEmbedder(Protocol):
    """What this module needs from an embedder: llama-index's BaseEmbedding (the search embedder) has it."""

    def get_text_embedding_batch(self, texts: list[str], **kwargs) -> list[list[float]]: ...


@dataclass(frozen=True)
class Prototype:
    category: str
    text: str
    source: str  # "label", "concept", "clause" (verbatim clause text) or "gloss" (annotation, our words)


@dataclass(frozen=True)
class SimilarityHit:
    category: str
    score: float
    margin: float  # over the best category that does not share the winning prototype, and over the background
    sentence: str
    prototype: str
    source: str


# A sentence that says the use does not happen: "we will not use it for ...", "nothing military", "no weapons".
_DENIAL = re.compile(
    r"\b(?:(?:will|would|do|does|did|must|shall|should|can|could|is|are|was|were)(?:\s+not|n't)|never|won't|cannot|can't)"
    r"\s+(?:\w+\s+){0,3}?(?:be\s+)?(?:used?|using|involv\w*|touch\w*|relat\w*|appl\w*|deploy\w*|do(?:ing)?|for|go|make|build|allow\w*|permit\w*)\b"
    r"|\b(?:nothing|none|no)\s+(?:\w+\s+){0,2}(?:of it\s+)?(?:is\s+)?(?:related|involved|military|weapons?|medical|political|sexual|adult)\b"
    r"|\b(?:not|never)\s+(?:for|about|involving|related to|used (?:for|in))\b"
    r"|\bexcept\b|\bexcluding\b|\bother than\b|\bapart from\b|\bprohibit\w*\b|\bban(?:s|ned)?\b|\bforbid\w*\b",
    re.I)
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+|(?<=[。！？；])")
_QUOTED = re.compile(r"[\"“][^\"”]{12,}[\"”]")
# Model, family and licence names carry no use; left in, a sentence about "the Llama 3.1 licence" is nearest to the
# clause that happens to say "Llama 3.1". Both sides are compared without them.
_NAMES = re.compile(
    r"\b(?:meta[\s-]+)?(?:llama|gemma|deepseek|qwen|falcon|starcoder|bigcode|bigscience|bloom|stable[\s-]diffusion|sd\s?3(?:\.5)?|"
    r"stability(?:\s+ai)?|nvidia|openai|chatgpt|gpt|mistral|mixtral|phi|claude|gemini)(?:[\w.:/-]*)"
    r"|\b(?:acceptable use policy|prohibited use policy|use polic(?:y|ies)|aup|pup|openrail(?:-m)?|rail|attachment a|"
    r"licen[cs]e(?:s|d)?|agreement|terms of (?:use|service)|community|open model)\b", re.I)


def neutral(text: str) -> str:
    """The text without model and licence names, whitespace folded."""
    return re.sub(r"\s+", " ", _NAMES.sub(" ", text)).strip()


def sentences(question: str) -> list[str]:
    """The parts of a question scored one by one; quoted licence text is left out (it names a use, it does not do one)."""
    text = _QUOTED.sub(" ", question)
    out = []
    for part in _SENTENCE.split(text):
        part = part.strip(" -*\t")
        if len(re.findall(r"\w+", part)) >= 4:
            out.append(part)
    return out


def denied(sentence: str) -> bool:
    """True when the sentence says a use does not happen, or talks about a rule rather than a use."""
    return _DENIAL.search(sentence) is not None


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return rows / norms


class UseSimilarity:
    """Category prototypes embedded once; `match` scores a question's sentences against them."""

    def __init__(self, embedder: TextEmbedder, prototypes: Sequence[Prototype], *, background: Sequence[str] = (),
                 carve_outs: Sequence[tuple[str, Sequence[str], Sequence[str]]] = (),
                 threshold: float = DEFAULT_THRESHOLD, margin: float = DEFAULT_MARGIN,
                 carve_out: float = DEFAULT_CARVE_OUT, cache_dir: Path | None = None, model_name: str = ""):
        self.embedder = embedder
        self.prototypes = tuple(prototypes)
        self.background = tuple(background)
        self.threshold = threshold
        self.margin = margin
        self.carve_out = carve_out
        # one row per carve-out text, with the categories its group takes a question out of
        self._carve_rows = [(frozenset(members), text) for _, members, texts in carve_outs for text in texts]
        texts = ([neutral(p.text) for p in self.prototypes] + [neutral(b) for b in self.background]
                 + [neutral(t) for _, t in self._carve_rows])
        rows = _unit(self._embed_cached(texts, cache_dir, model_name)) if texts else np.zeros((0, 1), np.float32)
        n, b = len(self.prototypes), len(self.background)
        self.matrix, self.background_matrix, self.carve_matrix = rows[:n], rows[n:n + b], rows[n + b:]
        self.categories = sorted({p.category for p in self.prototypes})
        self._col = {c: i for i, c in enumerate(self.categories)}
        self._proto_col = np.array([self._col[p.category] for p in self.prototypes], dtype=np.int64)
        # categories that share a prototype text (one clause that forbids several uses) are not rivals for it
        by_text: dict[str, set[str]] = {}
        for p in self.prototypes:
            by_text.setdefault(p.text, set()).add(p.category)
        self._sharing = [by_text[p.text] for p in self.prototypes]

    def _embed_cached(self, texts: list[str], cache_dir: Path | None, model_name: str) -> np.ndarray:
        key = hashlib.sha256(("\x1f".join([model_name] + texts)).encode("utf-8")).hexdigest()[:20]
        path = cache_dir / f"usesim-{key}.npy" if cache_dir and model_name else None
        if path is not None and path.exists():
            try:
                rows = np.load(path)
                if rows.shape[0] == len(texts):
                    return rows
            except (OSError, ValueError):
                pass  # a damaged cache is rebuilt below
        rows = np.asarray(self.embedder.get_text_embedding_batch(texts), dtype=np.float32)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp.npy")
                np.save(tmp, rows)
                tmp.replace(path)
            except OSError:
                pass  # the cache only saves start-up time
        return rows

    def _read(self, question: str) -> tuple[list[str], np.ndarray, frozenset[str]]:
        """The sentences worth scoring, their vectors, and the categories a carve-out sentence takes the question out
        of (every sentence counts for a carve-out, a denial included: "it is not sold without consent")."""
        every = [p for p in sentences(question) if len(re.findall(r"\w+", neutral(p))) >= 3]
        if not every or not self.prototypes:
            return [], np.zeros((0, 1), np.float32), frozenset()
        vectors = _unit(np.asarray(self.embedder.get_text_embedding_batch([neutral(p) for p in every]), dtype=np.float32))
        carved: set[str] = set()
        if self._carve_rows:
            near = (vectors @ self.carve_matrix.T).max(axis=0)
            for (members, _), score in zip(self._carve_rows, near):
                if score >= self.carve_out:
                    carved |= members
        keep = [i for i, p in enumerate(every) if not denied(p)]
        return [every[i] for i in keep], vectors[keep], frozenset(carved)

    def ranked(self, question: str) -> list[SimilarityHit]:
        """Per sentence that is not a denial, its best category with score and margin, best first (no threshold)."""
        return self._ranked(*self._read(question)[:2])

    def _ranked(self, parts: list[str], vectors: np.ndarray) -> list[SimilarityHit]:
        if not parts:
            return []
        sims = vectors @ self.matrix.T
        plain = (vectors @ self.background_matrix.T).max(axis=1) if len(self.background) else np.full(len(parts), -1.0)
        hits = []
        for row, sentence, ordinary in zip(sims, parts, plain):
            best = int(np.argmax(row))
            winner = self.prototypes[best].category
            rivals = [i for i in range(len(self.prototypes)) if self.prototypes[i].category not in self._sharing[best]]
            runner = max(float(max(row[rivals])) if rivals else -1.0, float(ordinary))
            hits.append(SimilarityHit(winner, float(row[best]), float(row[best]) - runner, sentence,
                                      self.prototypes[best].text, self.prototypes[best].source))
        return sorted(hits, key=lambda h: -h.score)

    def match(self, question: str, *, excluded=lambda category: False) -> tuple[SimilarityHit, ...]:
        """The categories a question means, beyond its words: threshold and margin cleared, no carve-out (`excluded`)."""
        parts, vectors, carved = self._read(question)
        out: dict[str, SimilarityHit] = {}
        for hit in self._ranked(parts, vectors):
            if hit.score >= self.threshold and hit.margin >= self.margin and hit.category not in out \
                    and hit.category not in carved and not excluded(hit.category):
                out[hit.category] = hit
        return tuple(out.values())


def prototypes_for(categories: UseCategories, clause_text=None, gloss=None) -> list[Prototype]:
    """Each category's label and concepts; with `clause_text` / `gloss` (clause id -> text or None) also the verbatim
    clauses that forbid the use and their glosses. A clause that is only a list's lead-in is left out by its caller."""
    protos: list[Prototype] = []
    for cat in categories.categories:
        seen: set[str] = set()

        def add(text: str | None, source: str) -> None:
            text = re.sub(r"\s+", " ", (text or "")).strip(" *-")
            if len(text) >= 12 and text not in seen:
                seen.add(text)
                protos.append(Prototype(cat.id, text, source))

        add(cat.label, "label")
        for concept in cat.concepts:
            add(concept, "concept")
        for ids in cat.clauses.values():
            for cid in ids:
                if clause_text is not None:
                    add(clause_text(cid), "clause")
                if gloss is not None:
                    add(gloss(cid), "gloss")
    return protos


def build_similarity(embedder, corpus, annotations=None, *, enabled: bool = True, cache_dir: Path | None = None,
                     threshold: float = DEFAULT_THRESHOLD, margin: float = DEFAULT_MARGIN,
                     categories: UseCategories | None = None,
                     sources: tuple[str, ...] = ("label", "concept")) -> UseSimilarity | None:
    """The similarity reader over the search embedder, or None when it is switched off or the embedder carries no
    meaning (the fake-hash test embedder): then the patterns alone decide, exactly as before."""
    name = getattr(embedder, "model_name", "") or ""
    if not enabled or embedder is None or name in NO_MEANING_MODELS:
        return None
    from retrieval.usecases import load_categories

    cats = categories or load_categories()

    def clause_text(cid: str) -> str | None:
        clause = corpus.get(cid) if corpus is not None else None
        if clause is None or clause.text.rstrip().endswith(":"):
            return None  # a list's lead-in says nothing about which use it forbids
        return clause.text[:600]

    def gloss(cid: str) -> str | None:
        row = annotations.get(cid) if annotations is not None else None
        return row.gloss if row is not None else None

    protos = [p for p in prototypes_for(cats, clause_text, gloss) if p.source in sources]
    return UseSimilarity(embedder, protos, background=cats.background, carve_outs=cats.carve_outs,
                         threshold=threshold, margin=margin, cache_dir=cache_dir, model_name=name)
