"""Response playbooks: the next steps for each kind of case, as data.

Load playbooks from TOML with :func:`load_playbooks` (templates are checked
when they load), or start from :func:`default_playbooks`. Pick one for a case
with :func:`choose_playbook` and ask :func:`next_steps` what is due, what is
overdue and by when.
"""

from socialcx.playbooks._library import (
    ANSWER_PREFIX,
    STANDARD_VARIABLES,
    PlaybookLibrary,
    answer_variable,
    default_playbooks,
    load_playbooks,
    load_playbooks_text,
    render_template,
)
from socialcx.playbooks._next import NextSteps, StepProgress, StepStatus, next_steps
from socialcx.playbooks._select import KIND_LABELS, case_kinds, choose_playbook, playbook_for_case

__all__ = [
    "ANSWER_PREFIX",
    "KIND_LABELS",
    "STANDARD_VARIABLES",
    "NextSteps",
    "PlaybookLibrary",
    "StepProgress",
    "StepStatus",
    "answer_variable",
    "case_kinds",
    "choose_playbook",
    "default_playbooks",
    "load_playbooks",
    "load_playbooks_text",
    "next_steps",
    "playbook_for_case",
    "render_template",
]
