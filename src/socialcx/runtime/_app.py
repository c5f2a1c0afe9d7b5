"""From ``socialcx.toml`` to a running desk: what ``socialcx run`` does, as functions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from socialcx._clock import Clock, SystemClock
from socialcx.desk import Desk
from socialcx.model import Policy
from socialcx.playbooks import default_playbooks, load_playbooks
from socialcx.runtime._config import RuntimeConfig
from socialcx.runtime._outpost import Outpost
from socialcx.store import open_store


def build_desk(config: RuntimeConfig, *, now: datetime) -> Desk:
    """The desk a configuration describes: its store, policy, playbooks and team."""
    policy = Policy.from_toml(config.path(config.policy)) if config.policy else Policy()
    playbooks = default_playbooks()
    if config.playbooks:
        playbooks = playbooks.merged(load_playbooks(config.path(config.playbooks)))
    store_spec = config.store
    if store_spec.startswith("sqlite:") and store_spec != "sqlite::memory:":
        store_spec = "sqlite:" + str(config.path(store_spec.removeprefix("sqlite:")))
    desk = Desk(policy=policy, store=open_store(store_spec), playbooks=playbooks)
    known = {agent.id for agent in desk.agents.list()}
    for agent in config.agents:
        if agent.id not in known:
            desk.agents.add(agent, now=now)
    return desk


async def run_outpost(
    config: RuntimeConfig,
    *,
    clock: Clock | None = None,
    environ: Mapping[str, str] | None = None,
    until_idle: bool = False,
    signals: bool = True,
    on_cycle: Callable[[Desk], Any] | None = None,
) -> Desk:
    """Run the configured channels until SIGTERM/SIGINT (or, with ``until_idle``, until quiet).

    The desk's ``tick`` runs after every cycle (escalations, retries, breaches).
    On the way out the store is closed; cursors were stored page by page.
    """
    clock = clock or SystemClock()
    desk = build_desk(config, now=clock.now())
    channels = config.build_channels(environ=environ, clock=clock)
    try:
        async with Outpost(
            desk,
            channels=channels,
            clock=clock,
            poll_interval=config.runtime.poll_interval.total_seconds(),
            max_backoff=config.runtime.max_backoff.total_seconds(),
            sleep=_no_wait if until_idle else asyncio.sleep,
        ) as outpost:
            if signals:
                outpost.install_signal_handlers()
            seen = [-1]

            def after_cycle() -> bool:
                desk.tick(now=clock.now())
                if on_cycle is not None:
                    on_cycle(desk)
                states = outpost.states.values()
                done = sum(s.received + s.sent for s in states)
                waiting = any(desk.due_messages(s.channel.ref, now=clock.now()) for s in states)
                idle = done == seen[0] and not waiting
                seen[0] = done
                return until_idle and idle

            await outpost.run(until=after_cycle)
    finally:
        desk.store.close()
    return desk


async def _no_wait(_: float) -> None:
    """Batch runs (``until_idle``) poll again at once instead of waiting for new posts."""
