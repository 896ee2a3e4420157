"""``mtfix config``: the effective project settings and the file each came from, a thin layer
over :func:`mtfix.config.load_config` and :func:`mtfix.config.describe`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mtfix.cli.common import usage_error


def config_cmd(
    path: Annotated[str, typer.Argument(
        help="A file or folder to show the settings for (its nearest mtfix.toml or "
             "[tool.mtfix] in pyproject.toml), or a configuration file itself.")] = ".",
) -> None:
    """Print the effective settings (as TOML) and, for each, the file and line it came from.

    Exit codes: 0 ok, 2 a bad configuration (the message names the file, line and key).
    """
    from mtfix.config import ConfigError, describe, load_config

    if not Path(path).exists():
        raise usage_error(f"{path}: no such file or folder")
    try:
        config = load_config(Path(path))
    except ConfigError as exc:
        raise usage_error(f"config: {exc}") from None
    for line in describe(config):
        typer.echo(line)
