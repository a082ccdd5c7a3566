"""Check a curated EU AI Act mapping set after review and tally the review against a base revision.

Usage (from the repository root):

    python scripts/review_mappings.py [--set mappings/eu-ai-act--iso42001-2023.sssom.tsv]
        [--base fad197a] [--articles 4-5] [--log mappings/review/<set>.review-2026-12.tsv]

Checks, each reported with file and line so the row can be found and fixed:
- every obligation of the catalog has at least one row (a mapping or a no-counterpart record);
- every object CURIE is an item of the object catalog, or `sssom:NoTermFound`;
- no-counterpart records have the agreed shape (empty label, skos:relatedMatch, no-relationship,
  empty strength, a reason in the comment); mapping rows have a strength of 0.4, 0.6 or 0.8;
- no (subject, object) pair is written twice.

The review log (`mappings/review/`) has one line per row before the review (its decision: kept,
changed, removed, replaced by no-counterpart) and one per row added; the script checks that the
log accounts for exactly the rows of the set at `--base` (git) and of the set now, then tallies
the decisions, and the changed rows by what changed (target, relation, grade, comment).
Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

NO_TERM = "sssom:NoTermFound"
OBLIGATIONS = Path("ontology/standards/src/eu-ai-act-obligations.tsv")
OBJECT_CATALOGS = {
    "iso42001": Path("ontology/standards/src/iso42001-2023.tsv"),
    "nist-ai-rmf": Path("ontology/standards/src/nist-ai-rmf-1.0.tsv"),
}
STRENGTHS = {"0.4", "0.6", "0.8"}


@dataclass(frozen=True)
class Row:
    """One mapping row with the cells the review looks at."""

    line: int
    subject: str
    obj: str
    relation: str
    grade: str
    comment: str


def read_rows(text: str) -> list[Row]:
    """Parse SSSOM/TSV text; the grade is `strength` when present, else the old `confidence`."""
    body = [(n, line) for n, line in enumerate(text.splitlines(), 1) if not line.startswith("#")]
    if not body:
        return []
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in body)), delimiter="\t")
    rows = []
    for (n, _), cells in zip(body[1:], reader, strict=True):
        grade = cells.get("strength", cells.get("confidence", "")) or ""
        rows.append(
            Row(
                n,
                cells["subject_id"],
                cells["object_id"],
                cells["set_relation"],
                grade,
                cells.get("comment", ""),
            )
        )
    return rows


def obligation_of(curie: str) -> str:
    """`eu-ai-act:obl-AIA-9-1-PRV` -> `AIA-9-1-PRV`."""
    return curie.split(":", 1)[1].removeprefix("obl-")


def article_of(obligation: str) -> int:
    """`AIA-9-1-PRV` -> 9."""
    return int(obligation.split("-")[1])


def load_refs(prefix: str) -> set[str]:
    """The item refs of the object catalog named by a CURIE prefix."""
    with OBJECT_CATALOGS[prefix].open(encoding="utf-8") as handle:
        return {r["ref"] for r in csv.DictReader(handle, delimiter="\t")}


def check(path: Path, rows: list[Row], raw: str) -> list[str]:
    """Return one message per problem found in the reviewed set."""
    problems: list[str] = []
    with OBLIGATIONS.open(encoding="utf-8") as handle:
        catalog = [r["id"] for r in csv.DictReader(handle, delimiter="\t")]
    mapped = {obligation_of(r.subject) for r in rows}
    problems += [
        f"{path}: obligation {o} has no row (add a mapping or a no-counterpart record)"
        for o in catalog
        if o not in mapped
    ]
    problems += [
        f"{path}:{r.line}: unknown obligation {r.subject}"
        for r in rows
        if obligation_of(r.subject) not in set(catalog)
    ]
    refs: dict[str, set[str]] = {}
    for r in rows:
        where = f"{path}:{r.line}"
        if r.obj == NO_TERM:
            if r.relation != "no-relationship" or r.grade or len(r.comment) < 40:
                problems.append(
                    f"{where}: no-counterpart record needs set_relation "
                    "no-relationship, empty strength and a reason in the comment"
                )
            continue
        prefix, _, ref = r.obj.partition(":")
        if prefix not in OBJECT_CATALOGS:
            problems.append(f"{where}: object {r.obj} has an unknown prefix")
            continue
        if ref not in refs.setdefault(prefix, load_refs(prefix)):
            problems.append(f"{where}: object {r.obj} is not an item of the {prefix} catalog")
        if r.grade not in STRENGTHS:
            problems.append(f"{where}: strength {r.grade!r} is not one of 0.4, 0.6, 0.8")
    pairs = Counter((r.subject, r.obj) for r in rows if r.obj != NO_TERM)
    problems += [
        f"{path}: pair {s} -> {o} written {n} times" for (s, o), n in pairs.items() if n > 1
    ]
    if "sssom:" in raw and "sssom: https://w3id.org/sssom/" not in raw:
        problems.append(f"{path}: curie_map lacks sssom: https://w3id.org/sssom/")
    return problems


def read_log(path: Path) -> list[dict[str, str]]:
    """The review log: one line per row before the review and per row added."""
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def check_log(log: list[dict[str, str]], before: list[Row], after: list[Row]) -> list[str]:
    """The log must account for every row before the review and every row after it."""
    was = Counter((r["subject_id"], r["object_before"]) for r in log if r["object_before"])
    now = Counter((r["subject_id"], r["object_after"]) for r in log if r["object_after"])
    base = Counter((obligation_of(r.subject), r.obj.partition(":")[2] or r.obj) for r in before)
    head = Counter(
        (obligation_of(r.subject), r.obj if r.obj == NO_TERM else r.obj.partition(":")[2])
        for r in after
    )
    problems = [f"log: row {k} before the review is not in the log" for k in base - was]
    problems += [f"log: names a row {k} the base revision does not have" for k in was - base]
    problems += [f"log: row {k} of the set is not in the log" for k in head - now]
    problems += [f"log: names a row {k} the set does not have" for k in now - head]
    return problems


def tally(log: list[dict[str, str]]) -> dict[str, int]:
    """Count rows by decision, and changed rows by what changed."""
    counts: Counter[str] = Counter(r["decision"] for r in log)
    for r in log:
        for what in filter(None, r["changed"].split(",")):
            counts[f"  changed: {what}"] += 1
    counts["rows before"] = sum(1 for r in log if r["object_before"])
    counts["rows after"] = sum(1 for r in log if r["object_after"])
    return dict(counts)


def main() -> int:
    """Run the checks and print the tally; exit 1 on a failed check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="mappings/eu-ai-act--iso42001-2023.sssom.tsv")
    parser.add_argument("--base", default="fad197a", help="git revision before the review")
    parser.add_argument("--articles", default="", help="article range for the tally, e.g. 16-27")
    parser.add_argument("--log", default="", help="review log (default: mappings/review/<set>...)")
    args = parser.parse_args()
    path = Path(args.set)
    raw = path.read_text(encoding="utf-8")
    rows = read_rows(raw)
    problems = check(path, rows, raw)
    base = subprocess.run(
        ["git", "show", f"{args.base}:{args.set}"], capture_output=True, text=True, check=True
    ).stdout
    before = read_rows(base)
    low, _, high = (args.articles or "0-999").partition("-")
    span = range(int(low), int(high or low) + 1)
    log_path = Path(
        args.log or f"mappings/review/{path.name.removesuffix('.sssom.tsv')}.review-2026-12.tsv"
    )
    log = read_log(log_path)
    problems += check_log(log, before, rows)
    if args.articles:
        log = [r for r in log if article_of(r["subject_id"]) in span]
    for name, value in sorted(tally(log).items()):
        print(f"{name}: {value}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
