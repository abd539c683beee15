"""Where names stand in a policy file: definitions and uses of terms, consts, matchers, rule ids,
scope variables and form paths, found by walking the AST (never by searching the text for words).

Spans of AST nodes cover whole expressions; the exact place of each name is found on the node's
own line, starting at the node, so a name's range is the name alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from piarules import ast
from piarules.pattern_store import compiled
from piarules.span import Span
from piarules.walk import statement_exprs

TERM, CONST, MATCHER, RULE, POLICY, VAR, FIELD, CALL = (
    "term", "const", "matcher", "rule", "policy", "var", "field", "call")


@dataclass(frozen=True)
class Binding:
    """A variable introduced by `for each` or a quantifier, in force at an occurrence."""

    var: str
    collection: ast.Expr
    span: Span
    quantifier: bool = False


@dataclass(frozen=True)
class Occurrence:
    """One name in the file: what it is, where exactly, and its context."""

    kind: str
    name: str
    span: Span
    definition: bool = False
    rule: ast.Rule | None = None
    bound: tuple[Binding, ...] = ()
    path: ast.Path | None = None
    segment: int = 0
    """For a path: the index of this name among the path's parts."""
    binding: Binding | None = None
    """For a variable's definition: what it binds."""


def _words(name: str) -> re.Pattern[str]:
    return compiled(r"\s+".join(re.escape(w) for w in name.split()))


class PolicyIndex:
    """The occurrences of one parsed policy file."""

    def __init__(self, policy: ast.PolicyFile, text: str) -> None:
        self.policy = policy
        self.lines = text.split("\n")
        self.occurrences: list[Occurrence] = []
        self.terms = {t.name for t in policy.terms}
        self.consts = {c.name for c in policy.consts}
        for item in policy.items:
            self._declaration(item)

    # ------------------------------------------------------------ locating names
    def _name_span(self, name: str, line: int, col: int, after: str | None = None) -> Span:
        """The span of `name` on 1-based `line`, searched from `col` (after the word `after`)."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        start = max(col - 1, 0)
        if after is not None:
            m = compiled(after).search(text, start)
            if m:
                start = m.end()
        m = _words(name).search(text, start)
        if m is None:
            return Span(self.policy.path, line, col, line, col + len(name))
        return Span(self.policy.path, line, m.start() + 1, line, m.end() + 1)

    def _add(self, occurrence: Occurrence) -> None:
        self.occurrences.append(occurrence)

    # ------------------------------------------------------------ declarations
    def _declaration(self, item: ast.Declaration) -> None:
        match item:
            case ast.PolicyHeader():
                self._add(Occurrence(POLICY, item.id, self._name_span(item.id, item.span.line, item.span.col, r"policy\s+"),
                                     definition=True))
                for stmt in item.body:
                    for expr in statement_exprs(stmt):
                        self._expr(expr, None, ())
            case ast.Const():
                self._add(Occurrence(CONST, item.name, self._name_span(item.name, item.span.line, item.span.col, r"const\s+"),
                                     definition=True))
                self._expr(item.value, None, ())
            case ast.Term():
                self._add(Occurrence(TERM, item.name, self._name_span(item.name, item.span.line, item.span.col, r"term\s+"),
                                     definition=True))
                self._expr(item.body, None, ())
            case ast.MatcherDef():
                self._add(Occurrence(MATCHER, item.name,
                                     self._name_span(item.name, item.span.line, item.span.col, r"matcher\s+"), definition=True))
                self._matcher(item.body)
            case ast.Rule():
                self._rule(item)

    def _rule(self, rule: ast.Rule) -> None:
        self._add(Occurrence(RULE, rule.id, rule.id_span, definition=True, rule=rule))
        bound: tuple[Binding, ...] = ()
        for stmt in rule.body:
            for expr in statement_exprs(stmt):
                self._expr(expr, rule, bound)
            if isinstance(stmt, ast.Requires):
                for ref in stmt.matchers:
                    self._add(Occurrence(MATCHER, ref.name, self._name_span(ref.name, ref.span.line, ref.span.col),
                                         rule=rule, bound=bound))
            if isinstance(stmt, ast.Scope):
                span = self._name_span(stmt.var, stmt.span.line, stmt.span.col, r"for\s+each\s+")
                binding = Binding(stmt.var, stmt.collection, span)
                self._add(Occurrence(VAR, stmt.var, span, definition=True, rule=rule, bound=bound, binding=binding))
                bound = (*bound, binding)

    def _matcher(self, node: ast.Matcher) -> None:
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.MatchRef):
                self._add(Occurrence(MATCHER, current.name,
                                     self._name_span(current.name, current.span.line, current.span.col)))
            elif isinstance(current, ast.MatchBool):
                stack.extend(current.operands)

    # ------------------------------------------------------------ expressions
    def _expr(self, node: ast.Expr, rule: ast.Rule | None, bound: tuple[Binding, ...]) -> None:
        stack: list[tuple[ast.Expr, tuple[Binding, ...]]] = [(node, bound)]
        while stack:
            current, env = stack.pop()
            match current:
                case ast.Path():
                    self._path(current, rule, env)
                case ast.Quantifier():
                    span = self._name_span(current.var, current.span.line, current.span.col, r"(any|all|count)\s+")
                    binding = Binding(current.var, current.collection, span, quantifier=True)
                    self._add(Occurrence(VAR, current.var, span, definition=True, rule=rule, bound=env, binding=binding))
                    stack.append((current.body, (*env, binding)))
                    stack.append((current.collection, env))
                case ast.MatcherTest():
                    line = current.span.end_line or current.span.line
                    text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
                    start = current.span.col if line == current.span.line else 1
                    at = text.rfind("matches", start - 1, current.span.end_col)
                    self._add(Occurrence(MATCHER, current.matcher,
                                         self._name_span(current.matcher, line, at + 1 if at >= 0 else start, r"matches\s+"),
                                         rule=rule, bound=env))
                    stack.append((current.subject, env))
                case ast.Call():
                    self._add(Occurrence(CALL, current.func,
                                         self._name_span(current.func, current.span.line, current.span.col), rule=rule, bound=env))
                    stack.extend((a, env) for a in reversed(current.args))
                case _:
                    from piarules.walk import children

                    stack.extend((c, env) for c in reversed(children(current)))

    def _path(self, node: ast.Path, rule: ast.Rule | None, bound: tuple[Binding, ...]) -> None:
        line = node.span.line
        col = node.span.col
        head = str(node.parts[0])
        names = {b.var for b in bound}
        for index, part in enumerate(node.parts):
            if isinstance(part, int):
                continue
            span = self._name_span(part, line, col)
            col = span.end_col
            kind = FIELD
            if index == 0:
                if head in names:
                    kind = VAR
                elif head in self.consts:
                    kind = CONST
                elif head in self.terms:
                    kind = TERM
            self._add(Occurrence(kind, part, span, rule=rule, bound=bound, path=node, segment=index))

    # ------------------------------------------------------------ queries
    def at(self, line: int, col: int) -> Occurrence | None:
        """The name at 1-based (line, col) (a cursor right after a name counts)."""
        best: Occurrence | None = None
        for o in self.occurrences:
            s = o.span
            if s.line == line and s.col <= col <= s.end_col and (best is None or s.col > best.span.col):
                best = o
        return best

    def definition(self, kind: str, name: str, at: Occurrence | None = None) -> Occurrence | None:
        """Where a name is defined in this file (a variable: the binding in force at `at`)."""
        if kind == VAR and at is not None:
            if at.definition:
                return at
            for b in reversed(at.bound):
                if b.var == name:
                    return Occurrence(VAR, name, b.span, definition=True, rule=at.rule)
            return None
        return next((o for o in self.occurrences if o.definition and o.kind == kind and o.name == name), None)

    def references(self, kind: str, name: str, at: Occurrence | None = None) -> list[Occurrence]:
        """Every occurrence of the name (definition included), in file order."""
        if kind == VAR and at is not None:
            target = self.definition(VAR, name, at)
            if target is None:
                return []
            return [o for o in self.occurrences if o.kind == VAR and o.name == name and o.rule is at.rule
                    and (d := self.definition(VAR, name, o)) is not None and d.span == target.span]
        found = [o for o in self.occurrences if o.kind == kind and o.name == name]
        return sorted(found, key=lambda o: (o.span.line, o.span.col))
