"""piarules: policy-as-code checks for 特定個人情報保護評価書 (PIA under the My Number Act).

The public API reads as the pipeline: policy text → checked rules (`load_policies`); YAML →
document (`load_document`); `run` → findings; `piarules.report.render` → any report format. Names are imported on first use (PEP 562), so importing one stage
(e.g. the CLI's --help) does not pay for all of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piarules.version import __version__ as __version__

__all__ = ["PolicySet", "check_policies", "evaluate", "load_document", "load_policies", "run"]

if TYPE_CHECKING:
    from piarules.api import PolicySet, check_policies, evaluate, load_document, load_policies, run


def __getattr__(name: str) -> Any:
    if name in __all__:
        from piarules import api

        return getattr(api, name)
    raise AttributeError(f"module 'piarules' has no attribute {name!r}")
