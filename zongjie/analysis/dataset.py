"""The whole store as a dataset: every fact table joined with its document's metadata.

One table per kind of fact (indicators, quantities, times, commitments,
entities, audits, plus documents and ingest_errors), each row carrying the
fact's own columns, then the metadata of its document (``doc_title``,
``doc_entity``, ``doc_year``, ``doc_period``, ``doc_type``, ``doc_org``,
``doc_source``, ``doc_member``) and the sentence it was found in
(``sentence``). Indicators also carry their canonical indicator
(``canonical``, ``canonical_method``).

Rows are streamed from SQLite (``fetchmany``) into the writers, so a store
of any size is exported in bounded memory:

- ``csv``: a directory, one UTF-8 file per table (with a BOM, so Excel
  reads the Chinese right);
- ``jsonl``: a directory, one file of JSON lines per table;
- ``parquet``: a directory, one file per table (pyarrow, extra ``parquet``),
  written in row groups;
- ``xlsx``: one workbook, one sheet per table, bold frozen header, column
  widths from the first rows (openpyxl write-only mode).

    >>> [t.name for t in tables_of({"indicators", "documents"})]
    ['documents', 'indicators']
"""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "Table", "export", "iter_rows", "tables_of"]

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
BATCH = 2000  # rows fetched (and written to parquet) at a time
XLSX_MAX_ROWS = 1_048_575  # a sheet holds 1,048,576 rows, the header included
_WIDTH_SAMPLE = 200  # rows read to size xlsx columns

# the document's metadata joined to every fact: (output column, SQL, type)
_DOC_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("doc_title", "d.title", "TEXT"),
    ("doc_entity", "zongjie_entity(d.org, d.title)", "TEXT"),
    ("doc_year", "d.year", "INTEGER"),
    ("doc_period", "d.period", "TEXT"),
    ("doc_type", "d.doc_type", "TEXT"),
    ("doc_org", "d.org", "TEXT"),
    ("doc_source", "d.source", "TEXT"),
    ("doc_member", "d.member", "TEXT"),
)
_SENTENCE = ("sentence", "s.text", "TEXT")
# documents without their long columns (text, raw text, offset maps)
_DOCUMENT_SKIP = {"text", "raw_text", "raw_offsets", "pages", "blocks", "ocr"}
_FACTS = ("indicators", "quantities", "times", "commitments", "entities")


@dataclass(frozen=True)
class Table:
    """One exported table: its name, SQL and (column, SQLite type) pairs."""

    name: str
    sql: str
    columns: tuple[tuple[str, str], ...]

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]


def _own_columns(conn: Any, table: str) -> list[tuple[str, str]]:
    return [(row[1], (row[2] or "TEXT").upper()) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def tables_of(present: set[str], conn: Any = None) -> list[Table]:
    """The tables to export from a store holding ``present`` tables, in a fixed order.

    ``conn`` gives each table's own columns; without it (for the doctest)
    only the names are right.
    """
    def own(table: str) -> list[tuple[str, str]]:
        return _own_columns(conn, table) if conn is not None else []

    out: list[Table] = []
    if "documents" in present:
        cols = [(c, t) for c, t in own("documents") if c not in _DOCUMENT_SKIP]
        select = ", ".join(f'd."{c}"' for c, _ in cols)
        out.append(Table(
            "documents",
            f"SELECT {select}{', ' if select else ''}zongjie_entity(d.org, d.title) AS entity "
            "FROM documents d ORDER BY d.year, d.title, d.id",
            (*cols, ("entity", "TEXT")),
        ))
    doc_sql = ", ".join(f"{sql} AS {name}" for name, sql, _ in _DOC_COLUMNS)
    doc_cols = tuple((name, kind) for name, _, kind in _DOC_COLUMNS)
    for table in _FACTS:
        if table not in present:
            continue
        cols = own(table)
        select = ", ".join(f'f."{c}"' for c, _ in cols)
        extra_sql, extra_cols, join = "", (), ""
        if table == "indicators":
            if "indicator_canonical" in present:
                join = " LEFT JOIN indicator_canonical c ON c.indicator_id = f.id"
                extra_sql = ", COALESCE(c.canonical, zongjie_canonical(f.name)) AS canonical, " \
                            "COALESCE(c.method, zongjie_canonical_method(f.name)) AS canonical_method"
            else:
                extra_sql = ", zongjie_canonical(f.name) AS canonical, " \
                            "zongjie_canonical_method(f.name) AS canonical_method"
            extra_cols = (("canonical", "TEXT"), ("canonical_method", "TEXT"))
        out.append(Table(
            table,
            f"SELECT {select}{extra_sql}, {doc_sql}, s.text AS sentence FROM {table} f "
            f"JOIN documents d ON d.id = f.document_id LEFT JOIN sentences s ON s.id = f.sentence_id{join} "
            "ORDER BY f.id",
            (*cols, *extra_cols, *doc_cols, (_SENTENCE[0], _SENTENCE[2])),
        ))
    if "audits" in present:
        cols = own("audits")
        select = ", ".join(f'a."{c}"' for c, _ in cols)
        out.append(Table(
            "audits",
            f"SELECT {select}, td.title AS target_doc_title, td.year AS target_doc_year, "
            "td.source AS target_doc_source, rd.title AS result_doc_title, rd.year AS result_doc_year, "
            "rd.source AS result_doc_source FROM audits a "
            "LEFT JOIN documents td ON td.id = a.target_document_id "
            "LEFT JOIN documents rd ON rd.id = a.result_document_id ORDER BY a.entity, a.indicator, a.period, a.id",
            (*cols, ("target_doc_title", "TEXT"), ("target_doc_year", "INTEGER"), ("target_doc_source", "TEXT"),
             ("result_doc_title", "TEXT"), ("result_doc_year", "INTEGER"), ("result_doc_source", "TEXT")),
        ))
    if "ingest_errors" in present:
        cols = own("ingest_errors")
        out.append(Table("ingest_errors", "SELECT * FROM ingest_errors ORDER BY id", tuple(cols)))
    return out


@functools.lru_cache(maxsize=100_000)
def _entity(org: Any, title: Any) -> str:
    from zongjie.analysis.compare import entity_of

    return entity_of(org, title)


@functools.lru_cache(maxsize=100_000)
def _canonical(name: Any) -> tuple[str | None, str | None]:
    from zongjie.analysis.canonical import canonical_name

    if not isinstance(name, str) or not name.strip():
        return None, None
    c = canonical_name(name)
    return c.name, c.method or "none"


def register_functions(conn: Any) -> None:
    """The SQL functions the export's queries use (the serve plugin registers the same names)."""
    conn.create_function("zongjie_entity", 2, _entity, deterministic=True)
    conn.create_function("zongjie_canonical", 1, lambda n: _canonical(n)[0], deterministic=True)
    conn.create_function("zongjie_canonical_method", 1, lambda n: _canonical(n)[1], deterministic=True)


def iter_rows(conn: Any, table: Table) -> Iterator[tuple]:
    """The table's rows, fetched ``BATCH`` at a time."""
    cursor = conn.execute(table.sql)
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return
        yield from rows


def export(store: Any, fmt: str, output: str | Path, *,
           progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Write every table of ``store`` to ``output`` in ``fmt``.

    Args:
        store: an open Store (read-only is enough).
        fmt: ``csv``, ``jsonl``, ``parquet`` (directories) or ``xlsx`` (one file).
        output: the directory or the workbook to write.
        progress: called with (table, rows written) after each table.

    Returns:
        Rows written per table.

    Raises:
        ValueError: an unknown format.
        ImportError: parquet without pyarrow (with the install command).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    conn = store.db.conn
    register_functions(conn)
    present = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables = tables_of(present, conn)
    output = Path(output)
    counts: dict[str, int] = {}
    if fmt == "xlsx":
        output.parent.mkdir(parents=True, exist_ok=True)
        counts = _write_xlsx(conn, tables, output, progress)
        return counts
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError as e:
            raise ImportError("parquet export needs pyarrow: pip install 'zongjie[parquet]'") from e
    output.mkdir(parents=True, exist_ok=True)
    writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
    for table in tables:
        counts[table.name] = writer(iter_rows(conn, table), table, output / f"{table.name}.{fmt}")
        if progress:
            progress(table.name, counts[table.name])
    return counts


def _write_csv(rows: Iterator[tuple], table: Table, path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(table.names)
        for row in rows:
            writer.writerow(row)
            n += 1
    return n


def _write_jsonl(rows: Iterator[tuple], table: Table, path: Path) -> int:
    n = 0
    names = table.names
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n")
            n += 1
    return n


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    if "INT" in kind:
        return pa.int64()
    if kind in ("REAL", "FLOAT", "DOUBLE", "NUMERIC"):
        return pa.float64()
    return pa.string()


def _write_parquet(rows: Iterator[tuple], table: Table, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, _arrow_type(kind)) for name, kind in table.columns])
    n = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        batch: list[tuple] = []

        def flush() -> None:
            columns = list(zip(*batch, strict=True)) if batch else [[] for _ in table.columns]
            writer.write_table(pa.Table.from_arrays(
                [pa.array(list(col), type=field.type) for col, field in zip(columns, schema, strict=True)],
                schema=schema))

        for row in rows:
            batch.append(row)
            n += 1
            if len(batch) >= BATCH:
                flush()
                batch = []
        if batch or n == 0:
            flush()
    return n


def _width(value: Any) -> float:
    text = "" if value is None else str(value)
    # a CJK character is about two columns wide
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:80])


def _write_xlsx(conn: Any, tables: Sequence[Table], path: Path,
                progress: Callable[[str, int], None] | None) -> dict[str, int]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    counts: dict[str, int] = {}
    for table in tables:
        ws = wb.create_sheet(title=table.name[:31])
        rows = iter_rows(conn, table)
        head: list[tuple] = []
        for row in rows:
            head.append(row)
            if len(head) >= _WIDTH_SAMPLE:
                break
        # widths must be set before the first row of a write-only sheet
        for i, name in enumerate(table.names):
            longest = max([_width(name)] + [_width(r[i]) for r in head])
            ws.column_dimensions[get_column_letter(i + 1)].width = max(6, min(60, longest + 2))
        ws.freeze_panes = "A2"
        header = []
        for name in table.names:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        n = 0
        for row in _chain(head, rows):
            if n >= XLSX_MAX_ROWS:
                raise ValueError(f"table {table.name} has more rows than a sheet holds: export as csv or parquet")
            try:
                ws.append(row)
            except IllegalCharacterError:
                ws.append([_xlsx_safe(v) for v in row])
            n += 1
        counts[table.name] = n
        if progress:
            progress(table.name, n)
    wb.save(str(path))
    return counts


def _chain(head: list[tuple], rest: Iterator[tuple]) -> Iterator[tuple]:
    yield from head
    yield from rest


def _xlsx_safe(value: Any) -> Any:
    """Text without the control characters an XLSX cell cannot hold."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)
