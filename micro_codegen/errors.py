"""One exception hierarchy for the whole tool.

Library code raises these; only ``cli.py`` prints them (one line, exit code 1).
Every message names the file / node / key concerned and the rule that was broken.
"""


class CodegenError(Exception):
    """Base class of every error micro_codegen reports to a user."""

    hint: str | None = None

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class ModelFileError(CodegenError):
    """The .ms file cannot be read: truncated, not a MindSpore Lite model, or inconsistent."""


class UnsupportedOpError(CodegenError):
    """A node uses an operator or attribute combination micro_codegen does not implement."""


class PlanError(CodegenError):
    """The static memory planner could not produce (or verify) a plan."""


class BoardConfigError(CodegenError):
    """A board.toml is missing, malformed, or the model does not fit the board."""


class ToolchainError(CodegenError):
    """A compiler, make, QEMU or flash tool is missing or failed."""


class ValidationError(CodegenError):
    """Running or comparing on the target failed (link dead, protocol error, mismatch)."""


class CasesFileError(CodegenError):
    """A CASES.npz file is missing arrays or has arrays of the wrong dtype/shape."""
