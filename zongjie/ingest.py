"""The ingest driver: files → documents → facts → store.

Two kinds of work, kept apart:

- **reading and extracting** (read, clean, describe, structure, extract, and
  the segmentation of sentences for the index) is done per file, where the
  work is: in this process (``workers=0``), in ``workers`` local worker
  processes, or on a Dask cluster (``scheduler="tcp://host:8786"``);
- **writing** is done by one writer in this process, which takes the results
  in file order and commits them to SQLite in batches (``batch_docs``
  documents or ``batch_seconds`` seconds, whichever comes first). Each
  document is written inside its own SAVEPOINT, so one that SQLite refuses
  costs that document only; a killed run loses the open batch only, never
  part of a document.

The result does not depend on where the work was done: the same files give
the same rows in the same order.

A batch never dies on one bad file: a file (or archive member) that cannot be
read becomes an ``ingest_errors`` row with its reason, and the next file is
read. A worker process that dies (a segfault in a parser, the OOM killer)
costs the file it was reading: recorded as ``worker_crashed``, a new worker
takes its place.

Re-runs are incremental: a file whose path, size and mtime are unchanged is
skipped without being opened; one whose mtime changed but whose bytes
(sha256) did not is skipped after hashing. Files are listed lazily and at
most a bounded number of them are in flight, so memory does not grow with
the size of the archive.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from zongjie.analysis.duplicates import Signature, find_duplicates, save_signature, signature
from zongjie.corpus.document import Document
from zongjie.corpus.documents import read_path
from zongjie.corpus.read import ReadFailure, iter_files
from zongjie.errors import StoreError, ZongjieError
from zongjie.extract.pipeline import PIPELINE_VERSION, extract
from zongjie.schema.store import FileInfo, Prepared, Store, prepare_document

BATCH_DOCS = 64  # documents per transaction, at most
BATCH_SECONDS = 0.25  # and at most this long between commits: readers see progress (WAL commits are cheap)
MAX_AHEAD = 64  # files dispatched beyond the one the writer waits for
MAX_BUFFER = 256 * 1024**2  # bytes of results held for files the writer has not reached
MAX_FAILED_KEPT = 1000  # IngestReport.failed_files keeps the first ones; every error is in ingest_errors


@dataclass
class IngestReport:
    files: int = 0
    skipped: int = 0  # unchanged since the last run
    documents: int = 0  # documents read
    added: int = 0  # new to the store
    errors: Counter[str] = field(default_factory=Counter)  # reason → count
    failed_files: list[tuple[str, str, str]] = field(default_factory=list)  # (path, reason, message), the first 1000
    worker_pids: list[int] = field(default_factory=list)  # local worker processes started
    duplicates: int = 0  # new documents found to be near-duplicates of another

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


Progress = Callable[[Path, IngestReport], None]


# ---------------------------------------------------------------------------
# the work on one file, wherever it runs


@dataclass(frozen=True)
class Task:
    """One file to ingest, with what the store already knows of it."""

    index: int
    path: str
    skip: bool = False  # same size and mtime as the stored version: not even opened
    known_sha256: str | None = None  # same size, other mtime: skipped if the bytes hash the same
    known_documents: int = 0
    # where to open it, if not at ``path``: a Dask worker is sent the absolute path (its working directory is
    # not ours) while the store keeps ``path`` as it was given, as a local run does
    where: str | None = None


@dataclass
class DocResult:
    """A document read and extracted, ready for the writer."""

    doc: Document
    prepared: Prepared | None
    extract_error: tuple[str, str, str] | None = None  # (reason, error class, message)
    store_error: tuple[str, str, str] | None = None
    signature: Signature | None = None  # MinHash, for near-duplicates


Message = tuple[str, Any]
DONE: Message = ("done", None)
TICK: Message = ("tick", None)


def process_file(task: Task, *, entities: bool = True, options: dict[str, Any] | None = None) -> Iterator[Message]:
    """Read, clean and extract one file; yields messages for the writer, never raises for a bad file.

    Messages: ``("info", FileInfo)`` first, then ``("failure", ReadFailure)``
    and ``("document", DocResult)`` in the file's order, then ``DONE``; or
    ``("unreadable", (error class, message))`` or ``("unchanged", FileInfo)``
    then ``DONE``.
    """
    where = task.where or task.path
    try:
        info = FileInfo.of(where)
    except OSError as exc:  # vanished or unreadable since it was listed
        if exc.filename == where:
            exc.filename = task.path
        yield "unreadable", (type(exc).__name__, str(exc))
        yield DONE
        return
    if where != task.path:
        info = replace(info, path=task.path)
    if task.known_sha256 is not None and info.sha256 == task.known_sha256:
        yield "unchanged", info
        yield DONE
        return
    yield "info", info
    for item in read_path(where, **(options or {})):
        if item.source == where:
            item.source = task.path  # recorded under the name it was given, wherever it was opened
        if isinstance(item, ReadFailure):
            yield "failure", item
        else:
            yield "document", process_document(item, entities=entities)
    yield DONE


def process_document(doc: Document, *, entities: bool = True) -> DocResult:
    facts = extract_error = store_error = None
    try:
        facts = extract(doc, entities=entities)
    except Exception as exc:  # an extractor bug must not lose the document or stop the batch
        extract_error = (getattr(exc, "reason", "unexpected"), type(exc).__name__, str(exc))
    try:
        prepared = prepare_document(doc, facts.as_dict() if facts else None, cut=facts.cut if facts else None)
    except StoreError as exc:  # an offset outside the text: the store would refuse the document
        prepared = None
        store_error = (exc.reason, type(exc).__name__, str(exc))
    return DocResult(doc, prepared, extract_error, store_error, signature(doc.text))


# ---------------------------------------------------------------------------
# where the work runs: streams of (task, message), in file order


def plan_tasks(paths: Iterable[str | os.PathLike[str]], store: Store) -> Iterator[Task]:
    """Files under ``paths``, lazily, each with what the store knows of it."""
    for index, path in enumerate(iter_files([Path(p) for p in paths])):
        name = str(path)
        try:
            st = os.stat(path)
        except OSError:
            yield Task(index, name)  # the reader records why
            continue
        known = store.known_file(name)
        if known is None or known["size"] != st.st_size:
            yield Task(index, name)
        elif abs(known["mtime"] - st.st_mtime) < 1e-6:
            yield Task(index, name, skip=True)
        else:
            yield Task(index, name, known_sha256=known["sha256"], known_documents=known["documents"])


def inline_stream(tasks: Iterable[Task], *, entities: bool, options: dict[str, Any]) -> Iterator[tuple[Task, Message]]:
    """The work done in this process, one file after the other."""
    for task in tasks:
        if task.skip:
            yield task, ("skipped", None)
            yield task, DONE
            continue
        for message in process_file(task, entities=entities, options=options):
            yield task, message


def _worker_main(conn: Any, entities: bool, options: dict[str, Any]) -> None:
    """A local worker process: tasks in, pickled messages out (b"" ends a file)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the writer's to handle
    conn.send_bytes(_READY)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the writer is gone
        if task is None:
            return
        for message in process_file(task, entities=entities, options=options):
            if message is DONE:
                conn.send_bytes(b"")
            else:
                conn.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


_READY = b"ready"  # a worker's first message: it started (a death before it is not a file's fault)


@dataclass
class _Slot:
    task: Task
    buffer: deque[Any] = field(default_factory=deque)
    finished: bool = False


@dataclass
class _Worker:
    process: Any
    conn: Any
    slot: _Slot | None = None
    ready: bool = False


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exited with status {exitcode}"


def pool_stream(
    tasks: Iterable[Task],
    *,
    workers: int,
    entities: bool,
    options: dict[str, Any],
    report: IngestReport,
    max_ahead: int = MAX_AHEAD,
    max_buffer: int = MAX_BUFFER,
) -> Iterator[tuple[Task, Message]]:
    """The work done by ``workers`` local processes, results given back in file order.

    Each worker reads one file at a time and streams its messages back
    through a pipe. The messages of the file the writer waits for are always
    read; those of files further on are held up to ``max_buffer`` bytes, then
    their workers wait (a full pipe blocks them): memory stays bounded.
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["zongjie.ingest", "zongjie._preload"])
    pool: list[_Worker] = []

    def start() -> _Worker:
        parent, child = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_worker_main, args=(child, entities, options), daemon=True,
                              name="zongjie-ingest-worker")
        process.start()
        child.close()
        worker = _Worker(process, parent)
        pool.append(worker)
        report.worker_pids.append(process.pid)
        return worker

    deaths_in_a_row = 0

    def crashed(worker: _Worker) -> None:
        # take what it sent before it died, then record the death against its file
        nonlocal deaths_in_a_row
        slot = worker.slot
        try:
            while worker.conn.poll():
                data = worker.conn.recv_bytes()
                if data == _READY:
                    worker.ready = True
                elif slot is not None and not slot.finished:
                    slot.buffer.append(data)
                    if data == b"":
                        slot.finished = True
        except (EOFError, OSError):
            pass
        worker.process.join(5)
        worker.conn.close()
        pool.remove(worker)
        if not worker.ready:
            # it died before it started: not its file's fault; the file goes to a new worker
            deaths_in_a_row += 1
            if deaths_in_a_row > workers + 2:
                # workers that cannot start (a script without the __main__ guard, a broken install)
                raise ZongjieError(
                    f"{deaths_in_a_row} worker processes in a row died before they started "
                    f"({_death(worker.process.exitcode)}): run with --workers 0 (workers=0) to see why; a script "
                    "that calls ingest() with workers must do so under `if __name__ == '__main__':`"
                )
            replacement = start()
            if slot is not None and not slot.finished:
                replacement.slot = slot
                replacement.conn.send(slot.task)
            else:
                idle.append(replacement)
            return
        deaths_in_a_row = 0
        if slot is not None and not slot.finished:
            slot.buffer.append(("crashed", f"the worker process reading this file {_death(worker.process.exitcode)}"))
            slot.buffer.append(DONE)
            slot.finished = True
        idle.append(start())

    tasks = iter(tasks)
    pending: deque[_Slot] = deque()
    buffered = 0
    next_task: Task | None = None
    exhausted = False
    idle: list[_Worker] = []
    clean_exit = False
    try:
        idle.extend(start() for _ in range(workers))
        while True:
            while not exhausted and len(pending) < max_ahead and buffered < max_buffer:
                if next_task is None:
                    next_task = next(tasks, None)
                    if next_task is None:
                        exhausted = True
                        break
                if next_task.skip:
                    pending.append(_Slot(next_task, deque([("skipped", None), DONE]), finished=True))
                elif idle:
                    worker = idle.pop()
                    worker.slot = _Slot(next_task)
                    worker.conn.send(next_task)
                    pending.append(worker.slot)
                else:
                    break
                next_task = None
            if not pending:
                break
            head = pending[0]
            if head.buffer:
                while head.buffer:
                    item = head.buffer.popleft()
                    if isinstance(item, bytes):
                        buffered -= len(item)
                        item = pickle.loads(item) if item else DONE
                    yield head.task, item
                continue
            if head.finished:
                pending.popleft()
                continue
            busy = [w for w in pool if w.slot is not None]
            conns = {w.conn: w for w in busy if w.slot is head or buffered < max_buffer}
            sentinels = {w.process.sentinel: w for w in busy}
            ready = wait([*conns, *sentinels], timeout=0.5)
            if not ready:
                yield head.task, TICK  # the writer may commit what it holds
                continue
            dead: list[_Worker] = []
            for obj in ready:
                worker = conns.get(obj) or sentinels.get(obj)
                if worker is None or worker in dead or worker.slot is None:
                    continue
                if obj in sentinels:
                    dead.append(worker)
                    continue
                try:
                    data = worker.conn.recv_bytes()
                except (EOFError, OSError):
                    dead.append(worker)
                    continue
                if data == _READY:
                    worker.ready = True
                    continue
                worker.slot.buffer.append(data)
                buffered += len(data)
                if data == b"":
                    worker.slot.finished = True
                    worker.slot = None
                    idle.append(worker)
            for worker in dead:
                crashed(worker)
        clean_exit = True
    finally:
        for worker in pool:
            if clean_exit or worker.slot is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
            else:
                worker.process.kill()  # interrupted mid-file: its result has nowhere to go
        for worker in pool:
            worker.process.join(10)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


# ---------------------------------------------------------------------------
# the one writer


class _Writer:
    """Writes the messages of a stream to the store, in batches, and keeps the report."""

    def __init__(self, store: Store, report: IngestReport, progress: Progress | None,
                 batch_docs: int, batch_seconds: float):
        self.store = store
        self.report = report
        self.progress = progress
        self.batch_docs = batch_docs
        self.batch_seconds = batch_seconds
        self.batch_started = 0.0
        self.batch_size = 0
        self.batching = True
        self.journal: list[tuple[Task, Message]] = []  # what the open batch holds, to replay if SQLite drops it
        self.snapshot: tuple[Any, ...] = ()
        self._new_file()

    def _new_file(self) -> None:
        self.info: FileInfo | None = None
        self.docs = 0
        self.failure: str | None = None

    # -- batches

    def _open(self) -> None:
        if self.batching and not self.store.in_batch:
            self.store.begin_batch()
            self.batch_started = time.monotonic()
            self.batch_size = 0

    def commit_if_due(self, *, force: bool = False) -> None:
        if not self.store.in_batch:
            return
        if force or self.batch_size >= self.batch_docs or time.monotonic() - self.batch_started >= self.batch_seconds:
            self.store.commit_batch()
            self.journal = []

    # -- messages

    def _error(self, path: str, member: str | None, stage: str, reason: str, error_class: str | None,
               message: str, *, counted_as: str | None = None, shown: tuple[str, str, str] | None = None) -> None:
        self._open()
        self.store.record_error(path, member, stage, reason, error_class, message)
        self.report.errors[counted_as or reason] += 1
        if len(self.report.failed_files) < MAX_FAILED_KEPT:  # the rest are in ingest_errors
            self.report.failed_files.append(
                shown or (path + (f"!{member}" if member else ""), counted_as or reason, message))
        self.batch_size += 1

    def _mark(self) -> None:
        """Remember where the batch starts: the report and the state of the file being written."""
        r = self.report
        self.snapshot = (r.files, r.skipped, r.documents, r.added, Counter(r.errors), len(r.failed_files),
                         self.info, self.docs, self.failure)
        self.journal = []

    def _restore(self) -> None:
        r = self.report
        (r.files, r.skipped, r.documents, r.added, errors, n_failed, self.info, self.docs, self.failure) = self.snapshot
        r.errors = errors
        del r.failed_files[n_failed:]

    def handle(self, task: Task, message: Message) -> None:
        """Write one message; if SQLite drops the whole open batch (a full disk does), write it again
        one document per transaction, so that everything that fits is kept, then raise."""
        if message[0] == "tick":
            self.commit_if_due()
            return
        if self.batching and not self.store.in_batch:
            self._mark()
        if self.batching:
            self.journal.append((task, message))
        try:
            self._handle(task, message)
        except StoreError:
            if not self.batching or self.store.db.conn.in_transaction or not self.journal:
                raise
            journal = self.journal
            self._restore()
            self.store.rollback_batch()
            self.batching = False
            progress, self.progress = self.progress, None  # already shown for these files
            try:
                for t, m in journal[:-1]:
                    self._handle(t, m)
            finally:
                self.progress = progress
            self._handle(task, message)  # raises again if the fault persists
            self.batching = True

    def _handle(self, task: Task, message: Message) -> None:
        kind, payload = message
        if kind == "tick":
            self.commit_if_due()
        elif kind == "info":
            self.info = payload
        elif kind == "document":
            self._document(payload)
        elif kind == "failure":
            item: ReadFailure = payload
            # the store keeps four stages; a reader's finer one (detect, archive, convert) goes with the message
            stage = item.stage if item.stage in ("read", "clean", "extract", "store") else "read"
            text = item.message if stage == item.stage else f"[{item.stage}] {item.message}"
            self._error(item.source, item.member, stage, item.reason, item.error_class, text,
                        shown=(item.source + (f"!{item.member}" if item.member else ""), item.reason, item.message))
            self.failure = self.failure or item.reason
        elif kind == "unreadable":
            error_class, text = payload
            self._error(task.path, None, "read", "unreadable", error_class, text)
        elif kind == "unchanged":
            self._open()
            self.store.record_file(payload, status="ok", documents=task.known_documents)
            self.report.skipped += 1
        elif kind == "skipped":
            self.report.skipped += 1
        elif kind == "crashed":
            self._error(task.path, None, "read", "worker_crashed", "WorkerCrashed", payload)
            self.failure = "worker_crashed"
            if self.info is None:
                try:
                    st = os.stat(task.path)
                    self.info = FileInfo(task.path, st.st_size, st.st_mtime)
                except OSError:
                    pass
            self.docs = 0  # the file is retried next time, whatever it sent before
        elif kind == "done":
            self._finish_file(task)
        else:
            raise ValueError(f"unknown message {kind!r} from a worker")

    def _document(self, result: DocResult) -> None:
        doc = result.doc
        self.report.documents += 1
        if result.extract_error:
            reason, error_class, text = result.extract_error
            self._error(doc.source, doc.member, "extract", reason, error_class, text, counted_as="extract_failed",
                        shown=(doc.source, "extract_failed", f"{error_class}: {text}"))
        if result.store_error or result.prepared is None:
            reason, error_class, text = result.store_error or ("store_failed", "StoreError", "not prepared")
            self._error(doc.source, doc.member, "store", reason, error_class, text)
            return
        self._open()
        if self.store.add_document(doc, file_info=self.info, pipeline_version=PIPELINE_VERSION,
                                   prepared=result.prepared):
            self.report.added += 1
            save_signature(self.store, doc.id, result.signature)
        self.docs += 1
        self.batch_size += 1
        self.commit_if_due()

    def _finish_file(self, task: Task) -> None:
        if self.info is not None and (self.failure == "worker_crashed" or not task.skip):
            status = "ok" if (self.docs or not self.failure) and self.failure != "worker_crashed" else "error"
            self._open()
            self.store.record_file(self.info, status=status, documents=self.docs,
                                   reason=None if status == "ok" else self.failure)
        self.report.files += 1
        self._new_file()
        self.commit_if_due()
        if self.progress:
            self.progress(Path(task.path), self.report)


def default_workers() -> int:
    """Local worker processes by default: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def ingest(
    paths: Iterable[str | os.PathLike[str]],
    store: Store,
    *,
    progress: Progress | None = None,
    entities: bool = True,
    workers: int = 0,
    scheduler: str | None = None,
    batch_docs: int = BATCH_DOCS,
    batch_seconds: float = BATCH_SECONDS,
    duplicates: bool = True,
    **options,
) -> IngestReport:
    """Ingest every file under ``paths`` into ``store``.

    Args:
        workers: 0 reads and extracts in this process; N > 0 in N worker
            processes (``default_workers()`` is one per core).
        scheduler: the address of a Dask scheduler (``tcp://host:8786``):
            read and extract on that cluster instead (``zongjie[dask]``).
        batch_docs, batch_seconds: a transaction is committed after this many
            documents or seconds, whichever comes first.
        progress: called as ``progress(path, report)`` after each file is written.
        duplicates: at the end, compare the new documents with the store and
            group near-duplicates (``zongjie.analysis.duplicates``).

    Example::

        >>> with zongjie.Store("zongjie.db") as store:          # doctest: +SKIP
        ...     report = ingest(["reports/"], store, workers=4)
        >>> report.documents, dict(report.errors)                # doctest: +SKIP
        (31, {})
    """
    report = IngestReport()
    with store.writer_lock():
        tasks = plan_tasks(paths, store)
        if scheduler:
            from zongjie.distributed import dask_stream

            stream = dask_stream(tasks, scheduler, entities=entities, options=options)
        elif workers > 0:
            stream = pool_stream(tasks, workers=workers, entities=entities, options=options, report=report)
        else:
            stream = inline_stream(tasks, entities=entities, options=options)
        writer = _Writer(store, report, progress, batch_docs, batch_seconds)
        try:
            for task, message in stream:
                writer.handle(task, message)
            writer.commit_if_due(force=True)
        except BaseException:
            # every write that completed is whole (its savepoint was released): keep them
            try:
                store.commit_batch()
            except StoreError:
                pass  # rolled back; the first error is the one to report
            raise
        finally:
            stream.close()
        if duplicates:
            _checked, report.duplicates = find_duplicates(store)
    return report
