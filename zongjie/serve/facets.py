"""Facets on a fact's document and canonical indicator, for Datasette's table pages.

Datasette facets count the values of a table's own columns. A fact
(indicator, commitment, quantity…) has no year, period, entity or document
type of its own: they belong to its document, and the entity and the
canonical indicator are worked out in Python (``entity_of``,
``canonical_name``). This facet type counts them through ``document_id``,
and its links add ``_zj_<dimension>=value`` to the URL, which
:func:`filter_arguments` turns into a WHERE clause. Configured in the table
metadata as ``{"zongjie": "year"}``.
"""

from __future__ import annotations

from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import Facet
from datasette.filters import FilterArguments
from datasette.utils import path_with_added_args, path_with_removed_args

PARAM = "_zj_"
# dimension → (label, SQL expression over the document row d)
DOCUMENT_DIMENSIONS = {
    "year": ("年份 year", "d.year"),
    "period": ("期间 period", "d.period"),
    "doc_type": ("文种 document type", "d.doc_type"),
    "entity": ("主体 entity", "zongjie_entity(d.org, d.title)"),
    # near-duplicates (documents.duplicate_of, migration 6): a repost, the copy kept, or neither
    "duplicate": ("近似重复 near-duplicate", "CASE WHEN d.duplicate_of IS NOT NULL THEN '转载 near-duplicate' "
                  "WHEN EXISTS (SELECT 1 FROM documents x WHERE x.duplicate_of = d.id) THEN '原件 has copies' "
                  "ELSE '唯一 unique' END"),
}
# dimensions that need a column a store may lack (an old store served as it is, never migrated)
NEEDS_COLUMN = {"duplicate": "duplicate_of"}
CANONICAL = ("规范指标 canonical indicator",)


def _canonical_sql(has_table: bool, alias: str) -> str:
    if has_table:
        return (f"COALESCE((SELECT c.canonical FROM indicator_canonical c WHERE c.indicator_id = {alias}.id), "
                f"zongjie_canonical({alias}.name))")
    return f"zongjie_canonical({alias}.name)"


class ZongjieFacet(Facet):
    """Counts of a fact table's rows by their document's year, period, type or entity, or by canonical indicator."""

    type = "zongjie"

    async def suggest(self) -> list[dict[str, Any]]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        results: list[dict[str, Any]] = []
        timed_out: list[str] = []
        qs_pairs = self.get_querystring_pairs()
        size = self.get_facet_size()
        db = self.ds.get_database(self.database)
        has_canonical = await db.table_exists("indicator_canonical")
        document_columns = set(await db.table_columns("documents"))
        for source_and_config in self.get_configs():
            dimension = source_and_config["config"].get("simple")
            if NEEDS_COLUMN.get(dimension, "id") not in document_columns:
                continue
            sql = self._sql(dimension, has_canonical)
            if sql is None:
                continue
            label = DOCUMENT_DIMENSIONS[dimension][0] if dimension in DOCUMENT_DIMENSIONS else CANONICAL[0]
            try:
                rows = await self.ds.execute(
                    self.database, sql.format(limit=size + 1), self.params, truncate=False,
                    custom_time_limit=self.ds.setting("facet_time_limit_ms"),
                )
            except QueryInterrupted:
                timed_out.append(dimension)
                continue
            key = PARAM + dimension
            values = []
            for row in rows.rows[:size]:
                value = str(row["value"])
                selected = (key, value) in qs_pairs
                path = (path_with_removed_args(self.request, {key: value}) if selected
                        else path_with_added_args(self.request, {key: value}))
                values.append({"value": row["value"], "label": row["value"], "count": row["count"],
                               "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                               "selected": selected})
            results.append({
                "name": f"{label}",
                "type": self.type,
                "hideable": False,
                "toggle_url": self.ds.urls.path(path_with_removed_args(self.request, {key: None})),
                "results": values,
                "truncated": len(rows.rows) > size,
            })
        return results, timed_out

    def _sql(self, dimension: str | None, has_canonical: bool) -> str | None:
        if dimension in DOCUMENT_DIMENSIONS:
            expr = DOCUMENT_DIMENSIONS[dimension][1]
            if self.table == "documents":
                inner = f"SELECT d.id AS document_id, 1 AS n FROM ({self.sql}) d"
            else:
                # count per document first: the entity is worked out once a document
                inner = f"SELECT t.document_id, count(*) AS n FROM ({self.sql}) t GROUP BY t.document_id"
            return (f"SELECT {expr} AS value, sum(f.n) AS count FROM ({inner}) f "
                    f"JOIN documents d ON d.id = f.document_id WHERE value IS NOT NULL "
                    "GROUP BY value ORDER BY count DESC, value LIMIT {limit}")
        if dimension == "canonical" and self.table == "indicators":
            return (f"SELECT {_canonical_sql(has_canonical, 't')} AS value, count(*) AS count FROM ({self.sql}) t "
                    "WHERE value IS NOT NULL GROUP BY value ORDER BY count DESC, value LIMIT {limit}")
        return None


def filter_arguments(request: Any, table: str | None, tables: set[str]) -> FilterArguments | None:
    """WHERE clauses for the ``_zj_<dimension>=value`` arguments the facets add.

    Values of one dimension are alternatives (``_zj_duplicate=原件 has copies&_zj_duplicate=唯一 unique``:
    every document but the reposts); different dimensions all apply.
    """
    where, params, described = [], {}, []
    for arg in request.args.keys():
        if not arg.startswith(PARAM) or not table:
            continue
        dimension = arg[len(PARAM):]
        values = request.args.getlist(arg)
        names = [f"zj_{dimension}_{i}" for i in range(len(values))]
        alternatives = ", ".join(f":{name}" for name in names)
        if dimension in DOCUMENT_DIMENSIONS:
            label, expr = DOCUMENT_DIMENSIONS[dimension]
            column = "id" if table == "documents" else "document_id"
            where.append(f"{column} IN (SELECT d.id FROM documents d WHERE {expr} IN ({alternatives}))")
        elif dimension == "canonical" and table == "indicators":
            label = CANONICAL[0]
            where.append(f"{_canonical_sql('indicator_canonical' in tables, 'indicators')} IN ({alternatives})")
        else:
            continue
        described.append(f"{label} = {' or '.join(values)}")
        params.update(zip(names, values, strict=True))
    if not where:
        return None
    return FilterArguments(where, params=params, human_descriptions=described)
