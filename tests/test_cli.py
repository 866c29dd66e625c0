"""The command line, through click's runner, on real fixture files and a real SQLite file."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from zongjie.cli import cli

DATA = Path(__file__).parent / "data"
README = Path(__file__).parents[1] / "README.md"


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_every_command_has_help_with_a_chinese_example_and_is_in_the_readme(runner):
    readme = README.read_text("utf-8")
    for name in cli.commands:
        result = run(runner, name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output and re.search(r"[\u4e00-\u9fff]", result.output), name
        assert f"zongjie {name}" in readme, f"README does not show `zongjie {name}`"


def test_ingest_then_search(runner, tmp_path):
    db = tmp_path / "t.db"
    result = run(runner, "ingest", DATA / "web-summary-with-furniture.txt", DATA / "web-page-seven-articles.txt",
                 "--db", db, "--quiet", "--no-entities")
    assert result.exit_code == 0, result.output
    assert "documents: 8 read, 8 new" in result.output
    assert "errors: 0" in result.output
    # unchanged files are skipped on the next run
    again = run(runner, "ingest", DATA / "web-summary-with-furniture.txt", "--db", db, "--quiet", "--no-entities")
    assert "1 unchanged, skipped" in again.output and again.exit_code == 0
    hits = run(runner, "search", "家庭医生", "--db", db, "--json")
    rows = [json.loads(line) for line in hits.output.splitlines()]
    assert rows and all("家庭医生" in r["text"] for r in rows)
    assert any("家庭医生式服务" in r["text"] for r in rows)


def test_ingest_of_nothing_readable_fails_with_a_reason(runner, tmp_path):
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 40)
    result = runner.invoke(cli, ["ingest", str(junk), "--db", str(tmp_path / "t.db"), "-q"])
    assert result.exit_code != 0
    assert "unsupported_format" in result.output
    assert "nothing could be ingested" in result.output


def test_search_without_a_store_says_what_to_do(runner, tmp_path):
    result = runner.invoke(cli, ["search", "医改", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0 and "zongjie ingest" in result.output


def test_text_json_has_offsets(runner):
    result = run(runner, "text", DATA / "web-summary-with-furniture.txt", "--json")
    (doc,) = json.loads(result.output)["documents"]
    assert doc["meta"]["title"] == "全区卫生服务工作总结"
    for s in doc["sentences"][:50]:
        assert doc["text"][s["start"]:s["end"]].strip()
    assert {s["role"] for s in doc["sections"]} >= {"review", "plan"}


def test_extract_json_is_what_the_scorer_reads(runner):
    result = run(runner, "extract", DATA / "web-page-seven-articles.txt", "--format", "json", "--no-entities")
    docs = json.loads(result.output)["documents"]
    assert len(docs) == 7
    for d in docs:
        assert set(d) >= {"text", "meta", "indicators", "commitments", "times", "quantities", "entities", "sentences"}
        for t in d["times"]:
            assert {"start", "end", "from", "to", "masked"} <= set(t)
    masked = [i for d in docs for i in d["indicators"] if i["masked"]]
    assert masked and all(i["value"] is None for i in masked)


def test_extract_table(runner):
    result = run(runner, "extract", DATA / "web-summary-with-furniture.txt", "--no-entities")
    assert "indicators" in result.output and "建档率" in result.output


def test_terminal_output_strips_control_characters(runner, tmp_path):
    evil = tmp_path / "evil.txt"
    evil.write_text("2023年工作总结\n\x1b[31m今年建档率84%。\x1b]0;pwned\x07", "utf-8")
    result = run(runner, "text", evil)
    assert "\x1b" not in result.output and "\x07" not in result.output
