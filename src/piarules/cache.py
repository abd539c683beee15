"""On-disk cache for the slow, pure steps: LALR tables, parsed policy ASTs, checked policy sets,
data files, the policy view of a run, the regex store and the code stores (dataclass methods, generated rules).

Keyed by content (policy text, grammar text, piarules version and code), so a stale entry is
never used — but each edit of a policy and each new piarules leaves entries nobody reads again:
the files of this folder (not its `documents/` and `results/`, which entry_store bounds) are
kept under 1/16 of PIARULES_CACHE_MB (64 MB by default) by removing the least recently used,
checked whenever an entry is written. Lives in $PIARULES_CACHE_DIR, else $XDG_CACHE_HOME/piarules,
else ~/.cache/piarules. PIARULES_NO_CACHE=1 turns it off. Any I/O problem just means no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from piarules.version import __version__


def cache_dir() -> Path | None:
    """The cache directory (created on demand), or None when caching is off or impossible."""
    if os.environ.get("PIARULES_NO_CACHE"):
        return None
    base = os.environ.get("PIARULES_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "piarules")
    path = Path(base)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


def key(*parts: str) -> str:
    digest = hashlib.sha256(__version__.encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def load(name: str) -> Any | None:
    data = read(name)
    if data is None:
        return None
    try:
        return pickle.loads(data)
    except Exception:  # truncated, corrupt or from another version: no cache
        return None


def read(name: str) -> bytes | None:
    """An entry's bytes (marked used), or None when it is missing or caching is off."""
    directory = cache_dir()
    if directory is None:
        return None
    path = directory / name
    try:
        data = path.read_bytes()
    except OSError:
        return None
    used(path)
    return data


def merge_entries(on_disk: Any, mine: dict[Any, Any], limit: int) -> dict[Any, Any]:
    """A store's entries to write: what other processes wrote since it was read (`on_disk`, a
    dict when readable) with this process's over them; only this process's when that exceeds
    `limit` (the pattern and code stores)."""
    merged = {**on_disk, **mine} if isinstance(on_disk, dict) else dict(mine)
    return merged if len(merged) <= limit else dict(mine)


def used(path: Path) -> None:
    """Mark an entry as just used: the least recently used go first when the folder is pruned."""
    with contextlib.suppress(OSError):
        os.utime(path)


def store(name: str, value: Any) -> None:
    if cache_dir() is None:  # nothing to pickle for
        return
    write(name, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def write(name: str, data: bytes) -> None:
    """Replace an entry atomically (parallel runs never read half a file); keep the folder bounded."""
    directory = cache_dir()
    if directory is None:
        return
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    try:
        tmp.write_bytes(data)
        tmp.replace(directory / name)
    except OSError:
        tmp.unlink(missing_ok=True)
        return
    prune_entries(directory)


SHARE = 16
"""The folder's own files may take 1/SHARE of PIARULES_CACHE_MB."""


def prune_entries(directory: Path) -> None:
    """Keep the folder's own files under their bound (subfolders are not counted: they have their own)."""
    prune(directory, limit_bytes() // SHARE)


DEFAULT_MB = 1024
"""PIARULES_CACHE_MB when unset: the bound of each of `documents/` and `results/`."""


def limit_bytes() -> int:
    raw = os.environ.get("PIARULES_CACHE_MB", "")
    try:
        mb = int(raw) if raw.strip() else DEFAULT_MB
    except ValueError:
        mb = DEFAULT_MB
    return max(mb, 0) * 1024 * 1024


def prune(folder: Path, limit: int | None = None) -> None:
    """Remove the least recently used entries until the folder holds at most 80 % of the limit."""
    limit = limit_bytes() if limit is None else limit
    entries = []
    try:
        for entry in os.scandir(folder):
            if entry.is_file() and not entry.name.startswith("."):
                st = entry.stat()
                entries.append((st.st_mtime, st.st_size, entry.path))
    except OSError:
        return
    total = sum(size for _, size, _ in entries)
    if total <= limit:
        return
    entries.sort()
    for _, size, path in entries:
        if total <= limit * 0.8:
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size

