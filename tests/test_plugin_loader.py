"""The command line leaves pydantic's plugin loader (and importlib.metadata) out while every
plugin is disabled, and loads it as soon as one could be wanted (``cli.plugin_loader``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from policycheck.cli import plugin_loader
from tests.conftest import PROPOSALS, SAMPLES

#: Run one assessment through the command line in a fresh interpreter, then say which of
#: the loaders ran and whether importlib.metadata was imported.
_PROBE = """
import json, sys
from policycheck.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
loader = sys.modules.get("pydantic.plugin._loader")
sys.stderr.write(json.dumps({
    "code": code,
    "stand_in": type(loader).__name__ == "PluginLoader",
    "metadata": "importlib.metadata" in sys.modules,
    "real_loader": "entry_points" in vars(loader),
}) + "\\n")
"""


def _probe(env: dict[str, str]) -> tuple[dict[str, object], str]:
    sample = str(PROPOSALS / SAMPLES[0])
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "assess", sample, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )
    return json.loads(done.stderr.strip().splitlines()[-1]), done.stdout


def _env(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env.update({k: v for k, v in changes.items() if v is not None})
    return env


def test_an_assessment_imports_no_package_metadata_when_plugins_are_off() -> None:
    seen, out = _probe(_env())
    assert seen == {"code": 0, "stand_in": True, "metadata": False, "real_loader": False}
    assert json.loads(out)["results"][0]["status"] == "assessed"


@pytest.mark.parametrize("value", ["", "some-plugin"])
def test_pydantics_own_loader_runs_when_a_plugin_could_be_wanted(value: str) -> None:
    """A user who enables plugins (or disables only some) gets pydantic's own search."""
    seen, out = _probe(_env(PYDANTIC_DISABLE_PLUGINS=value))
    assert seen == {"code": 0, "stand_in": False, "metadata": True, "real_loader": True}
    assert json.loads(out)["results"][0]["status"] == "assessed"


def test_the_stand_in_defers_to_the_real_loader_for_anything_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loader = plugin_loader.PluginLoader()
    monkeypatch.setitem(sys.modules, plugin_loader.NAME, loader)
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")
    assert loader.get_plugins() == ()
    # A name pydantic's loader has and the stand-in does not: loaded, and put in its place.
    assert loader.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"
    real = sys.modules[plugin_loader.NAME]
    assert real is not loader
    assert real is loader.real()
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "")
    assert list(loader.get_plugins()) == list(real.get_plugins())
    with pytest.raises(AttributeError):
        _ = loader.__file__


def test_it_is_put_in_place_only_before_pydantic_is_imported() -> None:
    """In a process that already has pydantic (the Python API, a notebook, these tests), the
    command line leaves pydantic's modules alone."""
    import pydantic

    assert pydantic.__name__ in sys.modules
    before = sys.modules.get(plugin_loader.NAME)
    assert plugin_loader.install() is False
    assert sys.modules.get(plugin_loader.NAME) is before
