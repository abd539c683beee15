"""The bundled 墨田区 change log, judged row by row on each row's 変更日.

Every 変更後の記載 was right on its date; the 変更前の記載 that were stale on the day of the change are
exactly the citation fixes the log records (令和4年6月16日: 第19条第7号 → 第8号; 令和5年6月5日:
個人情報保護条例 → 個人情報の保護に関する法律).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from piarules.document.loader import load_yaml
from piarules.jpvalues import parse_date
from piarules.legal.citations import parse_citations
from piarules.legal.timeline import Status, judge
from tests.conftest import ROOT


def _verdicts(column: str) -> list[tuple[str, str, Status, str | None]]:
    path = ROOT / "examples" / "sumida-kokuho" / "changelog.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"), str(path)).data
    out = []
    for row in data["変更箇所"]:
        d = parse_date(row["変更日"])
        for c in parse_citations(row.get(column) or ""):
            v = judge(c, dt.date(d.year, d.month, d.day), field=row.get("項目"))
            out.append((row["変更日"], c.label, v.status, v.replaced_by))
    return out


def test_text_after_each_change_was_right_on_its_date() -> None:
    statuses = Counter(status for *_, status, _ in _verdicts("変更後の記載"))
    assert statuses[Status.STALE] == statuses[Status.NOT_YET] == statuses[Status.ABOLISHED] == 0
    assert statuses[Status.CURRENT] > 50


def test_text_before_each_change_was_stale_exactly_where_the_log_fixes_a_citation() -> None:
    stale = Counter((day, label, replaced) for day, label, status, replaced in _verdicts("変更前の記載")
                    if status is Status.STALE)
    assert set(stale) == {
        ("令和4年6月16日", "番号法第19条第7号", "番号法第19条第8号"),
        ("令和5年6月5日", "個人情報保護条例", "個人情報の保護に関する法律 (及び個人情報の保護に関する法律施行条例)"),
        ("令和5年6月5日", "墨田区個人情報保護条例", "個人情報の保護に関する法律 (及び墨田区個人情報の保護に関する法律施行条例)"),
    }
