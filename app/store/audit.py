"""Writing the append-only audit log, inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from app.store.models import AuditEntry, utc_now


def _jsonable(value: object) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
) -> None:
    session.add(AuditEntry(**_entry(actor, action, object_type, object_id, before, after)))


def record_on(
    connection: Connection,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None,
    before: Mapping[str, object] | None = None,
    after: Mapping[str, object] | None = None,
) -> None:
    """``record`` for a writer that uses Core statements: the row is inserted at once."""
    connection.execute(insert(AuditEntry), _entry(actor, action, object_type, object_id, before, after))


def _entry(
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
) -> dict[str, Any]:
    return {
        "at": utc_now(),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "before": _jsonable(before) if before is not None else None,
        "after": _jsonable(after) if after is not None else None,
    }
