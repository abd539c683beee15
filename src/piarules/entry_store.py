"""Entries on disk, each a pickled value under a content key, in one folder of the cache
directory: the storage of the document cache (document/cache.py) and the result cache
(result_cache.py).

Safe: an entry is written to a temporary file and renamed (a reader never sees half an entry,
parallel workers never collide); an entry that cannot be read back — truncated, corrupt, from
another version — is ignored and removed; the folder is kept under PIARULES_CACHE_MB megabytes
(default 1,024) by removing the least recently used entries. Any I/O problem just means no cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from piarules.cache import cache_dir, prune

PACKAGE = Path(__file__).resolve().parent
"""The installed piarules package: the code and data files cache keys name."""
_PRUNE_EVERY = 64
"""Stores between two checks of a folder's size (a check lists the folder)."""


def code_fingerprint(files: Iterable[Path]) -> str:
    """piarules' version and the name, size and modification time of each file (under PACKAGE):
    what an entry's key holds of the code and data that made it, so that an edit is a miss."""
    from piarules.version import __version__

    digest = hashlib.sha256(__version__.encode())
    for path in sorted(files):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(PACKAGE).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


class EntryStore:
    """The entries of one folder (`documents`, `results`) of the cache directory."""

    def __init__(self, folder: str, valid: Callable[[Any], bool]):
        self.folder = folder
        self.valid = valid
        """Whether a value read back has the expected shape (else it is removed)."""
        self._stores = 0

    def directory(self) -> Path | None:
        base = cache_dir()
        if base is None:
            return None
        path = base / self.folder
        try:
            path.mkdir(exist_ok=True)
        except OSError:
            return None
        return path

    def load(self, key: str) -> Any | None:
        """The value stored under `key`, or None (no entry, no cache, or an entry not readable)."""
        folder = self.directory()
        if folder is None:
            return None
        path = folder / key
        try:
            with path.open("rb") as f:
                value = pickle.load(f)
        except FileNotFoundError:
            return None
        except Exception:  # truncated, corrupt or foreign: ignore it, remove it, rebuild
            path.unlink(missing_ok=True)
            return None
        if not self.valid(value):
            path.unlink(missing_ok=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: pruned last
        return value

    def has(self, key: str) -> bool:
        """Whether an entry is stored under `key` (it may still prove unreadable when loaded)."""
        folder = self.directory()
        return folder is not None and (folder / key).is_file()

    def store(self, key: str, value: Any) -> None:
        folder = self.directory()
        if folder is None:
            return
        target = folder / key
        tmp = folder / f".{target.name}.{os.getpid()}.tmp"
        try:
            with tmp.open("wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(target)
        except Exception:  # a full disk, an unpicklable value: no cache for this one
            tmp.unlink(missing_ok=True)
            return
        self._stores += 1
        if self._stores % _PRUNE_EVERY == 1:
            prune(folder)
