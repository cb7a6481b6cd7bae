"""A report is a list of tables; screens, the API and the exports all render the same
tables, so a contract manager exports exactly what they see (suppression included)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)

    def values(self):
        for row in self.rows:
            yield [row.get(column.key) for column in self.columns]
