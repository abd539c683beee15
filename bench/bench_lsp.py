"""`piarules lsp`: time from a didChange to the publishDiagnostics that answers it.

Starts the server as a subprocess (as an editor does), opens a 300-line policy (the bundled
changelog and entrustment policies in one file, ids renamed) in a workspace checked with the
bundled library, then sends N edits one at a time and measures, for each, the time until the
diagnostics of that document arrive. Also: the same with the debounce off (the analysis alone),
and an edit of the bundled example assessment (load + validate + evaluate 52 rules).

What is cached between edits (src/piarules/lsp/engine.py, incremental.py): the parse of every other
policy file (by text), the parse of each unchanged top-level block of the edited file (by its text),
the LALR tables, the form model. Redone on each edit: parsing the changed block, checking
the whole set (names, matchers, every rule), converting diagnostics. A new line near the top moves
every block below it: their spans are shifted, not parsed again (the "line added at the top" row). For an
assessment: the compiled rules are cached; the YAML is loaded, validated and evaluated again.

Target (issue 14): ≤ 100 ms median for the 300-line policy.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
EDITS = 30


def policy_300() -> str:
    """~300 lines of real policy text: changelog.pia + entrustment.pia (second header dropped)."""
    first = (ROOT / "policies" / "changelog.pia").read_text(encoding="utf-8")
    second = (ROOT / "policies" / "entrustment.pia").read_text(encoding="utf-8")
    second = re.sub(r"(?ms)^policy .*?^}\n", "", second, count=1)
    blocks = re.split(r"(?m)^(?=rule )", second)  # the dropped header's kinds, on each rule without its own
    second = "".join(b if "applies to" in b or not b.startswith("rule") else
                     b.replace("{\n", "{\n  applies to 重点項目評価書, 全項目評価書\n", 1) for b in blocks)
    text = first + "\n" + second
    text = re.sub(r"(?m)^rule (\S+)", r"rule BENCH-\1", text)
    lines: list[str] = []
    for block in re.split(r"(?m)^(?=rule |const |term |matcher |synonyms )", text):  # whole declarations only
        if len(lines) + block.count("\n") > 300:
            break
        lines += block.rstrip("\n").split("\n")
    lines += [f"# 行をそろえるためのコメント {n}" for n in range(max(0, 300 - len(lines)))]
    return "\n".join(lines) + "\n"


class Client:
    """A minimal LSP client that timestamps every publishDiagnostics per document."""

    def __init__(self) -> None:
        self.lsp = LanguageClient("bench", "0")
        self.arrived: dict[str, asyncio.Event] = {}
        self.last: dict[str, list[types.Diagnostic]] = {}

        @self.lsp.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.last[params.uri] = list(params.diagnostics)
            self.arrived.setdefault(params.uri, asyncio.Event()).set()

        @self.lsp.feature(types.WINDOW_LOG_MESSAGE)
        def _log(params: types.LogMessageParams) -> None:
            pass

    async def start(self, root: Path, debounce_ms: int) -> None:
        await self.lsp.start_io(sys.executable, "-m", "piarules", "lsp")
        await self.lsp.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=root.as_uri(),
            initialization_options={"policies": [], "debounceMs": debounce_ms}))
        self.lsp.initialized(types.InitializedParams())

    async def wait(self, uri: str) -> list[types.Diagnostic]:
        event = self.arrived.setdefault(uri, asyncio.Event())
        await asyncio.wait_for(event.wait(), 30)
        event.clear()
        return self.last[uri]

    async def open(self, uri: str, text: str, language: str) -> list[types.Diagnostic]:
        self.arrived.setdefault(uri, asyncio.Event()).clear()
        self.lsp.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        return await self.wait(uri)

    async def change(self, uri: str, version: int, text: str) -> float:
        """Seconds from sending the change to its diagnostics."""
        self.arrived.setdefault(uri, asyncio.Event()).clear()
        start = time.perf_counter()
        self.lsp.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        await self.wait(uri)
        return time.perf_counter() - start

    async def stop(self) -> None:
        await self.lsp.shutdown_async(None)
        self.lsp.exit(None)
        await self.lsp.stop()


def edits(text: str, n: int, needle: str, newline: bool = False) -> list[str]:
    """n different texts: a word typed at `needle` (or, with newline, a line added there) and taken back."""
    out = []
    for i in range(n):
        word = ("\n" if newline else "ちがう") if i % 2 == 0 else f"注記{i}"
        out.append(text.replace(needle, needle + word, 1))
    return out


async def measure(root: Path, debounce_ms: int, name: str, text: str, language: str, needle: str,
                  newline: bool = False) -> list[float]:
    client = Client()
    await client.start(root, debounce_ms)
    uri = (root / name).as_uri()
    first = await client.open(uri, text, language)
    assert language != "pia" or not [d for d in first if d.severity == types.DiagnosticSeverity.Error], first
    times = []
    for version, changed in enumerate(edits(text, EDITS, needle, newline), start=2):
        times.append(await client.change(uri, version, changed))
        await asyncio.sleep(0.05)
    await client.stop()
    return times


def report(label: str, times: list[float]) -> None:
    ms = sorted(t * 1000 for t in times)
    print(f"{label:<58} median {statistics.median(ms):6.1f} ms   p90 {ms[int(len(ms) * 0.9) - 1]:6.1f}   "
          f"min {ms[0]:6.1f}   max {ms[-1]:6.1f}   (n={len(ms)})")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        policy = policy_300()
        example = (ROOT / "examples" / "sumida-kokuho" / "assessment.yaml").read_text(encoding="utf-8")
        print(f"policy: {len(policy.splitlines())} lines, {len(policy):,} chars; "
              f"assessment: {len(example.splitlines())} lines, {len(example):,} chars; {EDITS} edits each")
        report("policy 300 lines, debounce 30 ms (default)",
               await measure(root, 30, "bench.pia", policy, "pia", 'message "'))
        report("policy 300 lines, debounce 0 (analysis + transport)",
               await measure(root, 0, "bench.pia", policy, "pia", 'message "'))
        report("policy 300 lines, a line added at the top, debounce 30 ms",
               await measure(root, 30, "bench.pia", policy, "pia", "# ", newline=True))
        report("assessment (example), debounce 30 ms",
               await measure(root, 30, "assessment.yaml", example, "yaml", "評価実施機関名: "))


if __name__ == "__main__":
    asyncio.run(main())
