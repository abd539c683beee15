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

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from piarules.jpvalues import compact_text

MANIFEST = "piarules-sets.yaml"
KINDS = ("基礎項目評価書", "重点項目評価書", "全項目評価書")
_KIND_LINE = re.compile(r"^評価書の種類\s*:\s*['\"]?\[?\s*(基礎項目評価書|重点項目評価書|全項目評価書)", re.M)
_AFFAIR_LINE = re.compile(r"^\s+事務の名称\s*:\s*['\"]?(?P<name>[^'\"\n#]+)", re.M)
_PEEK_BYTES = 64 * 1024


def _peek(path: Path) -> tuple[str | None, str | None]:
    """(評価書の種類, 事務の名称) from the head of a file, or None where not found."""
    try:
        with path.open("rb") as handle:
            text = handle.read(_PEEK_BYTES).decode("utf-8", "replace")
    except OSError:
        return None, None
    kind = _KIND_LINE.search(text)
    affair = _AFFAIR_LINE.search(text)
    return (kind[1] if kind else None), (compact_text(affair["name"]) if affair else None)


def _manifest_sets(directory: Path) -> list[list[Path]]:
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return []
    from piarules.document.loader import load_yaml

    try:
        data = load_yaml(manifest.read_text(encoding="utf-8"), str(manifest)).data
    except Exception:  # a broken manifest groups nothing; the documents are still checked one by one
        return []
    sets = data.get("sets") if isinstance(data, dict) else None
    out = []
    for entry in sets if isinstance(sets, list) else []:
        if isinstance(entry, list):
            out.append([(directory / str(name)).resolve() for name in entry])
    return out


def plan_units(files: list[Path]) -> list[list[int]]:
    """Indexes of `files` grouped into units checked together (a set, or one document alone),
    in the order of their first file."""
    by_dir: dict[Path, list[int]] = defaultdict(list)
    for index, path in enumerate(files):
        by_dir[path.parent].append(index)
    unit_of: dict[int, int] = {}
    units: list[list[int]] = []
    for directory, indexes in by_dir.items():
        resolved = {files[i].resolve(): i for i in indexes}
        for listed in _manifest_sets(directory):
            chosen = [resolved[m] for m in listed if m in resolved and resolved[m] not in unit_of]
            if len(chosen) > 1:
                for i in chosen:
                    unit_of[i] = len(units)
                units.append(chosen)
        groups: dict[str, list[int]] = defaultdict(list)
        for i in indexes:
            if i in unit_of:
                continue
            kind, affair = _peek(files[i])
            if kind and affair:
                groups[affair].append(i)
        for members in groups.values():
            kinds = [_peek(files[i])[0] for i in members]
            if len(members) > 1 and "基礎項目評価書" in kinds and len(set(kinds)) == len(kinds):
                for i in members:
                    unit_of[i] = len(units)
                units.append(members)
    for i in range(len(files)):
        if i not in unit_of:
            unit_of[i] = len(units)
            units.append([i])
    return sorted(units, key=lambda u: min(u))


def companions(trees: dict[str, tuple[str | None, dict[str, Any]]]) -> dict[str, dict[str, dict[str, Any]]]:
    """For each document of a set (path → (kind, tree)), the other documents by kind."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path, (kind, _) in trees.items():
        others = {k: tree for p, (k, tree) in trees.items() if p != path and k is not None and k != kind}
        out[path] = others
    return out
