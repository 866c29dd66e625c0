"""The Datasette plugin behind ``zongjie serve``.

Registered by :func:`zongjie.serve.make_datasette` (not through an entry
point), so it is active only when zongjie serves a store. It adds:

- ``/-/zongjie/search``: Chinese full-text search, the query cut by jieba
  like the index, hits with the words marked, title, year and entity;
- ``/-/zongjie/document/<id>?start=&end=``: a document with one span (a
  fact, a sentence) highlighted in context, and a way back;
- ``/-/zongjie/charts`` and ``/-/zongjie/chart?indicator=``: an indicator
  over time, actual against target, as inline SVG;
- links from every fact in Datasette's tables and canned queries (the
  ``text`` of a fact, an audit's quotes, a document's title) to that page;
- SQL functions for canned queries: ``zongjie_entity(org, title)`` and
  ``zongjie_canonical(name)``;
- segmentation of the search box of the ``sentences`` table.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import urllib.parse
from typing import Any

from datasette import Response, hookimpl
from markupsafe import Markup, escape

from zongjie.serve import pages

PREFIX = "/-/zongjie"
# cell → (document id column, start column, end column) of the span it shows
_SPAN_COLUMNS = {
    "text": ("document_id", "start", "end"),
    "target_quote": ("target_document_id", "target_start", "target_end"),
    "result_quote": ("result_document_id", "result_start", "result_end"),
    # the title of the document stating an audit's target or result (canned query entity_audit)
    "target_document": ("target_document_id", "target_start", "target_end"),
    "result_document": ("result_document_id", "result_start", "result_end"),
}
# a document column whose cell Datasette expands to the document's title (a foreign key):
# it links to the document page with the row's span highlighted
_DOCUMENT_COLUMNS = {
    "document_id": ("start", "end"),
    "target_document_id": ("target_start", "target_end"),
    "result_document_id": ("result_start", "result_end"),
}
# a value column → the column holding its unit (units differ from row to row: 元, %, 人)
_UNIT_COLUMNS = {
    "value": "unit", "value_max": "unit",
    "target_value": "target_unit", "target_value_max": "target_unit",
    "result_value": "result_unit",
}
# an audit's status, in both languages
STATUS_LABELS = {"met": "完成 met", "not_met": "未完成 not met", "partly": "部分完成 partly",
                 "no_evidence": "无证据 no evidence"}
_FACT_TABLES = {"quantities", "times", "indicators", "commitments", "entities", "sentences", "audits", None}


def document_url(document_id: str, start: int | None = None, end: int | None = None, *,
                 words: list[tuple[int, int]] | None = None, back: str | None = None) -> str:
    """Link to a document's page with ``text[start:end]`` highlighted (and scrolled to)."""
    params: dict[str, Any] = {}
    if start is not None and end is not None:
        params.update(start=start, end=end)
    if words:
        params["hl"] = ",".join(f"{a}-{b}" for a, b in words)
    if back:
        params["back"] = back
    query = ("?" + urllib.parse.urlencode(params)) if params else ""
    return f"{PREFIX}/document/{urllib.parse.quote(document_id)}{query}" + ("#zj-span" if start is not None else "")


def _local_path(url: str | None) -> str | None:
    """``url`` if it is a path on this server (never another site: no open redirect)."""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or url.startswith("//") or "\\" in url:
        return None
    return urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))


def _back(request: Any) -> tuple[str, bool]:
    """Where "back" goes, and whether the browser's history knows better.

    Datasette's own pages send ``Referrer-Policy: no-referrer``, so a fact
    clicked in a table arrives without a referer: the link then goes back in
    the browser's history, falling back to the search page.
    """
    back = _local_path(request.args.get("back"))
    if back:
        return back, False
    referer = request.headers.get("referer") or ""
    parts = urllib.parse.urlsplit(referer)
    if parts.netloc and parts.netloc == request.headers.get("host"):
        local = _local_path(urllib.parse.urlunsplit(("", "", parts.path, parts.query, "")))
        if local:
            return local, False
    return f"{PREFIX}/search", True


def _raw(value: Any) -> Any:
    """A cell's value: Datasette's table view expands foreign keys to {"value", "label"}."""
    return value.get("value") if isinstance(value, dict) else value


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- hooks


@functools.lru_cache(maxsize=100_000)
def _entity(org: Any, title: Any) -> str:
    from zongjie.analysis.compare import entity_of

    return entity_of(org, title)


def _canonical(name: Any) -> str | None:
    from zongjie.analysis.canonical import canonical_name

    return canonical_name(name).name if isinstance(name, str) and name.strip() else None


@hookimpl
def prepare_connection(conn: Any) -> None:
    conn.create_function("zongjie_entity", 2, _entity, deterministic=True)
    conn.create_function("zongjie_canonical", 1, _canonical, deterministic=True)


def _warm_canonical_names(database: Any) -> None:
    """Work out the canonical name of every written indicator name once, in the background.

    ``canonical_name`` takes a few ms a name (TF-IDF similarity) and caches its
    answers; done here, a canned query over a store without the
    ``indicator_canonical`` table stays within Datasette's time limit, and
    the first chart does not wait for every name of the store.
    """
    conn = database.connect()
    try:
        names = [r[0] for r in conn.execute(
            "SELECT name FROM indicators GROUP BY name ORDER BY max(kind = 'target') DESC, count(*) DESC")]
    except sqlite3.Error:  # an unexpected store: the queries will work the names out as they go
        names = []
    finally:
        conn.close()
    for name in names:
        _canonical(name)


@hookimpl
def startup(datasette: Any) -> Any:
    async def warm_up() -> None:
        # jieba's dictionary and the canonical-name model load now, not in the first
        # visitor's query (where they would eat Datasette's SQL time limit)
        from zongjie.extract.segment import fts_query

        database = datasette.get_database()
        await database.execute_fn(lambda conn: (fts_query("医保"), _canonical("国内生产总值增长")))
        # the canned queries and facets read indicator_canonical where the store has it; the
        # chart of one indicator lines its facts up as `zongjie compare` does, name by name
        threading.Thread(target=_warm_canonical_names, args=(database,), daemon=True,
                         name="zongjie-canonical-names").start()

    return warm_up


def _span_link(row: Any, keys: set[str], doc_col: str, start_col: str, end_col: str, label: str,
               css: str = "zj-fact") -> Markup | None:
    if not {doc_col, start_col, end_col} <= keys:
        return None
    document_id, start, end = _raw(row[doc_col]), _int(_raw(row[start_col])), _int(_raw(row[end_col]))
    if not isinstance(document_id, str) or start is None or end is None:
        return None
    url = document_url(document_id, start, end)
    return Markup(f'<a class="{css}" title="在原文中查看 · show in its document" href="{escape(url)}">{escape(label)}</a>')


async def _duplicate_link(datasette: Any, database: str, canonical_id: str) -> Markup:
    """A near-duplicate's ``duplicate_of`` cell: the canonical copy's title, linking to its page."""
    rows = await datasette.get_database(database).execute("SELECT title FROM documents WHERE id = ?", [canonical_id])
    first = rows.first()
    label = (first[0] if first else None) or canonical_id
    return Markup(f'<a class="zj-duplicate-of" title="近似重复于 · near-duplicate of {escape(canonical_id)}" '
                  f'href="{escape(document_url(canonical_id))}">{escape(label)}</a>')


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any) -> Any:
    keys = set(row.keys()) if hasattr(row, "keys") else set()
    if isinstance(value, dict) and column in _DOCUMENT_COLUMNS and table in _FACT_TABLES:
        # a fact's document, shown by Datasette as its title: open it at the fact
        label = value.get("label") or value.get("value")
        if isinstance(label, str) and label:
            return _span_link(row, keys, column, *_DOCUMENT_COLUMNS[column], label=label, css="zj-fact-doc")
        return None
    if column in _UNIT_COLUMNS and _UNIT_COLUMNS[column] in keys and (
            isinstance(value, int | float) and not isinstance(value, bool)):
        unit = _raw(row[_UNIT_COLUMNS[column]])
        if isinstance(unit, str) and unit:
            return Markup(f'{value:,.10g}<span class="zj-unit"> {escape(unit)}</span>')
        return None
    if not isinstance(value, str) or not value:
        return None
    if table == "documents" and column == "title" and "id" in keys:
        return Markup(f'<a class="zj-doc" href="{escape(document_url(str(_raw(row["id"]))))}">{escape(value)}</a>')
    if table == "documents" and column == "duplicate_of":
        async def link() -> Markup:
            return await _duplicate_link(datasette, database, value)

        return link
    if column == "status" and value in STATUS_LABELS and (table == "audits" or (table is None and "reason" in keys)):
        return Markup(f'<span class="zj-status zj-{escape(value)}">{escape(STATUS_LABELS[value])}</span>')
    if table not in _FACT_TABLES or column not in _SPAN_COLUMNS:
        return None
    css = "zj-fact-doc" if column.endswith("_document") else "zj-fact"
    return _span_link(row, keys, *_SPAN_COLUMNS[column], label=value, css=css)


@hookimpl
def register_facet_classes() -> list[Any]:
    from zongjie.serve.facets import ZongjieFacet

    return [ZongjieFacet]


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    if not any(key.startswith("_zj_") for key in request.args.keys()):
        return None

    async def arguments() -> Any:
        from zongjie.serve.facets import filter_arguments

        tables = set(await datasette.get_database(database).table_names())
        return filter_arguments(request, table, tables)

    return arguments


@hookimpl
def extra_css_urls(view_name: str) -> list[str]:
    return ["/zongjie-static/zongjie.css"]


@hookimpl
def menu_links(datasette: Any) -> Any:
    async def links() -> list[dict[str, str]]:
        out = [
            {"href": f"{PREFIX}/search", "label": "全文检索 · Search"},
            {"href": f"{PREFIX}/charts", "label": "指标图表 · Charts"},
        ]
        db = datasette.get_database()
        if await db.table_exists("audits"):
            out.append({"href": f"/{urllib.parse.quote(db.name)}/audits", "label": "目标审计 · Audits"})
        return out

    return links


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (rf"^{PREFIX}/search$", search_page),
        (rf"^{PREFIX}/document/(?P<document_id>[^/]+)$", document_page),
        (rf"^{PREFIX}/charts$", charts_page),
        (rf"^{PREFIX}/chart$", chart_page),
    ]


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Segment the query typed in the search box of the ``sentences`` table.

    Its index holds jieba words; Datasette would pass 医保基金监管 to FTS5
    as one token and find nothing. The query becomes ``"医保基金" "监管"``.
    """
    def wrap(app: Any) -> Any:
        async def segmented(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if scope.get("type") == "http" and scope.get("path", "").rstrip("/").split(".")[0].endswith("/sentences"):
                qs = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"),
                                            keep_blank_values=True)
                if any(k == "_search" and v.strip() for k, v in qs):
                    from zongjie.extract.segment import fts_query

                    qs = [(k, (fts_query(v) or v) if k == "_search" else v) for k, v in qs if k != "_searchmode"]
                    qs.append(("_searchmode", "raw"))
                    scope = dict(scope, query_string=urllib.parse.urlencode(qs).encode())
            await app(scope, receive, send)

        return segmented

    return wrap


# ---------------------------------------------------------------- pages


def _database(datasette: Any) -> Any:
    return datasette.get_database()


async def search_page(datasette: Any, request: Any) -> Response:
    db = _database(datasette)
    query = (request.args.get("q") or "").strip()
    year = _int(request.args.get("year"))
    duplicates = request.args.get("dups") == "1"
    result = None
    if query:
        result = await db.execute_fn(lambda conn: pages.search(conn, query, year=year, limit=100,
                                                               duplicates=duplicates))
    here = request.full_path if hasattr(request, "full_path") else request.path
    hits = []
    for hit in result.hits if result else []:
        hits.append({"hit": hit, "url": document_url(hit.document_id, hit.start, hit.end, words=hit.highlights,
                                                     back=here)})
    return Response.html(await datasette.render_template(
        "zongjie_search.html",
        {"query": query, "year": year, "result": result, "hits": hits, "database": db.name,
         "prefix": PREFIX, "duplicates": duplicates,
         "with_duplicates": f"{PREFIX}/search?" + urllib.parse.urlencode(
             {"q": query, **({"year": year} if year is not None else {}), "dups": "1"}),
         "without_duplicates": f"{PREFIX}/search?" + urllib.parse.urlencode(
             {"q": query, **({"year": year} if year is not None else {})})},
        request=request,
    ))


def _spans(value: str | None) -> list[tuple[int, int]]:
    out = []
    for part in (value or "").split(","):
        a, _, b = part.partition("-")
        if _int(a) is not None and _int(b) is not None:
            out.append((int(a), int(b)))
    return out[:50]


async def document_page(datasette: Any, request: Any) -> Response:
    db = _database(datasette)
    document_id = request.url_vars["document_id"]
    start, end = _int(request.args.get("start")), _int(request.args.get("end"))
    span = (start, end) if start is not None and end is not None else None
    marks = _spans(request.args.get("hl"))
    whole = request.args.get("whole") == "1"
    page = await db.execute_fn(lambda conn: pages.document(conn, document_id, span=span, marks=marks, whole=whole))
    if page is None:
        return Response.html(await datasette.render_template(
            "zongjie_document.html", {"page": None, "document_id": document_id, "back": _back(request),
                                      "prefix": PREFIX}, request=request), status=404)
    query = {key: request.args.get(key) for key in request.args.keys()}
    query["whole"] = "1"
    whole_url = f"{request.path}?{urllib.parse.urlencode(query)}" + ("#zj-span" if span else "")
    return Response.html(await datasette.render_template(
        "zongjie_document.html",
        {"page": page, "document_id": document_id, "back": _back(request), "database": db.name,
         "whole_url": whole_url, "prefix": PREFIX},
        request=request,
    ))


async def charts_page(datasette: Any, request: Any) -> Response:
    db = _database(datasette)
    rows = await db.execute_fn(lambda conn: pages.indicator_list(conn))
    for row in rows:
        row["url"] = f"{PREFIX}/chart?" + urllib.parse.urlencode({"indicator": row["indicator"]})
    return Response.html(await datasette.render_template(
        "zongjie_charts.html", {"rows": rows, "database": db.name, "prefix": PREFIX}, request=request))


async def chart_page(datasette: Any, request: Any) -> Response:
    db = _database(datasette)
    indicator = (request.args.get("indicator") or "").strip()
    entity = (request.args.get("entity") or "").strip() or None
    if not indicator:
        return Response.redirect(f"{PREFIX}/charts")
    series = await db.execute_fn(lambda conn: pages.indicator_series(conn, indicator, entity=entity))
    statuses = await db.execute_fn(lambda conn: pages.audit_statuses(conn, indicator))
    here = request.full_path if hasattr(request, "full_path") else request.path
    charts = []
    for s in series:
        svg = pages.chart_svg_data(s)
        for kind in ("actual", "target"):
            for point in svg[kind]:
                p = point["p"]
                point["url"] = document_url(p.document_id, p.start, p.end, back=here)
        audits = {}
        for period in s.periods:
            found = statuses.get((s.entity, period))
            if found:
                url = f"/{db.name}/audits?" + urllib.parse.urlencode(
                    {"indicator": pages.canonical_of(indicator), "entity": s.entity, "period": period})
                audits[period] = {"statuses": [(st, STATUS_LABELS[st]) for st in found if st in STATUS_LABELS],
                                  "url": url}
        charts.append({"series": s, "svg": svg, "audits": audits})
    return Response.html(await datasette.render_template(
        "zongjie_chart.html",
        {"indicator": indicator, "canonical": pages.canonical_of(indicator), "entity": entity, "charts": charts,
         "database": db.name, "prefix": PREFIX,
         "targets_url": f"/{db.name}/indicator_targets?" + urllib.parse.urlencode({"indicator": indicator}),
         "audits_url": (f"/{db.name}/audits?" + urllib.parse.urlencode({"indicator": pages.canonical_of(indicator)})
                        if statuses else None)},
        request=request,
    ))
