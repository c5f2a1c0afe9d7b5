"""The testing kit: fakes that follow the real rules, and strategies for property tests.

:class:`FakeChannel` is an in-memory social network with scriptable faults;
:class:`FakeClock` and :class:`FakeSleep` keep tests from ever sleeping.
``socialcx.testing.strategies`` needs hypothesis and
``socialcx.testing.contract`` (the channel conformance suite) and
``socialcx.testing.pytest_plugin`` need pytest (``pip install socialcx[testing]``);
they are imported only when asked for.
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
