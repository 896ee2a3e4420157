"""The ``mtfix`` command line: one thin module per command group over the Python API.

:mod:`.app` holds the application and registers the groups: :mod:`.fix` (``fix``),
:mod:`.check` (``check``), :mod:`.project` (``config``), :mod:`.report` (``report``,
``review``, ``apply``), :mod:`.rules` (``rules``), :mod:`.glossary` (``glossary ...``);
:mod:`.settings` puts the project configuration under the flags of ``fix`` and ``check``;
:mod:`.model` turns the model options into a model pass; :mod:`.common` holds exit codes,
error printing and the help classes that show help text as written.
"""

from mtfix.cli.app import app, main

__all__ = ["app", "main"]
