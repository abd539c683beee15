"""Exit codes of every piarules command (documented in the README and --help)."""

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """No finding at or above --fail-on; tests passed; nothing to change."""
    FINDINGS = 1
    """Findings at or above --fail-on (or failed tests, or files fmt would change)."""
    INVALID_INPUT = 2
    """Unreadable or malformed YAML/table, broken policy, unknown option or usage error."""
