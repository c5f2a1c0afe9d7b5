"""A connector module that the registry tests load through an entry point."""

from socialcx.testing import FakeChannel


class LazyChannel(FakeChannel):
    """A fake connector, imported only when its entry point is loaded."""
