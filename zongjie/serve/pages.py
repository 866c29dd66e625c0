"""The data behind zongjie's own pages in Datasette: search, document, charts.

Each function takes a plain ``sqlite3.Connection`` (Datasette hands one to
``Database.execute_fn``, opened read-only) and returns what a template shows.
Text from documents is never trusted: it is split into plain strings and
marks here, and escaped by the templates (Jinja autoescape).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from zongjie.analysis.compare import best, entity_of, group, indicator_facts, period_of
from zongjie.extract.segment import fts_query
from zongjie.schema.store import _highlight_spans

# one double-quoted FTS5 string, "" standing for a quote inside it (as in Store.search)
_FTS_STRING = re.compile(r'"((?:[^"]|"")*)"')
# how much of the document to show around a fact when the text is long
CONTEXT_CHARS = 4000


def tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


# ---------------------------------------------------------------- search


@dataclass
class Hit:
    sentence_id: int
    document_id: str
    title: str | None
    year: int | None
    entity: str
    doc_type: str | None
    start: int
    end: int
    pieces: list[tuple[str, bool]]  # the sentence as (text, marked) runs
    highlights: list[tuple[int, int]]  # marked words, as offsets in documents.text
    duplicate_of: str | None = None  # the canonical copy, when the hit is in a near-duplicate
    duplicate_title: str | None = None


@dataclass
class SearchResult:
    query: str
    terms: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    hidden: int = 0  # hits in near-duplicates, left out
    error: str | None = None


def search(conn: sqlite3.Connection, query: str, *, year: int | None = None, limit: int = 50,
           duplicates: bool = False) -> SearchResult:
    """Sentences holding every word of ``query``, best first, with the words marked.

    The query is cut by jieba like the index (``segment.fts_query``), so a
    two-character word finds the sentences where it stands as a word:
    医保 finds 扩大职工医保个人账户共济范围。

    Args:
        duplicates: include hits in near-duplicates (``documents.duplicate_of``
            set: a repost or rewrite of a document kept as canonical), marked
            as such. Left out by default, as ``zongjie compare`` and the audit
            count a reposted report once; ``hidden`` says how many there are.
    """
    result = SearchResult(query=query)
    expr = fts_query(query)
    result.terms = [t.replace('""', '"') for t in _FTS_STRING.findall(expr)]
    if not result.terms:
        if query.strip():
            result.error = "这里没有可检索的词 · the query has no words to search for"
        return result
    where = "sentences_fts MATCH ?"
    params: list[Any] = [expr]
    if year is not None:
        where += " AND d.year = ?"
        params.append(year)
    has_duplicates = _has_duplicates(conn)
    dup = "d.duplicate_of" if has_duplicates else "NULL"
    kept = where if duplicates or not has_duplicates else where + " AND d.duplicate_of IS NULL"
    sql = f"""
        SELECT s.id, s.document_id, d.title, d.year, d.org, d.doc_type, s.text, s.start, s."end", {dup},
          (SELECT c.title FROM documents c WHERE c.id = {dup})
        FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid
        JOIN documents d ON d.id = s.document_id
        WHERE {kept} ORDER BY bm25(sentences_fts), s.id LIMIT ?"""
    count = ("SELECT count(*) FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid "
             "JOIN documents d ON d.id = s.document_id WHERE {}")
    try:
        rows = conn.execute(sql, [*params, limit]).fetchall()
        result.total = conn.execute(count.format(kept), params).fetchone()[0]
        if kept != where:
            result.hidden = conn.execute(count.format(where), params).fetchone()[0] - result.total
    except sqlite3.OperationalError as e:
        result.error = f"检索出错 · cannot search for this: {e}"
        return result
    for sid, doc_id, title, yr, org, doc_type, text, start, end, dup_of, dup_title in rows:
        spans = _highlight_spans(text, result.terms)
        result.hits.append(Hit(
            sentence_id=sid, document_id=doc_id, title=title, year=yr, entity=entity_of(org, title),
            doc_type=doc_type, start=start, end=end, pieces=_pieces(text, spans),
            highlights=[(start + a, start + b) for a, b in spans], duplicate_of=dup_of, duplicate_title=dup_title,
        ))
    return result


def _has_canonical_table(conn: sqlite3.Connection) -> bool:
    """Whether ``indicator_canonical`` is there and filled (``zongjie audit --save``, the end of an ingest)."""
    if "indicator_canonical" not in tables(conn):
        return False
    return conn.execute("SELECT 1 FROM indicator_canonical LIMIT 1").fetchone() is not None


def _has_duplicates(conn: sqlite3.Connection) -> bool:
    """Whether the store has ``documents.duplicate_of`` (migration 6; a store is served as it is)."""
    return any(r[1] == "duplicate_of" for r in conn.execute("PRAGMA table_info(documents)"))


def _pieces(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` as runs of (string, marked): the template escapes each run."""
    out, pos = [], 0
    for a, b in sorted(spans):
        a, b = max(a, pos), min(b, len(text))
        if a >= b:
            continue
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < len(text) or not out:
        out.append((text[pos:], False))
    return out


# ---------------------------------------------------------------- document


@dataclass
class DocumentPage:
    id: str
    meta: dict[str, Any]
    entity: str
    pieces: list[tuple[str, str | None]]  # (text, mark class or None)
    span: tuple[int, int] | None
    span_text: str | None
    clipped_before: bool
    clipped_after: bool
    counts: dict[str, int]
    # near-duplicates: the canonical copy this is a repost of, (id, title, similarity); the reposts of this one
    duplicate_of: tuple[str, str | None, float | None] | None = None
    copies: list[tuple[str, str | None, float | None]] = field(default_factory=list)
    audits: tuple[int, int] | None = None  # audit rows whose target, whose result, this document states


def document(conn: sqlite3.Connection, document_id: str, *, span: tuple[int, int] | None = None,
             marks: list[tuple[int, int]] | None = None, whole: bool = False) -> DocumentPage | None:
    """A document's text with one span (a fact, a sentence) and word marks in it.

    Args:
        span: the fact's [start, end) in ``documents.text``; out-of-range values are clipped.
        marks: words to mark inside the text (search hits), as offsets in the text.
        whole: show the whole text even when it is long; otherwise
            ``CONTEXT_CHARS`` around the span.
    """
    cursor = conn.execute(
        "SELECT id, title, year, year_masked, period, doc_type, org, published, source, member, article, "
        "format, chars, text FROM documents WHERE id = ?", [document_id])
    found = cursor.fetchone()
    if found is None:
        return None
    # by name, whatever row factory the connection has (Datasette's is sqlite3.Row)
    row = dict(zip([c[0] for c in cursor.description], tuple(found), strict=True))
    text: str = row.pop("text")
    meta = row
    if span is not None:
        a, b = (max(0, min(len(text), x)) for x in span)
        span = (min(a, b), max(a, b))
    lo, hi = 0, len(text)
    if not whole and len(text) > CONTEXT_CHARS:
        centre = span[0] if span else 0
        lo = max(0, centre - CONTEXT_CHARS // 2)
        hi = min(len(text), lo + CONTEXT_CHARS)
        lo = max(0, min(lo, hi - CONTEXT_CHARS))
        if span:
            hi = max(hi, min(len(text), span[1]))
    # the sentence around a fact, shaded lightly: a figure read in its sentence
    context = None
    if span is not None and span[0] < span[1] and "sentences" in tables(conn):
        found = conn.execute(
            'SELECT start, "end" FROM sentences WHERE document_id = ? AND start <= ? AND "end" >= ? '
            "ORDER BY start DESC LIMIT 1", [document_id, span[0], span[1]]).fetchone()
        if found and (found[0], found[1]) != span:
            context = (max(lo, found[0]), min(hi, found[1]))
    pieces = _document_pieces(text, lo, hi, span, marks or [], context=context)
    counts = {}
    present = tables(conn)
    for table in ("indicators", "commitments", "quantities", "times", "entities"):
        if table in present:
            counts[table] = conn.execute(f"SELECT count(*) FROM {table} WHERE document_id = ?", [document_id]).fetchone()[0]
    audits = None
    if "audits" in present:
        audits = tuple(conn.execute(
            "SELECT sum(target_document_id = ?), sum(result_document_id = ?) FROM audits "
            "WHERE target_document_id = ? OR result_document_id = ?", [document_id] * 4).fetchone())
        audits = tuple(n or 0 for n in audits)
    duplicate_of, copies = None, []
    if _has_duplicates(conn):
        found = conn.execute(
            "SELECT c.id, c.title, d.duplicate_similarity FROM documents d JOIN documents c ON c.id = d.duplicate_of "
            "WHERE d.id = ?", [document_id]).fetchone()
        duplicate_of = tuple(found) if found else None
        copies = [tuple(r) for r in conn.execute(
            "SELECT id, title, duplicate_similarity FROM documents WHERE duplicate_of = ? "
            "ORDER BY duplicate_similarity DESC, id", [document_id])]
    return DocumentPage(
        id=document_id, meta=meta, entity=entity_of(row["org"], row["title"]), pieces=pieces, span=span,
        span_text=text[span[0]:span[1]] if span else None, clipped_before=lo > 0, clipped_after=hi < len(text),
        counts=counts, duplicate_of=duplicate_of, copies=copies, audits=audits,
    )


def _document_pieces(text: str, lo: int, hi: int, span: tuple[int, int] | None,
                     marks: list[tuple[int, int]], *,
                     context: tuple[int, int] | None = None) -> list[tuple[str, str | None]]:
    """``text[lo:hi]`` cut at every boundary of the span, the marks and the context, each run labelled."""
    cuts = {lo, hi}
    if context:
        cuts.update(x for x in context if lo <= x <= hi)
    if span:
        cuts.update(x for x in span if lo <= x <= hi)
    marks = [(max(a, lo), min(b, hi)) for a, b in marks if a < b and b > lo and a < hi]
    for a, b in marks:
        cuts.update((a, b))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        if a >= b:
            continue
        in_span = span is not None and span[0] <= a and b <= span[1] and span[0] < span[1]
        in_mark = any(ma <= a and b <= mb for ma, mb in marks)
        label = "zj-word" if in_mark else ("zj-span" if in_span else None)
        if in_mark and in_span:
            label = "zj-span zj-word"
        if label is None and context is not None and context[0] <= a and b <= context[1]:
            label = "zj-context"
        out.append((text[a:b], label))
    return out


# ---------------------------------------------------------------- charts


def indicator_list(conn: sqlite3.Connection, *, limit: int = 200) -> list[dict[str, Any]]:
    """Canonical indicators with values over at least one period, most facts first.

    From the stored ``indicator_canonical`` table where the store has it (one
    SQL query, however many names), else by working out each name's
    canonical indicator as ``zongjie compare`` does.
    """
    counts: dict[str, dict[str, Any]] = {}

    def add(indicator: str, kind: str, n: int, period: str | None, entity: str) -> None:
        row = counts.setdefault(indicator, {"indicator": indicator, "facts": 0, "targets": 0,
                                            "periods": set(), "entities": set()})
        row["facts"] += n
        row["targets"] += n if kind == "target" else 0
        row["periods"].add(period)
        row["entities"].add(entity)

    if _has_canonical_table(conn):
        not_copy = "AND d.duplicate_of IS NULL" if _has_duplicates(conn) else ""
        for indicator, kind, doc_type, year, period, org, title, n in conn.execute(f"""
                SELECT c.canonical, i.kind, d.doc_type, d.year, d.period, d.org, d.title, count(*)
                FROM indicators i JOIN indicator_canonical c ON c.indicator_id = i.id
                JOIN documents d ON d.id = i.document_id
                WHERE i.value IS NOT NULL {not_copy}
                GROUP BY c.canonical, i.kind, d.id"""):
            add(indicator, kind, n, period_of(kind, doc_type, year, period), entity_of(org, title))
    else:
        for f in indicator_facts(SimpleNamespace(db=conn)):
            if f.value is not None:
                add(f.indicator, f.kind, 1, f.period, f.entity)
    rows = [dict(r, periods=len(r["periods"] - {None}), entities=sorted(r["entities"])) for r in counts.values()]
    # indicators seen in several periods first: those are the ones worth a chart
    rows.sort(key=lambda r: (-(r["periods"] > 1), -r["facts"], r["indicator"]))
    return rows[:limit]


@dataclass
class Point:
    period: str
    value: float
    value_max: float | None
    qualifier: str | None
    document_id: str
    start: int
    end: int
    doc: str | None
    name: str


@dataclass
class Series:
    entity: str
    unit: str | None
    actual: list[Point]
    target: list[Point]
    periods: list[str]


def indicator_series(conn: sqlite3.Connection, indicator: str, *, entity: str | None = None) -> list[Series]:
    """Actual and target values of one indicator by period, one series per entity and unit.

    The figures are the ones ``zongjie compare`` lines up (the best fact of
    each period); each point keeps where it came from.
    """
    facts = indicator_facts(SimpleNamespace(db=conn), indicator=indicator, entity=entity)
    series: dict[tuple[str, str | None], Series] = {}
    for (ent, period, unit), kinds in sorted(group(facts).items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2] or "")):
        if period is None:
            continue
        s = series.setdefault((ent, unit), Series(entity=ent, unit=unit, actual=[], target=[], periods=[]))
        s.periods.append(period)
        for kind in ("actual", "target"):
            fact = best(kinds[kind])
            if fact is None or fact.value is None:
                continue
            getattr(s, kind).append(Point(period=period, value=fact.value, value_max=fact.value_max,
                                          qualifier=fact.qualifier, document_id=fact.document_id,
                                          start=fact.start, end=fact.end, doc=fact.doc, name=fact.name))
    out = [s for s in series.values() if s.actual or s.target]
    for s in out:
        s.periods = sorted(set(s.periods))
    out.sort(key=lambda s: (-(len(s.actual) + len(s.target)), s.entity, s.unit or ""))
    return out


def canonical_of(indicator: str) -> str:
    """The canonical indicator of a name typed on the charts page (GDP增长 for 国内生产总值增长)."""
    from zongjie.analysis.canonical import canonical_name

    return canonical_name(indicator).name


def audit_statuses(conn: sqlite3.Connection, indicator: str) -> dict[tuple[str, str], list[str]]:
    """The audit's statuses for one indicator, by (entity, period): what the chart's targets came to.

    ``audits.indicator`` is the canonical indicator the chart groups by
    (both come from ``indicator_facts``); empty when the store has no audits.
    """
    if "audits" not in tables(conn):
        return {}
    out: dict[tuple[str, str], list[str]] = {}
    for entity, period, status in conn.execute(
            "SELECT entity, period, status FROM audits WHERE indicator = ? ORDER BY id",
            [canonical_of(indicator)]):
        out.setdefault((entity, period), []).append(status)
    return out


_PART_OF_YEAR = {"H1": 0.0, "H2": 0.5, "Q1": 0.0, "Q2": 0.25, "Q3": 0.5, "Q4": 0.75}


def _period_time(period: str) -> float:
    """``"2024"`` → 2024.0, ``"2024-H2"`` → 2024.5: where a period stands on a time axis."""
    year, _, part = period.partition("-")
    try:
        return int(year) + _PART_OF_YEAR.get(part, 0.0)
    except ValueError:
        return 0.0


def chart_svg_data(s: Series, *, width: int = 640, height: int = 260) -> dict[str, Any]:
    """Coordinates for an inline SVG line chart of one series (the template draws it)."""
    left, right, top, bottom = 56, 16, 16, 40
    values = [p.value for p in s.actual + s.target] + [p.value_max for p in s.target if p.value_max is not None]
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.1
    # no negative axis under values that are all positive
    lo, hi = (lo - pad if lo - pad >= 0 or lo < 0 else 0.0), hi + pad
    # x by time, so that 2013 → 2017 is four times as wide as 2012 → 2013
    times = {p: _period_time(p) for p in s.periods}
    t0, t1 = min(times.values()), max(times.values())

    def x(period: str) -> float:
        if t1 == t0:
            return left + (width - left - right) / 2
        return left + (times[period] - t0) / (t1 - t0) * (width - left - right)

    def y(value: float) -> float:
        return top + (hi - value) / (hi - lo) * (height - top - bottom)

    def points(ps: list[Point]) -> list[dict[str, Any]]:
        return [{"x": round(x(p.period), 1), "y": round(y(p.value), 1), "p": p} for p in ps]

    ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": height - bottom,
        "actual": points(s.actual), "target": points(s.target),
        "xticks": [{"x": round(x(p), 1), "label": p} for p in s.periods],
        "yticks": [{"y": round(y(v), 1), "label": f"{v:,.4g}"} for v in ticks],
    }
