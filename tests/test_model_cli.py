"""CLI promises of the model option that need no model: no torch on --help, clear errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from typer.testing import CliRunner

from mtfix.cli import app


def _run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, check=False)


def test_help_never_imports_torch_or_transformers() -> None:
    proc = _run_python("""
        import sys
        from mtfix.cli import app
        for args in (["--help"], ["fix", "--help"]):
            try:
                app(args)
            except SystemExit:
                pass
        import mtfix.rewrite  # the backends too: the server one needs no torch
        print("HEAVY", sorted(m for m in ("torch", "transformers") if m in sys.modules))
    """)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout
    assert "--model" in proc.stdout and "--rewrite" in proc.stdout
    assert "--model-url" in proc.stdout and "--model-cache" in proc.stdout


def test_model_without_the_extra_fails_with_one_install_line(tmp_path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("The meeting was held.\n", encoding="utf-8")
    # Make torch unimportable in a child process, as on an install without the extra.
    proc = _run_python(f"""
        import sys
        sys.modules["torch"] = None
        from mtfix.cli import app
        app(["fix", {str(source)!r}, "-o", {str(tmp_path / "out")!r}, "--model", "google/flan-t5-base"])
    """)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert 'pip install "mtfix[model]"' in lines[0]
    assert not (tmp_path / "out").exists()


def test_model_options_need_model() -> None:
    result = CliRunner().invoke(app, ["fix", "x.txt", "--rewrite", "all"])
    assert result.exit_code == 2
    assert "--rewrite needs --model or --model-url" in result.output
    gpus = CliRunner().invoke(app, ["fix", "x.txt", "--model-gpus", "1"])
    assert gpus.exit_code == 2 and "--model-gpus needs --engine ray" in gpus.output


def test_bad_rewrite_mode_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(app, ["fix", "x.txt", "--model", str(tmp_path), "--rewrite", "some"])
    assert result.exit_code == 2
    assert "--rewrite some: choose flagged or all" in result.output
