"""Assessment YAML in the editor: where the cursor stands in the form (by the source map when the
YAML parses, else by indentation, since text being typed often does not), completion of the keys
and choices of the form, and what a field is and which rules read it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lsprotocol import types

from piarules.check import CheckedRule
from piarules.document.loader import YamlData, load_yaml
from piarules.document.source_map import DocPath, SourceMap
from piarules.lsp.form import KIND_KEY, FieldDoc, choices, document_model_type, item_type
from piarules.lsp.positions import Lines
from piarules.pattern_store import compiled
from piarules.type_system import ListType, ObjectType, Type

_LINE = compiled(r"^(?P<indent>[ \t]*)(?P<dashes>(?:-[ \t]+)*)(?P<rest>.*)$")
_KEY = compiled(r"^(?P<q>[\"']?)(?P<key>[^\s#\"'{}\[\]][^:#]*?)(?P=q)[ \t]*:(?:[ \t]+(?P<value>.*?)|)[ \t]*$")
_KIND = compiled(rf"^{KIND_KEY}[ \t]*:[ \t]*(.+?)[ \t]*(#.*)?$", re.M)
_BLOCK = compiled(r"^[|>][-+0-9]*\s*(#.*)?$")


@dataclass
class YamlLine:
    indent: int
    item: bool
    key_col: int
    key: str | None
    value: str | None


def parse_line(text: str) -> YamlLine | None:
    """A line's indentation, list dash and `key: value` (None for blank and comment lines)."""
    m = _LINE.match(text)
    if m is None or (not m["rest"].strip() and not m["dashes"]) or m["rest"].lstrip().startswith("#"):
        return None
    key = _KEY.match(m["rest"])
    value = key["value"] if key and key["value"] is not None else None
    if value is not None and value.startswith("#"):
        value = None
    return YamlLine(len(m["indent"]), bool(m["dashes"]), len(m["indent"]) + len(m["dashes"]),
                    key["key"].strip() if key else None, value or None)


@dataclass
class Place:
    """The mapping the cursor is in (keys from the top, list items skipped) and its other keys."""

    path: tuple[str, ...]
    siblings: set[str] = field(default_factory=set)
    in_block_text: bool = False


def place_of(lines: list[str], line: int, column: int) -> Place:
    """Which mapping a key written at (0-based line, column) belongs to, by indentation."""
    target = column
    path: list[str] = []
    siblings: set[str] = set()
    for n in range(line - 1, -1, -1):
        parsed = parse_line(lines[n])
        if parsed is None:
            continue
        if parsed.key is not None and parsed.key_col == target:
            siblings.add(parsed.key)
        elif parsed.key is not None and parsed.key_col < target:
            if parsed.value is not None:
                if not path and _BLOCK.match(parsed.value):
                    return Place((), set(), in_block_text=True)
                if parsed.item and parsed.indent < target:
                    target = parsed.indent
                    continue
                break  # a scalar at a lower indent: not YAML we can follow
            path.insert(0, parsed.key)
            target = parsed.indent if parsed.item else parsed.key_col
            if target == 0 and not parsed.item:
                break
            continue
        if parsed.item and parsed.indent < target:
            target = parsed.indent
    return Place(tuple(path), siblings)


def document_kind(text: str) -> str | None:
    m = _KIND.search(text)
    return m[1].strip("'\" ") if m else None


def type_at(kind: str | None, keys: tuple[str, ...]) -> tuple[Type | None, ObjectType | None, str]:
    """The type at a key path (list items implied), the mapping holding the last key, and the
    schema path as rules record what they read (特定個人情報ファイル[].委託.委託の有無)."""
    current: Type = document_model_type(kind)
    owner: ObjectType | None = None
    schema = ""
    for key in keys:
        mapping = item_type(current)
        if not isinstance(mapping, ObjectType) or key not in mapping.fields:
            return None, None, schema
        if schema:
            schema += "[]." if isinstance(current, ListType) else "."
        schema += key
        owner, current = mapping, mapping.fields[key]
    return current, owner, schema


# ---------------------------------------------------------------- completion


def _key_insert(name: str, type_: Type, column: int) -> str:
    inner = item_type(type_)
    if isinstance(type_, ListType) and isinstance(inner, ObjectType):
        return f"{name}:\n{' ' * (column + 2)}- "
    if isinstance(type_, ObjectType):
        return f"{name}:\n{' ' * (column + 2)}"
    return f"{name}: "


def complete(doc: Lines, line: int, index: int) -> list[types.CompletionItem]:
    """Keys of the form's mapping at the cursor, or the choices of the key whose value is typed."""
    text = doc.line(line)
    prefix = text[:index]
    kind = document_kind("\n".join(doc.lines))
    m = _LINE.match(prefix)
    if m is None:
        return []
    column = len(m["indent"]) + len(m["dashes"])
    rest = m["rest"]

    def edit(start: int, new_text: str, end: int = index) -> types.TextEdit:
        return types.TextEdit(range=types.Range(start=doc.position(line + 1, start + 1), end=doc.position(line + 1, end + 1)),
                              new_text=new_text)

    value = re.match(r"^(?P<q>[\"']?)(?P<key>[^\s#\"'][^:#]*?)(?P=q)[ \t]*:(?P<space>[ \t]*)(?P<partial>[^#]*)$", rest)
    if value is not None and (value["space"] or not value["partial"]):
        place = place_of(doc.lines, line, column)
        type_, _, _ = type_at(kind, (*place.path, value["key"].strip()))
        start = index - len(value["partial"])
        end = len(text.rstrip())
        pad = "" if value["space"] else " "  # right after the colon (the completion was triggered by ":")
        return [types.CompletionItem(label=c, kind=types.CompletionItemKind.EnumMember, detail="選択肢",
                                     sort_text=f"{i:03d}", filter_text=pad + c, text_edit=edit(start, pad + c, max(end, index)))
                for i, c in enumerate(choices(type_) if type_ is not None else ())]
    if ":" in rest or rest.startswith(("#", "{", "[", "|", ">")):
        return []
    place = place_of(doc.lines, line, column)
    if place.in_block_text:
        return []
    type_, _, schema = type_at(kind, place.path)
    mapping = item_type(type_) if type_ is not None else None
    if not isinstance(mapping, ObjectType):
        return []
    items = []
    for i, (name, field_type) in enumerate(mapping.fields.items()):
        if name in place.siblings:
            continue
        info = FieldDoc(name, field_type, mapping, f"{schema}{'[]' if isinstance(type_, ListType) else ''}.{name}".lstrip("."))
        items.append(types.CompletionItem(
            label=name, kind=types.CompletionItemKind.Property, detail=info.detail(),
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=info.markdown()),
            sort_text=f"{i:03d}", filter_text=name,
            text_edit=edit(index - len(rest), _key_insert(name, field_type, column))))
    return items


# ---------------------------------------------------------------- where the cursor is


@lru_cache(maxsize=4)
def _loaded(text: str) -> YamlData | None:
    """The YAML data and source map of a text (cached: hovering again costs nothing), None if it will not load."""
    try:
        return load_yaml(text, "<editor>")
    except Exception:  # broken YAML while typing: the caller falls back to indentation
        return None


def _source_map(text: str) -> SourceMap | None:
    loaded = _loaded(text)
    return loaded.source_map if loaded else None


def doc_path_at(text: str, line: int, col: int) -> DocPath | None:
    """The deepest document path whose key or value holds 1-based (line, col), by the source map."""
    source_map = _source_map(text)
    if source_map is None:
        return None
    best: tuple[int, DocPath] | None = None
    for path, located in source_map.entries.items():
        for span in (located.key, located.value):
            if span is None or span.line <= 0:
                continue
            inside = (span.line, span.col) <= (line, col) <= (span.end_line, span.end_col)
            if inside and (best is None or len(path) > best[0]):
                best = (len(path), path)
    return best[1] if best else None


def keys_at(text: str, doc: Lines, line: int, index: int) -> tuple[str, ...] | None:
    """Key path of the value under the cursor: source map first, indentation when it will not parse."""
    path = doc_path_at(text, line + 1, index + 1)
    if path is not None:
        return tuple(p for p in path if isinstance(p, str))
    parsed = parse_line(doc.line(line))
    if parsed is None or parsed.key is None:
        return None
    place = place_of(doc.lines, line, parsed.key_col)
    return (*place.path, parsed.key)


def field_hover(text: str, doc: Lines, line: int, index: int, rules: list[CheckedRule]) -> str | None:
    """Markdown for the form item under the cursor and the rules that read it."""
    keys = keys_at(text, doc, line, index)
    if not keys:
        return None
    type_, owner, schema = type_at(document_kind(text), keys)
    if type_ is None or owner is None:
        return None
    parts = [FieldDoc(keys[-1], type_, owner, schema).markdown()]
    readers = [r for r in rules if schema in r.reads]
    below = [r for r in rules if r not in readers and any(p.startswith(schema + ".") or p.startswith(schema + "[]") for p in r.reads)]
    if readers:
        parts.append("この項目を読むルール:\n" + "\n".join(f"- `{r.id}` {r.rule.title} ({r.severity.label_ja})" for r in readers))
    if below:
        parts.append(f"この節の下の項目を読むルール: {len(below)} 件 (" + "、".join(r.id for r in below[:10])
                     + ("…" if len(below) > 10 else "") + ")")
    if not readers and not below:
        parts.append("この項目を読むルールはありません")
    return "\n\n".join(parts)


# ---------------------------------------------------------------- outline

MAX_SYMBOLS = 3000
_LABEL_KEYS = ("ファイル名", "委託事項名", "システムの名称", "提供先名", "項目", "変更日", "区分", "番号")


def _label(value: object, index: int) -> str:
    """An item of a list by its name on the form (ファイル名, 項目 …), else its number."""
    if isinstance(value, dict):
        for key in _LABEL_KEYS:
            if isinstance(value.get(key), str) and value[key].strip():
                return f"[{index}] {value[key].strip()[:40]}"
    return f"[{index}]"


def outline(text: str, doc: Lines) -> list[types.DocumentSymbol] | None:
    """Sections, items and their keys (3 levels of mappings), as document symbols."""
    loaded = _loaded(text)
    if loaded is None or not isinstance(loaded.data, dict):
        return None
    entries = loaded.source_map.entries
    count = 0

    def build(value: object, path: DocPath, depth: int) -> list[types.DocumentSymbol]:
        nonlocal count
        children: list[tuple[str | int, object]] = (
            list(value.items()) if isinstance(value, dict) else list(enumerate(value)) if isinstance(value, list) else [])
        out = []
        for key, child in children:
            located = entries.get((*path, key))
            if located is None or count >= MAX_SYMBOLS:
                continue
            count += 1
            whole = doc.range(located.value)
            name_range = doc.range(located.key) if located.key else doc.range(located.value)
            if (whole.start.line, whole.start.character) > (name_range.start.line, name_range.start.character):
                whole = types.Range(start=name_range.start, end=whole.end)
            if (whole.end.line, whole.end.character) < (name_range.end.line, name_range.end.character):
                whole = types.Range(start=whole.start, end=name_range.end)
            kind = (types.SymbolKind.Array if isinstance(child, list) else
                    types.SymbolKind.Object if isinstance(child, dict) else types.SymbolKind.Property)
            name = _label(child, key) if isinstance(key, int) else str(key)
            nested = build(child, (*path, key), depth + 1) if depth < 4 else []
            out.append(types.DocumentSymbol(name=name, kind=kind, range=whole, selection_range=name_range,
                                            children=nested or None))
        return out

    return build(loaded.data, (), 0)

