"""Document sets: the 基礎項目評価書 and the 重点/全項目評価書 of one 事務, checked together.

Rules that compare the two (対象人数, しきい値判断, 重大事故: TH-007, TH-008, TH-010) read the other
document of the set through the path heads 基礎項目評価書 / 重点項目評価書 / 全項目評価書. A set is

- the documents named together in a manifest `piarules-sets.yaml` in their directory
  (`sets: [[kiso.yaml, juten.yaml], …]`, paths relative to the manifest), or else
- the documents of one directory with the same 事務の名称 (compared without spaces and width),
  one of each kind.

Grouping only reads two lines of each file (評価書の種類, 事務の名称), so planning a national batch
costs no YAML parsing; each set is then loaded and checked as one unit.
"""

from __future__ import annotations

import os
import re
import stat
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.jpvalues import compact_text
from piarules.pattern_store import compiled
from piarules.span import Span

MANIFEST = "piarules-sets.yaml"
KINDS = ("基礎項目評価書", "重点項目評価書", "全項目評価書")
_KEY = r"(?:^|[{,\s])['\"]?KEY['\"]?\s*:\s*['\"]?"  # block or flow style, key quoted or not
_KIND_LINE = compiled(_KEY.replace("KEY", "評価書の種類") + r"\[?\s*(基礎項目評価書|重点項目評価書|全項目評価書)", re.M)
_AFFAIR_LINE = compiled(_KEY.replace("KEY", "事務の名称") + r"(?P<name>[^'\"\n#,{}\[\]]+)", re.M)
_PEEK_BYTES = 64 * 1024


class SetMode(StrEnum):
    """How `eval` groups documents into sets (`--sets`)."""

    AUTO = "auto"
    """Manifest sets, then documents of one directory with the same 事務の名称."""
    MANIFEST = "manifest"
    """Only the sets a manifest names."""
    OFF = "off"
    """Every document alone."""


def _peek(path: Path) -> tuple[str | None, str | None]:
    """(評価書の種類, 事務の名称) from the head of a regular file, or None where not found."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block here; the batch refuses it
            return None, None
        with path.open("rb") as handle:
            text = handle.read(_PEEK_BYTES).decode("utf-8", "replace")
    except OSError:
        return None, None
    kind = _search_from(_KIND_LINE, "評価書の種類", text)
    affair = _search_from(_AFFAIR_LINE, "事務の名称", text)
    return (kind[1] if kind else None), (compact_text(affair["name"]) if affair else None)


def _search_from(pattern: re.Pattern[str], key: str, text: str) -> re.Match[str] | None:
    """`pattern.search(text)`, started just before the first place the key is written: the same
    match (every match holds the key, after at most two characters), without trying the
    pattern's leading alternative at each of 64 KB of positions (≈ 0.5 ms per file)."""
    first = text.find(key)
    return None if first < 0 else pattern.search(text, max(0, first - 2))


def _manifest_sets(directory: Path) -> list[list[Path]]:
    """The sets a manifest in `directory` names (absolute paths).

    Raises:
        PiarulesError: the manifest is not valid YAML, not of the shape `sets: [[a.yaml, b.yaml], …]`,
            or names a file that does not exist: a mistyped manifest must not silently check
            each document alone.
    """
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return []
    from piarules.document.loader import load_yaml
    from piarules.files import decode, display_path, read_input

    name = display_path(manifest)
    loaded = load_yaml(decode(read_input(manifest, "組の定義"), name), name)
    data, where = loaded.data, loaded.source_map

    def fail(message: str, path: tuple[Any, ...] = ()) -> PiarulesError:
        span = where.nearest(path)[1].value if path else Span.point(name, 1, 1)
        return PiarulesError([Diagnostic("PIA303", message, span, help="形: sets: [[基礎.yaml, 重点.yaml], …]")])

    if not isinstance(data, dict) or set(data) != {"sets"} or not isinstance(data["sets"], list):
        raise fail(f"{MANIFEST} には sets: だけを書き、その下に組 (ファイル名の並び) を並べてください")
    out = []
    for i, entry in enumerate(data["sets"]):
        if not isinstance(entry, list) or len(entry) < 2 or not all(isinstance(x, str) and x.strip() for x in entry):
            raise fail("組は2つ以上のファイル名の並びで書いてください", ("sets", i))
        members = []
        for j, file in enumerate(entry):
            path = (directory / file).resolve()
            if not path.is_file():
                raise fail(f"組のファイル「{file}」がありません", ("sets", i, j))
            members.append(path)
        out.append(members)
    return out


def plan_units(files: list[Path], mode: SetMode = SetMode.AUTO) -> list[list[int]]:
    """Indexes of `files` grouped into units checked together (a set, or one document alone),
    in the order of their first file.

    Raises:
        PiarulesError: a manifest in a directory of the files is broken.
    """
    if mode is SetMode.OFF:
        return [[i] for i in range(len(files))]
    by_dir: dict[Path, list[int]] = defaultdict(list)
    for index, path in enumerate(files):
        by_dir[path.parent].append(index)
    unit_of: dict[int, int] = {}
    units: list[list[int]] = []

    def add(members: list[int]) -> None:
        for i in members:
            unit_of[i] = len(units)
        units.append(members)

    for directory, indexes in by_dir.items():
        resolved = {files[i].resolve(): i for i in indexes}
        for listed in _manifest_sets(directory):
            chosen = [resolved[m] for m in listed if m in resolved and resolved[m] not in unit_of]
            if len(chosen) > 1:
                add(chosen)
        if mode is SetMode.AUTO:
            for members in _same_affair(files, [i for i in indexes if i not in unit_of]):
                add(members)
    for i in range(len(files)):
        if i not in unit_of:
            add([i])
    return sorted(units, key=min)


def _same_affair(files: list[Path], indexes: list[int]) -> list[list[int]]:
    """Documents with the same 事務の名称, one of each kind, one of them a 基礎項目評価書."""
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i in indexes:
        kind, affair = _peek(files[i])
        if kind and affair:
            groups[affair].append((i, kind))
    out = []
    for members in groups.values():
        kinds = [kind for _, kind in members]
        if len(members) > 1 and "基礎項目評価書" in kinds and len(set(kinds)) == len(kinds):
            out.append([i for i, _ in members])
    return out


def companions(trees: dict[str, tuple[str | None, dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """For each document of a set (path → (kind, tree)), the other documents by kind."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path, (kind, _) in trees.items():
        others = {k: tree for p, (k, tree) in trees.items() if p != path and k is not None and k != kind}
        out[path] = others
    return out
