"""Lark errors → Japanese diagnostics with location, what was expected, and did-you-mean."""

from __future__ import annotations

import difflib

from lark import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from piarules.diagnostics import Diagnostic
from piarules.span import Span
from piarules.syntax.grammar import KEYWORDS, parser

_NAMES_JA = {
    "NAME": "名前", "STRING": "文字列 \"…\"", "JSTRING": "文字列「…」", "NUMBER": "数値",
    "DATE": "日付 (2024-01-31)", "DURATION": "期間 (1 year など)", "_NL": "改行",
    "CMP_OP": "比較演算子 (== != < <= > >=)", "$END": "ファイルの終わり",
}


def _terminal_text(name: str) -> str:
    if name in _NAMES_JA:
        return _NAMES_JA[name]
    for term in parser().terminals:
        if term.name == name and term.pattern.type == "str":
            return f"「{term.pattern.value}」"
    return name


def _expected(names: set[str]) -> str:
    shown = sorted({_terminal_text(n) for n in names if not n.startswith("__")})
    if len(shown) > 8:
        shown = [*shown[:8], "…"]
    return "、".join(shown)


def _keyword_hint(line: str) -> str | None:
    words = line.split()
    if not words or words[0] in KEYWORDS:
        return None
    close = difflib.get_close_matches(words[0], KEYWORDS, n=1, cutoff=0.7)
    return f"もしかして「{close[0]}」(「{words[0]}」はキーワードではありません)" if close else None


def syntax_diagnostic(exc: UnexpectedInput, path: str, text: str) -> Diagnostic:
    """One Japanese diagnostic for a Lark error."""
    line, col = max(exc.line, 1), max(exc.column, 1)
    lines = text.splitlines()
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        char = text[pos] if pos < len(text) else ""
        if char in "\"「":
            return Diagnostic("PIA102", "文字列が閉じられていません", Span.point(path, line, col),
                              help="同じ行のうちに「\"」(または「」」) で閉じてください")
        if char == "=" and source_line[col:col + 1] != "=":
            return Diagnostic("PIA101", "「=」は比較には使えません", Span.point(path, line, col),
                              help="等しいことの比較は「==」と書きます")
        return Diagnostic("PIA101", f"ここに「{char}」は書けません", Span.point(path, line, col),
                          help=f"期待される語: {_expected(set(exc.allowed or ()))}" if exc.allowed else None)
    if isinstance(exc, UnexpectedEOF):
        return Diagnostic("PIA101", "ファイルが途中で終わっています", Span.point(path, line, col),
                          help=f"期待される語: {_expected(set(exc.expected))}")
    assert isinstance(exc, UnexpectedToken)
    token = exc.token
    shown = "改行" if token.type == "_NL" else f"「{token}」"
    if token.type == "$END":
        shown = "ファイルの終わり"
    width = len(str(token)) if token.type not in ("_NL", "$END") else 1
    if token.type == "EQUAL":
        return Diagnostic("PIA101", "「=」は比較には使えません", Span.point(path, line, col),
                          help="等しいことの比較は「==」と書きます (「=」は const / term の定義だけに使います)")
    keyword_hint = _keyword_hint(source_line)
    if keyword_hint:
        first = source_line.split()[0]
        start = source_line.index(first) + 1
        return Diagnostic("PIA101", f"「{first}」を解釈できません", Span.point(path, line, start, len(first)),
                          help=keyword_hint)
    help_text = f"期待される語: {_expected(set(exc.expected))}"
    return Diagnostic("PIA101", f"予期しない{shown}", Span.point(path, line, col, width), help=help_text)
