"""Ingest at scale: worker processes, batches, crashes, incremental re-runs.

Real worker processes (multiprocessing, forkserver) and a real SQLite store;
the yardstick is the store made by the same batch read in one process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _robust import zip_bytes

from zongjie.ingest import ingest
from zongjie.schema.store import TABLES, Store

DATA = Path(__file__).parent / "data"
# columns that say when, not what
VOLATILE = {"ingested_at", "last_ingested_at", "at", "applied_at"}


def _summary(i: int) -> str:
    lines = [f"{2010 + i}年某县第{i}号卫生健康工作总结"]
    for k in range(12):
        lines.append(f"第{k + 1}项：新建村卫生室{i + k + 3}个，投入资金{(i + k) * 1.5:g}亿元，同比增长{(i + k) % 9 + 1}.{k % 7}%。")
    return "\n".join(lines)


def make_batch(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in ("gov-page-with-nav.html", "web-forum-summary-2011.txt", "provincial-2025-word.docx",
                 "national-gwr-slice.jsonl"):
        shutil.copy(DATA / name, folder / name)
    for i in range(6):
        (folder / f"summary-{i:02d}.txt").write_text(_summary(i), encoding="utf-8")
    (folder / "乡镇.zip").write_bytes(zip_bytes({f"乡镇/{j}.txt": _summary(20 + j).encode() for j in range(3)}))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.docx").write_bytes(b"PK\x03\x04" + bytes(300))
    return folder


def table_rows(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table (and the index), in rowid order, without the timestamps."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {}
        for table in (*TABLES, "sentences_fts"):
            cur = conn.execute(f"SELECT rowid, * FROM [{table}] ORDER BY rowid")
            names = [c[0] for c in cur.description]
            keep = [i for i, n in enumerate(names) if n not in VOLATILE]
            out[table] = [tuple(row[i] for i in keep) for row in cur]
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    folder = make_batch(root / "batch")
    db = root / "inline.db"
    with Store(db) as store:
        report = ingest([folder], store, entities=False, workers=0)
    assert report.documents >= 15 and report.error_count == 2
    return folder, db, report


def test_worker_processes_write_exactly_what_one_process_writes(tmp_path, batch):
    folder, reference, inline = batch
    db = tmp_path / "pool.db"
    with Store(db) as store:
        report = ingest([folder], store, entities=False, workers=2, batch_docs=3)
    assert len(set(report.worker_pids)) == 2
    assert (report.files, report.documents, report.added, report.errors) == (
        inline.files, inline.documents, inline.added, inline.errors)
    assert table_rows(db) == table_rows(reference)


def test_a_crashed_worker_costs_its_file_only(tmp_path):
    """A worker killed by SIGSEGV mid-file: that file is recorded as worker_crashed, the batch goes on."""
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-first.txt").write_text(_summary(1), encoding="utf-8")
    # long enough to be still in the worker when the writer is done with a-first.txt
    (folder / "b-slow.txt").write_text("\n".join(_summary(k) for k in range(200)), encoding="utf-8")
    (folder / "c-last.txt").write_text(_summary(3), encoding="utf-8")
    killed = []

    def kill_worker(path, report):
        if path.name == "a-first.txt":
            [pid] = report.worker_pids
            os.kill(pid, signal.SIGSEGV)
            killed.append(pid)

    db = tmp_path / "z.db"
    with Store(db) as store:
        report = ingest([folder], store, entities=False, workers=1, progress=kill_worker)
        errors = store.errors()
        files = {Path(r[0]).name: r[1:] for r in store.db.execute("SELECT path, status, reason FROM files")}
        sources = sorted(Path(r[0]).name for r in store.db.execute("SELECT source FROM documents"))
    assert killed and len(report.worker_pids) == 2  # a new worker took the dead one's place
    assert [(Path(e["path"]).name, e["reason"]) for e in errors] == [("b-slow.txt", "worker_crashed")]
    assert "SIGSEGV" in errors[0]["message"]
    assert sources == ["a-first.txt", "c-last.txt"]
    assert files["b-slow.txt"] == ("error", "worker_crashed")
    # the next run retries it
    with Store(db) as store:
        again = ingest([folder], store, entities=False, workers=1)
    assert again.skipped == 2 and again.added == 1 and not again.errors


def test_rerun_skips_unchanged_files_and_rereads_changed_ones(tmp_path, batch):
    folder, reference, inline = batch
    work = tmp_path / "batch"
    shutil.copytree(folder, work)
    db = tmp_path / "z.db"
    with Store(db) as store:
        first = ingest([work], store, entities=False, workers=2)
        # touched, same bytes: hashed and skipped
        os.utime(work / "summary-00.txt", (time.time() + 100, time.time() + 100))
        # changed bytes: read again, its old document replaced
        (work / "summary-01.txt").write_text(_summary(1) + "\n全年新增就业500人。", encoding="utf-8")
        second = ingest([work], store, entities=False, workers=2)
        rows = store.db.execute("SELECT count(*) FROM documents WHERE source LIKE '%summary-01.txt'").fetchone()
        mtime = store.known_file(str(work / "summary-00.txt"))["mtime"]
    assert first.skipped == 0
    # every good file skipped, the two bad ones retried (a failed file is never "seen")
    assert second.files == first.files and second.skipped == first.files - 3
    assert second.added == 1 and rows == (1,)
    assert mtime == pytest.approx(os.stat(work / "summary-00.txt").st_mtime)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_killed_mid_run_then_the_next_run_completes_the_same_store(tmp_path, batch, sig):
    folder, reference, _ = batch
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "zongjie", "ingest", str(folder), "--db", str(db), "-q", "--no-entities",
           "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None and not stored:
        time.sleep(0.05)
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            pass
    family = _descendants(proc.pid)
    assert family, "no worker processes"
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=120)
    if sig == signal.SIGINT:
        assert proc.returncode != 0 and b"Traceback" not in err, err[-2000:]
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    want, got = table_rows(reference), table_rows(db)
    assert sorted(r[1] for r in got["documents"]) == sorted(r[1] for r in want["documents"])
    for table in ("sentences", "quantities", "times", "indicators", "commitments", "files"):
        assert len(got[table]) == len(want[table]), table
    # the workers and the forkserver went with their writer
    time.sleep(1)
    assert [pid for pid in family if _alive(pid)] == []


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


# --- on a Dask cluster -------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("dask.distributed", reason="pip install 'zongjie[dask]'")
    import dask

    # a task whose worker dies is tried on one more worker (Dask's default is 3 more: slower, same path);
    # one task per worker thread, none queued behind it, so a death makes only its own file suspect
    config = {"distributed.scheduler.allowed-failures": 1, "distributed.scheduler.worker-saturation": 1.0}
    with dask.config.set(config), distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
            worker_dashboard_address=None) as local:
        yield local


def crash_on(filename: str):
    """A Dask worker plugin for the tests: a worker process that starts reading ``filename`` dies of SIGSEGV.

    It wraps the function the tasks call, in the worker processes only (none of it is in zongjie):
    every worker, restarted ones included, dies on that file, as on a file that crashes a parser.
    """
    from distributed.diagnostics.plugin import WorkerPlugin

    class CrashOn(WorkerPlugin):
        name = "zongjie-test-crash-on"

        def setup(self, worker):
            import zongjie.distributed as module

            self.real = real = module.process_file

            def process_file(task, **kwargs):
                if Path(task.path).name == filename:
                    os.kill(os.getpid(), signal.SIGSEGV)
                return real(task, **kwargs)

            module.process_file = process_file

        def teardown(self, worker):
            import zongjie.distributed as module

            module.process_file = self.real

    return CrashOn()


def test_dask_cluster_writes_exactly_what_one_process_writes(tmp_path, batch, cluster):
    folder, reference, inline = batch
    db = tmp_path / "dask.db"
    with Store(db) as store:
        report = ingest([folder], store, entities=False, scheduler=cluster.scheduler_address, batch_docs=4)
    assert (report.files, report.documents, report.added, report.errors) == (
        inline.files, inline.documents, inline.added, inline.errors)
    assert table_rows(db) == table_rows(reference)


def test_dask_cluster_stores_the_paths_as_given_like_a_local_run(tmp_path, batch, cluster, monkeypatch):
    """`zongjie ingest batch` with a relative path: the workers (another working directory) open the
    absolute path, the store keeps `batch/…` as the local run does; a local re-run then skips every file."""
    from click.testing import CliRunner

    from zongjie.cli import cli

    folder, _, _ = batch
    shutil.copytree(folder, tmp_path / "batch")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for db, where in (("local.db", ["--workers", "0"]), ("dask.db", ["--scheduler", cluster.scheduler_address])):
        done = runner.invoke(cli, ["ingest", "batch", "--db", db, "-q", "--no-entities", *where])
        assert done.exit_code == 0, done.output
    local, dask = table_rows(tmp_path / "local.db"), table_rows(tmp_path / "dask.db")
    assert dask == local
    conn = sqlite3.connect(tmp_path / "dask.db")
    sources = {r[0] for r in conn.execute("SELECT source FROM documents UNION SELECT path FROM files "
                                          "UNION SELECT path FROM ingest_errors")}
    conn.close()
    assert len(sources) == 13 and all(s.startswith("batch/") for s in sources), sources
    # the same command line without --scheduler finds every file of the Dask run already there
    again = runner.invoke(cli, ["ingest", "batch", "--db", "dask.db", "-q", "--no-entities", "--workers", "0"])
    assert "files: 13 (11 unchanged, skipped)" in again.output, again.output  # the 2 bad ones are retried


def test_a_file_that_kills_its_dask_workers_costs_that_file_only(tmp_path, cluster):
    """Every worker that reads b-crash.txt dies (SIGSEGV): Dask gives up on it (KilledWorker), the batch goes on."""
    from dask.distributed import Client

    folder = tmp_path / "batch"
    folder.mkdir()
    for name, i in (("a-first.txt", 1), ("b-crash.txt", 2), ("c-middle.txt", 3), ("d-last.txt", 4)):
        (folder / name).write_text(_summary(i), encoding="utf-8")
    plugin = crash_on("b-crash.txt")
    db = tmp_path / "z.db"
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        client.register_plugin(plugin)
        try:
            with Store(db) as store:
                report = ingest([folder], store, entities=False, scheduler=cluster.scheduler_address)
                errors = store.errors()
                files = {Path(r[0]).name: r[1:] for r in store.db.execute("SELECT path, status, reason FROM files")}
                sources = [Path(r[0]).name for r in store.db.execute("SELECT source FROM documents ORDER BY rowid")]
        finally:
            client.unregister_worker_plugin(plugin.name)
        client.wait_for_workers(2, timeout=60)
    assert [(Path(e["path"]).name, e["reason"]) for e in errors] == [("b-crash.txt", "worker_crashed")]
    assert errors[0]["message"].startswith("2 Dask worker processes died reading this file"), errors[0]["message"]
    assert report.errors == {"worker_crashed": 1} and report.files == 4
    assert sources == ["a-first.txt", "c-middle.txt", "d-last.txt"]
    assert files["b-crash.txt"] == ("error", "worker_crashed")
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # the next run (the file no longer crashes anything) reads that file only
    with Store(db) as store:
        again = ingest([folder], store, entities=False, scheduler=cluster.scheduler_address)
        sources = sorted(Path(r[0]).name for r in store.db.execute("SELECT source FROM documents"))
    assert (again.skipped, again.added, again.errors) == (3, 1, {})
    assert sources == ["a-first.txt", "b-crash.txt", "c-middle.txt", "d-last.txt"]


def test_a_scheduler_gone_mid_run_is_a_clear_error_and_the_next_run_completes_the_store(tmp_path, batch):
    distributed = pytest.importorskip("dask.distributed", reason="pip install 'zongjie[dask]'")
    from zongjie.errors import ClusterError

    folder, reference, _ = batch
    db = tmp_path / "z.db"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  worker_dashboard_address=None) as local:
        address = local.scheduler_address

        def close_cluster(path, report):
            if report.files == 2:
                local.close()

        with Store(db) as store, pytest.raises(ClusterError, match="dropped the work mid-run") as raised:
            ingest([folder], store, entities=False, scheduler=address, progress=close_cluster)
    assert "(scheduler-connection-lost)" in str(raised.value) and "run the same command again" in str(raised.value)
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with Store(db) as store:
        stored = store.db.execute("SELECT count(*) FROM files WHERE status = 'ok'").fetchone()[0]
    assert stored >= 1  # the files written before the cluster went are kept
    with Store(db) as store:  # the next run (here in this process) does the rest
        again = ingest([folder], store, entities=False)
    assert again.skipped == stored
    got, want = table_rows(db), table_rows(reference)
    # ingest_errors is a log: a failed file is retried, and logged again, by each run
    assert {r[2:] for r in got.pop("ingest_errors")} == {r[2:] for r in want.pop("ingest_errors")}
    assert got == want


def test_cli_with_an_unreachable_scheduler_is_a_clear_error(tmp_path, batch):
    pytest.importorskip("dask.distributed", reason="pip install 'zongjie[dask]'")
    from click.testing import CliRunner

    from zongjie.cli import cli

    folder, _, _ = batch
    result = CliRunner().invoke(cli, ["ingest", str(folder), "--db", str(tmp_path / "z.db"), "-q",
                                      "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- near-duplicates -----------------------------------------------------------

REWRITES = {"服务": "效劳", "基本": "根本", "加强": "增强", "提高": "进步", "积极": "努力", "全面": "周全"}


def _core(text: str) -> list[str]:
    """The summary's own paragraphs, without the page furniture around them."""
    lines = [line for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("一、"))
    end = next(i for i, line in enumerate(lines) if line.startswith("《"))
    return lines[start:end]


def make_reposts(folder: Path) -> Path:
    folder.mkdir(parents=True)
    original = (DATA / "web-summary-with-furniture.txt").read_text("utf-8")
    shutil.copy(DATA / "web-summary-with-furniture.txt", folder / "a-original.txt")
    body = _core(original)
    paragraphs = "".join(f"<p>{line}</p>\n" for line in body)
    (folder / "b-repost.html").write_text(
        "<html><head><meta charset='utf-8'><title>全区卫生服务工作总结_某某文库</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> &gt; <a href='/x'>工作总结</a> &gt; 正文</div>"
        "<h1>全区卫生服务工作总结</h1><div class='info'>发布时间：2020-05-01 来源：网络</div>"
        f"<div class='content'>{paragraphs}</div>"
        "<div class='footer'>版权所有 某某文库 备案号：京ICP备12345678号</div></body></html>",
        encoding="utf-8",
    )
    rewritten = "\n".join(body)
    for word, substitute in REWRITES.items():
        rewritten = rewritten.replace(word, substitute)
    (folder / "c-rewrite.txt").write_text(
        "欢迎光临范文大全网\n当前位置：首页 > 总结 > 卫生工作总结\n\n全区卫生效劳任务总结\n\n" + rewritten
        + "\n\n本文由网友投稿，仅供参考。\n上一篇：医院工作总结\n下一篇：卫生院年度总结\n",
        encoding="utf-8",
    )
    for name in ("web-forum-summary-2011.txt", "gov-page-with-nav.html", "national-gwr-slice.jsonl"):
        shutil.copy(DATA / name, folder / name)
    return folder


def test_reposts_and_rewrites_are_one_group_with_the_first_published_as_canonical(tmp_path):
    from zongjie.analysis.duplicates import duplicate_groups

    folder = make_reposts(tmp_path / "batch")
    db = tmp_path / "z.db"
    with Store(db) as store:
        report = ingest([folder], store, entities=False, workers=0)
        groups = duplicate_groups(store)
    assert report.duplicates == 2
    [group] = groups
    assert Path(group.canonical["source"]).name == "a-original.txt"
    copies = {Path(c["source"]).name: c["similarity"] for c in group.copies}
    assert set(copies) == {"b-repost.html", "c-rewrite.txt"}
    assert copies["b-repost.html"] > 0.9 and 0.5 <= copies["c-rewrite.txt"] < copies["b-repost.html"]


def test_compare_and_audit_count_a_reposted_report_once(tmp_path):
    from click.testing import CliRunner

    from zongjie.analysis.compare import indicator_facts
    from zongjie.cli import cli

    folder = make_reposts(tmp_path / "batch")
    db = tmp_path / "z.db"
    with Store(db) as store:
        ingest([folder], store, entities=False)
        copies = {r[0] for r in store.db.execute("SELECT id FROM documents WHERE duplicate_of IS NOT NULL")}
        canonical = store.db.execute("SELECT DISTINCT duplicate_of FROM documents WHERE duplicate_of IS NOT NULL")
        [(canonical,)] = canonical.fetchall()
        counted = {f.document_id for f in indicator_facts(store)}
    assert len(copies) == 2 and not copies & counted and canonical in counted

    runner = CliRunner()
    table = runner.invoke(cli, ["duplicates", "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert "group 1: 3 documents" in table.output and "c-rewrite.txt" in table.output
    import json

    data = json.loads(runner.invoke(cli, ["duplicates", "--db", str(db), "--format", "json"]).output)
    [group] = data["groups"]
    assert group["canonical"]["id"] == canonical and {c["id"] for c in group["copies"]} == copies
    rows = runner.invoke(cli, ["duplicates", "--db", str(db), "--format", "csv"]).output.splitlines()
    assert rows[0].startswith("group,role,document_id") and len(rows) == 4


def test_a_later_repost_joins_its_group_and_a_changed_canonical_frees_its_copies(tmp_path):
    from zongjie.analysis.duplicates import duplicate_groups

    folder = make_reposts(tmp_path / "batch")
    later = tmp_path / "later"
    later.mkdir()
    (folder / "c-rewrite.txt").rename(later / "c-rewrite.txt")
    db = tmp_path / "z.db"
    with Store(db) as store:
        first = ingest([folder], store, entities=False)
        second = ingest([folder, later], store, entities=False)
        [group] = duplicate_groups(store)
        assert (first.duplicates, second.duplicates, len(group.copies)) == (1, 1, 2)
        # the canonical file is replaced by something else: its copies are checked again
        (folder / "a-original.txt").write_text("2019年某县林业工作总结\n" + "全年植树造林1.2万亩。" * 3, encoding="utf-8")
        ingest([folder, later], store, entities=False)
        [group] = duplicate_groups(store)
    # neither has a publication date: the longer one is canonical
    assert Path(group.canonical["source"]).name == "c-rewrite.txt"
    assert [Path(c["source"]).name for c in group.copies] == ["b-repost.html"]


# --- huge text files -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-16"])
def test_a_text_file_over_the_part_size_becomes_bounded_documents(tmp_path, monkeypatch, encoding):
    """What a 50 MB file gets with 8 MB parts, shown on a 0.4 MB file with 64 KB parts (fast)."""
    import zongjie.corpus.text as text_module

    monkeypatch.setattr(text_module, "PART_BYTES", 64 * 1024)
    lines = [f"第{k}段：全市新建村卫生室{k % 50 + 3}个，投入资金{k % 9 + 1}.5亿元，同比增长{k % 7 + 1}.2%。"
             for k in range(5000)]
    folder = tmp_path / "batch"
    folder.mkdir()
    data = "\n".join(["2024年某市政府公报汇编", *lines]).encode(encoding)
    (folder / "公报.txt").write_bytes(data)
    with Store(tmp_path / "z.db") as store:
        report = ingest([folder], store, entities=False)
        docs = list(store.documents(with_text=True))
    assert not report.errors
    assert [d["member"] for d in docs] == [f"part-{k:03d}" for k in range(1, len(docs) + 1)]
    assert len(docs) >= len(data) // (64 * 1024)
    assert all(len(d["raw_text"].encode(encoding)) <= 64 * 1024 + 4 for d in docs)
    # nothing lost at the cuts: every line is in exactly one part
    joined = "\n".join(d["raw_text"] for d in docs)
    assert all(joined.count(line) == 1 for line in (lines[0], lines[1234], lines[-1]))
    assert sum(d["raw_text"].count("段：") for d in docs) == len(lines)


def test_a_line_longer_than_a_part_is_refused_after_the_parts_before_it(tmp_path, monkeypatch):
    import zongjie.corpus.text as text_module

    monkeypatch.setattr(text_module, "PART_BYTES", 64 * 1024)
    folder = tmp_path / "batch"
    folder.mkdir()
    good = "\n".join(f"第{k}段：全市新建村卫生室{k}个。" for k in range(4000))
    (folder / "a.txt").write_text(good + "\n" + "各位代表，" * 30000 + "\n结束。", encoding="utf-8")
    with Store(tmp_path / "z.db") as store:
        report = ingest([folder], store, entities=False)
        errors = store.errors()
    assert report.documents >= 1 and report.errors == {"too_large": 1}
    assert "a line of over" in errors[0]["message"]


def test_duplicates_update_signs_and_checks_a_store_made_without_them(tmp_path):
    from click.testing import CliRunner

    from zongjie.cli import cli

    folder = make_reposts(tmp_path / "batch")
    db = tmp_path / "z.db"
    with Store(db) as store:
        report = ingest([folder], store, entities=False, duplicates=False)
        with store.write() as conn:
            conn.execute("DELETE FROM document_signatures")  # as in a store from before migration 6
            conn.execute("DELETE FROM document_lsh")
    assert report.duplicates == 0
    runner = CliRunner()
    assert "no near-duplicates" in runner.invoke(cli, ["duplicates", "--db", str(db)]).output
    updated = runner.invoke(cli, ["duplicates", "--db", str(db), "--update"])
    assert updated.exit_code == 0, updated.output
    assert "group 1: 3 documents" in updated.output


def test_workers_that_cannot_start_stop_the_run_with_a_clear_error(tmp_path):
    """A script that starts workers without the __main__ guard: each worker dies importing it."""
    script = tmp_path / "no_guard.py"
    script.write_text(
        "from zongjie.ingest import ingest\n"
        "from zongjie.schema.store import Store\n"
        f"with Store({str(tmp_path / 'z.db')!r}) as store:\n"
        f"    ingest([{str(DATA / 'web-forum-summary-2011.txt')!r}], store, entities=False, workers=2)\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).parents[1])
    assert done.returncode != 0
    assert "died before they started" in done.stderr and "__main__" in done.stderr, done.stderr[-2000:]


def test_overlapping_texts_do_not_chain_into_one_group(tmp_path):
    """A like B and B like C, but C unlike A: C is no copy of A's group, and no group spans years."""
    from zongjie.analysis.duplicates import duplicate_groups, jaccard, shingle_hashes

    content = json.loads((DATA / "national-gwr-slice.jsonl").read_text("utf-8").splitlines()[0])["content"]
    sentences = [s + "。" for s in content.replace("\n", "").split("。") if len(s) > 25][:40]
    assert len(sentences) == 40
    folder = tmp_path / "batch"
    folder.mkdir()
    texts = {"a": sentences[0:20], "b": sentences[6:26], "c": sentences[12:32]}
    for name, part in texts.items():
        (folder / f"{name}.txt").write_text("2019年某县工作总结\n" + "\n".join(part), encoding="utf-8")
    # the same run as c, undated, then dated another year: no bridge between years
    (folder / "d.txt").write_text("某县工作总结\n" + "\n".join(sentences[13:33]), encoding="utf-8")
    (folder / "e.txt").write_text("2021年某县工作总结\n" + "\n".join(sentences[14:34]), encoding="utf-8")
    similarity = {k: shingle_hashes("".join(v)) for k, v in texts.items()}
    assert jaccard(similarity["a"], similarity["b"]) >= 0.5 and jaccard(similarity["b"], similarity["c"]) >= 0.5
    assert jaccard(similarity["a"], similarity["c"]) < 0.5
    with Store(tmp_path / "z.db") as store:
        ingest([folder], store, entities=False, workers=0)
        groups = duplicate_groups(store)
        years = dict(store.db.execute("SELECT id, year FROM documents"))
    for group in groups:
        names = {Path(group.canonical["source"]).stem} | {Path(c["source"]).stem for c in group.copies}
        assert not {"a", "c"} <= names, names
        assert all(c["similarity"] >= 0.5 for c in group.copies)
        dated = {years[group.canonical["id"]]} | {years[c["id"]] for c in group.copies}
        assert len(dated - {None}) <= 1, names
    grouped = [{Path(group.canonical["source"]).stem} | {Path(c["source"]).stem for c in group.copies}
               for group in groups]
    assert {"a", "b"} in grouped or any({"a", "b"} <= g for g in grouped)
