"""Standard output as a shell user meets it: any encoding, a reader that leaves early."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, PROPOSALS


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty copies of the model initiative (they pass a gate): more report than a pipe holds."""
    folder = tmp_path_factory.mktemp("many")
    model = (PROPOSALS / "model-regional-initiative.yaml").read_text("utf-8")
    for n in range(60):
        text = model.replace("id: model-regional-initiative", f"id: model-{n}")
        (folder / f"p{n:02}.yaml").write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module")
def thin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixty proposals that say almost nothing: a gate with a threshold fails them."""
    folder = tmp_path_factory.mktemp("thin")
    for n in range(60):
        (folder / f"p{n:02}.yaml").write_text(MINIMAL.replace("id: test", f"id: test-{n}"))
    return folder


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "policycheck", *args]


@pytest.mark.parametrize(
    ("fmt", "gate"),
    [
        ("terminal", "5"),
        ("json", None),  # None: streamed
        # The same closed pipe, the report kept compact: in the full run.
        pytest.param("json", "5", marks=pytest.mark.full),
        pytest.param("markdown", "5", marks=pytest.mark.full),
    ],
)
def test_a_reader_that_leaves_early_is_not_a_failed_gate(
    many: Path, fmt: str, gate: str | None
) -> None:
    process = subprocess.Popen(
        _cli("assess", str(many), "-f", fmt, *(["--fail-under", gate] if gate else [])),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stdout.read(100)
    process.stdout.close()  # as `| head -c 100` does
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert b"Traceback" not in err
    assert b"Exception ignored" not in err
    assert b"BrokenPipe" not in err


def test_a_reader_that_leaves_early_keeps_an_honest_gate_failure(thin: Path) -> None:
    process = subprocess.Popen(
        _cli("assess", str(thin), "--fail-under", "A"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.read(100)
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err.endswith(b"requires grade A or better\n") or b"gate failed" in err


def test_any_output_encoding_works(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    with out.open("wb") as handle:
        done = subprocess.run(
            _cli("assess", str(PROPOSALS)),
            stdout=handle,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONIOENCODING": "cp1252"},
            check=False,
        )
    assert done.returncode == 0, done.stderr
    text = out.read_bytes().decode("cp1252", "replace")
    assert "T\u00fcrkiye" in text  # what cp1252 has is kept
    assert "?" in text  # what it lacks (box drawing) is replaced
