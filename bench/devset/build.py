"""Build each body's defects document(s) and expected.yaml from clean.yaml and inject.yaml.

A body directory holds the hand-written correct document(s) and `inject.yaml`, which lists the
injected defects (each with the text edits that inject it) and the traps of the clean document.
This script applies the edits to a copy of the clean text and writes the defects document(s) and
`expected.yaml` (the defects with the line where each edit landed, and the traps). Editing text,
not YAML data, keeps the defects documents byte-identical to the clean ones elsewhere: comments,
quoting and layout stay as written.

    python bench/devset/build.py           # (re)write every defects document and expected.yaml
    python bench/devset/build.py --check   # exit 1 if any generated file is out of date
    python bench/devset/build.py --root bench/heldout   # the same for another set (the held-out set)
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

HERE = Path(__file__).resolve().parent
KINDS_FILE = HERE / "kinds.yaml"
VARIATIONS = {
    "standard", "body-name", "citation-form", "citation-meaning", "ministry-minister", "negation",
    "polite-form", "synonym-permission", "synonym-writing", "word-order", "printed-form", "typo",
    "spacing-width", "history-first-publication", "history-procedure-version", "row-date",
    "old-text-in-before", "cross-document", "hand-written-row", "quote",
    # added with the held-out set (bench/heldout/README.md)
    "era-format", "body-type", "line-break",
}
DEFECT_KEYS = ("id", "kind", "rule", "also_rules", "document", "path", "also_paths", "also_at", "line", "variation",
               "note")
TRAP_KEYS = ("kind", "document", "path", "variation", "note")


def load_yaml(path: Path) -> Any:
    """Read a YAML file as plain data (YAML 1.2: no `no` → false surprises)."""
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def dump_yaml(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]  # keep the written order
    yaml.width = 4096
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


class BuildError(Exception):
    """A body's inject.yaml does not apply to its clean document(s)."""


@dataclass
class Applied:
    """Where an applied edit's changed text starts in the document being built."""

    document: str
    offset: int


@dataclass
class Body:
    directory: Path
    spec: dict[str, Any]
    documents: dict[str, tuple[Path, Path]] = field(default_factory=dict)  # name -> (clean, defects)


def load_body(directory: Path) -> Body:
    """Read inject.yaml and locate the clean document(s): clean.yaml, or clean/*.yaml for a set."""
    try:
        spec = load_yaml(directory / "inject.yaml")
    except YAMLError as exc:
        raise BuildError(f"{directory.name}/inject.yaml: {exc}") from None
    body = Body(directory, spec)
    if (directory / "clean.yaml").exists():
        body.documents["clean.yaml"] = (directory / "clean.yaml", directory / "defects.yaml")
    else:
        for clean in sorted((directory / "clean").glob("*.yaml")):
            body.documents[clean.name] = (clean, directory / "defects" / clean.name)
    if not body.documents:
        raise BuildError(f"{directory}: clean.yaml も clean/*.yaml もありません")
    return body


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def apply_edit(text: str, find: str, replace: str, where: str) -> tuple[str, int, int]:
    """Replace the single occurrence of `find`; return the text, the changed offset and the length delta."""
    count = text.count(find)
    if count != 1:
        raise BuildError(f"{where}: 置換元が {count} 回現れます (1 回であること): {find[:60]!r}")
    start = text.index(find)
    changed = start + min(_common_prefix(find, replace), len(replace))
    return text[:start] + replace + text[start + len(find):], changed, len(replace) - len(find)


def build_body(body: Body, kinds: dict[str, Any]) -> dict[Path, str]:
    """Apply every defect's edits; return the generated files' contents by path."""
    texts = {name: clean.read_text(encoding="utf-8") for name, (clean, _) in body.documents.items()}
    applied: list[tuple[dict[str, Any], Applied]] = []
    default_doc = next(iter(body.documents)) if len(body.documents) == 1 else None
    seen_ids: set[str] = set()
    for defect in body.spec.get("defects", []):
        where = f"{body.directory.name}/{defect.get('id')}"
        check_defect(defect, kinds, where, seen_ids)
        name = defect.get("document", default_doc)
        if name not in texts:
            raise BuildError(f"{where}: document {name!r} がありません")
        first: Applied | None = None
        for edit in defect["edits"]:
            find, replace = edit["find"], edit["replace"]
            texts[name], changed, delta = apply_edit(texts[name], find, replace, where)
            for _, earlier in applied:
                if earlier.document == name and earlier.offset > changed:
                    earlier.offset += delta
            if first is None:
                first = Applied(name, changed)
                applied.append((defect, first))
    out: dict[Path, str] = {}
    for name, (_, defects_path) in body.documents.items():
        out[defects_path] = texts[name]
    out[body.directory / "expected.yaml"] = expected_text(body, applied, texts, default_doc)
    return out


def check_defect(defect: dict[str, Any], kinds: dict[str, Any], where: str, seen: set[str]) -> None:
    for key in ("id", "kind", "path", "variation", "note", "edits"):
        if key not in defect:
            raise BuildError(f"{where}: {key} がありません")
    if defect["id"] in seen:
        raise BuildError(f"{where}: id が重複しています")
    seen.add(defect["id"])
    if defect["kind"] not in kinds:
        raise BuildError(f"{where}: 未知の kind {defect['kind']!r} (kinds.yaml)")
    if defect["variation"] not in VARIATIONS:
        raise BuildError(f"{where}: 未知の variation {defect['variation']!r}")


def expected_text(body: Body, applied: list[tuple[dict[str, Any], Applied]], texts: dict[str, str],
                  default_doc: str | None) -> str:
    """expected.yaml: the documents, every injected defect (with its line) and every trap."""
    defects = []
    for defect, at in applied:
        row = {k: defect.get(k) for k in DEFECT_KEYS if k in defect or k in ("rule", "line")}
        row["rule"] = defect.get("rule")
        if default_doc is not None:
            row.pop("document", None)
        else:
            row["document"] = at.document
        row["line"] = texts[at.document].count("\n", 0, at.offset) + 1
        defects.append({k: row[k] for k in DEFECT_KEYS if k in row})
    traps = []
    for trap in body.spec.get("traps", []):
        for key in ("kind", "path", "variation", "note"):
            if key not in trap:
                raise BuildError(f"{body.directory.name}: trap に {key} がありません: {trap}")
        traps.append({k: trap[k] for k in TRAP_KEYS if k in trap})
    documents = []
    for name, (clean, defects_path) in body.documents.items():
        documents.append({"name": name, "clean": str(clean.relative_to(body.directory)),
                          "defects": str(defects_path.relative_to(body.directory))})
    data = {
        "body": body.spec["body"],
        "body_type": body.spec["body_type"],
        "affair": body.spec["affair"],
        "as_of": body.spec.get("as_of"),
        "documents": documents,
        "defects": defects,
        "traps": traps,
    }
    header = ("# Generated by bench/devset/build.py from inject.yaml and the clean document(s): do not edit.\n"
              "# `line` is where the defect's first edit changed the defects document.\n")
    return header + dump_yaml(data)


def body_dirs(root: Path = HERE) -> list[Path]:
    """The body directories of a set: the development set by default, or another root (bench/heldout)."""
    return sorted(p for p in root.iterdir() if (p / "inject.yaml").exists())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; fail if a generated file is stale")
    parser.add_argument("--root", type=Path, default=HERE,
                        help="the set's directory (default: bench/devset); kinds.yaml is always the devset's")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    kinds = load_yaml(KINDS_FILE)["kinds"]
    stale = []
    try:
        for directory in body_dirs(root):
            for path, content in build_body(load_body(directory), kinds).items():
                if args.check:
                    if not path.exists() or path.read_text(encoding="utf-8") != content:
                        stale.append(path)
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(content, encoding="utf-8")
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 2
    for path in stale:
        print(f"stale: {path.relative_to(root)}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
