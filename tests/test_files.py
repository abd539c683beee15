"""Safe file I/O, visible text and the limits table: the pieces every command reads and writes through."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from piarules import limits
from piarules.diagnostics import PiarulesError
from piarules.files import display_path, read_input, split_lines, write_atomic
from piarules.visible import visible


def test_read_input_reads_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x: 1\n")
    assert read_input(path) == b"x: 1\n"


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.yaml"
    os.mkfifo(path)
    return path


def _directory(tmp_path: Path) -> Path:
    path = tmp_path / "dir.yaml"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (_fifo, "FIFO"),
        (_directory, "ディレクトリ"),
        (lambda _: Path("/dev/zero"), "デバイス"),
        (lambda tmp: tmp / "missing.yaml", "読めません"),
    ],
)
def test_read_input_refuses_what_is_not_a_regular_file(tmp_path: Path, make, needle: str) -> None:
    path = make(tmp_path)
    if not os.path.exists(path) and needle != "読めません":
        pytest.skip("not available here")
    done: list[BaseException] = []

    def read() -> None:
        try:
            read_input(path)
        except BaseException as exc:
            done.append(exc)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), "read_input hung"
    (error,) = done
    assert isinstance(error, PiarulesError)
    (diagnostic,) = error.diagnostics
    assert diagnostic.code == "PIA501" and needle in diagnostic.message and diagnostic.span is not None


def test_read_input_refuses_a_file_over_the_limit_without_reading_it(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIARULES_MAX_FILE_BYTES", "10")
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 11)
    with pytest.raises(PiarulesError) as info:
        read_input(path)
    assert info.value.diagnostics[0].code == "PIA306" and "PIARULES_MAX_FILE_BYTES" in info.value.diagnostics[0].message
    path.write_bytes(b"x" * 10)
    assert read_input(path) == b"x" * 10


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_limit_variable_that_is_not_a_positive_integer_is_a_usage_error(monkeypatch: pytest.MonkeyPatch,
                                                                          value: str) -> None:
    monkeypatch.setenv("PIARULES_MAX_YAML_DEPTH", value)
    (diagnostic,) = limits.check_environment()
    assert diagnostic.code == "PIA501" and "PIARULES_MAX_YAML_DEPTH" in diagnostic.message


def test_every_limit_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 制限 / Limits"):]
    for limit in limits.ALL:
        assert limit.env in section and f"{limit.default:,}" in section, limit.env


def test_write_atomic_replaces_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file left


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda tmp: tmp, "ディレクトリ"),
        (lambda tmp: tmp / "missing" / "out.json", "書き込めません"),
    ],
)
def test_write_atomic_failures_are_clear_errors(tmp_path: Path, make, needle: str) -> None:
    with pytest.raises(PiarulesError) as info:
        write_atomic(make(tmp_path), "x")
    assert needle in info.value.diagnostics[0].message


def test_write_atomic_leaves_nothing_when_the_directory_is_not_writable(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o500)
    try:
        with pytest.raises(PiarulesError, match="書き込めません"):
            write_atomic(directory / "out.json", "x")
        assert list(directory.iterdir()) == []
    finally:
        directory.chmod(0o700)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain 日本語", "plain 日本語"),
        ("a\x1b[31mred", "a\\x1b[31mred"),
        ("x\x00y\x7f\x85\x9f", "x\\x00y\\x7f\\x85\\x9f"),
        ("abc\u202edef\u2066g", "abc\\u202edef\\u2066g"),
        ("line\nbreak\ttab\r", "line\\x0abreak\\x09tab\\x0d"),
        ("ls\u2028ps\u2029", "ls\\u2028ps\\u2029"),
        ("bad\ufffe\uffff", "bad\\ufffe\\uffff"),
        ("name\udcff.yaml", "name\\xff.yaml"),  # a byte that was not UTF-8 (surrogateescape)
        ("lone\ud800", "lone\\ud800"),
    ],
)
def test_visible_escapes_what_must_not_act(raw: str, shown: str) -> None:
    assert visible(raw) == shown
    assert visible(shown) == shown  # idempotent: escapes are plain text
    visible(raw).encode("utf-8")  # always encodable


def test_visible_keeps_layout_when_asked() -> None:
    assert visible("a\tb\nc\x1b", keep="\t\n") == "a\tb\nc\\x1b"
    assert visible("a\tb\nc", keep="\t") == "a\tb\\x0ac"


def test_display_path_escapes_non_utf8_bytes_and_controls() -> None:
    name = os.fsdecode(b"dir/\xff\n.yaml")
    assert display_path(name) == "dir/\\xff\\x0a.yaml"
    display_path(name).encode("utf-8")


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("a\nb\n", ["a", "b"]),
        ("a\r\nb", ["a", "b"]),
        ("a\rb\r", ["a", "b"]),
        ("a\x85b\u2028c\u2029d", ["a", "b", "c", "d"]),
        ("a\x0cb\x1cc", ["a\x0cb\x1cc"]),  # str.splitlines would split these; the YAML parser does not
    ],
)
def test_split_lines_counts_as_the_yaml_parser_does(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines
