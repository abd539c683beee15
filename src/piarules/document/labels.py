"""The form's labels in free text: the canonical form a 項目 cell is read in, and the label table.

The table (every key of the form models, the form's questions, the printed labels of
data/form_labels.yaml and its corrections) is built from the form models (items.py: pydantic).
Evaluation reads it only through `starts_with_label` (WRD-006: a word that seems written twice
where headings run together), so the table is kept in the on-disk cache under the fingerprint of
the code and data it is built from (document.cache.fingerprint): a run that reads its document
from the document cache imports no form model, and loading a document reads the table instead of
building it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from piarules.jpvalues import strip_html
from piarules.pattern_store import compiled


@dataclass(frozen=True)
class LabelTable:
    """The labels in canonical form (`canon`) as one alternation, longest first (の/を optional),
    the model key of each (by its particle-free form) and the corrections applied before."""

    pattern: str
    keys: dict[str, str]
    corrections: dict[str, str]


_CIRCLED_RE = compiled("[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]")  # ①…⑳ ㉑…㊿: item labels


def flat(text: str, corrections: dict[str, str]) -> str:
    """HTML removed, ①… item numbers dropped, NFKC, one space between words, typos corrected,
    取り扱う/問い合わせ spelt one way."""
    s = unicodedata.normalize("NFKC", _CIRCLED_RE.sub(" ", strip_html(text)))
    s = re.sub(r"\s+", " ", s).strip()
    for wrong, right in corrections.items():
        s = s.replace(wrong, right)
    for variant, one in (("取り扱", "取扱"), ("問い合わせ", "問合せ"), ("問合わせ", "問合せ"), ("問い合せ", "問合せ")):
        s = s.replace(variant, one)
    return s


def canon(text: str, corrections: dict[str, str]) -> str:
    return re.sub(r"[\s・、,]", "", flat(text, corrections))


def particle_free(label: str) -> str:
    return re.sub("[のを]", "", label)


def build_table(entries: dict[str, str], corrections: dict[str, str]) -> LabelTable:
    """The table of labels → model keys (a label's first key wins for its particle-free form)."""
    keys: dict[str, str] = {}
    for label, key in entries.items():
        keys.setdefault(particle_free(canon(label, corrections)), key)
    labels = sorted({canon(label, corrections) for label in entries}, key=lambda label: (-len(label), label))
    alternatives = ("".join(re.escape(c) + ("?" if c in "のを" else "") for c in label) for label in labels)
    return LabelTable("|".join(alternatives), keys, corrections)


@cache
def label_table() -> tuple[re.Pattern[str], LabelTable]:
    """The table and its pattern: from the cache, else built from the form models and stored."""
    from piarules import cache as disk
    from piarules.document.cache import fingerprint

    entry = "labels-" + disk.key(fingerprint())
    table = disk.load(entry)
    if isinstance(table, LabelTable):
        try:
            return compiled(table.pattern), table
        except re.error:  # not what this code writes: built again below
            pass
    from piarules.document.items import form_label_entries, form_labels

    table = build_table(form_label_entries(), form_labels().corrections)
    disk.store(entry, table)
    return compiled(table.pattern), table


def starts_with_label(text: str, longer_than: int = 0) -> bool:
    """Whether `text` begins with a label of the form longer than `longer_than` characters (事務の
    内容, ファイル名, …): where headings run together in a 項目 cell, a word seems written twice
    (「…事務事務の内容」)."""
    pattern, table = label_table()
    found = pattern.match(canon(text[:60], table.corrections))
    return found is not None and found.end() > longer_than
