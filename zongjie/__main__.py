from zongjie.cli import cli

cli()
