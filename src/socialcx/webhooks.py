"""Webhooks as an ASGI application, mountable in any ASGI server.

``WebhookApp`` serves ``/<channel name>`` for every webhook channel; the
subscription handshakes (``hub.challenge`` for Meta and WebSub, X's
``crc_token``), signature checks and parsing are done by each channel, and the
mentions go into the desk. :func:`create_app` builds it all from
``socialcx.toml``::

    # app.py
    from socialcx.webhooks import create_app
    app = create_app("socialcx.toml")

    # then: uvicorn app:app
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from socialcx._clock import SystemClock
from socialcx.runtime._app import build_desk
from socialcx.runtime._config import RuntimeConfig
from socialcx.runtime._webhooks import MAX_BODY, WebhookApp

__all__ = ["MAX_BODY", "WebhookApp", "create_app"]


def create_app(
    config: str | os.PathLike[str] | RuntimeConfig,
    *,
    environ: Mapping[str, str] | None = None,
) -> WebhookApp:
    """The webhook app for a configuration: its desk, its webhook channels, its verify tokens.

    Channels that cannot receive webhooks (no ``parse_webhook``) are left out.
    """
    if not isinstance(config, RuntimeConfig):
        config = RuntimeConfig.from_toml(config)
    clock = SystemClock()
    desk = build_desk(config, now=clock.now())
    built = config.build_channels(environ=environ, clock=clock)
    routes = {
        spec.name: channel
        for spec, channel in zip(config.channels, built, strict=True)
        if callable(getattr(channel, "parse_webhook", None))
    }
    return WebhookApp(desk, routes, verify_tokens=config.verify_tokens(environ), clock=clock)
