"""The SQLite store: writes are whole documents, search finds words, the schema migrates."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zongjie.corpus.clean import clean_text
from zongjie.corpus.document import Document, Meta, Section, Sentence
from zongjie.corpus.structure import structure
from zongjie.errors import BadQuery, StoreBusy, StoreError
from zongjie.extract.facts import Commitment, Entity, Indicator, Quantity, TimeExpr
from zongjie.schema import migrations
from zongjie.schema.store import FileInfo, Store

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def make_document(text, *, source="报告.docx", member=None, year=2024, title=None, article=None):
    """A Document whose sentences end at 。！？； or a line break, under one section."""
    sentences = [
        Sentence(m.start(), m.end(), m.group(), section=0)
        for m in re.finditer(r"[^。！？；\n]+[。！？；]?", text)
        if m.group().strip()
    ]
    return Document(
        text=text,
        source=source,
        format="docx",
        member=member,
        article=article,
        meta=Meta(title=title or text[:10], year=year, doc_type="summary"),
        sections=[Section(0, len(text), None, 0, "review")],
        sentences=sentences,
        raw_text=text,
        raw_offsets=[(0, 0)],
        pages=[(0, len(text), 1)],
    )


def count(store, table):
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def fts_ok(store):
    """FTS5's own check that the index matches sentences.words (raises if not)."""
    store.db.execute("INSERT INTO sentences_fts (sentences_fts) VALUES ('integrity-check')")
    return True


SERVICE = "全面推行家庭医生式服务。"
SIGNING = "家庭医生签约覆盖率达到85%。"
DOCTORS = "新招聘医生签约上岗。"


# ---------------------------------------------------------------- adding documents
def test_add_then_read_back(fresh_db):
    doc = make_document(SERVICE + SIGNING, title="2024年卫生工作总结")
    assert fresh_db.add_document(doc) is True
    stored = fresh_db.document(doc.id)
    assert stored["text"] == doc.text
    assert stored["title"] == "2024年卫生工作总结"
    assert stored["year"] == 2024 and stored["year_masked"] is False
    assert stored["chars"] == len(doc.text)
    assert stored["pages"] == [(0, len(doc.text), 1)]
    assert [s["text"] for s in fresh_db.sentences(doc.id)] == [SERVICE, SIGNING]
    assert [s["page"] for s in fresh_db.sentences(doc.id)] == [1, 1]
    assert count(fresh_db, "sections") == 1
    assert fts_ok(fresh_db)


def test_re_adding_same_content_adds_nothing(fresh_db):
    doc = make_document(SERVICE + SIGNING)
    assert fresh_db.add_document(doc) is True
    assert fresh_db.add_document(make_document(SERVICE + SIGNING)) is False
    assert (count(fresh_db, "documents"), count(fresh_db, "sentences")) == (1, 2)


def test_same_text_from_another_file_is_stored_once(fresh_db):
    assert fresh_db.add_document(make_document(SERVICE, source="a.docx")) is True
    assert fresh_db.add_document(make_document(SERVICE, source="copy/a.docx")) is False
    assert [d["source"] for d in fresh_db.documents()] == ["a.docx"]


def test_changed_content_replaces_old_document(fresh_db):
    old = make_document("旧版本：" + DOCTORS, source="a.docx")
    new = make_document(SERVICE, source="a.docx")
    fresh_db.add_document(old)
    assert fresh_db.add_document(new) is True
    assert [d["id"] for d in fresh_db.documents()] == [new.id]
    assert count(fresh_db, "sentences") == 1
    assert fresh_db.search("招聘") == []  # no stale index rows
    assert fts_ok(fresh_db)


def test_other_documents_of_same_source_survive(fresh_db):
    # without file info a document is identified by source + member + article
    fresh_db.add_document(make_document(SERVICE, source="dump.jsonl", member="1"))
    fresh_db.add_document(make_document(SIGNING, source="dump.jsonl", member="2"))
    fresh_db.add_document(make_document(DOCTORS, source="page.html", article="第1篇"))
    fresh_db.add_document(make_document(SERVICE + DOCTORS, source="page.html", article="第2篇"))
    assert count(fresh_db, "documents") == 4


def test_changed_file_with_several_articles_replaces_them_all(fresh_db):
    v1 = FileInfo("page.html", 100, 1.0, "a" * 64)
    v2 = FileInfo("page.html", 120, 2.0, "b" * 64)
    kept = make_document(SERVICE, source="page.html", article="第1篇")
    fresh_db.add_document(kept, file_info=v1)
    fresh_db.add_document(make_document(SIGNING, source="page.html", article="第2篇"), file_info=v1)
    # the new version: article 1 unchanged, article 2 rewritten
    assert fresh_db.add_document(kept, file_info=v2) is False
    changed = make_document(DOCTORS, source="page.html", article="第2篇")
    assert fresh_db.add_document(changed, file_info=v2) is True
    docs = list(fresh_db.documents())
    assert {d["id"] for d in docs} == {kept.id, changed.id}
    assert {d["source_hash"] for d in docs} == {"b" * 64}
    assert fts_ok(fresh_db)


def test_prune_drops_members_gone_from_new_version(fresh_db):
    v1 = FileInfo("archive.zip", 100, 1.0, "a" * 64)
    v2 = FileInfo("archive.zip", 90, 2.0, "b" * 64)
    fresh_db.add_document(make_document(SERVICE, source="archive.zip", member="1.docx"), file_info=v1)
    fresh_db.add_document(make_document(SIGNING, source="archive.zip", member="2.docx"), file_info=v1)
    # version 2 of the archive holds only 1.docx, unchanged
    fresh_db.add_document(make_document(SERVICE, source="archive.zip", member="1.docx"), file_info=v2)
    assert fresh_db.prune_file(v2) == 1
    assert [d["member"] for d in fresh_db.documents()] == ["1.docx"]
    fresh_db.record_file(v2, documents=1)
    assert fresh_db.forget_file("archive.zip") == 1
    assert count(fresh_db, "documents") == 0 and count(fresh_db, "files") == 0
    assert fts_ok(fresh_db)


# ---------------------------------------------------------------- facts
def test_facts_are_stored_with_their_sentences(fresh_db):
    doc = make_document(SERVICE + SIGNING)
    s2 = len(SERVICE)
    facts = {
        "quantities": [Quantity(s2 + 11, s2 + 14, "85%", 0.85, "%", "quantity.percent.v1")],
        "times": [TimeExpr(0, 2, "全面", "2024-01-01", "2024-12-31", "time.test.v1", kind="period")],
        "indicators": [
            Indicator(
                s2,
                s2 + 14,
                "家庭医生签约覆盖率",
                0.85,
                "%",
                "actual",
                "indicator.v1",
                name_start=s2,
                name_end=s2 + 9,
                sentence=1,
            ),
        ],
        "commitments": [
            Commitment(
                0,
                len(SERVICE),
                SERVICE,
                "commitment.v1",
                measurable=False,
                strength="hard",
                target={"name": "家庭医生式服务", "value": None, "unit": None},
            )
        ],
        "entities": [Entity(4, 11, "家庭医生式服务", "CAMPAIGN", "model:ner@0.1.0", norm="家庭医生服务")],
    }
    assert fresh_db.add_document(doc, facts)
    ids = {s["idx"]: s["id"] for s in fresh_db.sentences(doc.id)}
    q = next(fresh_db.db["quantities"].rows)
    assert (q["value"], q["unit"], q["sentence_id"], q["rule"]) == (0.85, "%", ids[1], "quantity.percent.v1")
    ind = next(fresh_db.db["indicators"].rows)
    assert (ind["name"], ind["kind"], ind["text"], ind["sentence_id"]) == (
        "家庭医生签约覆盖率",
        "actual",
        "家庭医生签约覆盖率达到85%",
        ids[1],
    )
    t = next(fresh_db.db["times"].rows)
    assert (t["date_from"], t["date_to"], t["kind"], t["sentence_id"]) == (
        "2024-01-01",
        "2024-12-31",
        "period",
        ids[0],
    )
    c = next(fresh_db.db["commitments"].rows)
    assert (c["target_name"], c["strength"], c["measurable"]) == ("家庭医生式服务", "hard", 0)
    e = next(fresh_db.db["entities"].rows)
    assert (e["label"], e["norm"], e["extra"]) == ("CAMPAIGN", "家庭医生服务", "{}")


def test_fact_outside_every_sentence_has_no_sentence(fresh_db):
    doc = make_document("标题\n" + SERVICE)
    doc.sentences = doc.sentences[1:]  # the title line is not a sentence
    fresh_db.add_document(doc, {"entities": [Entity(0, 2, "标题", "DOC", "test.v1")]})
    assert next(fresh_db.db["entities"].rows)["sentence_id"] is None


# ---------------------------------------------------------------- atomicity
@pytest.mark.parametrize(
    "bad_fact",
    [
        pytest.param(Indicator(0, 4, "覆盖率", "很多", "%", "actual", "test.v1"), id="text-as-value"),
        pytest.param(Indicator(0, 4, "覆盖率", 0.5, "%", "wish", "test.v1"), id="unknown-kind"),
    ],
)
def test_failed_fact_leaves_no_partial_document(fresh_db, bad_fact):
    doc = make_document(SERVICE + SIGNING)
    good = Quantity(len(SERVICE) + 11, len(SERVICE) + 14, "85%", 0.85, "%", "test.v1")
    # quantities are written before indicators: the failure comes midway
    with pytest.raises(StoreError):
        fresh_db.add_document(doc, {"quantities": [good], "indicators": [bad_fact]})
    for table in ("documents", "sections", "sentences", "quantities", "indicators"):
        assert count(fresh_db, table) == 0, table
    assert fresh_db.search("家庭医生") == []
    assert fts_ok(fresh_db)
    assert fresh_db.add_document(doc, {"quantities": [good]}) is True


def test_failed_write_of_replacement_keeps_old_document(fresh_db):
    old = make_document(DOCTORS, source="a.docx")
    fresh_db.add_document(old)
    bad = {"indicators": [Indicator(0, 4, "覆盖率", "很多", "%", "actual", "test.v1")]}
    with pytest.raises(StoreError):
        fresh_db.add_document(make_document(SERVICE, source="a.docx"), bad)
    assert [d["id"] for d in fresh_db.documents()] == [old.id]


def test_killed_process_leaves_no_partial_document(tmp_path):
    db = tmp_path / "killed.db"
    Store(db).close()
    script = textwrap.dedent(f"""
        import os
        from zongjie.corpus.document import Document, Sentence
        from zongjie.schema.store import Store
        original = Store._insert
        def insert_then_die(self, *args):
            original(self, *args)  # everything written, nothing committed
            os._exit(9)
        Store._insert = insert_then_die
        text = {SERVICE!r}
        doc = Document(text=text, source="a.txt", format="txt", sentences=[Sentence(0, len(text), text)])
        Store({str(db)!r}).add_document(doc)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, timeout=120)
    assert proc.returncode == 9, proc.stderr.decode()
    with Store(db) as store:
        assert count(store, "documents") == 0 and count(store, "sentences") == 0
        assert fts_ok(store)


@pytest.mark.parametrize(
    "breakage, message",
    [
        pytest.param(
            lambda d: setattr(d.sentences[0], "end", 999), "outside its text", id="sentence-past-end"
        ),
        pytest.param(
            lambda d: setattr(d.sentences[0], "text", "别的"), "is not the document text", id="sentence-text"
        ),
        pytest.param(
            lambda d: setattr(d.sections[0], "start", -1), "outside its text", id="section-negative"
        ),
    ],
)
def test_bad_offsets_are_refused(fresh_db, breakage, message):
    doc = make_document(SERVICE + SIGNING)
    breakage(doc)
    with pytest.raises(StoreError, match=message):
        fresh_db.add_document(doc)
    assert count(fresh_db, "documents") == 0


def test_fact_offsets_are_checked(fresh_db):
    doc = make_document(SERVICE)
    with pytest.raises(StoreError, match=r"quantities\[0\].*outside"):
        fresh_db.add_document(doc, {"quantities": [Quantity(5, 500, "x", 1.0, None, "test.v1")]})
    with pytest.raises(StoreError, match="unknown kinds of facts"):
        fresh_db.add_document(doc, {"numbers": []})


# ---------------------------------------------------------------- search
@pytest.fixture
def health_db(fresh_db):
    fresh_db.add_document(make_document(SERVICE + DOCTORS, source="a.docx", year=2023, title="甲"))
    fresh_db.add_document(make_document(SIGNING, source="b.docx", year=2024, title="乙"))
    return fresh_db


def test_search_finds_word_inside_longer_words(health_db):
    hits = health_db.search("家庭医生")
    assert sorted(h.text for h in hits) == sorted([SERVICE, SIGNING])


def test_search_does_not_match_across_word_boundaries(health_db):
    # 生签 is a run of characters in 医生签约, not a word of it
    assert health_db.search("生签") == []


def test_search_a_word_then_a_long_word(health_db):
    """A long word becomes a bracketed OR group; beside another word it must still be valid FTS5."""
    hits = health_db.search("达到 家庭医生签约覆盖率")
    assert [h.text for h in hits] == [SIGNING]


def test_search_marks_words_in_original_text(health_db):
    (hit,) = health_db.search("家庭医生", year=2023)
    assert hit.snippet == "全面推行[家庭医生]式服务。"
    assert hit.title == "甲" and hit.source == "a.docx"
    text = health_db.document(hit.document_id)["text"]
    assert text[hit.start : hit.end] == hit.text
    assert [text[a:b] for a, b in hit.highlights] == ["家庭医生"]


def test_search_marks_are_configurable_and_all_words_marked(health_db):
    (hit,) = health_db.search("家庭医生 覆盖率", marks=("<b>", "</b>"))
    assert hit.snippet == "<b>家庭医生</b>签约<b>覆盖率</b>达到85%。"


def test_search_year_filter(health_db):
    assert [h.year for h in health_db.search("家庭医生", year=2024)] == [2024]
    assert health_db.search("家庭医生", year=2019) == []


def test_search_ranks_more_mentions_first(fresh_db):
    fresh_db.add_document(make_document("卫生院改造完成，群众就医环境改善，家庭医生队伍扩大。", source="a"))
    fresh_db.add_document(make_document("家庭医生上门，家庭医生随访，家庭医生建档。", source="b"))
    hits = fresh_db.search("家庭医生")
    assert [h.text[:4] for h in hits] == ["家庭医生", "卫生院改"]
    assert hits[0].rank < hits[1].rank


def test_search_limit(fresh_db):
    fresh_db.add_document(make_document("".join(f"第{i}项家庭医生工作。" for i in range(10))))
    assert len(fresh_db.search("家庭医生", limit=3)) == 3


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('"家庭医生"', id="quoted-phrase"),
        pytest.param('家庭医生"', id="trailing-quote"),
        pytest.param("家庭*", id="star"),
        pytest.param("家庭医生 AND", id="and"),
        pytest.param("OR 家庭医生", id="or"),
        pytest.param("NOT 家庭医生", id="not"),
        pytest.param("NEAR(家庭医生 签约)", id="near"),
        pytest.param("(家庭医生", id="open-paren"),
        pytest.param("words:家庭医生", id="column-filter"),
        pytest.param("{words}: 家庭医生", id="column-set"),
        pytest.param("^家庭医生", id="caret"),
        pytest.param("-家庭医生 +签约", id="plus-minus"),
        pytest.param("家庭医生'); DROP TABLE documents; --", id="sql-injection"),
    ],
)
def test_special_characters_never_crash(health_db, query):
    hits = health_db.search(query)
    assert isinstance(hits, list)
    assert count(health_db, "documents") == 2


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("", id="empty"),
        pytest.param("   \n", id="blank"),
        pytest.param("。！？", id="punctuation"),
        pytest.param('"', id="quote"),
        pytest.param('"*()', id="fts-syntax-only"),
    ],
)
def test_query_without_words_is_refused_clearly(health_db, query):
    with pytest.raises(BadQuery, match="no words"):
        health_db.search(query)
    with pytest.raises(ValueError):  # BadQuery is also a ValueError
        health_db.search(query)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.text(
        alphabet=st.sampled_from(list('家庭医生签约服务 "*()^:-+{}ANDORNEAR。,，0123456789%.')), max_size=30
    )
)
def test_search_never_crashes(health_db, query):
    try:
        hits = health_db.search(query)
    except BadQuery:
        return
    for hit in hits:
        assert hit.snippet.replace("[", "").replace("]", "") == hit.text


# ---------------------------------------------------------------- sqlite-utils and Datasette see a normal FTS table
def test_fts_table_is_what_sqlite_utils_makes(fresh_db, tmp_path):
    fresh_db.add_document(make_document(SERVICE + SIGNING))
    fresh_db.close()
    db = sqlite_utils.Database(tmp_path / "zongjie.db")
    assert db["sentences"].detect_fts() == "sentences_fts"
    before = db["sentences_fts"].schema
    db["sentences"].enable_fts(["words"], tokenize="unicode61", create_triggers=True, replace=True)
    assert db["sentences_fts"].schema == before  # nothing to change
    assert [r["text"] for r in db["sentences"].search("家庭医生")] == [SERVICE, SIGNING]


# ---------------------------------------------------------------- files and errors
def test_file_seen_after_record_file(fresh_db, tmp_path):
    path = tmp_path / "总结.txt"
    path.write_text(SERVICE, "utf-8")
    info = FileInfo.of(path)
    assert info.sha256 == hashlib.sha256(SERVICE.encode("utf-8")).hexdigest()
    assert not fresh_db.file_seen(str(path), info.size, info.mtime)
    fresh_db.record_file(info, documents=1)
    assert fresh_db.file_seen(str(path), info.size, info.mtime)
    assert not fresh_db.file_seen(str(path), info.size + 1, info.mtime)
    assert not fresh_db.file_seen(str(path), info.size, info.mtime + 1)
    fresh_db.record_file(info, status="error", reason="encrypted")
    assert not fresh_db.file_seen(str(path), info.size, info.mtime)  # failures are retried
    assert count(fresh_db, "files") == 1


def test_errors_are_logged_and_counted(fresh_db):
    fresh_db.record_error("a.docx", None, "read", "encrypted", "EncryptedFile", "需要密码")
    fresh_db.record_error("b.zip", "x/c.pdf", "read", "no_text_layer", "NoTextLayer", "扫描件")
    fresh_db.record_exception("d.docx", None, "extract", KeyError("x"))
    assert fresh_db.stats()["errors_by_reason"] == {"encrypted": 1, "no_text_layer": 1, "unexpected": 1}
    (err,) = fresh_db.errors(reason="no_text_layer")
    assert (err["path"], err["member"], err["stage"], err["error_class"]) == (
        "b.zip",
        "x/c.pdf",
        "read",
        "NoTextLayer",
    )
    assert err["at"].endswith("+00:00")
    with pytest.raises(StoreError, match="unknown stage"):
        fresh_db.record_error("a", None, "parse", "x")


def test_stats_counts_every_table(health_db):
    stats = health_db.stats()
    assert stats["schema_version"] == migrations.latest_version()
    assert stats["tables"]["documents"] == 2 and stats["tables"]["sentences"] == 3
    assert set(stats["tables"]) >= {"documents", "sentences", "quantities", "files", "ingest_errors"}


def test_documents_filters(health_db):
    assert [d["title"] for d in health_db.documents(year=2024)] == ["乙"]
    assert "text" not in next(health_db.documents())
    assert next(health_db.documents(source="a.docx", with_text=True))["text"] == SERVICE + DOCTORS


# ---------------------------------------------------------------- read-only
def test_readonly_refuses_writes_but_searches(tmp_path):
    path = tmp_path / "zongjie.db"
    with Store(path) as store:
        store.add_document(make_document(SERVICE))
    with Store(path, readonly=True) as ro:
        assert len(ro.search("家庭医生")) == 1
        with pytest.raises(StoreError, match="read-only"):
            ro.add_document(make_document(SIGNING))
        with pytest.raises(StoreError, match="read-only"):
            ro.record_error("a", None, "read", "x")
        with pytest.raises(StoreError, match="read-only"):
            ro.record_file(FileInfo("a", 1, 1.0))
        with pytest.raises(sqlite3.OperationalError):  # even raw SQL cannot write
            ro.db.conn.execute("DELETE FROM documents")
    with Store(path) as store:
        assert count(store, "documents") == 1


def test_readonly_needs_an_existing_store(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "missing.db", readonly=True)
    assert not (tmp_path / "missing.db").exists()


# ---------------------------------------------------------------- migrations
def test_new_file_is_migrated_from_version_0(tmp_path):
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty SQLite file: user_version 0
    with Store(path) as store:
        assert store.schema_version == migrations.latest_version()
        logged = [r[0] for r in store.db.execute("SELECT version FROM migrations ORDER BY version")]
        assert logged == list(range(1, migrations.latest_version() + 1))


def test_old_store_is_upgraded_keeping_its_data(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    migrations.migrate(conn, str(path), target=1)
    assert migrations.schema_version(conn) == 1
    conn.execute(
        "INSERT INTO documents (id, source, format, text, raw_text, chars, ingested_at) "
        "VALUES ('d1', 'a.txt', 'txt', '文本', '文本', 2, '2024-01-01T00:00:00+00:00')"
    )
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version == migrations.latest_version()
        assert [d["id"] for d in store.documents()] == ["d1"]
        assert count(store, "ingest_errors") == 0


def test_readonly_open_of_old_store_asks_for_upgrade(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    migrations.migrate(conn, str(path), target=1)
    conn.close()
    with pytest.raises(StoreError, match="open it once for writing"):
        Store(path, readonly=True)


def test_newer_store_is_refused(tmp_path):
    path = tmp_path / "future.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer zongjie"):
            Store(path, readonly=readonly)


def test_failed_migration_leaves_store_untouched(tmp_path, monkeypatch):
    path = tmp_path / "broken.db"

    def broken(conn):
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("migration failed")

    monkeypatch.setitem(migrations._MIGRATIONS, 3, broken)
    with pytest.raises(RuntimeError):
        Store(path)
    conn = sqlite3.connect(path)
    assert migrations.schema_version(conn) == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize(
    "setup, message",
    [
        pytest.param(
            lambda p: p.write_bytes(b"PK\x03\x04 not sqlite" * 100), "not a SQLite database", id="zip"
        ),
        pytest.param(
            lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.commit(),
            "not a zongjie store",
            id="other-sqlite",
        ),
    ],
)
def test_foreign_files_are_refused(tmp_path, setup, message):
    path = tmp_path / "foreign.db"
    setup(path)
    with pytest.raises(StoreError, match=message):
        Store(path)


# ---------------------------------------------------------------- two processes
HOLD_LOCK = """
import sys
from zongjie.schema.store import Store
with Store(sys.argv[1]) as store, store.writer_lock():
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_second_writer_is_refused_while_lock_is_held(tmp_path):
    path = tmp_path / "zongjie.db"
    Store(path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout.readline() == b"locked\n"
        with Store(path) as store:
            with pytest.raises(StoreBusy, match=f"pid {holder.pid}"):
                with store.writer_lock():
                    pass
            holder.stdin.close()  # let the holder finish
            with store.writer_lock(wait=30):
                assert store.add_document(make_document(SERVICE))
    finally:
        holder.kill()
        holder.wait()


def test_writer_lock_is_reentrant_and_readonly_cannot_take_it(fresh_db, tmp_path):
    with fresh_db.writer_lock(), fresh_db.writer_lock():
        fresh_db.add_document(make_document(SERVICE))
    with Store(tmp_path / "zongjie.db", readonly=True) as ro, pytest.raises(StoreError, match="read-only"):
        with ro.writer_lock():
            pass


ADD_MANY = """
import sys
from zongjie.corpus.document import Document, Sentence
from zongjie.schema.store import Store
with Store(sys.argv[1]) as store:
    for i in range(15):
        text = f"{sys.argv[2]}第{i}条家庭医生签约服务。"
        doc = Document(text=text, source=f"{sys.argv[2]}{i}", format="txt", sentences=[Sentence(0, len(text), text)])
        store.add_document(doc)
"""


def test_replacing_after_another_connection_changed_the_schema(tmp_path):
    # SQLite 3.40 + foreign keys: a DELETE on documents right after another
    # connection's ANALYZE failed with "no such table: documents"
    path = tmp_path / "zongjie.db"
    with Store(path) as a:
        a.add_document(make_document(DOCTORS, source="a.docx"))
        with Store(path) as b:
            b.db.execute("ANALYZE")
        assert a.add_document(make_document(SERVICE, source="a.docx")) is True
        assert count(a, "documents") == 1


def test_concurrent_writers_are_serialized(tmp_path):
    path = tmp_path / "zongjie.db"
    Store(path).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", ADD_MANY, str(path), name], cwd=ROOT) for name in ("甲", "乙")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Store(path) as store:
        assert count(store, "documents") == 30 and count(store, "sentences") == 30
        assert len(store.search("签约", limit=100)) == 30
        assert fts_ok(store)


# ---------------------------------------------------------------- a real cleaned page
def test_cleaned_web_page_round_trip(fresh_db):
    name = "web-page-seven-articles.txt"
    docs = [structure(d) for d in clean_text((DATA / name).read_text("utf-8"), source=name)]
    assert all(fresh_db.add_document(d) for d in docs)
    assert count(fresh_db, "documents") == len(docs)
    for hit in fresh_db.search("卫生", limit=50):
        text = fresh_db.document(hit.document_id)["text"]
        assert text[hit.start : hit.end] == hit.text
        assert all(text[a:b] == "卫生" for a, b in hit.highlights)
    assert fts_ok(fresh_db)


# ---------------------------------------------------------------- docs
def test_every_table_and_column_is_documented(fresh_db):
    doc = (ROOT / "docs" / "schema.md").read_text("utf-8")
    parts = dict(re.findall(r"^##+ (\w+)[^\n]*\n(.*?)(?=^##+ |\Z)", doc, re.M | re.S))
    tables = [t for t in fresh_db.db.table_names() if not t.startswith(("sqlite_", "sentences_fts"))]
    for table in tables:
        assert table in parts, f"docs/schema.md has no section for {table}"
        text = parts[table] + (
            parts["Facts"]
            if table in ("quantities", "times", "indicators", "commitments", "entities")
            else ""
        )
        for column in fresh_db.db[table].columns_dict:
            assert f"`{column}`" in text, f"{table}.{column} is not documented"
    assert "sentences_fts" in parts
