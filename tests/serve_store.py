"""A small store for the ``zongjie serve`` tests, made by the real ``zongjie ingest``.

Three real sample files (a provincial report as .docx, a slice of the national
report as JSONL, a health-bureau summary) and a summary whose title and text
hold ``<script>`` tags, to show that document text is escaped everywhere.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from zongjie.cli import cli

DATA = Path(__file__).parent / "data"
SAMPLES = ("provincial-2025-word.docx", "national-gwr-slice.jsonl", "web-summary-with-furniture.txt")
SCRIPT_TITLE = "2025年测试县医疗保障局工作总结<script>alert(1)</script>"
SCRIPT_SUMMARY = (
    f"{SCRIPT_TITLE}\n\n"
    "今年以来，我局深入推进医保基金监管<script>window.zjPwned=1</script>，参保率达到96%。\n\n"
    "一、主要工作\n全县家庭医生签约覆盖率达到65%，医保报销比例提高到70%。\n\n"
    "二、下半年工作打算\n力争年底前医保基金监管覆盖率达到100%。\n"
)


def build_store(folder: Path) -> Path:
    """Ingest the samples and the ``<script>`` summary into ``folder / "store.db"``."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "script-summary.txt"
    script.write_text(SCRIPT_SUMMARY, encoding="utf-8")
    db = folder / "store.db"
    result = CliRunner().invoke(
        cli, ["ingest", "-q", *(str(DATA / name) for name in SAMPLES), str(script), "--db", str(db)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return db
