"""The model pass over segmented files: many segments per model call, and the source sentence.

* Batching across segments: the segmented formats (lines, JSON Lines, PO, XLIFF, TMX) hand the
  model pass a window of segments at once (``Pipeline.fix_in_order``), so the rewriter gets
  one call for many segments instead of one per segment. The output bytes and the change
  records must be exactly those of one segment at a time (``segment_window=1``).
* Bilingual context: for PO, XLIFF, TMX and ``--source``, each sentence reaches the rewriter
  with its segment's source text (``sources=``), and the ``openai`` backend puts it in the
  chat message (checked against the stub server).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from model_server_stub import Script, running

from mtfix.api import build_pipeline
from mtfix.change import Change
from mtfix.formats import FormatOptions, fix_document
from mtfix.pipeline import Pipeline, SegmentJob
from mtfix.rewrite import ModelPass, OpenAIRewriter
from mtfix.rewrite.prompts import SOURCE_INSTRUCTION_SUFFIX

pytestmark = [pytest.mark.timeout(60)]
pytest.importorskip("pysbd")

DATA = Path(__file__).parent / "data" / "formats"

#: sentence -> what the scripted model answers (accepted, rejected by a guard, or unchanged)
SCRIPT = {
    "The meeting discuss the work of 2024.": "The meeting discussed the work of 2024.",
    "officials from 16 cities attends the meeting.": "Officials from 16 cities attended the meeting.",
    "The police arrested 12 suspect.": "The police arrested 13 suspects.",  # numbers guard
    "He was not in Hefei.": "He was in Hefei.",  # negation guard
}
LINES = [
    "The meeting discuss the work of 2024. officials from 16 cities attends the meeting.",
    "",
    "The police arrested 12 suspect.",
    "He was not in Hefei.",
    "Nothing to change here.",
]
SOURCES = ["会议讨论了2024年的工作。来自16个城市的官员出席了会议。", "", "警方逮捕了12名嫌疑人。",
           "他不在合肥。", "这里没有要改的。"]


class ScriptedRewriter:
    """Answers from :data:`SCRIPT` (else the sentence as it is); records each call."""

    model_id = "scripted"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.sources: list[str | None] = []

    def rewrite(self, sentences: Sequence[str], *, batch_size: int = 8,
                progress: Callable[[int], None] | None = None,
                sources: Sequence[str | None] | None = None) -> list[str | None]:
        self.calls.append(list(sentences))
        self.sources.extend(sources if sources is not None else [None] * len(sentences))
        if progress:
            progress(len(sentences))
        return [SCRIPT.get(s, s) for s in sentences]


def _run(path: Path, tmp_path: Path, *, window: int, **options) -> tuple[bytes, list[Change],
                                                                         ScriptedRewriter, ModelPass]:
    rewriter = ScriptedRewriter()
    model_pass = ModelPass(rewriter, rewrite="all", segment_window=window)  # type: ignore[arg-type]
    pipeline = build_pipeline(default_glossaries=False, use_rules=False, extra_passes=[model_pass])
    out = tmp_path / f"out-{window}{path.suffix}"
    changes = list(fix_document(path, out, pipeline=pipeline, options=FormatOptions(**options)))
    return out.read_bytes(), changes, rewriter, model_pass


def _po(tmp_path: Path) -> Path:
    entries = "".join(f'\nmsgid "{s}"\nmsgstr "{t}"\n' for s, t in zip(SOURCES, LINES, strict=True)
                      if t)
    path = tmp_path / "in.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n' + entries,
                    encoding="utf-8")
    return path


def _xliff(tmp_path: Path) -> Path:
    units = "".join(f'<trans-unit id="u{i}"><source>{s}</source><target>{t}</target></trans-unit>'
                    for i, (s, t) in enumerate(zip(SOURCES, LINES, strict=True)) if t)
    path = tmp_path / "in.xlf"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" '
                    'xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="zh" '
                    f'target-language="en" datatype="plaintext" original="x"><body>{units}'
                    '</body></file></xliff>\n', encoding="utf-8")
    return path


def _tmx(tmp_path: Path) -> Path:
    units = "".join(f'<tu><tuv xml:lang="zh"><seg>{s}</seg></tuv><tuv xml:lang="en"><seg>{t}</seg>'
                    '</tuv></tu>' for s, t in zip(SOURCES, LINES, strict=True) if t)
    path = tmp_path / "in.tmx"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header '
                    'srclang="zh" datatype="plaintext" segtype="sentence" adminlang="en" '
                    f'creationtool="t" creationtoolversion="1" o-tmf="t"/><body>{units}</body>'
                    '</tmx>\n', encoding="utf-8")
    return path


def _lines(tmp_path: Path) -> tuple[Path, Path]:
    path, source = tmp_path / "in.mt", tmp_path / "in.zh"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    source.write_text("\n".join(SOURCES) + "\n", encoding="utf-8")
    return path, source


def _jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": t, "note": t}) + "\n"
                            for i, t in enumerate(LINES)), encoding="utf-8")
    return path


FILES: dict[str, Callable[[Path], tuple[Path, dict]]] = {
    "lines": lambda tmp: (_lines(tmp)[0], {}),
    "lines --source": lambda tmp: (_lines(tmp)[0], {"source": str(_lines(tmp)[1])}),
    "jsonl": lambda tmp: (_jsonl(tmp), {"fields": ("text", "note")}),
    "po": lambda tmp: (_po(tmp), {}),
    "xliff": lambda tmp: (_xliff(tmp), {}),
    "tmx": lambda tmp: (_tmx(tmp), {}),
}


@pytest.mark.parametrize("kind", list(FILES))
def test_segments_in_one_call_give_the_bytes_and_records_of_one_at_a_time(kind, tmp_path):
    path, options = FILES[kind](tmp_path)
    alone, alone_changes, alone_rewriter, alone_pass = _run(path, tmp_path, window=1, **options)
    together, changes, rewriter, model_pass = _run(path, tmp_path, window=256, **options)
    assert together == alone
    assert changes == alone_changes
    assert model_pass.stats == alone_pass.stats
    assert [s for call in rewriter.calls for s in call] == [
        s for call in alone_rewriter.calls for s in call]
    assert len(rewriter.calls) == 1 < len(alone_rewriter.calls)
    # the script did something: accepted rewrites, and flags from the guards
    assert model_pass.stats.accepted >= 1
    assert set(model_pass.stats.rejected) == {"numbers", "negation"}
    assert b"discussed" in together and b"13 suspects" not in together


def test_a_window_smaller_than_the_file_still_gives_the_same_output(tmp_path):
    path, _source = _lines(tmp_path)
    path.write_text("\n".join(LINES * 7) + "\n", encoding="utf-8")
    alone, alone_changes, _, _ = _run(path, tmp_path, window=1)
    together, changes, rewriter, _ = _run(path, tmp_path, window=3)
    assert (together, changes) == (alone, alone_changes)
    assert len(rewriter.calls) == 12  # 35 lines, 3 at a time (28 of them with text)


def test_fix_segments_matches_fix_segment_for_any_pass_order():
    """Passes before and after the batching pass still run per segment, in order."""
    rewriter = ScriptedRewriter()
    from mtfix.passes.rules import RulesPass

    pipeline = Pipeline([RulesPass(), ModelPass(rewriter, rewrite="all"), RulesPass()])  # type: ignore[arg-type]
    texts = ["The meeting discuss the work of 2024.", "He was not in Hefei.", "x  y",
             "The police arrested 12 suspect."]
    jobs = [SegmentJob(t, {"doc": "d", "segment": str(i)}) for i, t in enumerate(texts)]
    assert pipeline.fix_segments(jobs) == [pipeline.fix_segment(j.text, **j.options) for j in jobs]


def test_without_a_batching_pass_segments_go_one_at_a_time():
    pipeline = build_pipeline(default_glossaries=False)
    assert pipeline.segment_window == 1
    model = ModelPass(ScriptedRewriter(), segment_window=64)  # type: ignore[arg-type]
    assert build_pipeline(default_glossaries=False, extra_passes=[model]).segment_window == 64
    with pytest.raises(ValueError, match="segment_window"):
        ModelPass(ScriptedRewriter(), segment_window=0)  # type: ignore[arg-type]


# -- the source sentence ---------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["lines --source", "po", "xliff", "tmx"])
def test_each_sentence_reaches_the_rewriter_with_its_source(kind, tmp_path):
    path, options = FILES[kind](tmp_path)
    _, _, rewriter, _ = _run(path, tmp_path, window=256, **options)
    sent = [s for call in rewriter.calls for s in call]
    by_sentence = dict(zip(sent, rewriter.sources, strict=True))
    # a segment of two sentences: each gets the whole segment's source
    assert by_sentence["The meeting discuss the work of 2024."] == SOURCES[0]
    assert by_sentence["officials from 16 cities attends the meeting."] == SOURCES[0]
    assert by_sentence["He was not in Hefei."] == "他不在合肥。"
    assert by_sentence["Nothing to change here."] == "这里没有要改的。"


@pytest.mark.parametrize("kind", ["lines", "jsonl"])
def test_without_a_source_the_rewriter_is_not_given_one(kind, tmp_path):
    path, options = FILES[kind](tmp_path)
    _, _, rewriter, _ = _run(path, tmp_path, window=256, **options)
    assert rewriter.sources and set(rewriter.sources) == {None}


def test_the_source_reaches_a_model_server_in_the_chat_message(tmp_path):
    path = _po(tmp_path)
    def translation(turn: str) -> str:
        sentence = turn.rpartition("Translation: ")[2]
        return SCRIPT.get(sentence, sentence)

    with running(Script(rewrite=translation)) as server:
        model_pass = ModelPass(OpenAIRewriter(server.url, "stub-model", key="", backoff_s=0.01),
                               rewrite="all")
        pipeline = build_pipeline(default_glossaries=False, use_rules=False,
                                  extra_passes=[model_pass])
        list(fix_document(path, tmp_path / "out.po", pipeline=pipeline))
        requests = list(server.requests)
    turns = {r["messages"][-1]["content"] for r in requests}
    assert "Source: 他不在合肥。\nTranslation: He was not in Hefei." in turns
    assert ("Source: 会议讨论了2024年的工作。来自16个城市的官员出席了会议。\n"
            "Translation: The meeting discuss the work of 2024.") in turns
    assert all(r["messages"][0]["content"].endswith(SOURCE_INSTRUCTION_SUFFIX) for r in requests)
    # the worked examples have no source: they are shown as plain sentences
    assert not any("Source:" in m["content"] for r in requests for m in r["messages"][1:-1])
    assert "discussed" in (tmp_path / "out.po").read_text(encoding="utf-8")


def test_segments_of_a_file_reach_a_model_server_in_parallel(tmp_path):
    """One sentence per line: with segments batched, requests overlap up to the bound."""
    path = tmp_path / "in.mt"
    path.write_text("".join(f"Line {i} is here.\n" for i in range(24)), encoding="utf-8")
    with running(Script(delay_s=0.05)) as server:
        model_pass = ModelPass(OpenAIRewriter(server.url, "stub-model", key="", parallel=8),
                               rewrite="all")
        pipeline = build_pipeline(default_glossaries=False, use_rules=False,
                                  extra_passes=[model_pass])
        list(fix_document(path, tmp_path / "out.mt", pipeline=pipeline))
        assert server.chat_calls == 24
        assert 1 < server.max_in_flight <= 8
