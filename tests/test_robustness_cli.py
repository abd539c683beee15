"""The robustness reproducers (/work/shared/robustness, piarules issue 12) as tests: no input
crashes, hangs, exhausts memory, corrupts output or fails open."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, write

MIN = "評価書の種類: 重点項目評価書\n評価書名: 国民健康保険に関する事務\n"
DOC = """\
評価書の種類: 重点項目評価書
評価実施機関名: 墨田区長
公表日: 令和6年1月31日
変更箇所:
  - {変更日: 令和5年2月1日, 項目: 備考, 変更前の記載: a, 変更後の記載: b, 提出時期: ""}
"""
"""A document with one CH-001b finding (blank 提出時期) at 変更箇所[0].提出時期."""


def run_cli(*args: object, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real entry point in a child process (main(): limits, broken pipes, no traceback)."""
    return subprocess.run([sys.executable, "-m", "piarules", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)


def invoke(*args: object) -> tuple[int, str, str]:
    """The CLI in-process, failing the test on any exception that escaped the command."""
    from typer.testing import CliRunner

    from piarules.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def no_internal_error(*texts: str) -> None:
    for text in texts:
        assert "内部エラー" not in text and "Traceback" not in text, text


# ---------------------------------------------------------------- reading


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_control_character_stops_only_its_document(tmp_path: Path, jobs: str) -> None:
    for name in ("a.yaml", "c.yaml", "d.yaml", "e.yaml"):
        write(tmp_path, name, MIN)
    write(tmp_path, "b.yaml", "評価書の種類: 重点項目評価書\n評価書名: a\x01b\n")
    code, out, _ = invoke("eval", tmp_path, "--jobs", jobs)
    no_internal_error(out)
    assert code == 2 and "b.yaml:2:8: エラー[PIA311]" in out and "U+0001" in out
    assert out.count("指摘はありません") == 4 and "読み込めない文書 1 件" in out
    assert "\x01" not in out  # the code frame shows it escaped


def test_fifo_device_and_directory_are_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    (tmp_path / "tree" / "dir.yaml").mkdir(parents=True)  # found when the tree is expanded
    result = run_cli("eval", fifo, "/dev/zero", tmp_path / "tree", write(tmp_path, "ok.yaml", MIN), timeout=30)
    no_internal_error(result.stdout, result.stderr)
    assert result.returncode == 2
    for needle in ("FIFO", "デバイス", "ディレクトリ", "指摘はありません", "読み込めない文書 3 件"):
        assert needle in result.stdout


def test_an_empty_document_is_an_error_unless_allowed(tmp_path: Path) -> None:
    for name, text in (("empty.yaml", ""), ("comment.yaml", "# まだ書いていない\n"), ("braces.yaml", "{}\n"),
                       ("blank.yaml", "評価書の種類:\n評価実施機関名: ''\n変更箇所: []\n")):
        path = write(tmp_path, name, text)
        code, out, _ = invoke("eval", path)
        assert code == 2 and "PIA312" in out, name
        code, out, _ = invoke("eval", path, "--allow-empty")
        assert code == 0 and "PIA312" not in out, name


def test_a_policy_set_without_rules_is_an_error_unless_allowed(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.pia", "")
    code, _, err = invoke("eval", EXAMPLE, "--policy", empty, "--no-standard")
    assert code == 2 and "--allow-no-rules" in err
    code, _, _ = invoke("eval", EXAMPLE, "--policy", empty, "--no-standard", "--allow-no-rules")
    assert code == 0


def test_an_invalid_limit_variable_is_a_usage_error() -> None:
    result = subprocess.run([sys.executable, "-m", "piarules", "schema"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "PIARULES_MAX_FILE_BYTES": "lots"}, check=False)
    assert result.returncode == 2 and "PIARULES_MAX_FILE_BYTES" in result.stderr


def test_a_limit_variable_applies_to_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = write(tmp_path, "p.pia", 'rule A "t" {\n  severity info\n  require 公表日 is present\n}\n')
    monkeypatch.setenv("PIARULES_MAX_FILE_BYTES", "100")
    code, out, _ = invoke("eval", write(tmp_path, "a.yaml", MIN + "評価実施機関名: " + "墨田区長" * 10 + "\n"),
                          write(tmp_path, "b.yaml", MIN), "--policy", policy, "--no-standard")
    assert code == 2 and "a.yaml:1:1: エラー[PIA306]" in out and "PIARULES_MAX_FILE_BYTES" in out
    assert "b.yaml:1:1: 情報[A]" in out


# ---------------------------------------------------------------- values


def test_year_1_dates_do_not_crash(tmp_path: Path) -> None:
    doc = write(tmp_path, "y1.yaml", "評価書の種類: 重点項目評価書\n評価実施機関名: 墨田区長\n公表日: 0001-01-01\n変更箇所:\n"
                                     "  - {変更日: 0001-01-01, 項目: 委託の有無, 変更前の記載: a, 変更後の記載: b, 提出時期: 事前}\n")
    code, out, err = invoke("eval", doc)
    no_internal_error(out, err)
    assert code in (0, 1)


def test_date_arithmetic_beyond_9999_is_unknown(tmp_path: Path) -> None:
    policy = write(tmp_path, "p.pia", 'policy X "t" {\n  reference "r"\n}\nrule X-001 "t" {\n  severity error\n'
                                      '  require 基準日 + 30 days > 2024-01-01\n  message "m"\n}\n')
    code, out, err = invoke("eval", write(tmp_path, "m.yaml", MIN), "--policy", policy, "--no-standard", "--as-of", "9999-12-31")
    no_internal_error(out, err)
    assert code == 1 and "X-001" in out  # an unknown date satisfies no comparison: the require fails
    code, out, _ = invoke("eval", tmp_path / "m.yaml", "--policy", policy, "--no-standard", "--as-of", "2025-01-01")
    assert code == 0


def test_a_band_with_400_digits_is_an_error_at_its_value(tmp_path: Path) -> None:
    doc = write(tmp_path, "band.yaml", "評価書の種類: 重点項目評価書\n基本情報:\n  事務: {対象人数: " + "9" * 400 + "人以上}\n")
    code, out, err = invoke("eval", doc, write(tmp_path, "ok.yaml", MIN))
    no_internal_error(out, err)
    assert code == 1 and "band.yaml:3:" in out and "PIA303" in out and "指摘はありません" in out  # ok.yaml
    assert "読み込めない文書" not in out  # the value fails, the document is checked


# ---------------------------------------------------------------- batches and outputs


def test_an_internal_error_stops_only_its_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piarules import batch

    real = batch._load

    def flaky(path: Path, *rest: object) -> object:
        if path.name == "b.yaml":
            raise RuntimeError("boom")
        return real(path, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_load", flaky)
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        write(tmp_path, name, MIN)
    code, out, _ = invoke("eval", tmp_path, "--jobs", "1")
    assert code == 2 and "b.yaml:1:1: エラー[PIA500]" in out and "RuntimeError: boom" in out
    assert out.count("指摘はありません") == 2


def test_a_dying_worker_is_replaced_and_only_its_document_reported(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("the patched function reaches workers only by fork")
    from piarules import batch
    from tests.conftest import bundled

    real = batch.check_unit

    def dies(paths: list[Path], *rest: object) -> object:
        if any(path.name == "crash.yaml" for path in paths):
            os._exit(9)
        return real(paths, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "check_unit", dies)
    files = [write(tmp_path, f"{n}.yaml", MIN) for n in ("a", "b", "crash", "d", "e", "f")]
    settings = batch.Settings((), None, __import__("datetime").date(2026, 1, 1))
    results = batch.run_batch(files, settings, bundled(), jobs=2, progress=False)
    assert [Path(r.path).name for r in results] == [f.name for f in files]
    crashed = [r for r in results if not r.loaded]
    assert [Path(r.path).name for r in crashed] == ["crash.yaml"] and crashed[0].errors[0].code == "PIA500"


def test_a_file_name_that_is_not_utf8_is_escaped_in_every_output(tmp_path: Path) -> None:
    directory = tmp_path / "docs"
    directory.mkdir()
    (directory / os.fsdecode(b"\xff.yaml")).write_text(MIN + "x: 1\n", encoding="utf-8")
    write(directory, "good.yaml", MIN)
    outs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "junit", "html", "github")}
    args: list[object] = ["eval", directory, "--format", "json"]
    for fmt, path in outs.items():
        args += ["--output", f"{fmt}={path}"]
    result = run_cli(*args)
    no_internal_error(result.stdout, result.stderr)
    data = json.loads(result.stdout)
    assert {Path(d["path"]).name for d in data["documents"]} == {"\\xff.yaml", "good.yaml"}
    json.loads(outs["json"].read_text(encoding="utf-8"))
    json.loads(outs["sarif"].read_text(encoding="utf-8"))
    ET.parse(outs["junit"])
    assert "\\xff.yaml" in outs["github"].read_text(encoding="utf-8")


CONTROL = 'テ\x01ス\x1b[31mト\u202eX\u2066Y\x85Z\x9b'


def test_control_and_bidi_characters_are_neutralised_in_every_output(tmp_path: Path) -> None:
    escaped = CONTROL.encode("unicode_escape").decode("ascii")
    doc = write(tmp_path, "ctrl.yaml", "評価書の種類: 重点項目評価書\n公表日: 令和6年1月31日\n変更箇所:\n"
                                       f'  - {{変更日: 令和6年1月31日, 項目: "{escaped}", 変更後の記載: b, 提出時期: ""}}\n')
    outs = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "sarif", "junit", "html", "github", "text")}
    args: list[object] = ["eval", doc]
    for fmt, path in outs.items():
        if fmt != "text":
            args += ["--output", f"{fmt}={path}"]
    code, out, _ = invoke(*args)
    outs["text"].write_text(out, encoding="utf-8")
    assert code == 1
    for fmt in ("text", "github", "junit", "html"):
        text = outs[fmt].read_text(encoding="utf-8")
        assert not any(c in text for c in "\x01\x1b\u202e\u2066\x85\x9b"), fmt
    assert "\\x1b[31m" in outs["text"].read_text(encoding="utf-8")  # shown, not dropped
    ET.parse(outs["junit"])
    message = json.loads(outs["json"].read_text(encoding="utf-8"))["documents"][0]["findings"][0]["message"]
    assert "\x1b[31mト\u202eX" in message  # JSON keeps the value; its escapes make it safe


def test_output_onto_a_directory_is_a_clear_error_and_writes_nothing_partial(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    json_out = tmp_path / "r.json"
    code, _, err = invoke("eval", write(tmp_path, "m.yaml", MIN), "--output", f"json={json_out}",
                          "--output", f"sarif={target}")
    assert code == 2 and "ディレクトリ" in err
    assert list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_a_closed_stdout_keeps_the_verdict(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "piarules", "eval", str(EXAMPLE)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader leaves before piarules writes
    err = process.stderr.read()
    assert process.wait(timeout=60) == 1 and "Traceback" not in err


# ---------------------------------------------------------------- fail closed


@pytest.mark.parametrize("empty", ["なし", "(空欄)", "（空欄）", "-", "　", "空欄"])
@pytest.mark.parametrize("key", ["理由", "承認者"])
def test_a_waiver_with_an_empty_form_waives_nothing(tmp_path: Path, key: str, empty: str) -> None:
    fields = {"理由": "次回の修正で直す", "承認者": "個人情報保護管理者", key: empty}
    waivers = write(tmp_path, "w.yaml", "waivers:\n  - rule: CH-001b\n    path: 変更箇所[0].提出時期\n"
                    + "".join(f"    {k}: '{v}'\n" for k, v in fields.items()) + "    期限: 2099-12-31\n")
    code, out, _ = invoke("eval", write(tmp_path, "d.yaml", DOC), "--waivers", waivers, "--as-of", "2026-01-01")
    assert code == 1 and "WAIVER-INCOMPLETE" in out and f"{key} がありません" in out and "例外[CH-001b]" not in out


@pytest.mark.parametrize(
    ("target", "key"),
    [
        ("path: ''", "path"),
        ("path:", "path"),
        ("document: ''", "document"),
        ("変更日: ''", "変更日"),
        ("変更日: 令和5年2月1日\n    項目: ' '", "項目"),
        ("path: [a, b]", "path"),
    ],
)
def test_a_blank_waiver_target_is_an_error_not_everything(tmp_path: Path, target: str, key: str) -> None:
    waivers = write(tmp_path, "w.yaml", f"waivers:\n  - rule: CH-001b\n    {target}\n    理由: r\n"
                                        "    承認者: a\n    期限: 2099-12-31\n")
    code, _, err = invoke("eval", write(tmp_path, "d.yaml", DOC), "--waivers", waivers)
    assert code == 2 and "w.yaml:" in err and "PIA303" in err and key in err


@pytest.mark.parametrize(
    "content",
    [
        '{"version": 1, "documents": [1]}',
        '{"version": 1, "documents": [{"path": 3}]}',
        '{"version": 1, "documents": [{"path": "a", "findings": {}}]}',
        '{"version": 1, "documents": [{"path": "a", "findings": [7]}]}',
        '{"version": 1, "documents": [{"path": "a", "findings": [{"rule_id": ["x"]}]}]}',
        '{"version": 2, "documents": []}',
        "[1, 2]",
        "[" * 100_000 + "]" * 100_000,
        "\xff",
    ],
)
def test_a_baseline_of_the_wrong_shape_is_a_clear_error(tmp_path: Path, content: str) -> None:
    baseline = tmp_path / "b.json"
    baseline.write_bytes(content.encode("latin-1") if content == "\xff" else content.encode())
    code, out, err = invoke("eval", write(tmp_path, "m.yaml", MIN), "--baseline", baseline)
    no_internal_error(out, err)
    assert code == 2 and "b.json" in err and "PIA501" in err


def test_schema_with_an_unknown_kind_is_a_usage_error() -> None:
    code, _, err = invoke("schema", "--kind", "x")
    assert code == 2 and "重点項目評価書" in err and "全項目評価書" in err
