"""The regex store (pattern_store.py) changes how long piarules' patterns take to compile, never
what they match: every stored entry builds a pattern equal to `re.compile`'s (CPython compares
compiled patterns by pattern, flags and code), a second process builds them all from the store,
and a broken store or none falls back to compiling as usual."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from piarules import pattern_store
from tests.conftest import python_with_cache

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sumida-kokuho" / "assessment.yaml"

# Imports every module with patterns, evaluates the example, and prints what the store did.
_RUN = """
import json, sys
import piarules.pattern_store as store
built = []
if sys.argv[1] == "forbid-compiling":
    def refuse(pattern, flags):
        raise AssertionError("compiled again: " + pattern[:60])
    store._entry = refuse
import piarules.lsp.engine, piarules.lsp.complete_policy, piarules.lsp.symbols, piarules.fmt, piarules.importer
from piarules import api
from piarules.policy_sources import bundled_policy_dir
policies = api.load_policies([bundled_policy_dir()])
document, _ = api.load_document(sys.argv[2])
found = api.run(policies, document)
print(json.dumps({"findings": [[f.rule_id, str(f.path)] for f in found], "usable": store._usable,
                  "stored": len(store._stored or {}), "added": store._added}))
"""


def _run(cache: Path, mode: str, **env: str) -> dict[str, object]:
    return json.loads(python_with_cache(_RUN, cache, mode, str(EXAMPLE), **env))  # type: ignore[no-any-return]


def _store_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("regex-*.pickle"))


def test_a_second_process_builds_every_pattern_from_the_store_with_the_same_findings(tmp_path: Path) -> None:
    first = _run(tmp_path, "fill", PYTHONHASHSEED="1")
    assert first["usable"] and first["stored"] >= 100  # piarules' own patterns, not a handful
    (stored,) = _store_files(tmp_path)
    # Any pattern compiled again raises: also one built from a set whose order followed the
    # hash seed (the word lists of self-names, labels, phrases, keywords).
    second = _run(tmp_path, "forbid-compiling", PYTHONHASHSEED="2")
    assert second["usable"] and not second["added"]
    assert second["findings"] == first["findings"] and first["findings"]
    assert _store_files(tmp_path) == [stored]


def test_every_stored_pattern_equals_what_re_compile_builds(tmp_path: Path) -> None:
    _run(tmp_path, "fill")
    (stored,) = _store_files(tmp_path)
    table = pickle.loads(stored.read_bytes())
    import _sre

    assert len(table) >= 100
    for (pattern, flags), entry in table.items():
        built = _sre.compile(pattern, *entry)
        assert built == re.compile(pattern, flags), pattern  # same code, flags and pattern
        assert (built.groups, built.groupindex) == (re.compile(pattern, flags).groups, re.compile(pattern, flags).groupindex)


@pytest.mark.parametrize("garbage", [
    b"not a pickle",
    pickle.dumps(["a", "list"]),
    pickle.dumps({(r"[一-龥]+", 0): (32, [1, 2, 3], 0, {}, ())}),  # an entry _sre refuses
])
def test_a_broken_store_falls_back_to_compiling(tmp_path: Path, garbage: bytes) -> None:
    clean = _run(tmp_path / "clean", "fill")
    cache = tmp_path / "broken"
    cache.mkdir()
    (cache / _store_files(tmp_path / "clean")[0].name).write_bytes(garbage)
    assert _run(cache, "fill")["findings"] == clean["findings"]


def test_no_cache_means_no_store(tmp_path: Path) -> None:
    result = _run(tmp_path, "fill", PIARULES_NO_CACHE="1")
    assert result["stored"] == 0
    assert _store_files(tmp_path) == []


@pytest.mark.parametrize(("pattern", "flags", "text"), [
    (r"(?P<n>[0-9]+)条", 0, "第19条"),
    (r"ismap", re.IGNORECASE, "ISMAP クラウドサービスリスト"),
    (r"^項目$", re.MULTILINE, "前\n項目\n後"),
    (r"[一-龥々]{2,}(?=法)", 0, "番号法"),
])
def test_compiled_matches_as_re_compile(pattern: str, flags: int, text: str) -> None:
    ours, theirs = pattern_store.compiled(pattern, flags), re.compile(pattern, flags)
    assert ours == theirs
    assert [m.span() for m in ours.finditer(text)] == [m.span() for m in theirs.finditer(text)]
    assert pattern_store.compiled(pattern, flags) is ours  # one object per pattern in a process


def test_a_wrong_pattern_raises_as_re_compile_and_the_store_stays() -> None:
    with pytest.raises(re.error):
        pattern_store.compiled("第(19条")
    assert pattern_store._usable
    assert pattern_store.compiled("第(19)条") == re.compile("第(19)条")
