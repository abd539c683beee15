"""Scale without changing a result: indexed look-backs give the findings the plain loops gave,
streamed reports equal the reports of a run held in memory, one job equals two."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piarules import compile as compile_module
from piarules.api import bundled_policy_dir, load_policies, run
from piarules.document import load_document_text
from piarules.regex import RegexError, compile_pattern, required_literals, searcher
from tests.conftest import EXAMPLE, invoke, python_with_cache, write

AS_OF = dt.date(2026, 4, 1)
_SOURCE = re.compile(r"\n    (出典|原文):(\n      .*)*")


def cycled_log(rows: int) -> str:
    """The example with its own change rows cycled to `rows` rows, some of them edited so that
    every look-back rule has rows to find and rows to miss."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, _, log = text.partition("\n変更箇所:\n")
    own = [_SOURCE.sub("", "  - " + row if k else row) for k, row in enumerate(log.split("\n  - "))]
    out = []
    for k in range(rows):
        row = own[k % len(own)].rstrip("\n")
        if k % 11 == 0:
            row = row.replace("提出時期: 事後", "提出時期: 事前")
        if k % 13 == 0:
            row = re.sub(r"令和(\d)年", lambda m: f"令和{int(m[1]) % 5 + 2}年", row, count=1)
        out.append(row)
        if k % 97 == 5:  # an accident recorded, then 「発生なし」 too soon (ACC-003); 実施日 moved on (TM-003)
            out += [f"  - {{変更日: 令和5年{1 + k % 12}月1日, 項目: リスク対策 7. 重大事故 その内容, 変更前の記載: '-', "
                    f"変更後の記載: 令和5年{1 + k % 9}月10日発覚の漏えい, 提出時期: 事後}}",
                    f"  - {{変更日: 令和6年{1 + k % 12}月1日, 項目: リスク対策 7. 重大事故, 変更前の記載: 発生あり, "
                    f"変更後の記載: 発生なし, 提出時期: 事後}}",
                    f"  - {{変更日: 令和6年{1 + k % 12}月2日, 項目: 評価実施手続 1. 基礎項目評価 実施日, "
                    f"変更前の記載: 令和5年1月1日, 変更後の記載: 令和6年{1 + k % 12}月2日, 提出時期: 事後}}"]
    return head + "\n変更箇所:\n" + "\n".join(out) + "\n"


def test_indexed_lookbacks_find_what_the_plain_loops_find(monkeypatch: pytest.MonkeyPatch) -> None:
    doc, problems = load_document_text(cycled_log(700), "log.yaml")
    assert doc is not None, problems
    indexed = run(load_policies([bundled_policy_dir()]), doc, AS_OF)
    monkeypatch.setattr(compile_module, "INDEXED_LOOKBACKS", False)
    plain = run(load_policies([bundled_policy_dir()]), doc, AS_OF)
    assert indexed == plain
    fired = {f.rule_id for f in plain}
    assert {"ACC-003", "CH-009", "TM-003"} <= fired  # the look-back rules had something to find


def test_a_batch_worker_keeps_no_earlier_document_alive() -> None:
    """The look-back memos hold the lists they index: they must not keep the change logs of the
    documents checked before (256 held made a worker grow by ≈ 80 MB; now RSS is flat)."""
    from piarules.builtins import _POSITIONS, _PREVIOUS_SAME, _ListMemo

    policies = load_policies([bundled_policy_dir()])
    text = EXAMPLE.read_text(encoding="utf-8")
    for i in range(3 * _ListMemo.HELD):
        doc, problems = load_document_text(text.replace("墨田区", f"墨田区{i}"), f"doc{i}.yaml")
        assert doc is not None, problems
        run(policies, doc, AS_OF)
    assert 0 < len(_POSITIONS._entries) <= _ListMemo.HELD
    assert 0 < len(_PREVIOUS_SAME._entries) <= _ListMemo.HELD


def test_previous_same_is_the_last_earlier_row_with_the_same_item() -> None:
    from piarules.builtins import _previous_same
    from piarules.jpvalues import compact_text

    doc, _ = load_document_text(cycled_log(300), "log.yaml")
    assert doc is not None
    rows = doc.tree["変更箇所"]
    for i, row in enumerate(rows):
        wanted = compact_text(row["項目"]) if isinstance(row.get("項目"), str) else None
        expected = next((x for x in reversed(rows[:i]) if wanted is not None and isinstance(x.get("項目"), str)
                         and compact_text(x["項目"]) == wanted), None)
        found = _previous_same(rows, row, "項目")
        assert (found if isinstance(found, dict) else None) is expected


# ---------------------------------------------------------------- streaming reports

FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "html")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of documents that exercise every part of a report: findings, an unreadable
    file, an empty one, an unknown item, a waiver file with problems."""
    root = tmp_path_factory.mktemp("batch")
    text = EXAMPLE.read_text(encoding="utf-8")
    write(root, "docs/a.yaml", text)
    write(root, "docs/b.yaml", text.replace("墨田区", "八王子市"))
    write(root, "docs/broken.yaml", "評価書の種類: 重点項目評価書\n変更箇所: [\n  - a: b\n")
    write(root, "docs/empty.yaml", "# nothing\n")
    write(root, "docs/sub/unknown.yaml", "評価書の種類: 重点項目評価書\n評価実施機関名: 墨田区長\nfoo: 1\n")
    write(root, "docs/sub/log.yaml", cycled_log(40))
    write(root, "waivers.yaml", "waivers:\n  - rule: LAW-003\n    理由: 次回直す\n    承認者: 管理者\n    期限: 2027-03-31\n"
                                "  - rule: CH-007\n    理由: x\n    承認者: y\n    期限: 2020-01-01\n")
    return root


def _eval(batch: Path, fmt: str, *extra: object) -> tuple[int, str]:
    code, out, _ = invoke("eval", batch / "docs", "--format", fmt, "--as-of", "2026-04-01",
                          "--waivers", batch / "waivers.yaml", *extra)
    return code, out


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "jsonl"])
def test_a_streamed_report_equals_the_report_of_a_run_held_in_memory(batch: Path, fmt: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from piarules.batch import Settings, run_batch
    from piarules.cli.cmd_eval import document_files, policy_digest, rule_infos
    from piarules.files import display_path, read_lines
    from piarules.findings import RunReport
    from piarules.jpvalues import parse_date
    from piarules.report import OutputFormat, render
    from piarules.waivers import load_waivers, waiver_problems

    monkeypatch.chdir(batch)
    code, streamed = _eval(Path("."), fmt, "--jobs", "1")
    as_of = parse_date("2026-04-01")  # as the command reads --as-of
    files = document_files([Path("docs")])
    waivers = load_waivers(Path("waivers.yaml"))
    policies = load_policies([bundled_policy_dir()])
    settings = Settings((str(bundled_policy_dir()),), as_of, as_of, tuple(waivers), ".")
    results = run_batch(files, settings, policies, jobs=1, progress=False)
    report = RunReport(results, as_of=as_of, rules=rule_infos(policies), policy_files=[f.path for f in policies.files],
                       policy_digest=policy_digest(policies), waiver_file="waivers.yaml", waivers=waivers,
                       waiver_findings=waiver_problems(waivers, {i for r in results for i in r.matched_waivers}, as_of),
                       tool_version=__import__("piarules").__version__)
    sources = {display_path(p): lines for p in [*files, Path("waivers.yaml")] if (lines := read_lines(p)) is not None}
    held = render(OutputFormat(fmt), report, sources)
    assert code == 2  # an unreadable document
    assert streamed == held.rstrip("\n") + "\n"


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_job_and_two_give_the_same_report(batch: Path, fmt: str) -> None:
    assert _eval(batch, fmt, "--jobs", "1") == _eval(batch, fmt, "--jobs", "2")


def test_json_lines_hold_what_the_json_report_holds(batch: Path) -> None:
    _, whole = _eval(batch, "json")
    _, lines = _eval(batch, "jsonl")
    report = json.loads(whole)
    objects = [json.loads(line) for line in lines.splitlines()]
    assert [o["type"] for o in objects] == ["run"] + ["document"] * len(report["documents"]) + ["summary"]
    assert [{k: v for k, v in o.items() if k != "type"} for o in objects[1:-1]] == report["documents"]
    assert objects[-1]["verdict"] == report["verdict"] and objects[-1]["summary"] == report["summary"]
    assert objects[0]["version"] == report["version"] and objects[0]["as_of"] == report["as_of"]


def test_stdout_ends_with_one_line_break_and_survives_a_closed_pipe(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from piarules.cli.common import StdoutStream

    out = StdoutStream()
    for piece in ("a\n", "", "\n\n", "b", "\n\n"):
        out.write(piece)
    out.close()
    assert capsys.readouterr().out == "a\n\n\nb\n"


# ---------------------------------------------------------------- the document cache


def test_the_document_cache_changes_no_output(batch: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path / "cache"))
    outputs = [_eval(batch, "json", "--no-cache")]
    outputs += [_eval(batch, "json") for _ in range(2)]  # fills the cache, then reads it
    monkeypatch.delenv("PIARULES_NO_CACHE", raising=False)  # --no-cache sets it for the process
    outputs.append(_eval(batch, "json"))
    assert len(list((tmp_path / "cache" / "documents").iterdir())) == 5  # the documents that load (an unknown key no longer stops one)
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "utf-16"])
def test_a_document_cache_entry_holds_no_text_and_gives_the_same_one_back(encoding: str, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The text is the file's own bytes decoded again (a 40 % smaller entry): CRLF, BOM and CP932
    come back as the first load read them, and so do the lines a code frame shows."""
    import hashlib

    from piarules.batch import _load_cached
    from piarules.document import load_document_bytes

    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path))
    raw = EXAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n").replace("—", "―").encode(encoding)  # ― : in CP932
    sha = hashlib.sha256(raw).hexdigest()
    first, _ = load_document_bytes(raw, "a.yaml")
    assert first is not None and "\r" not in first.text
    _load_cached(raw, sha, "a.yaml")  # stores it
    (entry,) = (tmp_path / "documents").iterdir()
    assert "変更箇所から再構成した最新の状態".encode() not in entry.read_bytes()  # the file's first comment: text only
    back, _ = _load_cached(raw, sha, "a.yaml")
    assert back is not None and back.text == first.text and back.tree == first.tree


@pytest.mark.parametrize("folder", ["documents", "results"])
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piarules.document import cache

    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("PIARULES_NO_CACHE", raising=False)
    doc = write(tmp_path, "a.yaml", EXAMPLE.read_text(encoding="utf-8"))
    first = invoke("eval", doc, "--format", "json")
    (entry,) = (tmp_path / folder).iterdir()
    for garbage in (b"", b"\x80\x05garbage", entry.read_bytes()[:1000]):
        entry.write_bytes(garbage)
        if folder == "documents":  # a stored result would answer before the document cache is read
            for stored in (tmp_path / "results").iterdir():
                stored.unlink()
            assert cache.load("0" * 64, "x", b"") is None
        assert invoke("eval", doc, "--format", "json") == first
        assert entry.stat().st_size > 1000  # written again, whole


def test_the_cache_directory_is_kept_under_its_size(tmp_path: Path) -> None:
    import os
    import time

    from piarules.cache import prune

    for i in range(10):
        (tmp_path / f"entry{i}").write_bytes(b"x" * 1000)
        os.utime(tmp_path / f"entry{i}", (time.time() - 100 + i, time.time() - 100 + i))
    prune(tmp_path, limit=5000)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"entry{i}" for i in range(6, 10)]  # the newest, ≤ 80 %


def test_the_cache_folders_own_entries_are_kept_under_a_sixteenth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Policy ASTs, checked sets, data files …: each policy edit and each new piarules leaves
    entries nobody reads again; the least recently used go (a read counts as a use), the
    subfolders (bounded on their own) are left alone."""
    import os
    import time

    from piarules import cache as disk

    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PIARULES_CACHE_MB", "1")  # the folder's own files: 64 KiB
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "big").write_bytes(b"d" * 200_000)  # not counted, not removed
    for i in range(12):
        disk.store(f"ast-{i}.pickle", b"x" * 9_000)
        os.utime(tmp_path / f"ast-{i}.pickle", (time.time() - 1000 + i, time.time() - 1000 + i))
        if i == 3:
            assert disk.load("ast-0.pickle") == b"x" * 9_000  # used: now the most recent
    left = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert sum((tmp_path / name).stat().st_size for name in left) <= 64 * 1024
    assert "ast-0.pickle" in left and "ast-11.pickle" in left and "ast-1.pickle" not in left
    assert (tmp_path / "documents" / "big").exists()


# ---------------------------------------------------------------- fast paths answer as the plain ones


_PATTERNS = ["情報情報|ファイルファイル", "^当市", "市$", "(当|本)市(?:$|[^場区町])", "第 ?19 ?条", "x?", "^$", "[ア-ン]{2,}",
             "ISMAP|ＩＳＭＡＰ", "(?i)ismap", "\\d{3,}"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_PATTERNS), st.text(alphabet="当本市区情報ファイルISMAPismap0123 第19条\n。", max_size=40))
def test_the_regex_yes_no_test_answers_as_a_search(pattern: str, text: str) -> None:
    """`searcher` calls RE2 on UTF-8 bytes directly; it must say what a search says, and what
    Python's re says for these patterns (non-ASCII text: byte offsets are not character offsets),
    except where the two engines differ on purpose (Python's `$` also matches before a final line
    break)."""
    found = searcher(pattern)(text)
    assert found == (compile_pattern(pattern).search(text) is not None)
    if "\n" not in text:
        assert found == (re.search(pattern, text) is not None)



_ATOMS = ["a", "b", "市", "当", "ab", "当市", ".", "[ab]", "[^a]", "[当本]", "\\d", "$", "^", "\\.", "x{,2}", " ?"]


@st.composite
def _patterns(draw: st.DrawFn, depth: int = 0) -> str:
    """Random RE2 patterns: sequences of atoms, groups, alternations and repetitions."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["atom", "atom", "group", "alternation"] if depth < 2 else ["atom"]))
        if kind == "atom":
            part = draw(st.sampled_from(_ATOMS))
        elif kind == "group":
            part = f"({draw(_patterns(depth + 1))})"
        else:
            part = f"(?:{draw(_patterns(depth + 1))}|{draw(_patterns(depth + 1))})"
        parts.append(part + draw(st.sampled_from(["", "", "?", "*", "+", "{2}", "{0,3}", "{1,2}"])))
    return "".join(parts)


@settings(max_examples=600, deadline=None)
@given(_patterns(), st.lists(st.text(alphabet="ab当本市x.1{},2 \n", max_size=12), min_size=1, max_size=6))
def test_a_pattern_never_matches_a_text_without_its_required_literals(pattern: str, texts: list[str]) -> None:
    """The literals RE2 is skipped without (regex.required_literals) are in every text the
    pattern matches, and the yes/no test with that skip answers as RE2's search."""
    try:
        compiled = compile_pattern(pattern)
    except RegexError:
        return
    needed = required_literals(pattern)
    for text in texts:
        found = compiled.search(text) is not None
        assert searcher(pattern)(text) == found
        if found and needed is not None:
            assert any(n in text for n in needed), (pattern, text, needed)


@pytest.mark.parametrize(("pattern", "literals"), [
    ("(当|本)市(?:$|[^場区町])", ["市"]), ("情報情報|ファイルファイル", ["ファイルファイル", "情報情報"]),
    ("番号法 ?第 ?19 ?条", ["番号法"]), ("ab+c", ["a"]), ("[当本]市", ["市"]), ("(?:当|本)+", ["本", "当"]),
    ("x*", None), (".+", None), ("(?i)ismap", None), ("(?i:is)map", ["map"]), ("[[:alpha:]]", None),
    ("\\pL市", None), ("a{,2}", None), ("a|.", None), ("(?:" * 450 + "市" + ")" * 450, ["市"]),
])
def test_required_literals_of_patterns(pattern: str, literals: list[str] | None) -> None:
    needed = required_literals(pattern)
    assert (sorted(needed) if needed is not None else None) == \
        (sorted(literals) if literals is not None else None)


# ---------------------------------------------------------------- the result cache

_OWN = 'rule OWN-1 "公表日の確認" {{\n  severity warning\n  require 評価実施機関名 is empty\n  message "{message}"\n}}\n'


def _change_document(root: Path) -> list[str]:
    write(root, "a.yaml", EXAMPLE.read_text(encoding="utf-8").replace("墨田区", "八王子市"))
    return []


def _change_own_policy(root: Path) -> list[str]:
    write(root, "own/own.pia", _OWN.format(message="書き直した文言"))
    return []


def _change_as_of(root: Path) -> list[str]:
    return ["--as-of", "2019-04-01"]


def _change_waivers(root: Path) -> list[str]:
    write(root, "waivers.yaml", "waivers:\n  - rule: OWN-1\n    理由: 確認済み\n    承認者: 管理者\n    期限: 2099-03-31\n")
    return []


def _change_selection(root: Path) -> list[str]:
    write(root, "piarules.toml", 'ignore = ["WRD"]\n')
    return []


def _change_limit(root: Path) -> list[str]:
    import os

    os.environ["PIARULES_MAX_YAML_NODES"] = "100"  # undone by the test's monkeypatch
    return []


@pytest.mark.parametrize("change", [_change_document, _change_own_policy, _change_as_of, _change_waivers,
                                    _change_selection, _change_limit], ids=lambda f: f.__name__[8:])
def test_the_result_cache_never_answers_for_changed_inputs(change: Callable[[Path], list[str]], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Each change alters the report; the run after it (cache filled by the run before) must
    equal a run with an empty cache, and differ from the report before the change."""
    monkeypatch.delenv("PIARULES_NO_CACHE", raising=False)
    monkeypatch.delenv("PIARULES_CONFIG", raising=False)
    monkeypatch.setenv("PIARULES_MAX_YAML_NODES", "200000")  # restored after the test, whatever a change sets
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yaml", EXAMPLE.read_text(encoding="utf-8"))
    write(tmp_path, "own/own.pia", _OWN.format(message="最初の文言"))
    write(tmp_path, "waivers.yaml", "waivers: []\n")

    def report(cache: str, *extra: str) -> str:
        monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path / cache))
        code, out, err = invoke("eval", "a.yaml", "--policy", "own", "--format", "json", "--waivers", "waivers.yaml",
                                "--jobs", "1", *extra)
        assert code in (0, 1, 2), err
        return re.sub(r'"(elapsed|duration)[^,}]*', "", out)

    before = report("cache")
    assert report("cache") == before  # read back from the cache
    assert len(list((tmp_path / "cache" / "results").iterdir())) == 1
    extra = change(tmp_path)
    after = report("cache", *extra)
    assert after != before
    assert after == report("fresh-cache", *extra)


def test_a_policy_sets_digest_covers_its_vocabulary_files(tmp_path: Path) -> None:
    write(tmp_path, "own.pia", 'rule OWN-1 "x" {\n  severity info\n  require 公表日 is present\n}\n')
    first = load_policies([tmp_path]).source_digest
    write(tmp_path, "synonyms.yaml", "synonyms:\n  テスト語:\n    - テスト\n")
    second = load_policies([tmp_path]).source_digest
    assert first is not None and second is not None and first != second


def test_no_cache_does_not_outlive_its_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv("PIARULES_NO_CACHE", raising=False)
    doc = write(tmp_path, "a.yaml", EXAMPLE.read_text(encoding="utf-8"))
    code, _, _ = invoke("eval", doc, "--no-cache", "--format", "json")
    assert code == 1
    assert "PIARULES_NO_CACHE" not in os.environ


def test_stored_results_and_fresh_ones_come_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Some units stored (read in the parent), the others checked by workers: one report, in the
    order of the files, equal to a run without any cache."""
    monkeypatch.delenv("PIARULES_NO_CACHE", raising=False)
    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path / "cache"))
    text = EXAMPLE.read_text(encoding="utf-8")
    for i, body in enumerate(["墨田区", "八王子市", "高山市", "南伊豆町", "檜原村", "足立区", "浜松市", "東川町"]):
        write(tmp_path, f"docs/{i}.yaml", text.replace("墨田区", body))

    def report(*paths: object, jobs: str = "2") -> str:
        code, out, err = invoke("eval", *paths, "--format", "jsonl", "--jobs", jobs, "--as-of", "2026-04-01")
        assert code == 1, err
        return "\n".join(line for line in out.splitlines() if '"run"' not in line)

    for i in (1, 2, 5):  # three stored, five not
        report(tmp_path / "docs" / f"{i}.yaml", jobs="1")
    mixed = report(tmp_path / "docs")
    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path / "empty"))
    assert mixed == report(tmp_path / "docs", jobs="1")
    assert len(list((tmp_path / "cache" / "results").iterdir())) == 8


def test_a_document_read_back_from_the_cache_keeps_what_evaluation_reads() -> None:
    """The cache entry leaves the form model out (a third of its size, half its reading time);
    what evaluation needs of it — the kind and the 公表日 — travels as plain fields."""
    import pickle

    text = EXAMPLE.read_text(encoding="utf-8").replace("評価書の種類: 重点項目評価書", "評価書の種類: 重点項目評価書\n公表日: 令和6年4月1日", 1)
    doc, problems = load_document_text(text, "a.yaml")
    assert doc is not None and doc.model is not None, problems
    back = pickle.loads(pickle.dumps(doc))
    assert back.model is None
    assert (back.kind, back.published, back.tree) == (doc.kind, doc.published, doc.tree) == (
        "重点項目評価書", dt.date(2024, 4, 1), doc.tree)
    policies = load_policies([bundled_policy_dir()])
    assert run(policies, back) == run(policies, doc)  # judged as of its 公表日 in both


_MODULES_OF_A_RUN = """
import json, runpy, sys
sys.argv = ["piarules", "eval", sys.argv[1], "--format", "json"]
try:
    runpy.run_module("piarules", run_name="__main__")
except SystemExit as exit:
    code = exit.code
heavy = ["pydantic", "ruamel", "lark", "piarules.api", "piarules.document.forms", "piarules.document.items",
         "piarules.schema", "piarules.document.loader", "piarules.syntax.parser", "piarules.evaluate",
         "concurrent.futures.process", "html"]
print(json.dumps([code, [name for name in heavy if name in sys.modules]]))
"""


def _modules_of_a_run(tmp_path: Path) -> tuple[int, set[str]]:
    """`piarules eval a.yaml` in a new process with the cache in tmp_path: its exit code and
    which of the modules named above it imported."""
    doc = tmp_path / "a.yaml"
    if not doc.exists():
        write(tmp_path, "a.yaml", EXAMPLE.read_text(encoding="utf-8"))
    report = python_with_cache(_MODULES_OF_A_RUN, tmp_path / "cache", str(doc), cwd=tmp_path)
    code, modules = json.loads(report.splitlines()[-1])  # after the run's own JSON report
    return code, set(modules)


def test_a_recheck_of_an_unchanged_document_imports_no_loader_nor_pydantic(tmp_path: Path) -> None:
    """The cold-start floor (issue 15): reporting stored results needs neither the document
    models (pydantic), nor loading and evaluating, nor the process pool, nor html (≈ 1.6 ms: only
    for an HTML entity in a text); the CLI framework must not import them either (typer 0.29
    imports pydantic for every option: pinned below it)."""
    code, first = _modules_of_a_run(tmp_path)
    assert code == 1 and "pydantic" in first  # the first run loads and evaluates
    assert _modules_of_a_run(tmp_path) == (1, set())


def test_a_run_after_the_results_changed_imports_no_parser_nor_form_model(tmp_path: Path) -> None:
    """A document and a policy set read back from the caches (a run after a policy setting or
    the document's results changed) are evaluated without the YAML parser, the policy parser,
    the checker's form types or the form models (pydantic): ≈ 100 ms of imports (issue 15)."""
    import shutil

    code, first = _modules_of_a_run(tmp_path)
    assert code == 1 and {"pydantic", "ruamel", "lark", "piarules.evaluate"} <= first  # parsed, loaded, evaluated
    shutil.rmtree(tmp_path / "cache" / "results")  # the stored results gone: evaluated again
    code, second = _modules_of_a_run(tmp_path)
    assert code == 1 and "piarules.evaluate" in second
    assert not second & {"pydantic", "ruamel", "lark", "piarules.document.forms", "piarules.document.items",
                         "piarules.schema", "piarules.document.loader", "piarules.syntax.parser"}


_WARNED = 'rule OWN-W "w" {\n  severity info\n  when 公表日 is present and true\n  require 評価実施機関名 is present\n}\n'


def _set_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], tuple[object, int]]:
    """load_policies of tmp_path/own with the bundled library, and how many times the set was
    parsed and checked (0: read back from the cache)."""
    from piarules import api

    monkeypatch.delenv("PIARULES_NO_CACHE", raising=False)
    monkeypatch.setenv("PIARULES_CACHE_DIR", str(tmp_path / "cache"))
    built = []
    parse = api.parse_policy_texts
    monkeypatch.setattr(api, "parse_policy_texts", lambda *a, **k: built.append(1) or parse(*a, **k))

    def load() -> tuple[object, int]:
        before = len(built)
        return api.load_policies([tmp_path / "own"], standard=True), len(built) - before

    return load


def _shape(policies: object) -> tuple[object, ...]:
    from piarules.api import PolicySet

    assert isinstance(policies, PolicySet)
    return (policies.files, [r.checked for r in policies.rules], policies.diagnostics, policies.source_digest,
            policies.check.rules)


def test_a_checked_policy_set_is_read_back_in_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second run reads the set checked by the first (its warnings too) and only compiles
    it: the same ASTs, checked rules, diagnostics and findings as checking it again."""
    write(tmp_path, "own/own.pia", _WARNED)
    load = _set_loads(tmp_path, monkeypatch)
    first, built = load()
    assert built == 1 and [d.code for d in first.diagnostics] == ["PIA216"]  # type: ignore[attr-defined]
    again, built = load()
    assert built == 0
    assert _shape(again) == _shape(first)
    document = load_document_text(EXAMPLE.read_text(encoding="utf-8"), "a.yaml")[0]
    assert document is not None
    assert run(again, document, AS_OF) == run(first, document, AS_OF)  # type: ignore[arg-type]


@pytest.mark.parametrize("change", ["policy", "vocabulary", "corrupt"])
def test_a_stored_policy_set_is_never_used_for_changed_sources(change: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "own/own.pia", _WARNED)
    load = _set_loads(tmp_path, monkeypatch)
    load()
    if change == "policy":
        write(tmp_path, "own/own.pia", _WARNED.replace('"w"', '"書き換えた題"'))
    elif change == "vocabulary":
        write(tmp_path, "own/synonyms.yaml", 'テスト語:\n  terms: [テスト]\n  source: "試験"\n')
    else:
        for entry in (tmp_path / "cache").glob("set-*.pickle"):
            entry.write_bytes(b"\x80\x05not a pickle")
    changed, built = load()
    assert built == 1
    assert changed.ok  # type: ignore[attr-defined]
    titles = [r.checked.rule.title for r in changed.rules if r.checked.id == "OWN-W"]  # type: ignore[attr-defined]
    assert titles == (["書き換えた題"] if change == "policy" else ["w"])
