"""The "Facts as understood" panel: every fact the reader produced, editable, with the summary updating as you edit.
The latest answer's panel is open for editing; an earlier one's opens for editing with a click.

No st.form: each edit reruns the page, so the summary beside the widgets always shows the facts the re-run would use,
and contradictory choices are resolved (methods, deployments) or refused before the re-run is offered.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from retrieval.scenario import FLAG_PATTERNS, LICENCE_PATTERNS, ModelRef, Role
from retrieval.usecases import load_categories
from ui.conversation import ROLE_LABELS, Turn, facts_rows
from ui.engine import (DEPLOYMENT_LABELS, EU_LABELS, EXCLUSIVE_DEPLOYMENTS, METHOD_LABELS, correct_facts, eu_key,
                       eu_value, exclusive, target_label, target_options)
from ui.text import md_escape

ss = st.session_state
EXCLUSIVE_METHOD_TABLE = {"plain_use": set()}
TRI = {"unknown": "Not stated", "yes": "Yes", "no": "No"}


def _prefix(turn: Turn) -> str:
    return f"facts-{turn.id}-"


def _entry_docs(registry, model_id: str) -> tuple[str, ...]:
    try:
        return tuple(registry.get(model_id).documents)
    except Exception:  # noqa: BLE001 - a model id from an older registry: it governs nothing now
        return ()


def _on_exclusive(key: str, table: dict[str, set[str]]) -> None:
    ss[key] = exclusive(ss.get(key + "-prev", []), list(ss[key]), table)
    ss[key + "-prev"] = list(ss[key])


def _on_models(p: str, registry) -> None:
    """Adding a model adds the documents that govern it; removing one removes documents only it brought."""
    before, now = ss.get(p + "models-prev", []), list(ss[p + "models"])
    keep = {d for m in now for d in _entry_docs(registry, m)}
    removed = {d for m in before if m not in now for d in _entry_docs(registry, m)} - keep
    added = [d for m in now if m not in before for d in _entry_docs(registry, m)]
    docs = [d for d in ss.get(p + "documents", []) if d not in removed]
    ss[p + "documents"] = docs + [d for d in dict.fromkeys(added) if d not in docs]
    ss[p + "models-prev"] = now


def _model_refs(facts, chosen: list[str], p: str, registry) -> tuple[ModelRef, ...]:
    known = {m.model_id: m for m in facts.models}
    out = []
    for mid in chosen:
        role = Role(ss.get(p + f"role-{mid}", (known[mid].role if mid in known else Role.BASE).value))
        if mid in known:
            ref = known[mid]
        else:
            e = registry.get(mid)
            ref = ModelRef(e.id, e.name, Role.BASE, tuple(e.documents), e.in_corpus, e.licence, e.family,
                           e.modality.value == "multimodal")
        out.append(ModelRef(ref.model_id, ref.name, role, ref.documents, ref.in_corpus, ref.licence, ref.family,
                            ref.multimodal))
    return tuple(out)


def _int_or_none(value) -> int | None:
    return None if value is None else int(value)


def _tri_key(value: bool | None) -> str:
    return eu_key(value)


def read_edits(turn: Turn, services) -> tuple[object, list[str], str]:
    """(corrected facts, changes, problem) from the panel's current widget values; read again at click time, so a
    click always uses what the widgets show."""
    facts, p = turn.answer.facts, _prefix(turn)
    if p + "models" not in ss:
        return facts, [], ""
    edits = dict(models=_model_refs(facts, ss[p + "models"], p, services.registry), documents=ss[p + "documents"],
                 licences=ss[p + "licences"], methods=ss[p + "methods"], deployments=ss[p + "deployments"],
                 target_licence=ss[p + "target"], datasets=ss[p + "datasets"], mau=_int_or_none(ss[p + "mau"]),
                 revenue=_int_or_none(ss[p + "revenue"]), eu=eu_value(ss[p + "eu"]),
                 multimodal=eu_value(ss[p + "multimodal"]), use_cases=ss[p + "use_cases"], flags=ss[p + "flags"])
    try:
        corrected, changes = correct_facts(facts, **edits)
    except ValueError as exc:
        return facts, [], str(exc)
    return corrected, changes, ""


def _init(key: str, value) -> str:
    """Widgets take their first value from session state (no `default=`), so callbacks may set them freely."""
    ss.setdefault(key, value)
    return key


def _open_editor(p: str) -> None:
    ss[p + "editing"] = True


def panel(turn: Turn, latest: bool, services, on_rerun: Callable[[int], None]) -> None:
    facts = turn.answer.facts
    corpus, registry = services.corpus, services.registry
    p = _prefix(turn)
    if not latest and not ss.get(p + "editing"):
        # An earlier question shows its facts read-only until asked for the editor. Streamlit's selectbox and
        # number_input walk the whole session state on every call, so one editor per past question made each rerun
        # of a long conversation cost the square of its length, in every open session.
        with st.expander("Facts as understood: check them, correct them, re-run", expanded=False,
                         icon=":material/fact_check:"):
            st.markdown("**As read from the question**")
            st.markdown("\n".join(f"- **{label}:** {md_escape(value)}" for label, value in facts_rows(facts)))
            st.button("Correct these facts", key=p + "edit", icon=":material/edit:", on_click=_open_editor, args=(p,))
        return
    with st.expander("Facts as understood: check them, correct them, re-run",
                     expanded=latest or bool(ss.get(p + "editing")), icon=":material/fact_check:"):
        left, right = st.columns([1, 1.25], gap="large")
        with right:
            model_ids = [e.id for e in registry.entries]
            default_models = [m.model_id for m in facts.models]
            model_ids = list(dict.fromkeys(default_models + model_ids))
            names = {e.id: e.name for e in registry.entries} | {m.model_id: m.name for m in facts.models}
            ss.setdefault(p + "models-prev", default_models)
            chosen = st.multiselect("Models", model_ids, format_func=lambda m: names.get(m, m),
                                    key=_init(p + "models", default_models), on_change=_on_models, args=(p, registry),
                                    placeholder="None named: pick the model(s)")
            if chosen:
                cols = st.columns(min(len(chosen), 3))
                roles = list(ROLE_LABELS)
                current_roles = {m.model_id: m.role.value for m in facts.models}
                for i, mid in enumerate(chosen):
                    cols[i % len(cols)].selectbox(f"Role of {names.get(mid, mid)}", roles, format_func=ROLE_LABELS.get,
                                                  key=_init(p + f"role-{mid}", current_roles.get(mid, "base")))
            doc_options = list(dict.fromkeys(list(facts.documents) + [d for d in corpus.documents
                                                                        if corpus.documents[d].spec.is_primary]
                                             + [d for e in registry.entries for d in e.documents]))
            st.multiselect("Governing documents", doc_options, key=_init(p + "documents", list(facts.documents)),
                           help="Adding or removing a model updates this list; you can also edit it directly.")
            licence_options = list(dict.fromkeys(list(facts.licences) + list(LICENCE_PATTERNS)))
            st.multiselect("Licences named in the question", licence_options, key=_init(p + "licences", list(facts.licences)))
            ss.setdefault(p + "methods-prev", [m.value for m in facts.methods])
            st.multiselect("Method(s)", list(METHOD_LABELS), format_func=METHOD_LABELS.get,
                           key=_init(p + "methods", [m.value for m in facts.methods]),
                           on_change=_on_exclusive, args=(p + "methods", EXCLUSIVE_METHOD_TABLE),
                           help="Plain use excludes every training method: picking one clears the other.")
            ss.setdefault(p + "deployments-prev", [d.value for d in facts.deployments])
            st.multiselect("Deployment(s)", list(DEPLOYMENT_LABELS), format_func=DEPLOYMENT_LABELS.get,
                           key=_init(p + "deployments", [d.value for d in facts.deployments]),
                           on_change=_on_exclusive, args=(p + "deployments", EXCLUSIVE_DEPLOYMENTS),
                           placeholder="Not stated: choose how the model is used")
            targets = target_options(corpus)
            if facts.target_licence not in targets:
                targets.append(facts.target_licence)
            st.selectbox("Target licence of your release", targets, format_func=target_label,
                         key=_init(p + "target", facts.target_licence))
            data_options = list(dict.fromkeys(list(facts.datasets) + [t for t in targets if t not in (None, "proprietary")]))
            st.multiselect("Datasets used (by licence)", data_options, key=_init(p + "datasets", list(facts.datasets)))
            c1, c2 = st.columns(2)
            c1.number_input("Monthly active users", min_value=0, value=facts.mau, step=1_000_000, key=p + "mau",
                            placeholder="not stated")
            c2.number_input("Annual revenue (USD)", min_value=0, value=facts.revenue, step=1_000_000, key=p + "revenue",
                            placeholder="not stated")
            c1, c2 = st.columns(2)
            c1.selectbox("Based in / serving the EU?", list(EU_LABELS), format_func=EU_LABELS.get,
                         key=_init(p + "eu", eu_key(facts.eu)))
            c2.selectbox("Multimodal model?", list(TRI), format_func=TRI.get,
                         key=_init(p + "multimodal", _tri_key(facts.multimodal)))
            labels = {c.id: c.label for c in load_categories().categories}
            st.multiselect("Use categories", sorted(set(labels) | set(facts.use_cases)),
                           format_func=lambda u: labels.get(u, u.replace("_", " ")),
                           key=_init(p + "use_cases", list(facts.use_cases)))
            st.multiselect("Flags", sorted(set(FLAG_PATTERNS) | set(facts.flags)),
                           format_func=lambda f: f.replace("_", " "), key=_init(p + "flags", list(facts.flags)))
            corrected, changes, problem = read_edits(turn, services)
            if problem:
                st.error(md_escape(problem), icon=":material/block:")
            st.button("Re-run with these facts", type="primary", icon=":material/replay:", key=p + "rerun",
                      disabled=bool(problem), on_click=on_rerun, args=(turn.id,))
        with left:
            st.markdown("**The facts the re-run will use**" if changes else "**As read from the question**")
            st.markdown("\n".join(f"- **{label}:** {md_escape(value)}" for label, value in facts_rows(corrected)))
            if changes:
                st.info("**Your corrections:**\n" + "\n".join(f"- {md_escape(c)}" for c in changes),
                        icon=":material/edit_note:")
