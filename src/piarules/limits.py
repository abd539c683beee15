"""Input limits: every guard against hostile or broken input, in one table.

Each limit has a default and is changed the same way for every command (the CLI, CI, pre-commit):
an environment variable `PIARULES_MAX_…` holding a positive integer. The README's 「制限 / Limits」
section is this table; a test keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from piarules.diagnostics import Diagnostic, PiarulesError


@dataclass(frozen=True)
class Limit:
    """One limit: the environment variable that changes it, its default, what it bounds."""

    env: str
    default: int
    what: str

    def value(self) -> int:
        """The limit in force (read at each use, so tests and workers see the environment).

        Raises:
            PiarulesError: the environment variable is set but is not a positive integer.
        """
        raw = os.environ.get(self.env)
        if raw is None or not raw.strip():
            return self.default
        try:
            number = int(raw.strip())
        except ValueError:
            number = 0
        if number <= 0:
            raise PiarulesError([Diagnostic("PIA501", f"環境変数 {self.env} は正の整数で指定してください: 「{raw}」")])
        return number


FILE_BYTES = Limit("PIARULES_MAX_FILE_BYTES", 20 * 1024 * 1024,
                   "入力ファイル (評価書・ポリシー・例外・ベースライン・表) 1つの大きさ (バイト)")
YAML_NODES = Limit("PIARULES_MAX_YAML_NODES", 200_000, "YAML 文書の値の数 (エイリアスの展開後)")
YAML_DEPTH = Limit("PIARULES_MAX_YAML_DEPTH", 64, "YAML の入れ子の深さ")
XLSX_BYTES = Limit("PIARULES_MAX_XLSX_BYTES", 50 * 1024 * 1024, "Excel ファイルを展開した大きさ (バイト、zip の目録で判断)")
TABLE_ROWS = Limit("PIARULES_MAX_TABLE_ROWS", 100_000, "取り込む表の行数")
TABLE_CELLS = Limit("PIARULES_MAX_TABLE_CELLS", 2_000_000, "取り込む表のセルの数 (行数 × 列数)")
CELL_CHARS = Limit("PIARULES_MAX_CELL_CHARS", 1_000_000, "表の1つのセルの文字数")

ALL: tuple[Limit, ...] = (FILE_BYTES, YAML_NODES, YAML_DEPTH, XLSX_BYTES, TABLE_ROWS, TABLE_CELLS, CELL_CHARS)


def check_environment() -> list[Diagnostic]:
    """Diagnostics for every limit variable that is set to something other than a positive integer."""
    out: list[Diagnostic] = []
    for limit in ALL:
        try:
            limit.value()
        except PiarulesError as exc:
            out.extend(exc.diagnostics)
    return out


def environment_text() -> str:
    """The limits set in the environment, as text: part of every cache key of a loaded document
    or its results (a document over a limit is refused, under it is read)."""
    return repr(sorted((k, v) for k, v in os.environ.items() if k.startswith("PIARULES_MAX_")))
