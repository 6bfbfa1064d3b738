"""Precision and recall of mention finding on hand-labelled Hebrew, Arabic and English text.

The labelled set is ``tests/core/data/mentions_labelled.jsonl``: one record with every entity's aliases,
then one record per text, whose mentions are marked inline so they can be read and checked by eye:

    המטוס נחת ב[פיונגיאנג](pyongyang) …     a mention of the entity; an attached prefix stays outside
    [Shoygu](shoigu~)                        a near-miss spelling: expected as a variant, for review
    ברון רוטשילד → [ברון](ron!)              a trap: if anything is found there it must need review

Everything not marked must not be found. A found candidate counts for a mention when its entity and span
(the name, prefix left out) are the marked ones. Recall is reported per language and kind (exact,
prefixed, variant), precision for the confident kinds (exact and prefixed) and for variants; a trap
found without a review flag is a silent accept, and there must be none. The gate: recall of exact and
of prefixed mentions at least 0.95.

The set runs twice: through ``app.core.mentions.find_candidates`` one text at a time, and through a real
case file (every text a source, ``store.entities.find_candidates()`` for all entities at once, with the
index preselecting sources and the case's vocabulary giving the near misses); the two must agree.

    python -m bench.mention_eval              # prints the table, writes bench/out/results/mention_eval-*.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "core" / "data" / "mentions_labelled.jsonl"
GATE = 0.95
KINDS = ("exact", "prefixed", "variant")
_MARK = re.compile(r"\[([^\]]+)\]\(([a-z0-9_]+)([~!]?)\)")
_ATTACHING = "-\u05be\u2010\u2011"  # a prefix joined by a hyphen or maqaf is still attached


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    entity: str
    kind: str  # exact, prefixed, variant, trap


@dataclass(frozen=True)
class Sample:
    id: str
    lang: str
    text: str
    gold: tuple[Gold, ...]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    entity: str
    kind: str
    needs_review: bool


@dataclass
class Tally:
    gold: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    predicted: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    kind_agrees: int = 0
    traps: int = 0
    traps_flagged: int = 0
    silent_accepts: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)


def parse_marked(marked: str) -> tuple[str, tuple[Gold, ...]]:
    """The clean text and its marked mentions (see the module docstring)."""
    pieces: list[str] = []
    gold: list[Gold] = []
    cursor = length = 0
    for mark in _MARK.finditer(marked):
        before = marked[cursor : mark.start()]
        pieces.append(before)
        length += len(before)
        surface, entity, flag = mark.groups()
        clean_so_far = "".join(pieces)
        kind = {"~": "variant", "!": "trap"}.get(flag) or _kind(clean_so_far)
        gold.append(Gold(length, length + len(surface), entity, kind))
        pieces.append(surface)
        length += len(surface)
        cursor = mark.end()
    pieces.append(marked[cursor:])
    text = "".join(pieces)
    if "[" in text or "](" in text:
        raise ValueError(f"unbalanced mark in {marked!r}")
    return text, tuple(gold)


def _kind(before: str) -> str:
    """A mention right after a letter (or a letter and a hyphen) carries a prefix."""
    if not before:
        return "exact"
    last = before[-1]
    if last in _ATTACHING and len(before) > 1 and before[-2].isalpha():
        return "prefixed"
    return "prefixed" if last.isalnum() or _is_mark(last) else "exact"


def _is_mark(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in ("Mn", "Me")


def load(path: Path = DATA) -> tuple[dict[str, list[str]], list[Sample]]:
    aliases: dict[str, list[str]] = {}
    samples: list[Sample] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["kind"] == "entities":
            aliases = record["aliases"]
        else:
            text, gold = parse_marked(record["marked"])
            samples.append(Sample(record["id"], record["lang"], text, gold))
    return aliases, samples


# -- running the finder -----------------------------------------------------------------------------------


def _owners(aliases: dict[str, list[str]]) -> dict[tuple[str, ...], str]:
    from app.core.mentions import alias_words

    return {alias_words(alias): entity for entity, names in aliases.items() for alias in names}


def run_core(aliases: dict[str, list[str]], samples: Sequence[Sample]) -> dict[str, list[Found]]:
    """Each text on its own through the pure core (its own vocabulary for near misses)."""
    from app.core.mentions import alias_words, find_candidates

    owners = _owners(aliases)
    every_alias = [alias for names in aliases.values() for alias in names]
    return {
        sample.id: [
            Found(c.start, c.end, owners[alias_words(c.alias)], c.kind.value, c.needs_review)
            for c in find_candidates(sample.text, every_alias)
        ]
        for sample in samples
    }


def run_store(
    aliases: dict[str, list[str]], samples: Sequence[Sample], folder: Path
) -> dict[str, list[Found]]:
    """All texts as sources of one case file, every entity's candidates found at once."""
    from app.core.records import Extraction, SourceKind, SourceMetadata
    from app.store import CaseStore

    with CaseStore.create(folder / "eval.threadline", title="Mention evaluation", actor="eval") as store:
        by_source: dict[int, str] = {}
        for sample in samples:
            extraction = Extraction(
                SourceKind.TEXT,
                "text/plain",
                sample.text,
                SourceMetadata(title=sample.id, language=sample.lang),
            )
            added = store.add_source(sample.text.encode(), extraction, original_filename=f"{sample.id}.txt")
            by_source[added.source_id] = sample.id
        entity_of: dict[int, str] = {}
        for key, names in aliases.items():
            entity_of[store.entities.add("other", names[0], names[1:]).id] = key
        candidates = store.entities.find_candidates()
    found: dict[str, list[Found]] = {sample.id: [] for sample in samples}
    for c in candidates:
        found[by_source[c.source_id]].append(
            Found(c.start, c.end, entity_of[c.entity_id], c.kind.value, c.needs_review)
        )
    return {key: sorted(value, key=lambda f: (f.start, f.entity)) for key, value in found.items()}


# -- scoring ----------------------------------------------------------------------------------------------


def score(samples: Sequence[Sample], found: dict[str, list[Found]]) -> dict[str, Tally]:
    """Tallies per language, and over all ("all")."""
    tallies: dict[str, Tally] = {}
    for sample in samples:
        for tally in (tallies.setdefault(sample.lang, Tally()), tallies.setdefault("all", Tally())):
            _score_sample(sample, found[sample.id], tally)
    return tallies


def _score_sample(sample: Sample, found: Iterable[Found], tally: Tally) -> None:
    predictions = list(found)
    matched: set[int] = set()
    for gold in sample.gold:
        if gold.kind == "trap":
            tally.traps += 1
            overlapping = [p for p in predictions if p.start < gold.end and gold.start < p.end]
            matched.update(id(p) for p in overlapping)
            if any(not p.needs_review for p in overlapping):
                tally.silent_accepts.append(f"{sample.id}: {sample.text[gold.start : gold.end]!r}")
            elif overlapping:
                tally.traps_flagged += 1
            continue
        tally.gold[gold.kind] += 1
        hit = next(
            (p for p in predictions if (p.start, p.end, p.entity) == (gold.start, gold.end, gold.entity)),
            None,
        )
        if hit is None:
            tally.misses.append(
                f"{sample.id} {gold.kind} {sample.text[gold.start : gold.end]!r} ({gold.entity})"
            )
            continue
        matched.add(id(hit))
        tally.found[gold.kind] += 1
        tally.kind_agrees += hit.kind == gold.kind
    for prediction in predictions:
        tally.predicted[prediction.kind] += 1
        if id(prediction) in matched:
            tally.correct[prediction.kind] += 1
        else:
            surface = sample.text[prediction.start : prediction.end]
            tally.false_positives.append(f"{sample.id} {prediction.kind} {surface!r} ({prediction.entity})")


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def recall(tally: Tally, kind: str) -> float:
    return _ratio(tally.found[kind], tally.gold[kind])


def precision(tally: Tally, kinds: Sequence[str]) -> float:
    return _ratio(sum(tally.correct[k] for k in kinds), sum(tally.predicted[k] for k in kinds))


def gate_met(tallies: dict[str, Tally]) -> bool:
    overall = tallies["all"]
    return (
        recall(overall, "exact") >= GATE
        and recall(overall, "prefixed") >= GATE
        and not overall.silent_accepts
    )


def report(tallies: dict[str, Tally]) -> str:
    from bench.common import table

    rows = []
    for lang in ("he", "ar", "en", "all"):
        t = tallies[lang]
        rows.append(
            (
                lang,
                t.gold["exact"],
                f"{recall(t, 'exact'):.3f}",
                t.gold["prefixed"],
                f"{recall(t, 'prefixed'):.3f}",
                f"{precision(t, ('exact', 'prefixed')):.3f}",
                t.gold["variant"],
                f"{recall(t, 'variant'):.3f}",
                f"{precision(t, ('variant',)):.3f}",
                f"{t.traps_flagged}/{t.traps}",
                len(t.silent_accepts),
            )
        )
    headers = (
        "lang",
        "exact",
        "recall",
        "prefixed",
        "recall",
        "precision (exact+prefixed)",
        "variant",
        "recall",
        "precision",
        "traps flagged",
        "silent accepts",
    )
    return table(headers, rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--verbose", action="store_true", help="list misses and false positives")
    args = parser.parse_args(argv)
    aliases, samples = load()
    core = run_core(aliases, samples)
    with tempfile.TemporaryDirectory() as folder:
        stored = run_store(aliases, samples, Path(folder))
    disagreements = [sample.id for sample in samples if core[sample.id] != stored[sample.id]]
    tallies = score(samples, core)
    print(f"{len(samples)} texts, {sum(len(s.gold) for s in samples)} marks")
    print(report(tallies))
    overall = tallies["all"]
    print(f"gold kind agrees with the found kind for {overall.kind_agrees} of {sum(overall.found.values())}")
    print(f"core and case file agree: {'yes' if not disagreements else 'NO: ' + ', '.join(disagreements)}")
    verdict = "met" if gate_met(tallies) else "MISSED"
    print(f"gate (recall of exact and prefixed >= {GATE}, no silent accept): {verdict}")
    if args.verbose:
        for title, lines in (
            ("misses", overall.misses),
            ("false positives", overall.false_positives),
            ("silent accepts", overall.silent_accepts),
        ):
            print(f"\n{title} ({len(lines)}):")
            print("\n".join(f"  {line}" for line in lines))
    from bench.common import write_results

    write_results(
        "mention_eval",
        {
            "texts": len(samples),
            "by_language": {
                lang: {
                    "gold": t.gold,
                    "found": t.found,
                    "predicted": t.predicted,
                    "correct": t.correct,
                    "traps": t.traps,
                    "traps_flagged": t.traps_flagged,
                    "silent_accepts": t.silent_accepts,
                }
                for lang, t in tallies.items()
            },
            "core_and_store_agree": not disagreements,
            "gate_met": gate_met(tallies),
        },
    )
    return 0 if gate_met(tallies) and not disagreements else 1


if __name__ == "__main__":
    sys.exit(main())
