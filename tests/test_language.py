"""Questions in the languages the reader handles besides English: which language a question is in, how the glossary
renders it in English (longest term first, words consumed, stems, kept words, figures, negations after the verb), and
that the same scenario asked in each language is read to the same facts and answered with the same verdict and
clauses. The questions are our own (tests/fixtures/parallel_questions.toml), not taken from any eval set."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from retrieval.language import Language, load_glossary, read_language, translate
from retrieval.scenario import read_facts

PARALLEL = tomllib.loads((Path(__file__).parent / "fixtures" / "parallel_questions.toml").read_text(encoding="utf-8"))
LANGUAGES = ("en", "zh", "ja", "de", "fr", "es", "pt", "it")
CASES = [(sc["id"], lang) for sc in PARALLEL["scenario"] for lang in LANGUAGES]


def _lang(code: str) -> Language:
    return next(l for l in load_glossary() if l.code == code)


# ---- detection


@pytest.mark.parametrize("question, code", [
    ("Possiamo pubblicare i pesi del nostro modello su Hugging Face senza la licenza?", "it"),
    ("Wir möchten das Modell nur intern nutzen. Ist das erlaubt?", "de"),
    ("En interne, on utilise un modèle sous licence Apache pour traduire notre documentation de support.", "fr"),
    ("¿Podemos usar el modelo en nuestra app de pago?", "es"),
    ("Podemos usar o modelo no nosso aplicativo pago? Não sei.", "pt"),
    ("我们可以商用吗？", "zh"),
    ("我們可以商用嗎？", "zh"),
    ("商用利用はできますか？", "ja"),
    ("Can we use Llama 3.1 in our app? It is a commercial product.", "en"),
    ("We want to release our non-commercial fine-tune on Hugging Face under CC BY-NC.", "en"),
])
def test_the_language_of_a_question(question, code):
    assert read_language(question).language == code


def test_an_english_question_is_read_unchanged():
    q = "Can we fine-tune Llama 3.1 8B and publish it under MIT?"
    assert read_language(q).text == q


def test_the_answer_names_every_language_the_glossary_reads():
    from retrieval.answer import SUPPORTED_LANGUAGES
    assert all(l.name in SUPPORTED_LANGUAGES for l in load_glossary())


def test_a_language_without_a_glossary_is_unsupported():
    reading = read_language("우리 회사는 Llama 3.1 모델을 상업적으로 사용할 수 있나요?")
    assert (reading.language, reading.supported) == ("ko", False)


# ---- the glossary's mechanism


def test_the_longest_phrase_wins_and_its_words_are_consumed():
    text = translate("Je fais des images pour mon usage personnel, sans rien vendre à personne.", _lang("fr"))
    assert "personal use" in text and "not selling anything" in text
    assert "sell" not in text.replace("not selling anything", "")


def test_a_one_character_term_does_not_break_a_longer_word():
    # 不 is "not", but 不同 is "different" and 不过 "but": the longer word is read first
    text = translate("这两个许可证不同，不过我们不发布权重。", _lang("zh"))
    assert "different" in text and " but " in f" {text} " and "never publish" in text
    assert "not 同" not in text and "not 过" not in text


def test_a_stem_matches_the_inflected_forms():
    de = _lang("de")
    for word in ("veröffentlichen", "veröffentlichte", "Veröffentlichung"):
        assert translate(f"Wir wollen das {word}", de).endswith("publish")
    assert translate("Die Gewichte wurden veröffentlicht", de).endswith("published")


def test_a_stem_does_not_swallow_an_unrelated_word():
    # "intern" is internal, "international" is not
    assert "internal" not in translate("Wir sind ein internationaler Konzern und nutzen es.", _lang("de"))


def test_kept_words_are_not_translated():
    # German "mit" is "with"; the licence MIT keeps its name, and so does Stable Diffusion in French
    assert translate("Wir veröffentlichen es mit der MIT-Lizenz", _lang("de")) == "we publish it with the MIT-licence"
    assert "Stable Diffusion 3.5" in translate("Je génère des images avec Stable Diffusion 3.5", _lang("fr"))


def test_a_pinpoint_keeps_its_letters():
    # Italian "i" is an article; in "s.1.b.i" it is a sub-clause
    assert "s.1.b.i" in translate("Ai sensi della s.1.b.i, possiamo usare quel nome?", _lang("it"))


@pytest.mark.parametrize("code, question, figure", [
    ("de", "Unsere App hat 700 Mio. monatlich aktive Nutzer.", "700 million monthly active users"),
    ("de", "Wir haben 1,5 Mrd. Nutzer.", "1.5 billion"),
    ("es", "Tenemos 1,5 millones de usuarios al mes.", "1.5 million monthly active users"),
    ("fr", "Notre application compte 700 000 utilisateurs par mois.", "700k monthly active users"),
    ("it", "Abbiamo un fatturato annuo di 2 milioni di dollari.", "annual revenue of 2 million usd"),
    ("pt", "Temos receita anual de US$ 3 milhões.", "annual revenue of $3 million"),
    ("zh", "我们的应用月活7亿。", "700 million monthly active users"),
    ("zh", "我们的应用有一亿用户。", "100 million users"),
    ("ja", "月間アクティブユーザーは7億人です。", "700 million monthly active users"),
])
def test_figures_are_read_in_each_languages_way_of_writing_them(code, question, figure):
    assert figure in translate(question, _lang(code))


@pytest.mark.parametrize("question, revenue", [
    ("Nuestra empresa tiene ingresos anuales superiores a 1 millón de dólares. ¿Podemos usar Stable Diffusion 3.5?", 1_000_001),
    ("我们公司年营收高于100万美元，能在产品里用 Stable Diffusion 3.5 吗？", 1_000_001),
    ("Unser Jahresumsatz liegt unter 1 Mio. USD. Dürfen wir Stable Diffusion 3.5 kommerziell nutzen?", 999_999),
    ("Notre chiffre d'affaires annuel est de 400 000 $. Pouvons-nous utiliser Stable Diffusion 3.5 ?", 400_000),
])
def test_a_revenue_threshold_is_read_in_each_language(reg, question, revenue):
    assert read_facts(question, reg).revenue == revenue


def test_a_japanese_negation_after_the_verb_negates_it():
    assert "not publish" in translate("重みは公開しません。", _lang("ja"))
    assert "not distribute" in translate("モデルを配布しない予定です。", _lang("ja"))


@pytest.mark.parametrize("code, question, english", [
    ("de", "Wir werden die Gewichte nicht veröffentlichen.", "not publish"),
    ("fr", "Nous ne publions pas les poids.", "not publish"),
    ("es", "No vamos a publicar los pesos.", "not will publish the weights"),
    ("it", "Non pubblicheremo mai i pesi.", "not publish never"),
    ("zh", "我们不会公开权重。", "won't publish weights"),
])
def test_a_negation_stays_in_front_of_what_it_negates(code, question, english):
    assert english in translate(question, _lang(code))


def test_a_quoted_name_or_licence_quotation_is_not_translated():
    es = _lang("es")
    assert '"Qwen Brasil"' in translate('¿Puedo registrar "Qwen Brasil" como marca?', es)
    assert '"You must include a copy of this Agreement"' in translate('¿Qué significa "You must include a copy of this Agreement"?', es)
    # a quoted phrase in the question's own language is read like the rest
    assert "uncensored" in translate("¿Puedo publicar los pesos «sin censura»?", es)


def test_a_spanish_marca_is_a_brand_not_a_trademark():
    # "marca" is one's own brand as often as another's mark; only registering it is a trademark act
    assert "trademark" not in translate("Nuestra marca usa Llama para el chatbot.", _lang("es"))
    assert "trademark" in translate("¿Puedo registrar la marca para mi producto?", _lang("es"))


def test_a_glossary_entry_that_is_not_a_language_table_is_reported(tmp_path):
    bad = tmp_path / "glossary.toml"
    bad.write_text('name = "oops"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not a language table"):
        load_glossary(bad)


# ---- the same scenario in every language


def _check(facts, expect: dict) -> list[str]:
    got = {
        "models": [[m.model_id, m.role.value] for m in facts.models],
        "methods": sorted(m.value for m in facts.methods),
        "deployments": sorted(d.value for d in facts.deployments),
        "use_cases": sorted(facts.use_cases), "flags": sorted(facts.flags), "licences": sorted(facts.licences),
        "mau": facts.mau, "revenue": facts.revenue, "eu": facts.eu, "target_licence": facts.target_licence,
        "release_name": facts.release_name.lower() if facts.release_name else None,
    }
    wrong = []
    for key, want in expect.items():
        if key in ("verdict", "clauses"):
            continue
        if key.endswith("_include"):
            field = key[: -len("_include")]
            missing = [v for v in want if v not in got[field]]
            if missing:
                wrong.append(f"{field} lacks {missing} (read {got[field]})")
        elif (sorted(want) if isinstance(want, list) and key != "models" else want) != got[key]:
            wrong.append(f"{key} is {got[key]}, not {want}")
    return wrong


@pytest.mark.parametrize("scenario, lang", CASES)
def test_each_translation_is_read_to_the_same_facts(reg, scenario, lang):
    question = next(sc for sc in PARALLEL["scenario"] if sc["id"] == scenario)[lang]
    facts = read_facts(question, reg)
    assert facts.language == lang
    assert _check(facts, PARALLEL["expect"][scenario]) == []


ANSWERED = [(s, lang) for s, lang in CASES if "verdict" in PARALLEL["expect"][s]]


@pytest.mark.parametrize("scenario, lang", ANSWERED)
def test_each_translation_gets_the_same_verdict_and_clauses(fake_services, scenario, lang):
    question = next(sc for sc in PARALLEL["scenario"] if sc["id"] == scenario)[lang]
    expect = PARALLEL["expect"][scenario]
    answer = fake_services.engine.answer(question)
    assert answer.verdict == expect["verdict"]
    if "clauses" in expect:
        assert sorted({c for f in answer.findings for c in f.clause_ids}) == sorted(expect["clauses"])
