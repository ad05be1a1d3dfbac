"""What the rules table alone decides for a reading of a question: shared by the reader tests."""

from retrieval.rules import combine


def verdict_of(table, facts):
    """The combined verdict, the ids of the rules that fired and every clause they cite."""
    fired = table.evaluate(facts)
    return combine([f.verdict for f in fired]), {f.id for f in fired}, {c for f in fired for c in f.clauses}
