from zongjie.cli import cli

# guarded: ingest worker processes (forkserver/spawn) import this module again
if __name__ == "__main__":
    cli()
