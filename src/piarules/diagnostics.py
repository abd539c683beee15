"""One diagnostic model for every stage: syntax, check, YAML, validation, import.

Codes are stable: PIA1xx policy syntax, PIA2xx policy checks, PIA3xx documents,
PIA4xx import, PIA5xx usage, PIA6xx legal data files (statutes, law timeline). `CODES` documents each one (used by `--explain`).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from piarules.span import Span

_RANKS = {"error": 3, "warning": 2, "info": 1, "high": 3, "medium": 2, "low": 1}
_LABELS_JA = {"error": "エラー", "warning": "警告", "info": "情報", "high": "高", "medium": "中", "low": "低"}


class _Level(StrEnum):
    """Three ordered levels, the highest first, each with its Japanese label."""

    @property
    def rank(self) -> int:
        return _RANKS[self.value]

    @property
    def label_ja(self) -> str:
        return _LABELS_JA[self.value]


class Severity(_Level):
    """Severity of a diagnostic or finding, ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Confidence(_Level):
    """How sure a rule is that a finding is a real defect (as in Semgrep's rule metadata)."""

    HIGH = "high"
    """Certain from the document's structure or an unambiguous reading."""
    MEDIUM = "medium"
    """A reading of free text that is right in most wordings."""
    LOW = "low"
    """A heuristic; a person should look."""


@dataclass(frozen=True)
class CodeDoc:
    """What a diagnostic code means, why it matters, and an example (for `check --explain`)."""

    name: str
    meaning: str
    why: str
    example: str


CODES: dict[str, CodeDoc] = {
    "PIA101": CodeDoc("syntax-error", "ポリシーの構文が正しくありません。", "構文が解釈できないと、そのファイルのルールは一つも検査できません。",
                      '誤: severty error\n正: severity error'),
    "PIA102": CodeDoc("unclosed-string", "文字列の「\"」(または「」」) が同じ行で閉じられていません。", "文字列は1行で書きます。",
                      '誤: message "区の評価書\n正: message "区の評価書"'),
    "PIA103": CodeDoc("invalid-literal", "日付・期間・人数帯などの値を解釈できません。", "存在しない日付や読めない人数帯は、推測せずに誤りとします。",
                      '誤: effective from 2023-02-29\n正: effective from 2023-03-01'),
    "PIA104": CodeDoc("too-deep", "括弧や演算子の入れ子が深すぎます。", "極端に深い式は読めず、処理の限界 (再帰) を超えるため、上限を設けています。",
                      "長い式は term に分けて書く: term 条件A = …  /  require 条件A and 条件B"),
    "PIA201": CodeDoc("unknown-field", "評価書の様式に存在しない項目名、または定義されていない名前を参照しています。",
                      "項目名の誤りはルールを黙って無効にします (何も見つからないまま通ってしまう)。",
                      '誤: require 委託.再委託の許諾 is present\n正: require 委託.再委託の許諾方法 is present'),
    "PIA202": CodeDoc("undefined-name", "定義されていないマッチャーまたは関数を使っているか、use に読み込んでいないポリシーや、そのポリシーにない名前を書いています。",
                      "未定義の名前は評価できません。",
                      '誤: require 本文 matches 国内保管\n正: matcher 国内保管 = contains "国内"  (を先に定義)\n誤: use ENTT\n正: use ENT'),
    "PIA203": CodeDoc("duplicate-id", "ルールID・用語・定数・マッチャーの名前が重複しています (独自のルールと標準ポリシーのルールの ID、"
                      "このファイルの名前と use で使う名前を含む)。",
                      "IDは指摘・例外・ベースラインの識別に使うため一意でなければなりません。標準のルールを置き換えるときは、"
                      "設定の ignore で標準のルールを外してから別の ID で書きます。", "rule ENT-001 … を2回書かない"),
    "PIA204": CodeDoc("type-mismatch", "比較・計算・関数の引数の型が合いません。", "日付と人数帯の比較などは常に意味をなしません。",
                      '誤: require 公表日 > 基本情報.事務.対象人数\n正: require 公表日 > 2024-05-27'),
    "PIA205": CodeDoc("never-fires", "条件が常に偽、または require がないため、ルールが決して発火しません。",
                      "決して発火しないルールは、検査したつもりで何も検査しません。", '誤: when false\n正: when 再委託の有無 == "再委託する"'),
    "PIA206": CodeDoc("invalid-choice", "項目の選択肢にない値と比較しています (決して一致しません)。", "様式の選択肢と表記が違うと、ルールは黙って無効になります。",
                      '誤: 再委託の有無 == "再委託あり"\n正: 再委託の有無 == "再委託する"'),
    "PIA207": CodeDoc("invalid-regex", "正規表現をコンパイルできません。", "壊れた正規表現では何も一致しません。", '誤: matches "(国内"\n正: matches "(国内)"'),
    "PIA208": CodeDoc("missing-severity", "ルールに severity がないか、error / warning / info 以外です。", "重大度は終了コード (--fail-on) を決めます。",
                      "severity error   # または warning / info / エラー / 警告 / 情報"),
    "PIA209": CodeDoc("bad-template", "メッセージの {…} 差し込みを解釈できません。", "差し込みは項目の値を示すための式です。",
                      '誤: message "{委託.}"\n正: message "{委託.委託先名}"'),
    "PIA210": CodeDoc("recursive-term", "用語・マッチャーの定義が自分自身を参照しています。", "循環する定義は評価できません。", "term a = b と term b = a を同時に書かない"),
    "PIA211": CodeDoc("invalid-period", "有効期間の開始が終了より後です。", "その期間は空で、ルールは決して適用されません。",
                      "誤: effective from 2025-01-01 until 2024-01-01"),
    "PIA212": CodeDoc("ambiguous-name", "名前が for each の要素の項目と文書全体の項目の両方に当たります。", "意図と違う項目を見てしまう恐れがあります。",
                      "ファイル.基本情報 または 文書.基本情報 と書き分ける"),
    "PIA213": CodeDoc("kind-dependent-field", "評価書の種類によって形の違う節を、種類を指定せずに使っています。",
                      "基礎項目評価書のリスク対策と重点・全項目のリスク対策は別の形です。", "applies to 重点項目評価書, 全項目評価書"),
    "PIA214": CodeDoc("unknown-kind", "applies to に評価書の種類でない名前があります。", "種類の誤記はルールを黙って無効にします。",
                      "誤: applies to 重点評価書\n正: applies to 重点項目評価書"),
    "PIA215": CodeDoc("duplicate-statement", "1回だけ書ける文 (when・require・severity・message など) が2回あります。",
                      "2回目が黙って1回目を上書きすると、書いた条件の片方が検査されません。", "誤: when a\n    when b\n正: when a and b"),
    "PIA216": CodeDoc("constant-condition", "条件の中に true / false があり、条件全体を定数にするか、何も変えていません。",
                      "書き換えの途中で残った定数は、ルールを黙って無効にするか、常に発火させます。", "誤: when false and 再委託する\n正: when 再委託する"),
    "PIA217": CodeDoc("absent-value-comparison", "require の中の != ・ not in ・大小の比較が、項目が空欄のときにも偽になり、ルールを発火させます。",
                      "空欄を「誤った値」と報告してしまいます (例: 提出時期が空欄なのに「事後です」と指摘する)。空欄は別のルールで指摘し、"
                      "この比較は値があるときだけ行います。",
                      '誤: require 行.提出時期 != "事後"\n正: require not (行.提出時期 == "事後")  または  when 行.提出時期 is present'),
    "PIA301": CodeDoc("yaml-syntax", "YAMLとして読み込めません。", "壊れた文書は検査できません。", "誤: 評価書名 国保\n正: 評価書名: 国保"),
    "PIA302": CodeDoc("unknown-key", "様式にない項目名 (キー) です。", "項目名の誤りは値を黙って無視させるため、誤りとします。",
                      "誤: 再委託の許諾: …\n正: 再委託の許諾方法: …"),
    "PIA303": CodeDoc("invalid-value", "値が様式の選択肢・形式に合いません。", "選択肢以外の値はルールで正しく判定できません。",
                      "誤: 提出時期: 事中\n正: 提出時期: 事前"),
    "PIA304": CodeDoc("invalid-date", "日付として解釈できないか、存在しない日付です。", "平成31年5月1日のような日付は推測せずに誤りとします。",
                      "誤: 公表日: 平成31年5月1日\n正: 公表日: 令和元年5月1日"),
    "PIA305": CodeDoc("duplicate-key", "同じ項目名が同じ階層に2回あります。", "どちらの値が正しいか分からないため誤りとします。", "評価書名: を1回だけ書く"),
    "PIA306": CodeDoc("too-large", "入力が上限を超えています: ファイルの大きさ、YAML の値の数 (エイリアスの展開後) や入れ子の深さ、表の行数・セル数・セルの文字数、Excel を展開した大きさ。",
                      "悪意ある入力 (エイリアス爆弾、zip 爆弾) や取り違えたファイルで、メモリや時間を使い果たさないためです。上限は README の「制限」の環境変数で変えられます。",
                      "アンカー/エイリアスを使いすぎない\nPIARULES_MAX_FILE_BYTES=50000000 piarules eval 大きな評価書.yaml"),
    "PIA307": CodeDoc("wrong-kind", "評価書の種類に合わない節が書かれているか、種類の指定がありません。", "種類ごとに様式が違います。",
                      "先頭に 評価書の種類: 重点項目評価書 を書く"),
    "PIA308": CodeDoc("encoding", "文字コードを判別できないか、バイナリファイルです。", "UTF-8 と Shift_JIS を読めます。", "UTF-8 で保存し直す"),
    "PIA309": CodeDoc("item-analysis-mismatch", "YAML に書かれた 項目の解析 が、項目から読み取った解析と違います。書かれたほうを使います。",
                      "書かれた解析は上書きしません。古い版の取り込みで書かれたものなら、消すと読み取った解析が使われます。",
                      "項目: - 4 個人番号の利用 法令上の根拠\n項目の解析: {項目名: 個人番号の利用}   # 読み取り: 法令上の根拠"),
    "PIA310": CodeDoc("bad-data-entry", "同梱のデータファイル (項目名の表など) に、様式にない項目名があります。",
                      "表の誤りは項目の解析を黙って狂わせるため、行番号つきで知らせます。",
                      "labels:\n  取扱いの委託: 委託の有無に   # 誤: 様式にない項目名"),
    "PIA311": CodeDoc("forbidden-character", "YAML に書けない文字 (制御文字、U+FFFE、サロゲートなど) があります。",
                      "目に見えない文字は、値を黙って変えたり表示を乱したりします。その文書だけを誤りとし、ほかの文書は検査します。",
                      "誤: 評価書名: 国保␁事務 (U+0001 が紛れ込んでいる)\n正: 評価書名: 国保事務"),
    "PIA312": CodeDoc("empty-document", "文書に内容がありません (空のファイル、コメントだけ、空欄の値だけ)。",
                      "空の文書は何も検査されないまま合格してしまいます。意図したものなら eval --allow-empty を指定します。",
                      "評価書の種類: 重点項目評価書 から書き始める"),
    "PIA401": CodeDoc("import-format", "変更箇所の表の形式が正しくありません (列の数など)。", "列がずれると内容を取り違えます。",
                      "列: 変更日 | 項目 | 変更前の記載 | 変更後の記載 | 提出時期 | 提出時期に係る説明"),
    "PIA402": CodeDoc("import-anomaly", "変更箇所の行に確認が必要な点があります (空の提出時期、日付の順序、途中で切れたセル)。",
                      "取り込みは値を勝手に直さず、警告として知らせます。", "提出時期が空の行に 事前 か 事後 を書く"),
    "PIA500": CodeDoc("internal-error", "piarules の不具合で、この文書を検査できませんでした。",
                      "ほかの文書の検査は続けます。終了コードは 2 です。メッセージを添えて報告してください。", "(報告してください)"),
    "PIA501": CodeDoc("usage", "コマンドの使い方、またはファイルの指定が正しくありません (存在しない・読めない・書き込めない、"
                      "通常のファイルでない (FIFO・デバイス・ディレクトリ)、ベースラインの形が違う、ルールが1つもない)。",
                      "FIFO やデバイスを読むと止まったりメモリを使い果たしたりするため、通常のファイルだけを読みます。",
                      "piarules eval --help"),
    "PIA503": CodeDoc("invalid-config", "設定ファイル (piarules.toml、pyproject.toml の [tool.piarules]) に、知らない設定名、型や値の誤り、"
                      "どのルールにも当たらない select / ignore / severity があります。",
                      "書き誤った設定は黙って無視され、外したつもりのルールが動いたり、合格の基準が変わったりします。",
                      '誤: fail_on = "warning"\n正: fail-on = "warning"'),
    "PIA502": CodeDoc("invalid-test-case", "テストケースのファイル (piarules test) の形が正しくありません (知らない項目、fires も quiet もないケース)。",
                      "書き誤った項目 (fires を fire と書くなど) は黙って無視され、何も検査しないテストになります。",
                      "誤: - rule: ENT-001\n    fire: |\n正: - rule: ENT-001\n    fires: |"),
    "PIA601": CodeDoc("invalid-data", "同梱・独自のデータファイル (同義語表・法令表・改正の時系列など) の項目が正しくありません (必須項目がない、型が違う、引用を解釈できない、期間が重なる)。",
                      "誤った項目は読み飛ばされ、その語で探すルールが黙って弱くなります。",
                      '誤: 許諾: {terms: 許諾}\n正: 許諾: {terms: [許諾, 承認, 承諾], source: "番号法第10条第1項"}'),
    "PIA602": CodeDoc("duplicate-alias", "法令名・略称・法令番号が2つの項目で定義されています。",
                      "同じ名前がどちらの法令を指すか決められません。", "略称「番号法」を2つの法令に書かない"),
    "PIA603": CodeDoc("unknown-statute-kind", "法令の種類 (kind) が 法律 / 政令 / 府省令 / 規則 / 命令 / 告示 / 条例 のいずれでもありません。",
                      "種類の誤記は法令の扱いを変えてしまいます。", "誤: kind: 省令\n正: kind: 府省令"),
    "PIA604": CodeDoc("invalid-data-date", "法令データファイルの日付が存在しないか、解釈できません。",
                      "施行日・改正日を推測せずに誤りとします。", "誤: from: 2021-02-30\n正: from: 2021-03-01"),
}


def explain(code: str) -> str | None:
    """The `check --explain` text for a code, or None."""
    doc = CODES.get(code.upper())
    if doc is None:
        return None
    parts = [f"{code.upper()} ({doc.name})", "", doc.meaning]
    if doc.why:
        parts += ["", "なぜ: " + doc.why]
    parts += ["", "例:", *("  " + line for line in doc.example.splitlines())]
    return "\n".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """A problem in the user's input (policy, document, table, command line)."""

    code: str
    message: str
    span: Span | None = None
    severity: Severity = Severity.ERROR
    help: str | None = None
    notes: tuple[str, ...] = field(default=())
    cell: str | None = None
    """The table cell it is about, as Excel names it (`変更箇所!E12`, `E12` in a CSV/TSV)."""
    cell_text: str | None = None
    """That cell's text as written (for the findings lists officials work through)."""

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
