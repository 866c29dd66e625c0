"""``zongjie export`` on a real store built from tests/data: 河北's 2025 report (.docx), its 2026
report (CSV row), a web copy of a health summary and one file that cannot be read.

Each format is read back with the library people will use on it: csv, json,
openpyxl for the workbook, pyarrow for parquet.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from zongjie.cli import cli
from zongjie.schema.store import Store

DATA = Path(__file__).parent / "data"
FACT_TABLES = ("indicators", "quantities", "times", "commitments", "entities")
DOC_COLUMNS = ("doc_title", "doc_entity", "doc_year", "doc_period", "doc_type", "doc_source", "sentence")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    for name in ("provincial-2025-word.docx", "provincial-2026-hebei.csv", "web-summary-with-furniture.txt"):
        shutil.copy(DATA / name, folder / name)
    (folder / "坏文件.txt").write_bytes(bytes(range(256)) * 40)
    path = tmp_path_factory.mktemp("export-store") / "store.db"
    # the real command: its last step saves the audits and canonical names of the store
    result = _run("ingest", folder, "--db", path, "--quiet", "--no-entities")
    assert result.exit_code == 0, result.output
    return path


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _facts(db, table):
    with Store(db, readonly=True) as store:
        return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_csv_one_file_per_table_with_document_metadata(db, tmp_path):
    out = tmp_path / "导出"
    result = _run("export", "--db", db, "--format", "csv", "-o", out)
    assert result.exit_code == 0, result.output
    assert {p.stem for p in out.iterdir()} >= {"documents", *FACT_TABLES, "audits", "ingest_errors"}
    with open(out / "indicators.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == _facts(db, "indicators") > 0
    assert set(DOC_COLUMNS) | {"name", "value", "unit", "kind", "start", "end", "rule", "canonical"} <= set(rows[0])
    hebei = [r for r in rows if r["doc_entity"] == "河北省"]
    assert {r["doc_year"] for r in hebei} == {"2025", "2026"}
    # the quote is the sentence the fact sits in, and the fact's text is in it
    for r in hebei[:50]:
        assert r["text"] in r["sentence"]
    gdp = [r for r in hebei if r["canonical"] == "GDP增长" and r["doc_year"] == "2025" and r["kind"] == "target"]
    assert gdp and gdp[0]["unit"] == "%"
    with open(out / "ingest_errors.csv", encoding="utf-8-sig", newline="") as f:
        errors = list(csv.DictReader(f))
    assert [Path(e["path"]).name for e in errors] == ["坏文件.txt"]


def test_ingest_saves_audits_that_export_with_both_documents(db, tmp_path):
    with Store(db, readonly=True) as store:
        statuses = dict(store.db.execute("SELECT status, count(*) FROM audits GROUP BY status").fetchall())
        canonical = store.db.execute("SELECT count(*) FROM indicator_canonical").fetchone()[0]
        named = store.db.execute("SELECT count(*) FROM indicators WHERE trim(name) != ''").fetchone()[0]
    assert canonical == named > 0  # every named indicator fact
    assert sum(statuses.values()) > 0 and set(statuses) <= {"met", "not_met", "partly", "no_evidence"}
    out = tmp_path / "csv"
    assert _run("export", "--db", db, "--format", "csv", "-o", out).exit_code == 0
    with open(out / "audits.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == sum(statuses.values())
    # 河北 2025 地区生产总值增长5.5%左右 against the 2026 report
    gdp = [r for r in rows if (r["entity"], r["indicator"], r["period"]) == ("河北省", "GDP增长", "2025")]
    assert len(gdp) == 1
    (row,) = gdp
    assert row["target_doc_title"] == "2025年河北省政府工作报告" and row["target_doc_year"] == "2025"
    if row["status"] != "no_evidence":
        assert row["result_doc_year"] == "2026" and row["result_quote"]


def test_jsonl(db, tmp_path):
    out = tmp_path / "jsonl"
    assert _run("export", "--db", db, "--format", "jsonl", "-o", out).exit_code == 0
    lines = (out / "commitments.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == _facts(db, "commitments") > 0
    row = json.loads(lines[0])
    assert set(DOC_COLUMNS) <= set(row) and row["doc_title"]
    docs = [json.loads(line) for line in (out / "documents.jsonl").read_text("utf-8").splitlines()]
    assert len(docs) == _facts(db, "documents")
    assert "text" not in docs[0] and "raw_text" not in docs[0]  # metadata, not the long columns


def test_xlsx_one_sheet_per_table_frozen_header_widths(db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "数据.xlsx"
    assert _run("export", "--db", db, "--format", "xlsx", "-o", out).exit_code == 0
    wb = load_workbook(out, read_only=False)
    assert {"documents", *FACT_TABLES, "ingest_errors"} <= set(wb.sheetnames)
    ws = wb["indicators"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert ws[1][0].font.bold
    assert {"name", "value", "doc_title", "sentence"} <= set(header)
    assert ws.max_row - 1 == _facts(db, "indicators")
    widths = {header[i]: ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width
              for i in range(len(header))}
    # a sentence column is wide (capped), an id column narrow
    assert widths["sentence"] == 60 and widths["id"] < 15
    value = header.index("value")
    assert any(isinstance(row[value], float) for row in ws.iter_rows(min_row=2, max_row=50, values_only=True))


def test_parquet_reads_back_with_types(db, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet", reason="parquet export needs the parquet extra")
    out = tmp_path / "parquet"
    assert _run("export", "--db", db, "--format", "parquet", "-o", out).exit_code == 0
    table = pq.read_table(out / "indicators.parquet")
    assert table.num_rows == _facts(db, "indicators")
    assert str(table.schema.field("value").type) == "double"
    assert str(table.schema.field("start").type) == "int64"
    assert str(table.schema.field("doc_year").type) == "int64"
    names = table.column("doc_entity").to_pylist()
    assert "河北省" in names
    # an empty table still has its columns
    entities = pq.read_table(out / "entities.parquet")
    assert entities.num_rows == 0 and "doc_title" in entities.schema.names


def test_export_streams_in_batches(db, tmp_path, monkeypatch):
    """A batch smaller than the table: every row still comes out, once."""
    from zongjie.analysis import dataset

    monkeypatch.setattr(dataset, "BATCH", 7)
    out = tmp_path / "small-batches"
    with Store(db, readonly=True) as store:
        counts = dataset.export(store, "jsonl", out)
    ids = [json.loads(line)["id"] for line in (out / "quantities.jsonl").read_text("utf-8").splitlines()]
    assert len(ids) == counts["quantities"] == len(set(ids)) == _facts(db, "quantities") > 7


def test_export_without_a_store(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.db"), "--format", "csv"])
    assert result.exit_code != 0 and "zongjie ingest" in result.output


def test_an_ingest_that_adds_nothing_keeps_the_saved_audits(db):
    def stamp():
        with Store(db, readonly=True) as store:
            return store.db.execute("SELECT count(*), max(audited_at), max(id) FROM audits").fetchone()

    before = stamp()
    with Store(db, readonly=True) as store:
        sources = [r[0] for r in store.db.execute("SELECT DISTINCT path FROM files WHERE status = 'ok'")]
    result = _run("ingest", *sources, "--db", db, "--quiet", "--no-entities")
    assert result.exit_code == 0 and "unchanged" in result.output
    assert stamp() == before  # not rewritten: same rows, same ids
