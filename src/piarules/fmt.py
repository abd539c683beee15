"""`piarules fmt`: canonical formatting of policy files, safe by construction.

The file is printed from its AST: declarations and statements in the order written, each
comment where the parser attached it (syntax/comments.py) — before its declaration or statement,
at the end of the line it stood on, or inside a multi-line statement after the node it followed.
Every run re-parses its output and refuses to write unless the AST *and its comments* are
unchanged and the output is a fixed point (fmt(fmt(x)) == fmt(x)).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from piarules import ast, pretty
from piarules.diagnostics import Diagnostic
from piarules.pattern_store import compiled
from piarules.syntax import parse_policy
from piarules.walk import walk

WIDTH = 100
INDENT = "  "
CONTINUATION = "      "

_NOTE = compiled(pretty.NOTE + r"(\d+)" + pretty.NOTE_END)


def _flat(text: str) -> str:
    return _NOTE.sub("", text).translate({ord(m): None for m in pretty.MARKS})


def _width(text: str) -> int:
    from piarules.report.text import display_width

    return display_width(_flat(text))


def fill(head: str, text: str, rest: str) -> list[str]:
    """Lay out `head + text` within WIDTH display columns.

    Break at the outermost break marks first (greedily), and go one bracket level deeper only
    for a line that is still too long. Continuation lines start with `rest`. (SOFT marks are
    never used for width.)
    """
    if _width(head + text) <= WIDTH:
        return [_flat(head + text).rstrip()]
    levels = sorted({ch for ch in text if ch in pretty.MARKS and ch != pretty.SOFT})
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


# ---------------------------------------------------------------- comments inside a statement


def forced_chunks(text: str, comments: list[str]) -> list[tuple[str, list[str]]]:
    """Split `text` where comments must end a line: (chunk, comments after it).

    A note marker right after a node carries its comment to the next legal break (a BREAK or
    SOFT mark); comments with no break after them end the statement. Comments that stood before
    every node (none is anchored) start from the first break; in a statement without nodes the
    last comment ends the statement.
    """
    anchored = {int(m[1]) for m in _NOTE.finditer(text)}
    pending = [c for i, c in enumerate(comments) if i not in anchored]
    last: list[str] = []
    if not anchored and pending:
        last = [pending.pop()]
    chunks: list[tuple[str, list[str]]] = []
    current = ""
    pos = 0
    while pos < len(text):
        m = _NOTE.match(text, pos)
        if m:
            pending.append(comments[int(m[1])])
            pos = m.end()
            continue
        ch = text[pos]
        current += ch
        pos += 1
        if ch in pretty.MARKS and pending:
            chunks.append((current, pending))
            current, pending = "", []
    chunks.append((current, pending + last))
    return _spread_end(chunks)


def _spread_end(chunks: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """Only one comment can follow a statement's last line: earlier ones move to the break
    before it (printed as lines of their own there, still inside the statement)."""
    text, notes = chunks[-1]
    if len(notes) <= 1:
        return chunks
    extra, final = notes[:-1], notes[-1:]
    if len(chunks) > 1:
        previous, before = chunks[-2]
        return [*chunks[:-2], (previous, before + extra), (text, final)]
    cut = max((i for i, ch in enumerate(text) if ch in pretty.MARKS), default=-1)
    if cut < 0:
        return chunks  # nowhere to put them: check_sound will refuse the result
    return [(text[: cut + 1], extra), (text[cut + 1 :], final)]


def render_statement(head: str, text: str, rest: str, comments: list[str]) -> list[str]:
    """`head + text` filled to WIDTH, each comment after the line it belongs to (the first at
    the line's end, more as lines of their own inside the statement)."""
    out: list[str] = []
    for index, (chunk, notes) in enumerate(forced_chunks(text, comments)):
        lines = fill(head if index == 0 else rest, chunk if index == 0 else chunk.lstrip(), rest)
        if notes:
            lines[-1] += "  " + notes[0]
            lines += [f"{rest}{note}" for note in notes[1:]]
        out += lines
    return out


def _anchors(nodes: list[object], comments: list[ast.Comment]) -> dict[int, list[int]]:
    """For each comment, the node it followed in the source: the one that ended last before it
    (the outermost of those ending at the same place). Unanchored comments are left out."""
    ends = sorted(((n.span.end_line, n.span.end_col, -i, n) for i, n in enumerate(nodes)  # type: ignore[attr-defined]
                   if getattr(n, "span", None) is not None and n.span.line),  # type: ignore[attr-defined]
                  key=lambda t: (t[0], t[1], t[2]))
    notes: dict[int, list[int]] = defaultdict(list)
    for index, comment in enumerate(comments):
        before = [t for t in ends if (t[0], t[1]) <= (comment.span.line, comment.span.col)]
        if before:
            last = max(before, key=lambda t: (t[0], t[1], -t[2]))
            notes[id(last[3])].append(index)
    return dict(notes)


def _matcher_nodes(node: ast.Matcher) -> list[object]:
    out: list[object] = [node]
    if isinstance(node, ast.MatchBool):
        for operand in node.operands:
            out += _matcher_nodes(operand)
    return out


# ---------------------------------------------------------------- statements


def _strings(values: tuple[str, ...]) -> str:
    return f",{pretty.BREAK} ".join(pretty.string(v) for v in values)


@dataclass
class _Out:
    """Comments of the file grouped by (owner, place), taken as they are printed."""

    by_place: dict[tuple[tuple[int, ...], ast.CommentPlace], list[ast.Comment]] = field(default_factory=dict)

    def take(self, owner: tuple[int, ...], place: ast.CommentPlace) -> list[ast.Comment]:
        return self.by_place.pop((owner, place), [])


def _expression_statement(head: str, node: ast.Expr | None, tail: str, indent: str,
                          comments: list[ast.Comment], matcher: ast.Matcher | None = None) -> list[str]:
    """A statement made of a head and an expression (or a matcher); a head ending in `=` may
    break after it (the `=` of const / term / matcher continues the line)."""
    nodes: list[object] = list(walk(node)) if node is not None else []
    if matcher is not None:
        nodes += _matcher_nodes(matcher)
    printer = pretty.Printer(_anchors(nodes, comments))
    body = printer.expr(node, pretty.BREAK) if node is not None else ""
    if matcher is not None:
        body += printer.matcher(matcher)
    if head.endswith("= "):
        head, body = head[:-1], f"{pretty.SOFT} {body}"
    return render_statement(indent + head, body + tail, indent + CONTINUATION, [c.text for c in comments])


def statement_lines(stmt: ast.Statement, comments: list[ast.Comment], indent: str = INDENT) -> list[str]:
    """The lines of one rule or policy statement, with its WITHIN comments."""
    plain = lambda text: render_statement(indent + text, "", indent + CONTINUATION, [c.text for c in comments])  # noqa: E731
    match stmt:
        case ast.SeverityStmt(severity=severity):
            return plain(f"severity {severity.value if severity else '?'}")
        case ast.ConfidenceStmt(confidence=confidence):
            return plain(f"confidence {confidence.value if confidence else '?'}")
        case ast.AppliesStmt(kinds=kinds):
            return render_statement(indent + "applies to ", f",{pretty.BREAK} ".join(kinds), indent + CONTINUATION,
                                    [c.text for c in comments])
        case ast.Scope(var=var, collection=collection):
            return _expression_statement(f"for each {var} in ", collection, "", indent, comments)
        case ast.AsOfStmt(date=date):
            return _expression_statement("as of ", date, "", indent, comments)
        case ast.Period():
            return plain(_period(stmt))
        case ast.WhenStmt(condition=condition):
            return _expression_statement("when ", condition, "", indent, comments)
        case ast.RequireStmt(condition=condition):
            return _expression_statement("require ", condition, "", indent, comments)
        case ast.Requires():
            return _requires(stmt, indent, comments)
        case ast.MessageStmt(text=text):
            return plain(f"message {pretty.string(text)}")
        case ast.HintStmt(text=text):
            return plain(f"hint {pretty.string(text)}")
        case ast.DescriptionStmt(text=text):
            return plain(f"description {pretty.string(text)}")
        case ast.ReferenceStmt(references=references):
            return render_statement(indent + "reference ", _strings(references), indent + CONTINUATION,
                                    [c.text for c in comments])
        case ast.AtStmt(target=target):
            return plain(f"at {pretty.expr(target)}")
    raise TypeError(f"unknown statement {stmt!r}")


def _requires(stmt: ast.Requires, indent: str, comments: list[ast.Comment]) -> list[str]:
    nodes: list[object] = [*walk(stmt.condition), stmt.target, *stmt.matchers]
    printer = pretty.Printer(_anchors(nodes, comments))
    names = [printer.matcher(m) for m in stmt.matchers]
    tail = (f" with{pretty.SOFT} " + f" and{pretty.BREAK} ".join(names)) if names else ""
    body = f"{printer.wrap(stmt.condition, pretty.SUM, pretty.BREAK)} requires {printer.expr(stmt.target)}{tail}"
    return render_statement(indent, body, indent + CONTINUATION, [c.text for c in comments])


def _period(period: ast.Period) -> str:
    text = "effective"
    if period.start is not None:
        text += " from " + pretty.expr(period.start)
    if period.end is not None:
        text += " until " + pretty.expr(period.end)
    return text


# ---------------------------------------------------------------- declarations and files


def _block(head: str, index: int, body: tuple[ast.Statement, ...] | tuple[ast.HeaderStatement, ...],
           out: _Out) -> list[str]:
    lines = render_statement(head, "", CONTINUATION, [c.text for c in out.take((index,), ast.CommentPlace.WITHIN)])
    for j, stmt in enumerate(body):
        lines += [INDENT + c.text for c in out.take((index, j), ast.CommentPlace.BEFORE)]
        lines += statement_lines(stmt, out.take((index, j), ast.CommentPlace.WITHIN))
    lines += [INDENT + c.text for c in out.take((index,), ast.CommentPlace.END)]
    close = out.take((index,), ast.CommentPlace.CLOSE)
    lines.append("}" + "".join(f"  {c.text}" for c in close[:1]))
    lines += [INDENT + c.text for c in close[1:]]  # never from a parse: one comment per line
    return lines


def declaration_lines(item: ast.Declaration, index: int, out: _Out) -> list[str]:
    if isinstance(item, ast.PolicyHeader | ast.Rule):
        keyword = "policy" if isinstance(item, ast.PolicyHeader) else "rule"
        return _block(f"{keyword} {item.id} {pretty.string(item.title)} {{", index, item.body, out)
    within = out.take((index,), ast.CommentPlace.WITHIN)
    match item:
        case ast.Use():
            names = ", ".join(item.names)
            return render_statement(f"use {names + ' from ' if names else ''}{item.policy}", "", CONTINUATION,
                                    [c.text for c in within])
        case ast.Const():
            return _expression_statement(f"const {item.name} = ", item.value, "", "", within)
        case ast.Term():
            return _expression_statement(f"term {item.name} = ", item.body, "", "", within)
        case ast.MatcherDef():
            desc = f" {pretty.string(item.description)}" if item.description else ""
            return _expression_statement(f"matcher {item.name}{desc} = ", None, "", "", within, item.body)
        case ast.SynonymsDef():
            printer = pretty.Printer(_anchors(list(item.nodes), within))
            shown = {id(n): printer.expr(n) for n in item.nodes}  # a comment after a term stays after it
            words = [shown.get(id(n), pretty.string(t)) for n, t in zip(item.nodes, item.terms, strict=False)]
            words += [pretty.string(t) for t in item.terms[len(words):]]
            others = [shown.get(id(n), pretty.string(t))
                      for n, t in zip(item.nodes[len(item.terms):], item.exclude, strict=False)]
            others += [pretty.string(t) for t in item.exclude[len(others):]]
            terms = "[" + f",{pretty.deeper(pretty.BREAK)} ".join(words) + "]"
            excluded = (" except [" + f",{pretty.deeper(pretty.BREAK)} ".join(others) + "]"
                        if item.exclude else "")
            return render_statement(f"synonyms {item.name} =", f"{pretty.SOFT} {terms}{excluded}", CONTINUATION,
                                    [c.text for c in within])
    raise TypeError(f"unknown declaration {item!r}")


def _had_blank(lines: list[str], previous: ast.Declaration | None, item: ast.Declaration) -> bool:
    if previous is None:
        return False
    end = previous.span.end_line if not isinstance(previous, ast.Rule | ast.PolicyHeader) else previous.span.line
    return any(not lines[n - 1].strip() for n in range(end + 1, item.span.line) if 0 < n <= len(lines))


def render_policy(policy: ast.PolicyFile, source_lines: list[str]) -> str:
    """The canonical text of a parsed policy file (source lines only tell where blank lines were)."""
    grouped: dict[tuple[tuple[int, ...], ast.CommentPlace], list[ast.Comment]] = defaultdict(list)
    for comment in policy.comments:
        grouped[(comment.owner, comment.place)].append(comment)
    out = _Out(dict(grouped))
    lines: list[str] = []
    previous: ast.Declaration | None = None
    for index, item in enumerate(policy.items):
        blocks = (ast.Rule, ast.PolicyHeader)
        if lines and (isinstance(item, blocks) or isinstance(previous, blocks) or _had_blank(source_lines, previous, item)):
            lines.append("")
        lines += [c.text for c in out.take((index,), ast.CommentPlace.BEFORE)]
        lines += declaration_lines(item, index, out)
        previous = item
    tail = [c.text for c in out.take((), ast.CommentPlace.END)]
    if tail:
        lines += ["", *tail] if lines else tail
    assert not out.by_place, f"comments not printed: {out.by_place}"  # INVARIANT: every place is visited
    return "\n".join(lines) + "\n"


def format_policy(text: str, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Canonical text of a policy file, or None and diagnostics when it cannot be formatted."""
    policy, diagnostics = parse_policy(text, path)
    if policy is None or any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    return render_policy(policy, text.splitlines()), []


def check_sound(original: str, formatted: str, path: str) -> str | None:
    """Why the formatted text is unsafe, or None.

    Unsafe: it does not parse, its declarations, statements or comments (text, owner and
    place) differ from the original's, or formatting it again changes it.
    """
    before, _ = parse_policy(original, path)
    after, problems = parse_policy(formatted, path)
    if after is None or any(d.severity == "error" for d in problems):
        return "整形結果を構文解析できません"
    if before is None or before.items != after.items:
        return "整形でポリシーの意味 (AST) が変わります"
    if before.comments != after.comments:
        return "整形でコメントの位置が変わります"
    again, _ = format_policy(formatted, path)
    if again != formatted:
        return "整形が一度で安定しません"
    return None
