"""piarules: policy-as-code checks for 特定個人情報保護評価書 (PIA under the My Number Act).

The public API reads as the pipeline: policy text → checked rules; YAML → document;
evaluate → findings.
"""

from piarules.api import PolicySet, check_policies, evaluate, load_document, load_policies

__all__ = ["PolicySet", "check_policies", "evaluate", "load_document", "load_policies"]
__version__ = "0.1.0"
