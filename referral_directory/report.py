"""What an import or a validation found: problems named by file, record id and field."""

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the record cannot be imported
    WARNING = "warning"  # imported, but part of it will not be used (say why)


@dataclass(frozen=True)
class Problem:
    severity: Severity
    file: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record_id or '(no id)'}"
        if self.field:
            where += f" {self.field}"
        return f"{self.severity}: {where}: {self.message}"

    def as_json(self) -> dict[str, str]:
        return {
            "severity": str(self.severity),
            "file": self.file,
            "record_id": self.record_id,
            "field": self.field,
            "message": self.message,
        }


_LONGEST_NAME = 80


def _short(text: str) -> str:
    """An id or field name as reported: a hostile one may be megabytes long."""
    return text if len(text) <= _LONGEST_NAME else text[: _LONGEST_NAME - 1] + "…"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    skipped_records: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def error(self, file: str, record_id: str, field_name: str, message: str) -> None:
        self.problems.append(
            Problem(Severity.ERROR, file, _short(record_id), _short(field_name), message)
        )

    def warning(self, file: str, record_id: str, field_name: str, message: str) -> None:
        self.problems.append(
            Problem(Severity.WARNING, file, _short(record_id), _short(field_name), message)
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        return [str(p) for p in self.errors + self.warnings] + self.notes

    def summary(self) -> str:
        tables = sorted(set(self.created) | set(self.updated) | set(self.removed))
        parts = [
            f"{table} {self.created.get(table, 0)} new, {self.updated.get(table, 0)} updated"
            + (f", {self.removed[table]} removed" if table in self.removed else "")
            for table in tables
        ]
        return "; ".join(parts) or "nothing written"

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "errors": [p.as_json() for p in self.errors],
            "warnings": [p.as_json() for p in self.warnings],
            "notes": self.notes,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "skipped_records": self.skipped_records,
        }
