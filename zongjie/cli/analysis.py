"""Commands over the store's facts: indicators, compare and audit."""

from __future__ import annotations

import contextlib
import json
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import click

from zongjie.cli import _db_option, cli, safe
from zongjie.errors import ZongjieError


def _open_store(db: str) -> Any:
    from zongjie.schema.migrations import latest_version, schema_version
    from zongjie.schema.store import Store

    if not Path(db).exists():
        raise click.ClickException(f"no store at {db}: run `zongjie ingest PATH --db {db}` first")
    try:
        store = Store(db, readonly=True)
    except ZongjieError as exc:
        # a store of an older schema is upgraded once (a writable open migrates it), then read
        try:
            import sqlite3

            with sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True) as conn:
                old = schema_version(conn) < latest_version()
            if not old:
                raise exc
            Store(db).close()
            return Store(db, readonly=True)
        except (ZongjieError, sqlite3.Error):
            raise click.ClickException(str(exc)) from exc
    return store


def _emit(data: str | bytes, output: str | None) -> None:
    """Write to ``output`` or standard output (bytes need a file)."""
    if output:
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(output, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})) as f:
            f.write(data)
        click.echo(f"wrote {output}", err=True)
    elif isinstance(data, bytes):
        raise click.ClickException("this format is binary: give --output FILE")
    else:
        click.echo(data, nl=not data.endswith("\n"))


def _figure(value: Any, unit: Any, masked: Any = False, qualifier: Any = None, value_max: Any = None) -> str:
    """A figure for a table: 12,660,000 人 rather than 1.266e+07."""
    def num(v: Any) -> str:
        return f"{int(v):,}" if isinstance(v, float) and v.is_integer() and abs(v) >= 1e4 else f"{v:g}"

    if masked:
        text = "(masked)"
    elif value is None:
        return ""
    else:
        text = num(value) + (f"–{num(value_max)}" if value_max is not None else "")
    q = {"over": ">", "at_least": "≥", "at_most": "≤", "about": "≈"}.get(qualifier or "", "")
    return f"{q}{text} {safe(unit or '')}".strip()


@cli.command("indicators")
@_db_option
@click.option("--min-count", type=int, default=2, show_default=True, help="Hide indicators seen fewer times.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def indicators_cmd(db: str, min_count: int, fmt: str) -> None:
    """Canonical indicators of the store with the written names behind them.

    Names are mapped by the synonym table (zongjie/data/indicators/synonyms.yaml)
    and, failing that, by character n-gram similarity; the written name is kept.

    \b
    Example:
      zongjie indicators --db reports.db      # GDP增长 ← 国内生产总值增长, 地区生产总值增长, 经济增长
    """
    from zongjie.analysis.compare import indicator_variants

    store = _open_store(db)
    with store:
        rows = indicator_variants(store, min_count=min_count)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        mark = "*" if row["canonical"] else " "
        variants = ", ".join(f"{safe(v['name'])} ({v['count']})" for v in row["variants"][:8])
        click.echo(f"{mark} {safe(row['indicator'])}  {row['facts']} facts in {row['documents']} documents: {variants}")


@cli.command("compare")
@click.argument("indicator")
@_db_option
@click.option("--entity", help="One body or region: 全国, 广东, 河南省…")
@click.option("--from", "year_from", type=int, help="First year.")
@click.option("--to", "year_to", type=int, help="Last year.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (needed for xlsx).")
@click.option("--chart", "chart_path", type=click.Path(dir_okay=False),
              help="Also draw actual against target over time: FILE.png, FILE.svg or FILE.html.")
def compare_cmd(indicator: str, db: str, entity: str | None, year_from: int | None, year_to: int | None,
                fmt: str, output: str | None, chart_path: str | None) -> None:
    """One indicator across years: the actual and the target of each period.

    A report's targets are for its own year; its review figures for the year
    before. Any written name of the indicator works (GDP增长, 地区生产总值增长).
    Figures in different units are never mixed: each unit gets its own row.

    \b
    Example:
      zongjie compare 地区生产总值增长 --entity 广东 --db reports.db
      zongjie compare GDP增长 --entity 全国 --from 2012 --to 2019 --format csv -o gdp.csv
      zongjie compare GDP增长 --entity 全国 --chart 国内生产总值增长.png
    """
    from zongjie.analysis.compare import compare
    from zongjie.analysis.export import COMPARE_COLUMNS, to_csv, to_json, to_xlsx

    store = _open_store(db)
    with store:
        rows = compare(store, indicator, entity=entity, year_from=year_from, year_to=year_to)
    if chart_path:
        from zongjie.analysis.chart import chart, cjk_font

        try:
            chart(rows, chart_path)
        except (ImportError, ValueError, OSError) as exc:
            raise click.ClickException(str(exc)) from exc
        if cjk_font() is None:
            click.echo("warning: no CJK font found (Debian: apt install fonts-wqy-microhei); "
                       "Chinese labels may show as boxes", err=True)
        click.echo(f"wrote {chart_path}", err=True)
    if fmt == "json":
        _emit(to_json(rows) + "\n", output)
    elif fmt == "csv":
        _emit(to_csv(rows, COMPARE_COLUMNS), output)
    elif fmt == "xlsx":
        _emit(to_xlsx({"compare": (rows, COMPARE_COLUMNS)}), output)
    elif not rows:
        click.echo(f"no figures for {safe(indicator)}")
    else:
        _emit(compare_table(rows), output)


def _width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` cut and padded to ``width`` terminal columns (left-aligned, or right-aligned)."""
    out = ""
    for ch in text:
        if _width(out + ch) > width:
            break
        out += ch
    space = " " * (width - _width(out))
    return space + out if right else out + space


def compare_table(rows: list[dict[str, Any]]) -> str:
    """Compare rows as a plain-text table (the command's and the demo's)."""
    lines = [f"{'entity':10s} {'period':8s} {'actual':>14s} {'target':>16s} {'unit':8s}  source"]
    for r in rows:
        actual_text = _figure(r["actual"], None, r["actual_masked"], r["actual_qualifier"])
        target_text = _figure(r["target"], None, r["target_masked"], r["target_qualifier"], r["target_max"])
        source = safe(r["actual_doc"] or r["target_doc"] or "")[:30]
        lines.append(f"{_pad(safe(r['entity']), 10)} {r['period']:8s} {actual_text:>14s} {target_text:>16s} "
                     f"{_pad(safe(r['unit'] or ''), 8)}  {source}")
    return "\n".join(lines) + "\n"


@cli.command("audit")
@_db_option
@click.option("--entity", help="One body or region: 全国, 广东, 河南省…")
@click.option("--period", help="One period: 2025, 2023-H2.")
@click.option("--indicator", help="One indicator (any written name).")
@click.option("--status", "statuses", multiple=True, type=click.Choice(["met", "not_met", "partly", "no_evidence"]),
              help="Only pairs of this status (repeat for several).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx", "html"]), default="table",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (needed for xlsx).")
@click.option("--save", is_flag=True,
              help="Also rewrite the store's audits and indicator_canonical tables (the whole store).")
def audit_cmd(db: str, entity: str | None, period: str | None, indicator: str | None, statuses: tuple[str, ...],
              fmt: str, output: str | None, save: bool) -> None:
    """Each target of period N against the evidence for N in later documents.

    Status: met, not_met, partly or no_evidence (never guessed). Floors
    (增长, 新增, 产量, 覆盖率, 以上) are met at or above the target, ceilings
    (控制在, 以内, 价格涨幅, 失业率, 赤字率) at or below; 左右 allows 0.5
    points for a percentage and 5% otherwise; a range is met at its lower end
    (floor) or upper end (ceiling).

    \b
    Example:
      zongjie audit --entity 广东 --period 2025 --db reports.db
      zongjie audit --format json -o 审计.json
      zongjie audit --format html -o 审计报告.html
      zongjie audit --save --db reports.db     # the audits table, for zongjie serve and export
      zongjie audit --status not_met --status partly --entity 广东
    """
    from zongjie.analysis.audit import audit, iter_audit
    from zongjie.analysis.export import AUDIT_COLUMNS, audit_html, audit_rows, to_xlsx

    if save:
        _open_store(db).close()  # a clear message when there is no store
        save_audit_tables(db)
    store = _open_store(db)
    if fmt in ("table", "csv", "json"):
        # written out as they come, an entity at a time: the pairs of a whole archive need not fit
        with store, _output(output) as out:
            wanted = (p for p in iter_audit(store, entity=entity, period=period, indicator=indicator)
                      if not statuses or p["status"] in statuses)
            _stream_audit(wanted, fmt, out)
        return
    with store:
        result = audit(store, entity=entity, period=period, indicator=indicator)
    if statuses:
        result = {"pairs": [p for p in result["pairs"] if p["status"] in statuses]}
    pairs = result["pairs"]
    if fmt == "xlsx":
        _emit(to_xlsx({"audit": (audit_rows(pairs), AUDIT_COLUMNS)}), output)
    else:
        _emit(audit_html(result), output)


@contextlib.contextmanager
def _output(output: str | None) -> Iterator[Any]:
    """A text stream to ``output``, or standard output."""
    if not output:
        yield sys.stdout
        return
    with open(output, "w", encoding="utf-8") as f:
        yield f
    click.echo(f"wrote {output}", err=True)


def _stream_audit(pairs: Iterable[dict[str, Any]], fmt: str, out: Any) -> None:
    """Audit pairs written one at a time, as ``to_json``, ``to_csv`` or ``audit_table`` would write them all."""
    from zongjie.analysis.export import AUDIT_COLUMNS, audit_rows, csv_writer

    counts = {s: 0 for s in _STATUSES}
    n = 0
    if fmt == "csv":
        write_row = csv_writer(out, AUDIT_COLUMNS)
    for p in pairs:
        if fmt == "json":
            item = json.dumps(p, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            out.write(('{\n  "pairs": [\n    ' if n == 0 else ",\n    ") + item)
        elif fmt == "csv":
            (row,) = audit_rows([p])
            write_row(row)
        else:
            out.write(audit_table([p], counts=False))
        counts[p["status"]] = counts.get(p["status"], 0) + 1
        n += 1
    if fmt == "json":
        out.write('{\n  "pairs": []\n}\n' if n == 0 else "\n  ]\n}\n")
    elif fmt == "table":
        out.write(_counts_line(n, counts) + "\n" if n else "no targets found\n")


def audit_table(pairs: list[dict[str, Any]], *, counts: bool = True) -> str:
    """Audit pairs as a plain-text table, one line each, then the counts by status."""
    lines = []
    for p in pairs:
        t = p["target"]
        if t.get("parts"):
            target_text = f"({len(t['parts'])} parts)"
        else:
            target_text = _figure(t["value"], t["unit"], t["value"] is None, t["qualifier"], t["value_max"])
        r = p["result"]
        if r is None:
            result_text = "—"
        elif r.get("evidence") == "statement":
            result_text = "(stated)"
        elif r.get("evidence") == "count":
            result_text = "(by part)"
        else:
            result_text = _figure(r["value"], r["unit"], r["value"] is None, r["qualifier"])
        lines.append(f"{_pad(safe(p['entity']), 10)} {p['period']:8s} {_pad(safe(p['indicator']), 24)} "
                     f"{_pad(target_text, 15, right=True)} → {_pad(result_text, 15)} {p['status']:12s} "
                     f"{safe(p['reason'])}")
    if counts:
        lines.append(status_counts(pairs))
    return "\n".join(lines) + "\n"


_STATUSES = ("met", "not_met", "partly", "no_evidence")


def status_counts(pairs: list[dict[str, Any]]) -> str:
    """``12 targets: 5 met, 2 not_met, 0 partly, 5 no_evidence``."""
    return _counts_line(len(pairs), {s: sum(p["status"] == s for p in pairs) for s in _STATUSES})


def _counts_line(n: int, counts: dict[str, int]) -> str:
    return f"{n} targets: " + ", ".join(f"{c} {s}" for s, c in counts.items())


def save_audit_tables(db: str, *, quiet: bool = False, changed: bool = True) -> None:
    """Rewrite the store's ``audits`` and ``indicator_canonical`` tables (after an ingest, or audit --save).

    ``changed`` False (an ingest that added nothing) keeps tables that are
    already filled: they were made from the same facts.
    """
    from zongjie.analysis.audit import save_audit
    from zongjie.schema.store import Store

    try:
        with Store(db) as store:
            if not changed and store.db.execute("SELECT 1 FROM indicator_canonical LIMIT 1").fetchone():
                return
            counts = save_audit(store)
    except ZongjieError as exc:
        raise click.ClickException(f"audit not saved: {exc}") from exc
    if not quiet:
        total = sum(counts[s] for s in ("met", "not_met", "partly", "no_evidence"))
        click.echo(f"audits: {total} targets saved (" + ", ".join(
            f"{counts[s]} {s}" for s in ("met", "not_met", "partly", "no_evidence")) + ")", err=True)
