"""Dates as the investigator's sources give them, in EDTF (Library of Congress Extended Date/Time Format).

This module starts with what the case file needs from day one: validating a source's published date. The
uncertain-date model used by events grows here too.
"""

from __future__ import annotations

import re

from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

from app.core.errors import InvalidValue

_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


def normalize_edtf(text: str) -> str:
    """Return the canonical EDTF form of ``text`` or raise ``InvalidValue`` saying what is accepted.

    Besides EDTF proper (``2023``, ``2023-07``, ``2023-07-31``, ``2019~``, ``2023-07-31T10:20:00+03:00``,
    intervals) a day-first ``31.07.2023`` / ``31/07/2023`` is accepted, as written in Israel and Europe.
    """
    value = text.strip()
    day_first = _DAY_FIRST.match(value)
    if day_first:
        day, month, year = day_first.groups()
        value = f"{year}-{int(month):02d}-{int(day):02d}"
    try:
        return str(parse_edtf(value))
    except (EDTFParseException, ValueError, TypeError) as exc:
        raise InvalidValue(
            f"“{text}” is not a date Threadline can read: use 2023, 2023-07, 2023-07-31 or another EDTF "
            "form (2019~ for “around 2019”, 2023-07-31/2023-08-02 for a range)."
        ) from exc
