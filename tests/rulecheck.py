"""What the rules table alone decides for a reading of a question: shared by the reader tests."""

from retrieval.rules import combine


def verdict_of(table, facts):
    """The combined verdict, the ids of the rules that fired and every clause they cite."""
    fired = table.evaluate(facts)
    return combine([f.verdict for f in fired]), {f.id for f in fired}, {c for f in fired for c in f.clauses}


def decide(table, reg, question):
    """Read a question, then decide it by the rules table: the facts, the verdict's value, rule ids and clause ids."""
    from retrieval.scenario import read_facts

    facts = read_facts(question, reg)
    verdict, ids, clauses = verdict_of(table, facts)
    return facts, verdict.value, ids, clauses
