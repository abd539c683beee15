"""Which policies the editor checks against: one function from settings to policy paths.

The settings come from the client (initialization options or the `piarules` section of the
workspace settings); when the client names no policies, the project configuration
(piarules.toml / [tool.piarules], found from the workspace root upward, as the command line does)
decides, and without one the workspace's policies/ directory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from piarules.config import Config

DEFAULT_POLICY_DIR = "policies"
"""Used when `piarules.policies` is not set: the workspace's policies/ directory, if it exists."""


@dataclass(frozen=True)
class Settings:
    """The server's settings (VS Code: `piarules.*`)."""

    policies: tuple[str, ...] | None = None
    """Policy files or directories, relative to the workspace root (None: policies/ if present)."""
    bundled: bool = True
    """Also check against the standard library shipped with piarules."""
    debounce_ms: int = 30
    """Delay after a change before the document is analysed again (later changes restart it)."""


def settings_from(raw: Any) -> Settings:
    """Settings from the client's JSON, tolerating junk (a bad value keeps its default).

    Accepts `{"policies": [...]}` or `{"piarules": {"policies": [...]}}`.
    """
    if not isinstance(raw, Mapping):
        return Settings()
    if isinstance(raw.get("piarules"), Mapping):
        raw = raw["piarules"]
    policies = raw.get("policies")
    if isinstance(policies, str):
        policies = [policies]
    paths = tuple(p for p in policies if isinstance(p, str) and p) if isinstance(policies, list) else None
    bundled = raw.get("bundled")
    debounce = raw.get("debounceMs", raw.get("debounce_ms"))
    return Settings(
        policies=paths,
        bundled=bundled if isinstance(bundled, bool) else True,
        debounce_ms=debounce if isinstance(debounce, int) and 0 <= debounce <= 5000 else 30,
    )


def policy_paths(settings: Settings, root: Path | None) -> list[Path]:
    """The policy files and directories of the workspace's policy set, bundled library first.

    The single place that decides the set: diagnostics of policies and findings on assessment
    YAML both use it. Duplicates (the bundled directory opened as the workspace) are removed.
    """
    from piarules.policy_sources import bundled_policy_dir

    project = _project_config(root) if settings.policies is None else None
    bundled = settings.bundled and (project is None or bool(project.get("standard")))
    out: list[Path] = [bundled_policy_dir()] if bundled else []
    if project is not None:
        out.extend(Path(p) if Path(p).is_absolute() or root is None else root / p for p in project.get("policies"))
    elif settings.policies is not None:
        for entry in settings.policies:
            path = Path(entry).expanduser()
            out.append(path if path.is_absolute() or root is None else root / path)
    elif root is not None and (root / DEFAULT_POLICY_DIR).is_dir():
        out.append(root / DEFAULT_POLICY_DIR)
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in out:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _project_config(root: Path | None) -> Config | None:
    """The project configuration of the workspace, if it has one and it reads (a broken one is
    reported by the command line; the editor then keeps its defaults)."""
    from piarules.config import find_config, load_config
    from piarules.diagnostics import PiarulesError

    if root is None:
        return None
    found = find_config(root)
    if found is None:
        return None
    try:
        return load_config(found.resolve())
    except PiarulesError:
        return None
