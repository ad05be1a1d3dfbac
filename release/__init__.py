"""Release deliverables: check a model card and its lineage, the obligations and files to ship, AI-BOMs and memos.

Layer: uses ingest and retrieval; cli and app use it.
"""
