"""``zongjie serve`` without a browser: the real Datasette app over a real store, in process.

The browser tests (``test_serve_browser.py``) drive Chromium against the
real server; these check what is quicker to check on the HTML: metadata,
escaping, links, safety settings, and tables that older stores lack.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import urllib.parse

import pytest
from click.testing import CliRunner

pytest.importorskip("datasette", reason="Datasette is not installed: pip install 'zongjie[serve]'")

from serve_store import SCRIPT_TITLE, build_store  # noqa: E402

from zongjie.cli import cli  # noqa: E402
from zongjie.serve import ServeError, is_loopback, make_datasette  # noqa: E402
from zongjie.serve.metadata import TABLES, build_metadata  # noqa: E402
from zongjie.serve.plugin import _local_path, document_url  # noqa: E402


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def audited_store(store, tmp_path_factory):
    """A copy of the store with ``audits`` and ``indicator_canonical`` rewritten by the real ``zongjie audit --save``."""
    path = tmp_path_factory.mktemp("audited") / "audited.db"
    src = sqlite3.connect(store)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    result = CliRunner().invoke(cli, ["audit", "--save", "--db", str(path), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


def fetch(db, *paths, **options):
    """Responses of the real Datasette app for ``paths``, in one event loop."""
    async def run():
        ds = make_datasette(db, **options)
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in paths]

    return asyncio.run(run())


def q(text: str) -> str:
    return urllib.parse.quote(text)


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("word", ["医保", "签约"])
def test_search_finds_a_two_character_word_and_marks_it(store, word):
    (page,) = fetch(store, f"/-/zongjie/search?q={q(word)}")
    assert page.status_code == 200
    marks = re.findall(r"<mark>([^<]*)</mark>", page.text)
    assert marks and set(marks) == {word}
    assert 'class="zj-tag zj-year">2025<' in page.text
    assert 'class="zj-tag zj-entity">' in page.text


def test_search_shows_title_year_and_entity_of_each_hit(store):
    (page,) = fetch(store, f"/-/zongjie/search?q={q('医保')}")
    assert "2025年中华人民共和国国务院政府工作报告" in page.text
    assert 'zj-entity">全国<' in page.text


def test_search_does_not_match_across_words(store):
    # 生签 stands across 医生|签约: not a word of the text, so no hit
    (page,) = fetch(store, f"/-/zongjie/search?q={q('生签')}")
    assert "<mark>" not in page.text and "0 条结果" in page.text


def test_search_of_punctuation_only_says_so(store):
    (page,) = fetch(store, f"/-/zongjie/search?q={q('。，')}")
    assert page.status_code == 200 and "no words to search for" in page.text


def test_search_box_of_the_sentences_table_is_segmented(store):
    (page,) = fetch(store, f"/store/sentences?_search={q('医保基金监管')}")
    assert page.status_code == 200
    assert "推进医保基金监管" in page.text


# ---------------------------------------------------------------- escaping


def test_document_text_is_escaped_everywhere(store):
    (search,) = fetch(store, f"/-/zongjie/search?q={q('医保基金')}")
    assert "&lt;script&gt;window.zjPwned=1&lt;/script&gt;" in search.text
    assert "<script>window.zjPwned" not in search.text
    m = re.search(r'href="(/-/zongjie/document/[^"]+)"[^>]*>([^<]*)</a>', search.text)
    url = m.group(1).replace("&amp;", "&")
    pages = fetch(store, url, "/store/documents", "/store/sentences", "/store/indicators?_search=x",
                  "/store/commitments_due?year=2025")
    for page in pages:
        assert "<script>alert(1)" not in page.text and "<script>window.zjPwned" not in page.text, page.url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].text


# ---------------------------------------------------------------- document pages


def test_document_page_highlights_the_span_in_context(store):
    con = sqlite3.connect(store)
    doc_id, start, end, text = con.execute(
        "SELECT document_id, start, \"end\", text FROM indicators WHERE name = '医保报销比例'").fetchone()
    (page,) = fetch(store, document_url(doc_id, start, end, back="/store/indicators"))
    span = re.search(r'<mark class="zj-span" id="zj-span">([^<]*)</mark>', page.text)
    assert span and span.group(1) == text
    # the sentence around it shaded, the fact marked inside
    assert re.search(r'<span class="zj-context">[^<]*</span><mark class="zj-span" id="zj-span">', page.text)
    assert 'id="zj-back" href="/store/indicators"' in page.text
    assert "测试县医疗保障局" in page.text  # the organisation, in the metadata list


def test_back_link_is_never_another_site(store):
    doc_id = sqlite3.connect(store).execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    (page,) = fetch(store, f"/-/zongjie/document/{doc_id}?back={q('https://evil.example/x')}")
    assert 'id="zj-back" href="/-/zongjie/search"' in page.text


@pytest.mark.parametrize("url, kept", [
    ("/store/indicators?kind=target", "/store/indicators?kind=target"),
    ("//evil.example/x", None),
    ("https://evil.example/", None),
    ("javascript:alert(1)", None),
    ("/\\evil.example", None),
])
def test_local_path(url, kept):
    assert _local_path(url) == kept


def test_unknown_document_is_a_404(store):
    (page,) = fetch(store, "/-/zongjie/document/0000")
    assert page.status_code == 404 and "No such document" in page.text


@pytest.mark.parametrize("table", ["indicators", "commitments", "quantities", "times", "entities"])
def test_every_fact_links_to_its_document(store, table):
    (page,) = fetch(store, f"/store/{table}")
    links = re.findall(r'class="zj-fact"[^>]*href="(/-/zongjie/document/[0-9a-f]+\?start=\d+&amp;end=\d+#zj-span)"',
                       page.text)
    assert links, f"no fact links in /store/{table}"


def test_document_titles_link_to_the_document_page(store):
    (page,) = fetch(store, "/store/documents")
    assert re.search(r'<a class="zj-doc" href="/-/zongjie/document/[0-9a-f]{32}">2025年', page.text)


# ---------------------------------------------------------------- metadata, facets, queries


def test_every_table_and_column_of_the_store_is_described(store):
    con = sqlite3.connect(store)
    tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sentences_fts%' AND name NOT LIKE 'sqlite_%'")]
    # the tables and columns later migrations added are in the test store, so they are checked too
    assert {"audits", "indicator_canonical", "document_signatures", "document_lsh", "migrations"} <= set(tables)
    assert {"duplicate_of", "duplicate_similarity", "ocr_confidence"} <= {
        r[1] for r in con.execute("PRAGMA table_info(documents)")}
    for table in tables:
        assert table in TABLES, f"table {table} has no metadata"
        columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
        missing = set(columns) - set(TABLES[table]["columns"])
        assert not missing, f"{table}: columns without a description: {missing}"
        assert re.search(r"[\u4e00-\u9fff]", TABLES[table]["title"]) and re.search("[A-Za-z]", TABLES[table]["title"])
        assert TABLES[table]["description"].strip(), table
        for column in columns:  # each note in Chinese and English
            note = TABLES[table]["columns"][column]
            assert re.search(r"[\u4e00-\u9fff]", note) and re.search("[A-Za-z]", note), (table, column)


def test_notes_and_units_are_shown_on_the_table_pages(store):
    documents, audits = fetch(store, "/store/documents", "/store/audits")
    assert "重复于 · near-duplicate" in documents.text and "审计结论 · status" in audits.text
    # a value's unit is in its own column, named in the note; fixed units through Datasette's units
    assert "目标单位 · unit" in audits.text
    # and each value shown with its own row's unit (the stored value stays a bare number: json, CSV)
    indicators, as_json = fetch(store, "/store/indicators?name=" + q("城镇新增就业") + "&kind=target",
                                "/store/indicators.json?name=" + q("城镇新增就业") + "&kind=target&_shape=array")
    assert '100,000<span class="zj-unit"> 人</span>' in indicators.text
    assert 100000 in [r["value"] for r in as_json.json()]
    assert TABLES["documents"]["units"] == {"source_size": "byte", "source_mtime": "second"}


def test_audit_tables_are_described_column_by_column():
    assert set(TABLES["audits"]["columns"]) >= {"entity", "status", "target_quote", "result_quote", "result_end"}
    assert {"indicator_id", "canonical", "method", "score"} == set(TABLES["indicator_canonical"]["columns"])


def test_facets_are_shown(store):
    documents, indicators = fetch(store, "/store/documents", "/store/indicators")
    for facet in ("year", "period", "doc_type", "org"):
        assert f'data-column="{facet}"' in documents.text, facet
    assert 'data-column="kind"' in indicators.text
    assert "target" in indicators.text and "actual" in indicators.text


@pytest.mark.parametrize("table", ["indicators", "commitments", "quantities", "times", "sentences"])
def test_facts_are_faceted_by_their_documents_year_period_type_and_entity(store, table):
    (page,) = fetch(store, f"/store/{table}")
    for label in ("年份 year", "期间 period", "文种 document type", "主体 entity"):
        assert f'data-column="{label}"' in page.text, (table, label)
    assert f'href="http://localhost/store/{table}?_zj_entity=%E5%85%A8%E5%9B%BD"' in page.text  # 全国


def test_indicators_are_faceted_by_canonical_indicator_and_filtered(store):
    from zongjie.analysis.canonical import canonical_name

    names = sqlite3.connect(store).execute(
        "SELECT i.name FROM indicators i JOIN documents d ON d.id = i.document_id WHERE d.org = '国务院'").fetchall()
    expected = sum(canonical_name(name).name == "GDP增长" for (name,) in names)  # 国内生产总值增长, 经济增长预期目标
    everything, chosen = fetch(store, "/store/indicators",
                               f"/store/indicators?_zj_entity={q('全国')}&_zj_canonical={q('GDP增长')}")
    assert 'data-column="规范指标 canonical indicator"' in everything.text
    assert f"?_zj_canonical={q('GDP增长')}" in everything.text
    assert expected >= 2
    assert f"{expected} rows" in chosen.text and "主体 entity = 全国 and 规范指标 canonical indicator = GDP增长" in chosen.text


def test_documents_are_faceted_by_entity(store):
    everything, chosen = fetch(store, "/store/documents", f"/store/documents?_zj_entity={q('河北省')}")
    assert 'data-column="主体 entity"' in everything.text
    assert "1 row" in chosen.text and "2025年河北省政府工作报告" in chosen.text


def test_canned_queries(store):
    targets, due, review = fetch(store, f"/store/indicator_targets?indicator={q('GDP增长')}",
                                 "/store/commitments_due?year=2025", "/store/awaiting_review?flag=")
    assert targets.status_code == 200 and "GDP增长" in targets.text and "zj-fact" in targets.text
    # 国内生产总值增长5%左右 and the 河北 地区生产总值 target both count as GDP增长
    assert targets.text.count('class="zj-fact"') >= 2
    assert due.status_code == 200 and "2025-12-31" in due.text
    assert review.status_code == 200


def test_masked_and_suspect_values_await_review(store):
    both, masked, suspect = fetch(store, "/store/awaiting_review?flag=", "/store/awaiting_review?flag=masked",
                                  "/store/awaiting_review?flag=suspect")
    # the links to the facts (the description names 直报率20230% as an example)
    assert ">x%</a>" in both.text and ">20230%</a>" in both.text
    assert ">x%</a>" in masked.text and ">20230%</a>" not in masked.text
    assert ">20230%</a>" in suspect.text and ">x%</a>" not in suspect.text
    # each one click from its document; the masked value is empty, never a guess
    assert len(_span_links(both.text, "zj-fact")) >= 4
    assert sqlite3.connect(store).execute("SELECT count(*) FROM indicators WHERE masked = 1 AND value IS NOT NULL"
                                          ).fetchone()[0] == 0


def test_audit_query_is_absent_without_the_audits_table(store, tmp_path):
    """A store from before the audits table (schema 4) is served without the query that needs it."""
    path = tmp_path / "old.db"
    src, dst = sqlite3.connect(store), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.executescript("DROP TABLE audits; DROP TABLE indicator_canonical;")
    dst.close()
    (page,) = fetch(path, "/old")
    assert "indicator_targets" in page.text and "entity_audit" not in page.text


def test_the_ingest_fills_the_audits_and_the_canonical_table(store):
    con = sqlite3.connect(store)
    statuses = dict(con.execute("SELECT status, count(*) FROM audits GROUP BY status"))
    assert {"met", "not_met", "partly", "no_evidence"} <= set(statuses)
    assert con.execute("SELECT count(*) FROM indicator_canonical").fetchone()[0] > 0


def test_audits_are_faceted_by_status_entity_and_indicator(store):
    everything, not_met = fetch(store, "/store/audits", "/store/audits?status=not_met")
    for column in ("status", "entity", "indicator", "period"):
        assert f'data-column="{column}"' in everything.text, column
    facet = everything.text[everything.text.index('data-column="status"'):]
    for status in ("met", "not_met", "partly", "no_evidence"):
        assert f"?status={status}" in facet[:4000], status
    expected = sqlite3.connect(store).execute("SELECT count(*) FROM audits WHERE status = 'not_met'").fetchone()[0]
    assert expected >= 1 and f"{expected} row" in not_met.text
    # the status in both languages, coloured; the facet keeps the stored value
    assert '<span class="zj-status zj-not_met">未完成 not met</span>' in not_met.text


def _span_links(html: str, css: str) -> list[tuple[str, int, int]]:
    return [(d, int(a), int(b)) for d, a, b in re.findall(
        rf'class="{css}"[^>]*href="/-/zongjie/document/([0-9a-f]+)\?start=(\d+)&amp;end=(\d+)#zj-span"', html)]


def test_audit_results_for_an_entity_open_both_documents_at_the_span(store):
    db, query = fetch(store, "/store", f"/store/entity_audit?entity={q('测试市')}&status=not_met")
    assert "entity_audit" in db.text
    assert query.status_code == 200 and "GDP增长" in query.text and "5.1% is below the target" in query.text
    con = sqlite3.connect(store)
    row = con.execute("SELECT target_document_id, target_start, target_end, result_document_id, result_start, "
                      "result_end FROM audits WHERE entity = '测试市' AND status = 'not_met'").fetchone()
    target, result = row[:3], row[3:]
    quotes = _span_links(query.text, "zj-fact")
    documents = _span_links(query.text, "zj-fact-doc")
    assert quotes == [target, result] and documents == [target, result]
    # the document titles are the link text
    assert re.search(r'class="zj-fact-doc"[^>]*>2024年测试市政府工作报告</a>', query.text)
    # each page shows its document with the audit's span highlighted
    pages = fetch(store, *(document_url(*link) for link in (target, result)))
    for (doc_id, start, end), page in zip((target, result), pages, strict=True):
        text = con.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
        span = re.search(r'<mark class="zj-span" id="zj-span">([^<]*)</mark>', page.text)
        assert span and span.group(1) == text[start:end]
    assert "6%左右" in pages[0].text and "5.1%" in pages[1].text


def test_audit_status_parameter_can_be_left_empty(store):
    (everything,) = fetch(store, f"/store/entity_audit?entity={q('测试市')}&status=")
    expected = sqlite3.connect(store).execute("SELECT count(*) FROM audits WHERE entity = '测试市'").fetchone()[0]
    assert everything.text.count('class="zj-status ') == expected


def test_a_facts_document_opens_at_the_fact(store):
    audits, indicators = fetch(store, "/store/audits?status=met", "/store/indicators")
    # Datasette shows the document's title (a foreign key); the link opens it at the span
    assert _span_links(audits.text, "zj-fact-doc") and _span_links(indicators.text, "zj-fact-doc")


def test_audit_save_rewrites_the_tables_and_the_store_still_serves(audited_store):
    db, query = fetch(audited_store, "/audited", f"/audited/entity_audit?entity={q('测试')}&status=")
    assert "entity_audit" in db.text
    assert query.status_code == 200 and "医保基金监管覆盖率" in query.text



def test_audit_results_filtered_by_status(audited_store):
    # the 测试县 summary's 医保基金监管覆盖率达到100% has no later document: no_evidence, never guessed
    none, met = fetch(audited_store, f"/audited/entity_audit?entity={q('测试')}&status=no_evidence",
                      f"/audited/entity_audit?entity={q('测试')}&status=met")
    assert "医保基金监管覆盖率" in none.text and "no_evidence" in none.text
    assert "医保基金监管覆盖率" not in met.text


def test_metadata_keeps_only_the_store_tables():
    meta = build_metadata("x", {"documents", "sentences", "sentences_fts"})
    assert set(meta["databases"]["x"]["tables"]) == {"documents", "sentences", "sentences_fts"}
    assert "entity_audit" not in meta["databases"]["x"]["queries"]


# ---------------------------------------------------------------- charts


def test_chart_of_an_indicator_over_time(store):
    charts, chart = fetch(store, "/-/zongjie/charts", f"/-/zongjie/chart?indicator={q('GDP增长')}")
    assert 'class="zj-chart-link" href="/-/zongjie/chart?indicator=GDP%E5%A2%9E%E9%95%BF"' in charts.text
    assert chart.status_code == 200
    assert chart.text.count('class="zj-dot zj-target"') >= 1 and chart.text.count('class="zj-dot zj-actual"') >= 1
    assert "全国" in chart.text


def test_chart_shows_what_the_audit_made_of_each_target(store):
    (chart,) = fetch(store, f"/-/zongjie/chart?indicator={q('地区生产总值增长')}")
    city = chart.text[chart.text.index("测试市 · GDP增长"):]
    city = city[:city.index("</figure>")]
    assert '<span class="zj-status zj-not_met">未完成 not met</span>' in city  # 2024: 5.1% against 6%左右
    assert "/store/audits?indicator=GDP%E5%A2%9E%E9%95%BF&amp;entity=%E6%B5%8B%E8%AF%95%E5%B8%82&amp;period=2024" in city
    assert 'class="zj-audits-link"' in chart.text


def test_chart_counts_a_reposted_report_once(store):
    (chart,) = fetch(store, f"/-/zongjie/chart?indicator={q('GDP增长')}")
    city = chart.text[chart.text.index("测试市 · GDP增长"):]
    city = city[:city.index("</figure>")]
    assert city.count('class="zj-dot zj-actual"') == 1 and city.count('class="zj-dot zj-target"') == 2


def _copy(store, path):
    src, dst = sqlite3.connect(store), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    return dst


def test_charts_list_reads_the_stored_canonical_indicators(store, tmp_path):
    """Where indicator_canonical is filled, the list is one query over it; empty, names are worked out live."""
    renamed = _copy(store, tmp_path / "renamed.db")
    renamed.execute("UPDATE indicator_canonical SET canonical = '地区经济增速' WHERE canonical = 'GDP增长'")
    renamed.commit()
    renamed.close()
    emptied = _copy(store, tmp_path / "emptied.db")
    emptied.execute("DELETE FROM indicator_canonical")
    emptied.commit()
    emptied.close()
    (from_table,) = fetch(tmp_path / "renamed.db", "/-/zongjie/charts")
    (live,) = fetch(tmp_path / "emptied.db", "/-/zongjie/charts")
    assert ">地区经济增速</a>" in from_table.text and ">GDP增长</a>" not in from_table.text
    assert ">GDP增长</a>" in live.text


def test_chart_of_an_unknown_indicator_says_so(store):
    (chart,) = fetch(store, f"/-/zongjie/chart?indicator={q('不存在的指标')}")
    assert chart.status_code == 200 and "no values found" in chart.text


# ---------------------------------------------------------------- near-duplicates


def _duplicate(store) -> tuple[str, str, str]:
    """The repost's id, its canonical copy's id and title."""
    return sqlite3.connect(store).execute(
        "SELECT d.id, c.id, c.title FROM documents d JOIN documents c ON c.id = d.duplicate_of").fetchone()


def test_near_duplicates_are_faceted_and_linked_to_the_copy_kept(store):
    copy, canonical, title = _duplicate(store)
    everything, reposts = fetch(store, "/store/documents", f"/store/documents?_zj_duplicate={q('转载 near-duplicate')}")
    assert 'data-column="近似重复 near-duplicate"' in everything.text
    for value in ("转载 near-duplicate", "原件 has copies", "唯一 unique"):
        assert "_zj_duplicate=" + urllib.parse.quote_plus(value) in everything.text, value
    assert "1 row where" in reposts.text and copy in reposts.text
    assert f'class="zj-duplicate-of" title="近似重复于 · near-duplicate of {canonical}" ' \
           f'href="/-/zongjie/document/{canonical}">{title}</a>' in reposts.text


def test_sentences_without_the_reposts(store):
    copy, canonical, _ = _duplicate(store)
    others = "&".join("_zj_duplicate=" + urllib.parse.quote_plus(v) for v in ("原件 has copies", "唯一 unique"))
    everything, kept = fetch(store, f"/store/sentences?_search={q('幼儿园')}",
                             f"/store/sentences?_search={q('幼儿园')}&{others}")
    assert "3 rows" in everything.text and "2 rows" in kept.text
    assert "近似重复 near-duplicate = 原件 has copies or 唯一 unique" in kept.text
    assert 'data-column="近似重复 near-duplicate"' in everything.text


def test_search_leaves_near_duplicates_out_unless_asked(store):
    copy, canonical, title = _duplicate(store)
    kept, everything = fetch(store, f"/-/zongjie/search?q={q('幼儿园')}", f"/-/zongjie/search?q={q('幼儿园')}&dups=1")
    assert copy not in kept.text and canonical in kept.text
    assert "另有 1 条结果在近似重复文档" in kept.text and 'id="zj-show-dups" href="/-/zongjie/search?q=' in kept.text
    assert copy in everything.text and f"转载 near-duplicate of {title}" in everything.text
    assert "近似重复文档（转载）中的结果" in everything.text
    assert f'id="zj-hide-dups" href="/-/zongjie/search?q={urllib.parse.quote_plus("幼儿园")}"' in everything.text


def test_document_page_names_its_copies_and_its_original(store):
    copy, canonical, title = _duplicate(store)
    repost, original = fetch(store, document_url(copy), document_url(canonical))
    assert f'<dd class="zj-dup-of"><a href="/-/zongjie/document/{canonical}">{title}</a>' in repost.text
    assert f'href="/-/zongjie/document/{copy}"' in original.text and "转载副本 copies" in original.text
    assert re.search(r'class="zj-audits-result" href="/store/audits\?result_document_id=[0-9a-f]+">audits: results here '
                     r'\([1-9]', original.text)


def test_a_store_from_before_near_duplicates_is_served(store, tmp_path):
    """Schema 5 (no documents.duplicate_of): no facet, search as before."""
    path = tmp_path / "schema5.db"
    src, dst = sqlite3.connect(store), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.executescript("DROP TRIGGER documents_duplicates_ad; DROP INDEX documents_duplicate_of; "
                      "ALTER TABLE documents DROP COLUMN duplicate_of; "
                      "ALTER TABLE documents DROP COLUMN duplicate_similarity;")
    dst.close()
    documents, search, doc = fetch(path, "/schema5/documents", f"/-/zongjie/search?q={q('幼儿园')}",
                                   document_url(_duplicate(store)[0]))
    assert documents.status_code == 200 and "近似重复 near-duplicate" not in documents.text
    assert search.status_code == 200 and search.text.count('class="zj-hit"') == 3
    assert doc.status_code == 200 and "zj-dup-of" not in doc.text


# ---------------------------------------------------------------- safety


def test_store_is_immutable_by_default_and_read_only_when_live(store):
    ds = make_datasette(store)
    assert not ds.get_database().is_mutable
    live = make_datasette(store, live=True)
    conn = live.get_database().connect()
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM documents")


def test_own_sql_is_read_only(store):
    (page,) = fetch(store, f"/store?sql={q('DELETE FROM documents')}")
    assert page.status_code == 400
    assert sqlite3.connect(store).execute("SELECT count(*) FROM documents").fetchone()[0] > 0


def test_own_sql_can_be_switched_off(store):
    on, = fetch(store, f"/store?sql={q('SELECT count(*) FROM documents')}")
    off, = fetch(store, f"/store?sql={q('SELECT count(*) FROM documents')}", allow_sql=False)
    assert on.status_code == 200 and off.status_code == 403


@pytest.mark.parametrize("host, local", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                         ("127.0.0.2", True), ("0.0.0.0", False), ("192.168.1.5", False), ("::", False)])
def test_only_loopback_counts_as_local(host, local):
    assert is_loopback(host) is local


def test_other_hosts_are_warned_about(store):
    """``--host 0.0.0.0`` says that anyone who can reach the machine reads the store.

    The port is taken by a socket that is bound but never listens (so nothing is
    served to the network), and the command stops at its own bind.
    """
    import socket

    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--db", str(store), "--host", "0.0.0.0", "--port", str(port)])
    assert result.exit_code != 0
    assert "anyone who can reach this machine can read the whole store" in result.output
    assert f"cannot listen on 0.0.0.0:{port}" in result.output


def test_serving_a_missing_store_says_what_to_do(tmp_path):
    with pytest.raises(ServeError, match="zongjie ingest"):
        make_datasette(tmp_path / "none.db")
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code != 0 and "zongjie ingest" in result.output


def test_serving_a_sqlite_file_that_is_not_a_store_is_refused(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(ServeError, match="not a zongjie store"):
        make_datasette(other)


def test_store_title_is_escaped_in_the_store_itself(store):
    # the fixture really holds the markup that the pages must escape
    title = sqlite3.connect(store).execute("SELECT title FROM documents WHERE title LIKE '%script%'").fetchone()[0]
    assert title == SCRIPT_TITLE
