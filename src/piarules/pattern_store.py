"""piarules' own regular expressions, compiled once per machine instead of once per process.

Python compiles a pattern in pure Python (`re._parser`, `re._compiler`), and a character class
over a large range is expanded one character at a time: each `[一-龥]` (20,902 kanji) costs
≈ 2.5 ms. piarules' citation, statute-name and prose patterns hold dozens of them, so every new
process paid ≈ 60–75 ms of regex compiling, more than its whole evaluation of a small document
(bench/bench_cli.py, "document changed").

`compiled()` keeps what the Python half produces (the opcode list and the group tables) in the
on-disk cache (piarules.cache), in one file per Python build and piarules version, and hands it
straight to `_sre.compile`, the C constructor `re.compile` itself ends with. The result is the
same object `re.compile` returns: equal code, flags and groups (`Pattern.__eq__` compares the
code; tests/test_pattern_store.py checks every stored pattern that way). Anything unexpected —
no cache, a stored entry `_sre` refuses, a Python whose internals differ — falls back to
`re.compile`, so the store can only change how long a pattern takes, never what it matches.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
from typing import Any

from piarules.cache import cache_dir, load, merge_entries, store
from piarules.cache import key as cache_key

Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""What `_sre.compile` takes after the pattern: flags, code, groups - 1, groupindex, indexgroup."""

MAX_ENTRIES = 4096
"""Patterns kept in one process and in the file; beyond it, patterns are compiled as usual.
piarules has ≈ 130 of its own; the bound only matters for patterns built from user text."""

_compiled: dict[tuple[str, int], re.Pattern[str]] = {}
_stored: dict[tuple[str, int], Entry] | None = None
_added = False
_usable = True


def compiled(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, with the Python half of the compiling done on an earlier run."""
    flags = int(flags)
    key = (pattern, flags)
    found = _compiled.get(key)
    if found is not None:
        return found
    found = _from_store(key)
    if found is None:
        found = re.compile(pattern, flags)
    if len(_compiled) < MAX_ENTRIES:
        _compiled[key] = found
    return found


def _from_store(key: tuple[str, int]) -> re.Pattern[str] | None:
    """The pattern built from its stored entry, storing it first when it is new; None when the
    store is off or cannot build it (the caller compiles as usual)."""
    global _added, _usable
    stored = _table()
    if stored is None:
        return None
    entry = stored.get(key)
    try:
        if entry is None:
            if len(stored) >= MAX_ENTRIES:
                return None
            entry = _entry(*key)
            stored[key] = entry
            _added = True
        return _sre().compile(key[0], *entry)
    except re.error:  # a wrong pattern (one built from user text): re.compile says so, the store stays
        return None
    except Exception:  # a corrupt entry or another Python's internals: compile as usual from now on
        stored.pop(key, None)
        _usable = False
        return None


def _entry(pattern: str, flags: int) -> Entry:
    """What `re._compiler.compile` computes in Python before calling `_sre.compile`."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: opcodes are int subclasses
    state = parsed.state
    groupindex = dict(state.groupdict)
    indexgroup: list[str | None] = [None] * state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | state.flags, code, state.groups - 1, groupindex, tuple(indexgroup)


def _sre() -> Any:
    import _sre

    return _sre


def _file_name() -> str:
    """One file per Python build (the opcodes and their numbering are CPython's) and piarules version."""
    sre = _sre()
    return f"regex-{cache_key(sys.version, str(sre.MAGIC), str(sre.CODESIZE), str(sys.maxunicode))}.pickle"


def _table() -> dict[tuple[str, int], Entry] | None:
    """The stored entries, read on first use; None when there is no cache or the store failed.
    Caching turned off at any point (`eval --no-cache` sets PIARULES_NO_CACHE once its options
    are read) turns the store off for the rest of the process: nothing is written."""
    global _stored, _usable
    if not _usable:
        return None
    if os.environ.get("PIARULES_NO_CACHE"):
        _usable = False
        return None
    if _stored is None:
        if cache_dir() is None:
            return None
        found = load(_file_name())
        _stored = found if isinstance(found, dict) else {}
        atexit.register(save)
    return _stored


def save() -> None:
    """Write the entries added by this process (merged with what other processes wrote since);
    nothing when none was added. Called at exit and by batch workers, which end without it."""
    global _added
    if not _added or _stored is None or not _usable:
        return
    _added = False
    store(_file_name(), merge_entries(load(_file_name()), _stored, MAX_ENTRIES))
