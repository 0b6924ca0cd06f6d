"""`python -m eslabon` runs the CLI."""

from eslabon.cli import main

main()
