"""pftlint: a linter for preference (DPO) and supervised fine-tuning JSONL files."""

__version__ = "0.1.0"

from .api import lint_bytes, lint_path, lint_records  # noqa: E402
from .engine.findings import FileResult, Finding, Report, Severity  # noqa: E402

__all__ = ["__version__", "lint_path", "lint_records", "lint_bytes", "Finding", "FileResult", "Report", "Severity"]
