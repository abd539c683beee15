"""A content-addressed cache of loaded documents: re-checking an unchanged document (the usual
case in CI and in repeated national runs) skips parsing, validation and item analysis.

What is cached: the loaded Document (eval tree, source map; not the form model, see
Document.model) and its load diagnostics, pickled. Not its text either: the file's own bytes
decoded again give it back (≈ 0.5 ms); stored, it made each entry 65 % bigger (a seed-sized
document: 368 KB without it, 608 KB with it). The key is the SHA-256 of the file's bytes, the
name reports show it by (spans carry it), the limits set in the environment (PIARULES_MAX_…),
the piarules version and a fingerprint of the code and data loading depends on (the document
package's modules and the bundled data files, by name, size and mtime): any change of them is
a miss, never a stale hit.

Where: `$PIARULES_CACHE_DIR/documents/`, else `$XDG_CACHE_HOME/piarules/documents/`, else
`~/.cache/piarules/documents/` (the policy cache's directory, piarules/cache.py). Turned off by
`--no-cache` or PIARULES_NO_CACHE=1. Storage (atomic writes, corrupt entries ignored, the size
bound): entry_store.py.
"""

from __future__ import annotations

import copy
import hashlib
from functools import cache
from typing import Any

from piarules.diagnostics import Diagnostic
from piarules.entry_store import PACKAGE, EntryStore, code_fingerprint

STORE = EntryStore("documents", lambda v: isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], list))


@cache
def fingerprint() -> str:
    """The version of everything a loaded document depends on besides its bytes."""
    package = PACKAGE
    return code_fingerprint([*(package / "document").glob("*.py"), *(package / "data").glob("*.yaml"),
                             package / "jpvalues.py", package / "limits.py", package / "values.py"])


def key(sha256: str, name: str) -> str:
    from piarules.limits import environment_text  # a limit changed: the document may now be refused

    text = f"{fingerprint()}\0{sha256}\0{name}\0{environment_text()}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def load(sha256: str, name: str, raw: bytes) -> tuple[Any, list[Diagnostic]] | None:
    """The cached (Document, diagnostics) of these bytes (`raw`, whose SHA-256 is `sha256`)
    under this name, or None."""
    from piarules.diagnostics import PiarulesError
    from piarules.document.loaded import Document
    from piarules.files import decode

    value = STORE.load(key(sha256, name))
    if value is None or not isinstance(value[0], Document):
        return None
    document, diagnostics = value
    try:
        document.text = decode(raw, name)  # as the document was loaded from: the same bytes
    except PiarulesError:  # not the bytes it was stored from
        return None
    return document, diagnostics


def store(sha256: str, name: str, document: Any, diagnostics: list[Diagnostic]) -> None:
    """Store a loaded document without its text (load gives it back from the bytes)."""
    stored = copy.copy(document)
    stored.text = ""
    STORE.store(key(sha256, name), (stored, diagnostics))
