"""Browse a zongjie store in the browser: Datasette, set up for this job.

:func:`make_datasette` opens a store read-only in Datasette with zongjie's
plugin (Chinese search, document pages with the fact highlighted, charts),
metadata (every table and column described in Chinese and English, facets)
and canned queries. ``zongjie serve`` runs it with uvicorn.

Safety, by default:

- the server listens on 127.0.0.1 only;
- the store is opened ``immutable`` (SQLite never writes to it; Datasette
  refuses to open a write connection), or with ``live=True`` read-only
  (``mode=ro``), for a store an ingest is still writing to;
- visitors may run their own SQL, read-only and time-limited (3 s), unless
  ``allow_sql=False``; nothing served can write.

Needs the ``serve`` extra: ``pip install 'zongjie[serve]'``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from zongjie.errors import ZongjieError

HERE = Path(__file__).parent
INSTALL_HINT = "Datasette is not installed: pip install 'zongjie[serve]'"


class ServeError(ZongjieError):
    """The store cannot be served (missing, not a zongjie store, Datasette absent)."""


def store_tables(path: str | Path) -> set[str]:
    """The tables of the store at ``path``, read without writing to it."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise ServeError(f"{path} is not a readable SQLite file: {e}") from e


def make_datasette(db: str | Path, *, live: bool = False, allow_sql: bool = True) -> Any:
    """A Datasette instance serving the store at ``db`` with zongjie's pages.

    Args:
        db: the store (made by ``zongjie ingest``).
        live: open read-only but not immutable, to follow an ingest still writing.
        allow_sql: allow visitors' own read-only SQL queries.

    Raises:
        ServeError: no store there, not a zongjie store, or Datasette missing.
    """
    try:
        from datasette.app import Datasette
        from datasette.plugins import pm
    except ImportError as e:
        raise ServeError(INSTALL_HINT) from e
    from zongjie.serve import plugin
    from zongjie.serve.metadata import build_metadata

    path = Path(db)
    if not path.is_file():
        raise ServeError(f"no store at {db}: run `zongjie ingest PATH --db {db}` first")
    tables = store_tables(path)
    if not {"documents", "sentences"} <= tables:
        raise ServeError(f"{db} is not a zongjie store (no documents/sentences tables)")
    if not pm.is_registered(plugin):
        pm.register(plugin, name="zongjie")
    settings = {
        "default_allow_sql": allow_sql,
        "sql_time_limit_ms": 3000,
        # facets by entity and canonical indicator call Python per document / per name
        "facet_time_limit_ms": 1500,
        "truncate_cells_html": 300,  # documents.text is long; the document page shows it whole
        "default_page_size": 50,
    }
    name = path.stem
    kwargs: dict[str, Any] = {"files": [str(path)]} if live else {"immutables": [str(path)]}
    return Datasette(
        **kwargs,
        metadata=build_metadata(name, tables, allow_sql=allow_sql),
        template_dir=str(HERE / "templates"),
        static_mounts=[("zongjie-static", str(HERE / "static"))],
        settings=settings,
    )


def is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
