"""Response playbooks: the ordered next steps for a kind of case."""

from __future__ import annotations

import enum
import os
import string
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from socialcx.errors import ConfigError
from socialcx.model import _checks as c
from socialcx.model._mention import Visibility


class StepKind(enum.Enum):
    """What a playbook step asks the agent to do."""

    ACKNOWLEDGE = "acknowledge"
    MOVE_TO_PRIVATE = "move_to_private"
    RESOLVE = "resolve"
    FOLLOW_UP = "follow_up"
    INVITE_TO_SHARE = "invite_to_share"
    ESCALATE = "escalate"
    HOLD_FOR_INCIDENT = "hold_for_incident"


def to_step_kind(value: StepKind | str) -> StepKind:
    """Accept the enum or its value; a bad value is reported by the field's validator."""
    return c.coerce(StepKind, value)


def template_fields(template: str) -> frozenset[str]:
    """The ``{variables}`` a template uses.

    Raises:
        ValueError: the template is malformed (an unmatched brace).
    """
    names = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            if not name or not name.isidentifier():
                raise ValueError(f"{{{name}}} is not a variable name")
            names.add(name)
    return frozenset(names)


def _valid_template(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    c.text(inst, attribute, value)
    try:
        template_fields(str(value))
    except ValueError as exc:
        c.fail(inst, attribute.name, f"malformed template: {exc}")


@attrs.frozen(kw_only=True)
class PlaybookStep:
    """One step of a playbook.

    Args:
        kind: What to do.
        within: How long after the case opened the step is due (``None``: no
            deadline).
        template: Text with ``{variables}`` for the reply this step sends.
        visibility: Where the step's message goes, when it sends one.
        note: Guidance for the agent.
    """

    kind: StepKind = attrs.field(converter=to_step_kind, validator=c.member_of(StepKind))
    within: timedelta | None = attrs.field(default=None, validator=c.optional_positive_duration)
    template: str | None = attrs.field(default=None, validator=_valid_template)
    visibility: Visibility | None = attrs.field(default=None)
    note: str = attrs.field(default="", validator=c.text)

    @visibility.validator
    def _check_visibility(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None and not isinstance(value, Visibility):
            c.fail(self, attribute.name, f"expected 'public' or 'private', got {value!r}")

    @property
    def variables(self) -> frozenset[str]:
        """The variables its template needs."""
        return template_fields(self.template) if self.template else frozenset()


@attrs.frozen(kw_only=True)
class ResponsePlaybook:
    """A named sequence of steps for one kind of case.

    Args:
        name: Stable name (``"isolated_complaint"``, ``"systemic_incident"``).
        applies_to: The case kinds it covers.
        steps: The steps, in order. An invitation to share comes only after a
            resolution step: asking for praise before the problem is solved is
            the mistake this rule prevents.
        description: What the playbook is for.
    """

    name: str = attrs.field(validator=c.non_empty_str)
    applies_to: frozenset[str] = attrs.field(converter=c.to_frozenset, validator=c.names)
    steps: tuple[PlaybookStep, ...] = attrs.field(
        converter=c.to_tuple, validator=c.tuple_of(PlaybookStep)
    )
    description: str = attrs.field(default="", validator=c.text)

    def __attrs_post_init__(self) -> None:
        if not self.applies_to:
            c.fail(self, "applies_to", "a playbook must apply to at least one kind of case")
        if not self.steps:
            c.fail(self, "steps", "a playbook needs at least one step")
        kinds = [s.kind for s in self.steps]
        if StepKind.INVITE_TO_SHARE in kinds:
            invite = kinds.index(StepKind.INVITE_TO_SHARE)
            if StepKind.RESOLVE not in kinds[:invite]:
                c.fail(
                    self,
                    "steps",
                    "invite_to_share must come after a resolve step (only after a resolution)",
                )

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> tuple[ResponsePlaybook, ...]:
        """Load the ``[[playbook]]`` tables of a TOML file."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read playbook file: {exc.strerror}") from exc
        return cls.from_toml_text(text, source=str(path))

    @classmethod
    def from_toml_text(
        cls, text: str, *, source: str = "playbooks"
    ) -> tuple[ResponsePlaybook, ...]:
        """Load the ``[[playbook]]`` tables of TOML text."""
        from socialcx._serialization import structure_config

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
        unknown = set(data) - {"playbook"}
        if unknown:
            key = sorted(unknown)[0]
            raise ConfigError(
                f"{source}: unknown key {key!r} (expected [[playbook]] tables)", field=key
            )
        tables = data.get("playbook", [])
        if not isinstance(tables, list):
            raise ConfigError(f"{source}: 'playbook' must be [[playbook]] tables", field="playbook")
        return tuple(
            structure_config(table, cls, source=f"{source}: playbook[{i}]")
            for i, table in enumerate(tables)
        )
