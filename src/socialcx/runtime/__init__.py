"""The runtime: the asyncio outpost that drives channels, a webhook receiver, structured logs.

This is the I/O edge above the desk; the core below it never waits or reads the clock.
"""

from socialcx.runtime._app import build_desk, run_outpost
from socialcx.runtime._config import ChannelConfig, RuntimeConfig, RuntimeSettings, WebhookSettings
from socialcx.runtime._logging import JsonFormatter
from socialcx.runtime._outpost import ChannelState, CycleReport, Outpost, OutpostDesk
from socialcx.runtime._webhooks import WebhookApp

__all__ = [
    "ChannelConfig",
    "ChannelState",
    "CycleReport",
    "JsonFormatter",
    "Outpost",
    "OutpostDesk",
    "RuntimeConfig",
    "RuntimeSettings",
    "WebhookApp",
    "WebhookSettings",
    "build_desk",
    "run_outpost",
]
