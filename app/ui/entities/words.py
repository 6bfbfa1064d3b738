"""How the entity views say things: type, kind and status names, counts and short quotes.

Every user-visible string goes through ``QCoreApplication.translate`` under the "Entities" context.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import QCoreApplication

from app.core.entity_records import CandidateStatus, DeletionImpact, EntityTypeRecord
from app.core.identifiers import IdentifierKind
from app.core.mentions import MatchKind, ReviewReason

_QUOTE_CHARS = 48


def tr(text: str, disambiguation: str | None = None, count: int = -1) -> str:
    return QCoreApplication.translate("Entities", text, disambiguation, count)


def counted(text: str, count: int) -> str:
    """Finish ``tr("%n mention(s)", "", n)`` when no catalogue translated it: "1 mention", "2 mentions"
    (also "alias(es)" and "entity(ies)")."""
    translated = tr(text, None, count)
    one = count == 1
    translated = translated.replace("y(ies)", "y" if one else "ies")
    return translated.replace("(es)", "" if one else "es").replace("(s)", "" if one else "s")


def type_label(entity_type: EntityTypeRecord) -> str:
    """A built-in type's name in the user's language; an investigator's own type as they named it."""
    if not entity_type.builtin:
        return entity_type.label
    return {
        "person": tr("Person"),
        "organisation": tr("Organisation"),
        "location": tr("Location"),
        "equipment": tr("Equipment / vehicle"),
        "identifier": tr("Identifier"),
        "other": tr("Other"),
    }.get(entity_type.key, entity_type.label)


def kind_label(kind: MatchKind) -> str:
    return {
        MatchKind.EXACT: tr("Exact"),
        MatchKind.PREFIXED: tr("Prefixed"),
        MatchKind.VARIANT: tr("Variant"),
    }[kind]


def kind_explanation(kind: MatchKind) -> str:
    return {
        MatchKind.EXACT: tr("One of the entity's names, as written (case and marks aside)."),
        MatchKind.PREFIXED: tr("One of the entity's names behind a Hebrew or Arabic prefix."),
        MatchKind.VARIANT: tr("A near miss of one of the entity's names: another spelling, or a typo."),
    }[kind]


def reason_label(reason: ReviewReason) -> str:
    return {
        ReviewReason.NONE: "",
        ReviewReason.NEAR_MISS: tr("a different spelling"),
        ReviewReason.SHORT_AFTER_PREFIX: tr("a short name behind a prefix may be an ordinary word"),
        ReviewReason.SHORT_NAME: tr("a short name is often a common word too"),
        ReviewReason.CASE_DIFFERS: tr("written in lower case"),
        ReviewReason.INSIDE_OTHER_MENTION: tr("inside a mention of another entity"),
    }[reason]


def status_label(status: CandidateStatus) -> str:
    return {
        CandidateStatus.PENDING: tr("To review"),
        CandidateStatus.ACCEPTED: tr("Accepted"),
        CandidateStatus.REJECTED: tr("Rejected"),
    }[status]


def identifier_kind_label(kind: IdentifierKind) -> str:
    return {
        IdentifierKind.URL: tr("URL"),
        IdentifierKind.EMAIL: tr("E-mail"),
        IdentifierKind.PHONE: tr("Phone"),
        IdentifierKind.IPV4: tr("IP address"),
        IdentifierKind.IPV6: tr("IP address"),
        IdentifierKind.COORDINATES: tr("Coordinates"),
        IdentifierKind.HANDLE: tr("Handle"),
        IdentifierKind.HASHTAG: tr("Hashtag"),
    }[kind]


def quote(text: str, limit: int = _QUOTE_CHARS) -> str:
    """A name or selection on one line, shortened, for titles, menus and messages.

    Hebrew or Arabic is wrapped in a bidi isolate, so in “…” inside an English sentence the quotation
    marks stay around it and the sentence keeps its order.
    """
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return f"\u2068{text}\u2069"
    return text


def deletion_text(impact: DeletionImpact) -> str:
    """What the delete confirmation says goes with the entity (only what there is: no "0 event links")."""
    counts = (
        ("%n alias(es)", impact.aliases),
        ("%n mention(s)", impact.mentions),
        ("%n event link(s)", impact.event_links),
        ("%n mention candidate(s)", impact.candidates),
        ("%n note(s)", impact.notes),
        ("%n tag(s)", impact.taggings),
    )
    parts = [counted(words, count) for words, count in counts if count]
    if not parts:
        text = tr("Delete “{name}”? Nothing else goes with it.").format(name=quote(impact.name))
    else:
        listed = (
            parts[0]
            if len(parts) == 1
            else tr("{first} and {last}").format(first=", ".join(parts[:-1]), last=parts[-1])
        )
        text = tr("Delete “{name}”? This also deletes its {items}.").format(
            name=quote(impact.name), items=listed
        )
    return text + "\n\n" + tr("Edit ▸ Undo brings it all back.")
