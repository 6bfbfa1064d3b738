"""Pure domain logic: no Qt, no SQLAlchemy. Everything here is importable and testable headless."""
