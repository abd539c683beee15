"""Python source that piarules compiles in every process, compiled once per machine instead.

Two kinds, one store each (a `marshal` file in the on-disk cache, piarules.cache, per Python
build, optimisation level and piarules version):

- `METHODS`: dataclasses' generated methods. Python 3.11's `dataclasses` writes a class's
  `__init__`, `__repr__`, `__eq__`, `__hash__` and, for a frozen class, `__setattr__` /
  `__delattr__` as source text and compiles each with its own `exec` (≈ 0.1 ms a method). A run
  that loads and evaluates a document creates ≈ 180 classes, ≈ 900 methods (piarules' own
  ≈ 700, pydantic's and annotated_types' the rest): ≈ 70–110 ms of compiling in every new
  process. `install()` gives `dataclasses` a module-level `exec`, which its name lookup finds
  before the builtin; a text is executed from its stored code object, compiled exactly as `exec`
  compiles a string called from `dataclasses` (file name "<string>", the interpreter's
  optimisation level, no future flags: `dataclasses` imports none, which
  tests/test_code_store.py checks). Executing that code object is what `exec` of the text does,
  so the classes are the same.
- `RULES`: the rules' generated code (codegen.py): ≈ 80 ms of compiling for the bundled library
  in every process that generates it, of ≈ 100 ms generating it.

A source is the key (with its file name), so a stored entry is used only for the very text it was
compiled from. Without a store (no cache, `PIARULES_NO_CACHE`, a broken file) the source is
compiled the same way and not kept. Like the cache's pickles, the files are trusted as the
user's own files are: whoever can write the cache folder can run code in piarules.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import importlib.util
import marshal
import os
import sys
from types import CodeType
from typing import Any

from piarules.cache import cache_dir, merge_entries, read, write
from piarules.cache import key as cache_key

MAX_ENTRIES = 8192
"""Sources kept in one file; beyond it, sources are compiled as usual (≈ 900 dataclass methods
in a run that evaluates; ≈ 150 generated functions for the bundled library)."""

_builtin_exec = builtins.exec


class CodeStore:
    """Code objects by (file name, source), read from their file on first use and written at
    exit (or by `save`) when this process added some."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.stored: dict[tuple[str, str], CodeType] | None = None
        self.added = False
        self.usable = True

    def compiled(self, source: str, filename: str) -> CodeType:
        """`compile(source, filename, "exec")` with no future flags inherited, from the store
        when an earlier run compiled the same source."""
        key = (filename, source)
        stored = self._table()
        code = None if stored is None else stored.get(key)
        if code is None:
            code = compile(source, filename, "exec", dont_inherit=True)
            if stored is not None and len(stored) < MAX_ENTRIES:
                stored[key] = code
                self.added = True
        return code

    def file_name(self) -> str:
        """Per Python build (its bytecode), optimisation level (asserts kept or not) and piarules version."""
        magic = importlib.util.MAGIC_NUMBER.hex()
        return f"{self.kind}-{cache_key(sys.version, magic, str(sys.flags.optimize))}.marshal"

    def _table(self) -> dict[tuple[str, str], CodeType] | None:
        """The stored code, read on first use; None when there is no cache or it was turned off."""
        if not self.usable:
            return None
        if self.stored is None:
            if os.environ.get("PIARULES_NO_CACHE") or cache_dir() is None:
                self.usable = False
                return None
            self.stored = _decoded(read(self.file_name()))
            atexit.register(self.save)
        return self.stored

    def save(self) -> None:
        """Write the code added by this process (merged with what other processes wrote since);
        nothing when none was added or caching was turned off."""
        if not self.added or self.stored is None or not self.usable or os.environ.get("PIARULES_NO_CACHE"):
            return
        self.added = False
        merged = merge_entries(_decoded(read(self.file_name())), self.stored, MAX_ENTRIES)
        write(self.file_name(), marshal.dumps(merged))


def _decoded(data: bytes | None) -> dict[tuple[str, str], CodeType]:
    """The entries of a store file; none from a missing, corrupt or foreign one."""
    if data is None:
        return {}
    try:
        table = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {key: code for key, code in table.items()
            if type(key) is tuple and len(key) == 2 and all(type(part) is str for part in key)
            and type(code) is CodeType}


METHODS = CodeStore("methods")
RULES = CodeStore("rules")


def install() -> None:
    """Route `dataclasses`' compiling through METHODS (once; a hook already there is kept). Not
    on a Python whose `dataclasses` imports a future feature: its `exec` would compile with
    flags the store does not use."""
    import __future__

    namespace = vars(dataclasses)
    if "exec" in namespace or any(isinstance(value, __future__._Feature) for value in namespace.values()):
        return
    dataclasses.exec = _exec  # type: ignore[attr-defined]


def _exec(source: Any, *args: Any, **kwargs: Any) -> None:
    """`exec(source, globals, locals)`, a text compiled only when no earlier run has.

    Compiled here even with the store off: the builtin given a string from this module would
    inherit its `from __future__ import annotations`, and the methods' annotations would be strings.
    """
    if type(source) is str:
        source = METHODS.compiled(source, "<string>")
    _builtin_exec(source, *args, **kwargs)


def turn_off() -> None:
    """No store is read or written from now on in this process (`eval --no-cache`, whose option
    is read after the first classes were made)."""
    for store in (METHODS, RULES):
        store.usable = False
        store.stored = None


def save() -> None:
    """Write both stores (batch workers end without exit handlers)."""
    METHODS.save()
    RULES.save()
