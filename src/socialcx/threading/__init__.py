"""Threading: which case a mention belongs to (reply chains, conversations, customers, identity).

Sans-I/O and bounded; see :class:`Threader`.
"""

from socialcx.threading._threader import (
    IdentityMap,
    Ignore,
    JoinCase,
    OpenCase,
    ThreadDecision,
    Threader,
)

__all__ = ["IdentityMap", "Ignore", "JoinCase", "OpenCase", "ThreadDecision", "Threader"]
