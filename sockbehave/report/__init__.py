"""Reports: the JSON record of a run, how it is written and read back, and how it is shown.

Owns: the report model (``model``), its versioned JSON form and schema (``jsonio``,
``schema/report-v2.schema.json``, reading v1 too), and the terminal rendering (``text``). Reports read back
from disk are untrusted input: they are validated against the schema before anything uses them.
"""

from __future__ import annotations

from .jsonio import SCHEMA_VERSION, load_report, report_to_json, write_report
from .model import Report, build_report

__all__ = ["SCHEMA_VERSION", "Report", "build_report", "load_report", "report_to_json", "write_report"]
