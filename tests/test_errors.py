"""The error tree matches the one drawn in ``socialcx.errors``' docstring."""

from __future__ import annotations

import re

import pytest

from socialcx import errors


def _drawn_tree() -> dict[str, str]:
    """Parse 'child -> parent' from the docstring's box drawing."""
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in (errors.__doc__ or "").splitlines():
        match = re.match(r"^(\s*)(?:[│ ]*[├└]── )?([A-Z][A-Za-z]+)\b", line)
        if not match or not line.strip() or line.strip()[0].islower():
            continue
        name = match.group(2)
        if not hasattr(errors, name):
            continue
        depth = line.index(name)
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            parents[name] = stack[-1][1]
        stack.append((depth, name))
    return parents


def test_docstring_tree_matches_classes() -> None:
    """Each class's base is the parent drawn in the docstring, and every error is drawn."""
    drawn = _drawn_tree()
    assert set(drawn) | {"SocialCXError"} == set(errors.__all__)
    for child, parent in drawn.items():
        assert getattr(errors, child).__bases__[0] is getattr(errors, parent), child


def test_rate_limited_carries_the_wait() -> None:
    """RateLimited keeps the server's wait, never negative."""
    assert errors.RateLimited("slow down", retry_after=12.5).retry_after == 12.5
    assert errors.RateLimited("slow down", retry_after=-3).retry_after == 0.0


def test_invalid_payload_keeps_raw_but_does_not_print_it() -> None:
    """The raw body is kept for the dead letters and left out of repr."""
    exc = errors.InvalidPayload("bad json", raw=b"secret-ish body")
    assert exc.raw == b"secret-ish body"
    assert "secret-ish" not in repr(exc)


def test_everything_is_a_socialcx_error() -> None:
    """One except clause catches every deliberate failure."""
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.SocialCXError)
    with pytest.raises(errors.SocialCXError):
        raise errors.AuthExpired("token expired", platform="bluesky", status=400)
