"""What ``fix`` and ``check`` share: the project configuration under the command-line flags,
and the pipeline built from both (flags override the configuration, setting by setting)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mtfix.cli.common import usage_error

if TYPE_CHECKING:
    from mtfix.config import Config
    from mtfix.glossary import Glossary
    from mtfix.pipeline import Pipeline

GlossaryOption = Annotated[list[Path] | None, typer.Option(
    "--glossary", "-g", help="Add a glossary file (.toml or .tsv); repeatable.")]
DefaultGlossariesOption = Annotated[bool | None, typer.Option(
    "--default-glossaries/--no-default-glossaries", show_default=False,
    help="Use the shipped glossaries [default: yes, or default_glossaries of the "
         "configuration].")]
ConfigOption = Annotated[str | None, typer.Option(
    "--config", metavar="FILE", show_default=False,
    help="Use this configuration file (mtfix.toml, or pyproject.toml with [tool.mtfix]) "
         "instead of the nearest one above the inputs.")]
ForceExcludeOption = Annotated[bool, typer.Option(
    "--force-exclude", help="Apply the configuration's exclude patterns and .gitignore to files "
    "named on the command line too (for pre-commit hooks and editors).")]
NoConfigOption = Annotated[bool, typer.Option(
    "--no-config", help="Use no configuration file: the defaults and the flags only.")]


def run_config(inputs: Sequence[str], config_file: str | None, no_config: bool) -> Config:
    """The configuration of this run; a bad one is a usage error naming file, line and key."""
    from mtfix.config import ConfigError, config_for_inputs, default_config, read_config

    if config_file and no_config:
        raise usage_error("--config and --no-config exclude each other")
    try:
        if no_config:
            return default_config()
        if config_file:
            return read_config(Path(config_file))
        return config_for_inputs(inputs)
    except ConfigError as exc:
        raise usage_error(f"config: {exc}") from None


def build_run_pipeline(config: Config, glossary: Sequence[Path], default_glossaries: bool | None,
                       rule: Sequence[str], no_rule: Sequence[str],
                       extra_passes: Sequence[Any] = (), memory: Any = None,
                       ) -> tuple[Pipeline, Glossary]:
    """The pipeline of a run: the configuration's glossaries then ``-g`` ones, its rules with
    ``--rule``/``--no-rule`` over them, its rule options, the remembered decisions ``memory``.
    Usage errors for a broken glossary, an unknown rule or a bad rule option."""
    from mtfix.api import build_pipeline, load_glossary_set
    from mtfix.glossary.model import GlossaryError

    both = sorted(set(rule) & set(no_rule))
    if both:
        raise usage_error(f"--rule and --no-rule both name {', '.join(both)}; "
                          "keep the one you mean")
    defaults = config.default_glossaries if default_glossaries is None else default_glossaries
    enabled, disabled = config.rule_switches(rule, no_rule)
    try:
        glossaries = load_glossary_set([*config.glossaries, *glossary], defaults=defaults)
        pipeline = build_pipeline(glossaries, rules=enabled, disabled_rules=disabled,
                                  extra_passes=extra_passes, rule_options=config.rule_options,
                                  memory=memory)
    except GlossaryError as exc:
        raise usage_error(f"glossary: {exc}") from None
    except ValueError as exc:  # an unknown rule id, a bad page-chrome list or rule option
        raise usage_error(str(exc)) from None
    return pipeline, glossaries


def from_config(ctx: typer.Context, config: Config, values: dict[str, Any],
                keys: dict[str, str]) -> dict[str, Any]:
    """``values`` (parameter name -> value) with the configuration's value for each parameter
    the command line left at its default; ``keys`` maps a parameter to its ``[model]`` key."""
    out = dict(values)
    for param, key in keys.items():
        source = ctx.get_parameter_source(param)
        if key in config.model and (source is None or source.name == "DEFAULT"):
            out[param] = config.model[key]
    return out


#: ``mtfix fix`` parameter -> ``[model]`` key of the configuration
MODEL_PARAMS = {"model": "name", "model_url": "url", "model_backend": "backend",
                "model_prompt": "prompt", "rewrite": "rewrite", "batch_size": "batch_size",
                "max_new_tokens": "max_new_tokens", "model_parallel": "parallel",
                "model_timeout": "timeout", "model_cache": "cache", "model_gpus": "gpus"}
