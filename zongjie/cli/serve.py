"""``zongjie serve``: the store in the browser (Datasette with zongjie's pages)."""

from __future__ import annotations

import click

from zongjie.cli import _db_option, cli


@cli.command("serve")
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. 0.0.0.0 lets every machine that can reach this one read the whole "
                   "store (see README, 'Browse in the browser').")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--live", is_flag=True,
              help="Follow a store an ingest is still writing to (read-only, not immutable).")
@click.option("--sql/--no-sql", "allow_sql", default=None,
              help="Let visitors run their own read-only SQL. Default: on for 127.0.0.1, off for other hosts.")
def serve_cmd(db: str, host: str, port: int, live: bool, allow_sql: bool | None) -> None:
    """Browse and search the store in a web browser (Datasette).

    Chinese full-text search, every fact one click from its document with
    the span highlighted, facets, canned queries and charts of indicators
    over time. The store is opened read-only; nothing served can change it.

    \b
    Example:
      zongjie serve --db reports.db                # then open http://127.0.0.1:8001/-/zongjie/search?q=医保
      zongjie serve --db reports.db --port 8080
      zongjie serve --db reports.db --host 0.0.0.0 --no-sql   # others on the network can read it
    """
    from zongjie.serve import ServeError, is_loopback, make_datasette

    local = is_loopback(host)
    if allow_sql is None:
        allow_sql = local
    try:
        ds = make_datasette(db, live=live, allow_sql=allow_sql)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc
    if not local:
        click.secho(f"warning: listening on {host}: anyone who can reach this machine can read the whole store "
                    "(no login, no encryption). Use it only on a trusted network.", fg="yellow", err=True)
    import asyncio
    import socket

    import uvicorn

    asyncio.run(ds.invoke_startup())
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}; try another --port") from exc
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}"
    click.echo(f"serving {db} at {url}/  ·  search: {url}/-/zongjie/search  ·  Ctrl+C to stop", err=True)
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
