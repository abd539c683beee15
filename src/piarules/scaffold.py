"""`piarules init`: the files of a body's policy repository, from the templates in
data/scaffold/ (string.Template: `$body`, `$policy_id`, `$rule_id`, `$title`, `$source`, `$rev`).

The repository is where piarules comes from in the pre-commit and GitHub Actions files: the URL
and commit it was installed from (PEP 610 direct_url.json), unless given."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path
from string import Template

from piarules.files import write_atomic

PLACEHOLDER_SOURCE = "https://example.invalid/piarules.git"
"""Used when the installed piarules does not say where it came from (a package index)."""

_FILES = {
    "piarules.toml": "piarules.toml",
    "policies/{name}.pia": "policy.pia",
    "policies/tests/{name}.yaml": "policy_tests.yaml",
    "評価書/例.yaml": "document.yaml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".github/workflows/piarules.yml": "workflow.yml",
    "README.md": "README.md",
}


def plan(body: str, policy_id: str, source: str | None, rev: str | None) -> dict[Path, str]:
    """Relative path → content of every file `init` writes."""
    values = {"body": body, "policy_id": policy_id, "rule_id": f"{policy_id}-001",
              "title": f"{body.removesuffix('長')} の独自ルール", "source": source or PLACEHOLDER_SOURCE,
              "rev": rev or "main"}
    templates = resources.files("piarules").joinpath("data/scaffold")
    out: dict[Path, str] = {}
    for target, template in _FILES.items():
        text = templates.joinpath(template).read_text(encoding="utf-8")
        out[Path(target.format(name=policy_id.lower()))] = Template(text).substitute(values)
    out[Path("評価書/pia.schema.json")] = schema_text()
    return out


def schema_text() -> str:
    """The JSON Schema of a 重点項目評価書, which 評価書/例.yaml names for the editor."""
    import json

    from piarules.document.schema_export import json_schema

    return json.dumps(json_schema("重点項目評価書"), ensure_ascii=False, indent=2) + "\n"


def write_plan(directory: Path, files: dict[Path, str]) -> None:
    for path, text in files.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)


def installed_from() -> tuple[str | None, str | None]:
    """(repository URL, commit) piarules was installed from: a git URL with its commit, or a
    local checkout (its HEAD); (None, None) from a package index or an unknown source."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        raw = distribution("piarules").read_text("direct_url.json")
    except PackageNotFoundError:
        return None, None
    if not raw:
        return None, None
    try:
        info = json.loads(raw)
    except ValueError:
        return None, None
    url = info.get("url")
    if not isinstance(url, str):
        return None, None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        return url, vcs.get("commit_id") or vcs.get("requested_revision")
    if url.startswith("file://") and isinstance(info.get("dir_info"), dict):  # `pip install .` in a clone
        checkout = Path(url.removeprefix("file://"))
        return (url, _head(checkout)) if (checkout / ".git").exists() else (None, None)
    return None, None


def _head(checkout: Path) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
