"""The clausewise error hierarchy; only the CLI and the UI turn these into exit codes and banners."""


class ClausewiseError(Exception):
    """Root of every error clausewise raises on purpose; the message says what went wrong and how to fix it."""


class ConfigError(ClausewiseError):
    """A setting, flag or data file (manifest, registry, rules) is invalid."""


class SourceError(ClausewiseError):
    """A document's text cannot be had, or does not match its pinned sha256."""


class ParseError(ClausewiseError):
    """A document cannot be turned into clauses (unreadable, empty, not text)."""


class StoreError(ClausewiseError):
    """The search index is missing, busy, corrupt or unreachable."""


class QuoteError(ClausewiseError):
    """A stored clause no longer matches its source text; it is never shown."""


class NotFound(ClausewiseError):
    """An id (document, clause, model) is unknown; the message suggests near matches."""
