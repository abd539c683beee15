"""`piarules fmt`: canonical formatting of policy files, safe by construction.

Comments are kept: a comment on its own line stays above the declaration or statement that
follows it; a comment after code stays at the end of that line (a comment inside a
multi-line expression moves above its statement). Rule statements come in a fixed order.
Every run re-parses its output and refuses to write unless the AST is unchanged, and the
output is a fixed point (fmt(fmt(x)) == fmt(x)).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piarules import ast, pretty
from piarules.diagnostics import Diagnostic
from piarules.span import Span
from piarules.syntax import parse_policy

WIDTH = 100
INDENT = "  "
CONTINUATION = "      "


@dataclass
class Comments:
    """Comments of a file by line: whole-line ones and the ones after code."""

    own_line: dict[int, str] = field(default_factory=dict)
    trailing: dict[int, str] = field(default_factory=dict)

    def leading(self, start: int, end: int) -> list[str]:
        """Whole-line comments with start <= line < end, taken (each is printed once)."""
        found = [self.own_line.pop(n) for n in sorted(self.own_line) if start <= n < end]
        return found

    def after(self, line: int) -> str:
        text = self.trailing.pop(line, "")
        return f"  {text}" if text else ""


def scan_comments(text: str) -> Comments:
    """Find `#` comments outside strings (strings never span lines, so a line scan is exact)."""
    comments = Comments()
    for number, line in enumerate(text.splitlines(), start=1):
        quote, i = "", 0
        while i < len(line):
            ch = line[i]
            if quote == '"':
                if ch == "\\":
                    i += 1
                elif ch == '"':
                    quote = ""
            elif quote == "「":
                if ch == "」":
                    quote = ""
            elif ch in ('"', "「"):
                quote = ch
            elif ch == "#":
                (comments.trailing if line[:i].strip() else comments.own_line)[number] = line[i:].rstrip()
                break
            i += 1
    return comments


# ---------------------------------------------------------------- statements of a rule

_KEYWORD_KINDS = {"severity": "severity", "applies": "applies", "for": "for", "as": "as_of", "effective": "effective",
                  "when": "when", "require": "require", "message": "message", "hint": "hint",
                  "reference": "reference", "description": "description", "at": "at"}


def statement_lines(lines: list[str], start: int, end: int) -> dict[str, list[int]]:
    """Original line of each statement kind inside a block (a `requires` line starts with an expression)."""
    found: dict[str, list[int]] = {}
    depth = 0
    for number in range(start + 1, end):
        code = lines[number - 1].split("#", 1)[0].strip()
        if not code:
            continue
        if depth == 0:
            word = code.split()[0]
            kind = _KEYWORD_KINDS.get(word, "requires" if "requires" in code.split() else None)
            if kind:
                found.setdefault(kind, []).append(number)
        depth = max(depth + code.count("(") + code.count("[") - code.count(")") - code.count("]"), 0)
        if depth == 0 and code.split()[-1] in ("and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", ",", "="):
            depth = 0  # a continued line: the next line belongs to this statement
            found.setdefault("_continued", []).append(number + 1)
    return found


def _strings(values: tuple[str, ...]) -> str:
    return ", ".join(pretty.string(v) for v in values)


def _period(period: ast.Period) -> str:
    text = "effective"
    if period.start is not None:
        text += " from " + pretty.expr(period.start)
    if period.end is not None:
        text += " until " + pretty.expr(period.end)
    return text


_MARKS = "".join(chr(n) for n in range(1, 9))


def _flat(text: str) -> str:
    return text.translate({ord(m): None for m in _MARKS})


def _width(text: str) -> int:
    from piarules.report.text import display_width

    return display_width(_flat(text))


def fill(head: str, text: str, rest: str) -> list[str]:
    """Lay out `head + text` within WIDTH display columns.

    Break at the outermost break marks first (greedily), and go one bracket level deeper only
    for a line that is still too long. Continuation lines start with `rest`.
    """
    if _width(head + text) <= WIDTH:
        return [_flat(head + text).rstrip()]
    levels = sorted({ch for ch in text if ch in _MARKS})
    if not levels:
        return [_flat(head + text).rstrip()]
    pieces = text.split(levels[0])
    lines: list[str] = []
    line = head + pieces[0]
    for piece in pieces[1:]:
        if _width(line + piece) > WIDTH and _flat(line).strip():
            lines.append(line)
            line = rest + piece.lstrip()
        else:
            line += piece
    lines.append(line)
    out: list[str] = []
    for index, raw in enumerate(lines):  # a line still too long: break inside its brackets
        prefix = head if index == 0 else rest
        body = raw[len(prefix):]
        out += fill(prefix, body, rest) if _width(raw) > WIDTH else [_flat(raw).rstrip()]
    return out


def _condition(keyword: str, node: ast.Expr, indent: str) -> list[str]:
    """`keyword expr`, filled to WIDTH (continuation lines indented by CONTINUATION)."""
    return fill(indent + keyword, pretty.expr(node, pretty.BREAK), indent + CONTINUATION)


def rule_statements(rule: ast.Rule) -> list[tuple[str, list[str]]]:
    """(kind, lines) of every statement, in the canonical order."""
    i = INDENT
    out: list[tuple[str, list[str]]] = []
    if rule.severity is not None:
        out.append(("severity", [f"{i}severity {rule.severity.value}"]))
    if rule.kinds:
        out.append(("applies", [f"{i}applies to {', '.join(rule.kinds)}"]))
    for scope in rule.scopes:
        out.append(("for", [f"{i}for each {scope.var} in {pretty.expr(scope.collection)}"]))
    if rule.as_of is not None:
        out.append(("as_of", [f"{i}as of {pretty.expr(rule.as_of)}"]))
    if rule.period is not None:
        out.append(("effective", [f"{i}{_period(rule.period)}"]))
    if rule.when is not None:
        out.append(("when", _condition("when ", rule.when, i)))
    if rule.require is not None:
        out.append(("require", _condition("require ", rule.require, i)))
    if rule.requires is not None:
        r = rule.requires
        tail = f" with {' and '.join(m.name for m in r.matchers)}" if r.matchers else ""
        out.append(("requires", [f"{i}{pretty.wrap(r.condition, pretty.SUM)} requires {pretty.expr(r.target)}{tail}"]))
    if rule.at is not None:
        out.append(("at", [f"{i}at {pretty.expr(rule.at)}"]))
    for kind, value in (("message", rule.message), ("hint", rule.hint), ("description", rule.description)):
        if value is not None:
            out.append((kind, [f"{i}{kind} {pretty.string(value)}"]))
    if rule.references:
        out.append(("reference", [f"{i}reference {_strings(rule.references)}"]))
    return out


# ---------------------------------------------------------------- files


def _end_line(lines: list[str], start: int) -> int:
    """The line of the `}` closing a block opened on `start` (braces never appear in code otherwise)."""
    depth = 0
    for number in range(start, len(lines) + 1):
        code = _code(lines[number - 1])
        depth += code.count("{") - code.count("}")
        if depth <= 0 and "}" in code:
            return number
    return len(lines)


def _code(line: str) -> str:
    comments = scan_comments(line)
    return line[: line.index(comments.trailing[1])] if 1 in comments.trailing else ("" if comments.own_line else line)


def _block(header: str, body: list[tuple[str, list[str]]], lines: list[str], start: int, comments: Comments) -> list[str]:
    """A `{ … }` block; each statement keeps the comments that stood right above it in the source."""
    end = _end_line(lines, start)
    where = statement_lines(lines, start, end)
    source_order = sorted(n for kind, numbers in where.items() if kind != "_continued" for n in numbers)
    out = [header + comments.after(start)]
    seen: dict[str, int] = {}
    for kind, text in body:
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        numbers = where.get(kind, [])
        line = numbers[index] if index < len(numbers) else None
        if line is not None:
            before = max((n for n in source_order if n < line), default=start)
            out += [INDENT + c for c in comments.leading(before + 1, line)]
            text = [text[0] + comments.after(line), *text[1:]]
        out += text
    out += [INDENT + c for c in comments.leading(start + 1, end)]  # comments left inside the block
    out.append("}" + comments.after(end))
    return out


def _item_start(item: object) -> int:
    span: Span = getattr(item, "span")  # noqa: B009 - every declaration has one
    return span.line


def format_policy(text: str, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Canonical text of a policy file, or None and diagnostics when it cannot be formatted."""
    policy, diagnostics = parse_policy(text, path)
    if policy is None or any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    lines = text.splitlines()
    comments = scan_comments(text)
    items: list[object] = [*policy.consts, *policy.terms, *policy.matchers, *policy.rules]
    if policy.header is not None:
        items.append(policy.header)
    items.sort(key=_item_start)
    out: list[str] = []
    previous_end = 0
    previous_was_block = False
    for item in items:
        start = _item_start(item)
        leading = comments.leading(previous_end + 1, start)
        blank = bool(out) and (isinstance(item, ast.Rule | ast.PolicyHeader) or previous_was_block
                               or _had_blank(lines, previous_end, start))
        if blank:
            out.append("")
        out += leading
        rendered, end = _item(item, lines, start, comments)
        out += rendered
        previous_end = end
        previous_was_block = isinstance(item, ast.Rule | ast.PolicyHeader)
    tail = comments.leading(previous_end + 1, len(lines) + 1)
    if tail:
        out += ["", *tail] if out else tail
    return "\n".join(out) + "\n", []


def _had_blank(lines: list[str], previous_end: int, start: int) -> bool:
    return any(not lines[n - 1].strip() for n in range(previous_end + 1, start))


def _item(item: object, lines: list[str], start: int, comments: Comments) -> tuple[list[str], int]:
    match item:
        case ast.PolicyHeader():
            body: list[tuple[str, list[str]]] = []
            if item.references:
                body.append(("reference", [f"{INDENT}reference {_strings(item.references)}"]))
            if item.period is not None:
                body.append(("effective", [f"{INDENT}{_period(item.period)}"]))
            if item.kinds:
                body.append(("applies", [f"{INDENT}applies to {', '.join(item.kinds)}"]))
            if item.description is not None:
                body.append(("description", [f"{INDENT}description {pretty.string(item.description)}"]))
            head = f"policy {item.id} {pretty.string(item.title)} {{"
            return _block(head, body, lines, start, comments), _end_line(lines, start)
        case ast.Rule():
            head = f"rule {item.id} {pretty.string(item.title)} {{"
            return _block(head, rule_statements(item), lines, start, comments), _end_line(lines, start)
        case ast.Const():
            rendered = _condition(f"const {item.name} = ", item.value, "")
        case ast.Term():
            rendered = _condition(f"term {item.name} = ", item.body, "")
        case ast.MatcherDef():
            desc = f" {pretty.string(item.description)}" if item.description else ""
            rendered = fill(f"matcher {item.name}{desc} = ", pretty.matcher(item.body), CONTINUATION)
        case _:
            raise TypeError(f"unknown declaration {item!r}")
    end = _statement_end(lines, start)
    rendered[0] += comments.after(start)
    for number in range(start + 1, end + 1):  # comments on continuation lines move above nothing: keep after
        extra = comments.after(number)
        if extra:
            rendered[-1] += extra
    return rendered, end


def _statement_end(lines: list[str], start: int) -> int:
    """Last line of a one-statement declaration (it continues after and/or/, or inside brackets)."""
    depth, number = 0, start
    while number <= len(lines):
        code = _code(lines[number - 1]).strip()
        depth = max(depth + code.count("(") + code.count("[") - code.count(")") - code.count("]"), 0)
        words = code.split()
        continues = bool(words) and words[-1] in ("and", "or", "==", "!=", "<", "<=", ">", ">=", "+", "-", ",", "=")
        if depth == 0 and not continues and code:
            return number
        number += 1
    return len(lines)


def check_sound(original: str, formatted: str, path: str) -> str | None:
    """Why the formatted text is unsafe (AST changed, or not a fixed point), or None."""
    before, _ = parse_policy(original, path)
    after, problems = parse_policy(formatted, path)
    if after is None or problems:
        return "整形結果を構文解析できません"
    if before != after:
        return "整形でポリシーの意味 (AST) が変わります"
    again, _ = format_policy(formatted, path)
    if again != formatted:
        return "整形が一度で安定しません"
    return None
