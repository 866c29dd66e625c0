"""The SQLite store: documents, sentences, a Chinese full-text index, facts.

One file holds everything (schema in ``docs/schema.md``). Writes go through
:class:`Store`, which keeps three promises:

- a document and everything hanging from it (sections, sentences, index
  rows, facts) is written in one transaction: a killed ingest never leaves
  half a document;
- every offset stored points into ``documents.text`` and is checked before
  it is written;
- two ingests never write at once: each write takes SQLite's write lock
  (``BEGIN IMMEDIATE``, waiting up to ``timeout`` seconds), and a whole run
  can hold :meth:`Store.writer_lock` so that a second run is refused at once.

Search indexes ``sentences.words`` (the sentence segmented by jieba, words
separated by spaces) with FTS5's ``unicode61`` tokenizer, and shows the
original sentence with the query's words marked.

    >>> with Store("reports.db") as store:                       # doctest: +SKIP
    ...     store.add_document(doc, facts)
    ...     store.search("家庭医生")[0].snippet
    True
    '全面推行[家庭医生]式服务。'
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import json
import os
import re
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from zongjie.corpus.document import Document
from zongjie.errors import BadQuery, StoreBusy, StoreError, StoreFull
from zongjie.extract.segment import fts_query, fts_texts, words_with_offsets
from zongjie.schema.migrations import check_version, latest_version, migrate

try:
    import fcntl
except ImportError:  # Windows: writer_lock() is unavailable, transactions still serialize writes
    fcntl = None  # type: ignore[assignment]

FACT_KINDS = ("quantities", "times", "indicators", "commitments", "entities")
TABLES = (
    "documents",
    "sections",
    "sentences",
    *FACT_KINDS,
    "files",
    "ingest_errors",
)
STAGES = ("read", "clean", "extract", "store")

# one double-quoted FTS5 string, "" standing for a quote inside it
_FTS_STRING = re.compile(r'"((?:[^"]|"")*)"')


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _bool(value: Any) -> int:
    return 1 if value else 0


def _package_version() -> str:
    try:
        return "zongjie " + importlib.metadata.version("zongjie")
    except importlib.metadata.PackageNotFoundError:
        return "zongjie unknown"


@dataclass(frozen=True)
class FileInfo:
    """What the store remembers of a source file, to skip it when unchanged.

    ``mtime`` is ``os.stat().st_mtime`` (seconds since the epoch), ``sha256``
    the hex digest of the file's bytes.
    """

    path: str
    size: int
    mtime: float
    sha256: str | None = None

    @classmethod
    def of(cls, path: str | os.PathLike[str]) -> FileInfo:
        """Stat and hash the file at ``path``."""
        st = os.stat(path)
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return cls(path=str(path), size=st.st_size, mtime=st.st_mtime, sha256=h.hexdigest())


@dataclass
class SearchHit:
    """One sentence that matches a search.

    ``start``/``end`` are the sentence's offsets in ``documents.text``;
    ``highlights`` the offsets (in the same text) of each word of the query
    found in it, and ``snippet`` the sentence with those words between the
    marks: 全面推行[家庭医生]式服务。 ``rank`` is FTS5's bm25 score (lower
    is better).
    """

    sentence_id: int
    document_id: str
    title: str | None
    year: int | None
    source: str
    member: str | None
    text: str
    start: int
    end: int
    page: int | None
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)
    rank: float = 0.0


class Store:
    """A zongjie store in one SQLite file.

    Args:
        path: the database file; created (and migrated) if missing, unless
            ``readonly``.
        readonly: open with a ``mode=ro`` URI: every write raises StoreError.
            A read-only open does not migrate, so an old store must be opened
            for writing once first.
        timeout: seconds a write waits for another process's transaction
            (SQLite ``busy_timeout``) before raising StoreBusy.

    Raises:
        StoreError: the file is not a SQLite database or not a zongjie store,
            was written by a newer zongjie, or cannot be opened.

    Example::

        with Store("reports.db") as store:
            with store.writer_lock():
                store.add_document(doc, {"quantities": [...]})
            hits = store.search("家庭医生 签约", year=2024)
    """

    def __init__(self, path: str | os.PathLike[str], *, readonly: bool = False, timeout: float = 30.0):
        self.path = Path(path)
        self.readonly = readonly
        self.timeout = timeout
        self._lock_fd: int | None = None
        self._lock_depth = 0
        self._in_batch = False
        self._savepoints = 0
        conn = self._connect()
        try:
            self.db = Database(conn)
            self._setup(conn)
        except sqlite3.Error as e:
            conn.close()
            raise self._store_error(e) from e
        except BaseException:
            conn.close()
            raise

    # -- opening -----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            if not self.path.is_file():
                raise StoreError(f"no store at {self.path}")
            uri = "file:" + urllib.parse.quote(str(self.path.resolve())) + "?mode=ro"
            target, uri_mode = uri, True
        else:
            if not self.path.parent.is_dir():
                raise StoreError(
                    f"cannot create a store at {self.path}: {self.path.parent} is not a directory"
                )
            target, uri_mode = str(self.path), False
        try:
            return sqlite3.connect(target, uri=uri_mode, timeout=self.timeout)
        except sqlite3.Error as e:
            raise StoreError(f"cannot open {self.path}: {e}") from e

    def _setup(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        if self.readonly:
            conn.execute("PRAGMA query_only = ON")
            version = check_version(conn, str(self.path))
            if version < latest_version():
                raise StoreError(
                    f"{self.path} has schema version {version}; this zongjie uses version "
                    f"{latest_version()}: open it once for writing to upgrade it"
                )
            return
        self.db.enable_wal()
        # WAL + NORMAL: a crash can lose the last commits but never corrupts
        # or half-writes a transaction
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(conn, str(self.path))

    def close(self) -> None:
        """Close the database (and release the writer lock if held)."""
        if self._lock_fd is not None:
            self._release_lock()
        self.db.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # -- errors and transactions ------------------------------------------

    def _store_error(self, e: sqlite3.Error) -> StoreError:
        msg = str(e)
        if "locked" in msg or "busy" in msg:
            return StoreBusy(
                f"{self.path} is busy: another process kept it locked for more than "
                f"{self.timeout:g} s ({msg})"
            )
        if "full" in msg or isinstance(e, sqlite3.OperationalError) and getattr(e, "sqlite_errorcode", 0) == 13:
            return StoreFull(
                f"{self.path}: the disk is full ({msg}): free some space and run the same command "
                "again; what was stored is whole and is skipped on the next run"
            )
        if "readonly" in msg or "read-only" in msg:
            return StoreError(
                f"{self.path} is read-only here ({msg}): check the file's and its folder's permissions, "
                "or write to another --db"
            )
        if isinstance(e, sqlite3.DatabaseError) and "not a database" in msg:
            return StoreError(f"{self.path} is not a SQLite database ({msg})")
        return StoreError(f"{self.path}: {msg}")

    def _require_writable(self) -> None:
        if self.readonly:
            raise StoreError(f"{self.path} was opened read-only; open it without readonly=True to write")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error.

        IMMEDIATE takes the write lock up front, so a second writer waits
        (busy_timeout) at BEGIN instead of failing midway with a deadlock.
        """
        self._require_writable()
        conn = self.db.conn
        if conn.in_transaction:
            if not self._in_batch:
                raise StoreError("a write is already in progress on this connection")
            yield from self._savepoint(conn)
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise self._store_error(e) from e
        try:
            # With foreign_keys on, SQLite 3.40 fails a DELETE on a parent
            # table (documents, sentences) with "no such table" when another
            # connection changed the schema since this one last read it
            # (ANALYZE creating sqlite_stat1 is enough). Reading sqlite_master
            # reloads the schema; under the write lock it cannot change again.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            yield conn
            conn.execute("COMMIT")
        except BaseException as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(e, sqlite3.Error):
                raise self._store_error(e) from e
            raise

    def write(self) -> Any:
        """A write of one's own (``with store.write() as conn:``): a transaction, or a savepoint inside
        a batch; committed at the end of the block, undone if it raises. For the analysis modules that
        keep tables of their own (near-duplicates, audits)."""
        return self._write()

    def _savepoint(self, conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
        """Inside a batch: one write is a SAVEPOINT, undone alone if it fails."""
        self._savepoints += 1
        name = f"zj_write_{self._savepoints}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
            conn.execute(f"RELEASE {name}")
        except BaseException as e:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
            if isinstance(e, sqlite3.Error):
                raise self._store_error(e) from e
            raise

    def begin_batch(self) -> None:
        """Open a batch: one transaction (``BEGIN IMMEDIATE``) holding many writes.

        Until :meth:`commit_batch`, each write (``add_document``,
        ``record_error``, ``record_file``…) runs in its own SAVEPOINT: a write
        that fails is undone alone and the batch goes on. A killed process
        loses the open batch only, never part of a document.
        """
        self._require_writable()
        conn = self.db.conn
        if conn.in_transaction:
            raise StoreError("a write is already in progress on this connection")
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # see _write
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise self._store_error(e) from e
        self._in_batch = True

    def commit_batch(self) -> None:
        """Commit the open batch (nothing happens if none is open)."""
        conn = self.db.conn
        self._in_batch = False
        if not conn.in_transaction:
            return
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise self._store_error(e) from e

    def rollback_batch(self) -> None:
        """Drop the open batch (nothing happens if none is open)."""
        self._in_batch = False
        if self.db.conn.in_transaction:
            self.db.conn.execute("ROLLBACK")

    @property
    def in_batch(self) -> bool:
        return self._in_batch and self.db.conn.in_transaction

    @contextmanager
    def batch(self) -> Iterator[None]:
        """A batch as a ``with`` block: committed at the end.

        If the block raises, the writes that completed are still committed
        (each is whole: its savepoint was released) and the error goes on.
        """
        self.begin_batch()
        try:
            yield
        except BaseException:
            try:
                self.commit_batch()
            except StoreError:
                pass  # the batch is rolled back; the first error is the one to report
            raise
        self.commit_batch()

    @contextmanager
    def writer_lock(self, *, wait: float = 0.0) -> Iterator[None]:
        """Hold the store's writer lock (``fcntl.flock`` on ``<db>.lock``) for a whole run.

        Args:
            wait: seconds to wait for another holder to finish; 0 refuses at once.

        Raises:
            StoreBusy: another process holds the lock; the message names its pid.

        The lock is advisory: it serializes zongjie ingests, while every single
        write is also serialized by SQLite itself. Re-entrant within one Store.
        """
        self._require_writable()
        if fcntl is None:
            raise StoreError("writer_lock() needs fcntl (POSIX); it is not available on this platform")
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        lock_path = Path(str(self.path) + ".lock")
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StoreError(
                f"cannot take the writer lock {lock_path}: {e.strerror} (read-only here?): check the "
                "folder's permissions, or write to another --db"
            ) from e
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.05)
                    continue
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                os.close(fd)
                raise StoreBusy(
                    f"another ingest is writing to {self.path} (pid {holder} holds {lock_path}); "
                    "wait for it to finish"
                ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._lock_fd = fd
        self._lock_depth = 1
        try:
            yield
        finally:
            self._release_lock()

    def _release_lock(self) -> None:
        fd, self._lock_fd, self._lock_depth = self._lock_fd, None, 0
        if fd is not None:
            # the file stays: unlinking a lock file races with the next locker
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- writing documents --------------------------------------------------

    def add_document(
        self,
        doc: Document,
        facts: Mapping[str, Sequence[Any]] | None = None,
        *,
        file_info: FileInfo | None = None,
        pipeline_version: str | None = None,
        prepared: Prepared | None = None,
    ) -> bool:
        """Store ``doc`` with its sections, sentences, index rows and ``facts``, in one transaction.

        Args:
            doc: the clean document; ``doc.id`` (a hash of its text) is the key.
            facts: ``{"quantities": [...], "times": [...], "indicators": [...],
                "commitments": [...], "entities": [...]}`` of the dataclasses of
                ``zongjie.extract.facts``; any key may be missing. A fact's
                sentence is its ``sentence`` index where it has one, else the
                sentence containing its ``start``.
            file_info: the source file's size, mtime and sha256.
            pipeline_version: recorded with the document; defaults to the
                installed zongjie version.
            prepared: ``prepare_document(doc, facts)`` done beforehand (by an
                ingest worker process: the checks and the segmentation for the
                index are its work, not the writer's); ``facts`` is then unused.

        Returns:
            True if the document was written; False if a document with the
            same text is already stored (nothing is added).

        A changed file replaces what it produced before, in the same
        transaction: with ``file_info``, every document of the same
        ``source`` + ``member`` that came from other file bytes
        (``source_hash``) is deleted; without it, the document of the same
        ``source`` + ``member`` + ``article``.

        Raises:
            StoreError: an offset outside the text, a sentence whose text is
                not ``doc.text[start:end]``, a fact SQLite refuses (a text
                ``value``, an unknown ``kind``…); nothing of the document is
                left behind.
            StoreBusy: another process held the write lock past ``timeout``.
        """
        self._require_writable()
        if prepared is None:
            prepared = prepare_document(doc, facts)
        version = pipeline_version or _package_version()
        with self._write() as conn:
            self._delete_stale(conn, doc, file_info)
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                if file_info is not None:
                    # same text from a new version of the same file: it now
                    # belongs to that version, so the next document of the
                    # file does not delete it as stale
                    conn.execute(
                        "UPDATE documents SET source_size = ?, source_mtime = ?, source_hash = ? "
                        "WHERE id = ? AND source = ? AND member IS ?",
                        (file_info.size, file_info.mtime, file_info.sha256, doc.id, doc.source, doc.member),
                    )
                return False
            self._insert(conn, doc, prepared, file_info, version)
        return True

    def _delete_stale(self, conn: sqlite3.Connection, doc: Document, file_info: FileInfo | None) -> int:
        # member IS ? rather than = so that a NULL member (a plain file) matches
        if file_info is not None and file_info.sha256:
            cur = conn.execute(
                "DELETE FROM documents WHERE source = ? AND member IS ? AND id != ? AND source_hash IS NOT ?",
                (doc.source, doc.member, doc.id, file_info.sha256),
            )
        else:
            cur = conn.execute(
                "DELETE FROM documents WHERE source = ? AND member IS ? AND article IS ? AND id != ?",
                (doc.source, doc.member, doc.article, doc.id),
            )
        return cur.rowcount

    def _insert(
        self,
        conn: sqlite3.Connection,
        doc: Document,
        prepared: Prepared,
        file_info: FileInfo | None,
        pipeline_version: str,
    ) -> None:
        meta = doc.meta
        doc_id = doc.id
        conn.execute(
            """
            INSERT INTO documents (
                id, source, member, format, encoding, article, title, year, year_masked, period,
                doc_type, org, published, text, raw_text, raw_offsets, pages, blocks, chars,
                ingested_at, source_size, source_mtime, source_hash, pipeline_version
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            (
                doc_id,
                doc.source,
                doc.member,
                doc.format,
                doc.encoding,
                doc.article,
                meta.title,
                meta.year,
                _bool(meta.year_masked),
                meta.period,
                meta.doc_type,
                meta.org,
                meta.published,
                doc.text,
                doc.raw_text,
                _json([list(p) for p in doc.raw_offsets]),
                _json([list(p) for p in doc.pages]),
                _json([list(b) for b in doc.blocks]),
                len(doc.text),
                _now(),
                file_info.size if file_info else None,
                file_info.mtime if file_info else None,
                file_info.sha256 if file_info else None,
                pipeline_version,
            ),
        )
        if doc.ocr:
            # pages read by OCR: the confidence lets users find documents whose figures need a look
            conn.execute(
                "UPDATE documents SET ocr_confidence = ?, ocr = ? WHERE id = ?",
                (doc.ocr.get("confidence"), _json(doc.ocr), doc_id),
            )
        conn.executemany(
            'INSERT INTO sections (document_id, idx, start, "end", heading, heading_end, level, role) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (doc_id, i, s.start, s.end, s.heading, s.heading_end, s.level, s.role)
                for i, s in enumerate(doc.sections)
            ],
        )
        conn.executemany(
            'INSERT INTO sentences (document_id, idx, section_idx, start, "end", page, text, words) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    doc_id,
                    i,
                    s.section,
                    s.start,
                    s.end,
                    s.page if s.page is not None else doc.page_at(s.start),
                    s.text,
                    prepared.words[i],
                )
                for i, s in enumerate(doc.sentences)
            ],
        )
        sentence_ids = dict(conn.execute("SELECT idx, id FROM sentences WHERE document_id = ?", (doc_id,)))
        for kind in FACT_KINDS:
            rows = prepared.facts.get(kind)
            if not rows:
                continue
            columns = ["document_id", "sentence_id", *rows[0][1]]
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                kind, ", ".join(f'"{c}"' for c in columns), ", ".join("?" * len(columns))
            )
            conn.executemany(
                sql,
                [
                    (doc_id, sentence_ids.get(idx) if idx is not None else None, *values.values())
                    for idx, values in rows
                ],
            )

    # -- bookkeeping --------------------------------------------------------

    def record_error(
        self,
        path: str,
        member: str | None,
        stage: str,
        reason: str,
        error_class: str | None = None,
        message: str | None = None,
    ) -> int:
        """Log a failure of one file (or archive member); returns the row id.

        ``stage`` is ``read``, ``clean``, ``extract`` or ``store``; ``reason``
        the stable code of the error (``encrypted``, ``no_text_layer``…,
        ``ReadError.reason``).

            >>> store.record_error("a.docx", None, "read", "encrypted", "EncryptedFile", "需要密码")  # doctest: +SKIP
            1
        """
        if stage not in STAGES:
            raise StoreError(f"unknown stage {stage!r}; expected one of {', '.join(STAGES)}")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO ingest_errors (path, member, stage, reason, error_class, message, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (path, member, stage, reason, error_class, message, _now()),
            )
            return int(cur.lastrowid or 0)

    def record_exception(self, path: str, member: str | None, stage: str, exc: BaseException) -> int:
        """``record_error`` for a caught exception: its ``reason`` (or ``unexpected``), class and message."""
        return self.record_error(
            path, member, stage, getattr(exc, "reason", "unexpected"), type(exc).__name__, str(exc)
        )

    def record_file(
        self, info: FileInfo, *, status: str = "ok", documents: int = 0, reason: str | None = None
    ) -> None:
        """Remember that the file was ingested (``status`` ``ok``) or failed (``error``, with ``reason``)."""
        if status not in ("ok", "error"):
            raise StoreError(f"file status must be 'ok' or 'error', not {status!r}")
        with self._write() as conn:
            conn.execute(
                """
                INSERT INTO files (path, size, mtime, sha256, status, reason, documents, last_ingested_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET
                    size = excluded.size, mtime = excluded.mtime, sha256 = excluded.sha256,
                    status = excluded.status, reason = excluded.reason,
                    documents = excluded.documents, last_ingested_at = excluded.last_ingested_at
                """,
                (info.path, info.size, info.mtime, info.sha256, status, reason, documents, _now()),
            )

    def prune_file(self, info: FileInfo) -> int:
        """Delete what older versions of the file produced and this version did not.

        ``add_document`` replaces a changed file's documents member by member;
        an archive member (or article) that is gone from the new version is
        only dropped here. Call it after all documents of ``info.path`` are
        added. Returns the number of documents deleted.
        """
        if not info.sha256:
            raise StoreError("prune_file() needs the file's sha256 to tell its versions apart")
        with self._write() as conn:
            cur = conn.execute(
                "DELETE FROM documents WHERE source = ? AND source_hash IS NOT ?", (info.path, info.sha256)
            )
            return cur.rowcount

    def forget_file(self, path: str) -> int:
        """Delete every document of a file and its ``files`` row (the file is gone).

        Returns the number of documents deleted; logged errors are kept.
        """
        with self._write() as conn:
            cur = conn.execute("DELETE FROM documents WHERE source = ?", (path,))
            conn.execute("DELETE FROM files WHERE path = ?", (path,))
            return cur.rowcount

    def known_file(self, path: str) -> dict[str, Any] | None:
        """The ``files`` row of ``path`` if it was ingested successfully, else None."""
        cur = self.db.execute(
            "SELECT path, size, mtime, sha256, documents FROM files WHERE path = ? AND status = 'ok'", (path,)
        )
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row, strict=True)) if row else None

    def file_seen(self, path: str, size: int, mtime: float) -> bool:
        """True if ``path`` was ingested successfully with this size and mtime.

        Files that failed are not "seen": the next run retries them (the cause,
        a missing converter say, may be gone).
        """
        known = self.known_file(path)
        # stat mtimes go through float; allow for rounding in the caller
        return known is not None and known["size"] == size and abs(known["mtime"] - mtime) < 1e-6

    # -- reading ------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        year: int | None = None,
        limit: int = 20,
        marks: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Sentences matching every word of ``query``, best first (bm25).

        The query is segmented like the index, and each word is quoted, so
        FTS5 syntax in user input (``"``, ``*``, ``AND``, ``NEAR(``) is taken
        as text. A word matches whole indexed words only: 家庭医生 finds
        家庭医生签约 and 家庭医生式服务, 生签 does not find 医生签约.

        Raises:
            BadQuery: the query holds no word (empty, only punctuation).

            >>> [h.snippet for h in store.search("家庭医生")]  # doctest: +SKIP
            ['全面推行[家庭医生]式服务。', '[家庭医生]签约覆盖率达到85%。']
        """
        if not isinstance(query, str):
            raise BadQuery(f"a search query must be text, not {type(query).__name__}")
        if limit < 1:
            raise BadQuery(f"limit must be at least 1, not {limit}")
        expr = fts_query(query)
        terms = [t.replace('""', '"') for t in _FTS_STRING.findall(expr)]
        if not terms:
            raise BadQuery(f"nothing to search for in {query!r}: the query has no words")
        if year is None:
            # rank in the index alone, then join the few best: joining every match first made a
            # frequent word cost 2-3 times more on a million sentences (benchmarks/pipeline_speed.py)
            sql = """
                WITH best AS (
                    SELECT rowid, bm25(sentences_fts) AS score FROM sentences_fts
                    WHERE sentences_fts MATCH ? ORDER BY score, rowid LIMIT ?
                )
                SELECT s.id, s.document_id, d.title, d.year, d.source, d.member,
                       s.text, s.start, s."end", s.page, best.score
                FROM best
                JOIN sentences s ON s.id = best.rowid
                JOIN documents d ON d.id = s.document_id
                ORDER BY best.score, s.id
            """
            params: list[Any] = [expr, limit]
        else:
            sql = """
                SELECT s.id, s.document_id, d.title, d.year, d.source, d.member,
                       s.text, s.start, s."end", s.page, bm25(sentences_fts) AS score
                FROM sentences_fts
                JOIN sentences s ON s.id = sentences_fts.rowid
                JOIN documents d ON d.id = s.document_id
                WHERE sentences_fts MATCH ? AND d.year = ?
                ORDER BY score, s.id LIMIT ?
            """
            params = [expr, year, limit]
        try:
            rows = self.db.execute(sql, params).fetchall()
        except sqlite3.OperationalError as e:
            if "fts5" in str(e):
                raise BadQuery(f"cannot search for {query!r}: {e}") from e
            raise self._store_error(e) from e
        hits = []
        for sid, doc_id, title, yr, source, member, text, start, end, page, score in rows:
            spans = _highlight_spans(text, terms)
            hits.append(
                SearchHit(
                    sentence_id=sid,
                    document_id=doc_id,
                    title=title,
                    year=yr,
                    source=source,
                    member=member,
                    text=text,
                    start=start,
                    end=end,
                    page=page,
                    snippet=_mark(text, spans, marks),
                    highlights=[(start + a, start + b) for a, b in spans],
                    rank=score,
                )
            )
        return hits

    def documents(
        self,
        *,
        year: int | None = None,
        source: str | None = None,
        doc_type: str | None = None,
        with_text: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Stored documents as dicts, in ingest order, optionally filtered.

        Without ``with_text`` the big columns (``text``, ``raw_text``,
        ``raw_offsets``, ``pages``, ``blocks``) are left out; with it the JSON
        columns come back decoded.
        """
        columns = [
            "id",
            "source",
            "member",
            "format",
            "encoding",
            "article",
            "title",
            "year",
            "year_masked",
            "period",
            "doc_type",
            "org",
            "published",
            "chars",
            "ingested_at",
            "source_size",
            "source_mtime",
            "source_hash",
            "pipeline_version",
            "ocr_confidence",
        ]
        if with_text:
            columns += ["text", "raw_text", "raw_offsets", "pages", "blocks"]
        where, params = [], []
        for column, value in (("year", year), ("source", source), ("doc_type", doc_type)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {', '.join(columns)} FROM documents"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY rowid"
        for row in self.db.execute(sql, params):
            yield _document_row(dict(zip(columns, row, strict=True)))

    def document(self, document_id: str) -> dict[str, Any] | None:
        """One document with its text and decoded JSON columns, or None."""
        cur = self.db.execute("SELECT * FROM documents WHERE id = ?", (document_id,))
        row = cur.fetchone()
        if row is None:
            return None
        return _document_row(dict(zip([c[0] for c in cur.description], row, strict=True)))

    def sentences(self, document_id: str) -> list[dict[str, Any]]:
        """The sentences of a document, in order."""
        cur = self.db.execute(
            'SELECT id, idx, section_idx, start, "end", page, text FROM sentences '
            "WHERE document_id = ? ORDER BY idx",
            (document_id,),
        )
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]

    def stats(self) -> dict[str, Any]:
        """Rows per table, errors per reason, and the schema version.

        >>> store.stats()  # doctest: +SKIP
        {'schema_version': 3, 'tables': {'documents': 2, ...}, 'errors_by_reason': {'encrypted': 1}}
        """
        tables = {t: self.db.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in TABLES}
        by_reason = dict(
            self.db.execute(
                "SELECT reason, count(*) FROM ingest_errors GROUP BY reason ORDER BY count(*) DESC, reason"
            ).fetchall()
        )
        return {"schema_version": self.schema_version, "tables": tables, "errors_by_reason": by_reason}

    def errors(self, *, reason: str | None = None) -> list[dict[str, Any]]:
        """Logged ingest errors, oldest first, optionally of one ``reason``."""
        sql = "SELECT id, path, member, stage, reason, error_class, message, at FROM ingest_errors"
        params: list[Any] = []
        if reason is not None:
            sql += " WHERE reason = ?"
            params.append(reason)
        cur = self.db.execute(sql + " ORDER BY id", params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur]


# ---------------------------------------------------------------------------
# preparing rows: checked and segmented before the transaction opens, so the
# write lock is held only for the inserts


@dataclass
class Prepared:
    """A document's rows made ready for the store: index words and fact rows, checked."""

    words: list[str]
    # kind -> [(sentence idx or None, {column: value})]
    facts: dict[str, list[tuple[int | None, dict[str, Any]]]]


def prepare_document(
    doc: Document, facts: Mapping[str, Sequence[Any]] | None, *, cut: Sequence[str] | None = None
) -> Prepared:
    """Check ``doc``'s offsets and ``facts`` and segment its sentences for the index.

    ``cut``: the jieba cut of ``doc.text`` that extraction made (``Facts.cut``);
    the index words of a sentence are then taken from it where that gives
    exactly ``fts_text(sentence.text)`` (see ``segment.fts_texts``).

    Raises:
        StoreError: an offset outside the text, an unknown kind of fact…
    """
    n = len(doc.text)
    where = f"document {doc.id} ({doc.source}{'!' + doc.member if doc.member else ''})"

    def check_span(what: str, start: Any, end: Any) -> None:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= n):
            raise StoreError(
                f"{where}: {what} has offsets [{start}, {end}) outside its text of {n} characters"
            )

    for i, sec in enumerate(doc.sections):
        check_span(f"section {i}", sec.start, sec.end)
    for i, sent in enumerate(doc.sentences):
        check_span(f"sentence {i}", sent.start, sent.end)
        # search shows sentences.text and reports offsets computed inside it
        if doc.text[sent.start : sent.end] != sent.text:
            raise StoreError(
                f"{where}: sentence {i} text {sent.text[:20]!r} is not the document text at "
                f"[{sent.start}, {sent.end}) {doc.text[sent.start : sent.end][:20]!r}"
            )
        if sent.section is not None and not 0 <= sent.section < len(doc.sections):
            raise StoreError(f"{where}: sentence {i} names section {sent.section}, which does not exist")

    facts = facts or {}
    unknown = set(facts) - set(FACT_KINDS)
    if unknown:
        raise StoreError(f"unknown kinds of facts {sorted(unknown)}; expected {', '.join(FACT_KINDS)}")
    starts = sorted((s.start, s.end, i) for i, s in enumerate(doc.sentences))
    start_keys = [s[0] for s in starts]

    def sentence_of(fact: Any) -> int | None:
        idx = getattr(fact, "sentence", None)
        if idx is not None:
            if not 0 <= idx < len(doc.sentences):
                raise StoreError(f"{where}: a fact names sentence {idx}, which does not exist")
            return idx
        k = bisect.bisect_right(start_keys, fact.start) - 1
        if k >= 0 and starts[k][0] <= fact.start < starts[k][1]:
            return starts[k][2]
        return None

    out: dict[str, list[tuple[int | None, dict[str, Any]]]] = {}
    for kind in FACT_KINDS:
        rows = []
        for j, fact in enumerate(facts.get(kind) or ()):
            check_span(f"{kind}[{j}] ({getattr(fact, 'rule', '?')})", fact.start, fact.end)
            rows.append((sentence_of(fact), _FACT_ROW[kind](fact, doc.text)))
        out[kind] = rows
    return Prepared(words=fts_texts(doc.text, [(s.start, s.end) for s in doc.sentences], cut), facts=out)


def _common(f: Any) -> dict[str, Any]:
    return {"start": f.start, "end": f.end, "rule": f.rule}


def _quantity_row(f: Any, text: str) -> dict[str, Any]:
    return {
        **_common(f),
        "text": f.text,
        "value": f.value,
        "value_max": f.value_max,
        "unit": f.unit,
        "qualifier": f.qualifier,
        "masked": _bool(f.masked),
        "suspect": _bool(f.suspect),
        "comparison": f.comparison,
        "number_start": f.number_start,
        "number_end": f.number_end,
    }


def _time_row(f: Any, text: str) -> dict[str, Any]:
    return {
        **_common(f),
        "text": f.text,
        "date_from": f.from_,
        "date_to": f.to,
        "masked": _bool(f.masked),
        "kind": f.kind,
    }


def _indicator_row(f: Any, text: str) -> dict[str, Any]:
    return {
        **_common(f),
        "text": text[f.start : f.end],
        "name": f.name,
        "value": f.value,
        "value_max": f.value_max,
        "unit": f.unit,
        "qualifier": f.qualifier,
        "kind": f.kind,
        "masked": _bool(f.masked),
        "suspect": _bool(f.suspect),
        "comparison": f.comparison,
        "name_start": f.name_start,
        "name_end": f.name_end,
    }


def _commitment_row(f: Any, text: str) -> dict[str, Any]:
    target = f.target or {}
    return {
        **_common(f),
        "text": f.text,
        "measurable": _bool(f.measurable),
        "deadline": f.deadline,
        "strength": f.strength,
        "target_name": target.get("name"),
        "target_value": target.get("value"),
        "target_unit": target.get("unit"),
        "target": _json(f.target) if f.target is not None else None,
    }


def _entity_row(f: Any, text: str) -> dict[str, Any]:
    return {
        **_common(f),
        "text": f.text,
        "label": f.label,
        "norm": f.norm,
        "extra": _json(f.extra or {}),
    }


_FACT_ROW = {
    "quantities": _quantity_row,
    "times": _time_row,
    "indicators": _indicator_row,
    "commitments": _commitment_row,
    "entities": _entity_row,
}


def _document_row(row: dict[str, Any]) -> dict[str, Any]:
    if "year_masked" in row:
        row["year_masked"] = bool(row["year_masked"])
    for column in ("raw_offsets", "pages", "blocks", "ocr"):
        if column in row and isinstance(row[column], str):
            row[column] = [tuple(x) for x in json.loads(row[column])]
    return row


# ---------------------------------------------------------------------------
# highlighting in the original sentence


def _highlight_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the query's words stand in ``text``, as merged [start, end) spans.

    An occurrence counts only if it lies inside one word of the sentence's
    segmentation: the index holds words and the dictionary words inside them,
    never a run of characters across two words (生签 in 医生签约).

    >>> _highlight_spans("家庭医生签约覆盖率", ["家庭医生"])
    [(0, 4)]
    """
    bounds = [(s, e) for _, s, e in words_with_offsets(text)]
    word_starts = [s for s, _ in bounds]
    spans = []
    for term in terms:
        if not term:
            continue
        for m in re.finditer(re.escape(term), text, re.IGNORECASE):
            k = bisect.bisect_right(word_starts, m.start()) - 1
            if k >= 0 and m.end() <= bounds[k][1]:
                spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _mark(text: str, spans: Sequence[tuple[int, int]], marks: tuple[str, str]) -> str:
    out, pos = [], 0
    for a, b in spans:
        out += [text[pos:a], marks[0], text[a:b], marks[1]]
        pos = b
    out.append(text[pos:])
    return "".join(out)
