"""Tests for the model registry (corpus/models.toml and retrieval/registry.py)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ingest.errors import ConfigError, NotFound
from retrieval.registry import DEFAULT_PATH, Modality, Registry, Status

SOURCES = Path(__file__).resolve().parent.parent / "corpus" / "sources.toml"


@pytest.fixture(scope="module")
def registry() -> Registry:
    """The shipped registry, loaded once."""
    return Registry.load()


@pytest.fixture(scope="module")
def doc_ids() -> set[str]:
    """Doc ids of the corpus manifest."""
    with SOURCES.open("rb") as handle:
        return {doc["doc_id"] for doc in tomllib.load(handle)["document"]}


# (question text, model ids expected in order of appearance)
CASES: list[tuple[str, list[str]]] = [
    # Llama: versions must not bleed into each other.
    ("Can I fine-tune Llama 2 for a chatbot?", ["llama-2"]),
    ("llama-2-7b-chat-hf", ["llama-2"]),
    ("codellama/CodeLlama-7b-hf", ["code-llama"]),
    ("llama3", ["llama-3"]),
    ("llama-3", ["llama-3"]),
    ("Meta-Llama-3-8B-Instruct", ["llama-3"]),
    ("LLaMA 3", ["llama-3"]),
    ("lama 3", ["llama-3"]),
    ("Llama 3.1", ["llama-3.1"]),
    ("Meta-Llama-3.1-8B-Instruct", ["llama-3.1"]),
    ("llama3.1 405b", ["llama-3.1"]),
    ("meta-llama/Llama-3.1-70B", ["llama-3.1"]),
    ("merging two L3.1 finetunes", ["llama-3.1"]),
    ("Llama 3.2 3B on a phone", ["llama-3.2"]),
    ("llama 3.2 vision", ["llama-3.2-vision"]),
    ("meta-llama/Llama-3.2-11B-Vision-Instruct", ["llama-3.2-vision"]),
    ("Llama 3.2 90B", ["llama-3.2-vision"]),
    ("Llama-3.3-70B-Instruct", ["llama-3.3"]),
    ("Llama 4 Maverick", ["llama-4"]),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", ["llama-4"]),
    # Gemma: "gemma 2b" is Gemma 1, "gemma-2-2b" is Gemma 2.
    ("gemma-7b", ["gemma-1"]),
    ("gemma 2b", ["gemma-1"]),
    ("CodeGemma 7B", ["gemma-1"]),
    ("RecurrentGemma", ["gemma-1"]),
    ("PaliGemma", ["paligemma"]),
    ("gemma-2-9b-it", ["gemma-2"]),
    ("gemma2", ["gemma-2"]),
    ("google/gemma-2-2b", ["gemma-2"]),
    ("Gemma 3 27B", ["gemma-3"]),
    ("gemma-3n-E4B-it", ["gemma-3n"]),
    ("ShieldGemma", ["shieldgemma"]),
    ("ShieldGemma 2", ["shieldgemma-2"]),
    ("MedGemma", ["medgemma"]),
    # Mistral: open Apache models versus research / non-production licences.
    ("Mistral 7B", ["mistral-7b"]),
    ("mixtral-8x7b", ["mixtral"]),
    ("Mixtral 8x22B", ["mixtral"]),
    ("Mistral NeMo", ["mistral-nemo"]),
    ("Pixtral 12B", ["pixtral-12b"]),
    ("Pixtral Large", ["pixtral-large"]),
    ("Mistral Small 3", ["mistral-small-3"]),
    ("Mistral Small 3.1", ["mistral-small-3.1"]),
    ("Codestral", ["codestral"]),
    ("Codestral Mamba", ["codestral-mamba"]),
    ("Mistral Large 2", ["mistral-large-2"]),
    # Phi.
    ("Phi-2", ["phi-2"]),
    ("phi3-mini", ["phi-3"]),
    ("Phi-3.5-vision-instruct", ["phi-3-vision"]),
    ("Phi-4", ["phi-4"]),
    # Qwen: the size decides the licence.
    ("Qwen2.5-72B-Instruct", ["qwen2.5-72b"]),
    ("Qwen2.5-7B", ["qwen2.5"]),
    ("Qwen2.5-32B", ["qwen2.5"]),
    ("Qwen2.5-3B", ["qwen2.5-3b"]),
    ("Qwen2-72B", ["qwen2-72b"]),
    ("Qwen2-7B-Instruct", ["qwen2"]),
    ("Qwen2.5-VL-72B-Instruct", ["qwen2.5-vl-72b"]),
    ("Qwen3-8B", ["qwen3"]),
    # DeepSeek: R1 and later V3 releases are MIT, older weights the DeepSeek License.
    ("DeepSeek-R1", ["deepseek-r1"]),
    ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", ["deepseek-r1-distill-llama-8b"]),
    ("DeepSeek-R1-Distill-Qwen-32B", ["deepseek-r1-distill-qwen"]),
    ("deepseek-r1:14b", ["deepseek-r1-distill-qwen"]),  # Ollama tags below 671B are distills
    ("deepseek-r1:8b", []),  # Llama-8B or R1-0528-Qwen3-8B distill: ambiguous
    ("DeepSeek-V3", ["deepseek-v3"]),
    ("DeepSeek-V3-0324", ["deepseek-v3-mit"]),
    ("DeepSeek-V2.5", ["deepseek-v2"]),
    ("deepseek-coder-6.7b-instruct", ["deepseek-coder"]),
    ("DeepSeek LLM 67B", ["deepseek-llm"]),
    # Falcon, BigScience, BigCode, NVIDIA, Stability.
    ("Falcon 2 11B", ["falcon-2-11b"]),
    ("tiiuae/falcon-40b", ["falcon"]),
    ("Falcon 7B", ["falcon"]),
    ("BLOOM", ["bloom"]),
    ("StarCoder", ["starcoder"]),
    ("bigcode/starcoder2-15b", ["starcoder"]),
    ("Nemotron-4-340B-Instruct", ["nemotron"]),
    ("nvidia/Llama-3.1-Nemotron-Nano-8B-v1", ["llama-3.1-nemotron"]),
    ("Stable Diffusion 3.5 Large", ["stable-diffusion-3.5"]),
    ("SDXL Turbo", ["sdxl-turbo"]),
    ("SDXL", ["sdxl"]),
    ("Stable Video Diffusion", ["stable-video-diffusion"]),
    # OpenAI and hosted models.
    ("gpt4", ["openai"]),
    ("GPT-4 outputs", ["openai"]),
    ("GPT-4o", ["openai"]),
    ("GPT-3.5", ["openai"]),
    ("o1", ["openai"]),
    ("chatgpt", ["openai"]),
    ("OpenAI API outputs", ["openai"]),
    ("gpt-oss-20b", ["gpt-oss"]),
    ("Claude", ["claude"]),
    ("Gemini API", ["gemini"]),
    ("Command R", ["command-r"]),
    ("Midjourney", ["midjourney"]),
    ("Grok", ["grok"]),
    ("Grok-1", ["grok-1"]),
    # Sentences with several models, in order of appearance.
    ("can I distill GPT-4 outputs into Llama 3.1 8B?", ["openai", "llama-3.1"]),
    ("Is Llama 3 more permissive than Llama 3.1?", ["llama-3", "llama-3.1"]),
    ("Merge Qwen2.5-7B with Qwen2.5-72B-Instruct", ["qwen2.5", "qwen2.5-72b"]),
    ("Train Mistral 7B on ChatGPT and Claude transcripts", ["mistral-7b", "openai", "claude"]),
    # Ambiguous or unrelated text names no model.
    ("Can I fine-tune Llama?", []),
    ("Qwen2.5 licence", []),
    ("a bloom filter over the L3 cache, compiled with -O3", []),
    ("gpt4all", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[text for text, _ in CASES])
def test_find_resolves_real_world_names(registry: Registry, text: str, expected: list[str]) -> None:
    """Each string resolves to the expected models, in order."""
    assert [match.entry.id for match in registry.find(text)] == expected


def test_match_spans_point_into_the_original_text(registry: Registry) -> None:
    """Spans are offsets in the unmodified question."""
    text = "can I distill GPT-4 outputs into Llama 3.1 8B?"
    matches = registry.find(text)
    assert [(m.text, text[m.start : m.end]) for m in matches] == [("GPT-4", "GPT-4"), ("Llama 3.1 8B", "Llama 3.1 8B")]


def test_longest_match_wins_over_shorter_overlap(registry: Registry) -> None:
    """'Llama 3.2 Vision' contains the text entry's 'Llama 3.2' but resolves once, to Vision."""
    matches = registry.find("Llama 3.2 Vision")
    assert len(matches) == 1
    assert matches[0].entry.id == "llama-3.2-vision"
    assert matches[0].entry.modality is Modality.MULTIMODAL


def test_shipped_registry_validates_against_the_manifest(registry: Registry, doc_ids: set[str]) -> None:
    """No problems in the shipped file, including every example resolving to its own entry."""
    assert registry.validate(doc_ids) == []
    assert registry.validate() == []


def test_default_path_is_the_corpus_file(registry: Registry) -> None:
    """Registry.load() without a path reads corpus/models.toml."""
    assert DEFAULT_PATH == SOURCES.parent / "models.toml"
    assert registry.path == DEFAULT_PATH


def test_required_coverage(registry: Registry) -> None:
    """Entries the brief requires exist with the right documents and status."""
    expectations = {
        "llama-3.1": ["llama-3.1-license", "llama-3.1-aup"],
        "gemma-1": ["gemma-terms-2025", "gemma-pup", "gemma-terms-2024"],
        "gemma-2": ["gemma-terms-2025", "gemma-pup", "gemma-terms-2024"],
        "gemma-3": ["gemma-terms-2025", "gemma-pup"],
        "mistral-7b": ["apache-2.0"],
        "phi-3": ["mit"],
        "qwen2.5-72b": ["qwen-license"],
        "qwen2.5": ["apache-2.0"],
        "deepseek-v3": ["deepseek-license"],
        "deepseek-r1": ["mit"],
        "falcon-2-11b": ["falcon-2-license"],
        "bloom": ["bigscience-openrail-m"],
        "starcoder": ["bigcode-openrail-m"],
        "nemotron": ["nvidia-open-model-license"],
        "stable-diffusion-3.5": ["stability-ai-community"],
        "openai": ["openai-terms-2024", "openai-terms-2023"],
    }
    for model_id, documents in expectations.items():
        assert list(registry.get(model_id).documents) == documents, model_id
    for model_id in ("codestral", "mistral-large-2", "claude", "gemini", "command-r", "midjourney", "grok"):
        entry = registry.get(model_id)
        assert entry.status is Status.NOT_IN_CORPUS and entry.documents == () and entry.licence, model_id
    assert registry.get("codestral").licence == "Mistral AI Non-Production License"


def test_every_doc_id_in_the_manifest_is_referenced(registry: Registry, doc_ids: set[str]) -> None:
    """Documents nobody maps to are dead weight in the corpus (cc-by* are only reachable by document id)."""
    used = {doc for entry in registry.entries for doc in entry.documents}
    assert doc_ids - used <= {"cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0"}


GOOD_ROW = """
[[model]]
id = "{id}"
name = "Good"
provider = "Test"
family = "apache"
version = ""
modality = "text"
status = "in_corpus"
documents = ["apache-2.0"]
licence = "Apache License 2.0"
source = "test"
patterns = ['''\\bgoodmodel\\b''']
examples = ["goodmodel"]
"""


def test_broken_file_reports_every_bad_row(tmp_path: Path) -> None:
    """One ConfigError names each malformed row, not just the first."""
    broken = (
        GOOD_ROW.format(id="good")
        + """
[[model]]
id = "missing-licence"
name = "No licence"
provider = "Test"
family = "apache"
version = ""
modality = "text"
status = "in_corpus"
documents = ["apache-2.0"]
source = "test"
patterns = ['''\\bnolicence\\b''']
examples = ["nolicence"]

[[model]]
id = "bad-enums"
name = "Bad enums"
provider = "Test"
family = "apache"
version = ""
modality = "video"
status = "maybe"
documents = ["apache-2.0"]
licence = "Apache License 2.0"
source = "test"
patterns = ['''\\bbadenums\\b''']
examples = ["badenums"]
licnse = "typo"

[[model]]
id = "bad-regex"
name = "Bad regex"
provider = "Test"
family = "apache"
version = ""
modality = "text"
status = "in_corpus"
documents = ["apache-2.0"]
licence = "Apache License 2.0"
source = "test"
patterns = ['''\\bbad(regex''', '''x*''']
examples = ["badregex"]
"""
        + GOOD_ROW.format(id="good")
    )
    path = tmp_path / "models.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Registry.load(path)
    message = str(caught.value)
    assert str(path) in message
    assert "model #2 (id 'missing-licence'): missing field 'licence'" in message
    assert "model #3 (id 'bad-enums'): modality 'video' is not one of 'text', 'multimodal'" in message
    assert "model #3 (id 'bad-enums'): status 'maybe'" in message
    assert "unknown field 'licnse'; did you mean 'licence'?" in message
    assert "model #4 (id 'bad-regex'): pattern '\\\\bbad(regex' is not a valid regex" in message
    assert "matches the empty string" in message
    assert "id 'good' is used by models #1, #5" in message
    assert "model #1" not in message.replace("models #1", "")


def test_validate_reports_every_cross_reference_problem(tmp_path: Path, doc_ids: set[str]) -> None:
    """A structurally valid file can still point at unknown documents or have examples that resolve elsewhere."""
    rows = (
        GOOD_ROW.format(id="good")
        + GOOD_ROW.format(id="unknown-doc").replace('"apache-2.0"]', '"apache-2"]').replace("goodmodel", "unknowndoc")
        + GOOD_ROW.format(id="no-docs").replace('["apache-2.0"]', "[]").replace("goodmodel", "nodocs")
        # Same pattern as "good", listed later: it loses every tie, so its example resolves to "good".
        + GOOD_ROW.format(id="loses-tie")
    )
    path = tmp_path / "models.toml"
    path.write_text(rows, encoding="utf-8")
    problems = Registry.load(path).validate(doc_ids)
    assert any("'unknown-doc'" in p and "unknown doc id 'apache-2'; did you mean 'apache-2.0'?" in p for p in problems)
    assert any("'no-docs'" in p and "documents is empty" in p for p in problems)
    assert any("'loses-tie'" in p and "example 'goodmodel' resolves to good, not to 'loses-tie'" in p for p in problems)
    assert len(problems) == 3, problems


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    """Syntax errors name the file."""
    path = tmp_path / "models.toml"
    path.write_text("[[model]\nid = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Registry.load(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    """A wrong path says which path."""
    with pytest.raises(ConfigError, match="does not exist"):
        Registry.load(tmp_path / "nope.toml")


def test_get_returns_entry(registry: Registry) -> None:
    """Known ids come back as entries."""
    assert registry.get("llama-3.1").name == "Llama 3.1"


def test_get_unknown_id_suggests_near_ids(registry: Registry) -> None:
    """A typo'd id raises NotFound naming the id it was probably meant to be."""
    with pytest.raises(NotFound, match="'llama-3.1'") as caught:
        registry.get("llama-3.11")
    assert "llama-3.11" in str(caught.value)


def test_get_alias_suggests_the_id_it_names(registry: Registry) -> None:
    """Passing a model name instead of an id points at the id."""
    with pytest.raises(NotFound, match="'qwen2.5-72b'"):
        registry.get("Qwen2.5-72B-Instruct")
