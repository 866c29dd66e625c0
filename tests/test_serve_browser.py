"""``zongjie serve`` in a real browser: Debian's Chromium, headless, driven by Playwright.

The server is the real command, started as a subprocess on a free port over a
store made by ``zongjie ingest``. Screenshots go to ``$ZONGJIE_SCREENSHOTS``
(default: the test's temporary directory) as test artefacts.

Never ``playwright install``: the browser is Debian's ``chromium`` package
(``make browser-deps``, part of ``make test``), launched with flags that keep it off the network.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ZONGJIE_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (make browser-deps)", allow_module_level=True)
pytest.importorskip("datasette", reason="Datasette is not installed: pip install 'zongjie[serve]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")

from serve_store import build_store  # noqa: E402

pytestmark = pytest.mark.slow

# no sandbox (root in a container), and nothing that talks to the network on its own
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zongjie_command() -> list[str]:
    script = Path(sys.executable).with_name("zongjie")
    if script.exists():
        return [str(script)]
    found = shutil.which("zongjie")
    if not found:
        pytest.skip("the zongjie command is not installed (pip install -e .)")
    return [found]


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("ZONGJIE_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``zongjie serve`` on a free port over a fresh store: its base URL."""
    db = build_store(tmp_path_factory.mktemp("browser"))
    port = free_port()
    log = (db.parent / "serve.log").open("w")
    proc = subprocess.Popen([*zongjie_command(), "serve", "--db", str(db), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/-/zongjie/search", timeout=5) as r:
                if r.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("zongjie serve did not come up:\n" + (db.parent / "serve.log").read_text()[-3000:])
        time.sleep(0.3)
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1200, "height": 900}, locale="zh-CN",
        )
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    page.set_default_timeout(20000)
    yield page
    page.close()


def test_search_open_a_hit_see_the_span_and_come_back(server, page, screenshots):
    page.goto(server + "/-/zongjie/search")
    page.fill("input[name=q]", "医保")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".zj-hit")
    hits = page.locator(".zj-hit")
    assert hits.count() >= 5
    assert set(page.locator(".zj-snippet mark").all_inner_texts()) == {"医保"}
    assert "2025" in hits.first.locator(".zj-year").inner_text()
    assert page.locator(".zj-entity", has_text="全国").count() >= 1
    page.screenshot(path=str(screenshots / "search-医保.png"), full_page=True)
    search_url = page.url

    title = hits.first.locator(".zj-hit-title").inner_text()
    snippet = hits.first.locator(".zj-snippet").inner_text()
    hits.first.locator(".zj-hit-title").click()
    page.wait_for_url("**/-/zongjie/document/**")
    assert page.locator("h1").inner_text() == title
    span = page.locator("#zj-span")
    assert span.is_visible()
    # the whole sentence is highlighted, the searched word marked inside it
    assert "医保" in page.locator("mark.zj-word").first.inner_text()
    assert page.locator("#zj-span-text").inner_text() == snippet
    page.screenshot(path=str(screenshots / "document-span.png"))

    page.click("#zj-back")
    page.wait_for_selector(".zj-hit")
    assert page.url == search_url


def test_script_in_a_document_is_shown_not_run(server, page, screenshots):
    page.goto(server + "/-/zongjie/search?q=" + "医保基金")
    page.wait_for_selector(".zj-hit")
    assert "<script>window.zjPwned=1</script>" in page.locator(".zj-hits").inner_text()
    page.locator(".zj-hit-title", has_text="测试县").first.click()
    page.wait_for_url("**/-/zongjie/document/**")
    assert page.locator("h1").inner_text() == "2025年测试县医疗保障局工作总结<script>alert(1)</script>"
    assert page.evaluate("typeof window.zjPwned") == "undefined"


def test_two_character_word_签约(server, page):
    page.goto(server + "/-/zongjie/search?q=签约")
    page.wait_for_selector(".zj-hit")
    assert set(page.locator(".zj-snippet mark").all_inner_texts()) == {"签约"}


def test_canned_query_then_one_click_to_the_fact(server, page, screenshots):
    page.goto(server + "/store/indicator_targets")
    page.fill("input[name=indicator]", "GDP增长")
    page.locator("form.sql input[type=submit], form.sql button[type=submit]").first.click()
    page.wait_for_selector("table.rows-and-columns a.zj-fact")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() >= 2
    assert page.locator("table.rows-and-columns td.col-canonical", has_text="GDP增长").count() == rows.count()
    page.screenshot(path=str(screenshots / "canned-indicator-targets.png"), full_page=True)
    fact = page.locator("a.zj-fact").first
    text = fact.inner_text()
    fact.click()
    page.wait_for_url("**/-/zongjie/document/**")
    assert page.locator("#zj-span").inner_text() == text
    page.click("#zj-back")
    page.wait_for_selector("table.rows-and-columns a.zj-fact")
    assert "/store/indicator_targets" in page.url


def test_facets_on_the_indicators_table(server, page, screenshots):
    page.goto(server + "/store/indicators")
    facet = page.locator(".facet-info[data-column=kind]")
    assert facet.is_visible()
    facet.locator("a", has_text="target").first.click()
    page.wait_for_url("**kind=target**")
    kinds = set(page.locator("td.col-kind").all_inner_texts())
    assert kinds == {"target"}
    # the document's entity and the canonical indicator, counted through document_id
    page.locator('.facet-info[data-column="主体 entity"] a', has_text="全国").first.click()
    page.wait_for_url("**_zj_entity=**")
    page.locator('.facet-info[data-column="规范指标 canonical indicator"] a', has_text="GDP增长").first.click()
    page.wait_for_url("**_zj_canonical=**")
    assert "主体 entity = 全国" in page.locator("h3").first.inner_text()
    assert set(page.locator("td.col-kind").all_inner_texts()) == {"target"}
    assert page.locator("td.col-text a.zj-fact", has_text="5%左右").count() >= 1
    page.screenshot(path=str(screenshots / "facets-indicators.png"), full_page=True)


def test_chart_of_an_indicator_over_time(server, page, screenshots):
    page.goto(server + "/-/zongjie/charts")
    page.locator("a.zj-chart-link", has_text="GDP增长").first.click()
    page.wait_for_selector("figure.zj-chart svg")
    assert page.locator("figure.zj-chart svg circle.zj-target").count() >= 1
    assert page.locator("figure.zj-chart svg circle.zj-actual").count() >= 1
    captions = page.locator("figure.zj-chart figcaption").all_inner_texts()
    assert any("全国" in c for c in captions) and any("测试市" in c for c in captions)
    # what the audit made of the city's 2024 target (6%左右, 5.1% reported a year later)
    city = page.locator("figure.zj-chart", has_text="测试市 · GDP增长")
    assert city.locator(".zj-status.zj-not_met").inner_text() == "未完成 not met"
    page.screenshot(path=str(screenshots / "chart-GDP增长.png"), full_page=True)
    page.locator("a.zj-target-link").first.click()
    page.wait_for_url("**/-/zongjie/document/**")
    assert page.locator("#zj-span").is_visible()


def test_audit_results_then_both_documents_at_the_span(server, page, screenshots):
    page.goto(server + "/store/audits")
    facet = page.locator(".facet-info[data-column=status]")
    assert {"met", "not_met", "partly", "no_evidence"} <= set(facet.locator("a").all_inner_texts())
    page.goto(server + "/store/entity_audit")
    page.fill("input[name=entity]", "测试市")
    page.fill("input[name=status]", "")
    page.locator("form.sql input[type=submit], form.sql button[type=submit]").first.click()
    page.wait_for_selector("table.rows-and-columns .zj-status")
    statuses = set(page.locator("td.col-status").all_inner_texts())
    assert {"完成 met", "未完成 not met", "部分完成 partly"} <= statuses
    page.screenshot(path=str(screenshots / "audit-results.png"), full_page=True)
    audit_url = page.url

    row = page.locator("table.rows-and-columns tbody tr", has_text="未完成 not met").first
    assert row.locator("td.col-indicator").inner_text() == "GDP增长"
    row.locator("td.col-target_quote a.zj-fact").click()
    page.wait_for_url("**/-/zongjie/document/**")
    assert page.locator("h1").inner_text() == "2024年测试市政府工作报告"
    assert page.locator("#zj-span").is_visible() and "6%" in page.locator("#zj-span").inner_text()
    page.screenshot(path=str(screenshots / "audit-target.png"))
    page.click("#zj-back")
    page.wait_for_selector("table.rows-and-columns .zj-status")
    assert page.url == audit_url

    row = page.locator("table.rows-and-columns tbody tr", has_text="未完成 not met").first
    row.locator("td.col-result_document a.zj-fact-doc").click()
    page.wait_for_url("**/-/zongjie/document/**")
    assert page.locator("h1").inner_text().startswith("2025年测试市政府工作报告")
    assert "5.1%" in page.locator("#zj-span").inner_text()
    page.screenshot(path=str(screenshots / "audit-result.png"))


def test_search_leaves_reposts_out_and_shows_them_on_request(server, page, screenshots):
    page.goto(server + "/-/zongjie/search?q=幼儿园")
    page.wait_for_selector(".zj-hit")
    assert page.locator(".zj-hit").count() == 2 and page.locator(".zj-dup").count() == 0
    page.click("#zj-show-dups")
    page.wait_for_selector(".zj-dup")
    assert page.locator(".zj-hit").count() == 3
    assert "near-duplicate of 2025年测试市政府工作报告" in page.locator(".zj-dup").inner_text()
    page.screenshot(path=str(screenshots / "search-near-duplicates.png"), full_page=True)

    # the documents table: the repost by its facet, then the copy kept, which lists its reposts
    page.goto(server + "/store/documents")
    page.locator('.facet-info[data-column="近似重复 near-duplicate"] a', has_text="转载 near-duplicate").click()
    page.wait_for_url("**_zj_duplicate=**")
    assert page.locator("table.rows-and-columns tbody tr").count() == 1
    kept = page.locator("a.zj-duplicate-of").inner_text()
    page.locator("a.zj-duplicate-of").click()
    page.wait_for_url("**/-/zongjie/document/**")
    assert page.locator("h1").inner_text() == kept
    assert page.locator(".zj-copies a").count() == 1
