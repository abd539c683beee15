"""`python -m piarules` → the CLI."""

from piarules.cli import main

main()
