"""Playbooks as data: loading TOML files, checking their templates, the shipped defaults.

Templates are checked when a playbook loads, not when a reply is sent: every
``{variable}`` must be one of :data:`STANDARD_VARIABLES`, one the file declares
in its top-level ``variables = [...]``, or ``{answer_<topic>}`` for a topic of
the knowledge base. A TOML error names the key that is wrong.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from socialcx.errors import ConfigError, ValidationError
from socialcx.gate import KnowledgeBase
from socialcx.model import ResponsePlaybook
from socialcx.model import _checks as c

#: Variables every template may use; the host supplies their values when rendering.
STANDARD_VARIABLES = frozenset(
    {
        "agent",  # the agent's display name
        "brand",  # the brand's name
        "case_id",
        "channel",  # the network ("X", "Instagram")
        "customer",  # the customer's name or handle
        "details_needed",  # what the agent needs to look into it ("your order number")
        "eta",  # when the customer can expect the next step
        "help_url",
        "incident_summary",  # one line on a systemic problem, in the approved wording
        "incident_update",  # the approved update once the root cause is fixed
        "issue",  # the customer's problem in a few words, in their terms
        "next_step",  # what happens next
        "personal_note",  # something specific the agent adds
        "private_channel",  # where to continue privately ("a DM", "privately")
        "answer",  # the answer to the customer's question
        "status_url",  # the public status page of an incident
    }
)

#: Template variables of this form quote an approved answer: ``{answer_refunds}``.
ANSWER_PREFIX = "answer_"

_KNOWN_KEYS = frozenset({"playbook", "variables"})


def answer_variable(topic: str) -> str:
    """The template variable that quotes the approved answer for ``topic``."""
    return ANSWER_PREFIX + re.sub(r"\W+", "_", topic.strip().casefold()).strip("_")


def _answer_variables(knowledge: KnowledgeBase) -> dict[str, str]:
    return {answer_variable(a.topic): a.text for a in knowledge.answers}


@attrs.frozen(kw_only=True)
class PlaybookLibrary:
    """A checked set of playbooks, and the variables and answers their templates use.

    Args:
        playbooks: The playbooks; names are unique.
        variables: Variables allowed besides :data:`STANDARD_VARIABLES`.
        knowledge: The approved answers ``{answer_<topic>}`` quotes. Without
            it, answer variables are accepted unchecked.

    Raises:
        ConfigError: a template uses a variable that is not available, or two
            playbooks share a name; the error names the key.
    """

    playbooks: tuple[ResponsePlaybook, ...] = attrs.field(
        converter=c.to_tuple, validator=c.tuple_of(ResponsePlaybook)
    )
    variables: frozenset[str] = attrs.field(
        factory=frozenset, converter=c.to_frozenset, validator=c.names
    )
    knowledge: KnowledgeBase | None = attrs.field(default=None)
    source: str = attrs.field(default="playbooks", repr=False)

    def __attrs_post_init__(self) -> None:
        names: set[str] = set()
        allowed = STANDARD_VARIABLES | self.variables
        answers = None if self.knowledge is None else _answer_variables(self.knowledge)
        for i, playbook in enumerate(self.playbooks):
            if playbook.name in names:
                raise ConfigError(
                    f"{self.source}: playbook[{i}].name: two playbooks are named {playbook.name!r}",
                    field=f"playbook[{i}].name",
                )
            names.add(playbook.name)
            for j, step in enumerate(playbook.steps):
                for variable in sorted(step.variables):
                    if variable in allowed:
                        continue
                    if variable.startswith(ANSWER_PREFIX) and (
                        answers is None or variable in answers
                    ):
                        continue
                    key = f"playbook[{i}].steps[{j}].template"
                    if variable.startswith(ANSWER_PREFIX):
                        why = f"no approved answer for topic {variable[len(ANSWER_PREFIX) :]!r}"
                    else:
                        why = (
                            "unknown variable; declare it in the file's "
                            "top-level 'variables' or use one of " + ", ".join(sorted(allowed))
                        )
                    raise ConfigError(
                        f"{self.source}: {key} ({playbook.name}): {{{variable}}}: {why}",
                        field=key,
                    )

    def __iter__(self) -> Iterator[ResponsePlaybook]:
        return iter(self.playbooks)

    def __len__(self) -> int:
        return len(self.playbooks)

    @property
    def names(self) -> tuple[str, ...]:
        """The playbooks' names, in order."""
        return tuple(p.name for p in self.playbooks)

    def get(self, name: str) -> ResponsePlaybook:
        """The playbook called ``name``.

        Raises:
            KeyError: no such playbook.
        """
        for playbook in self.playbooks:
            if playbook.name == name:
                return playbook
        raise KeyError(name)

    def for_kind(self, kind: str) -> ResponsePlaybook | None:
        """The first playbook that applies to the case kind ``kind``."""
        return next((p for p in self.playbooks if kind in p.applies_to), None)

    def merged(self, other: PlaybookLibrary | Iterable[ResponsePlaybook]) -> PlaybookLibrary:
        """This library with ``other``'s playbooks replacing those of the same name.

        The variables ``other`` declares are added to this library's.
        """
        extra = tuple(other)
        variables = self.variables
        if isinstance(other, PlaybookLibrary):
            variables = variables | other.variables
        replaced = {p.name for p in extra}
        kept = tuple(p for p in self.playbooks if p.name not in replaced)
        return attrs.evolve(self, playbooks=kept + extra, variables=variables)

    def with_knowledge(self, knowledge: KnowledgeBase) -> PlaybookLibrary:
        """The same playbooks bound to ``knowledge``; answer variables are checked now."""
        return attrs.evolve(self, knowledge=knowledge)

    def render(self, template: str, values: Mapping[str, str] | None = None) -> str:
        """Fill ``template`` with ``values`` and the approved answers.

        Raises:
            ValidationError: a variable has no value (names the variable).
        """
        available = dict(_answer_variables(self.knowledge)) if self.knowledge else {}
        available.update(values or {})
        return render_template(template, available)


def render_template(template: str, values: Mapping[str, str]) -> str:
    """Fill a template's ``{variables}``.

    Raises:
        ValidationError: a variable has no value; the error names it.
    """
    from socialcx.model._playbook import template_fields

    missing = sorted(template_fields(template) - set(values))
    if missing:
        raise ValidationError(
            f"template needs a value for {', '.join('{' + m + '}' for m in missing)}",
            field=missing[0],
        )
    return template.format_map(dict(values))


# --- loading ------------------------------------------------------------------------------


def _prefixed(exc: ConfigError, prefix: str) -> ConfigError:
    field = f"{prefix}.{exc.field}" if exc.field else prefix
    return ConfigError(str(exc), field=field)


def parse_playbooks(
    data: dict[str, Any], *, source: str
) -> tuple[tuple[ResponsePlaybook, ...], frozenset[str]]:
    """The playbooks and declared variables of parsed TOML data; errors name the key."""
    from socialcx._serialization import structure_config

    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{source}: {unknown[0]}: unknown key (expected [[playbook]] tables and "
            "an optional 'variables' list)",
            field=unknown[0],
        )
    variables = data.get("variables", [])
    if not isinstance(variables, list) or not all(
        isinstance(v, str) and v.isidentifier() for v in variables
    ):
        raise ConfigError(
            f"{source}: variables: expected a list of variable names", field="variables"
        )
    tables = data.get("playbook", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{source}: playbook: expected [[playbook]] tables", field="playbook")
    playbooks = []
    for i, table in enumerate(tables):
        try:
            playbooks.append(
                structure_config(table, ResponsePlaybook, source=f"{source}: playbook[{i}]")
            )
        except ConfigError as exc:
            raise _prefixed(exc, f"playbook[{i}]") from exc
    return tuple(playbooks), frozenset(variables)


def load_playbooks_text(
    text: str,
    *,
    source: str = "playbooks",
    knowledge: KnowledgeBase | None = None,
    variables: Iterable[str] = (),
) -> PlaybookLibrary:
    """Load and check playbooks from TOML text.

    Raises:
        ConfigError: bad TOML, a bad key or value, or a template variable that
            is not available; the error names the key.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from exc
    playbooks, declared = parse_playbooks(data, source=source)
    if not playbooks:
        raise ConfigError(f"{source}: no [[playbook]] tables", field="playbook")
    return PlaybookLibrary(
        playbooks=playbooks,
        variables=declared | frozenset(variables),
        knowledge=knowledge,
        source=source,
    )


def load_playbooks(
    path: str | os.PathLike[str],
    *,
    knowledge: KnowledgeBase | None = None,
    variables: Iterable[str] = (),
) -> PlaybookLibrary:
    """Load and check a playbook file (or every ``*.toml`` in a folder).

    Raises:
        ConfigError: the file cannot be read or does not load; names the key.
    """
    where = Path(path)
    files = sorted(where.glob("*.toml")) if where.is_dir() else [where]
    playbooks: list[ResponsePlaybook] = []
    declared: set[str] = set(variables)
    for file in files:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{file}: cannot read playbook file: {exc.strerror}") from exc
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
        found, names = parse_playbooks(data, source=str(file))
        PlaybookLibrary(
            playbooks=found, variables=names | declared, knowledge=knowledge, source=str(file)
        )
        playbooks.extend(found)
        declared |= names
    if not playbooks:
        raise ConfigError(f"{path}: no [[playbook]] tables", field="playbook")
    return PlaybookLibrary(
        playbooks=tuple(playbooks), variables=declared, knowledge=knowledge, source=str(path)
    )


def default_playbooks(*, knowledge: KnowledgeBase | None = None) -> PlaybookLibrary:
    """The playbooks socialcx ships, one per kind of case (see ``docs/playbooks.md``)."""
    folder = resources.files("socialcx.playbooks").joinpath("defaults")
    playbooks: list[ResponsePlaybook] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        source = f"socialcx/playbooks/defaults/{entry.name}"
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        found, _ = parse_playbooks(data, source=source)
        playbooks.extend(found)
    return PlaybookLibrary(playbooks=tuple(playbooks), knowledge=knowledge, source="defaults")
