"""Item analysis: what the 項目 cell of a 変更箇所 row points at on the form.

A 項目 cell is a breadcrumb copied from the printed form, written in many styles:
「Ⅱ 特定個人情報ファイルの概要 5. 給付管理ファイル 4. 特定個人情報ファイルの取扱いの委託 委託事項3
⑩再委託の有無 ※」, 「特定個人情報ファイルの概要(5.給付管理ファイル) 4.…委託 委託事項3 再委託の有無」,
「(5) 給付管理ファイル …」, 「- 4 個人番号の利用 法令上の根拠」, 「再発防止策の内容」. `analyse_item`
reads it into the fields of 項目の解析:

- 節: 基本情報 / 特定個人情報ファイルの概要 / リスク対策 / 評価実施手続 / 開示請求 / しきい値判断
- ファイル番号, ファイル名: the file block 「5. 給付管理ファイル」「(5) 給付管理ファイル」 (unset for
  a range such as 「1. 資格管理ファイル~6. 滞納整理ファイル」)
- 委託事項番号: 委託事項n (unset for a range)
- 項目名: the form's name of the item (the last key of 様式パス, else the last name recognised)
- 様式パス: the item's path in the model's YAML names, as `piarules test --coverage` prints them,
  e.g. 特定個人情報ファイル[].委託.委託事項[].再委託の有無
- 重要な変更の対象: whether the form marks the item ※ (true when the cell or the model marks it;
  false only in Ⅰ and Ⅱ of 重点・全項目, where the model's ※ list applies; else unset)

How: the cell is normalised (HTML removed, NFKC, spaces, 「・」「、」 and the particles の/を
ignored, typos of data/form_labels.yaml corrected); the Roman numeral, file headings, notes such as
「※(7.リスク1⑨を除く。)」 and trailing 「の記載」 are taken out; the remaining labels (the model's
keys, the printed headings of data/form_labels.yaml and the form's questions) are found left to
right and placed on the model tree: each below the previous one (the shallowest unique match),
else below an ancestor, never above the section; a label that fits nowhere is noise, and one that
fits in several places is skipped. With the kind unknown every kind is tried and the one placing
most labels wins; a tie between different paths leaves 様式パス unset. Nothing else is guessed.

`analyse_change_rows` runs this for every row when any document loads (hand-written or imported).
A 項目の解析 written in the YAML is never replaced: where a written field disagrees with the
analysis it is kept as written and a PIA309 warning says so (the analysis adds nothing to that
row); where it agrees, the fields it lacks are added.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel

from piarules.diagnostics import Diagnostic, PiarulesError, Severity
from piarules.document import labels as label_text
from piarules.document.forms import DOCUMENT_MODELS, ChangeRow, Cover, ItemAnalysis
from piarules.document.source_map import SourceMap, format_path
from piarules.jpvalues import compact_text
from piarules.pattern_store import compiled

LABELS_FILE = "form_labels.yaml"
KINDS = ("重点項目評価書", "全項目評価書", "基礎項目評価書")

# ---------------------------------------------------------------- the form tree


@dataclass(frozen=True, eq=False)
class FormNode:
    """One item of the form model: its YAML key, whether it repeats, whether it is marked ※."""

    key: str
    is_list: bool
    marked: bool
    children: dict[str, FormNode] = field(default_factory=dict)


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _node(key: str, annotation: Any, marked: bool) -> FormNode:
    inner = _strip_optional(annotation)
    is_list = typing.get_origin(inner) is list
    if is_list:
        inner = typing.get_args(inner)[0]
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return FormNode(key, is_list, marked, _children(inner))
    return FormNode(key, is_list, marked)


@cache
def _children(model: type[BaseModel]) -> dict[str, FormNode]:
    out = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key != "変更箇所":  # a 項目 cell never names the change log itself
            out[key] = _node(key, info.annotation, (info.description or "").startswith("※"))
    return out


@cache
def form_tree(kind: str) -> FormNode:
    """The model of one kind as a tree of YAML keys (the root has the key "")."""
    return FormNode("", False, False, _children(DOCUMENT_MODELS[kind]))


_FOUND: dict[tuple[int, str], list[tuple[FormNode, ...]]] = {}


def _find(start: FormNode, key: str) -> list[tuple[FormNode, ...]]:
    """The paths below `start` to a node with this key, at the smallest depth there is one."""
    cache_key = (id(start), key)
    if cache_key not in _FOUND:
        level: list[tuple[FormNode, ...]] = [(child,) for child in start.children.values()]
        found: list[tuple[FormNode, ...]] = []
        while level and not found:
            found = [p for p in level if p[-1].key == key]
            level = [(*p, c) for p in level for c in p[-1].children.values()]
        _FOUND[cache_key] = found
    return _FOUND[cache_key]


def path_text(chain: tuple[FormNode, ...] | list[FormNode]) -> str:
    """特定個人情報ファイル[].委託.委託事項[].再委託の有無: the schema path of a chain of nodes."""
    return ".".join(n.key + ("[]" if n.is_list else "") for n in chain)


# ---------------------------------------------------------------- the label table (data file)


@dataclass(frozen=True)
class FormLabels:
    """data/form_labels.yaml: Roman numerals by kind, 節 names, printed labels, corrections."""

    roman: dict[str, tuple[str, ...]]
    sections: dict[str, str]
    labels: dict[str, str]
    corrections: dict[str, str]


def _all_keys() -> set[str]:
    keys: set[str] = set()

    def walk(node: FormNode) -> None:
        for child in node.children.values():
            keys.add(child.key)
            walk(child)

    for kind in KINDS:
        walk(form_tree(kind))
    return keys


def load_form_labels(text: str, path: str) -> tuple[FormLabels, list[Diagnostic]]:
    """Read a label table; every entry that names no key of the model is a diagnostic at its line."""
    from piarules.document.loader import load_yaml

    loaded = load_yaml(text, path)
    data = loaded.data if isinstance(loaded.data, dict) else {}
    keys = _all_keys()
    problems: list[Diagnostic] = []

    def check(where: tuple[str | int, ...], key: Any, owners: set[str], what: str) -> bool:
        if isinstance(key, str) and key in owners:
            return True
        problems.append(Diagnostic("PIA310", f"{path}: {format_path(where)}: 「{key}」は{what}にありません",
                                   loaded.source_map.span_of(where)))
        return False

    roman = {}
    for kind, names in (data.get("roman") or {}).items():
        if check(("roman", kind), kind, set(KINDS), "評価書の種類"):
            tops = set(form_tree(kind).children)
            roman[kind] = tuple(n for i, n in enumerate(names or []) if check(("roman", kind, i), n, tops, f"{kind}の節"))
    tops = set().union(*(form_tree(k).children for k in KINDS))
    sections = {k: str(v) for k, v in (data.get("sections") or {}).items() if check(("sections", k), k, tops, "様式の節")}
    labels = {str(k): v for k, v in (data.get("labels") or {}).items() if check(("labels", k), v, keys, "様式の項目")}
    corrections = {str(k): str(v) for k, v in (data.get("corrections") or {}).items()}
    return FormLabels(roman, sections, labels, corrections), problems


@cache
def form_labels() -> FormLabels:
    """The bundled label table; a bad entry is a packaging error, reported with its line."""
    source = resources.files("piarules").joinpath("data", LABELS_FILE)
    labels, problems = load_form_labels(source.read_text(encoding="utf-8"), f"piarules/data/{LABELS_FILE}")
    if problems:
        raise PiarulesError(problems)
    return labels


# ---------------------------------------------------------------- recognising labels


def _questions() -> dict[str, str]:
    """The form's questions (field descriptions ending in 「か」) → their key, where unambiguous."""
    seen: dict[str, set[str]] = {}
    for kind in KINDS:
        for model in _models(DOCUMENT_MODELS[kind]):
            for name, info in model.model_fields.items():
                text = info.description or ""
                if text.endswith("か") and len(text) >= 10:
                    seen.setdefault(text, set()).add(info.alias or name)
    return {q: next(iter(keys)) for q, keys in seen.items() if len(keys) == 1}


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    out = [model]
    for info in model.model_fields.values():
        inner = _strip_optional(info.annotation)
        inner = typing.get_args(inner)[0] if typing.get_origin(inner) is list else inner
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out.extend(_models(inner))
    return out


def form_label_entries() -> dict[str, str]:
    """Every label the form's cells are read by → its model key: the keys themselves, the
    questions, the printed labels (labels.py keeps the table built from them). In a fixed order:
    where two labels read alike, the first one's key wins, in every process."""
    return {k: k for k in sorted(_all_keys())} | _questions() | form_labels().labels


def _flat(text: str) -> str:
    return label_text.flat(text, form_labels().corrections)


# Parts of a cell that are not labels: taken out before the labels are read.
_ROMAN_RE = compiled(r"^[-・]?\s?(VII|VI|V|IV|III|II|I)(?:[.、\-]\s?|\s|(?=[^\x00-\x7f]|\d))")
_NOTE_RE = compiled(r"※?\s?\([^()]*除く[^()]*\)")
_RISK_TITLE_RE = compiled(r"リスク\s?\d+\s?:.*?リスク(?!へ)")
_TRAILING_RE = compiled(r"の記載(?:内容)?$")
_FILE_NAME = r"[^\s\d()\[\]<>~〜～のを.,、・:]+?ファイル"
_FILE_RE = compiled(rf"(?:\(\s?(\d{{1,9}})\s?\)|(?<![\d.])(\d{{1,9}})\s?\.?)\s?({_FILE_NAME})(?![のを名記])|\(\s?({_FILE_NAME})\s?\)")
_FILE_RANGE_RE = compiled(r"ファイル\s?\)?\s?[~〜～]")
_TASK_RE = compiled(r"委託事項\s?\(?\s?(\d{1,9})(?!\d)\s?\)?\s?([~〜～\-・、,]|から)?")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


@dataclass
class _Cell:
    """What was taken out of a cell before reading its labels."""

    roman: int | None = None
    files: list[tuple[int | None, str]] = field(default_factory=list)
    file_range: bool = False
    tasks: set[int] = field(default_factory=set)
    task_range: bool = False
    marked: bool = False
    labels: list[str] = field(default_factory=list)


def _read_cell(text: str) -> _Cell:
    """Take the numeral, file headings, 委託事項n, ※ and notes out of a cell; read its labels."""
    cell = _Cell()
    flat = _flat(text)
    cell.file_range = bool(_FILE_RANGE_RE.search(flat))
    s = _NOTE_RE.sub("", flat)
    cell.marked = "※" in s
    if m := _ROMAN_RE.match(s):
        cell.roman = _ROMAN.index(m[1]) + 1
        s = s[m.end():]
    for m in _FILE_RE.finditer(s):
        name = m[3] or m[4]
        if not name.startswith("特定個人情報"):
            number = m[1] or m[2]
            cell.files.append((int(number) if number else None, name))
            s = s.replace(m[0], "|", 1)
    for m in _TASK_RE.finditer(s):
        cell.tasks.add(int(m[1]))
        cell.task_range = cell.task_range or bool(m[2])
    s = _TRAILING_RE.sub("", _RISK_TITLE_RE.sub("|", s.replace("※", "")))
    pattern, table = label_text.label_table()
    canon = re.sub(r"[\s・、,]", "", s)
    cell.labels = [table.keys[label_text.particle_free(m[0])] for m in pattern.finditer(canon)]
    if cell.files:  # 「1.特定個人情報ファイル名 (1) …ファイル」 in Ⅱ/Ⅲ heads a file block, not Ⅰ3
        cell.labels = [k for k in cell.labels if k != "特定個人情報ファイル名"]
    return cell


# ---------------------------------------------------------------- placing labels on the form


def _place(labels: list[str], root: FormNode) -> tuple[tuple[FormNode, ...], int]:
    """Place labels left to right: below the last placed one, else below an ancestor (not above
    the section). Returns the chain of nodes and how many labels were placed."""
    chain: tuple[FormNode, ...] = ()
    placed = 0
    for key in labels:
        # INVARIANT: once a section is placed (depth 1), labels never leave it for the root.
        for depth in range(len(chain), 0, -1) if chain else (0,):
            found = _find(chain[depth - 1] if depth else root, key)
            if len(found) == 1:
                chain = chain[:depth] + found[0]
                placed += 1
                break
            if found:  # several places fit: more context is needed, and none is guessed
                break
    return chain, placed


_FILE_SECTIONS = ("特定個人情報ファイル", "リスク対策")  # the sections made of one block per file


def _kind_variants(cell: _Cell, kind: str) -> list[list[str]]:
    """The label sequences to try for one kind: the Roman numeral's section first, unless the
    cell names another section that is not below it (the name is trusted over the numeral); with
    a file heading and no section, each section made of files in turn."""
    tops = form_tree(kind).children
    sections = form_labels().roman.get(kind, ())
    labels = cell.labels
    if cell.files and not any(s in tops and tops[s].is_list for s in _FILE_SECTIONS):
        return []  # a file block names a kind with one block per file (not 基礎項目評価書)
    if cell.roman is not None and cell.roman <= len(sections):
        section = sections[cell.roman - 1]
        first = labels[0] if labels else None
        if first in tops and first != section and not _find(tops[section], first):
            return [labels]
        return [[section, *labels]]
    if cell.files and not (labels and labels[0] in _FILE_SECTIONS):
        files = [[section, *labels] for section in _FILE_SECTIONS if section in tops and tops[section].is_list]
        return [*files, labels]
    return [labels]


def _best_chain(cell: _Cell, kind: str | None) -> tuple[FormNode, ...] | None:
    """The chain that places most labels, over the kinds (when unknown) and variants; None when
    different paths tie."""
    results = []
    for k in [kind] if kind in KINDS else list(KINDS):
        for labels in _kind_variants(cell, k):
            chain, placed = _place(labels, form_tree(k))
            if chain:
                results.append((placed, path_text(chain), chain))
    if not results:
        return None
    best = max(r[0] for r in results)
    paths = {r[1]: r[2] for r in results if r[0] == best}
    return next(iter(paths.values())) if len(paths) == 1 else None


def analyse_item(text: str, kind: str | None = None) -> dict[str, Any]:
    """The analysis of one 項目 cell (see the module docstring); only the fields found.

    Args:
        text: the cell, as written (HTML and all).
        kind: the document's 評価書の種類, when it says one (else every kind is tried).
    """
    return dict(_analyse(text, kind))


@lru_cache(maxsize=16384)  # the same cells recur across a body's documents and within a log
def _analyse(text: str, kind: str | None) -> tuple[tuple[str, Any], ...]:
    cell = _read_cell(text)
    chain = _best_chain(cell, kind)
    out: dict[str, Any] = {}
    section_key = chain[0].key if chain else None
    if section_key in form_labels().sections:
        out["節"] = form_labels().sections[section_key]
    files = list(dict.fromkeys(cell.files))
    if len(files) == 1 and not cell.file_range and out.get("節") in (None, "特定個人情報ファイルの概要", "リスク対策"):
        number, name = files[0]
        if number is not None:
            out["ファイル番号"] = number
        out["ファイル名"] = name
    if len(cell.tasks) == 1 and not cell.task_range:
        out["委託事項番号"] = next(iter(cell.tasks))
    if chain:
        out["項目名"] = chain[-1].key
        out["様式パス"] = path_text(chain)
    elif cell.labels:
        out["項目名"] = cell.labels[-1]
    if (marked := _marked(cell, chain, kind)) is not None:
        out["重要な変更の対象"] = marked
    return tuple(out.items())


_MARKS_KNOWN_IN = ("基本情報", "特定個人情報ファイル")


def _marked(cell: _Cell, chain: tuple[FormNode, ...] | None, kind: str | None) -> bool | None:
    """※ on the form: from the cell, or from the model (重点・全項目 only: 基礎項目評価書 has no
    重要な変更); False only for an item (not a block) of Ⅰ and Ⅱ, where the model's ※ list
    applies. A section's note
    「※(7.リスク1⑨を除く。)」 says nothing about one item, so it is not read as a mark."""
    if cell.marked:
        return True
    if not chain or kind == "基礎項目評価書":
        return None
    if any(n.marked for n in chain):
        return True
    leaf = not chain[-1].children
    return False if leaf and chain[0].key in _MARKS_KNOWN_IN else None


# ---------------------------------------------------------------- every row of a document


def analyse_change_rows(model: Cover, source_map: SourceMap) -> list[Diagnostic]:
    """Give every 変更箇所 row its 項目の解析 (in the model, hence in the evaluation tree).

    A written 項目の解析 is kept; a written field that disagrees with the analysis is a PIA309
    warning at that field, and then nothing is added to the row.
    """
    problems: list[Diagnostic] = []
    for index, row in enumerate(model.変更箇所 or []):
        if row.項目 is None:
            continue
        computed = analyse_item(getattr(row.項目, "text", row.項目), model.評価書の種類)
        where = ("変更箇所", index)
        if row.項目の解析 is None:
            if computed:
                row.項目の解析 = ItemAnalysis.model_validate(computed)
                _locate(source_map, where, computed)
            continue
        problems.extend(_compare(row, computed, where, source_map))
    return problems


def _locate(source_map: SourceMap, row: tuple[str | int, ...], computed: dict[str, Any]) -> None:
    """The analysis stands where its 項目 stands (findings on it point at the cell). The place is
    copied as numbers: no Span is built for the rows' thousands of copies."""
    try:
        value, key = source_map.numbers((*row, "項目"))
    except KeyError:
        return
    source_map.add_numbers((*row, "項目の解析"), value, key)
    for name in computed:
        source_map.add_numbers((*row, "項目の解析", name), value, key)


def _agrees(written: str, computed: str) -> bool:
    """The same reading, allowing a fuller or shorter name (開示請求・問合せ / 開示請求)."""
    a, b = compact_text(written), compact_text(computed)
    return a == b or a.startswith(b) or b.startswith(a)


def _compare(row: ChangeRow, computed: dict[str, Any], where: tuple[str | int, ...],
             source_map: SourceMap) -> list[Diagnostic]:
    written = row.項目の解析
    assert written is not None  # INVARIANT: called only for rows with a written analysis
    fields = type(written).model_fields
    problems = []
    for name in sorted(written.model_fields_set):
        key = fields[name].alias or name
        mine = getattr(written, name)
        if key in computed and mine is not None and not _agrees(str(mine), str(computed[key])):
            path = (*where, "項目の解析", key)
            span = source_map.span_of(path)
            problems.append(Diagnostic(
                "PIA309", f"{format_path(path)}: 書かれた「{mine}」が、項目「{row.項目}」から読み取った「{computed[key]}」と"
                          "違います。書かれた解析を使います", span, Severity.WARNING,
                help="読み取りが正しければ、書かれた 項目の解析 を消してください。自動で付きます"))
    if not problems:
        for key, value in computed.items():
            name = next((n for n, f in fields.items() if (f.alias or n) == key), key)
            if name not in written.model_fields_set:
                setattr(written, name, value)
    return problems
