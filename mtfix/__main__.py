"""``python -m mtfix``: the mtfix command line."""

from mtfix.cli.app import main

main()
