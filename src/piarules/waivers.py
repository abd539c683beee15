"""Waivers (例外): accepted deviations, kept in a YAML file and applied fail-closed.

    waivers:
      - rule: CH-007
        document: 評価書/国保.yaml          # optional: the document (relative to this file or the cwd)
        path: 変更箇所[16].提出時期に係る説明  # the finding's item (a section covers what is below it)
        # or a change row instead of a path:
        # 変更日: 令和1年12月13日
        # 項目: リスク対策 1. 資格管理ファイル    # optional: the row's 項目 (whitespace ignored)
        理由: 公表済みの版の文言であり、次回の修正で直す
        承認者: 個人情報保護管理者 山田
        期限: 令和8年3月31日

A waiver without 理由, 承認者 or 期限 (an empty form such as なし or (空欄) counts as without),
or past its 期限, waives nothing and is itself an error; so is a waiver that matches no finding.
A target key written but left blank (`path: ''`) is an error in the file, never "everything".
Waived findings are still shown and counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.files import display_path, read_input
from piarules.findings import DocumentResult, Finding, Waiver
from piarules.jpvalues import compact_text, is_empty_text, parse_date
from piarules.span import Span

_KEYS = {"rule", "document", "path", "変更日", "項目", "理由", "承認者", "期限"}
_TARGETS = ("document", "path", "変更日", "項目")
"""Keys that narrow what a waiver covers: written blank, they must not widen it to everything."""


def _date(value: Any, where: Span, key: str) -> dt.date:
    try:
        return parse_date(str(value))
    except ValueError as exc:
        raise PiarulesError([Diagnostic("PIA303", f"{key}: {exc}", where)]) from None


def load_waivers(path: Path) -> list[Waiver]:
    """Read a waiver file; malformed entries are errors with their location."""
    name = display_path(path)
    from piarules.document.loader import load_yaml  # YAML only when there is a waiver file
    from piarules.files import decode

    loaded = load_yaml(decode(read_input(path, "例外ファイル"), name), name)
    data = loaded.data
    items = data.get("waivers") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise PiarulesError([Diagnostic("PIA303", "例外ファイルには waivers: のリストが必要です", Span.point(name, 1, 1))])
    out = []
    for index, item in enumerate(items):
        where = loaded.source_map.span_of(("waivers", index))
        if not isinstance(item, dict) or not item.get("rule"):
            raise PiarulesError([Diagnostic("PIA303", "例外には rule: (ルールID) が必要です", where)])
        unknown = sorted(set(item) - _KEYS)
        if unknown:
            from piarules.diagnostics import suggestion

            raise PiarulesError([Diagnostic("PIA302", f"例外に使えない項目「{unknown[0]}」", where,
                                            help=suggestion(unknown[0], _KEYS))])
        _check_values(item, ("waivers", index), loaded.source_map)
        out.append(Waiver(
            index=index, rule=str(item["rule"]), span=where,
            document=str(item["document"]) if item.get("document") else None,
            path=str(item["path"]) if item.get("path") else None,
            row_date=_date(item["変更日"], where, "変更日") if item.get("変更日") else None,
            row_item=str(item["項目"]) if item.get("項目") else None,
            reason=_filled(item.get("理由")),
            approver=_filled(item.get("承認者")),
            expires=_date(item["期限"], where, "期限") if item.get("期限") else None,
        ))
    return out


def _check_values(item: dict[str, Any], at: tuple[str, int], source_map: Any) -> None:
    """Every value is one scalar; a target key that is written is not blank."""
    for key, value in item.items():
        where = source_map.span_of((*at, key))
        if isinstance(value, dict | list):
            raise PiarulesError([Diagnostic("PIA303", f"例外の {key} には値を1つ書いてください", where)])
        if key in _TARGETS and (value is None or not str(value).strip()):
            raise PiarulesError([Diagnostic("PIA303", f"例外の {key} が空です (空では全体を指すことになるため認めません)",
                                            where, help=f"対象を書くか、{key}: の行を削除してください")])


def _filled(value: Any) -> str | None:
    """The text of a 理由 / 承認者, or None when it is absent or an empty form (なし, (空欄), -)."""
    if value is None or is_empty_text(str(value)):
        return None
    return str(value).strip()


def usable(waiver: Waiver, today: dt.date) -> bool:
    """Fail closed: only a complete, unexpired waiver waives anything."""
    return bool(waiver.reason and waiver.approver and waiver.expires and waiver.expires >= today)


def _same_document(waiver: Waiver, document: str, waiver_dir: Path) -> bool:
    if waiver.document is None:
        return True
    target = Path(document).resolve()
    candidates = [(waiver_dir / waiver.document).resolve(), Path(waiver.document).resolve()]
    return target in candidates


def _covers(waiver: Waiver, finding: Finding, tree: dict[str, Any]) -> bool:
    if finding.rule_id != waiver.rule:
        return False
    if waiver.row_date is not None:
        if len(finding.path) < 2 or finding.path[0] != "変更箇所" or not isinstance(finding.path[1], int):
            return False
        rows = tree.get("変更箇所") or []
        row = rows[finding.path[1]] if finding.path[1] < len(rows) else {}
        if row.get("変更日") != waiver.row_date:
            return False
        return waiver.row_item is None or compact_text(str(row.get("項目", ""))) == compact_text(waiver.row_item)
    if waiver.path is None:
        return True
    text = finding.path_text
    return text == waiver.path or text.startswith(waiver.path + ".") or text.startswith(waiver.path + "[")


def apply_waivers(result: DocumentResult, tree: dict[str, Any], waivers: list[Waiver], waiver_dir: Path,
                  today: dt.date) -> DocumentResult:
    """Mark the findings covered by a usable waiver; remember which waivers matched."""
    candidates = [w for w in waivers if usable(w, today) and _same_document(w, result.path, waiver_dir)]
    matched: set[int] = set()
    findings = []
    for finding in result.findings:
        waiver = next((w for w in candidates if _covers(w, finding, tree)), None)
        if waiver is not None:
            matched.add(waiver.index)
            finding = replace(finding, waived_by=waiver)
        findings.append(finding)
    result.findings = findings
    result.matched_waivers = frozenset(matched)
    return result


def waiver_problems(waivers: list[Waiver], matched: set[int], today: dt.date) -> list[Finding]:
    """Errors for incomplete, expired and unused waivers (each at its place in the waiver file)."""
    out = []
    for w in waivers:
        missing = [k for k, v in (("理由", w.reason), ("承認者", w.approver), ("期限", w.expires)) if not v]
        if missing:
            out.append(_problem("WAIVER-INCOMPLETE", "例外の記載が足りない",
                                f"{w.rule} の例外に {'・'.join(missing)} がありません。この例外は適用しません", w))
        elif w.expires is not None and w.expires < today:
            out.append(_problem("WAIVER-EXPIRED", "期限切れの例外",
                                f"{w.rule} の例外は期限 {w.expires} を過ぎています。この例外は適用しません", w))
        elif w.index not in matched:
            out.append(_problem("WAIVER-UNUSED", "どの指摘にも当たらない例外",
                                f"{w.rule} の例外 ({w.target()}) に当たる指摘がありません。直ったなら例外を削除してください", w))
    return out


def _problem(rule_id: str, title: str, message: str, waiver: Waiver) -> Finding:
    return Finding(rule_id=rule_id, severity=Severity.ERROR, title=title, message=message, references=(),
                   hint="例外には rule・理由・承認者・期限 が必要です (期限は基準日で判断)", span=waiver.span,
                   path=("waivers", waiver.index))
