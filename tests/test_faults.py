"""Faults injected into real runs: kill -9, a full disk, a read-only store,
two ingests at once, readers during an ingest.

Each run is the real ``zongjie ingest`` in a child process on a real SQLite
file. The yardstick is a reference store made by one clean run of the same
batch: after any fault the store must pass ``PRAGMA integrity_check`` and
hold only whole documents, i.e. documents of the reference with exactly the
reference's sentences and facts.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _robust import make_docx, shared_tmp_dir, unprivileged, zip_bytes

from zongjie.errors import StoreError, StoreFull
from zongjie.schema.store import FACT_KINDS, Store

KILL_SEEDS = [11, 23, 37, 41]


def _paragraphs(i: int) -> list[str]:
    lines = [f"{2000 + i}年某县第{i}号工作总结"]
    for k in range(25):
        lines.append(
            f"第{k + 1}项：全县新建村卫生室{i + k + 3}个，投入资金{(i + k) * 1.5:g}亿元，同比增长{(i + k) % 9 + 1}.{k % 7}%；"
            f"到{2025 + k % 3}年底，力争家庭医生签约覆盖率达到{60 + (i + k) % 30}%以上。"
        )
    return lines


def _make_batch(folder: Path, n: int = 36) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        if i % 6 == 5:
            (folder / f"{i:03d}-总结.docx").write_bytes(make_docx(_paragraphs(i)))
        else:
            (folder / f"{i:03d}-总结.txt").write_text("\n".join(_paragraphs(i)), encoding="utf-8")
    members = {f"乡镇/{j}-汇报.txt": "\n".join(_paragraphs(100 + j)).encode() for j in range(5)}
    (folder / "999-乡镇汇报.zip").write_bytes(zip_bytes(members))
    return folder


def _cli(folder: Path, db: Path, *options: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "zongjie", "ingest", str(folder), "--db", str(db), "-q", "--no-entities", *options],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )


def _run(folder: Path, db: Path, **popen) -> subprocess.CompletedProcess:
    proc = _cli(folder, db, **popen)
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _connect_ro(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def snapshot(conn: sqlite3.Connection) -> dict[str, tuple]:
    """Per document: (source, member, sentences, facts of each kind), read in one transaction."""
    conn.execute("BEGIN")
    try:
        docs = {r[0]: [r[1], r[2]] for r in conn.execute("SELECT id, source, member FROM documents")}
        for table in ("sentences", *FACT_KINDS):
            counts = dict(conn.execute(f"SELECT document_id, count(*) FROM {table} GROUP BY document_id"))
            for doc_id, row in docs.items():
                row.append(counts.pop(doc_id, 0))
            assert not counts, f"{table} rows of documents that are not stored: {list(counts)[:3]}"
    finally:
        conn.execute("COMMIT")
    return {k: tuple(v) for k, v in docs.items()}


def contents(db: Path) -> dict[str, tuple]:
    conn = _connect_ro(db)
    try:
        return snapshot(conn)
    finally:
        conn.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """The batch, and the reference store made by one clean run of ``zongjie ingest``."""
    root = tmp_path_factory.mktemp("faults")
    folder = _make_batch(root / "batch")
    db = root / "reference.db"
    started = time.monotonic()
    done = _run(folder, db)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    reference = contents(db)
    assert len(reference) == 36 + 5
    assert all(row[2] > 20 and row[3] > 20 for row in reference.values())  # sentences and quantities
    return folder, reference, elapsed


def assert_whole(db: Path, reference: dict[str, tuple]) -> dict[str, tuple]:
    """Integrity ok, and every stored document is whole: the reference's sentences and facts, no more, no less."""
    assert integrity(db) == "ok"
    stored = contents(db)
    for doc_id, row in stored.items():
        assert doc_id in reference, f"unknown document {row}"
        # counts only: a test may ingest a copy of the batch from another folder
        assert row[2:] == reference[doc_id][2:], f"partial document {row} (reference {reference[doc_id]})"
    return stored


# --- kill -9 ---------------------------------------------------------------


@pytest.mark.parametrize("seed", KILL_SEEDS)
def test_kill_9_leaves_whole_documents_and_a_rerun_completes(tmp_path, batch, seed):
    folder, reference, elapsed = batch
    db = tmp_path / "killed.db"
    delay = random.Random(seed).uniform(0.3, 0.95) * elapsed
    proc = _cli(folder, db)
    time.sleep(delay)
    killed = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    if db.exists():
        before = assert_whole(db, reference)
        assert killed or len(before) == len(reference)
    rerun = _run(folder, db)
    assert rerun.returncode == 0, rerun.stderr
    assert assert_whole(db, reference) == reference  # the batch complete, nothing twice
    conn = _connect_ro(db)
    try:
        assert conn.execute("SELECT count(*) FROM files WHERE status != 'ok'").fetchone()[0] == 0
        sources = conn.execute("SELECT count(*), count(DISTINCT source || '!' || ifnull(member, '')) FROM documents")
        assert len(set(sources.fetchone())) == 1
    finally:
        conn.close()


# --- full disk -------------------------------------------------------------


def test_store_page_limit_full_is_a_clear_error_and_leaves_whole_documents(tmp_path, batch):
    """SQLite's own SQLITE_FULL, hit for real by capping the store's pages."""
    from zongjie.ingest import ingest

    folder, reference, _ = batch
    db = tmp_path / "full.db"
    with Store(db) as store:
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 60}")
        with pytest.raises(StoreFull) as e:
            ingest([folder], store, entities=False)
    assert "disk is full" in str(e.value) and "run the same command again" in str(e.value)
    stored = assert_whole(db, reference)
    assert 0 < len(stored) < len(reference)


@pytest.fixture
def small_disk(tmp_path):
    """A real 1.5 MB tmpfs: a disk that fills up. Needs root (mount)."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(mountpoint)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the page-limit test covers SQLITE_FULL")
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_disk_full_exits_non_zero_with_a_clear_error(batch, small_disk):
    folder, reference, _ = batch
    db = small_disk / "zongjie.db"
    done = _run(folder, db)
    assert done.returncode != 0
    assert "disk is full" in done.stderr, done.stderr[-1000:]
    assert "Traceback" not in done.stderr
    stored = assert_whole(db, reference)
    assert 0 < len(stored) < len(reference)


def test_read_only_mount_exits_non_zero_and_changes_nothing(batch, small_disk):
    folder, reference, _ = batch
    db = small_disk / "zongjie.db"
    few = small_disk / "few"
    few.mkdir()
    for p in sorted(folder.glob("*.txt"))[:3]:
        shutil.copy(p, few)
    assert _run(few, db).returncode == 0
    stored = assert_whole(db, reference)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    done = _run(folder, db)
    assert done.returncode != 0
    assert "read-only" in done.stderr, done.stderr[-1000:]
    assert "Traceback" not in done.stderr
    assert assert_whole(db, reference) == stored


def test_store_file_without_write_permission(batch):
    """chmod 444 on the store and 555 on its folder. As root the run drops to ``nobody`` so that it bites."""
    from click.testing import CliRunner

    from zongjie.cli import cli

    folder, reference, _ = batch
    with shared_tmp_dir() as tmp:
        work = tmp / "store"
        work.mkdir()
        db = work / "zongjie.db"
        shutil.copytree(folder, tmp / "batch")
        assert _run(tmp / "batch", db).returncode == 0
        (tmp / "batch" / "新增.txt").write_text("\n".join(_paragraphs(77)), encoding="utf-8")
        for p in [tmp / "batch", *(tmp / "batch").iterdir()]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        for p in work.iterdir():
            p.chmod(0o444)
        work.chmod(0o555)
        before = db.read_bytes()
        with unprivileged():
            result = CliRunner().invoke(cli, ["ingest", str(tmp / "batch"), "--db", str(db), "-q", "--no-entities"])
            with pytest.raises(PermissionError):
                open(db, "ab").close()  # the store really is read-only for this user
        work.chmod(0o755)
        assert result.exit_code == 1, result.output
        assert "read-only" in result.output and "permissions" in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert db.read_bytes() == before
        assert assert_whole(db, reference)


def test_read_only_store_object_refuses_writes(tmp_path, batch):
    folder, reference, _ = batch
    from zongjie.ingest import ingest

    db = tmp_path / "z.db"
    Store(db).close()
    with Store(db, readonly=True) as store, pytest.raises(StoreError) as e:
        ingest([folder], store, entities=False)
    assert "read-only" in str(e.value)
    assert contents(db) == {}


# --- two ingests at once ---------------------------------------------------


def test_two_ingests_at_once_are_serialized_or_refused_never_corrupt(tmp_path, batch):
    folder, reference, _ = batch
    db = tmp_path / "shared.db"
    Store(db).close()  # created and migrated: the race is on the batch, not on creating the file
    first, second = _cli(folder, db), _cli(folder, db)
    results = [p.communicate(timeout=600) + (p.returncode,) for p in (first, second)]
    codes = sorted(r[2] for r in results)
    assert codes[0] == 0, results
    for _out, err, code in results:
        if code != 0:
            assert "another ingest is writing" in err and "wait for it to finish" in err, err[-800:]
            assert "Traceback" not in err
    assert assert_whole(db, reference) == reference


def test_a_second_ingest_is_refused_while_the_first_holds_the_lock(tmp_path, batch):
    """Deterministic: the first run is certainly holding the writer lock when the second starts."""
    folder, reference, _ = batch
    db = tmp_path / "locked.db"
    with Store(db) as holder, holder.writer_lock():
        done = _run(folder, db)
    assert done.returncode == 1
    assert f"pid {os.getpid()}" in done.stderr and "another ingest is writing" in done.stderr
    assert contents(db) == {}


# --- readers during an ingest ----------------------------------------------


def test_readers_see_whole_documents_while_an_ingest_runs(tmp_path, batch):
    """A reader (the browse UI, a notebook) opens the store read-only and reads in a loop meanwhile."""
    folder, reference, _ = batch
    db = tmp_path / "live.db"
    Store(db).close()
    # a transaction per document, so that the run shows readers many states however fast it is
    proc = _cli(folder, db, "--batch-size", "1")
    sizes = []
    try:
        while proc.poll() is None:
            with Store(db, readonly=True) as reader:
                for doc_id, row in snapshot(reader.db.conn).items():
                    assert row[2:] == reference[doc_id][2:], "a reader saw a partial document"
                sizes.append(reader.stats()["tables"]["documents"])
            time.sleep(0.05)
    finally:
        out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    growing = [n for n in sizes if 0 < n < len(reference)]
    assert len(growing) >= 3, sizes  # it really read mid-ingest, many times
    assert sizes == sorted(sizes)  # never went backwards
    assert assert_whole(db, reference) == reference
