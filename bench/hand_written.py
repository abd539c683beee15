"""The 18 rules of bench/policies written by hand in plain Python, for bench_eval.py.

They produce the same findings as the compiled rules: the same `Finding` objects (rule id,
severity, title, message, references, hint, document path, YAML location found through the
document's source map exactly as piarules does, missing key) in the same order. Values are
read with piarules' own semantics (absent = None, text compared after NFKC and without spaces,
regexes searched in normalised text, values shown in messages as `values.display` shows them),
so the comparison measures the engine, not different rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from piarules.diagnostics import Severity
from piarules.document import Document
from piarules.document.source_map import DocPath
from piarules.findings import Finding
from piarules.jpvalues import compact_text, is_empty_text, normalize_text, parse_count, parse_date
from piarules.values import display

# id → (severity, title, references): what the policy files say
RULES: dict[str, tuple[Severity, str, tuple[str, ...]]] = {
    "B-CH-01": (Severity.ERROR, "提出時期が空欄", ("番号法第28条第1項",)),
    "B-CH-02": (Severity.ERROR, "重要な変更なのに事後提出", ("番号法第28条第1項",)),
    "B-CH-03": (Severity.WARNING, "「重大な変更」という語", ("番号法第28条第1項",)),
    "B-CH-04": (Severity.WARNING, "変更日が前の行より前", ("番号法第28条第1項",)),
    "B-CH-05": (Severity.WARNING, "前回の変更後と今回の変更前が一致しない", ("番号法第28条第1項",)),
    "B-CH-06": (Severity.ERROR, "重要な変更の対象の項目を事後提出にしたのに説明がない", ("番号法第28条第1項",)),
    "B-CH-07": (Severity.WARNING, "単なる修正で実施日を進めている", ("番号法第28条第1項",)),
    "B-CLOUD-01": (Severity.WARNING, "クラウド化の変更に ISMAP の条件がない", ("番号法第28条第1項",)),
    "B-TM-01": (Severity.INFO, "1年以上見直しの記録がない", ("番号法第28条第1項",)),
    "B-ENT-01": (Severity.ERROR, "再委託するのに許諾方法・再委託事項がない", ("番号法第10条",)),
    "B-ENT-02": (Severity.WARNING, "再委託の許諾方法に書面・許諾の記載がない", ("番号法第10条",)),
    "B-ENT-03": (Severity.WARNING, "委託の有無の件数と委託事項の数が違う", ("番号法第10条",)),
    "B-WRD-01": (Severity.WARNING, "区の評価書に「当市」「本市」", ()),
    "B-WRD-02": (Severity.WARNING, "語の重複 (情報情報・ファイルファイル)", ()),
    "B-LAW-01": (Severity.ERROR, "番号法第19条第7号は第8号に", ()),
    "B-TH-01": (Severity.ERROR, "しきい値判断結果が対象人数と両立しない", ("特定個人情報保護評価に関する規則第4条",)),
    "B-TH-02": (Severity.WARNING, "ファイルの対象となる本人の数が事務の対象人数を超える", ("特定個人情報保護評価に関する規則第4条",)),
    "B-TM-02": (Severity.WARNING, "最後の評価実施から5年が経過", ("特定個人情報保護評価に関する規則第4条",)),
}

IMPORTANT_ITEMS = [compact_text(x) for x in ("事務の内容", "対象となる本人の範囲", "入手元", "委託の有無", "再委託の有無", "保管場所")]
IMPORTANT_SET = frozenset(IMPORTANT_ITEMS)
CHAINED = frozenset(compact_text(x) for x in ("対象人数", "対象となる本人の数", "委託の有無", "再委託の有無", "しきい値判断結果"))
CLOUD = [compact_text(x) for x in ("クラウド", "IaaS", "PaaS", "SaaS")]
SAYS_IMPORTANT = re.compile("重要な変更")
NEGATED = re.compile("重要な変更[にとはへ]{0,3}(当たらない|該当しない|あたらない)")
WARD = re.compile("区(長|議会|教育委員会|選挙管理委員会)?$")
CITY = re.compile("(当|本)市(?:$|[^場区町]|区(?:$|[^町]|町(?:$|[^村]))|町(?:$|[^村]))")
DOUBLED = re.compile("情報情報|事務事務の(?:$|[^内]|内(?:$|[^容]))|ファイルファイル")
OLD_ARTICLE = re.compile("番号法 ?第 ?19 ?条 ?第 ?7 ?号")
ALL_PLANS = compact_text("基礎項目評価及び全項目評価の実施が義務付けられる")
FOCUSED = compact_text("基礎項目評価及び重点項目評価の実施が義務付けられる")
BASIC = compact_text("基礎項目評価の実施が義務付けられる")
GRAVE = compact_text("重大な変更")
ISMAP_SINCE = dt.date(2024, 1, 31)
RENUMBERED = dt.date(2021, 9, 1)


# ---------------------------------------------------------------- value semantics (as piarules)


def empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and is_empty_text(v)) or (isinstance(v, list | dict) and not v)


def same_text(a: Any, b: Any) -> bool:
    """`==` on present values: equal, or equal texts after NFKC without spaces."""
    if a is None or b is None:
        return False
    if isinstance(a, str) and isinstance(b, str):
        return a == b or compact_text(a) == compact_text(b)
    return bool(a == b)


def as_date(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    try:
        return parse_date(str(v))
    except ValueError:
        return None


def same_value(a: Any, b: Any) -> bool:
    """The builtin same(): equal texts, or the same date."""
    if a is None or b is None:
        return a is None and b is None
    if compact_text(str(a)) == compact_text(str(b)):
        return True
    da = as_date(a)
    return da is not None and da == as_date(b)


def get(value: Any, *fields: str) -> Any:
    for f in fields:
        value = value.get(f) if isinstance(value, dict) else None
    return value


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def texts_in_force(tree: dict[str, Any]) -> list[tuple[str, DocPath, dt.date | None]]:
    """本文: every text outside 変更箇所, then each row's 変更後の記載 with its 変更日."""
    out: list[tuple[str, DocPath, dt.date | None]] = []

    def walk(v: Any, path: DocPath) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, (*path, k))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, (*path, i))
        elif type(v) is str:
            out.append((v, path, None))

    for key, value in tree.items():
        if key != "変更箇所":
            walk(value, (key,))
    rows = tree.get("変更箇所")
    if isinstance(rows, list):
        for i, row in enumerate(rows):
            text = row.get("変更後の記載") if isinstance(row, dict) else None
            if isinstance(text, str):
                written = row.get("変更日")
                out.append((text, ("変更箇所", i, "変更後の記載"), written if isinstance(written, dt.date) else None))
    return out


# ---------------------------------------------------------------- findings


class Out:
    """Findings of one document, located through its source map like piarules' evaluate."""

    def __init__(self, document: Document):
        self.document = document
        self.found: list[Finding] = []

    def add(self, rule: str, path: DocPath, message: str) -> None:
        severity, title, references = RULES[rule]
        found_path, located = self.document.source_map.nearest(path)
        missing_key = None if found_path == path else str(path[len(found_path)])
        self.found.append(Finding(rule_id=rule, severity=severity, title=title, message=message,
                                  references=references, hint=None, span=located.key or located.value,
                                  path=path, missing_key=missing_key))


def change_rows(tree: dict[str, Any], out: Out, as_of: dt.date) -> None:
    rows = tree.get("変更箇所")
    if not isinstance(rows, list):
        return
    last_by_item: dict[str, dict[str, Any]] = {}
    previous: dict[str, Any] | None = None
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            previous = None
            continue
        date, item, timing = row.get("変更日"), row.get("項目"), row.get("提出時期")
        why = row.get("提出時期に係る説明")
        name = get(row, "項目の解析", "項目名")
        if empty(timing):
            out.add("B-CH-01", ("変更箇所", i, "提出時期"), f"{display(date)} の変更「{display(item)}」の提出時期が空欄です")
        if isinstance(why, str):
            text = normalize_text(why)
            if SAYS_IMPORTANT.search(text) and not NEGATED.search(text) and (timing is None or same_text(timing, "事後")):
                out.add("B-CH-02", ("変更箇所", i, "提出時期"),
                        f"{display(date)} の「{display(item)}」は説明で重要な変更としていますが、提出時期が事後です")
            if GRAVE in compact_text(why):
                out.add("B-CH-03", ("変更箇所", i, "提出時期に係る説明"),
                        f"{display(date)}: 説明の「重大な変更」は「重要な変更」と書いてください")
        before = previous.get("変更日") if previous is not None else None
        if before is not None and not (date is not None and date >= before):
            out.add("B-CH-04", ("変更箇所", i, "変更日"), f"変更日 {display(date)} が前の行の変更日 {display(before)} より前です")
        key = compact_text(item) if isinstance(item, str) else None
        same_item = last_by_item.get(key) if key is not None and i > 0 else None
        if isinstance(name, str) and compact_text(name) in CHAINED and same_item is not None:
            last = same_item.get("変更日")
            if last is not None and date is not None and last < date \
                    and not same_value(row.get("変更前の記載"), same_item.get("変更後の記載")):
                out.add("B-CH-05", ("変更箇所", i, "変更前の記載"),
                        f"「{display(item)}」の変更前「{display(row.get('変更前の記載'))}」が前回 ({display(last)}) の変更後と一致しません")
        if key is not None:
            last_by_item[key] = row
        important = (isinstance(name, str) and compact_text(name) in IMPORTANT_SET) or \
            (isinstance(item, str) and any(n in compact_text(item) for n in IMPORTANT_ITEMS))
        if important and same_text(timing, "事後") and empty(why):
            out.add("B-CH-06", ("変更箇所", i, "提出時期"),
                    f"{display(date)} の「{display(item)}」は重要な変更の対象の項目ですが、事後提出の理由がありません")
        if same_text(name, "実施日") and same_text(timing, "事後"):
            new, old = as_date(row.get("変更後の記載")), as_date(row.get("変更前の記載"))
            if new is not None and old is not None and new > old and not any(
                    isinstance(r, dict) and same_text(r.get("変更日"), date) and same_text(r.get("提出時期"), "事前")
                    for r in rows):
                out.add("B-CH-07", ("変更箇所", i, "変更後の記載"),
                        f"{display(date)} に実施日を {display(row.get('変更前の記載'))} → {display(row.get('変更後の記載'))} "
                        "に進めていますが、同じ日に事前提出の変更がありません")
        judged = date if isinstance(date, dt.date) else as_of
        after = row.get("変更後の記載")
        if judged >= ISMAP_SINCE and isinstance(after, str):
            folded = compact_text(after)
            if any(n in folded for n in CLOUD) and "ISMAP" not in folded:
                out.add("B-CLOUD-01", ("変更箇所", i, "変更後の記載"), f"{display(date)} の変更: クラウド事業者の条件に ISMAP がありません")
        previous = row
    if rows:
        since = years_before(as_of, 1)
        if not any(isinstance(r, dict) and r.get("変更日") is not None and r["変更日"] > since for r in rows):
            out.add("B-TM-01", ("変更箇所",), f"最後の変更から1年以上経っています (基準日 {display(as_of)})")


def entrustment(tree: dict[str, Any], out: Out) -> None:
    files = tree.get("特定個人情報ファイル")
    if not isinstance(files, list):
        return
    for i, file in enumerate(files):
        name = get(file, "ファイル名")
        tasks = get(file, "委託", "委託事項")
        for j, task in enumerate(tasks if isinstance(tasks, list) else []):
            if not same_text(get(task, "再委託の有無"), "再委託する"):
                continue
            at = ("特定個人情報ファイル", i, "委託", "委託事項", j)
            where = f"{display(name)} 委託事項{display(get(task, '番号'))}"
            permit = get(task, "再委託の許諾方法")
            if empty(permit) or empty(get(task, "再委託事項")):
                out.add("B-ENT-01", (*at, "再委託の有無"), f"{where}: 「再委託する」には許諾方法と再委託事項が必要です")
            if empty(permit):
                unmet = ["委託.再委託の許諾方法"]
            else:
                folded = compact_text(permit) if isinstance(permit, str) else None
                unmet = [desc for desc, needle in (("書面による再委託申請", "書面"), ("委託元による許諾", "許諾"))
                         if folded is None or needle not in folded]
            if unmet:
                out.add("B-ENT-02", (*at, "再委託の許諾方法"), f"{where}: 再委託の許諾方法に次の記載がありません: {'、'.join(unmet)}")
        declared = get(file, "委託", "委託の有無")
        if declared is not None:
            count = len(tasks) if isinstance(tasks, list) else 0
            number = int(declared) if isinstance(declared, int) else _count(declared)
            if number != count:
                out.add("B-ENT-03", ("特定個人情報ファイル", i, "委託", "委託の有無"),
                        f"{display(name)}: 委託の有無は「{display(declared)}」ですが、委託事項は {count} 件です")


def texts(tree: dict[str, Any], out: Out, as_of: dt.date) -> None:
    body = tree.get("評価実施機関名")
    ward = isinstance(body, str) and WARD.search(normalize_text(body)) is not None
    for text, path, written in texts_in_force(tree):
        normal = normalize_text(text)
        if ward and CITY.search(normal):
            out.add("B-WRD-01", path, f"{display(body)}の評価書に「当市」または「本市」とあります")
        if DOUBLED.search(normal):
            out.add("B-WRD-02", path, f"語が重複しています: 「{display(text)}」")
        if (written or as_of) >= RENUMBERED and OLD_ARTICLE.search(normal):
            out.add("B-LAW-01", path, "「番号法第19条第7号」は令和3年9月1日から「番号法第19条第8号」です")


def _count(value: Any) -> int | None:
    try:
        return int(parse_count(str(value)))
    except ValueError:
        return None


def _ge(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a >= b


def _lt(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a < b


def threshold(tree: dict[str, Any], out: Out, as_of: dt.date) -> None:
    people = get(tree, "基本情報", "事務", "対象人数")
    result = get(tree, "評価実施手続", "基礎項目評価", "しきい値判断結果")
    if people is not None and result is not None:
        folded = compact_text(result) if isinstance(result, str) else None

        def says(needle: str) -> bool:
            return folded is not None and needle in folded

        if (_ge(people, 300000) and not says(ALL_PLANS)) or (_ge(people, 100000) and says(BASIC)) \
                or (_lt(people, 100000) and says(ALL_PLANS)) or (_lt(people, 10000) and says(FOCUSED)):
            out.add("B-TH-01", ("評価実施手続", "基礎項目評価", "しきい値判断結果"),
                    f"しきい値判断結果「{display(result)}」は対象人数 {display(people)} と両立しません")
    files = tree.get("特定個人情報ファイル")
    for i, file in enumerate(files if isinstance(files, list) else []):
        band = get(file, "基本情報", "対象となる本人の数")
        if band is not None and people is not None and _ge(band.lower, people.upper):
            out.add("B-TH-02", ("特定個人情報ファイル", i, "基本情報", "対象となる本人の数"),
                    f"{display(get(file, 'ファイル名'))}の対象となる本人の数 {display(band)} は事務の対象人数 {display(people)} より多くなっています")
    assessed = get(tree, "評価実施手続", "基礎項目評価", "実施日")
    if assessed is not None and not assessed > years_before(as_of, 5):
        out.add("B-TM-02", ("評価実施手続", "基礎項目評価", "実施日"),
                f"評価の実施日 {display(assessed)} から5年が経過しています (基準日 {display(as_of)})")


GROUPS: dict[str, Callable[[dict[str, Any], Out, dt.date], None]] = {
    "changelog.pia": change_rows,
    "entrustment.pia": lambda tree, out, as_of: entrustment(tree, out),
    "text.pia": texts,
    "threshold.pia": threshold,
}
"""Each policy file of bench/policies and the function holding the same rules."""


def evaluate_by_hand(document: Document, as_of: dt.date, groups: tuple[str, ...] = tuple(GROUPS)) -> list[Finding]:
    """The benchmark rules (of the given policy files) over one document; findings sorted as piarules sorts them."""
    out = Out(document)
    for group in groups:
        GROUPS[group](document.tree, out, as_of)
    out.found.sort(key=Finding.sort_key)
    return out.found
