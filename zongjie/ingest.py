"""The ingest driver: files → documents → facts → store, one file at a time.

A batch never dies on one bad file: a file (or archive member) that cannot be
read becomes an ``ingest_errors`` row with its reason, and the next file is
read. Each document is written in one transaction, so a killed run leaves
only whole documents; files already ingested unchanged (same size and mtime)
are skipped on the next run, which is how a run resumes.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from zongjie.corpus.documents import read_path
from zongjie.corpus.read import ReadFailure, iter_files
from zongjie.extract.pipeline import PIPELINE_VERSION, extract
from zongjie.schema.store import FileInfo, Store


@dataclass
class IngestReport:
    files: int = 0
    skipped: int = 0  # unchanged since the last run
    documents: int = 0  # documents read
    added: int = 0  # new to the store
    errors: Counter[str] = field(default_factory=Counter)  # reason → count
    failed_files: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, message)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


Progress = Callable[[Path, IngestReport], None]


def ingest_file(store: Store, path: Path, report: IngestReport, *, entities: bool = True, **options) -> None:
    """Read, extract and store one file; failures are recorded, never raised."""
    try:
        info = FileInfo.of(path)
    except OSError as exc:  # vanished or unreadable since it was listed
        store.record_error(str(path), None, "read", "unreadable", type(exc).__name__, str(exc))
        report.errors["unreadable"] += 1
        report.failed_files.append((str(path), "unreadable", str(exc)))
        return
    if store.file_seen(info.path, info.size, info.mtime):
        report.skipped += 1
        return
    docs = 0
    failure = None
    for item in read_path(path, **options):
        if isinstance(item, ReadFailure):
            # the store keeps four stages; a reader's finer one (detect, archive, convert) goes with the message
            stage = item.stage if item.stage in ("read", "clean", "extract", "store") else "read"
            message = item.message if stage == item.stage else f"[{item.stage}] {item.message}"
            store.record_error(item.source, item.member, stage, item.reason, item.error_class, message)
            report.errors[item.reason] += 1
            report.failed_files.append((item.source + (f"!{item.member}" if item.member else ""), item.reason, item.message))
            failure = failure or item.reason
            continue
        report.documents += 1
        try:
            facts = extract(item, entities=entities)
        except Exception as exc:  # an extractor bug must not lose the document or stop the batch
            store.record_exception(item.source, item.member, "extract", exc)
            report.errors["extract_failed"] += 1
            report.failed_files.append((item.source, "extract_failed", f"{type(exc).__name__}: {exc}"))
            facts = None
        if store.add_document(item, facts.as_dict() if facts else None, file_info=info, pipeline_version=PIPELINE_VERSION):
            report.added += 1
        docs += 1
    status = "ok" if docs or not failure else "error"
    store.record_file(info, status=status, documents=docs, reason=None if status == "ok" else failure)


def ingest(paths: Iterable[str | os.PathLike[str]], store: Store, *, progress: Progress | None = None,
           entities: bool = True, **options) -> IngestReport:
    """Ingest every file under ``paths`` into ``store``.

    Example::

        >>> with zongjie.Store("zongjie.db") as store:          # doctest: +SKIP
        ...     report = ingest(["reports/"], store)
        >>> report.documents, dict(report.errors)
        (31, {})
    """
    report = IngestReport()
    with store.writer_lock():
        for path in iter_files([Path(p) for p in paths]):
            report.files += 1
            ingest_file(store, path, report, entities=entities, **options)
            if progress:
                progress(path, report)
    return report
