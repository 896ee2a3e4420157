"""The ``openai`` backend against a scripted OpenAI-compatible server on 127.0.0.1.

The server (``tests/model_server_stub.py``) runs in a thread of this process, counts the calls
and the requests in flight, and stops at the end of each test (and after 30 s whatever
happens). Covered: a normal rewrite through the pass, the request's content, parallel requests
up to the bound, retries after HTTP 500 and 429, a timeout, a server that is down, an unknown
model, a missing API key, the rewrite cache on a rerun, and the CLI end to end.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from model_server_stub import Script, closed_port_url, running
from typer.testing import CliRunner

from mtfix.api import build_pipeline
from mtfix.change import apply_changes
from mtfix.cli import app
from mtfix.rewrite import CachedRewriter, ModelPass, ModelServerError, OpenAIRewriter, RewriteCache
from mtfix.rewrite.backends import BACKENDS, BackendOptions, build_rewriter
from mtfix.rewrite.backends.openai import token_budget

pytestmark = [pytest.mark.timeout(60)]
pytest.importorskip("pysbd")

FIXES = {
    "The meeting discuss the work of 2024.": "The meeting discussed the work of 2024.",
    "officials from 16 cities attends the meeting.": "Officials from 16 cities attended the meeting.",
}
TEXT = "The meeting discuss the work of 2024. officials from 16 cities attends the meeting.\n"


def fixing(sentence: str) -> str:
    return FIXES.get(sentence, sentence)


def rewriter(url: str, **kwargs) -> OpenAIRewriter:
    kwargs.setdefault("backoff_s", 0.01)
    kwargs.setdefault("key", "")
    return OpenAIRewriter(url, kwargs.pop("model", "stub-model"), **kwargs)


def fix(rewriter_, text: str = TEXT):
    model_pass = ModelPass(rewriter_, rewrite="all")
    pipeline = build_pipeline(default_glossaries=False, use_rules=False, extra_passes=[model_pass])
    result = pipeline.fix_text(text, doc="t.txt")
    assert apply_changes(text, result.changes) == result.text
    return result, model_pass


def test_a_rewrite_goes_through_the_pass_as_word_changes() -> None:
    with running(Script(rewrite=fixing)) as server:
        result, model_pass = fix(rewriter(server.url))
    assert result.text == ("The meeting discussed the work of 2024. Officials from 16 cities "
                           "attended the meeting.\n")
    assert {(c.before, c.after) for c in result.changes} == {
        ("discuss", "discussed"), ("officials", "Officials"), ("attends", "attended")}
    assert all(c.rule == "stub-model" and c.pass_ == "model" for c in result.changes)
    assert model_pass.stats.accepted == 2 and server.chat_calls == 2


def test_the_request_is_a_deterministic_chat_with_examples() -> None:
    with running() as server:
        rewriter(server.url, key="sk-test", max_tokens=300).rewrite(["A short sentence."])
    body, headers = server.requests[0], server.headers[0]
    assert body["model"] == "stub-model" and body["temperature"] == 0 and body["stream"] is False
    assert body["max_tokens"] == token_budget("A short sentence.", 300) < 300
    roles = [m["role"] for m in body["messages"]]
    assert roles[0] == "system" and roles[-1] == "user" and roles.count("assistant") >= 2
    assert body["messages"][-1]["content"] == "A short sentence."
    assert headers["Authorization"] == "Bearer sk-test"


def test_requests_run_in_parallel_up_to_the_bound() -> None:
    sentences = [f"Sentence number {i} is here." for i in range(10)]
    done: list[int] = []
    with running(Script(delay_s=0.1)) as server:
        started = time.monotonic()
        out = rewriter(server.url, parallel=3).rewrite(sentences, progress=done.append)
        seconds = time.monotonic() - started
    assert out == sentences
    assert server.max_in_flight == 3
    assert sum(done) == 10
    assert seconds < 10 * 0.1  # faster than one at a time


def test_a_500_and_a_429_are_retried() -> None:
    with running(Script(fail=[500, 429], rewrite=fixing)) as server:
        out = rewriter(server.url, retries=3).rewrite(["The meeting discuss the work of 2024."])
    assert out == ["The meeting discussed the work of 2024."]
    assert server.chat_calls == 3


def test_retries_run_out_with_a_clear_error() -> None:
    with running(Script(fail=[503, 503, 503])) as server:
        with pytest.raises(ModelServerError) as info:
            rewriter(server.url, retries=2).rewrite(["One sentence."])
    message = str(info.value)
    assert server.url in message and "HTTP 503" in message and "(3 tries)" in message


def test_a_timeout_is_retried_then_named_and_the_backend_stops_asking() -> None:
    with running(Script(hang_s=5)) as server:
        slow = rewriter(server.url, timeout_s=0.2, retries=1)
        with pytest.raises(ModelServerError) as info:
            slow.rewrite(["One sentence."])
        assert server.chat_calls == 2
        with pytest.raises(ModelServerError):
            slow.rewrite(["Another sentence."])  # refused at once, nothing sent
        assert server.chat_calls == 2
    message = str(info.value)
    assert "no answer within 0.2 s" in message and "--model-timeout" in message
    assert "\n" not in message


def test_a_server_that_is_down_is_named_before_any_work() -> None:
    url = closed_port_url()
    with pytest.raises(ModelServerError) as info:
        build_rewriter(BackendOptions(model="m", url=url), cache="off")
    message = str(info.value)
    assert url in message and "cannot connect" in message and "docs/guide/model.md" in message


def test_the_model_is_picked_checked_and_listed() -> None:
    with running(Script(models=("only-one",))) as server:
        picked = build_rewriter(BackendOptions(url=server.url), cache="off")
        assert picked.model == "only-one" and picked.model_id == "only-one"
        wrong = build_rewriter(BackendOptions(model="typo", url=server.url), cache="off")
        with pytest.raises(ModelServerError, match=r"has no model 'typo' \(HTTP 404\); it serves "
                                                   r"only-one: name one with --model"):
            wrong.rewrite(["One sentence."])
    with running(Script(models=("a", "b"))) as server:
        with pytest.raises(ModelServerError, match="serves a, b: name the model with --model"):
            build_rewriter(BackendOptions(url=server.url), cache="off")


def test_a_base_url_without_v1_gets_a_hint() -> None:
    with running() as server:
        with pytest.raises(ModelServerError, match=r"usually ends in /v1"):
            build_rewriter(BackendOptions(model="stub-model", url=server.url[:-3]), cache="off")


def test_the_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("MTFIX_API_KEY", raising=False)
    with running(Script(require_key="sk-right")) as server:
        with pytest.raises(ModelServerError, match=r"wants an API key \(HTTP 401.*\$MTFIX_API_KEY "
                                                   r"or \$OPENAI_API_KEY; none is set"):
            OpenAIRewriter(server.url, "stub-model").rewrite(["One sentence."])
        monkeypatch.setenv("OPENAI_API_KEY", "sk-right")
        assert OpenAIRewriter(server.url, "stub-model").rewrite(["One."]) == ["One."]
        monkeypatch.setenv("MTFIX_API_KEY", "sk-wrong")  # MTFIX_API_KEY comes first
        with pytest.raises(ModelServerError, match="the key in it was refused"):
            OpenAIRewriter(server.url, "stub-model").rewrite(["One."])


def test_an_answer_cut_at_its_budget_is_not_a_rewrite() -> None:
    with running(Script(finish_reason="length", rewrite=lambda s: s[:5])) as server:
        assert rewriter(server.url).rewrite(["A sentence that was cut."]) == [None]


def test_a_rerun_is_answered_from_the_cache(tmp_path: Path) -> None:
    with running(Script(rewrite=fixing)) as server:
        first, _ = fix(CachedRewriter(rewriter(server.url), RewriteCache(tmp_path)))
        assert server.chat_calls == 2
        cached = CachedRewriter(rewriter(server.url), RewriteCache(tmp_path))
        again, _ = fix(cached)
        assert server.chat_calls == 2  # nothing sent
        assert again.text == first.text and cached.hits == 2 and cached.misses == 0
        # another instruction is another prompt: asked again
        other = CachedRewriter(rewriter(server.url, instruction="Fix it."), RewriteCache(tmp_path))
        fix(other)
        assert server.chat_calls == 4 and other.misses == 2


def test_rewrites_done_before_a_failure_are_kept_in_the_cache(tmp_path: Path) -> None:
    sentences = ["First sentence here.", "Second sentence here.", "Third sentence here."]
    with running(Script(fail=[400])) as server:  # the first request fails for good
        cached = CachedRewriter(rewriter(server.url, parallel=1), RewriteCache(tmp_path))
        with pytest.raises(ModelServerError, match="HTTP 400"):
            cached.rewrite(sentences)
    assert len(RewriteCache(tmp_path)) == 0
    with running() as server:
        cached = CachedRewriter(rewriter(server.url, parallel=1), RewriteCache(tmp_path))
        cached.rewrite(sentences[:2])
        assert len(cached.cache) == 2
        cached.rewrite(sentences)
        assert server.chat_calls == 3 and cached.hits == 2


def test_the_backends_are_registered_with_matching_fingerprints() -> None:
    assert set(BACKENDS) == {"openai", "transformers"}
    options = BackendOptions(model="m", url="http://127.0.0.1:1/v1/", max_new_tokens=99)
    built = OpenAIRewriter(options.url, options.model, max_tokens=options.max_new_tokens)
    assert BACKENDS["openai"].fingerprint(options) == built.model_fingerprint()
    assert BACKENDS["openai"].cache_by_default and not BACKENDS["transformers"].cache_by_default


def test_cli_fix_with_a_model_server_and_its_cache(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    with running(Script(rewrite=fixing)) as server:
        args = ["fix", str(source), "-o", str(tmp_path / "out"), "--no-default-glossaries",
                "--model-url", server.url, "--rewrite", "all", "--model-cache", str(tmp_path / "c")]
        first = CliRunner().invoke(app, args)
        assert first.exit_code == 0, first.output
        assert "model: 2 of 2 sentences sent, 2 rewrites accepted" in first.output
        assert (tmp_path / "out" / "in.txt").read_text(encoding="utf-8").startswith(
            "The meeting discussed the work")
        second = CliRunner().invoke(app, [*args[:3], str(tmp_path / "out2"), *args[4:]])
        assert second.exit_code == 0, second.output
        assert "model cache: 2 of 2 rewrites found in" in second.output
        assert server.chat_calls == 2


def test_cli_names_a_server_that_is_down_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    url = closed_port_url()
    result = CliRunner().invoke(app, ["fix", str(source), "-o", str(tmp_path / "out"),
                                      "--model-url", url, "--model-cache", "off"])
    assert result.exit_code == 2
    assert url in result.output and "cannot connect" in result.output
    assert not (tmp_path / "out").exists()


def test_cli_reports_a_server_failing_mid_run_under_the_file(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_text(TEXT, encoding="utf-8")
    with running(Script(fail=[400] * 10)) as server:
        result = CliRunner().invoke(app, ["fix", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                          "--no-default-glossaries", "--rewrite", "all",
                                          "--model-url", server.url, "--model-cache", "off"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "HTTP 400" in line]
    assert len(lines) == 2 and all(server.url in line for line in lines)
    assert "mtfix bug" not in result.output
    assert server.chat_calls <= 2  # the second file is refused without asking again
