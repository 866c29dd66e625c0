"""``zongjie export``: the whole store as files for pandas, R or Excel."""

from __future__ import annotations

import click

from zongjie.cli import _db_option, cli


@cli.command("export")
@_db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet", "jsonl"]), required=True,
              help="csv, jsonl and parquet write a directory (one file per table); xlsx one workbook.")
@click.option("--output", "-o", type=click.Path(), help="Directory or workbook. [default: zongjie-export(.xlsx)]")
def export_cmd(db: str, fmt: str, output: str | None) -> None:
    """Every fact table joined with its document's metadata, as files.

    Tables: documents, indicators (with the canonical indicator), quantities,
    times, commitments, entities, audits and ingest_errors. Each fact row
    carries its document's title, entity, year, period, type, issuing body
    and source path, and the sentence it was found in. Rows are streamed, so
    a large store needs little memory.

    \b
    Example:
      zongjie export --db reports.db --format xlsx -o 报告数据.xlsx
      zongjie export --db reports.db --format parquet -o 数据/    # pandas.read_parquet("数据/indicators.parquet")
      zongjie export --db reports.db --format csv                # zongjie-export/indicators.csv …
    """
    from zongjie.analysis.dataset import export
    from zongjie.cli.analysis import _open_store

    output = output or ("zongjie-export.xlsx" if fmt == "xlsx" else "zongjie-export")
    store = _open_store(db)
    try:
        with store:
            counts = export(store, fmt, output)
    except (ImportError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    for table, n in counts.items():
        click.echo(f"{table}: {n} rows")
    click.echo(f"wrote {output}", err=True)
