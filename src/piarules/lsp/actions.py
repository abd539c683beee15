"""Edits and commands: formatting through `fmt` (refused where fmt refuses), quick fixes from the
checker's 「もしかして」, and `explain` for a finding's rule."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

from piarules.fmt import check_sound, format_policy
from piarules.lsp.convert import SOURCE
from piarules.lsp.positions import Lines
from piarules.pattern_store import compiled

EXPLAIN_COMMAND = "piarules.explain"
_SUGGESTION = compiled(r"もしかして「([^」]+)」")
_QUOTED = compiled(r"「([^」]+)」")


@dataclass(frozen=True)
class Formatted:
    """The edits of a formatting request, or why there are none."""

    edits: list[types.TextEdit]
    refusal: str | None = None


def format_text(text: str, path: str, lines: Lines) -> Formatted:
    """The whole document replaced by `piarules fmt`'s output; nothing when fmt refuses."""
    formatted, diagnostics = format_policy(text, path)
    if formatted is None:
        first = next((d for d in diagnostics if d.severity == "error"), diagnostics[0] if diagnostics else None)
        reason = first.one_line() if first else "構文エラーがあります"
        return Formatted([], f"整形できません (構文エラーを直してください): {reason}")
    if formatted == text:
        return Formatted([])
    problem = check_sound(text, formatted, path)
    if problem:
        return Formatted([], f"整形を中止しました: {problem} (piarules の不具合として報告してください)")
    last = len(lines.lines)
    end = lines.position(last, len(lines.line(last - 1)) + 1)
    whole = types.Range(start=types.Position(line=0, character=0), end=end)
    return Formatted([types.TextEdit(range=whole, new_text=formatted)])


def _range_text(lines: Lines, rng: types.Range) -> tuple[int, int, str] | None:
    """(line, start index, text) of a one-line range."""
    if rng.start.line != rng.end.line:
        return None
    line, start = lines.from_client(rng.start)
    _, end = lines.from_client(rng.end)
    return line, start, lines.line(line)[start:end]


def did_you_mean_fix(uri: str, d: types.Diagnostic, lines: Lines) -> types.CodeAction | None:
    """Replace the misspelt name with the checker's suggestion (PIA201, PIA202, PIA206, PIA214 …)."""
    help_text = d.data.get("help") if isinstance(d.data, dict) else None
    suggestion = _SUGGESTION.search(help_text or d.message)
    located = _range_text(lines, d.range)
    if suggestion is None or located is None:
        return None
    line, start, text = located
    wrong = [w for w in _QUOTED.findall(d.message.split("\n")[0]) if w in text and w != suggestion[1]]
    if not wrong:
        return None
    word = max(wrong, key=len)
    at = start + text.rindex(word)
    rng = types.Range(start=lines.position(line + 1, at + 1), end=lines.position(line + 1, at + len(word) + 1))
    edit = types.WorkspaceEdit(changes={uri: [types.TextEdit(range=rng, new_text=suggestion[1])]})
    return types.CodeAction(title=f"「{suggestion[1]}」に直す", kind=types.CodeActionKind.QuickFix,
                            diagnostics=[d], edit=edit, is_preferred=True)


def explain_action(uri: str, d: types.Diagnostic) -> types.CodeAction | None:
    """For a rule's finding: run `explain` for that rule on this document."""
    rule = d.data.get("rule") if isinstance(d.data, dict) else None
    if not rule and isinstance(d.code, str) and not d.code.startswith("PIA"):
        rule = d.code
    if not rule:
        return None
    command = types.Command(title=f"{rule} がなぜ発火したかを表示 (explain)", command=EXPLAIN_COMMAND,
                            arguments=[rule, uri, True])
    return types.CodeAction(title=command.title, kind=types.CodeActionKind.QuickFix, diagnostics=[d], command=command)


def code_actions(uri: str, diagnostics: list[types.Diagnostic], lines: Lines) -> list[types.CodeAction]:
    out: list[types.CodeAction] = []
    for d in diagnostics:
        if d.source != SOURCE:
            continue
        for action in (did_you_mean_fix(uri, d, lines), explain_action(uri, d)):
            if action is not None:
                out.append(action)
    return out
