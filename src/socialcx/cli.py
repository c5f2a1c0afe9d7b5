"""The ``socialcx`` command.

Each subcommand is a pair of functions registered with :func:`register`: one
adds its arguments to an :class:`argparse.ArgumentParser`, the other runs it
and returns the exit code. ``main(argv)`` builds the parser from the registry,
so adding a subcommand is one :func:`register` call.

Exit codes: 0 success, 1 the thing checked failed (a refused reply, an invalid
file), 2 the command was used wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import attrs

from socialcx._version import __version__
from socialcx.errors import ConfigError, ValidationError

Configure = Callable[[argparse.ArgumentParser], None]
Run = Callable[[argparse.Namespace, TextIO, TextIO], int]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@attrs.frozen(kw_only=True)
class Subcommand:
    """One ``socialcx`` subcommand.

    Args:
        name: What the user types.
        help: One line for ``socialcx --help``.
        configure: Adds the subcommand's arguments.
        run: Runs it with the parsed arguments and the output streams;
            returns the exit code.
    """

    name: str
    help: str
    configure: Configure
    run: Run


_SUBCOMMANDS: dict[str, Subcommand] = {}


def register(name: str, *, help: str, configure: Configure, run: Run) -> Subcommand:
    """Add a subcommand; a name registered twice replaces the first registration."""
    sub = Subcommand(name=name, help=help, configure=configure, run=run)
    _SUBCOMMANDS[name] = sub
    return sub


def subcommands() -> tuple[Subcommand, ...]:
    """The registered subcommands, in registration order."""
    return tuple(_SUBCOMMANDS.values())


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="socialcx",
        description="Social media as a channel of the contact center.",
    )
    parser.add_argument("--version", action="version", version=f"socialcx {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for sub in subcommands():
        child = commands.add_parser(sub.name, help=sub.help, description=sub.help)
        sub.configure(child)
        child.set_defaults(_run=sub.run)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run ``socialcx`` with ``argv`` (default: the process's arguments); return the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    run: Run | None = getattr(args, "_run", None)
    if run is None:
        parser.print_help(out)
        return EXIT_USAGE
    try:
        return run(args, out, err)
    except (ConfigError, ValidationError) as exc:
        err.write(f"socialcx {args.command}: {exc}\n")
        return EXIT_USAGE


# --- lint ---------------------------------------------------------------------------------


def _aware(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{value!r} needs a time zone (e.g. +00:00 or Z)")
    return moment


def _configure_lint(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="the reply to check; '-' reads it from standard input")
    parser.add_argument(
        "--channel", help="the network it goes out on (x, mastodon, bluesky, facebook, ...)"
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--public", dest="public", action="store_true", default=True, help="a public reply"
    )
    where.add_argument("--private", dest="public", action="store_false", help="a private message")
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.add_argument("--policy", help="a policy TOML file (default: the built-in policy)")
    parser.add_argument("--answers", help="a TOML file of approved answers ([[answer]] tables)")
    parser.add_argument("--customer-text", default="", help="what the customer wrote")
    parser.add_argument(
        "--topic", action="append", default=[], help="a topic of the case (repeatable)"
    )
    parser.add_argument("--reach", type=int, default=0, help="the author's follower count")
    parser.add_argument("--agent", help="the agent's id (enables the certification check)")
    parser.add_argument(
        "--cert", action="append", default=[], help="a certification the agent holds"
    )
    parser.add_argument(
        "--brand-contact",
        action="append",
        default=[],
        help="a published phone number or e-mail of the brand (repeatable)",
    )
    parser.add_argument(
        "--private-conversation",
        action="store_true",
        help="the customer already wrote to the brand privately",
    )
    parser.add_argument(
        "--last-customer-message", type=_aware, help="when the customer last wrote (ISO 8601)"
    )
    parser.add_argument("--now", type=_aware, help="when the reply would be sent (ISO 8601)")


def _run_lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from socialcx.gate import CaseContext, Draft, KnowledgeBase, ReplyGate, capabilities_for
    from socialcx.model import Agent, ChannelCapabilities, Policy, Visibility

    text = sys.stdin.read() if args.text == "-" else args.text
    policy = Policy.from_toml(args.policy) if args.policy else Policy()
    knowledge = KnowledgeBase.from_toml(args.answers) if args.answers else KnowledgeBase()
    agent = None
    if args.agent or args.cert:
        agent = Agent(id=args.agent or "agent", certifications=frozenset(args.cert))
    if args.reach < 0:
        raise ValidationError("--reach: must not be negative", field="reach")
    gate = ReplyGate(policy=policy, knowledge=knowledge, brand_contacts=args.brand_contact)
    draft = Draft(
        text=text,
        visibility=Visibility.PUBLIC if args.public else Visibility.PRIVATE,
        capabilities=capabilities_for(args.channel) if args.channel else ChannelCapabilities(),
        agent=agent,
        context=CaseContext(
            customer_text=args.customer_text,
            topics=frozenset(args.topic),
            author_reach=args.reach,
            last_customer_message_at=args.last_customer_message,
            private_conversation=args.private_conversation,
        ),
        now=args.now,
    )
    verdict = gate.check(draft)
    if args.json:
        payload: dict[str, Any] = verdict.to_dict()
        out.write(json.dumps(payload, ensure_ascii=False) + "\n")
    else:
        line = verdict.name.replace("_", " ")
        role = getattr(verdict, "role", None)
        out.write(f"{line}{f' (by a {role})' if role else ''}\n")
        for reason in verdict.reasons:
            where = ""
            if reason.span is not None:
                start, end = reason.span
                where = f" [{start}:{end}] {text[start:end]!r}"
            out.write(f"  {reason.code.value}:{where} {reason.message}\n")
    return EXIT_FAILED if verdict.name == "refused" else EXIT_OK


register(
    "lint",
    help="check a reply against the policy and the channel before sending it",
    configure=_configure_lint,
    run=_run_lint,
)


# --- check-config -------------------------------------------------------------------------

_KINDS = ("auto", "config", "policy", "playbooks", "answers")
_CONFIG_KEYS = frozenset({"channels", "store", "runtime", "webhooks", "policy", "playbooks"})


def _configure_check_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files to check")
    parser.add_argument(
        "--kind",
        choices=_KINDS,
        default="auto",
        help="what the files are (default: recognised from their keys)",
    )
    parser.add_argument(
        "--answers", help="approved answers, to check {answer_<topic>} in playbook templates"
    )


def _guess_kind(path: Path) -> str:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return "policy"  # the loader reports the read or syntax error with its own words
    if "playbook" in data or ("variables" in data and len(data) <= 2):
        return "playbooks"
    if "answer" in data:
        return "answers"
    if set(data) & _CONFIG_KEYS:
        return "config"
    return "policy"


def _check_one(path: Path, kind: str, answers: str | None) -> str:
    """Load ``path`` as ``kind``; return a one-line summary or raise ConfigError."""
    from socialcx.gate import KnowledgeBase
    from socialcx.model import Policy
    from socialcx.playbooks import load_playbooks

    knowledge = KnowledgeBase.from_toml(answers) if answers else None
    if kind == "auto":
        kind = "playbooks" if path.is_dir() else _guess_kind(path)
    if kind == "policy":
        policy = Policy.from_toml(path)
        return (
            f"policy: {len(policy.service_levels)} service levels, "
            f"{len(policy.escalation)} escalation steps"
        )
    if kind == "playbooks":
        library = load_playbooks(path, knowledge=knowledge)
        return f"playbooks: {', '.join(library.names)}"
    if kind == "answers":
        kb = KnowledgeBase.from_toml(path)
        return f"approved answers: {len(kb.answers)} topics"
    from socialcx.runtime import RuntimeConfig

    config = RuntimeConfig.from_toml(path)
    parts = [f"config: {len(config.channels)} channels, store {config.store.split(':')[0]}"]
    if config.policy is not None:
        try:
            Policy.from_toml(config.path(config.policy))
        except ConfigError as exc:
            raise ConfigError(
                f"{path}: policy = {config.policy!r}: {exc}", field=exc.field or "policy"
            ) from exc
        parts.append("policy ok")
    if config.playbooks is not None:
        try:
            load_playbooks(config.path(config.playbooks), knowledge=knowledge)
        except ConfigError as exc:
            raise ConfigError(
                f"{path}: playbooks = {config.playbooks!r}: {exc}", field=exc.field or "playbooks"
            ) from exc
        parts.append("playbooks ok")
    return "; ".join(parts)


def _run_check_config(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    failed = False
    for name in args.paths:
        path = Path(name)
        try:
            summary = _check_one(path, args.kind, args.answers)
        except ConfigError as exc:
            failed = True
            key = f" (key: {exc.field})" if exc.field else ""
            err.write(f"error: {exc}{key}\n")
            continue
        out.write(f"ok: {path}: {summary}\n")
    return EXIT_FAILED if failed else EXIT_OK


register(
    "check-config",
    help="validate a socialcx.toml, policy, playbook or approved-answers file",
    configure=_configure_check_config,
    run=_run_check_config,
)


from socialcx import _commands  # noqa: E402, F401  (registers demo, run, report, simulate)

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
