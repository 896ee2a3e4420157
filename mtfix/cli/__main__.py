"""``python -m mtfix.cli``: the mtfix command line."""

from mtfix.cli.app import main

main()
