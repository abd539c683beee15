"""Reading the legal data files (YAML) so that every bad entry becomes a Diagnostic at file:line:col.

The bundled files live in `piarules/data/`; policy authors pass more files of the same format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document.source_map import DocPath, SourceMap, format_path
from piarules.files import decode
from piarules.jpvalues import parse_date
from piarules.span import Span

CONFIDENCES = ("high", "medium", "low")


def bundled_path(name: str) -> Path:
    """The path of a data file shipped in `piarules/data/` (inside the installed package)."""
    return Path(str(resources.files("piarules").joinpath("data", name)))


@dataclass
class DataFile:
    """One loaded data file: its data, where each value stands, and the problems found so far."""

    path: str
    data: Any
    source_map: SourceMap
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def span(self, doc_path: DocPath) -> Span:
        """Where the value at `doc_path` stands (its nearest recorded ancestor if absent)."""
        _, located = self.source_map.nearest(doc_path)
        return located.value

    def error(self, code: str, message: str, doc_path: DocPath, help: str | None = None) -> None:
        """Record a problem at the value `doc_path` (the item path is appended to the message)."""
        where = format_path(doc_path) if doc_path else ""
        text = f"{message} ({where})" if where else message
        self.diagnostics.append(Diagnostic(code, text, self.span(doc_path), help=help))

    def items(self, key: str) -> Iterator[tuple[DocPath, dict[str, Any]]]:
        """The mappings of the top-level list `key`, each with its path; non-mappings are reported."""
        entries = self.data.get(key) if isinstance(self.data, dict) else None
        if entries is None:
            return
        if not isinstance(entries, list):
            self.error("PIA601", f"「{key}」は一覧 (- で始まる行) で書いてください", (key,))
            return
        for i, entry in enumerate(entries):
            if isinstance(entry, dict):
                yield (key, i), entry
            else:
                self.error("PIA601", "項目は「キー: 値」の形で書いてください", (key, i))

    def text(self, entry: dict[str, Any], path: DocPath, key: str, required: bool = False) -> str | None:
        """A string field, or None (reported when required or not a string)."""
        value = entry.get(key)
        if value is None:
            if required:
                self.error("PIA601", f"「{key}」がありません", path)
            return None
        if not isinstance(value, str) or not value.strip():
            self.error("PIA601", f"「{key}」には文字列を書いてください", (*path, key))
            return None
        return value.strip()

    def texts(self, entry: dict[str, Any], path: DocPath, key: str) -> list[tuple[DocPath, str]]:
        """A string or a list of strings, each with its path."""
        value = entry.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [((*path, key), value.strip())] if value.strip() else []
        if not isinstance(value, list):
            self.error("PIA601", f"「{key}」には文字列か文字列の一覧を書いてください", (*path, key))
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append(((*path, key, i), item.strip()))
            else:
                self.error("PIA601", f"「{key}」の要素には文字列を書いてください", (*path, key, i))
        return out

    def date(self, entry: dict[str, Any], path: DocPath, key: str) -> dt.date | None:
        """A date field (和暦 or 西暦); a date that does not exist is reported (PIA604)."""
        value = self.text(entry, path, key)
        if value is None:
            return None
        try:
            parsed = parse_date(value)
        except ValueError as exc:
            self.error("PIA604", str(exc), (*path, key))
            return None
        return dt.date(parsed.year, parsed.month, parsed.day)

    def confidence(self, entry: dict[str, Any], path: DocPath, default: str = "high") -> str:
        """The `confidence` field: high / medium / low."""
        value = self.text(entry, path, "confidence")
        if value is None:
            return default
        if value not in CONFIDENCES:
            self.error("PIA601", f"confidence「{value}」は high / medium / low のいずれかです", (*path, "confidence"))
            return default
        return value


def read_data_file(path: Path, display: str | None = None) -> DataFile:
    """Load one YAML data file; unreadable or malformed files yield a DataFile with data None."""
    name = display or str(path)
    try:
        data, source_map = cached_yaml(path.read_bytes(), name)
    except OSError as exc:
        return DataFile(name, None, SourceMap(name), [
            Diagnostic("PIA601", f"データファイルを読めません: {exc.strerror or exc}", Span.point(name, 1, 1))])
    except PiarulesError as exc:
        return DataFile(name, None, SourceMap(name), list(exc.diagnostics))
    df = DataFile(name, data, source_map)
    if data is not None and not isinstance(data, dict):
        df.error("PIA601", "データファイルの最上位は「キー: 値」の形で書いてください", ())
    return df


def cached_yaml(raw: bytes, name: str) -> tuple[Any, SourceMap]:
    """The data and source map of a data file, from the on-disk cache when its bytes were read
    before (every run reads the bundled statutes, law timeline, bodies and synonyms: one read
    instead of parsing ≈ 100 KB of YAML, and no YAML parser to import).

    Raises:
        PiarulesError: the file is not valid YAML (never cached).
    """
    import hashlib

    from piarules import cache as disk
    from piarules.document.cache import fingerprint

    key = "data-" + disk.key(fingerprint(), name, hashlib.sha256(raw).hexdigest())
    cached = disk.load(key)
    if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[1], SourceMap):
        return cached[0], cached[1]
    from piarules.document.loader import load_yaml  # the YAML parser only on a miss

    loaded = load_yaml(decode(raw, name), name)
    disk.store(key, (loaded.data, loaded.source_map))
    return loaded.data, loaded.source_map
