"""Project configuration: ``mtfix.toml``, or ``[tool.mtfix]`` in ``pyproject.toml``.

A run looks for its configuration the way ruff and Vale do: from each input (a file's folder,
or the folder itself) up through the parent folders, the first folder holding ``mtfix.toml``
or a ``pyproject.toml`` with a ``[tool.mtfix]`` table (``mtfix.toml`` wins when a folder has
both). Paths in it are relative to the folder of the file that holds them. Command-line flags
override it. The reference, with examples: docs/guide/config.md.

::

    glossaries = ["glossaries/house-style.toml"]   # added to the shipped ones
    default_glossaries = true                      # the shipped glossaries
    exclude = ["drafts/", "*.orig.txt"]            # gitignore-style, for files found in folders
    respect_gitignore = true                       # skip what .gitignore files ignore
    decisions = ".mtfix/decisions.jsonl"           # the project's remembered review decisions
    memory = true                                  # use them

    [rules]
    select = ["capitals"]                          # switch on besides the default rules
    ignore = ["repetition"]                        # switch off
    [rules.options.chrome]                         # a rule's options (`mtfix rules`)
    phrases = "house-chrome.txt"

    [formats]                                      # format by glob (first match wins)
    "corpus/**/*.out" = "lines"

    [model]                                        # the --model* flags of `mtfix fix`
    url = "http://127.0.0.1:8000/v1"
    name = "coedit-large"

One configuration governs a run: inputs whose nearest configurations differ are refused
(:func:`config_for_inputs`); one run has one pipeline, one change log and one report, so
mixing two projects' settings in it would make its record ambiguous.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtfix.fileio import read_settings_text

CONFIG_NAME = "mtfix.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_DECISIONS = ".mtfix/decisions.jsonl"
DEFAULT = "default"  # the source of a setting no file gave

#: model settings: key -> (type, the `mtfix fix` flag it stands for)
MODEL_KEYS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "name": (str, "--model"), "url": (str, "--model-url"), "backend": (str, "--model-backend"),
    "prompt": (str, "--model-prompt"), "rewrite": (str, "--rewrite"),
    "batch_size": (int, "--batch-size"), "max_new_tokens": (int, "--max-new-tokens"),
    "parallel": (int, "--model-parallel"), "timeout": ((int, float), "--model-timeout"),
    "cache": (str, "--model-cache"), "gpus": ((int, float), "--model-gpus"),
}
#: ``[model]`` numbers that may be 0 or a fraction (GPUs per model actor: 0 puts it on a CPU)
_FRACTIONS = frozenset({"gpus"})
_CHOICES = {"rewrite": ("flagged", "all"), "backend": ("transformers", "openai")}
_TOP_KEYS = ("glossaries", "default_glossaries", "exclude", "respect_gitignore", "decisions",
             "memory", "rules", "formats", "model")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file, the line and the key,
    and says what is expected. The CLI exits with code 2."""


@dataclass
class Config:
    """The effective project settings. ``path`` is the file they came from (``None``: no
    configuration was found, every setting is its default); ``root`` is its folder, which the
    paths, excludes and format globs are relative to. ``sources`` maps each setting's name
    (``glossaries``, ``rules.select``, ``model.url``...) to where its value came from:
    ``"FILE:LINE"`` or ``"default"``."""

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    glossaries: tuple[Path, ...] = ()
    default_glossaries: bool = True
    rules_select: tuple[str, ...] = ()
    rules_ignore: tuple[str, ...] = ()
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    formats: tuple[tuple[str, str], ...] = ()  # (glob, format name), in file order
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    model: dict[str, Any] = field(default_factory=dict)
    decisions_path: Path = field(default_factory=lambda: Path.cwd() / DEFAULT_DECISIONS)
    memory: bool = True
    sources: dict[str, str] = field(default_factory=dict)

    def source(self, key: str) -> str:
        return self.sources.get(key, DEFAULT)

    def settings(self) -> list[tuple[str, Any]]:
        """Every setting as (name, value), in the order ``mtfix config`` prints them."""
        out: list[tuple[str, Any]] = [
            ("glossaries", [str(p) for p in self.glossaries]),
            ("default_glossaries", self.default_glossaries),
            ("rules.select", list(self.rules_select)), ("rules.ignore", list(self.rules_ignore))]
        out += [(f"rules.options.{rule}.{key}", value)
                for rule, values in sorted(self.rule_options.items())
                for key, value in sorted(values.items())]
        out += [(_format_key(glob), name) for glob, name in self.formats]
        out += [("exclude", list(self.exclude)), ("respect_gitignore", self.respect_gitignore)]
        out += [(f"model.{key}", self.model[key]) for key in MODEL_KEYS if key in self.model]
        out += [("decisions", str(self.decisions_path)), ("memory", self.memory)]
        return out

    def rule_switches(self, enable: Sequence[str] = (), disable: Sequence[str] = ()
                      ) -> tuple[list[str], list[str]]:
        """(rules to switch on, rules to switch off): ``rules.select`` and ``rules.ignore``
        with the command line's ``--rule`` (``enable``) and ``--no-rule`` (``disable``) over
        them, rule by rule."""
        on, off = set(enable), set(disable)
        enabled = [r for r in self.rules_select if r not in off] + [r for r in enable]
        disabled = [r for r in self.rules_ignore if r not in on] + [r for r in disable]
        return list(dict.fromkeys(enabled)), list(dict.fromkeys(disabled))

    def format_for(self, path: Path) -> str | None:
        """The format the ``[formats]`` globs give ``path`` (the first that matches), or
        ``None``. Globs match paths relative to :attr:`root`; nothing outside it."""
        rel = _relative(path, self.root)
        if rel is None:
            return None
        for glob, name in self.formats:
            if _spec([glob]).match_file(rel):
                return name
        return None

    def ignore_filter(self) -> IgnoreFilter:
        """What a folder walk skips under this configuration (see :class:`IgnoreFilter`)."""
        return IgnoreFilter(self)


def _format_key(glob: str) -> str:
    """A ``[formats]`` setting's name as TOML writes it: ``formats."*.out"``."""
    return "formats." + json.dumps(glob, ensure_ascii=False)


def _relative(path: Path, root: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _spec(lines: Iterable[str]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(lines))


class IgnoreFilter:
    """Whether a file or folder found while walking an input folder is skipped: it matches an
    ``exclude`` pattern (gitignore-style, relative to the configuration's folder), or, with
    ``respect_gitignore``, a ``.gitignore`` in its folder or a parent folder inside the same
    git work tree (``.gitignore`` files outside a git work tree mean nothing to git and are
    not read). Files named on the command line are never skipped."""

    def __init__(self, config: Config) -> None:
        self._root = config.root
        self._exclude = _spec(config.exclude) if config.exclude else None
        self._gitignore = config.respect_gitignore
        self._specs: dict[Path, Any] = {}

    def __call__(self, path: Path, is_dir: bool = False) -> bool:
        suffix = "/" if is_dir else ""
        if self._exclude is not None:
            rel = _relative(path, self._root)
            if rel is not None and self._exclude.match_file(rel + suffix):
                return True
        if not self._gitignore:
            return False
        path = Path(path).absolute()
        top = _git_top(path.parent)
        if top is None:
            return False
        folder = path.parent
        while True:
            spec = self._gitignore_spec(folder)
            if spec is not None and spec.match_file(path.relative_to(folder).as_posix() + suffix):
                return True
            if folder == top or folder.parent == folder:
                return False
            folder = folder.parent

    def _gitignore_spec(self, folder: Path):
        if folder not in self._specs:
            try:
                lines = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                lines = []
            self._specs[folder] = _spec(lines) if lines else None
        return self._specs[folder]


def _git_top(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


# -- finding and reading -------------------------------------------------------------------------

def find_config_file(start: Path) -> Path | None:
    """The nearest configuration file for ``start`` (a file: from its folder; a folder: from
    itself), walking up to the filesystem root: ``mtfix.toml``, else a ``pyproject.toml`` that
    has a ``[tool.mtfix]`` table. ``None`` if there is none."""
    start = Path(start).absolute()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_NAME).is_file():
            return candidate / CONFIG_NAME
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_mtfix_table(pyproject):
            return pyproject
    return None


def _has_mtfix_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*mtfix\s*[\].]", text, re.MULTILINE) is not None


def default_config() -> Config:
    """The settings when there is no configuration file (relative to the current folder)."""
    here = Path.cwd().absolute()
    return Config(root=here, decisions_path=here / DEFAULT_DECISIONS)


def load_config(start: Path) -> Config:
    """The configuration that governs ``start`` (a file or folder being fixed): the nearest
    configuration file's settings (:func:`find_config_file`), or the defaults if there is
    none. A configuration file given itself (``mtfix.toml``, ``pyproject.toml``) is read.
    Raises :class:`ConfigError` for a bad file (naming its file, line and key)."""
    start = Path(start)
    if start.is_file() and start.name in (CONFIG_NAME, PYPROJECT):
        return read_config(start)
    found = find_config_file(start)
    return default_config() if found is None else read_config(found)


def config_for_inputs(inputs: Sequence[str]) -> Config:
    """The one configuration of a run over ``inputs`` (``-``, standard input, looks from the
    current folder). Inputs whose nearest configurations differ (or one with a configuration
    and one without) are refused with a :class:`ConfigError` naming both: run once per
    project, or give the configuration with ``--config``."""
    chosen: dict[Path | None, str] = {}
    for arg in inputs or ["."]:
        start = Path.cwd() if arg == "-" else Path(arg)
        chosen.setdefault(find_config_file(start), arg)
    if len(chosen) > 1:
        (one, first), (other, second) = list(chosen.items())[:2]
        raise ConfigError(
            f"{first} and {second} have different configurations ({one or 'none'} and "
            f"{other or 'none'}); a run uses one: fix each project in a run of its own, or give "
            "one with --config FILE (or none with --no-config)")
    (only,) = chosen
    return read_config(only) if only is not None else default_config()


def read_config(path: Path) -> Config:
    """Read one configuration file (``mtfix.toml`` or ``pyproject.toml``'s ``[tool.mtfix]``)
    and check every key and value; :class:`ConfigError` names file, line and key."""
    path = Path(path).absolute()
    text = read_settings_text(path, ConfigError, "configuration file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line = f":{where.group(1)}" if where else ""
        if "(at end of document)" in str(exc):  # unclosed: the last line opened it
            line = f":{max(1, len(text.splitlines()))}"
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        reason = reason.replace("(at end of document)", "at the end of the file")
        raise ConfigError(f"{path}{line}: not valid TOML: {reason}; fix the syntax") from None
    prefix: tuple[str, ...] = ()
    if path.name == PYPROJECT:
        prefix = ("tool", "mtfix")
        data = data.get("tool", {}).get("mtfix")
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: no [tool.mtfix] table; add one, or put the settings in "
                              f"{CONFIG_NAME}")
    return _Reader(path, text, prefix).read(data)


class _Reader:
    """Checks one file's settings, each error naming the file, the line and the key."""

    def __init__(self, path: Path, text: str, prefix: tuple[str, ...]) -> None:
        self.path, self.text, self.prefix = path, text, prefix
        self.root = path.parent
        self.config = Config(path=path, root=self.root,
                             decisions_path=self.root / DEFAULT_DECISIONS)

    def where(self, *keys: str) -> str:
        line = _line_of(self.text, (*self.prefix, *keys))
        return f"{self.path}:{line}" if line else str(self.path)

    def fail(self, keys: Sequence[str], message: str) -> ConfigError:
        name = ".".join(k if re.fullmatch(r"[\w-]+", k) else f'"{k}"' for k in keys)
        return ConfigError(f"{self.where(*keys)}: {name}: {message}")

    def got(self, key: str, *keys: str) -> None:
        self.config.sources[key] = self.where(*keys)

    def read(self, data: Mapping[str, Any]) -> Config:
        cfg = self.config
        self.unknown(data, _TOP_KEYS, ())
        if "glossaries" in data:
            cfg.glossaries = tuple(self.root / p for p in self.strings(data, "glossaries"))
            self.got("glossaries", "glossaries")
        for key in ("default_glossaries", "respect_gitignore", "memory"):
            if key in data:
                setattr(cfg, key, self.typed(data[key], bool, (key,), "true or false"))
                self.got(key, key)
        if "exclude" in data:
            cfg.exclude = tuple(self.strings(data, "exclude"))
            self.got("exclude", "exclude")
        if "decisions" in data:
            cfg.decisions_path = self.root / self.typed(data["decisions"], str, ("decisions",),
                                                        "a path (relative to this file)")
            self.got("decisions", "decisions")
        if "rules" in data:
            self.rules(self.table(data["rules"], ("rules",)))
        if "formats" in data:
            self.formats(self.table(data["formats"], ("formats",)))
        if "model" in data:
            self.model(self.table(data["model"], ("model",)))
        return cfg

    # -- checks

    def unknown(self, data: Mapping[str, Any], known: Sequence[str], keys: tuple[str, ...]) -> None:
        for key in data:
            if key not in known:
                raise self.fail((*keys, key), f"unknown key; known keys here: {', '.join(known)}")

    def typed(self, value: Any, kind, keys: Sequence[str], expected: str) -> Any:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.fail(keys, f"expected {expected}, not {_shown(value)}")
        return value

    def table(self, value: Any, keys: tuple[str, ...]) -> Mapping[str, Any]:
        return self.typed(value, dict, keys, f"a table ([{'.'.join(keys)}])")

    def strings(self, data: Mapping[str, Any], *keys: str) -> list[str]:
        value = data[keys[-1]]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(keys, f"expected a list of strings, not {_shown(value)}")
        return value

    def rules(self, rules: Mapping[str, Any]) -> None:
        from mtfix.passes.rules import RULE_TYPES

        known = {t.id: t for t in RULE_TYPES}
        cfg = self.config
        self.unknown(rules, ("select", "ignore", "options"), ("rules",))
        for key in ("select", "ignore"):
            if key in rules:
                ids = self.strings(rules, "rules", key)
                for rule_id in ids:
                    if rule_id not in known:
                        raise self.fail(("rules", key), f"unknown rule {rule_id!r}; known rules: "
                                        f"{', '.join(known)}")
                setattr(cfg, f"rules_{key}", tuple(ids))
                self.got(f"rules.{key}", "rules", key)
        both = sorted(set(cfg.rules_select) & set(cfg.rules_ignore))
        if both:
            raise self.fail(("rules", "ignore"), f"{', '.join(both)} also in rules.select; keep "
                            "the one you mean")
        options = self.table(rules.get("options", {}), ("rules", "options"))
        for rule_id, values in options.items():
            keys = ("rules", "options", rule_id)
            if rule_id not in known:
                raise self.fail(keys, f"unknown rule; known rules: {', '.join(known)}")
            values = self.table(values, keys)
            self.unknown(values, list(known[rule_id].options) or ["(none)"], keys)
            cfg.rule_options[rule_id] = {k: self.option_value(v) for k, v in values.items()}
            for key in values:
                self.got(f"rules.options.{rule_id}.{key}", *keys, key)

    def option_value(self, value: Any) -> Any:
        """A rule option naming a file (a phrase list) is relative to this file's folder."""
        if isinstance(value, str) and not Path(value).is_absolute() and (self.root / value).exists():
            return str(self.root / value)
        return value

    def formats(self, formats: Mapping[str, Any]) -> None:
        from mtfix.formats import FORMATS

        for glob, name in formats.items():
            if name not in FORMATS:
                raise self.fail(("formats", glob), f"unknown format {name!r}; choose one "
                                f"of {', '.join(FORMATS)}")
            self.config.formats += ((glob, name),)
            self.got(_format_key(glob), "formats", glob)

    def model(self, model: Mapping[str, Any]) -> None:
        self.unknown(model, list(MODEL_KEYS), ("model",))
        for key, value in model.items():
            kind, flag = MODEL_KEYS[key]
            expected = "a string" if kind is str else "a whole number" if kind is int else "a number"
            self.typed(value, kind, ("model", key), f"{expected} (as {flag})")
            least = 0 if key in _FRACTIONS else 1
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < least:
                raise self.fail(("model", key), f"expected at least {least}, not {value}")
            if key in _CHOICES and value not in _CHOICES[key]:
                raise self.fail(("model", key), f"choose {' or '.join(_CHOICES[key])}, "
                                f"not {value!r}")
            self.config.model[key] = value
            self.got(f"model.{key}", "model", key)


def _shown(value: Any) -> str:
    kind = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({value!r})" if not isinstance(value, dict) else kind


_KEY = r"(?:\"[^\"]*\"|'[^']*'|[\w-]+)"
_ASSIGN_RE = re.compile(rf"^\s*({_KEY}(?:\s*\.\s*{_KEY})*)\s*=")


def _line_of(text: str, keys: Sequence[str]) -> int | None:
    """The line of ``keys`` (a table path, its last part the key) in TOML ``text``: the line
    that sets the key in its table (or with a dotted key), else the table's header. Best effort
    (the values were checked by a real parser; this only points at them)."""
    *table, key = keys
    header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
    current: list[str] = []
    header_line = None
    for number, line in enumerate(text.splitlines(), 1):
        match = header_re.match(line)
        if match:
            current = _key_parts(match.group(1))
            if current == [*table, key]:
                header_line = number
            continue
        assign = _ASSIGN_RE.match(line)
        if assign and [*current, *_key_parts(assign.group(1))] == [*table, key]:
            return number
    if header_line:
        return header_line
    return _line_of(text, table) if table else None


def _key_parts(dotted: str) -> list[str]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([^.\s]+)", dotted)
    return [a or b or c for a, b, c in parts]


def describe(config: Config) -> list[str]:
    """``mtfix config``'s lines: the file, then each setting as TOML with where it came from."""
    head = f"# configuration: {config.path}" if config.path else \
        "# no configuration file found (mtfix.toml or [tool.mtfix] in pyproject.toml): defaults"
    rows = [(name, json.dumps(value, ensure_ascii=False), config.source(name))
            for name, value in config.settings()]
    width = max(len(f"{n} = {v}") for n, v, _ in rows)
    return [head] + [f"{f'{n} = {v}':<{width}}  # {src}" for n, v, src in rows]

