"""One diagnostic model for every stage: syntax, check, YAML, validation, import.

Codes are stable: PIA1xx policy syntax, PIA2xx policy checks, PIA3xx documents,
PIA4xx import, PIA5xx usage. `CODES` documents each one (used by `--explain`).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from piarules.span import Span


class Severity(StrEnum):
    """Severity of a diagnostic or finding, ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @property
    def label_ja(self) -> str:
        return {"error": "エラー", "warning": "警告", "info": "情報"}[self.value]


CODES: dict[str, tuple[str, str]] = {
    # code: (name, explanation in Japanese)
    "PIA101": ("syntax-error", "ポリシーの構文が正しくありません。示された位置で期待される語を確認してください。"),
    "PIA102": ("unclosed-string", "文字列の「\"」が閉じられていません。"),
    "PIA103": ("invalid-literal", "日付・期間・人数帯などのリテラルを解釈できません。"),
    "PIA201": ("unknown-field", "評価書の様式に存在しない項目名を参照しています。"),
    "PIA202": ("undefined-name", "定義されていない用語・変数・マッチャーを参照しています。"),
    "PIA203": ("duplicate-id", "ルールIDまたは用語名が重複しています。IDは一意でなければなりません。"),
    "PIA204": ("type-mismatch", "比較・演算の型が合いません (例: 日付と人数帯の比較)。"),
    "PIA205": ("never-fires", "条件が常に偽になるため、このルールは決して発火しません。"),
    "PIA206": ("invalid-choice", "選択肢にない値と比較しています。様式の選択肢を確認してください。"),
    "PIA207": ("invalid-regex", "正規表現をコンパイルできません。"),
    "PIA208": ("missing-severity", "ルールに severity (error / warning / info) がありません。"),
    "PIA209": ("bad-template", "メッセージの {…} 差し込みを解釈できません。"),
    "PIA210": ("recursive-term", "用語の定義が自分自身を参照しています。"),
    "PIA211": ("invalid-period", "有効期間の開始日が終了日より後です。"),
    "PIA212": ("ambiguous-name", "項目名が scope の変数の項目と文書全体の項目の両方に当たります。"),
    "PIA213": ("kind-dependent-field", "評価書の種類によって形の違う節を、種類を指定せずに使っています。"),
    "PIA214": ("unknown-kind", "applies to に評価書の種類でない名前が書かれています。"),
    "PIA301": ("yaml-syntax", "YAMLとして読み込めません。"),
    "PIA302": ("unknown-key", "様式にない項目名 (キー) です。"),
    "PIA303": ("invalid-value", "項目の値が様式の選択肢・形式に合いません。"),
    "PIA304": ("invalid-date", "日付として解釈できないか、存在しない日付です。"),
    "PIA305": ("duplicate-key", "同じ項目名が同じ階層に2回書かれています。"),
    "PIA306": ("too-large", "文書が大きすぎるか、エイリアスの展開が多すぎます。"),
    "PIA307": ("wrong-kind", "評価書の種類に合わない節が書かれています。"),
    "PIA308": ("encoding", "文字コードを判別できません (UTF-8 または Shift_JIS で保存してください)。"),
    "PIA401": ("import-format", "変更箇所の表の形式が正しくありません。"),
    "PIA402": ("import-anomaly", "変更箇所の行に確認が必要な点があります (空の提出時期、日付の順序など)。"),
    "PIA501": ("usage", "コマンドの使い方が正しくありません。"),
}


@dataclass(frozen=True)
class Diagnostic:
    """A problem in the user's input (policy, document, table, command line)."""

    code: str
    message: str
    span: Span | None = None
    severity: Severity = Severity.ERROR
    help: str | None = None
    notes: tuple[str, ...] = field(default=())

    def one_line(self) -> str:
        """`file:line:col: エラー[PIA201] message (help)` on one line."""
        where = f"{self.span}: " if self.span else ""
        extra = f" ({self.help})" if self.help else ""
        return f"{where}{self.severity.label_ja}[{self.code}] {self.message}{extra}"


class PiarulesError(Exception):
    """Input that cannot be processed; carries the diagnostics that explain why."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(d.one_line() for d in self.diagnostics))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to `word`, or None; compares NFKC-folded text."""
    pool = {_fold(c): c for c in candidates}
    folded = _fold(word)
    if folded in pool:
        return pool[folded]
    hits = difflib.get_close_matches(folded, list(pool), n=1, cutoff=0.5)
    if hits:
        return pool[hits[0]]
    # Japanese item names often differ by a prefix such as 「再委託の」: try containment.
    contained = [c for f, c in pool.items() if folded and (folded in f or f in folded)]
    return min(contained, key=len) if contained else None


def suggestion(word: str, candidates: Iterable[str]) -> str | None:
    """A 「もしかして」 help text, or None when nothing is close."""
    best = did_you_mean(word, candidates)
    return f"もしかして「{best}」" if best else None
