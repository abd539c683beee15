"""`piarules lsp`: a language server for policy files (.pia) and assessment YAML.

Stages, one module each: config (which policies) → engine (parse, check, compile, evaluate, with
caches) → symbols / resolve / form (names, scopes and the form model at a place) → complete_policy,
assessment, describe, navigation, actions (answers) → convert (to LSP) → server (the protocol).
"""

from __future__ import annotations

MISSING_DEPENDENCY = (
    "piarules lsp には pygls と lsprotocol が必要です: pip install 'pygls>=2,<3' 'lsprotocol>=2025'"
    " (piarules を pip install で入れ直すと一緒に入ります)"
)


def main() -> int:
    """Run the server over stdio; 2 with a one-line message when its libraries are missing."""
    import sys

    try:
        from piarules.lsp.server import start
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] in ("pygls", "lsprotocol", "cattrs", "attrs"):
            sys.stderr.write(f"エラー[PIA501] {MISSING_DEPENDENCY} ({exc.name} がありません)\n")
            return 2
        raise
    start()
    return 0
