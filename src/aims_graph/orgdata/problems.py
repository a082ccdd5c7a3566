"""Import problems: where a bad value is (file, sheet, row, column), why, and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One reason an import was refused."""

    file: str
    reason: str
    fix: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""

    @property
    def location(self) -> str:
        """Where, e.g. ``soa.csv, sheet soa, row 7, column applicable``."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(p for p in parts if p)

    def __str__(self) -> str:
        text = f"{self.location}: {self.reason}"
        return f"{text} (fix: {self.fix})" if self.fix else text

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class OrgDataError(ValueError):
    """An import or store was refused; ``problems`` lists every reason."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{len(problems)} problem(s): {head}{more}")
