"""The ``mtfix`` command line: one thin module per command group over the Python API.

:mod:`.app` holds the application and registers the groups: :mod:`.fix` (``fix``),
:mod:`.report` (``report``, ``review``, ``apply``), :mod:`.rules` (``rules``), :mod:`.glossary`
(``glossary ...``); :mod:`.model` turns the model options into a model pass; :mod:`.common`
holds exit codes and error printing.
"""

from mtfix.cli.app import app, main

__all__ = ["app", "main"]
