"""SQL fragments shared by hand-written report SQL and ORM querysets.

A rule that must also run inside SQL (free places, staleness, distance, waiting) has one
function that writes its SQL from the SQL of its inputs, e.g.
`free_places_sql("f.places_staffed", ...)`. Raw SQL calls it with column names;
querysets wrap it in `Fragment`, which hands it the compiled SQL of ORM expressions
(columns through whatever joins and aliases the query uses, parameters kept in order).
So the board, the API, matching and the reports run the very same SQL text.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.db.models import Func

_MARK = re.compile("\x00(\\d+)\x00")


class Fragment(Func):
    """An ORM expression whose SQL is `builder(*sql_of_expressions)`.

    Each input's SQL is put in parentheses, so a builder may treat it as one term. An
    input may appear in the fragment more than once; its parameters follow each use."""

    def __init__(self, builder: Callable[..., str], *expressions, output_field):
        self.builder = builder
        super().__init__(*expressions, output_field=output_field)

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(expression) for expression in self.get_source_expressions()]
        template = self.builder(*(f"\x00{i}\x00" for i in range(len(compiled))))
        pieces, params = [], []
        for index, piece in enumerate(_MARK.split(template)):
            if index % 2:
                sql, piece_params = compiled[int(piece)]
                pieces.append(f"({sql})")
                params.extend(piece_params)
            else:
                pieces.append(piece)
        return "".join(pieces), params
