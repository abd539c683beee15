"""The stores of compiled code (code_store.py) change how long a class or a rule's generated code
takes to build, never what it is: a second process builds every dataclass method and generated
rule from the stores, each stored code object is what `compile` makes of its source, the classes
equal those of a process without the store (code, names, annotations), and a broken store or
none falls back to compiling."""

from __future__ import annotations
import __future__

import dataclasses
import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from piarules import code_store
from tests.conftest import python_with_cache

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "sumida-kokuho" / "assessment.yaml"

# Installs the store (unless "plain"), imports every module of piarules, evaluates the
# example and prints the findings, what the store did and every piarules dataclass's methods.
_RUN = """
import dataclasses, json, sys
import piarules.code_store as store
if sys.argv[1] == "forbid-compiling":
    def refuse(*args, **kwargs):
        raise AssertionError("compiled again: " + str(args[0])[:80])
    store.compile = refuse
if sys.argv[1] != "plain":
    store.install()
import importlib, pkgutil, piarules
for module in pkgutil.walk_packages(piarules.__path__, "piarules."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
from piarules import api, evaluate
from piarules.policy_sources import bundled_policy_dir
evaluate.GENERATE_AFTER = 0  # the rules as generated code on the first document (the RULES store)
policies = api.load_policies([bundled_policy_dir()])
document, _ = api.load_document(sys.argv[2])
found = api.run(policies, document)

def methods():
    out = {}
    for name, module in sorted(sys.modules.items()):
        if not name.startswith("piarules"):
            continue
        for cls in vars(module).values():
            if not (isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == name):
                continue
            for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
                f = cls.__dict__.get(method)
                code = getattr(f, "__code__", None)
                if code is None:
                    continue
                notes = {k: getattr(v, "__qualname__", str(v)) for k, v in f.__annotations__.items()}
                out[f"{name}.{cls.__qualname__}.{method}"] = [code.co_code.hex(), list(code.co_names),
                                                              list(code.co_varnames), notes]
    return out

print(json.dumps({"findings": [[f.rule_id, str(f.path)] for f in found], "usable": store.METHODS.usable,
                  "stored": len(store.METHODS.stored or {}), "added": store.METHODS.added, "methods": methods(),
                  "rules_stored": len(store.RULES.stored or {}), "rules_added": store.RULES.added}))
"""


def _run(cache: Path, mode: str, **env: str) -> dict[str, object]:
    return json.loads(python_with_cache(_RUN, cache, mode, str(EXAMPLE), **env))  # type: ignore[no-any-return]


def _store_files(cache: Path, kind: str = "methods") -> list[Path]:
    return sorted(cache.glob(f"{kind}-*.marshal"))


def test_a_second_process_builds_every_method_from_the_store_with_the_same_classes(tmp_path: Path) -> None:
    plain = _run(tmp_path / "plain", "plain")
    first = _run(tmp_path / "store", "fill")
    assert first["usable"] and first["stored"] >= 500  # piarules', pydantic's: not a handful
    (stored,) = _store_files(tmp_path / "store")
    assert first["rules_stored"] >= 50  # the library's generated loops and conditions
    second = _run(tmp_path / "store", "forbid-compiling")  # any method or rule compiled again raises
    assert second["usable"] and not second["added"] and not second["rules_added"]
    assert second["findings"] == first["findings"] == plain["findings"] and plain["findings"]
    methods = plain["methods"]
    assert isinstance(methods, dict) and len(methods) >= 300
    # Same bytecode, names and annotations (types, not strings) with the store filling and filled.
    assert first["methods"] == methods
    assert second["methods"] == methods
    assert _store_files(tmp_path / "store") == [stored]
    assert len(_store_files(tmp_path / "store", "rules")) == 1


def test_every_stored_code_is_what_exec_compiles_from_its_text(tmp_path: Path) -> None:
    _run(tmp_path, "fill")
    (stored,) = _store_files(tmp_path)
    table = marshal.loads(stored.read_bytes())
    assert len(table) >= 500
    for (filename, text), code in table.items():
        assert filename == "<string>"  # as in a traceback through a generated method
        assert code == compile(text, filename, "exec", dont_inherit=True), text[:200]
        assert code.co_filename == filename


def test_every_stored_rule_is_what_compile_makes_of_its_source(tmp_path: Path) -> None:
    _run(tmp_path, "fill")
    (stored,) = _store_files(tmp_path, "rules")
    table = marshal.loads(stored.read_bytes())
    assert len(table) >= 50
    for (filename, source), code in table.items():
        assert filename.startswith("<piarules ")  # a rule's id or condition: tracebacks name it
        assert code == compile(source, filename, "exec", dont_inherit=True), source[:200]


def test_dataclasses_compiles_with_no_future_flags() -> None:
    """What the store compiles assumes the flags `exec` inherits in `dataclasses` are none."""
    assert not [v for v in vars(dataclasses).values() if isinstance(v, __future__._Feature)]


@pytest.mark.parametrize("garbage", [
    b"not marshal",
    marshal.dumps(["a", "list"]),
    marshal.dumps({("<string>", "def f(): pass"): "not code", "x = 1": compile("x = 1", "<string>", "exec")}),
])
def test_a_broken_store_falls_back_to_compiling(tmp_path: Path, garbage: bytes) -> None:
    clean = _run(tmp_path / "clean", "fill")
    cache = tmp_path / "broken"
    cache.mkdir()
    (cache / _store_files(tmp_path / "clean")[0].name).write_bytes(garbage)
    broken = _run(cache, "fill")
    assert (broken["findings"], broken["methods"]) == (clean["findings"], clean["methods"])


def test_no_cache_means_no_store(tmp_path: Path) -> None:
    result = _run(tmp_path, "fill", PIARULES_NO_CACHE="1")
    assert result["stored"] == 0
    assert _store_files(tmp_path) == []


def test_eval_no_cache_writes_no_store(tmp_path: Path) -> None:
    """Neither these stores nor the regex store (pattern_store.py): the option is read after
    the first classes and patterns were made, and they are saved at exit."""
    environ = {k: v for k, v in os.environ.items() if k != "PIARULES_NO_CACHE"}
    done = subprocess.run([sys.executable, "-m", "piarules", "eval", str(EXAMPLE), "--no-cache"], capture_output=True,
                          text=True, env={**environ, "PIARULES_CACHE_DIR": str(tmp_path)}, check=False)
    assert done.returncode == 1, done.stderr[-2000:]  # findings
    assert sorted(tmp_path.iterdir()) == []


def test_a_text_runs_as_exec_runs_it_annotations_included() -> None:
    """This module's own `from __future__ import annotations` must not reach the text."""
    namespace: dict[str, object] = {}
    code_store._exec("def f(a: int) -> str:\n    return str(a)\n", namespace)
    f = namespace["f"]
    assert callable(f) and f(3) == "3"
    assert f.__annotations__ == {"a": int, "return": str}
    code_store._exec(compile("g = 2", "<string>", "exec"), namespace)  # a code object as the builtin takes it
    assert namespace["g"] == 2


def test_not_installed_where_dataclasses_compiles_with_future_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(dataclasses, "exec", raising=False)
    monkeypatch.setattr(dataclasses, "annotations", __future__.annotations, raising=False)
    code_store.install()
    assert "exec" not in vars(dataclasses)
    monkeypatch.delattr(dataclasses, "annotations")
    code_store.install()
    assert vars(dataclasses)["exec"] is code_store._exec


def test_the_cli_installs_it() -> None:
    import piarules.cli  # noqa: F401

    assert vars(dataclasses).get("exec") is code_store._exec
