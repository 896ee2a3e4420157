"""The Ray engine and mtfix.ray on a local Ray cluster started inside the tests (two CPUs, one
cluster for the whole module): ``--engine ray`` writes exactly the outputs and change log of
``--engine local`` (a test and a property over random corpora), reports a bad file with its
path and the same exit code, and ``fix_dataset`` adds what ``fix_text`` gives, with the model
pass too (a tiny untrained T5 built here, on CPU)."""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # nothing reaches the network
os.environ.setdefault("RAY_DEDUP_LOGS", "0")
ray = pytest.importorskip("ray", reason='the Ray engine needs the ray extra: pip install "mtfix[ray]"')
pytest.importorskip("ray.data", reason='the Ray engine needs the ray extra: pip install "mtfix[ray]"')
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from mtfix.api import build_pipeline, fix_text  # noqa: E402
from mtfix.batch import fix_paths  # noqa: E402
from mtfix.cli import app  # noqa: E402
from mtfix.engines.ray_engine import RayRunner  # noqa: E402
from mtfix.formats import FormatOptions  # noqa: E402
from mtfix.passes.base import BasePass  # noqa: E402

PIPELINE = build_pipeline()
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "anhui-police-meeting-2024.txt"
LINES = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture(scope="module", autouse=True)
def cluster():
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield
    if started:
        ray.shutdown()


def _tree(root: Path) -> dict[str, bytes]:
    """Outputs and change log (the parts folder kept after a failure names its own folder)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not str(p.relative_to(root)).startswith(".")}


def _corpus(rng: random.Random, lines: int) -> str:
    return "".join(rng.choice(LINES) + ("\n" if rng.random() < 0.2 else "") for _ in range(lines))


def _inputs(root: Path, rng: random.Random, files: int) -> None:
    for n in range(files):
        kind = rng.choice(["txt", "jsonl", "parquet", "mt"])
        text = _corpus(rng, rng.randint(0, 30))
        path = root / f"sub{n % 2}" / f"f{n}.{kind}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "jsonl":
            path.write_text("".join(json.dumps({"id": i, "text": line.rstrip("\n")}) + "\n"
                                    for i, line in enumerate(text.splitlines(True))),
                            encoding="utf-8")
        elif kind == "parquet":
            pq.write_table(pa.table({"text": text.splitlines() or [None]}), path)
        else:
            path.write_text(text, encoding="utf-8")


def _both(inputs: list[str], tmp: Path, **options) -> tuple:
    local = fix_paths(inputs, pipeline=PIPELINE, output_dir=str(tmp / "local"), jobs=2, **options)
    on_ray = fix_paths(inputs, pipeline=PIPELINE, output_dir=str(tmp / "ray"), jobs=2,
                       runner=RayRunner(), **options)
    return local, on_ray


def test_ray_engine_writes_what_the_local_engine_writes(tmp_path: Path) -> None:
    rng = random.Random(7)
    root = tmp_path / "in"
    _inputs(root, rng, 8)
    big = root / "big.txt"
    big.write_text(_corpus(rng, 600), encoding="utf-8")  # split into pieces (chunk 2000)
    (root / "bad.jsonl").write_text('{"text": "fine ."}\nnot json\n', encoding="utf-8")
    options = {"options": FormatOptions(fields=("text",), chunk_size=2000)}
    local, on_ray = _both([str(root), str(big)], tmp_path, **options)
    assert _tree(tmp_path / "local") == _tree(tmp_path / "ray")
    assert local.summary() == on_ray.summary()
    assert [(r.input, r.output and Path(r.output).name, r.error) for r in local.results] == \
        [(r.input, r.output and Path(r.output).name, r.error) for r in on_ray.results]
    assert [r.input for r in on_ray.failed] == [str(root / "bad.jsonl")]
    assert f"{root / 'bad.jsonl'}:2: not a JSON object line" in on_ray.failed[0].error


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), files=st.integers(1, 6))
def test_any_corpus_gives_the_same_outputs_on_ray(tmp_path_factory, seed: int, files: int) -> None:
    tmp = tmp_path_factory.mktemp("corpus")
    _inputs(tmp / "in", random.Random(seed), files)
    local, on_ray = _both([str(tmp / "in")], tmp,
                          options=FormatOptions(fields=("text",), chunk_size=500))
    assert _tree(tmp / "local") == _tree(tmp / "ray")
    assert local.summary() == on_ray.summary()


def test_cli_engine_ray_same_exit_code_and_log_as_local(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("The Anti smuggling Bureau met .\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_bytes(b"not UTF-8 \xff\n")
    runner = CliRunner()
    codes = {}
    for engine in ("local", "ray"):
        result = runner.invoke(app, ["fix", str(tmp_path / "in"), "-o", str(tmp_path / engine),
                                     "--engine", engine, "--jobs", "2", "-q"])
        codes[engine] = result.exit_code
        assert f"{tmp_path / 'in' / 'b.txt'}:1: not valid UTF-8" in result.output
    assert codes == {"local": 1, "ray": 1}
    assert _tree(tmp_path / "local") == _tree(tmp_path / "ray")
    usage = runner.invoke(app, ["fix", str(tmp_path / "in"), "-o", str(tmp_path / "x"),
                                "--engine", "spark"])
    assert usage.exit_code == 2 and "unknown engine 'spark'; choose local or ray" in usage.output


def test_fix_dataset_adds_what_fix_text_gives() -> None:
    import mtfix.ray

    texts = ["The Anti smuggling Bureau met .", None, "It was held  in Hefei .", "Fine."]
    ds = ray.data.from_items([{"id": f"doc{i}", "text": t} for i, t in enumerate(texts)])
    rows = mtfix.ray.fix_dataset(ds, doc_column="id", concurrency=1, batch_size=2).take_all()
    by_id = {row["id"]: row for row in rows}
    for i, text in enumerate(texts):
        row = by_id[f"doc{i}"]
        if text is None:
            assert row["text_fixed"] is None and row["text_changes"] == ""
            continue
        expected = fix_text(text, doc=f"doc{i}")
        assert row["text_fixed"] == expected.text
        records = [json.loads(line) for line in row["text_changes"].splitlines()]
        assert [r["id"] for r in records] == [c.id for c in expected.changes]
        assert {r["doc"] for r in records} <= {f"doc{i}"}


def test_fix_dataset_runs_the_model_pass_in_its_actors(tmp_path: Path) -> None:
    """An untrained T5 emits junk: every rewrite is rejected by the guards (flags, text
    intact) — the model ran in the actor, on CPU."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("sentencepiece")
    pytest.importorskip("pysbd")
    import mtfix.ray

    folder = _untrained_t5(tmp_path)
    text = "The meeting stressed the work in 2024. Officials discussed the budget on Monday."
    ds = ray.data.from_items([{"text": text}])
    rows = mtfix.ray.fix_dataset(ds, concurrency=1, default_glossaries=False, model=str(folder),
                                 model_options={"rewrite": "all", "prompt": "Fix: "}).take_all()
    assert rows[0]["text_fixed"] == text
    records = [json.loads(line) for line in rows[0]["text_changes"].splitlines()]
    assert records and all(r["pass"] == "model" and r["before"] == r["after"] for r in records)


def _untrained_t5(root: Path) -> Path:
    import sentencepiece as spm
    import torch
    import transformers

    torch.set_num_threads(1)
    words = ["The meeting", "Officials", "stressed", "discussed", "the work", "the budget",
             "in 2024.", "on Monday.", "Fix: "]
    rng = random.Random(0)
    corpus = [" ".join(rng.choice(words) for _ in range(6)) for _ in range(200)]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus), model_prefix=str(root / "spiece"), vocab_size=60,
        model_type="unigram", pad_id=0, eos_id=1, unk_id=2, bos_id=-1, character_coverage=1.0,
        hard_vocab_limit=False, minloglevel=2, num_threads=1)
    tokenizer = transformers.T5Tokenizer.from_pretrained(str(root), extra_ids=0)
    torch.manual_seed(0)
    model = transformers.T5ForConditionalGeneration(transformers.T5Config(
        vocab_size=len(tokenizer), d_model=32, d_ff=64, num_layers=1, num_decoder_layers=1,
        num_heads=2, d_kv=16, dropout_rate=0.0, decoder_start_token_id=tokenizer.pad_token_id,
        pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id))
    folder = root / "t5"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


class _DiesOnce(BasePass):
    """A pass whose process dies the first time it sees "KILL" (a worker killed mid-file)."""

    name = "dies-once"

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def find_edits(self, text, protected=()):
        if "KILL" in text and not os.path.exists(self.marker):
            Path(self.marker).write_text("died")
            os._exit(1)
        return []


def test_a_worker_that_dies_is_restarted_and_its_file_retried(tmp_path: Path) -> None:
    from ray import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # Ray workers cannot import tests
    (tmp_path / "in").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "in" / f"{name}.txt").write_text(
            f"The Anti smuggling Bureau met {'KILL' if name == 'b' else name} .\n", encoding="utf-8")
    marker = tmp_path / "died"
    pipeline = build_pipeline(extra_passes=[_DiesOnce(str(marker))])
    result = fix_paths([str(tmp_path / "in")], pipeline=pipeline, output_dir=str(tmp_path / "out"),
                       jobs=2, runner=RayRunner())
    assert marker.exists()  # it did die once
    assert not result.failed and len(result.results) == 3
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == \
        "The Anti-smuggling Bureau met KILL.\n"


# -- the model pass on Ray ------------------------------------------------------------------------

def _model_inputs(root: Path) -> list[str]:
    """A folder of small files, a JSON Lines file and one text file split into pieces."""
    rng = random.Random(3)
    (root / "in").mkdir(parents=True)
    for n in range(3):
        (root / "in" / f"f{n}.txt").write_text(_corpus(rng, 4), encoding="utf-8")
    (root / "in" / "rows.jsonl").write_text("".join(
        json.dumps({"text": line.strip()}) + "\n" for line in LINES[:6] if line.strip()),
        encoding="utf-8")
    big = root / "big.txt"
    big.write_text(_corpus(rng, 30), encoding="utf-8")  # cut in pieces (chunk_size below)
    return [str(root / "in"), str(big)]


def _model_stats(pipeline) -> tuple:
    stats = pipeline.passes[-1].stats
    return stats.sentences, stats.sent, stats.accepted, dict(stats.rejected)


def test_the_model_pass_on_ray_writes_what_the_local_run_writes(tmp_path: Path) -> None:
    """The untrained T5 (every rewrite rejected: flags whose proposals are the model's
    output) on a model actor, the rest on two CPU actors: the same outputs, change log and
    model counts as one local process running the same model."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("sentencepiece")
    pytest.importorskip("pysbd")
    from mtfix.rewrite import load_model_pass

    folder = _untrained_t5(tmp_path)  # (one torch thread here, one in the model actor)
    inputs = _model_inputs(tmp_path)
    options = {"options": FormatOptions(fields=("text",), chunk_size=400)}
    model = {"rewrite": "all", "prompt": "Fix: ", "max_new_tokens": 8}
    local_pipeline = build_pipeline(extra_passes=[load_model_pass(str(folder), **model)])
    local = fix_paths(inputs, pipeline=local_pipeline, output_dir=str(tmp_path / "local"),
                      jobs=1, **options)
    runner = RayRunner()
    ray_pipeline = build_pipeline(extra_passes=[runner.load_model_pass(str(folder), **model)])
    on_ray = fix_paths(inputs, pipeline=ray_pipeline, output_dir=str(tmp_path / "ray"), jobs=2,
                       runner=runner, **options)
    assert not local.failed and local.summary() == on_ray.summary()
    assert _tree(tmp_path / "local") == _tree(tmp_path / "ray")
    assert any(c.pass_ == "model" for c in on_ray.changes)
    assert _model_stats(ray_pipeline) == _model_stats(local_pipeline)
    assert _model_stats(local_pipeline)[1] > 0


def test_cli_model_server_on_ray_same_as_local(tmp_path: Path) -> None:
    """``--engine ray --model-url``: the model actor asks the server; the outputs, change log,
    exit code and model summary are the local run's."""
    pytest.importorskip("pysbd")
    from model_server_stub import Script, running

    def fixing(sentence: str) -> str:
        return sentence.replace("Anti smuggling", "anti-smuggling")

    (tmp_path / "in").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "in" / f"{name}.txt").write_text(
            f"The Anti smuggling Bureau met {name} . It was held in Hefei .\n", encoding="utf-8")
    outputs = {}
    with running(Script(rewrite=fixing)) as server:
        for engine in ("local", "ray"):
            result = CliRunner().invoke(app, [
                "fix", str(tmp_path / "in"), "-o", str(tmp_path / engine), "--engine", engine,
                "--jobs", "2", "--no-default-glossaries", "--rewrite", "all",
                "--model-url", server.url, "--model-cache", str(tmp_path / f"cache-{engine}")])
            assert result.exit_code == 0, result.output
            said = result.output.replace(str(tmp_path / engine), "OUT").replace(
                str(tmp_path / f"cache-{engine}"), "CACHE")
            outputs[engine] = [line for line in said.splitlines() if "model" in line]
    assert _tree(tmp_path / "local") == _tree(tmp_path / "ray")
    assert outputs["local"] == outputs["ray"]
    assert any("6 of 6 sentences sent" in line for line in outputs["ray"])


def test_cli_model_on_ray_usage_errors(tmp_path: Path) -> None:
    from model_server_stub import closed_port_url

    pytest.importorskip("pysbd")
    source = tmp_path / "in.txt"
    source.write_text("The Anti smuggling Bureau met .\n", encoding="utf-8")
    url = closed_port_url()
    base = ["fix", str(source), "-o", str(tmp_path / "out"), "--model-cache", "off"]
    down = CliRunner().invoke(app, [*base, "--engine", "ray", "--model-url", url])
    assert down.exit_code == 2 and url in down.output and "cannot connect" in down.output
    gpus = CliRunner().invoke(app, [*base, "--engine", "ray", "--model-url", url,
                                    "--model-gpus", "1"])
    assert gpus.exit_code == 2 and "--model-gpus 1: the Ray cluster has 0 GPUs" in gpus.output
    local = CliRunner().invoke(app, [*base, "--model-url", url, "--model-gpus", "1"])
    assert local.exit_code == 2 and "--model-gpus needs --engine ray" in local.output
    assert not (tmp_path / "out").exists()


def test_a_file_uri_on_ray_gives_what_the_local_run_gives(tmp_path: Path) -> None:
    _inputs(tmp_path / "in", random.Random(11), 5)
    local, on_ray = _both([(tmp_path / "in").as_uri()], tmp_path,
                          options=FormatOptions(fields=("text",), chunk_size=500))
    assert not local.failed and local.summary() == on_ray.summary()
    assert _tree(tmp_path / "local") == _tree(tmp_path / "ray")
    assert all(r.input.startswith("file://") for r in on_ray.results)


def test_pieces_done_on_ray_are_reported(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(_corpus(random.Random(2), 400), encoding="utf-8")
    seen: list[tuple[str, int, int]] = []
    fix_paths([str(big)], pipeline=PIPELINE, output_dir=str(tmp_path / "out"), jobs=2,
              runner=RayRunner(), options=FormatOptions(chunk_size=2000),
              on_piece=lambda *a: seen.append(a))
    total = seen[-1][2]
    assert total > 1 and [done for _, done, _ in seen] == list(range(1, total + 1))
