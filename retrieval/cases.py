"""Readable rule cases (`corpus/rules/cases/*.toml`), the way OpenFisca writes its tests: a scenario as facts, the
verdict expected and the clause ids it must rest on. The test suite runs every case; a lawyer adds one without Python.

    [[case]]
    id = "llama-3-outputs-train-another-model"
    summary = "Llama 3 answers are used to fine-tune a Mistral model that is then published."
    rules = ["llama-improve-other-llm"]            # optional: rules that must fire
    [case.facts]
    models = [{ name = "Meta-Llama-3-8B", role = "output_source" }, { name = "Mistral-7B" }]
    methods = ["distillation"]
    deployments = ["weights_release"]
    [case.expect]
    verdict = "not_permitted"
    clauses = ["llama-3-license:1.b.v"]           # every one must ground a fired rule
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ConfigError
from retrieval.facts_data import facts_from_data
from retrieval.registry import Registry
from retrieval.rules import RULES_DIR, RuleTable, Verdict, combine
from retrieval.scenario import Facts

CASES_DIR = RULES_DIR / "cases"


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    summary: str
    facts: Facts
    verdict: Verdict
    clauses: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class CaseResult:
    case: Case
    verdict: Verdict
    fired: tuple[str, ...]
    clauses: tuple[str, ...]

    @property
    def problems(self) -> list[str]:
        out = []
        if self.verdict is not self.case.verdict:
            out.append(f"verdict {self.verdict.value}, expected {self.case.verdict.value} (fired: {', '.join(self.fired) or 'none'})")
        missing = [c for c in self.case.clauses if c not in self.clauses]
        if missing:
            out.append(f"clauses not cited by any fired rule: {', '.join(missing)}")
        absent = [r for r in self.case.rules if r not in self.fired]
        if absent:
            out.append(f"rules that did not fire: {', '.join(absent)}")
        return out

    @property
    def passed(self) -> bool:
        return not self.problems


def load_cases(registry: Registry, folder: Path | None = None) -> list[Case]:
    """Every case of every file; a ConfigError lists every bad row."""
    folder = folder or CASES_DIR
    cases, problems, seen = [], [], set()
    for file in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            problems.append(f"{file.name}: cannot be read ({exc})")
            continue
        for n, row in enumerate(data.get("case", []), 1):
            where = f"{file.name} case #{n} ({row.get('id', '?')})"
            try:
                if row.get("id") in seen:
                    raise ConfigError(f"{where}: id used twice")
                seen.add(row.get("id"))
                expect = row.get("expect") or {}
                if "id" not in row or "verdict" not in expect:
                    raise ConfigError(f"{where}: a case needs an `id` and `expect.verdict`")
                try:
                    verdict = Verdict(expect["verdict"])
                except ValueError:
                    raise ConfigError(f"{where}: verdict {expect['verdict']!r} is not one of {[v.value for v in Verdict]}") from None
                facts = facts_from_data(row.get("facts", {}), registry, where)
                cases.append(Case(row["id"], file.name, row.get("summary", ""), facts, verdict,
                                  tuple(expect.get("clauses", ())), tuple(row.get("rules", ()))))
            except ConfigError as exc:
                problems.append(str(exc))
    if problems:
        raise ConfigError(f"The rule cases in {folder} have {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return cases


def run_case(table: RuleTable, case: Case) -> CaseResult:
    fired = table.evaluate(case.facts)
    return CaseResult(case, combine([f.verdict for f in fired]), tuple(dict.fromkeys(f.id for f in fired)),
                      tuple(dict.fromkeys(c for f in fired for c in f.clauses)))
