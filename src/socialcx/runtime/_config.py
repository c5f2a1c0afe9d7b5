"""``socialcx.toml``: what ``socialcx run`` runs, loaded strictly.

Secrets never live in the file: it names the environment variable that holds
each one, and the value is read when the channels are built. An unknown key, a
wrong type or a missing variable is a :class:`~socialcx.errors.ConfigError` that
names the key (and the variable), never the secret.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs

from socialcx.channels import registry as default_registry
from socialcx.channels._registry import ChannelRegistry
from socialcx.errors import ConfigError, ValidationError
from socialcx.model import Agent, ChannelRef
from socialcx.model import _checks as c


def _options(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        c.fail(inst, attribute.name, "expected a table")


def _env_names(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _options(inst, attribute, value)
    assert isinstance(value, dict)
    for key, name in value.items():
        if not isinstance(name, str) or not name.strip():
            c.fail(inst, f"{attribute.name}.{key}", "expected the name of an environment variable")


def _from_env(
    names: Mapping[str, str], environ: Mapping[str, str] | None, where: str
) -> dict[str, str]:
    """Read each named environment variable; a missing one is named, never a value."""
    env = os.environ if environ is None else environ
    values = {}
    for key, variable in names.items():
        value = env.get(variable)
        if not value:
            raise ConfigError(
                f"{where}.{key}: environment variable {variable} is not set",
                field=f"{where}.{key}",
            )
        values[key] = value
    return values


@attrs.frozen(kw_only=True)
class ChannelConfig:
    """One channel to run.

    Args:
        name: Unique name, used in logs and as the webhook route.
        type: A registered channel name (``"mastodon"``, ``"bluesky"``, ...).
        platform: The network name mentions carry (defaults to ``type``).
        account: The brand's account on it.
        options: Passed to the channel's factory as keyword arguments.
        secrets: Factory argument name -> environment variable holding the value.
    """

    name: str = attrs.field(validator=c.non_empty_str)
    type: str = attrs.field(validator=c.non_empty_str)
    account: str = attrs.field(validator=c.non_empty_str)
    platform: str | None = attrs.field(default=None)
    options: dict[str, Any] = attrs.field(factory=dict, validator=_options)
    secrets: dict[str, str] = attrs.field(factory=dict, validator=_env_names, repr=False)

    @property
    def ref(self) -> ChannelRef:
        """The brand account this channel serves."""
        return ChannelRef(platform=self.platform or self.type, account=self.account)


@attrs.frozen(kw_only=True)
class RuntimeSettings:
    """How the outpost paces itself."""

    poll_interval: timedelta = attrs.field(
        default=timedelta(seconds=30), validator=c.positive_duration
    )
    max_backoff: timedelta = attrs.field(
        default=timedelta(minutes=15), validator=c.positive_duration
    )


@attrs.frozen(kw_only=True)
class WebhookSettings:
    """The webhook receiver: verify tokens by route, from the environment."""

    verify_tokens: dict[str, str] = attrs.field(factory=dict, validator=_env_names, repr=False)


@attrs.frozen(kw_only=True)
class RuntimeConfig:
    """Everything ``socialcx run`` needs.

    Args:
        policy: Path of the policy TOML (relative to the config file).
        playbooks: Path of a playbook TOML, if the defaults are not enough.
        store: ``"sqlite:PATH"``, ``"memory:"`` or a ``postgresql://`` DSN.
        runtime: Pacing of the outpost.
        channels: The channels to run.
        webhooks: The webhook receiver's settings.
        agents: The team, when ``socialcx run`` is the whole application (a host
            that embeds the desk adds its agents through ``desk.agents``).
    """

    policy: str | None = attrs.field(default=None)
    playbooks: str | None = attrs.field(default=None)
    store: str = attrs.field(default="sqlite:cases.db", validator=c.non_empty_str)
    runtime: RuntimeSettings = attrs.field(factory=RuntimeSettings)
    channels: tuple[ChannelConfig, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(ChannelConfig)
    )
    webhooks: WebhookSettings = attrs.field(factory=WebhookSettings)
    agents: tuple[Agent, ...] = attrs.field(
        default=(), converter=c.to_tuple, validator=c.tuple_of(Agent)
    )
    base_dir: str = attrs.field(default=".", validator=c.text)

    def __attrs_post_init__(self) -> None:
        names = [ch.name for ch in self.channels]
        duplicate = next((n for n in names if names.count(n) > 1), None)
        if duplicate is not None:
            c.fail(self, "channels", f"two channels are named {duplicate!r}")

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> RuntimeConfig:
        """Load ``socialcx.toml``; relative paths in it are relative to the file."""
        from socialcx._serialization import structure_config

        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        if "base_dir" in data:
            raise ConfigError(f"{path}: base_dir: unknown key", field="base_dir")
        data["base_dir"] = str(file.parent)
        return structure_config(data, cls, source=str(path))

    def path(self, relative: str) -> Path:
        """``relative`` resolved against the config file's folder."""
        return Path(self.base_dir) / relative

    def resolve_secrets(
        self, channel: ChannelConfig, environ: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """The channel's secrets read from the environment.

        Raises:
            ConfigError: a variable is not set (the message names it, not its value).
        """
        return _from_env(channel.secrets, environ, f"channels.{channel.name}.secrets")

    def verify_tokens(self, environ: Mapping[str, str] | None = None) -> dict[str, str]:
        """Webhook verify tokens by route, read from the environment."""
        return _from_env(self.webhooks.verify_tokens, environ, "webhooks.verify_tokens")

    def build_channels(
        self,
        *,
        environ: Mapping[str, str] | None = None,
        registry: ChannelRegistry | None = None,
        **shared: Any,
    ) -> list[Any]:
        """Build every channel through the registry.

        Each factory receives ``account`` (the brand's account, as every
        built-in adapter takes it), the channel's ``options``, its secrets, and
        ``shared`` (for example ``client=`` and ``clock=``).

        Raises:
            ConfigError: a channel type is unknown or its factory refuses the options.
        """
        found = registry or default_registry
        built = []
        for channel in self.channels:
            try:
                factory = found.load(channel.type)
            except ValidationError as exc:
                raise ConfigError(
                    f"channels[{channel.name}].type: {exc}", field=f"channels.{channel.name}.type"
                ) from exc
            kwargs = {**shared, **channel.options, **self.resolve_secrets(channel, environ)}
            try:
                built.append(factory(account=channel.account, **kwargs))
            except (TypeError, ValueError) as exc:
                # The message names the options, never their (possibly secret) values.
                raise ConfigError(
                    f"channels[{channel.name}]: the {channel.type!r} channel refused options "
                    f"{sorted(kwargs)}: {type(exc).__name__}",
                    field=f"channels.{channel.name}",
                ) from None
        return built
