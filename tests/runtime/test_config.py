"""socialcx.toml: strict keys, secrets from the environment, channels built by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from socialcx.channels._registry import ChannelRegistry
from socialcx.errors import ConfigError
from socialcx.runtime import RuntimeConfig

CONFIG = """
policy = "policy.toml"
store = "sqlite:cases.db"

[runtime]
poll_interval = "45s"

[[channels]]
name = "main"
type = "acme"
account = "brand"
[channels.options]
base_url = "https://acme.example"
[channels.secrets]
token = "ACME_TOKEN"

[webhooks.verify_tokens]
main = "ACME_VERIFY"
"""


class _Channel:
    def __init__(self, *, account: str, base_url: str, token: str, clock: Any = None) -> None:
        self.account, self.base_url, self._token, self.clock = account, base_url, token, clock


def _load(tmp_path: Path, text: str = CONFIG) -> RuntimeConfig:
    path = tmp_path / "socialcx.toml"
    path.write_text(text)
    return RuntimeConfig.from_toml(path)


def test_loads_and_builds_channels_with_secrets_from_env(tmp_path: Path) -> None:
    """Options and env secrets reach the factory; relative paths follow the file."""
    config = _load(tmp_path)
    assert config.runtime.poll_interval.total_seconds() == 45
    assert config.path(config.policy or "") == tmp_path / "policy.toml"
    registry = ChannelRegistry(entry_points=list)
    registry.register("acme", _Channel)
    (channel,) = config.build_channels(
        environ={"ACME_TOKEN": "tok-123"}, registry=registry, clock="the-clock"
    )
    assert channel._token == "tok-123"
    assert channel.base_url == "https://acme.example"
    assert channel.clock == "the-clock"
    assert channel.account == "brand"
    assert config.verify_tokens({"ACME_VERIFY": "v"}) == {"main": "v"}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (('store = "sqlite:cases.db"', 'stor = "x"'), "stor"),
        (('poll_interval = "45s"', 'poll_interval = "soon"'), "runtime.poll_interval"),
        (('name = "main"', 'nme = "main"'), "channels[0]"),
        (('token = "ACME_TOKEN"', "token = 5"), "channels[0].secrets"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, change: tuple[str, str], key: str) -> None:
    """Typos and wrong types are ConfigErrors naming the key."""
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, CONFIG.replace(*change))
    assert key in str(info.value)


def test_missing_secret_names_the_variable_not_a_value(tmp_path: Path) -> None:
    """A missing environment variable is named; no secret value ever appears."""
    config = _load(tmp_path)
    registry = ChannelRegistry(entry_points=list)
    registry.register("acme", _Channel)
    with pytest.raises(ConfigError, match="ACME_TOKEN is not set"):
        config.build_channels(environ={}, registry=registry)
    assert "ACME_TOKEN" not in repr(config)


def test_unknown_type_and_refused_options(tmp_path: Path) -> None:
    """An unregistered type or options the factory rejects name the channel, not the secret."""
    config = _load(tmp_path)
    with pytest.raises(ConfigError, match="no channel named 'acme'"):
        config.build_channels(
            environ={"ACME_TOKEN": "t"}, registry=ChannelRegistry(entry_points=list)
        )
    registry = ChannelRegistry(entry_points=list)
    registry.register("acme", lambda **kw: _Channel(**kw, surprise=1))  # type: ignore[call-arg]
    with pytest.raises(ConfigError, match=r"channels\[main\]") as info:
        config.build_channels(environ={"ACME_TOKEN": "hunter2"}, registry=registry)
    assert "hunter2" not in str(info.value)


def test_duplicate_channel_names_are_refused(tmp_path: Path) -> None:
    """Two channels with one name would share a webhook route: refused."""
    text = CONFIG + '\n[[channels]]\nname = "main"\ntype = "acme"\naccount = "b"\n'
    with pytest.raises(ConfigError, match="two channels are named 'main'"):
        _load(tmp_path, text)
