"""A content-addressed cache of loaded documents: re-checking an unchanged document (the usual
case in CI and in repeated national runs) skips parsing, validation and item analysis.

What is cached: the loaded Document (text, form model, eval tree, source map) and its load
diagnostics, pickled. The key is the SHA-256 of the file's bytes, the name reports show it by
(spans carry it), the piarules version and a fingerprint of the code and data loading depends
on (the document package's modules and the bundled data files, by name, size and mtime): any
change of them is a miss, never a stale hit.

Where: `$PIARULES_CACHE_DIR/documents/`, else `$XDG_CACHE_HOME/piarules/documents/`, else
`~/.cache/piarules/documents/` (the policy cache's directory, piarules/cache.py). Turned off by
`--no-cache` or PIARULES_NO_CACHE=1.

Safe: entries are written to a temporary file and renamed (a reader never sees half an entry,
parallel workers never collide); an entry that cannot be read back — truncated, corrupt, from
another version — is ignored, removed and rebuilt; the directory is kept under
PIARULES_CACHE_MB megabytes (default 1,024) by removing the least recently used entries.
Any I/O problem just means no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from functools import cache
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic

DEFAULT_MB = 1024
_PRUNE_EVERY = 64
"""Stores between two checks of the directory's size (a check lists the directory)."""
_stores = 0


def directory() -> Path | None:
    from piarules.cache import cache_dir

    base = cache_dir()
    if base is None:
        return None
    path = base / "documents"
    try:
        path.mkdir(exist_ok=True)
    except OSError:
        return None
    return path


@cache
def fingerprint() -> str:
    """The version of everything a loaded document depends on besides its bytes."""
    from piarules import __version__

    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*(package / "document").glob("*.py"), *(package / "data").glob("*.yaml"),
                        package / "jpvalues.py", package / "limits.py", package / "values.py"]):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def key(sha256: str, name: str) -> str:
    return hashlib.sha256(f"{fingerprint()}\0{sha256}\0{name}".encode("utf-8", "surrogatepass")).hexdigest()[:40]


def load(sha256: str, name: str) -> tuple[Any, list[Diagnostic]] | None:
    """The cached (Document, diagnostics) of these bytes under this name, or None."""
    folder = directory()
    if folder is None:
        return None
    path = folder / key(sha256, name)
    try:
        with path.open("rb") as f:
            value = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception:  # truncated, corrupt or foreign: ignore it, remove it, rebuild
        path.unlink(missing_ok=True)
        return None
    if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list)):
        path.unlink(missing_ok=True)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return value[0], value[1]


def store(sha256: str, name: str, document: Any, diagnostics: list[Diagnostic]) -> None:
    folder = directory()
    if folder is None:
        return
    target = folder / key(sha256, name)
    tmp = folder / f".{target.name}.{os.getpid()}.tmp"
    try:
        with tmp.open("wb") as f:
            pickle.dump((document, diagnostics), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(target)
    except Exception:  # a full disk, an unpicklable value: no cache for this one
        tmp.unlink(missing_ok=True)
        return
    global _stores
    _stores += 1
    if _stores % _PRUNE_EVERY == 1:
        prune(folder)


def limit_bytes() -> int:
    raw = os.environ.get("PIARULES_CACHE_MB", "")
    try:
        mb = int(raw) if raw.strip() else DEFAULT_MB
    except ValueError:
        mb = DEFAULT_MB
    return max(mb, 0) * 1024 * 1024


def prune(folder: Path, limit: int | None = None) -> None:
    """Remove the least recently used entries until the directory holds at most 80 % of the limit."""
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
