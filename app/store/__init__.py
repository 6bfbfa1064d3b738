"""The case file: SQLAlchemy models, migrations, full-text search and the ``CaseStore`` facade. No Qt."""

from app.store.casestore import CaseStore

__all__ = ["CaseStore"]
