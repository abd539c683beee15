"""Catalogs for people: the loaded rules (`piarules rules`, docs/rules.md) and the diagnostic
codes (docs/diagnostics.md). Formatting only; the facts come from the checked policy set."""

from __future__ import annotations

import contextlib
from pathlib import Path

from piarules.api import PolicySet
from piarules.check import CheckedRule
from piarules.diagnostics import CODES


def _period(rule: CheckedRule) -> str:
    start, end = rule.period
    if not start and not end:
        return ""
    return f"{start.isoformat() if start else ''}〜{end.isoformat() if end else ''}"


def _where(rule: CheckedRule, root: Path | None) -> str:
    path = Path(rule.rule.id_span.path)
    if root is not None:
        with contextlib.suppress(ValueError):  # outside root: keep the path as it is
            path = path.resolve().relative_to(root.resolve())
    return f"{path.as_posix()}:{rule.rule.id_span.line}"


def rule_rows(policies: PolicySet, root: Path | None = None) -> list[list[str]]:
    """One row per rule: id, severity, title, references, period, kinds, place."""
    return [
        [r.id, r.severity.label_ja, r.rule.title, "、".join(r.references), _period(r), "、".join(r.kinds) or "すべて",
         _where(r, root)]
        for r in policies.check.rules
    ]


HEADER = ["ID", "重大度", "タイトル", "根拠", "有効期間", "対象の評価書", "定義"]


def rules_markdown(policies: PolicySet, root: Path | None = None) -> str:
    lines = ["# ルール一覧 / Rule catalog", "",
             "`piarules rules --format markdown` の出力です (手で編集しないでください。テストが最新かを確かめます)。", "",
             "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rule_rows(policies, root)]
    return "\n".join(lines) + "\n"


def rules_table(policies: PolicySet, root: Path | None = None) -> str:
    """A plain table padded by display width (full-width characters take two columns)."""
    from piarules.report.text import display_width

    rows = [HEADER, *rule_rows(policies, root)]
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell + " " * (widths[i] - display_width(cell)) for i, cell in enumerate(row)).rstrip() for row in rows
    ) + "\n"


def codes_markdown() -> str:
    lines = ["# 診断コード / Diagnostic codes", "",
             "`piarules check --explain CODE` と同じ内容です。コードは安定しており、変えるときは別名を残します。", ""]
    for code, doc in CODES.items():
        lines += [f"## {code} `{doc.name}`", "", doc.meaning, ""]
        if doc.why:
            lines += [f"なぜ: {doc.why}", ""]
        lines += ["```", doc.example, "```", ""]
    return "\n".join(lines)


def _type_ja(type_: object) -> str:
    from piarules.builtins import ItemOfFirstArg
    from piarules.type_system import Type, UnknownType

    if isinstance(type_, ItemOfFirstArg):
        return "第1引数のリストの要素"
    if isinstance(type_, UnknownType):
        return "任意の値"
    return type_.name_ja() if isinstance(type_, Type) else str(type_)


def builtins_markdown() -> str:
    """docs/builtins.md: every built-in function with its signature and doc (from the registry)."""
    from piarules.builtins import REGISTRY

    lines = ["# 組み込み関数 / Built-in functions", "",
             "`piarules.builtins` の登録内容から生成しています (手で編集しないでください。テストが最新かを確かめます)。", "",
             "| 関数 | 引数 | 戻り値 | 説明 |", "|---|---|---|---|"]
    for name in sorted(REGISTRY):
        b = REGISTRY[name]
        params = ", ".join(_type_ja(p) for p in b.params)
        doc = b.doc.replace("|", "\\|")
        lines.append(f"| `{name}` | {params} | {_type_ja(b.returns)} | {doc} |")
    return "\n".join(lines) + "\n"
