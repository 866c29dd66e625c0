"""``zongjie duplicates``: groups of near-duplicate documents (reposts, rewrites)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from zongjie.cli import _db_option, cli, safe
from zongjie.errors import ZongjieError


@cli.command("duplicates")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--update", is_flag=True,
              help="First sign and check documents not checked yet (a store made by an older zongjie).")
def duplicates_cmd(db: str, fmt: str, update: bool) -> None:
    """Groups of near-duplicate documents, each with its canonical copy.

    Reposts with other page furniture and pseudo-original rewrites (效劳 for
    服务) are found by MinHash over the clean text at the end of each ingest
    and checked by Jaccard similarity of character 5-grams (≥ 0.5). The
    canonical copy (published first, then longest) is the one compare and
    audit count; the copies point to it (documents.duplicate_of).

    \b
    Example:
      zongjie duplicates --db reports.db
      zongjie duplicates --db reports.db --format csv > 重复.csv
      zongjie duplicates --db old.db --update      # a store ingested before near-duplicate detection
    """
    from zongjie.analysis.duplicates import duplicate_groups, find_duplicates, sign_missing
    from zongjie.schema.store import Store

    if not Path(db).exists():
        raise click.ClickException(f"no store at {db}: run `zongjie ingest PATH --db {db}` first")
    try:
        with Store(db, readonly=not update) as store:
            if update:
                with store.writer_lock():
                    signed = sign_missing(store)
                    checked, found = find_duplicates(store)
                click.echo(f"signed {signed} documents, checked {checked}: {found} near-duplicates", err=True)
            groups = duplicate_groups(store)
    except ZongjieError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps({"groups": [{"canonical": g.canonical, "copies": g.copies} for g in groups]},
                              ensure_ascii=False, indent=1))
        return
    if fmt == "csv":
        buf = io.StringIO()
        out = csv.writer(buf)
        out.writerow(["group", "role", "document_id", "similarity", "source", "member", "title", "published", "chars"])
        for n, g in enumerate(groups, 1):
            for role, d in [("canonical", g.canonical), *(("copy", c) for c in g.copies)]:
                out.writerow([n, role, d["id"], d.get("similarity", ""), d["source"], d["member"] or "",
                              d["title"] or "", d["published"] or "", d["chars"]])
        click.echo(buf.getvalue(), nl=False)
        return
    if not groups:
        click.echo("no near-duplicates")
        return
    for n, g in enumerate(groups, 1):
        c = g.canonical
        click.echo(f"group {n}: {len(g.copies) + 1} documents")
        click.echo(f"  canonical  {safe(c['title'] or '')[:40]}  {safe(_where(c))}  {c['published'] or ''}")
        for d in g.copies:
            click.echo(f"  {d['similarity']:.2f}       {safe(d['title'] or '')[:40]}  {safe(_where(d))}  "
                       f"{d['published'] or ''}")


def _where(d: dict) -> str:
    return d["source"] + (f"!{d['member']}" if d["member"] else "")
