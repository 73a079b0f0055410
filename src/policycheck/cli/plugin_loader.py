"""A stand-in for pydantic's plugin loader, for the command line's start-up.

pydantic looks for its plugins when it makes its first validator. Its loader
module imports ``importlib.metadata`` (and with it ``email``, ``zipfile``,
``csv`` …) before it reads ``PYDANTIC_DISABLE_PLUGINS``; the command line
disables every plugin, and that import alone was a tenth of a one-file run.

While the variable disables every plugin, the stand-in answers as the loader
would: no plugins. Anything else (the variable changed, another name asked
for) loads pydantic's own loader and defers to it, so a user who enables
plugins gets them, and a pydantic that asks its loader for more still works.
It is put in place only by ``install``, before pydantic is imported; the
Python API and notebooks never see it.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

NAME = "pydantic.plugin._loader"
#: The values of ``PYDANTIC_DISABLE_PLUGINS`` with which pydantic loads no plugin at all.
DISABLED = ("__all__", "1", "true")


class PluginLoader(ModuleType):
    """pydantic's plugin loader, loaded only when a plugin could be wanted."""

    def __init__(self) -> None:
        super().__init__(NAME, __doc__)
        self._real: ModuleType | None = None

    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in DISABLED:
            return ()
        return self.real().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system's questions: a module's defaults
            raise AttributeError(name)
        return getattr(self.real(), name)

    def real(self) -> ModuleType:
        """pydantic's own loader, loaded the first time it is needed (and put in its place)."""
        if self._real is None:
            import importlib.machinery
            import importlib.util

            import pydantic.plugin

            spec = importlib.machinery.PathFinder.find_spec(NAME, pydantic.plugin.__path__)
            if spec is None or spec.loader is None:  # pragma: no cover - pydantic moved it
                raise ImportError(f"cannot find {NAME}", name=NAME)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[NAME] = module
            self._real = module
        return self._real


def install() -> bool:
    """Put the stand-in in place when pydantic has not been imported yet; True if it was."""
    if "pydantic" in sys.modules or NAME in sys.modules:
        return False
    sys.modules[NAME] = PluginLoader()
    return True
