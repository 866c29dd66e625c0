"""A small store for the ``zongjie serve`` tests, made by the real ``zongjie ingest``.

Three real sample files (a provincial report as .docx, a slice of the national
report as JSONL, a health-bureau summary), a summary whose title and text
hold ``<script>`` tags, to show that document text is escaped everywhere, and
two reports of one city written for the test: the 2024 targets, then the
review of 2024 (so the audit that ends the ingest finds met, not_met and
partly), the review also as a repost (a near-duplicate), and a masked and an
absurd value awaiting review.
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

# a city invented for the test: its targets for 2024, the review of 2024 a year later
CITY_2024 = (
    "2024年测试市政府工作报告\n\n一、2024年主要目标\n"
    "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，居民消费价格涨幅3%左右，"
    "城镇新增就业10万人以上，进出口总额增长5%。\n"
    "今年要新建改扩建中小学20所。年底前建成幼儿园10所、养老服务站30个。\n"
    # a masked number and an absurd one, for the review query: neither is ever guessed or corrected
    "二、2023年工作回顾\n全市医保基金监管覆盖率达到x%，传染病网络直报率达到20230%。\n"
)
CITY_2025_BODY = (
    "一、2024年工作回顾\n"
    "过去一年，地区生产总值增长5.1%，居民消费价格上涨0.3%，城镇新增就业10.4万人。"
    "新建改扩建中小学12所。建成幼儿园12所、养老服务站20个。\n"
    "二、2025年主要目标\n"
    "今年经济社会发展的主要预期目标是：地区生产总值增长5.5%左右，城镇新增就业10万人以上。\n"
)
CITY_2025 = "2025年测试市政府工作报告\n\n" + CITY_2025_BODY
# the same report reposted with a longer title and a note: a near-duplicate, not an exact copy
CITY_2025_REPOST = "2025年测试市政府工作报告（全文）\n\n" + CITY_2025_BODY + "（本文有删节，转载自测试市人民政府网）\n"
WRITTEN = {"script-summary.txt": SCRIPT_SUMMARY, "city-2024.txt": CITY_2024, "city-2025.txt": CITY_2025,
           "city-2025-repost.txt": CITY_2025_REPOST}


def build_store(folder: Path) -> Path:
    """Ingest the samples and the written documents into ``folder / "store.db"``.

    The ingest ends with the audit (``audits``, ``indicator_canonical``) and the
    near-duplicate check (``documents.duplicate_of``), as on any store.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in WRITTEN.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(str(folder / name))
    db = folder / "store.db"
    result = CliRunner().invoke(
        cli, ["ingest", "-q", *(str(DATA / name) for name in SAMPLES), *written, "--db", str(db)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return db
