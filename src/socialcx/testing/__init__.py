"""The testing kit: fakes that follow the real rules, and strategies for property tests.

``socialcx.testing.strategies`` needs hypothesis (``pip install socialcx[testing]``)
and is imported only when asked for.
"""

from socialcx.testing._clock import FakeClock
from socialcx.testing._fake_channel import (
    FakeChannel,
    FakeSleep,
    Fault,
    FaultKind,
    FaultTarget,
    WebhookDelivery,
)

__all__ = [
    "FakeChannel",
    "FakeClock",
    "FakeSleep",
    "Fault",
    "FaultKind",
    "FaultTarget",
    "WebhookDelivery",
]
