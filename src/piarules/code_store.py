"""Dataclasses' generated methods compiled once per machine instead of once per process.

Python 3.11's `dataclasses` writes a class's `__init__`, `__repr__`, `__eq__`, `__hash__` and,
for a frozen class, `__setattr__` / `__delattr__` as source text and compiles each with its own
`exec` (≈ 0.1 ms a method). A run that loads and evaluates a document creates ≈ 180 classes,
≈ 900 methods (piarules' own ≈ 700, pydantic's and annotated_types' the rest): ≈ 70–110 ms of
compiling in every new process, a fifth of its start-up after a document changed.

`install()` gives `dataclasses` a module-level `exec`, which its name lookup finds before the
builtin. Source text seen on an earlier run is executed from its stored code object; new text
is compiled exactly as `exec` compiles a string called from `dataclasses` (file name
"<string>", the interpreter's optimisation level, no future flags: `dataclasses` imports none,
which tests/test_code_store.py checks) and stored. Executing that code object is what `exec` of
the text does, so the classes are the same. Without a store (no cache, `PIARULES_NO_CACHE`, a
broken file) the text is compiled the same way and not kept; a code object goes to the builtin.

The store is one `marshal` file in the on-disk cache (piarules.cache) per Python build,
optimisation level and piarules version. Like the cache's pickles, it is trusted as the user's
own files are: whoever can write the cache folder can run code in piarules.
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

from piarules.cache import cache_dir, read, write
from piarules.cache import key as cache_key

MAX_ENTRIES = 8192
"""Texts kept in the file; beyond it, methods are compiled as usual (≈ 900 in a run that evaluates)."""

_builtin_exec = builtins.exec
_stored: dict[str, CodeType] | None = None
_added = False
_usable = True


def install() -> None:
    """Route `dataclasses`' compiling through the store (once; a hook already there is kept)."""
    if "exec" not in vars(dataclasses):
        dataclasses.exec = _exec  # type: ignore[attr-defined]


def _exec(source: Any, *args: Any, **kwargs: Any) -> None:
    """`exec(source, globals, locals)`, compiling a text only when no earlier run has."""
    if type(source) is str:
        source = _code(source)
    _builtin_exec(source, *args, **kwargs)


def _code(source: str) -> CodeType:
    """The stored code of `source`, else compiled (and stored when the store is on).

    Compiled here even with the store off: the builtin given a string from this module would
    inherit its `from __future__ import annotations`, and the methods' annotations would be strings.
    """
    global _added
    stored = _table()
    code = None if stored is None else stored.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)  # what exec(source) compiles in dataclasses
        if stored is not None and len(stored) < MAX_ENTRIES:
            stored[source] = code
            _added = True
    return code


def _file_name() -> str:
    """One file per Python build (its bytecode), optimisation level (asserts kept or not) and piarules version."""
    magic = importlib.util.MAGIC_NUMBER.hex()
    return f"methods-{cache_key(sys.version, magic, str(sys.flags.optimize))}.marshal"


def _table() -> dict[str, CodeType] | None:
    """The stored code, read on first use; None when there is no cache. Caching turned off at
    any point (`eval --no-cache` sets PIARULES_NO_CACHE once its options are read) turns the
    store off for the rest of the process: nothing is written."""
    global _stored, _usable
    if not _usable:
        return None
    if os.environ.get("PIARULES_NO_CACHE"):
        _usable = False
        return None
    if _stored is None:
        if cache_dir() is None:
            return None
        _stored = _decoded(read(_file_name()))
        atexit.register(save)
    return _stored


def _decoded(data: bytes | None) -> dict[str, CodeType]:
    """The entries of a store file; none from a missing, corrupt or foreign one."""
    if data is None:
        return {}
    try:
        table = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {text: code for text, code in table.items() if type(text) is str and type(code) is CodeType}


def save() -> None:
    """Write the code added by this process (merged with what other processes wrote since);
    nothing when none was added. Called at exit and by batch workers, which end without it."""
    global _added
    if not _added or _stored is None or not _usable:
        return
    _added = False
    merged = {**_decoded(read(_file_name())), **_stored}
    if len(merged) > MAX_ENTRIES:
        merged = dict(_stored)
    write(_file_name(), marshal.dumps(merged))
