"""The demo: a synthetic day of social traffic for a fictional brand, run end to end."""

from socialcx.demo._run import DemoSummary, issue_of, run_demo
from socialcx.demo._traffic import KINDS, ScriptedPost, synthetic_day

__all__ = ["KINDS", "DemoSummary", "ScriptedPost", "issue_of", "run_demo", "synthetic_day"]
