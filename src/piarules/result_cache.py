"""A content-addressed cache of checked documents: a document (or a set checked together) whose
bytes, policies, run settings and piarules code are all unchanged gets its stored results back
without being loaded or evaluated — the usual case of a pre-commit hook, of CI on a change that
touched other files, and of a national batch run again.

The key is the SHA-256 over
- the code: piarules' version and every module and data file of the installed package (name,
  size, modification time);
- the policy set: each policy file's name and text, each vocabulary file's bytes
  (`PolicySet.source_digest`; a set built in memory has none and is never cached);
- the run: every setting (基準日, today's date — waivers expire by it —, waivers, baseline,
  selection, body, kind, sets, excerpts …), the working directory (names are shown relative
  to it) and the limits set in the environment (PIARULES_MAX_…);
- each document of the unit: the name reports show it by and the SHA-256 of its bytes.

A change in any of them is a miss, never a stale hit. Results holding an internal error are not
stored (the next run tries again). Where and how entries are kept: entry_store.py, folder
`results`; `--no-cache` / PIARULES_NO_CACHE=1 turns it off with the document cache.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from piarules import entry_store
from piarules.entry_store import PACKAGE, EntryStore

if TYPE_CHECKING:
    from piarules.batch import Settings
    from piarules.findings import DocumentResult

STORE = EntryStore("results", lambda v: isinstance(v, list))


@cache
def package_fingerprint() -> str:
    """piarules' version and the name, size and modification time of every file of the package
    (os.walk: the pathlib walk cost ≈ 10 ms of every re-check's start)."""
    files = []
    for folder, subfolders, names in os.walk(PACKAGE):
        subfolders[:] = [d for d in subfolders if d != "__pycache__"]
        files += [Path(folder, name) for name in names]
    return entry_store.code_fingerprint(files)


def settings_text(settings: Settings) -> str:
    """The settings as text that is the same in every process (a frozenset's order is not), with
    the working directory and the limits set in the environment (PIARULES_MAX_…: a document
    over a limit is refused)."""
    from piarules.limits import environment_text

    plain = dataclasses.replace(settings, baseline=frozenset(), cache=True)
    return f"{plain!r}\0{sorted(settings.baseline)!r}\0{os.getcwd()}\0{environment_text()}"


def unit_key(documents: list[tuple[str, bytes]], settings: Settings, policy_digest: str | None) -> str | None:
    """The key of a unit's results, from each document's (name, bytes); None: not cacheable."""
    if policy_digest is None:
        return None
    digest = hashlib.sha256(f"{package_fingerprint()}\0{policy_digest}\0{settings_text(settings)}".encode(
        "utf-8", "surrogatepass"))
    for name, raw in documents:
        digest.update(f"\0{name}\0{hashlib.sha256(raw).hexdigest()}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:40]


def load(key: str) -> list[DocumentResult] | None:
    from piarules.findings import DocumentResult

    value: Any = STORE.load(key)
    if value is None or not all(isinstance(r, DocumentResult) for r in value):
        return None
    return value


def store(key: str, results: list[DocumentResult]) -> None:
    if any(d.code == "PIA500" for r in results for d in r.errors):
        return  # an internal error: try again next time
    STORE.store(key, results)
