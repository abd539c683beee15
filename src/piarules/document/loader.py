"""YAML text → plain data (dict / list / str / None) + SourceMap, in one pass over parser events.

Uses ruamel.yaml's C parser (ruamel.yaml.clib) when present, its pure-Python parser otherwise.
All scalars stay strings exactly as written: the form's values are Japanese text, and YAML 1.1
implicit typing (yes/no, dates, octal) would silently change what the user wrote.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document.source_map import DocPath, SourceMap
from piarules.files import LINE_BREAK as _LINE_BREAK
from piarules.files import decode as decode  # re-exported: it lived here before it moved to files.py
from piarules.files import line_col
from piarules.limits import FILE_BYTES, YAML_DEPTH, YAML_NODES
from piarules.pattern_store import compiled
from piarules.span import Span

try:  # the fast path: libyaml-based parser shipped as ruamel.yaml.clib
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - non-CPython or clib missing
    _CParser = None

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
Place = tuple[int, int, int, int]
"""1-based line, column, end line, end column of a node (the source map's compact form)."""
NO_PLACE: Place = (0, 0, 0, 0)


@dataclass
class YamlData:
    """A loaded YAML document: the data and where every value stands."""

    data: Any
    source_map: SourceMap
    text: str


def _events(text: str) -> Any:
    if _CParser is not None:
        parser = _CParser(io.StringIO(text))
        while True:
            event = parser.get_event()
            if event is None:
                return
            yield event
    else:  # pragma: no cover
        from ruamel.yaml import YAML

        yield from YAML(typ="safe", pure=True).parse(io.StringIO(text))


class _Composer:
    """Builds plain data and the source map from a parser event stream."""

    def __init__(self, text: str, path: str):
        self.path = path
        self.events = _events(text)
        self.source_map = SourceMap(path)
        self.anchors: dict[str, _Anchor] = {}
        self.nodes = 0
        self.max_nodes = YAML_NODES.value()
        self.max_depth = YAML_DEPTH.value()
        self.deepest = 0
        self.recorded: list[DocPath] = []
        """Every path recorded, in order: an anchor's subtree is a range of it (no copies per anchor)."""

    def span(self, event: Any) -> Span:
        s, e = event.start_mark, event.end_mark
        return Span(self.path, s.line + 1, s.column + 1, e.line + 1, e.column + 1)

    def error(self, code: str, message: str, span: Span, help: str | None = None) -> PiarulesError:
        return PiarulesError([Diagnostic(code, message, span, help=help)])

    def compose(self) -> Any:
        kinds = [type(e).__name__ for e in (next(self.events), next(self.events))]
        if kinds[1] == "StreamEndEvent":
            return None
        data = self.node(next(self.events), (), 0)
        nxt = next(self.events)  # DocumentEndEvent
        nxt = next(self.events)
        if type(nxt).__name__ != "StreamEndEvent":
            raise self.error("PIA301", "1つのファイルに複数のYAML文書 (---) があります", self.span(nxt),
                             "評価書ごとにファイルを分けてください")
        return data

    def count(self, event: Any, n: int = 1) -> None:
        """Charge n values to the budget, before they are built (an alias before it is copied)."""
        self.nodes += n
        if self.nodes > self.max_nodes:
            raise self.error("PIA306", f"値の数が上限 ({self.max_nodes:,}) を超えました (エイリアスの展開を含む)",
                             self.span(event), f"環境変数 {YAML_NODES.env} で上限を変えられます")

    def too_deep(self, event: Any) -> PiarulesError:
        return self.error("PIA306", f"入れ子が深すぎます (上限 {self.max_depth}、エイリアスの展開を含む)",
                          self.span(event), f"環境変数 {YAML_DEPTH.env} で上限を変えられます")

    def record(self, doc_path: DocPath, value: Place, key: Place = NO_PLACE) -> None:
        self.source_map.add_numbers(doc_path, value, key)
        self.recorded.append(doc_path)

    def node(self, event: Any, doc_path: DocPath, depth: int, key_span: Place = NO_PLACE) -> Any:
        # Runs once per value of the document (thousands): class tests and inlined bookkeeping.
        if depth > self.max_depth:
            raise self.too_deep(event)
        if depth > self.deepest:
            self.deepest = depth
        kind = type(event)
        self.nodes += 1
        if self.nodes > self.max_nodes:
            self.count(event, 0)  # raises: over the budget
        if kind is AliasEvent:
            return self.alias(event, doc_path, depth, key_span)
        anchor = event.anchor
        if anchor:
            start, first, outer_deepest, self.deepest = self.nodes, len(self.recorded), self.deepest, depth
        if kind is ScalarEvent:
            value = None if not event.style and event.value in _NULLS else event.value
            s, e = event.start_mark, event.end_mark
            self.source_map.add_numbers(doc_path, (s.line + 1, s.column + 1, e.line + 1, e.column + 1), key_span)
            self.recorded.append(doc_path)
        elif kind is SequenceStartEvent:
            value = self.sequence(event, doc_path, depth, key_span)
        elif kind is MappingStartEvent:
            value = self.mapping(event, doc_path, depth, key_span)
        else:  # pragma: no cover - the parser guarantees node events here
            raise self.error("PIA301", f"予期しないYAMLイベント {kind.__name__}", self.span(event))
        if anchor:
            self.anchors[anchor] = _Anchor(value, self.nodes - start + 1, self.deepest - depth, doc_path,
                                           first, len(self.recorded))
            self.deepest = max(outer_deepest, self.deepest)
        return value

    def alias(self, event: Any, doc_path: DocPath, depth: int, key_span: Place) -> Any:
        anchor = self.anchors.get(event.anchor)
        if anchor is None:
            raise self.error("PIA301", f"未定義のアンカー *{event.anchor}", self.span(event))
        self.count(event, anchor.size - 1)  # the alias event itself is already counted
        if depth + anchor.height > self.max_depth:
            raise self.too_deep(event)
        self.deepest = max(self.deepest, depth + anchor.height)
        base = len(anchor.path)
        for i in range(anchor.first, anchor.end):  # the anchor's recorded paths, moved under doc_path
            path = self.recorded[i]
            value, key = self.source_map.numbers(path)
            sub = path[base:]
            self.record(doc_path + sub, value, key_span if not sub else key)
        return _deep_copy(anchor.value)

    def sequence(self, start: Any, doc_path: DocPath, depth: int, key_span: Place) -> list[Any]:
        items: list[Any] = []
        index = 0
        while type(event := next(self.events)) is not SequenceEndEvent:
            items.append(self.node(event, (*doc_path, index), depth + 1))
            index += 1
        self.record(doc_path, (start.start_mark.line + 1, start.start_mark.column + 1, event.end_mark.line + 1,
                               event.end_mark.column + 1), key_span)
        return items

    def mapping(self, start: Any, doc_path: DocPath, depth: int, key_span: Place) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while type(event := next(self.events)) is not MappingEndEvent:
            if type(event) is not ScalarEvent:
                raise self.error("PIA301", "項目名 (キー) には文字列を書いてください", self.span(event))
            key, s, e = event.value, event.start_mark, event.end_mark
            if key in out:
                first = self.source_map.get((*doc_path, key))
                where = f" (最初は {first.key.line}行目)" if first and first.key else ""
                raise self.error("PIA305", f"項目「{key}」が重複しています{where}", self.span(event),
                                 "どちらか一方を削除してください")
            out[key] = self.node(next(self.events), (*doc_path, key), depth + 1,
                                 (s.line + 1, s.column + 1, e.line + 1, e.column + 1))
        self.record(doc_path, (start.start_mark.line + 1, start.start_mark.column + 1, event.end_mark.line + 1,
                               event.end_mark.column + 1), key_span)
        return out


@dataclass(frozen=True, slots=True)
class _Anchor:
    """An anchored node: its value, its expanded size and height, and where its paths were recorded."""

    value: Any
    size: int
    height: int
    path: DocPath
    first: int
    end: int


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _yaml_error(exc: Exception, text: str, path: str) -> PiarulesError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if mark:
        span = Span.point(path, mark.line + 1, mark.column + 1)
    elif isinstance(getattr(exc, "position", None), int):  # ReaderError: a character offset
        span = Span.point(path, *line_col(text, exc.position))  # type: ignore[attr-defined]
    else:
        span = Span.point(path, 1, 1)
    return PiarulesError([Diagnostic("PIA301", f"YAMLの構文エラー: {problem}", span,
                                     help="インデントと「:」の後の空白を確認してください")])


_FORBIDDEN = compiled("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
"""What YAML does not allow in a stream: C0/C1 controls but tab, LF, CR and NEL; DEL; surrogates;
U+FFFE/U+FFFF. Reported at their line:col instead of the parser's one-off error."""
_SHOWN_CHARACTERS = 10


def _character_name(ch: str) -> str:
    code = ord(ch)
    if code == 0:
        return "NUL 文字"
    if 0xD800 <= code <= 0xDFFF:
        return "サロゲート"
    if code in (0xFFFE, 0xFFFF):
        return "非文字"
    return "制御文字"


def forbidden_characters(text: str, path: str) -> list[Diagnostic]:
    """A located diagnostic for each character YAML forbids (the first few, then a count)."""
    found = list(_FORBIDDEN.finditer(text))
    if not found:
        return []
    out = []
    line, start, breaks = 1, 0, _LINE_BREAK.finditer(text)
    pending = next(breaks, None)
    for m in found[:_SHOWN_CHARACTERS]:
        while pending is not None and pending.end() <= m.start():
            line, start, pending = line + 1, pending.end(), next(breaks, None)
        ch = m[0]
        out.append(Diagnostic("PIA311", f"YAML に書けない文字 U+{ord(ch):04X} ({_character_name(ch)}) があります",
                              Span.point(path, line, m.start() - start + 1), help="この文字を削除してください"))
    if len(found) > _SHOWN_CHARACTERS:
        out.append(Diagnostic("PIA311", f"ほかにも書けない文字が {len(found) - _SHOWN_CHARACTERS:,} 個あります",
                              out[-1].span))
    return out


def load_yaml(text: str, path: str) -> YamlData:
    """Parse YAML text into plain data and a SourceMap.

    Raises:
        PiarulesError: malformed YAML, characters YAML forbids, duplicate keys, or a document
            over the limits (size, values after alias expansion, depth).
    """
    maximum = FILE_BYTES.value()
    if len(text) > maximum:
        raise PiarulesError([Diagnostic("PIA306", f"ファイルが大きすぎます ({len(text):,} 文字、上限 {maximum:,})",
                                        Span.point(path, 1, 1), help=f"環境変数 {FILE_BYTES.env} で上限を変えられます")])
    if problems := forbidden_characters(text, path):
        raise PiarulesError(problems)
    composer = _Composer(text, path)
    try:
        data = composer.compose()
    except PiarulesError:
        raise
    except Exception as exc:  # ruamel's MarkedYAMLError / ReaderError family, from C or Python
        if type(exc).__name__.endswith("Error") and (hasattr(exc, "problem_mark") or hasattr(exc, "position")):
            raise _yaml_error(exc, text, path) from None
        raise
    return YamlData(data, composer.source_map, text)
