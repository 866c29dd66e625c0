"""The ``zongjie`` command. The only module that prints or parses arguments."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import click

from zongjie.errors import ZongjieError

DEFAULT_DB = "zongjie.db"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def safe(text: Any) -> str:
    """Text from documents, with control characters (terminal escapes) removed."""
    return _CONTROL.sub("", str(text))


def _db_option(f):
    return click.option("--db", "db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
                        help="The SQLite store.")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zongjie")
def cli() -> None:
    """zongjie (总结): Chinese work summaries and government work reports as a searchable, auditable dataset.

    \b
    Quick start:
      zongjie demo                          # the bundled samples, end to end
      zongjie ingest 报告/ --db reports.db   # read an archive into a store
      zongjie search 家庭医生签约 --db reports.db
      zongjie extract 2025年工作总结.docx     # facts of one file, as a table
    """


# ---------------------------------------------------------------- ingest


def run_ingest(paths: list[str], db: str, *, quiet: bool = False, entities: bool = True,
               workers: int | None = None, scheduler: str | None = None, batch_size: int | None = None) -> Any:
    from tqdm import tqdm

    from zongjie.corpus.read import iter_files
    from zongjie.ingest import BATCH_DOCS, default_workers, ingest
    from zongjie.schema.store import Store

    if workers is None:
        workers = default_workers()
    # counted lazily (a walk, no list of files) so that the bar can show an ETA
    total = sum(1 for _ in iter_files([Path(p) for p in paths]))
    with Store(db) as store:
        bar = tqdm(total=total, unit="file", disable=quiet or None, file=sys.stderr, dynamic_ncols=True)

        def progress(path, report):
            bar.update(1)
            bar.set_postfix(docs=report.documents, skipped=report.skipped, errors=report.error_count,
                            refresh=False)

        try:
            report = ingest(paths, store, progress=progress, entities=entities, workers=workers,
                            scheduler=scheduler, batch_docs=batch_size or BATCH_DOCS)
        finally:
            bar.close()
        stats = store.stats()
    return report, stats


def _print_report(report: Any, db: str) -> None:
    click.echo(f"files: {report.files} ({report.skipped} unchanged, skipped)")
    click.echo(f"documents: {report.documents} read, {report.added} new in {db}")
    if getattr(report, "duplicates", 0):
        click.echo(f"near-duplicates: {report.duplicates} new copies of another document (zongjie duplicates)")
    if report.errors:
        click.echo(f"errors: {report.error_count}")
        for reason, n in report.errors.most_common():
            click.echo(f"  {reason}: {n}")
        for path, reason, message in report.failed_files[:20]:
            click.echo(f"  {safe(path)}: {reason}: {safe(message)[:200]}", err=True)
        if report.error_count > 20:
            click.echo(f"  … and {report.error_count - 20} more (see the ingest_errors table)", err=True)
    else:
        click.echo("errors: 0")


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@_db_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--no-entities", is_flag=True, help="Skip entity recognition (faster).")
@click.option("--workers", "-j", type=click.IntRange(min=0), default=None,
              help="Worker processes reading and extracting (default: one per core; 0: in this process).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Read and extract on this Dask cluster instead (pip install 'zongjie[dask]').")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, metavar="N",
              help="Documents per transaction (default 64, or 0.25 s worth): smaller shows readers "
                   "progress sooner, larger writes faster.")
def ingest_cmd(paths: tuple[str, ...], db: str, quiet: bool, no_entities: bool, workers: int | None,
               scheduler: str | None, batch_size: int | None) -> None:
    """Read files and folders (.docx .doc .wps .pdf .txt .html .jsonl .csv .zip) into the store.

    Each file becomes documents or a recorded error with its reason; a bad
    file never stops the batch. Worker processes read and extract, one
    writer commits in file order; unchanged files are skipped on the next
    run, and an interrupted run continues where it stopped.

    \b
    Example:
      zongjie ingest 省政府工作报告2025/ 卫生局总结.zip --db reports.db
      zongjie ingest 档案/ --db reports.db --workers 4
      zongjie ingest /shared/档案/ --db reports.db --scheduler tcp://10.0.0.5:8786
    """
    try:
        report, _stats = run_ingest(list(paths), db, quiet=quiet, entities=not no_entities, workers=workers,
                                    scheduler=scheduler, batch_size=batch_size)
    except ZongjieError as exc:
        raise click.ClickException(str(exc)) from exc
    _print_report(report, db)
    if report.documents == 0 and report.skipped == 0:
        raise click.ClickException(
            "nothing could be ingested" + (f" ({report.error_count} errors above)" if report.errors else " (no files found)")
        )
    # the audits and canonical names of the whole store (kept when nothing new came in)
    analysis.save_audit_tables(db, quiet=quiet, changed=bool(report.added))


# ---------------------------------------------------------------- text


@cli.command("text")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Text, metadata, sections and sentences with offsets, as JSON.")
def text_cmd(file: str, as_json: bool) -> None:
    """Print the clean text of each document in FILE.

    \b
    Example:
      zongjie text 2023年卫生局上半年工作总结.txt
      zongjie text 河南省2025年政府工作报告.docx --json
    """
    from zongjie.corpus.documents import read_path
    from zongjie.corpus.read import ReadFailure

    out = []
    failed = 0
    for item in read_path(Path(file)):
        if isinstance(item, ReadFailure):
            failed += 1
            click.echo(f"{safe(item.source)}{'!' + safe(item.member) if item.member else ''}: {item.reason}: {safe(item.message)}", err=True)
            continue
        if as_json:
            out.append(_document_json(item, with_structure=True))
        else:
            if out:
                click.echo("\n" + "=" * 40 + "\n")
            out.append(item)
            click.echo(safe(item.text))
    if as_json:
        click.echo(json.dumps({"documents": out}, ensure_ascii=False, indent=1))
    if not out and failed:
        raise click.ClickException("no document could be read from this file")


def _document_json(doc: Any, *, with_structure: bool = False) -> dict[str, Any]:
    d: dict[str, Any] = {
        "id": doc.id,
        "source": doc.source,
        "member": doc.member,
        "format": doc.format,
        "article": doc.article,
        "text": doc.text,
        "meta": doc.meta.as_dict(),
    }
    if with_structure:
        d["sections"] = [asdict(s) for s in doc.sections]
        d["sentences"] = [{"start": s.start, "end": s.end, "section": s.section, "page": s.page} for s in doc.sentences]
        d["pages"] = doc.pages
    return d


# ---------------------------------------------------------------- extract


def extract_json(doc: Any, facts: Any) -> dict[str, Any]:
    """One document's facts in the shape ``score.py`` reads (offsets into ``text``)."""
    d = _document_json(doc)
    d["indicators"] = [i.as_dict() for i in facts.indicators]
    d["commitments"] = [c.as_dict() for c in facts.commitments]
    d["times"] = [t.as_dict() for t in facts.times]
    d["quantities"] = [q.as_dict() for q in facts.quantities]
    d["entities"] = [e.as_dict() for e in facts.entities]
    d["sentences"] = [{"start": s.start, "end": s.end, "section": s.section,
                       "role": doc.sections[s.section].role if s.section is not None and doc.sections else None,
                       "page": s.page} for s in doc.sentences]
    return d


def _fmt_value(value: Any, unit: Any, masked: bool = False, qualifier: Any = None, value_max: Any = None) -> str:
    if masked:
        v = "(masked)"
    elif value is None:
        v = "?"
    else:
        v = f"{value:g}" if isinstance(value, float) else str(value)
        if value_max is not None:
            v += f"–{value_max:g}"
    q = {"over": ">", "at_least": "≥", "at_most": "≤", "about": "≈"}.get(qualifier or "", "")
    return f"{q}{v} {unit or ''}".strip()


@cli.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--no-entities", is_flag=True, help="Skip entity recognition (faster).")
@click.option("--rules-only", is_flag=True, help="No learned model adds a fact (see README, Learned models).")
def extract_cmd(file: str, fmt: str, no_entities: bool, rules_only: bool) -> None:
    """Extract indicators, commitments, times and entities from FILE.

    Every fact carries character offsets into the document's clean text and
    the id of the rule that produced it.

    \b
    Example:
      zongjie extract 2023年卫生局上半年工作总结.txt
      zongjie extract 河南省2025年政府工作报告.docx --format json > facts.json
    """
    from zongjie.corpus.documents import read_path
    from zongjie.corpus.read import ReadFailure
    from zongjie.extract.pipeline import extract

    docs = []
    for item in read_path(Path(file)):
        if isinstance(item, ReadFailure):
            click.echo(f"{safe(item.source)}: {item.reason}: {safe(item.message)}", err=True)
            continue
        docs.append((item, extract(item, entities=not no_entities, models=not rules_only)))
    if fmt == "json":
        click.echo(json.dumps({"documents": [extract_json(d, f) for d, f in docs]}, ensure_ascii=False))
    else:
        for doc, facts in docs:
            _print_facts(doc, facts)
    if not docs:
        raise click.ClickException("no document could be read from this file")


def _print_facts(doc: Any, facts: Any) -> None:
    m = doc.meta
    click.secho(f"\n{safe(m.title or doc.source)}", bold=True)
    click.echo(f"year {m.year if m.year else ('masked' if m.year_masked else '?')} · {m.period} · {m.doc_type}"
               f"{' · ' + safe(m.org) if m.org else ''}")
    click.secho(f"\nindicators ({len(facts.indicators)})", bold=True)
    for i in facts.indicators:
        flags = " ".join(f for f, on in (("masked", i.masked), ("SUSPECT", i.suspect)) if on)
        click.echo(f"  {i.kind:6s} {safe(i.name or '—')[:28]:28s} {_fmt_value(i.value, i.unit, i.masked, i.qualifier, i.value_max):>18s}"
                   f"  {safe(doc.text[i.start:i.end])[:30]} {flags}")
    click.secho(f"\ncommitments ({len(facts.commitments)})", bold=True)
    for c in facts.commitments:
        if c.measurable:
            click.echo(f"  {c.deadline or '—':10s} {c.strength or '':7s} {safe(c.text)[:60]}")
    click.secho(f"\ntimes ({len(facts.times)})", bold=True)
    for t in facts.times:
        click.echo(f"  {safe(t.text):14s} {t.from_ or '—'} .. {t.to or '—'}{' masked' if t.masked else ''}")


# ---------------------------------------------------------------- search


@cli.command("search")
@click.argument("query")
@_db_option
@click.option("--year", type=int, help="Only documents reporting on this year.")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Hits as JSON lines.")
def search_cmd(query: str, db: str, year: int | None, limit: int, as_json: bool) -> None:
    """Full-text search in Chinese over every sentence in the store.

    The query is segmented like the index (jieba with domain lexicons), so
    家庭医生 finds 家庭医生式服务 but 生签 does not match 医生签约.

    \b
    Example:
      zongjie search 主要预期目标
      zongjie search 家庭医生签约 --year 2023 --limit 5
    """
    from zongjie.schema.store import Store

    if not Path(db).exists():
        raise click.ClickException(f"no store at {db}: run `zongjie ingest PATH --db {db}` first")
    try:
        with Store(db, readonly=True) as store:
            hits = store.search(query, year=year, limit=limit)
    except (ZongjieError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        for h in hits:
            click.echo(json.dumps(asdict(h), ensure_ascii=False))
        return
    if not hits:
        click.echo("no match")
        return
    for h in hits:
        click.secho(f"{safe(h.title or h.source)} ({h.year or '?'})", bold=True)
        snippet = safe(h.snippet)
        click.echo("  " + re.sub(r"\[([^\]]*)\]", lambda m: click.style(m.group(1), fg="red", bold=True), snippet))


# ---------------------------------------------------------------- demo


def sample_dir() -> Path:
    """The sample archive shipped inside the package."""
    return Path(str(resources.files("zongjie.data").joinpath("samples")))


@cli.command("demo")
@_db_option
def demo_cmd(db: str) -> None:
    """Run the bundled sample archive end to end: ingest, search, compare across years, audit.

    The samples: national 政府工作报告 (2012, 2013, 2018, 2019), the 广东 and
    河南 2025 reports (.docx), 广东 2026 (CSV), health-bureau 工作总结 web copies.

    \b
    Example:
      zongjie demo --db 演示.db
    """
    samples = sample_dir()
    click.secho(f"Ingesting the bundled samples from {samples} into {db}", bold=True)
    report, stats = run_ingest([str(samples)], db)
    _print_report(report, db)
    analysis.save_audit_tables(db)  # the audits table, for serve and export
    click.echo("store: " + ", ".join(f"{k} {v}" for k, v in stats.get("tables", stats).items() if isinstance(v, int)))
    from zongjie.schema.store import Store

    with Store(db, readonly=True) as store:
        click.secho("\n$ zongjie search 主要预期目标 --limit 3", bold=True)
        for h in store.search("主要预期目标", limit=3):
            click.echo(f"  {safe(h.title)} ({h.year}): {safe(h.snippet)[:120]}")
        click.secho("\n$ zongjie search 家庭医生 --limit 3", bold=True)
        for h in store.search("家庭医生", limit=3):
            click.echo(f"  {safe(h.title)} ({h.year}): {safe(h.snippet)[:120]}")
        _demo_compare_and_audit(store, db)


def _demo_compare_and_audit(store: Any, db: str) -> None:
    """The point of zongjie in one screen: GDP growth across years, and every target checked."""
    from zongjie.analysis.audit import STATUSES, audit, summary
    from zongjie.analysis.compare import compare

    click.secho("\n$ zongjie compare GDP增长          # one indicator across years, actual against target", bold=True)
    click.echo(analysis.compare_table(compare(store, "GDP增长")), nl=False)
    pairs = audit(store)["pairs"]
    decided = [p for p in pairs if p["status"] != "no_evidence"]
    click.secho("\n$ zongjie audit                   # each target against what the next report says happened",
                bold=True)
    click.echo(analysis.audit_table(decided, counts=False), nl=False)
    click.echo(f"… and {len(pairs) - len(decided)} targets with no evidence in a later document (never guessed)")
    click.secho("\nSummary by entity", bold=True)
    by_entity: dict[str, dict[str, int]] = {}
    for row in summary(pairs):
        counts = by_entity.setdefault(row["entity"], dict.fromkeys(STATUSES, 0))
        for status in STATUSES:
            counts[status] += row[status]
    # as wide as the longest name (in terminal cells: a Chinese character takes two)
    width = max([analysis._width(safe(e)) for e in by_entity] + [10])
    click.echo(f"  {analysis._pad('entity', width)} " + " ".join(f"{s:>11s}" for s in STATUSES))
    for entity, counts in sorted(by_entity.items(), key=lambda kv: -sum(kv[1].values())):
        click.echo(f"  {analysis._pad(safe(entity), width)} " + " ".join(f"{counts[s]:>11d}" for s in STATUSES))
    click.echo("  " + analysis.status_counts(pairs))
    click.secho("\nNext", bold=True)
    click.echo(f"  zongjie audit --db {db} --format html -o 审计报告.html    # every pair with both quotes, offline")
    click.echo(f"  zongjie compare GDP增长 --db {db} --chart 国内生产总值增长.png")
    click.echo(f"  zongjie export --db {db} --format xlsx -o 数据.xlsx")
    click.echo(f"  zongjie serve --db {db}                                  # browse it all in the browser")


# Commands that live in their own modules register themselves on import.
import zongjie.cli.duplicates  # noqa: E402,F401  (zongjie duplicates)
import zongjie.cli.export  # noqa: E402,F401  (zongjie export)
import zongjie.cli.serve  # noqa: E402,F401
import zongjie.cli.train  # noqa: E402,F401  (zongjie train / evaluate)
from zongjie.cli import analysis  # noqa: E402,F401
