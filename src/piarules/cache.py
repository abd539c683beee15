"""On-disk cache for the slow, pure steps: LALR tables and parsed policy ASTs.

Keyed by content (policy text, grammar text, piarules version), so a stale entry is never
used. Lives in $PIARULES_CACHE_DIR, else $XDG_CACHE_HOME/piarules, else ~/.cache/piarules.
PIARULES_NO_CACHE=1 turns it off. Any I/O problem just means no cache.
"""

from __future__ import annotations

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
    directory = cache_dir()
    if directory is None:
        return None
    try:
        with (directory / name).open("rb") as f:
            return pickle.load(f)
    except Exception:  # missing, truncated, corrupt or from another version: no cache
        return None


def store(name: str, value: Any) -> None:
    directory = cache_dir()
    if directory is None:
        return
    tmp = directory / f".{name}.{os.getpid()}.tmp"
    try:
        with tmp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(directory / name)  # atomic: parallel runs never read half a file
    except OSError:
        tmp.unlink(missing_ok=True)
