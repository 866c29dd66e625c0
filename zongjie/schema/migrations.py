"""Versioned migrations of the zongjie store.

The schema version lives in ``PRAGMA user_version`` (0 for a new, empty
file); the ``migrations`` table keeps a readable log of when each step ran.
Each migration is a function registered with ``@migration(n)``, numbered 1,
2, 3… without gaps; ``migrate()`` runs the missing ones in order, all in one
``BEGIN IMMEDIATE`` transaction, so a store is never left half-upgraded and
two processes opening a new store at once do not both create it.

Rules for writing a migration:

- never edit one that has shipped; add a new one;
- run statements one by one with ``conn.execute`` (``executescript`` would
  commit the transaction midway);
- the DDL is written out in full rather than produced by sqlite-utils
  helpers, so that the schema a version stands for never drifts with the
  library version.

Tables are ``STRICT`` (SQLite ≥ 3.37): a float column refuses text, so a
broken extractor fails loudly instead of storing ``"3000余"`` as a value.

    >>> latest_version()
    6
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from zongjie.errors import StoreError

# PRAGMA application_id marks a file as a zongjie store (b"ZJst")
APPLICATION_ID = int.from_bytes(b"ZJst", "big")
MIN_SQLITE = (3, 37, 0)  # STRICT tables

Migration = Callable[[sqlite3.Connection], None]
_MIGRATIONS: dict[int, Migration] = {}


def migration(version: int) -> Callable[[Migration], Migration]:
    """Register ``fn`` as the migration that brings the store to ``version``."""

    def register(fn: Migration) -> Migration:
        if version in _MIGRATIONS:
            raise RuntimeError(f"two migrations numbered {version}")
        _MIGRATIONS[version] = fn
        return fn

    return register


def latest_version() -> int:
    return max(_MIGRATIONS, default=0)


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _run(conn: sqlite3.Connection, *statements: str) -> None:
    for sql in statements:
        conn.execute(sql)


# ---------------------------------------------------------------------------
# 1: documents, their sections and sentences, and the full-text index


@migration(1)
def documents_and_sentences(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            member TEXT,
            format TEXT NOT NULL,
            encoding TEXT,
            article TEXT,
            title TEXT,
            year INTEGER,
            year_masked INTEGER NOT NULL DEFAULT 0 CHECK (year_masked IN (0, 1)),
            period TEXT,
            doc_type TEXT,
            org TEXT,
            published TEXT,
            text TEXT NOT NULL,
            raw_text TEXT NOT NULL,
            raw_offsets TEXT NOT NULL DEFAULT '[]',
            pages TEXT NOT NULL DEFAULT '[]',
            blocks TEXT NOT NULL DEFAULT '[]',
            chars INTEGER NOT NULL,
            ingested_at TEXT NOT NULL,
            source_size INTEGER,
            source_mtime REAL,
            source_hash TEXT,
            pipeline_version TEXT
        ) STRICT
        """,
        "CREATE INDEX documents_source ON documents (source, member)",
        "CREATE INDEX documents_year ON documents (year)",
        """
        CREATE TABLE sections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            heading TEXT,
            heading_end INTEGER,
            level INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('review', 'problems', 'plan', 'other')),
            UNIQUE (document_id, idx),
            CHECK (0 <= start AND start <= "end")
        ) STRICT
        """,
        # AUTOINCREMENT: a sentence id quoted in a report never comes to
        # mean another sentence after its document is replaced
        """
        CREATE TABLE sentences (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            section_idx INTEGER,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            page INTEGER,
            text TEXT NOT NULL,
            words TEXT NOT NULL,
            UNIQUE (document_id, idx),
            CHECK (0 <= start AND start <= "end")
        ) STRICT
        """,
        # Byte for byte the DDL and triggers sqlite-utils 4.2 writes for
        # db["sentences"].enable_fts(["words"], tokenize="unicode61",
        # create_triggers=True), so that sqlite-utils and Datasette recognise
        # sentences_fts as the index of sentences (and enable_fts(...,
        # replace=True) finds nothing to change). External content: the words
        # are stored once, in sentences.words.
        'CREATE VIRTUAL TABLE "sentences_fts" USING FTS5 (\n'
        '    "words",\n'
        "    tokenize='unicode61',\n"
        '    content="sentences"\n'
        ")",
        'CREATE TRIGGER "sentences_ai" AFTER INSERT ON "sentences" BEGIN\n'
        '  INSERT INTO "sentences_fts" (rowid, "words") VALUES (new.rowid, new."words");\n'
        "END",
        'CREATE TRIGGER "sentences_ad" AFTER DELETE ON "sentences" BEGIN\n'
        '  INSERT INTO "sentences_fts" ("sentences_fts", rowid, "words") '
        "VALUES('delete', old.rowid, old.\"words\");\n"
        "END",
        'CREATE TRIGGER "sentences_au" AFTER UPDATE ON "sentences" BEGIN\n'
        '  INSERT INTO "sentences_fts" ("sentences_fts", rowid, "words") '
        "VALUES('delete', old.rowid, old.\"words\");\n"
        '  INSERT INTO "sentences_fts" (rowid, "words") VALUES (new.rowid, new."words");\n'
        "END",
    )


# ---------------------------------------------------------------------------
# 2: facts found in the documents

_FACT_COMMON = """
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            sentence_id INTEGER REFERENCES sentences (id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            rule TEXT NOT NULL,
"""
_SPAN_CHECK = 'CHECK (0 <= start AND start <= "end")'
_BOOL = "INTEGER NOT NULL DEFAULT 0 CHECK ({0} IN (0, 1))"


@migration(2)
def facts(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        f"""
        CREATE TABLE quantities ({_FACT_COMMON}
            text TEXT NOT NULL,
            value REAL,
            value_max REAL,
            unit TEXT,
            qualifier TEXT,
            masked {_BOOL.format("masked")},
            suspect {_BOOL.format("suspect")},
            comparison TEXT CHECK (comparison IN ('increase', 'decrease')),
            number_start INTEGER,
            number_end INTEGER,
            {_SPAN_CHECK}
        ) STRICT
        """,
        f"""
        CREATE TABLE times ({_FACT_COMMON}
            text TEXT NOT NULL,
            date_from TEXT,
            date_to TEXT,
            masked {_BOOL.format("masked")},
            kind TEXT NOT NULL,
            {_SPAN_CHECK}
        ) STRICT
        """,
        f"""
        CREATE TABLE indicators ({_FACT_COMMON}
            text TEXT NOT NULL,
            name TEXT NOT NULL,
            value REAL,
            value_max REAL,
            unit TEXT,
            qualifier TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('actual', 'target')),
            masked {_BOOL.format("masked")},
            suspect {_BOOL.format("suspect")},
            comparison TEXT CHECK (comparison IN ('increase', 'decrease')),
            name_start INTEGER,
            name_end INTEGER,
            {_SPAN_CHECK}
        ) STRICT
        """,
        f"""
        CREATE TABLE commitments ({_FACT_COMMON}
            text TEXT NOT NULL,
            measurable {_BOOL.format("measurable")},
            deadline TEXT,
            strength TEXT,
            target_name TEXT,
            target_value REAL,
            target_unit TEXT,
            target TEXT,
            {_SPAN_CHECK}
        ) STRICT
        """,
        f"""
        CREATE TABLE entities ({_FACT_COMMON}
            text TEXT NOT NULL,
            label TEXT NOT NULL,
            norm TEXT,
            extra TEXT NOT NULL DEFAULT '{{}}',
            {_SPAN_CHECK}
        ) STRICT
        """,
    )
    for table in ("quantities", "times", "indicators", "commitments", "entities"):
        _run(
            conn,
            f"CREATE INDEX {table}_document ON {table} (document_id, start)",
            f"CREATE INDEX {table}_sentence ON {table} (sentence_id)",
        )
    _run(
        conn,
        "CREATE INDEX indicators_name ON indicators (name)",
        "CREATE INDEX entities_label_norm ON entities (label, norm)",
    )


# ---------------------------------------------------------------------------
# 3: file-level bookkeeping for incremental ingests, and the error log


@migration(3)
def files_and_errors(conn: sqlite3.Connection) -> None:
    _run(
        conn,
        """
        CREATE TABLE files (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            sha256 TEXT,
            status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
            reason TEXT,
            documents INTEGER NOT NULL DEFAULT 0,
            last_ingested_at TEXT NOT NULL
        ) STRICT
        """,
        """
        CREATE TABLE ingest_errors (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,
            member TEXT,
            stage TEXT NOT NULL CHECK (stage IN ('read', 'clean', 'extract', 'store')),
            reason TEXT NOT NULL,
            error_class TEXT,
            message TEXT,
            at TEXT NOT NULL
        ) STRICT
        """,
        "CREATE INDEX ingest_errors_reason ON ingest_errors (reason)",
        "CREATE INDEX ingest_errors_path ON ingest_errors (path, member)",
    )


# ---------------------------------------------------------------------------
# 4: documents read (in part) by OCR


@migration(4)
def ocr_confidence(conn: sqlite3.Connection) -> None:
    """``ocr_confidence`` (0..1, NULL when no page was OCR'd) and ``ocr`` (JSON: engine, per-page confidence)."""
    _run(
        conn,
        "ALTER TABLE documents ADD COLUMN ocr_confidence REAL",
        "ALTER TABLE documents ADD COLUMN ocr TEXT",
        "CREATE INDEX documents_ocr_confidence ON documents (ocr_confidence) WHERE ocr_confidence IS NOT NULL",
    )


# ---------------------------------------------------------------------------
# 5: the audit of targets against later results, and canonical indicator names


@migration(5)
def audits(conn: sqlite3.Connection) -> None:
    """``audits``: one row per target (indicator or measurable commitment) with its status;
    ``indicator_canonical``: each indicator fact's canonical indicator.

    Both are derived from the facts and rewritten whole by ``zongjie audit --save``
    and at the end of ``zongjie ingest`` (zongjie.analysis.audit.save_audit).
    """
    _run(
        conn,
        """
        CREATE TABLE indicator_canonical (
            indicator_id INTEGER PRIMARY KEY REFERENCES indicators (id) ON DELETE CASCADE,
            canonical TEXT NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('synonym', 'similar', 'none')),
            score REAL
        ) STRICT
        """,
        "CREATE INDEX indicator_canonical_canonical ON indicator_canonical (canonical)",
        """
        CREATE TABLE audits (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            entity TEXT NOT NULL,
            indicator TEXT NOT NULL,
            period TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('met', 'not_met', 'partly', 'no_evidence')),
            reason TEXT NOT NULL,
            evidence TEXT CHECK (evidence IN ('figure', 'statement', 'count')),
            direction TEXT CHECK (direction IN ('floor', 'ceiling')),
            strength TEXT CHECK (strength IN ('hard', 'soft', 'planned')),
            target_indicator_id INTEGER REFERENCES indicators (id) ON DELETE CASCADE,
            target_commitment_id INTEGER REFERENCES commitments (id) ON DELETE CASCADE,
            target_document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
            target_value REAL,
            target_value_max REAL,
            target_unit TEXT,
            target_qualifier TEXT,
            target_quote TEXT,
            target_start INTEGER,
            target_end INTEGER,
            result_indicator_id INTEGER REFERENCES indicators (id) ON DELETE CASCADE,
            result_document_id TEXT REFERENCES documents (id) ON DELETE CASCADE,
            result_value REAL,
            result_unit TEXT,
            result_qualifier TEXT,
            result_quote TEXT,
            result_start INTEGER,
            result_end INTEGER,
            audited_at TEXT NOT NULL
        ) STRICT
        """,
        "CREATE INDEX audits_entity ON audits (entity, indicator, period)",
        "CREATE INDEX audits_status ON audits (status)",
        "CREATE INDEX audits_target_document ON audits (target_document_id)",
        "CREATE INDEX audits_result_document ON audits (result_document_id)",
    )


# ---------------------------------------------------------------------------
# 6: near-duplicate documents (reposts, pseudo-original rewrites)


@migration(6)
def near_duplicates(conn: sqlite3.Connection) -> None:
    """``documents.duplicate_of`` (the canonical copy's id, NULL for a canonical or unique document),
    ``duplicate_similarity`` (Jaccard similarity to it), each document's MinHash signature and its LSH bands.

    When a canonical document is deleted (its file changed), its copies are
    set free and marked for checking again at the next ingest.
    """
    _run(
        conn,
        "ALTER TABLE documents ADD COLUMN duplicate_of TEXT",
        "ALTER TABLE documents ADD COLUMN duplicate_similarity REAL",
        "CREATE INDEX documents_duplicate_of ON documents (duplicate_of) WHERE duplicate_of IS NOT NULL",
        """
        CREATE TABLE document_signatures (
            document_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
            shingles INTEGER NOT NULL,
            minhash BLOB NOT NULL,
            checked INTEGER NOT NULL DEFAULT 0 CHECK (checked IN (0, 1))
        ) STRICT
        """,
        "CREATE INDEX document_signatures_unchecked ON document_signatures (checked) WHERE checked = 0",
        """
        CREATE TABLE document_lsh (
            band INTEGER NOT NULL,
            document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE
        ) STRICT
        """,
        "CREATE INDEX document_lsh_band ON document_lsh (band)",
        "CREATE INDEX document_lsh_document ON document_lsh (document_id)",
        """
        CREATE TRIGGER documents_duplicates_ad AFTER DELETE ON documents BEGIN
          UPDATE document_signatures SET checked = 0
            WHERE document_id IN (SELECT id FROM documents WHERE duplicate_of = old.id);
          UPDATE documents SET duplicate_of = NULL, duplicate_similarity = NULL WHERE duplicate_of = old.id;
        END
        """,
    )


# ---------------------------------------------------------------------------


def _check_registry() -> None:
    expected = list(range(1, len(_MIGRATIONS) + 1))
    if sorted(_MIGRATIONS) != expected:
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, got {sorted(_MIGRATIONS)}")


_check_registry()


def check_version(conn: sqlite3.Connection, path: str) -> int:
    """The store's schema version; StoreError if this code cannot use it.

    Refuses a store written by a newer zongjie (its tables may mean things
    this code does not know) and a SQLite file that is not a zongjie store.
    """
    version = schema_version(conn)
    latest = latest_version()
    if version > latest:
        raise StoreError(
            f"{path} has schema version {version}, but this zongjie only knows versions up to "
            f"{latest}: it was written by a newer zongjie; upgrade zongjie to open it"
        )
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id not in (0, APPLICATION_ID):
        raise StoreError(f"{path} is not a zongjie store (application_id {app_id:#x})")
    if version == 0:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        ]
        if tables:
            raise StoreError(
                f"{path} is a SQLite database but not a zongjie store (it has tables: "
                f"{', '.join(sorted(tables)[:5])})"
            )
    return version


def migrate(conn: sqlite3.Connection, path: str, *, target: int | None = None) -> tuple[int, int]:
    """Bring the store up to ``target`` (default: the latest version).

    Returns ``(version before, version after)``. ``conn`` must not be inside a
    transaction. ``target`` exists for tests that build an old store.

    Example: a new file goes from version 0 to 3 — ``migrate(conn, path) == (0, 3)``.
    """
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StoreError(
            f"the zongjie store needs SQLite {'.'.join(map(str, MIN_SQLITE))} or newer "
            f"(STRICT tables); this Python has SQLite {sqlite3.sqlite_version}"
        )
    target = latest_version() if target is None else target
    before = check_version(conn, path)
    if before >= target:
        return before, before
    if conn.in_transaction:
        raise StoreError("migrate() called inside an open transaction")
    conn.execute("BEGIN IMMEDIATE")
    try:
        # another process may have migrated while we waited for the lock
        current = check_version(conn, path)
        for version in range(current + 1, target + 1):
            fn = _MIGRATIONS[version]
            fn(conn)
            conn.execute(
                "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, fn.__name__, datetime.now(UTC).isoformat(timespec="seconds")),
            )
            # PRAGMA values cannot be bound parameters; version is our own int
            conn.execute(f"PRAGMA user_version = {int(version)}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return before, max(current, target)
