"""Which files a policy set is built from — the standard library, the body's own policies, the
vocabulary files beside them — and one digest of their bytes. Light on purpose: a run answered
from the result cache learns that its policies are unchanged from here, without parsing them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from piarules.diagnostics import PiarulesError
from piarules.files import display_path, read_input

POLICY_SUFFIX = ".pia"


def bundled_policy_dir() -> Path:
    """The standard library shipped with piarules (policies/ at the repository top)."""
    here = Path(__file__).resolve()
    packaged = here.parent / "_data" / "policies"  # an installed package (importlib.resources: ≈ 5 ms more to start)
    return packaged if packaged.is_dir() else here.parents[2] / "policies"


def policy_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories into their *.pia files (sorted, for a stable order)."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.rglob(f"*{POLICY_SUFFIX}")) if p.is_dir() else [p])
    return out


def with_standard(paths: Iterable[str | Path], standard: bool = True) -> list[Path]:
    """The policy set of a run: the standard library first (unless `standard` is false), then
    the body's own policies, each path once."""
    out = [bundled_policy_dir()] if standard else []
    seen = {p.resolve() for p in out}
    for path in map(Path, paths):
        if path.resolve() not in seen:
            seen.add(path.resolve())
            out.append(path)
    return out


def distinct(files: list[Path]) -> list[Path]:
    """Files in order, a later file with the same name and bytes as an earlier one replacing it."""
    names: dict[str, list[int]] = {}
    for index, file in enumerate(files):
        names.setdefault(file.name, []).append(index)
    dropped: set[int] = set()
    for indices in names.values():
        if len(indices) < 2:
            continue
        seen: dict[bytes, int] = {}
        for index in indices:
            try:
                content = read_input(files[index], "ポリシー")
            except PiarulesError:
                continue  # reported when the file is read
            if content in seen:
                dropped.add(seen[content])
            seen[content] = index
    return [f for i, f in enumerate(files) if i not in dropped]


def vocabulary_files(paths: Iterable[str | Path]) -> list[Path]:
    """The vocabulary files (synonyms.yaml, statutes.yaml …) the set reads from its directories."""
    from piarules.vocabulary import vocabulary_for

    return vocabulary_for(paths).files


class SourceDigest:
    """SHA-256 over each policy file's name and bytes, then each vocabulary file's."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, name: str, raw: bytes) -> None:
        self._digest.update(f"{name}\0{len(raw)}\0".encode("utf-8", "surrogatepass") + raw)

    def add_vocabulary(self, files: Iterable[Path]) -> bool:
        """False if one cannot be read (then the set is not cached)."""
        for path in files:
            try:
                self.add(str(path), path.read_bytes())
            except OSError:
                return False
        return True

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def sources_digest(paths: Iterable[str | Path]) -> str | None:
    """The digest `load_policies` gives the set of these paths, from the bytes alone; None when
    a file cannot be read (the set would have errors: never cached)."""
    paths = with_standard(paths, standard=False)  # as load_policies reads them
    digest = SourceDigest()
    for file in distinct(policy_files(paths)):
        try:
            digest.add(display_path(file), read_input(file, "ポリシー"))
        except PiarulesError:
            return None
    return digest.hexdigest() if digest.add_vocabulary(vocabulary_files(paths)) else None
