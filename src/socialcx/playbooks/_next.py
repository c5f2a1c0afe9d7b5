"""What a playbook asks of a case now: which steps are done, due, overdue or waiting.

Sans-I/O: :func:`next_steps` reads the case's events and ``now``; it never
reads a clock. A step's deadline (``within``) counts from the moment the step
can start: the case's opening for most steps, the resolution for a follow-up
or an invitation to share, and the incident's resolution for steps after a
hold.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import datetime

import attrs

from socialcx.model import (
    Case,
    CaseState,
    Escalated,
    Incident,
    IncidentState,
    PlaybookStep,
    ReplySent,
    ResponsePlaybook,
    StateChanged,
    StepKind,
    Visibility,
)

K = StepKind

#: Steps that can only start after the case is resolved.
AFTER_RESOLUTION = frozenset({K.FOLLOW_UP, K.INVITE_TO_SHARE})


class StepStatus(enum.Enum):
    """Where one step of a playbook stands."""

    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    WAITING = "waiting"  # cannot start yet: before resolution, or holding for an incident


@attrs.frozen(kw_only=True)
class StepProgress:
    """One step of a playbook, as it stands for one case.

    Args:
        index: Its position in the playbook.
        step: The step.
        status: Done, due, overdue or waiting.
        due_at: By when (``None``: no deadline, or not started yet).
        done_at: When it was done.
        why: A short explanation for the agent.
    """

    index: int
    step: PlaybookStep
    status: StepStatus
    due_at: datetime | None = None
    done_at: datetime | None = None
    why: str = ""

    @property
    def kind(self) -> StepKind:
        """What the step asks for."""
        return self.step.kind


@attrs.frozen(kw_only=True)
class NextSteps:
    """Every step of a playbook for one case at one moment."""

    case_id: str
    playbook: str
    at: datetime
    steps: tuple[StepProgress, ...]

    @property
    def due(self) -> tuple[StepProgress, ...]:
        """Steps to do now that are not late yet."""
        return tuple(s for s in self.steps if s.status is StepStatus.DUE)

    @property
    def overdue(self) -> tuple[StepProgress, ...]:
        """Steps past their deadline."""
        return tuple(s for s in self.steps if s.status is StepStatus.OVERDUE)

    @property
    def waiting(self) -> tuple[StepProgress, ...]:
        """Steps that cannot start yet."""
        return tuple(s for s in self.steps if s.status is StepStatus.WAITING)

    @property
    def next(self) -> StepProgress | None:
        """The first step to act on (overdue or due), in playbook order."""
        return next(
            (s for s in self.steps if s.status in (StepStatus.OVERDUE, StepStatus.DUE)), None
        )

    @property
    def complete(self) -> bool:
        """Whether every step is done."""
        return all(s.status is StepStatus.DONE for s in self.steps)


def _resolved_at(case: Case) -> datetime | None:
    if case.state not in (CaseState.RESOLVED, CaseState.CLOSED):
        return None
    for event in reversed(case.events):
        if isinstance(event, StateChanged) and event.to in (
            CaseState.RESOLVED,
            CaseState.CLOSED,
        ):
            return event.at
    return case.updated_at


def _replies(case: Case) -> list[ReplySent]:
    return [e for e in case.events if isinstance(e, ReplySent)]


def next_steps(
    case: Case,
    playbook: ResponsePlaybook,
    now: datetime,
    *,
    incident: Incident | None = None,
    completed: Collection[int | StepKind] = (),
) -> NextSteps:
    """What ``playbook`` asks of ``case`` at ``now``.

    Progress is read from the case's events: a public reply acknowledges, a
    private reply moves to private, a resolution resolves, an escalation
    escalates, replies after the resolution follow up and then invite to
    share. A hold for an incident lasts until ``incident`` is resolved.

    Args:
        case: The case.
        playbook: Its playbook.
        now: The moment to judge deadlines at.
        incident: The case's incident, when it has one; without it a hold
            step keeps holding.
        completed: Steps the host marks done explicitly, by index or kind.
    """
    replies = _replies(case)
    resolved_at = _resolved_at(case)
    after_resolution = (
        [r for r in replies if r.at >= resolved_at] if resolved_at is not None else []
    )
    post_resolution_used = 0
    released_at: datetime | None = case.opened_at
    progress: list[StepProgress] = []

    for index, step in enumerate(playbook.steps):
        done_at: datetime | None = None
        start: datetime | None = released_at
        waiting_why = ""
        kind = step.kind
        if kind is K.ACKNOWLEDGE:
            done_at = next((r.at for r in replies if r.visibility is Visibility.PUBLIC), None)
        elif kind is K.MOVE_TO_PRIVATE:
            done_at = next((r.at for r in replies if r.visibility is Visibility.PRIVATE), None)
        elif kind is K.RESOLVE:
            done_at = resolved_at
        elif kind is K.ESCALATE:
            done_at = next((e.at for e in case.events if isinstance(e, Escalated)), None)
        elif kind in AFTER_RESOLUTION:
            start = resolved_at
            if post_resolution_used < len(after_resolution):
                done_at = after_resolution[post_resolution_used].at
                post_resolution_used += 1
            elif resolved_at is None:
                waiting_why = "only after the case is resolved"
        elif kind is K.HOLD_FOR_INCIDENT:
            if case.incident_id is None:
                done_at = case.opened_at
            elif incident is not None and incident.state is IncidentState.RESOLVED:
                done_at = incident.resolved_at or incident.last_seen
            else:
                waiting_why = "holding for the incident update"
            released_at = done_at
        if index in completed or kind in completed:
            done_at = done_at or now

        if done_at is not None:
            progress.append(
                StepProgress(
                    index=index, step=step, status=StepStatus.DONE, done_at=done_at, why="done"
                )
            )
            continue
        if kind is K.HOLD_FOR_INCIDENT:
            progress.append(
                StepProgress(index=index, step=step, status=StepStatus.WAITING, why=waiting_why)
            )
            continue
        if start is None:
            why = waiting_why or "waiting for the incident update"
            progress.append(
                StepProgress(index=index, step=step, status=StepStatus.WAITING, why=why)
            )
            continue
        due_at = None if step.within is None else start + step.within
        if due_at is not None and now > due_at:
            status, why = StepStatus.OVERDUE, f"was due by {due_at.isoformat()}"
        else:
            status = StepStatus.DUE
            why = "no deadline" if due_at is None else f"due by {due_at.isoformat()}"
        progress.append(StepProgress(index=index, step=step, status=status, due_at=due_at, why=why))
    return NextSteps(case_id=case.id, playbook=playbook.name, at=now, steps=tuple(progress))
