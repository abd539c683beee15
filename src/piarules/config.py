"""The project configuration: `[tool.piarules]` in pyproject.toml, or a piarules.toml, found from
the working directory upward (the first directory holding either wins, as ruff does).

Every value keeps where it came from (`piarules config` shows it). A key piarules does not know,
a value of the wrong type or outside its choices is a located error (PIA503) with a 「もしかして」:
a mistyped setting must never be silently ignored. Paths are relative to the file's directory.
Command-line options override the file (the commands do that; see cli/common.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from piarules.diagnostics import Diagnostic, PiarulesError, Severity, suggestion
from piarules.span import Span

CONFIG_FILE = "piarules.toml"
PYPROJECT = "pyproject.toml"
ENV = "PIARULES_CONFIG"
"""A config file to use instead of searching (or `none`: use no file)."""

DEFAULT = "既定"
COMMAND_LINE = "コマンドライン"


class Key(NamedTuple):
    """One setting: its name, what it takes, and what it does (for errors and `piarules config`)."""

    name: str
    kind: str
    help: str
    choices: tuple[str, ...] = ()
    default: Any = None


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("policies", "paths", "独自のポリシー (*.pia) またはそのディレクトリ。標準ポリシーに加えて読む", default=()),
    Key("standard", "bool", "同梱の標準ポリシーも使う (false: 独自のポリシーだけ)", default=True),
    Key("select", "strings", "このルール ID・接頭辞 (例: CH, LAW-01) に当たるルールだけを使う (空: すべて)", default=()),
    Key("ignore", "strings", "このルール ID・接頭辞に当たるルールを使わない", default=()),
    Key("severity", "severities", "ルール ID・接頭辞ごとの重大度 (error / warning / info)", default=()),
    Key("min-confidence", "choice", "この確度 (high / medium / low) より低いルールを使わない",
        ("high", "medium", "low"), default="low"),
    Key("fail-on", "choice", "この重大度以上の、例外でない指摘で終了コード 1", ("error", "warning", "info", "never"),
        default="error"),
    Key("fail-on-undecided", "choice", "読めない値のために判定できなかったルールのうち、この重大度以上のものがあれば終了コード 1",
        ("error", "warning", "info", "never"), default="error"),
    Key("as-of", "date", "基準日 (既定: 各文書の公表日、なければ今日)"),
    Key("waivers", "path", "例外ファイル (YAML)"),
    Key("baseline", "path", "ベースライン (以前の --format json の結果)"),
    Key("output", "outputs", "いつも書き出す出力 (形式=ファイル、例: xlsx=指摘一覧.xlsx)", default=()),
    Key("format", "choice", "標準出力の形式", ("text", "json", "sarif", "junit", "github", "html", "csv"),
        default="text"),
    Key("body", "text", "評価実施機関名 (表を取り込むときに使う。例: 墨田区長)"),
    Key("kind", "choice", "評価書の種類 (表を取り込むときに使う。既定: 表の見出しから推定)",
        ("基礎項目評価書", "重点項目評価書", "全項目評価書")),
    Key("sets", "choice", "基礎項目評価書と重点/全項目評価書を組にする方法", ("auto", "manifest", "off"), default="auto"),
    Key("jobs", "int", "並列に検査するプロセス数 (既定: コア数)"),
)}

_SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
               "エラー": Severity.ERROR, "警告": Severity.WARNING, "情報": Severity.INFO}
_CONFIDENCES = {"高": "high", "中": "medium", "低": "low"}


class Config:
    """The effective file configuration: values by key, and where each was written (a plain
    class: this module loads on every run, and a dataclass costs start-up time)."""

    def __init__(self, file: Path | None = None, table: str = "") -> None:
        self.file = file
        self.table = table
        """"[tool.piarules]" in pyproject.toml, "" for a piarules.toml (its top level)."""
        self.values: dict[str, Any] = {}
        self.origins: dict[str, Span] = {}

    def get(self, key: str) -> Any:
        return self.values.get(key, KEYS[key].default)

    def given(self, key: str) -> bool:
        return key in self.values

    def where(self, key: str) -> str:
        span = self.origins.get(key)
        return f"{span.path}:{span.line}" if span else DEFAULT

    def span(self, key: str, entry: str | None = None) -> Span | None:
        """Where a key (or one entry of a list or table key) is written."""
        if self.file is None:
            return None
        if entry is not None and (line := _entry_line(self.file, entry, self.origins.get(key))):
            return Span.point(self.origins[key].path, line, 1)
        return self.origins.get(key)


# ---------------------------------------------------------------- finding the file


def find_config(start: Path | None = None) -> Path | None:
    """The first piarules.toml, or pyproject.toml with a [tool.piarules] table, from `start`
    (default: the working directory) upward."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return _shown_path(candidate)
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return _shown_path(pyproject)
    return None


def _shown_path(path: Path) -> Path:
    """The path relative to the working directory (`piarules.toml`, `../pyproject.toml`), as
    messages show it; absolute when that is shorter."""
    try:
        relative = Path(os.path.relpath(path))
    except ValueError:  # another drive (Windows)
        return path
    return relative if len(str(relative)) <= len(str(path)) else path


def _has_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*piarules\s*[\].]", text, re.MULTILINE) is not None


def discover(start: Path | None = None) -> Config:
    """The configuration of a run: the file named by $PIARULES_CONFIG (`none`: no file), else
    the one found from `start` upward, else the defaults.

    Raises:
        PiarulesError: the file cannot be read or has wrong keys or values (PIA503).
    """
    named = os.environ.get(ENV)
    if named is not None and named.strip().lower() in ("none", ""):
        return Config()
    path = Path(named) if named else find_config(start)
    if path is None:
        return Config()
    return load_config(path)


# ---------------------------------------------------------------- reading and checking


def _duplicate_key(text: str, line: int) -> str | None:
    """The key written on `line` (1-based) of a TOML text, for the message of a repeated key."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    m = re.match(r"\s*\[*\s*([^=\]]+?)\s*(?:=|\])", lines[line - 1])
    return m[1].strip().strip('"') if m else None


def _error(path: str, line: int, message: str, help: str | None = None) -> Diagnostic:
    return Diagnostic("PIA503", message, Span.point(path, line, 1), help=help)


def load_config(path: Path) -> Config:
    """Read and check one configuration file.

    Raises:
        PiarulesError: every problem found, each at its line (PIA503).
    """
    import tomllib

    from piarules.files import display_path, read_input

    name = display_path(path)
    raw = read_input(path, "設定ファイル")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PiarulesError([_error(name, 1, "設定ファイルが UTF-8 ではありません", "UTF-8 で保存し直してください")]) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(m[1]), int(m[2])) if m else (1, 1)
        message = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        if message.startswith("Cannot overwrite a value") or message.startswith("Cannot declare"):
            key = _duplicate_key(text, line)
            message = f"キー{f'「{key}」' if key else ''}が2回書かれています (1つにしてください)"
            col = 1
        raise PiarulesError([Diagnostic("PIA503", f"TOML として読めません: {message}", Span.point(name, line, col))]) from None
    lines = text.splitlines()
    if path.name == PYPROJECT:
        table, where = document.get("tool", {}).get("piarules", {}), "tool.piarules"
    else:
        table, where = document, ""
    config = Config(path, f"[{where}]" if where else "")
    problems: list[Diagnostic] = []
    if not isinstance(table, dict):
        raise PiarulesError([_error(name, _key_line(lines, where, "piarules") or 1, "[tool.piarules] は表でなければなりません")])
    for key, value in table.items():
        line = _key_line(lines, where, key) or 1
        spec = KEYS.get(key)
        if spec is None:
            help = suggestion(key, KEYS) or ("piarules.toml では [tool.piarules] を書かずに設定を直接書きます" if key == "tool" else None)
            problems.append(_error(name, line, f"設定「{key}」はありません", help or "設定: " + ", ".join(KEYS)))
            continue
        try:
            config.values[key] = _READERS[spec.kind](value, spec, path.parent)
        except ValueError as exc:
            problems.append(_error(name, line, f"設定「{key}」: {exc}", spec.help))
            continue
        config.origins[key] = Span.point(name, line, 1)
    if problems:
        raise PiarulesError(problems)
    return config


def _key_line(lines: list[str], table: str, key: str) -> int | None:
    """The line a key is written on, inside `table` (dotted keys and sub-tables included)."""
    current = ""
    quoted = rf'(?:{re.escape(key)}|"{re.escape(key)}"|\'{re.escape(key)}\')'
    for number, line in enumerate(lines, start=1):
        header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", line)
        if header:
            current = re.sub(r"\s*\.\s*", ".", header[1]).replace('"', "")
            if current == (f"{table}.{key}" if table else key):
                return number
            continue
        if current == table and re.match(rf"^\s*{quoted}\s*[=.]", line):
            return number
    return None


def _entry_line(path: Path, entry: str, near: Span | None) -> int | None:
    """The first line at or after a key's own that names `entry` (a selector in a list or table)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    start = near.line if near else 1
    for number in range(start, len(lines) + 1):
        if re.search(rf"""["']{re.escape(entry)}["']""", lines[number - 1]):
            return number
    return None


# ---------------------------------------------------------------- value readers


def _text(value: Any, spec: Key, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"文字列を書いてください ({_shown(value)})")
    return value


def _strings(value: Any, spec: Key, base: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"文字列のリストを書いてください (例: [\"CH\", \"LAW-001\"]) ({_shown(value)})")
    return tuple(v.strip() for v in value)


def _paths(value: Any, spec: Key, base: Path) -> tuple[Path, ...]:
    return tuple(base / p for p in _strings(value, spec, base))


def _path(value: Any, spec: Key, base: Path) -> Path:
    return base / _text(value, spec, base)


def _bool(value: Any, spec: Key, base: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"true か false を書いてください ({_shown(value)})")
    return value


def _int(value: Any, spec: Key, base: Path) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"1 以上の整数を書いてください ({_shown(value)})")
    return value


def _choice(value: Any, spec: Key, base: Path) -> str:
    if isinstance(value, str) and spec.name == "min-confidence":
        value = _CONFIDENCES.get(value, value)
    if isinstance(value, str) and spec.name.startswith("fail-on") and value in _SEVERITIES:
        value = _SEVERITIES[value].value
    if not isinstance(value, str) or value not in spec.choices:
        hint = suggestion(value, spec.choices) if isinstance(value, str) else None
        raise ValueError(f"{_shown(value)} は選べません (選択肢: {' / '.join(spec.choices)})" + (f"。{hint}" if hint else ""))
    return value


def _date(value: Any, spec: Key, base: Path) -> dt.date:
    from piarules.jpvalues import parse_date

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(f"日付を書いてください (例: \"令和7年4月1日\"、2025-04-01) ({_shown(value)})")
    return parse_date(value)


def _severities(value: Any, spec: Key, base: Path) -> tuple[tuple[str, Severity], ...]:
    if not isinstance(value, dict):
        raise ValueError('表を書いてください (例: severity = { "WRD-001" = "info" })')
    out = []
    for selector, level in value.items():
        if not selector.strip():
            raise ValueError("ルール ID または接頭辞が空です (空はすべてのルールに当たってしまいます)")
        if not isinstance(level, str) or level not in _SEVERITIES:
            hint = suggestion(level, ("error", "warning", "info")) if isinstance(level, str) else None
            raise ValueError(f"「{selector}」の重大度 {_shown(level)} は error / warning / info のいずれかです"
                             + (f"。{hint}" if hint else ""))
        out.append((str(selector), _SEVERITIES[level]))
    return tuple(out)


def _outputs(value: Any, spec: Key, base: Path) -> tuple[str, ...]:
    out = []
    for item in _strings(value, spec, base):
        fmt, sep, target = item.partition("=")
        formats = ("text", "json", "sarif", "junit", "github", "html", "xlsx", "csv")
        if not sep or not target or fmt not in formats:
            raise ValueError(f"「{item}」は 形式=ファイル の形で書いてください (形式: {', '.join(formats)})")
        out.append(f"{fmt}={base / target}")
    return tuple(out)


def _shown(value: Any) -> str:
    return f"「{value}」" if isinstance(value, str) else f"{type(value).__name__} の {value!r}"


_READERS: dict[str, Callable[[Any, Key, Path], Any]] = {
    "text": _text, "strings": _strings, "paths": _paths, "path": _path, "bool": _bool, "int": _int,
    "choice": _choice, "date": _date, "severities": _severities, "outputs": _outputs,
}


# ---------------------------------------------------------------- checks needing the rules


def selector_problems(config: Config, rule_ids: list[str]) -> list[Diagnostic]:
    """select / ignore / severity entries that match no loaded rule (typos), each at its line."""
    from piarules.selection import unmatched

    problems = []
    for key in ("select", "ignore", "severity"):
        if not config.given(key):
            continue
        selectors = [s for s, _ in config.get(key)] if key == "severity" else list(config.get(key))
        for selector in unmatched(selectors, rule_ids):
            span = config.span(key, selector)
            prefixes = sorted({r.split("-")[0] for r in rule_ids})
            problems.append(Diagnostic("PIA503", f"設定「{key}」の「{selector}」に当たるルールがありません", span,
                                       help=suggestion(selector, [*rule_ids, *prefixes]) or "piarules rules でルール ID を確かめてください"))
    return problems


# ---------------------------------------------------------------- showing it


def toml_value(value: Any, key: str = "") -> str:
    """A value as TOML (for `piarules config`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        from piarules.files import display_path

        return toml_value(display_path(value))
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple | list):
        if key == "severity" or (value and isinstance(value[0], tuple)):  # severities
            return "{ " + ", ".join(f"{toml_value(s)} = {toml_value(v.value)}" for s, v in value) + " }"
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return toml_value(str(value))
