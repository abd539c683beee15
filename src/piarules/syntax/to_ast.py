"""Lark parse tree → typed AST. The only module that sees lark.Tree and lark.Token."""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Transformer, Tree, v_args
from lark.tree import Meta

from piarules import ast
from piarules.diagnostics import Diagnostic, Severity, suggestion
from piarules.jpvalues import parse_date
from piarules.pattern_store import compiled
from piarules.span import Span

_SEVERITIES = {
    "error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO,
    "エラー": Severity.ERROR, "警告": Severity.WARNING, "情報": Severity.INFO,
}
_UNITS = {
    "year": ast.Unit.YEAR, "years": ast.Unit.YEAR, "年": ast.Unit.YEAR,
    "month": ast.Unit.MONTH, "months": ast.Unit.MONTH, "か月": ast.Unit.MONTH, "ヶ月": ast.Unit.MONTH,
    "カ月": ast.Unit.MONTH, "day": ast.Unit.DAY, "days": ast.Unit.DAY, "日": ast.Unit.DAY,
}
MAX_NUMBER_DIGITS = 15
"""Longest number literal (digits): beyond it a count or year is a typo, not a value."""
MAX_STRING_LENGTH = 10_000
"""Longest string literal (characters) in a policy."""
_MAX_DURATION = {ast.Unit.YEAR: 9999, ast.Unit.MONTH: 9999 * 12, ast.Unit.DAY: 9999 * 366}
"""Longest duration: the whole calendar (0001–9999) and no more."""
_DURATION_RE = compiled(r"(\d+)\s*(\S+)")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    """Resolve \\n \\t \\" \\\\ in a "…" string; other backslashes stay (regexes need them)."""
    return re.sub(r'\\([nt"\\])', lambda m: _ESCAPES[m[1]], text)


class _StringToken(Token):
    """A string literal's value, with its text as written (for placeholder columns)."""

    raw: str


class _ToAst(Transformer[Token, Any]):
    """Builds AST nodes; collects (does not raise) diagnostics for bad literals."""

    def __init__(self, path: str, origin: tuple[int, int] | None = None):
        super().__init__()
        self.file = path
        self.origin = origin
        """(line, column) in the file of this text's first character, when it is a message placeholder."""
        self.diagnostics: list[Diagnostic] = []

    # -- spans
    def span(self, meta: Meta | Token) -> Span:
        if getattr(meta, "empty", False):
            return Span(self.file, 0, 0, 0, 0)
        line, col = meta.line or 0, meta.column or 0
        end_line, end_col = meta.end_line or 0, meta.end_column or 0
        if self.origin is not None:  # a placeholder: one line, shifted to its place in the message
            line = end_line = self.origin[0]
            col, end_col = col + self.origin[1] - 1, end_col + self.origin[1] - 1
        return Span(self.file, line, col, end_line, end_col)

    def error(self, code: str, message: str, where: Meta | Token, help: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.span(where), help=help))

    # -- leaves
    def string(self, children: list[Token]) -> Token:
        (tok,) = children
        raw = str(tok)
        if len(raw) > MAX_STRING_LENGTH:
            self.error("PIA103", f"文字列が長すぎます ({len(raw):,} 文字、上限 {MAX_STRING_LENGTH:,} 文字)", tok)
            raw = "「」" if tok.type == "JSTRING" else '""'
        value = raw[1:-1] if tok.type == "JSTRING" else _unescape(raw[1:-1])
        out = _StringToken.new_borrow_pos("STRING_VALUE", value, tok)
        out.raw = raw[1:-1]
        return out

    def words(self, children: list[Token]) -> Token:
        return Token.new_borrow_pos("WORDS", " ".join(str(c) for c in children), children[0])

    @v_args(meta=True)
    def path(self, meta: Meta, children: list[Token]) -> ast.Expr:
        parts: list[str | int] = [str(children[0])]
        for c in children[1:]:
            parts.append(int(str(c)) if c.type == "NUMBER" else str(c))
        if len(parts) == 1:
            try:
                return ast.Literal(parse_date(str(parts[0])), self.span(meta))
            except ValueError:
                pass
        return ast.Path(tuple(parts), self.span(meta))

    def number(self, children: list[Token]) -> ast.Literal:
        text = str(children[0]).replace(",", "")
        if len(text) > MAX_NUMBER_DIGITS:
            self.error("PIA103", f"数値が大きすぎます ({len(text)} 桁、上限 {MAX_NUMBER_DIGITS} 桁)", children[0])
            return ast.Literal(0, self.span(children[0]))
        value: float | int = float(text) if "." in text else int(text)
        return ast.Literal(value, self.span(children[0]))

    def date(self, children: list[Token]) -> ast.Literal:
        tok = children[0]
        try:
            return ast.Literal(parse_date(str(tok)), self.span(tok))
        except ValueError as exc:
            self.error("PIA103", str(exc), tok)
            return ast.Literal(str(tok), self.span(tok))

    def duration(self, children: list[Token]) -> ast.Duration:
        tok = children[0]
        m = _DURATION_RE.fullmatch(str(tok))
        assert m is not None  # INVARIANT: the DURATION terminal only matches this shape
        unit = _UNITS[m[2]]
        if len(m[1]) > 7 or int(m[1]) > _MAX_DURATION[unit]:
            self.error("PIA103", f"期間「{tok}」が長すぎます (上限 {_MAX_DURATION[unit]:,} {unit.value}s)", tok)
            return ast.Duration(0, unit, self.span(tok))
        return ast.Duration(int(m[1]), unit, self.span(tok))

    @v_args(meta=True)
    def true(self, meta: Meta, _: list[Any]) -> ast.Literal:
        return ast.Literal(True, self.span(meta))

    @v_args(meta=True)
    def false(self, meta: Meta, _: list[Any]) -> ast.Literal:
        return ast.Literal(False, self.span(meta))

    def _literal_string(self, tok: Token) -> ast.Literal:
        return ast.Literal(str(tok), self.span(tok))

    # -- expressions
    @v_args(meta=True)
    def list_lit(self, meta: Meta, children: list[Any]) -> ast.ListExpr:
        return ast.ListExpr(tuple(self.expr(c) for c in children if c is not None), self.span(meta))

    def expr(self, node: Any) -> Any:
        """Strings arrive as tokens; everything else is already a node."""
        if isinstance(node, Token):
            return self._literal_string(node)
        return node

    @v_args(meta=True)
    def or_(self, meta: Meta, children: list[Any]) -> ast.Expr:
        if len(children) == 1:
            return self.expr(children[0])
        return ast.BoolOp("or", tuple(self.expr(c) for c in children), self.span(meta))

    @v_args(meta=True)
    def and_(self, meta: Meta, children: list[Any]) -> ast.Expr:
        if len(children) == 1:
            return self.expr(children[0])
        return ast.BoolOp("and", tuple(self.expr(c) for c in children), self.span(meta))

    @v_args(meta=True)
    def not_(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.Not(self.expr(children[0]), self.span(meta))

    @v_args(meta=True)
    def compare(self, meta: Meta, children: list[Any]) -> ast.Expr:
        left, op, right = children
        return ast.Compare(ast.CmpOp(str(op)), self.expr(left), self.expr(right), self.span(meta))

    @v_args(meta=True)
    def in_(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.Membership(self.expr(children[0]), self.expr(children[1]), False, self.span(meta))

    @v_args(meta=True)
    def not_in(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.Membership(self.expr(children[0]), self.expr(children[1]), True, self.span(meta))

    @v_args(meta=True)
    def contains(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.TextTest(ast.TextOp.CONTAINS, self.expr(children[0]), self.expr(children[1]), self.span(meta))

    @v_args(meta=True)
    def contains_quant(self, meta: Meta, children: list[Any]) -> ast.Expr:
        subject, quant, needle = children
        op = ast.TextOp.CONTAINS_ANY if str(quant) == "any" else ast.TextOp.CONTAINS_ALL
        return ast.TextTest(op, self.expr(subject), self.expr(needle), self.span(meta))

    @v_args(meta=True)
    def matches_regex(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.RegexTest(self.expr(children[0]), str(children[1]), self.span(meta))

    @v_args(meta=True)
    def matches_matcher(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.MatcherTest(self.expr(children[0]), str(children[1]), self.span(meta))

    def _presence(self, op: ast.PresenceOp, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.Presence(op, self.expr(children[0]), self.span(meta))

    @v_args(meta=True)
    def is_present(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return self._presence(ast.PresenceOp.PRESENT, meta, children)

    @v_args(meta=True)
    def is_absent(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return self._presence(ast.PresenceOp.ABSENT, meta, children)

    @v_args(meta=True)
    def is_empty(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return self._presence(ast.PresenceOp.EMPTY, meta, children)

    @v_args(meta=True)
    def is_not_empty(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return self._presence(ast.PresenceOp.NOT_EMPTY, meta, children)

    @v_args(meta=True)
    def add(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.Arith("+", self.expr(children[0]), self.expr(children[1]), self.span(meta))

    @v_args(meta=True)
    def sub(self, meta: Meta, children: list[Any]) -> ast.Expr:
        return ast.Arith("-", self.expr(children[0]), self.expr(children[1]), self.span(meta))

    @v_args(meta=True)
    def call(self, meta: Meta, children: list[Any]) -> ast.Expr:
        name, *args = children
        return ast.Call(str(name), tuple(self.expr(a) for a in args if a is not None), self.span(meta))

    @v_args(meta=True)
    def member(self, meta: Meta, children: list[Any]) -> ast.Expr:
        base, *names = children
        return ast.Member(base, tuple(str(n) for n in names), self.span(meta))

    @v_args(meta=True)
    def quantifier(self, meta: Meta, children: list[Any]) -> ast.Expr:
        quant, var, coll, body = children
        return ast.Quantifier(str(quant), str(var), self.expr(coll), self.expr(body), self.span(meta))

    @v_args(meta=True)
    def count_where(self, meta: Meta, children: list[Any]) -> ast.Expr:
        _, var, coll, body = children
        return ast.Quantifier("count", str(var), self.expr(coll), self.expr(body), self.span(meta))

    # -- phrases
    @v_args(meta=True)
    def phrase_word(self, meta: Meta, children: list[Token]) -> ast.Phrase:
        return ast.Phrase((str(children[0]),), span=self.span(meta))

    @v_args(meta=True)
    def phrase_list(self, meta: Meta, children: list[Any]) -> ast.Phrase:
        terms = self._strings(children[0])
        if not terms:
            self.error("PIA103", "同義語の一覧が空です", meta)
        return ast.Phrase(terms, span=self.span(meta))

    @v_args(meta=True)
    def phrase_name(self, meta: Meta, children: list[Token]) -> ast.Phrase:
        return ast.Phrase(name=str(children[0]), span=self.span(meta))

    @v_args(meta=True)
    def phrase_spec(self, meta: Meta, children: list[Any]) -> ast.PhraseSpec:
        return ast.PhraseSpec((children[0],), span=self.span(meta))

    @v_args(meta=True)
    def together(self, meta: Meta, children: list[Any]) -> ast.PhraseSpec:
        *parts, scope = children
        return ast.PhraseSpec(tuple(parts), True, scope or "sentence", self.span(meta))

    def within_clause(self, children: list[Token]) -> str:
        tok = children[0]
        scope = _SCOPES.get(str(tok))
        if scope is None:
            self.error("PIA101", f"within の後は sentence (文) か clause (節) です: 「{tok}」", tok,
                       help=suggestion(str(tok), _SCOPES))
            return "sentence"
        return scope

    @v_args(meta=True)
    def phrase_test(self, meta: Meta, children: list[Any]) -> ast.PhraseTest:
        subject, op, spec = children
        return ast.PhraseTest(ast.PhraseOp(str(op)), self.expr(subject), spec, self.span(meta))

    @v_args(meta=True)
    def m_phrase(self, meta: Meta, children: list[Any]) -> ast.MatchPhrase:
        op, spec = children
        return ast.MatchPhrase(ast.PhraseOp(str(op)), spec, self.span(meta))

    @v_args(meta=True)
    def synonyms_def(self, meta: Meta, children: list[Any]) -> ast.SynonymsDef:
        name, terms, exclude = children
        words = self._strings(terms)
        if not words:
            self.error("PIA103", f"同義語「{name}」の一覧が空です", meta)
        excluded, excluded_nodes = exclude or ((), ())
        nodes = tuple(i for i in (*terms.items, *excluded_nodes) if isinstance(i, ast.Literal))
        return ast.SynonymsDef(str(name), words, excluded, self.stmt_span(meta, children), nodes)

    def except_clause(self, children: list[Any]) -> tuple[tuple[str, ...], tuple[ast.Expr, ...]]:
        return self._strings(children[0]), children[0].items

    # -- matchers
    def _strings(self, node: ast.ListExpr) -> tuple[str, ...]:
        out = []
        for item in node.items:
            if isinstance(item, ast.Literal) and isinstance(item.value, str):
                out.append(item.value)
            else:
                self.diagnostics.append(Diagnostic("PIA103", "マッチャーの一覧には文字列だけを書けます", item.span))
        return tuple(out)

    @v_args(meta=True)
    def m_contains(self, meta: Meta, children: list[Any]) -> ast.Matcher:
        return ast.MatchText(ast.TextOp.CONTAINS, (str(children[0]),), self.span(meta))

    @v_args(meta=True)
    def m_contains_quant(self, meta: Meta, children: list[Any]) -> ast.Matcher:
        quant, items = children
        op = ast.TextOp.CONTAINS_ANY if str(quant) == "any" else ast.TextOp.CONTAINS_ALL
        return ast.MatchText(op, self._strings(items), self.span(meta))

    @v_args(meta=True)
    def m_regex(self, meta: Meta, children: list[Any]) -> ast.Matcher:
        return ast.MatchRegex(str(children[0]), self.span(meta))

    @v_args(meta=True)
    def m_ref(self, meta: Meta, children: list[Any]) -> ast.Matcher:
        return ast.MatchRef(str(children[0]), self.span(meta))

    @v_args(meta=True)
    def m_or_(self, meta: Meta, children: list[Any]) -> Any:
        if len(children) == 1:
            return children[0]
        return ast.MatchBool("or", tuple(children), self.span(meta))

    @v_args(meta=True)
    def m_and_(self, meta: Meta, children: list[Any]) -> Any:
        if len(children) == 1:
            return children[0]
        return ast.MatchBool("and", tuple(children), self.span(meta))

    @v_args(meta=True)
    def m_not_(self, meta: Meta, children: list[Any]) -> ast.Matcher:
        return ast.MatchBool("not", tuple(children), self.span(meta))

    # -- statements: AST statement nodes, kept in source order by rule() / policy()
    def stmt_span(self, meta: Meta, children: list[Any]) -> Span:
        """From the statement's first token to the end of its last (the line break excluded)."""
        line, col = _end(children)
        if (line, col) == (0, 0):
            line, col = meta.line, meta.column
        return Span(self.file, meta.line, meta.column, line, col)

    @v_args(meta=True)
    def reference_stmt(self, meta: Meta, children: list[Token]) -> ast.ReferenceStmt:
        return ast.ReferenceStmt(tuple(str(c) for c in children), self.stmt_span(meta, children))

    @v_args(meta=True)
    def effective_stmt(self, meta: Meta, children: list[Any]) -> ast.Period:
        start, end = children
        return ast.Period(start, end, self.stmt_span(meta, children))

    def effective_from(self, children: list[Any]) -> ast.Expr:
        return self.expr(children[0])

    def effective_until(self, children: list[Any]) -> ast.Expr:
        return self.expr(children[0])

    @v_args(meta=True)
    def applies_stmt(self, meta: Meta, children: list[Token]) -> ast.AppliesStmt:
        return ast.AppliesStmt(tuple(str(c) for c in children), self.stmt_span(meta, children))

    @v_args(meta=True)
    def description_stmt(self, meta: Meta, children: list[Token]) -> ast.DescriptionStmt:
        return ast.DescriptionStmt(str(children[0]), self.stmt_span(meta, children))

    @v_args(meta=True)
    def severity_stmt(self, meta: Meta, children: list[Token]) -> ast.SeverityStmt:
        tok = children[0]
        severity = _SEVERITIES.get(str(tok))
        if severity is None:
            self.error("PIA208", f"「{tok}」は重大度ではありません (error / warning / info)", tok,
                       help=suggestion(str(tok), _SEVERITIES))
        return ast.SeverityStmt(severity, self.stmt_span(meta, children))

    @v_args(meta=True)
    def confidence_stmt(self, meta: Meta, children: list[Token]) -> ast.ConfidenceStmt:
        tok = children[0]
        level = _CONFIDENCES.get(str(tok))
        if level is None:
            self.error("PIA208", f"「{tok}」は確度ではありません (high / medium / low)", tok,
                       help=suggestion(str(tok), _CONFIDENCES))
        return ast.ConfidenceStmt(level, self.stmt_span(meta, children))

    @v_args(meta=True)
    def for_stmt(self, meta: Meta, children: list[Any]) -> ast.Scope:
        return ast.Scope(str(children[0]), self.expr(children[1]), self.stmt_span(meta, children))

    @v_args(meta=True)
    def when_stmt(self, meta: Meta, children: list[Any]) -> ast.WhenStmt:
        return ast.WhenStmt(self.expr(children[0]), self.stmt_span(meta, children))

    @v_args(meta=True)
    def require_stmt(self, meta: Meta, children: list[Any]) -> ast.RequireStmt:
        return ast.RequireStmt(self.expr(children[0]), self.stmt_span(meta, children))

    @v_args(meta=True)
    def requires_stmt(self, meta: Meta, children: list[Any]) -> ast.Requires:
        cond, target, matchers = children
        if not isinstance(target, ast.Path):
            self.diagnostics.append(Diagnostic("PIA101", "requires の後には項目名を書いてください",
                                               getattr(target, "span", None)))
            target = ast.Path(("?",), self.span(meta))
        return ast.Requires(self.expr(cond), target, matchers or (), self.stmt_span(meta, children))

    def with_clause(self, children: list[Token]) -> tuple[ast.MatchRef, ...]:
        return tuple(ast.MatchRef(str(c), self.span(c)) for c in children)

    @v_args(meta=True)
    def message_stmt(self, meta: Meta, children: list[Token]) -> ast.MessageStmt:
        tok = children[0]
        return ast.MessageStmt(str(tok), self.template(tok), self.stmt_span(meta, children))

    @v_args(meta=True)
    def hint_stmt(self, meta: Meta, children: list[Token]) -> ast.HintStmt:
        return ast.HintStmt(str(children[0]), self.stmt_span(meta, children))

    @v_args(meta=True)
    def at_stmt(self, meta: Meta, children: list[Any]) -> ast.AtStmt:
        target = children[0]
        if not isinstance(target, ast.Path):
            self.diagnostics.append(Diagnostic("PIA101", "at の後には項目名を書いてください", getattr(target, "span", None)))
            target = ast.Path(("?",), self.span(meta))
        return ast.AtStmt(target, self.stmt_span(meta, children))

    @v_args(meta=True)
    def as_of_stmt(self, meta: Meta, children: list[Any]) -> ast.AsOfStmt:
        return ast.AsOfStmt(self.expr(children[0]), self.stmt_span(meta, children))

    # -- declarations
    @v_args(meta=True)
    def use_all(self, meta: Meta, children: list[Token]) -> ast.Use:
        return ast.Use(str(children[0]), (), self.stmt_span(meta, children), self.span(children[0]))

    @v_args(meta=True)
    def use_some(self, meta: Meta, children: list[Token]) -> ast.Use:
        *names, policy = children
        return ast.Use(str(policy), tuple(str(n) for n in names), self.stmt_span(meta, children), self.span(policy))

    @v_args(meta=True)
    def const_def(self, meta: Meta, children: list[Any]) -> ast.Const:
        return ast.Const(str(children[0]), self.expr(children[1]), self.stmt_span(meta, children))

    @v_args(meta=True)
    def term_def(self, meta: Meta, children: list[Any]) -> ast.Term:
        return ast.Term(str(children[0]), self.expr(children[1]), self.stmt_span(meta, children))

    @v_args(meta=True)
    def matcher_def(self, meta: Meta, children: list[Any]) -> ast.MatcherDef:
        name, description, body = children
        return ast.MatcherDef(str(name), str(description) if description else None, body,
                              self.stmt_span(meta, children))

    @v_args(meta=True)
    def policy(self, meta: Meta, children: list[Any]) -> ast.PolicyHeader:
        pid, title, *stmts = children
        self.check_unique(str(pid), stmts)
        return ast.PolicyHeader(str(pid), str(title), tuple(stmts), self.span(meta))

    @v_args(meta=True)
    def rule(self, meta: Meta, children: list[Any]) -> ast.Rule:
        rid, title, *stmts = children
        if not any(isinstance(s, ast.SeverityStmt) for s in stmts):
            self.error("PIA208", f"ルール {rid} に severity がありません", rid,
                       help="「severity error」「severity warning」「severity info」のいずれかを書いてください")
        self.check_unique(str(rid), stmts)
        return ast.Rule(str(rid), str(title), tuple(stmts), self.span(meta), self.span(rid))

    def check_unique(self, owner: str, stmts: list[Any]) -> None:
        """A statement that may appear once, written twice, is an error at both places (never dropped)."""
        seen: dict[str, Any] = {}
        for stmt in stmts:
            keyword = _UNIQUE.get(type(stmt))
            if keyword is None:
                continue
            group = "require" if keyword in ("require", "requires") else keyword
            if group in seen:
                first = seen[group]
                what = f"「{_UNIQUE[type(first)]}」と「{keyword}」" if type(first) is not type(stmt) else f"「{keyword}」"
                self.diagnostics.append(Diagnostic(
                    "PIA215", f"{owner} に {what} が2回あります", stmt.span,
                    help=f"1回だけ書けます (最初: {first.span.line}行目)。条件を合わせるなら and でつないでください"))
            else:
                seen[group] = stmt

    def start(self, children: list[Any]) -> list[Any]:
        return children

    def template(self, tok: Token) -> tuple[str | ast.Expr, ...]:
        """Split a message into text and parsed `{…}` placeholders (`{{`/`}}` escape braces).

        Placeholders get spans at their place in the file, and their parse errors are reported
        there (a string never spans lines, so a placeholder's column is the string's plus its offset).
        """
        from lark import UnexpectedInput

        from piarules.syntax.grammar import parser

        text, raw = str(tok), str(_raw_text(tok))
        parts: list[str | ast.Expr] = []
        pos = 0
        for m in _PLACEHOLDER.finditer(text):
            parts.append(text[pos:m.start()])
            pos = m.end()
            if m[0] in ("{{", "}}"):
                parts.append(m[0][0])
                continue
            column = (tok.column or 1) + 1 + max(raw.find(m[0]), 0) + 1
            inner = _ToAst(self.file, (tok.line or 1, column))
            try:
                tree = parser().parse(m[1], start="expr")
            except UnexpectedInput as exc:
                where = Span.point(self.file, tok.line or 1, column + max(exc.column, 1) - 1)
                self.diagnostics.append(Diagnostic("PIA209", f"メッセージの差し込み「{m[0]}」を解釈できません", where,
                                                   help="{項目名} や {変数.項目名} の形で書いてください"))
                continue
            parts.append(inner.expr(inner.transform(tree)))
            self.diagnostics.extend(inner.diagnostics)
        parts.append(text[pos:])
        return tuple(p for p in parts if p != "")


_CONFIDENCES = {"high": ast.Confidence.HIGH, "medium": ast.Confidence.MEDIUM, "low": ast.Confidence.LOW,
                "高": ast.Confidence.HIGH, "中": ast.Confidence.MEDIUM, "低": ast.Confidence.LOW}
_SCOPES = {"sentence": "sentence", "clause": "clause", "文": "sentence", "節": "clause"}
_PLACEHOLDER = compiled(r"\{\{|\}\}|\{([^{}]*)\}")
_UNIQUE: dict[type, str] = {
    ast.SeverityStmt: "severity", ast.ConfidenceStmt: "confidence", ast.AppliesStmt: "applies to", ast.AsOfStmt: "as of", ast.Period: "effective",
    ast.WhenStmt: "when", ast.RequireStmt: "require", ast.Requires: "requires", ast.MessageStmt: "message",
    ast.HintStmt: "hint", ast.DescriptionStmt: "description", ast.AtStmt: "at",
}
"""Statements that may appear once in a rule or policy block. `for each` nests and `reference`
accumulates; everything else written twice is PIA215 (the parser never keeps just one)."""


def _raw_text(tok: Token) -> str:
    """The string literal's text as written between its quotes (escapes not yet resolved)."""
    return getattr(tok, "raw", str(tok))


def _end(children: list[Any]) -> tuple[int, int]:
    """The (line, column) where the last of `children` ends (0, 0 when none has a place)."""
    best = (0, 0)
    for child in children:
        if isinstance(child, Token):
            here = (child.end_line or 0, child.end_column or 0)
        elif isinstance(child, tuple | list):
            here = _end(list(child))
        else:
            span = getattr(child, "span", None)
            here = (span.end_line, span.end_col) if span is not None else (0, 0)
        best = max(best, here)
    return best


def tree_to_ast(tree: Tree[Token], path: str) -> tuple[list[Any], list[Diagnostic]]:
    """Transform a `start` tree into declarations; returns (items, diagnostics)."""
    transformer = _ToAst(path)
    items = transformer.transform(tree)
    return items, transformer.diagnostics


def expression_to_ast(tree: Tree[Token], path: str) -> ast.Expr:
    """Transform an `expr` tree (parsed on its own) into an expression node."""
    transformer = _ToAst(path)
    return transformer.expr(transformer.transform(tree))
