"""Long lines: a text with no line breaks is cut at safe sentence ends (memory stays a few
chunks) and gives exactly what fixing it whole gives; the one-segment-per-line formats refuse
a gigantic line by name."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mtfix.chunking
from mtfix.api import build_pipeline
from mtfix.chunking import chunk_text
from mtfix.fileio import InputError
from mtfix.formats import FormatOptions, fix_document
from mtfix.formats.text import stream_chunks

GLOSSARY = Path(__file__).parent / "data" / "formats-glossary.toml"

# Running text as MT leaves it: glossary hits, loops inside a sentence and filling one, quotes
# with spaces inside, capitals mid-sentence, spacing errors, a sentence said twice.
SENTENCES = [
    "The second-class inspector came to the meeting on time.",
    "Please click here to see the name of the new director.",
    "My lady, my lady, my lady, my lady, said the old servant quietly.",
    "My lord, my lord, my lord, my lord.",
    "Rival Rival Rival Rival Rival Rival Rival Rival Rival Rival won the prize.",
    'He said " we will come back " and left the room.',
    "The meeting Discussion Comprehensively summarize the work of the year.",
    "The cost , the price and the value went up  again.",
    "The cost of labor rose.",
    "The cost of labor rose.",
    "Never say anything, never say anything again.",
    "It was the ninth volume of the ninth volume of the ninth volume of the set.",
    "Mr. Smith lives in the U.S. and works at No. 5 Main Street.",
    "What happened next?",
    "Nobody knew!",
    "A sentence with (brackets ) and [ more ] of them.",
]


@pytest.fixture(scope="module")
def pipeline():
    return build_pipeline([GLOSSARY], default_glossaries=False)


def one_line(seed: int, sentences: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(SENTENCES) for _ in range(sentences)) + "\n"


def fix_file(pipeline, text: str, tmp: Path, chunk_size: int, name: str = "a.txt"):
    source = tmp / name
    source.write_text(text, encoding="utf-8")
    target = tmp / f"out-{chunk_size}-{name}"
    changes = list(fix_document(source, target, pipeline=pipeline,
                                options=FormatOptions(chunk_size=chunk_size)))
    return target.read_text(encoding="utf-8"), changes


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["a.txt", "a.md"])
def test_a_single_line_in_small_chunks_equals_fixing_it_whole_and_is_idempotent(
        pipeline, tmp_path, name):
    text = one_line(1, 3000)  # about 150,000 characters, no line break
    chunks = list(chunk_text(text, 2000))
    # cut inside the line (its last 64K characters end at its line break: one chunk)
    assert len(chunks) > 30 and max(map(len, chunks[:-1])) <= 2000
    fixed, changes = fix_file(pipeline, text, tmp_path, 2000, name)
    whole, whole_changes = fix_file(pipeline, text, tmp_path, 10 * len(text), name)
    assert fixed == whole and changes == whole_changes
    assert sum(not c.is_flag for c in changes) > 500
    again, more = fix_file(pipeline, fixed, tmp_path, 2000, "again-" + name)
    assert again == fixed and not [c for c in more if not c.is_flag]


@pytest.mark.timeout(60)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10**6), size=st.integers(50, 5000), piece=st.integers(1, 70_000))
def test_long_line_streamed_cuts_like_the_whole_text(pipeline, seed, size, piece):
    text = one_line(seed, 2500)
    parts = [text[i:i + piece] for i in range(0, len(text), piece)]
    chunks = list(stream_chunks(parts, size))
    assert chunks == list(chunk_text(text, size))
    assert "".join(chunks) == text


@pytest.mark.timeout(60)
def test_a_line_with_no_place_to_cut_is_refused_by_name(pipeline, tmp_path, monkeypatch):
    monkeypatch.setattr(mtfix.chunking, "LONG_LINE_LIMIT", 100_000)
    source = tmp_path / "a.txt"
    source.write_text("short line\n" + "word " * 40_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a\.txt:2: a line runs on for more than 100,000 "
                                         r"characters .*fold -s"):
        list(fix_document(source, tmp_path / "out.txt", pipeline=pipeline,
                          options=FormatOptions(chunk_size=1000)))
    assert not (tmp_path / "out.txt").exists()
    # below the limit such a line is one chunk, as before
    source.write_text("short line\n" + "word " * 15_000 + "\n", encoding="utf-8")
    list(fix_document(source, tmp_path / "out.txt", pipeline=pipeline,
                      options=FormatOptions(chunk_size=1000)))
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name,line", [
    ("a.mt", "the second-class inspector " * 5000),
    ("a.jsonl", json.dumps({"text": "the second-class inspector " * 5000})),
])
def test_a_gigantic_line_in_a_one_segment_per_line_file_is_refused_by_name(
        pipeline, tmp_path, monkeypatch, name, line):
    monkeypatch.setattr(mtfix.chunking, "LONG_LINE_LIMIT", 100_000)
    monkeypatch.setattr("mtfix.formats.lines.LONG_LINE_LIMIT", 100_000)
    monkeypatch.setattr("mtfix.formats.jsonl.LONG_LINE_LIMIT", 100_000)
    source = tmp_path / name
    source.write_text(json.dumps({"text": "name"}) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"{name}:2: line 2 is longer than 100,000 characters"):
        list(fix_document(source, tmp_path / "out", pipeline=pipeline,
                          options=FormatOptions(fields=("text",))))
    assert not (tmp_path / "out").exists()


@pytest.mark.timeout(60)
def test_an_indented_long_line_is_not_cut(pipeline, tmp_path):
    # markdown indented code: a piece after a cut would not start indented and lose protection
    code = "    " + one_line(2, 1500)
    fixed, changes = fix_file(pipeline, "Text.\n\n" + code, tmp_path, 2000, "a.md")
    assert fixed == "Text.\n\n" + code and not changes
    assert len(list(chunk_text(code, 2000))) == 1
