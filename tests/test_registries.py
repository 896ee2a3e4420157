"""One registry per extension point: rules, formats and the pass contract.

Adding a rule or a format is adding one module: the tests below drop a module into the
package's search path and check that it is found, listed and used, with nothing else edited.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import mtfix.formats as formats_package
import mtfix.passes.rules as rules_package
from mtfix.formats import FORMATS, SPECS, SUFFIX_FORMATS, detect_format
from mtfix.formats import base as format_base
from mtfix.passes.base import BasePass
from mtfix.passes.rules import RULE_TYPES, RulesPass, UnknownRuleError, reference_markdown
from mtfix.passes.rules import base as rule_base
from mtfix.pipeline import Pipeline

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_rules_reference_is_generated_from_the_registry():
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == reference_markdown(), (
        "docs/rules.md is stale: run `mtfix rules --markdown > docs/rules.md`")


def test_every_rule_declares_its_contract_and_documents_itself():
    for rule_type in RULE_TYPES:
        assert rule_type.scope in ("inline", "line"), rule_type.id
        assert sys.modules[rule_type.__module__].__doc__, f"{rule_type.id}: no module doc"
    assert [t.id for t in RULE_TYPES] == ["chrome", "news_furniture", "duplicate_lines",
                                          "repetition", "spacing", "tokenized",
                                          "stray_punctuation", "fullwidth", "capitals", "cjk"]


NEW_RULE = '''"""Shouting: a word in capitals of five letters or more, written out of a sentence."""

from mtfix.change import Edit
from mtfix.passes.rules.base import BaseRule, register_rule


@register_rule
class ShoutRule(BaseRule):
    id = "zz_shout"
    description = "Lower-case SHOUTED words."
    default = False
    order = 90
    options = {"word": "the word to lower-case"}

    def __init__(self, word: str = "HELLO") -> None:
        self.word = word

    def find(self, text, guard):
        i = text.find(self.word)
        return [] if i < 0 else [Edit(i, i + len(self.word), self.word.lower(), self.id)]
'''


@pytest.fixture
def extra_module(tmp_path, monkeypatch):
    """Put a module file in a package's search path for one test; forget it afterwards."""
    added = []

    def add(package, name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
        monkeypatch.setattr(package, "__path__", [*package.__path__, str(tmp_path)])
        added.append(f"{package.__name__}.{name}")

    yield add
    for module in added:
        sys.modules.pop(module, None)


def test_a_new_rule_is_one_module(extra_module, monkeypatch):
    monkeypatch.setitem(rule_base.REGISTRY, "zz_shout", None)  # so that teardown removes it
    del rule_base.REGISTRY["zz_shout"]
    extra_module(rules_package, "zz_shout", NEW_RULE)
    types = rules_package._import_rule_modules()
    monkeypatch.setattr(rules_package, "RULE_TYPES", types)
    assert types[-1].id == "zz_shout"
    assert "zz_shout" not in RulesPass().rule_ids  # off by default
    rules = RulesPass(["zz_shout"], options={"zz_shout": {"word": "LOUD"}})
    text = "They were LOUD ."
    assert [(e.start, e.after) for e in rules.find_edits(text) if e.rule == "zz_shout"] == \
        [(10, "loud")]
    assert "## zz_shout" in rules_package.reference_markdown()
    with pytest.raises(UnknownRuleError, match="has no option"):
        RulesPass(["zz_shout"], options={"zz_shout": {"volume": 3}})


def test_rule_declarations_are_checked_at_registration():
    class NoId(rule_base.BaseRule):
        description = "x"

    with pytest.raises(TypeError, match="needs a non-empty str 'id'"):
        rule_base.register_rule(NoId)

    class BadScope(rule_base.BaseRule):
        id = "bad"
        description = "x"
        scope = "paragraph"  # type: ignore[assignment]

    with pytest.raises(TypeError, match="scope must be one of"):
        rule_base.register_rule(BadScope)


def test_options_of_unknown_rules_are_refused():
    with pytest.raises(UnknownRuleError, match="unknown rule 'nope'"):
        RulesPass(options={"nope": {"x": 1}})


NEW_FORMAT = '''"""Upper-case lines, fixed as one segment each (a test format)."""

from mtfix.fileio import atomic_writer
from mtfix.formats.base import FormatSpec, register_format


def fix_shout_file(source, target, *, pipeline, doc, options):
    with atomic_writer(target) as out:
        for number, line in enumerate(source.read_text().splitlines(keepends=True), 1):
            fixed, changes = pipeline.fix_segment(line.lower(), doc=doc, segment=str(number),
                                                  format="shout")
            out.write(fixed)
            yield from changes


register_format(FormatSpec(name="shout", suffixes=(".shout",), fix=fix_shout_file,
                           description="upper-case lines", segment_ids="the line number"))
'''


def test_a_new_format_is_one_module(extra_module, monkeypatch, tmp_path):
    monkeypatch.setitem(format_base.REGISTRY, "shout", None)  # so that teardown removes it
    del format_base.REGISTRY["shout"]
    extra_module(formats_package, "zz_shout", NEW_FORMAT)
    specs = formats_package._import_format_modules()
    monkeypatch.setattr(formats_package, "SPECS", specs)
    monkeypatch.setattr(formats_package, "SUFFIX_FORMATS",
                        {s: spec.name for spec in specs.values() for s in spec.suffixes})
    source = tmp_path / "a.shout"
    source.write_text("THE ANTI SMUGGLING BUREAU MET .\n")
    assert formats_package.detect_format(source) == "shout"
    changes = list(formats_package.fix_document(source, tmp_path / "out.shout",
                                                pipeline=Pipeline([RulesPass(only=["spacing"])])))
    assert (tmp_path / "out.shout").read_text() == "the anti smuggling bureau met.\n"
    assert {c.format for c in changes} == {"shout"} and changes[0].segment == "1"


def test_format_registry_is_consistent():
    assert FORMATS == ("text", "md", "lines", "jsonl", "parquet", "po", "xliff", "tmx")
    for name, spec in SPECS.items():
        assert spec.name == name and callable(spec.fix) and spec.description
        assert all(SUFFIX_FORMATS[suffix] == name for suffix in spec.suffixes)
    assert not SPECS["text"].segmented and SPECS["xliff"].segmented
    assert detect_format("x.unknown") == "text"
    with pytest.raises(ValueError, match="unknown format 'docx'"):
        detect_format("a.txt", "docx")
    with pytest.raises(TypeError, match="already claims"):
        format_base.register_format(format_base.FormatSpec(
            name="other", suffixes=(".po",), fix=SPECS["po"].fix, description="x"))


def test_a_pass_without_the_contract_is_refused_naming_what_it_lacks():
    class Half:
        name = "half"

        def find_edits(self, text, protected=()):
            return []

    with pytest.raises(TypeError, match="lacks wants_flags, wants_segment, wants_source, "
                                        "rule_order, fingerprint"):
        Pipeline([Half()])


def test_fingerprints_tell_passes_apart():
    class Upper(BasePass):
        name = "upper"

        def __init__(self, level: int) -> None:
            self.level = level

        def state(self) -> str:
            return str(self.level)

    assert Upper(1).fingerprint() == Upper(1).fingerprint() != Upper(2).fingerprint()
    assert RulesPass(only=["spacing"]).fingerprint() != RulesPass().fingerprint()
