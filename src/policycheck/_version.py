"""The version, alone in a module: the package, the engine and the build (hatch) read it."""

__version__ = "0.1.0"
