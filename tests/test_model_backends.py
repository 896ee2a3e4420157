"""The backend registry and the prompt builders, without a model or a server.

Adding a backend is adding one module: the test below drops one into the package's search
path and builds a pass from it by name, with nothing else edited.
"""

from __future__ import annotations

import sys

import pytest

import mtfix.rewrite.backends as backends_package
from mtfix.rewrite.backends import BackendError, BackendOptions, build_rewriter, choose_backend
from mtfix.rewrite.backends import base as backend_base
from mtfix.rewrite.cache import CachedRewriter, RewriteCache, cache_key, default_cache_dir
from mtfix.rewrite.prompts import (
    DEFAULT_INSTRUCTION,
    EXAMPLES,
    chat_messages,
    clean_reply,
    prompt_fingerprint,
    text_prompt,
)

NEW_BACKEND = '''"""Upper-cases every sentence (a test backend)."""

from mtfix.rewrite.backends.base import BackendSpec, register_backend


class Shout:
    model_id = "shout"

    def model_fingerprint(self):
        return "shout"

    def prompt_fingerprint(self):
        return ""

    def fingerprint(self):
        return "shout"

    def rewrite(self, sentences, *, batch_size=8, progress=None, sources=None, on_result=None):
        out = [s.upper() for s in sentences]
        for i, text in enumerate(out):
            if on_result:
                on_result(i, text)
        return out


register_backend(BackendSpec(name="zz_shout", description="upper-cases", build=lambda o: Shout(),
                             fingerprint=lambda o: "shout"))
'''


def test_a_new_backend_is_one_module(tmp_path, monkeypatch):
    (tmp_path / "zz_shout.py").write_text(NEW_BACKEND, encoding="utf-8")
    monkeypatch.setattr(backends_package, "__path__", [*backends_package.__path__, str(tmp_path)])
    monkeypatch.setitem(backend_base.REGISTRY, "zz_shout", None)  # so that teardown removes it
    del backend_base.REGISTRY["zz_shout"]
    try:
        monkeypatch.setattr(backends_package, "BACKENDS", backends_package._import_backend_modules())
        assert "zz_shout" in backends_package.BACKENDS
        built = build_rewriter(BackendOptions(), backend="zz_shout", cache=tmp_path / "cache")
        assert isinstance(built, CachedRewriter)
        assert built.rewrite(["a b."]) == ["A B."]
        assert built.rewrite(["a b."]) == ["A B."] and built.hits == 1
    finally:
        sys.modules.pop("mtfix.rewrite.backends.zz_shout", None)


def test_backend_choice_and_names_are_checked():
    assert choose_backend(None, BackendOptions(url="http://x/v1")).name == "openai"
    assert choose_backend(None, BackendOptions(model="m")).name == "transformers"
    with pytest.raises(BackendError, match="'nope' does not exist; choose openai or transformers"):
        choose_backend("nope", BackendOptions())
    spec = backend_base.REGISTRY["openai"]
    with pytest.raises(TypeError, match="registered twice"):
        backend_base.register_backend(backend_base.BackendSpec(
            name="openai", description="x", build=spec.build, fingerprint=spec.fingerprint))


def test_a_local_model_is_not_cached_unless_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("MTFIX_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    monkeypatch.delenv("MTFIX_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "mtfix"
    with pytest.raises(BackendError, match="needs --model"):
        build_rewriter(BackendOptions(), backend="transformers", cache="off")


def test_cache_keys_tell_model_prompt_sentence_and_source_apart(tmp_path):
    keys = {cache_key("m", "p", "s"), cache_key("m2", "p", "s"), cache_key("m", "p2", "s"),
            cache_key("m", "p", "s2"), cache_key("m", "p", "s", "source")}
    assert len(keys) == 5
    cache = RewriteCache(tmp_path)
    cache.put(cache_key("m", "p", "s"), model="m", prompt="p", sentence="s", rewrite="S")
    assert RewriteCache(tmp_path).get(cache_key("m", "p", "s")) == "S"  # on disk, reopened
    assert cache.get(cache_key("m", "p", "s2")) is None


def test_an_unwritable_cache_says_what_to_do(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(Exception, match=r"--model-cache DIR .* or --model-cache off"):
        RewriteCache(blocker / "sub")


# --- prompts ---------------------------------------------------------------------------------

def test_chat_messages_hold_instruction_examples_and_sentence():
    messages = chat_messages("The meeting discuss it.")
    assert messages[0] == {"role": "system", "content": DEFAULT_INSTRUCTION}
    assert len(messages) == 2 + 2 * len(EXAMPLES)
    assert messages[-1] == {"role": "user", "content": "The meeting discuss it."}
    assert [m["role"] for m in messages[1:-1]] == ["user", "assistant"] * len(EXAMPLES)


def test_a_source_sentence_can_be_given():
    messages = chat_messages("The meeting discuss it.", source="会议讨论了它。")
    assert "source sentence" in messages[0]["content"]
    assert messages[-1]["content"] == "Source: 会议讨论了它。\nTranslation: The meeting discuss it."
    assert text_prompt("A b.", prompt="Fix: ") == "Fix: A b."
    assert text_prompt("A b.", prompt="Fix: ", source="甲乙。") == "Fix: A b. (source: 甲乙。)"
    assert prompt_fingerprint(DEFAULT_INSTRUCTION, EXAMPLES) != prompt_fingerprint("Other.", EXAMPLES)


@pytest.mark.parametrize(("reply", "expected"), [
    ("The meeting discussed it.", "The meeting discussed it."),
    ('"The meeting discussed it."', "The meeting discussed it."),
    ("Corrected: The meeting discussed it.", "The meeting discussed it."),
    ("<think>\nthe verb is wrong\n</think>\n\nThe meeting discussed it.", "The meeting discussed it."),
    ("The meeting discussed it.\n\nI changed the verb tense.", "The meeting discussed it."),
    ("```\nThe meeting discussed it.\n```", "The meeting discussed it."),
])
def test_clean_reply_keeps_only_the_sentence(reply, expected):
    assert clean_reply(reply, "The meeting discuss it.") == expected


def test_clean_reply_keeps_what_the_sentence_had():
    assert clean_reply('"Yes," he said.', '"Yes," he say.') == '"Yes," he said.'
    assert clean_reply("Output: 5 units", "Output: 5 unit") == "Output: 5 units"
