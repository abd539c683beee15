"""YAML text → plain data (dict / list / str / None) + SourceMap, in one pass over parser events.

Uses ruamel.yaml's C parser (ruamel.yaml.clib) when present, its pure-Python parser otherwise.
All scalars stay strings exactly as written: the form's values are Japanese text, and YAML 1.1
implicit typing (yes/no, dates, octal) would silently change what the user wrote.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from piarules.diagnostics import Diagnostic, PiarulesError
from piarules.document.source_map import DocPath, SourceMap
from piarules.span import Span

try:  # the fast path: libyaml-based parser shipped as ruamel.yaml.clib
    from _ruamel_yaml import CParser as _CParser
except ImportError:  # pragma: no cover - non-CPython or clib missing
    _CParser = None

MAX_BYTES = 20 * 1024 * 1024
MAX_NODES = 1_000_000
MAX_DEPTH = 100
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


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
        self.anchors: dict[str, tuple[Any, int, list[tuple[DocPath, Any]]]] = {}
        self.nodes = 0
        self.recording: list[list[tuple[DocPath, Any]]] = []

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
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise self.error("PIA306", f"値の数が上限 ({MAX_NODES:,}) を超えました (エイリアスの展開を含む)",
                             self.span(event))

    def record(self, doc_path: DocPath, value_span: Span, key_span: Span | None = None) -> None:
        self.source_map.add(doc_path, value_span, key_span)
        for rec in self.recording:
            rec.append((doc_path, (value_span, key_span)))

    def node(self, event: Any, doc_path: DocPath, depth: int, key_span: Span | None = None) -> Any:
        if depth > MAX_DEPTH:
            raise self.error("PIA306", f"入れ子が深すぎます (上限 {MAX_DEPTH})", self.span(event))
        kind = type(event).__name__
        self.count(event)
        if kind == "AliasEvent":
            return self.alias(event, doc_path, key_span)
        anchor = getattr(event, "anchor", None)
        if anchor:
            self.recording.append([])
            start = self.nodes
        if kind == "ScalarEvent":
            value = None if not event.style and event.value in _NULLS else event.value
            self.record(doc_path, self.span(event), key_span)
        elif kind == "SequenceStartEvent":
            value = self.sequence(event, doc_path, depth, key_span)
        elif kind == "MappingStartEvent":
            value = self.mapping(event, doc_path, depth, key_span)
        else:  # pragma: no cover - the parser guarantees node events here
            raise self.error("PIA301", f"予期しないYAMLイベント {kind}", self.span(event))
        if anchor:
            recorded = self.recording.pop()
            rel = [(p[len(doc_path):], spans) for p, spans in recorded]
            self.anchors[anchor] = (value, self.nodes - start, rel)
        return value

    def alias(self, event: Any, doc_path: DocPath, key_span: Span | None) -> Any:
        if event.anchor not in self.anchors:
            raise self.error("PIA301", f"未定義のアンカー *{event.anchor}", self.span(event))
        value, size, rel = self.anchors[event.anchor]
        self.count(event, size)
        for sub, (vspan, kspan) in rel:
            self.record(doc_path + sub, vspan, key_span if not sub else kspan)
        return _deep_copy(value)

    def sequence(self, start: Any, doc_path: DocPath, depth: int, key_span: Span | None) -> list[Any]:
        items: list[Any] = []
        index = 0
        while type(event := next(self.events)).__name__ != "SequenceEndEvent":
            items.append(self.node(event, (*doc_path, index), depth + 1))
            index += 1
        self.record(doc_path, Span(self.path, start.start_mark.line + 1, start.start_mark.column + 1,
                                   event.end_mark.line + 1, event.end_mark.column + 1), key_span)
        return items

    def mapping(self, start: Any, doc_path: DocPath, depth: int, key_span: Span | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while type(event := next(self.events)).__name__ != "MappingEndEvent":
            if type(event).__name__ != "ScalarEvent":
                raise self.error("PIA301", "項目名 (キー) には文字列を書いてください", self.span(event))
            key, kspan = event.value, self.span(event)
            if key in out:
                first = self.source_map.get((*doc_path, key))
                where = f" (最初は {first.key.line}行目)" if first and first.key else ""
                raise self.error("PIA305", f"項目「{key}」が重複しています{where}", kspan,
                                 "どちらか一方を削除してください")
            out[key] = self.node(next(self.events), (*doc_path, key), depth + 1, kspan)
        self.record(doc_path, Span(self.path, start.start_mark.line + 1, start.start_mark.column + 1,
                                   event.end_mark.line + 1, event.end_mark.column + 1), key_span)
        return out


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def _yaml_error(exc: Exception, path: str) -> PiarulesError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    span = Span.point(path, mark.line + 1, mark.column + 1) if mark else Span.point(path, 1, 1)
    return PiarulesError([Diagnostic("PIA301", f"YAMLの構文エラー: {problem}", span,
                                     help="インデントと「:」の後の空白を確認してください")])


def load_yaml(text: str, path: str) -> YamlData:
    """Parse YAML text into plain data and a SourceMap.

    Raises:
        PiarulesError: malformed YAML, duplicate keys, or a document over the size limits.
    """
    if len(text) > MAX_BYTES:
        raise PiarulesError([Diagnostic("PIA306", f"ファイルが大きすぎます ({len(text):,} 文字)",
                                        Span.point(path, 1, 1))])
    composer = _Composer(text, path)
    try:
        data = composer.compose()
    except PiarulesError:
        raise
    except Exception as exc:  # ruamel's MarkedYAMLError family, from C or Python
        if type(exc).__name__.endswith("Error") and hasattr(exc, "problem_mark"):
            raise _yaml_error(exc, path) from None
        raise
    return YamlData(data, composer.source_map, text)


def decode(raw: bytes, path: str) -> str:
    """Bytes → text: UTF-8 (with or without BOM), else CP932; a clear error otherwise."""
    if b"\x00" in raw[:4096]:
        raise PiarulesError([Diagnostic("PIA308", "テキストファイルではありません (バイナリ)",
                                        Span.point(path, 1, 1))])
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding).replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue
    raise PiarulesError([Diagnostic("PIA308", "文字コードを判別できません", Span.point(path, 1, 1),
                                    help="UTF-8 で保存してください")])
