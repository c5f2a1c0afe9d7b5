"""Run every network's ``parse_mentions`` over recorded real traffic.

Usage::

    python benchmarks/payloads_check.py --data /path/to/shared/data/payloads [--json]

For each network directory (``x``, ``meta``, ``mastodon``, ``bluesky``,
``reddit``) it loads the recordings:

* ``*.decoded.json``: a list of recorded exchanges
  (``method``, ``uri``, ``status``, ``response_json``); every response body
  is parsed;
* other ``*.json`` files: one body each (webhook deliveries, API objects);
* ``*.raw``: one raw webhook body (JSON).

and reports per network the posts parsed, the post-like items rejected (with
the reason), and the bodies skipped as not holding posts (with the reason).
The goal: every post parses; only non-posts are turned away.

It also checks the real signed Meta webhook vector: the signature verifies
with ``socialcx.channels.meta.verify_webhook`` and fails with one byte changed.

Exit status: 0 when no post was rejected, no parser raised anything but
``InvalidPayload`` and the signature check passed; 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from socialcx.channels import BadSignature
from socialcx.errors import InvalidPayload
from socialcx.model import ChannelRef, Mention

#: Network directory -> (module under socialcx.channels, default channel).
NETWORKS: dict[str, tuple[str, ChannelRef]] = {
    "x": ("x", ChannelRef(platform="x", account="1072250532645998596")),
    "meta": ("meta", ChannelRef(platform="facebook", account="1234567890321")),
    "mastodon": ("mastodon", ChannelRef(platform="mastodon", account="mastodonpy_test")),
    "bluesky": ("bluesky", ChannelRef(platform="bluesky", account="did:plc:brand")),
    "reddit": ("reddit", ChannelRef(platform="reddit", account="brand")),
}

IGNORED_SUFFIXES = (".txt", ".md")


def bodies(directory: Path) -> Iterator[tuple[str, Any]]:
    """Every recorded response body under ``directory``, with a label."""
    for path in sorted(directory.rglob("*")):
        if not path.is_file() or path.name.startswith("LICENSE"):
            continue
        label = str(path.relative_to(directory))
        if path.name.endswith(".decoded.json"):
            exchanges = json.loads(path.read_text(encoding="utf-8"))
            for number, exchange in enumerate(exchanges if isinstance(exchanges, list) else []):
                if not isinstance(exchange, dict) or "response_json" not in exchange:
                    continue
                where = urlsplit(str(exchange.get("uri", ""))).path
                name = (
                    f"{label}#{number} {exchange.get('method')} {where} -> {exchange.get('status')}"
                )
                yield name, exchange["response_json"]
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and "header_value" in data and "body_file" in data:
                continue  # a signature vector, checked separately
            yield label, data
        elif path.suffix == ".raw":
            yield label, json.loads(path.read_bytes())
        elif path.suffix not in IGNORED_SUFFIXES:
            yield label, path.read_bytes()


def _reason(error: BaseException) -> str:
    return str(error).splitlines()[0][:120]


def _ref_for(network: str, default: ChannelRef, body: Any) -> ChannelRef:
    if network == "meta" and isinstance(body, dict) and body.get("object") == "instagram":
        return ChannelRef(platform="instagram", account="0")
    return default


def check_network(
    network: str, module: ModuleType, directory: Path, default: ChannelRef
) -> dict[str, Any]:
    """Parse every body of one network; count mentions, rejections and skips by reason."""
    parse: Callable[..., list[Mention | InvalidPayload]] = module.parse_mentions
    result: dict[str, Any] = {
        "bodies": 0,
        "posts_parsed": 0,
        "rejected": collections.Counter(),
        "non_posts": collections.Counter(),
        "crashes": collections.Counter(),
        "examples": {},
    }
    for label, body in bodies(directory):
        result["bodies"] += 1
        try:
            items = parse(body, ref=_ref_for(network, default, body))
        except InvalidPayload as error:
            result["non_posts"][_reason(error)] += 1
            result["examples"].setdefault(_reason(error), label)
            continue
        except Exception as error:  # the point is to find parsers that leak other errors
            key = f"{type(error).__name__}: {_reason(error)}"
            result["crashes"][key] += 1
            result["examples"].setdefault(key, label)
            continue
        for item in items:
            if isinstance(item, Mention):
                result["posts_parsed"] += 1
            else:
                result["rejected"][_reason(item)] += 1
                result["examples"].setdefault(_reason(item), label)
    return result


def check_meta_signature(payloads: Path) -> dict[str, Any]:
    """The real signed vector verifies; one changed byte (body or signature) does not."""
    from socialcx.channels.meta import verify_webhook

    folder = payloads / "meta" / "whatsapp_signed"
    vector = json.loads((folder / "signed_webhook_vector.json").read_text(encoding="utf-8"))
    body = (folder / vector["body_file"]).read_bytes()
    headers = {vector["header_name"]: vector["header_value"]}
    outcome: dict[str, Any] = {"body_bytes": len(body)}
    try:
        verify_webhook(vector["app_secret"], body, headers)
        outcome["verifies"] = True
    except BadSignature as error:
        outcome["verifies"] = False
        outcome["error"] = str(error)
    tampered = bytearray(body)
    tampered[len(tampered) // 2] ^= 0x01
    try:
        verify_webhook(vector["app_secret"], bytes(tampered), headers)
        outcome["one_byte_changed_refused"] = False
    except BadSignature:
        outcome["one_byte_changed_refused"] = True
    value = vector["header_value"]
    flipped = value[:-1] + ("0" if value[-1] != "0" else "1")
    try:
        verify_webhook(vector["app_secret"], body, {vector["header_name"]: flipped})
        outcome["signature_changed_refused"] = False
    except BadSignature:
        outcome["signature_changed_refused"] = True
    outcome["ok"] = bool(
        outcome["verifies"]
        and outcome["one_byte_changed_refused"]
        and outcome["signature_changed_refused"]
    )
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, required=True, help="the payloads directory")
    parser.add_argument("--json", action="store_true", help="print one JSON report")
    args = parser.parse_args(argv)
    payloads: Path = args.data
    report: dict[str, Any] = {"networks": {}}
    ok = True
    for network, (module_name, default) in NETWORKS.items():
        directory = payloads / network
        if not directory.is_dir():
            report["networks"][network] = {"status": f"no recordings at {directory}"}
            continue
        try:
            module = importlib.import_module(f"socialcx.channels.{module_name}")
        except ImportError as error:
            report["networks"][network] = {"status": f"module not available ({error})"}
            continue
        if not callable(getattr(module, "parse_mentions", None)):
            report["networks"][network] = {"status": "module has no parse_mentions yet"}
            continue
        result = check_network(network, module, directory, default)
        result["status"] = "checked"
        report["networks"][network] = result
        ok = ok and not result["rejected"] and not result["crashes"]
    if (payloads / "meta" / "whatsapp_signed").is_dir():
        report["meta_signature"] = check_meta_signature(payloads)
        ok = ok and report["meta_signature"]["ok"]
    report["ok"] = ok
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True, default=dict))
    else:
        print_report(report)
    return 0 if ok else 1


def print_report(report: dict[str, Any]) -> None:
    for network, result in report["networks"].items():
        print(f"== {network}: {result['status']}")
        if result["status"] != "checked":
            continue
        rejected = sum(result["rejected"].values())
        skipped = sum(result["non_posts"].values())
        crashes = sum(result["crashes"].values())
        print(
            f"   bodies {result['bodies']}, posts parsed {result['posts_parsed']}, "
            f"posts rejected {rejected}, non-post bodies skipped {skipped}, crashes {crashes}"
        )
        for title, key in (
            ("rejected", "rejected"),
            ("non-posts", "non_posts"),
            ("CRASHED (not InvalidPayload)", "crashes"),
        ):
            for reason, count in result[key].most_common():
                example = result["examples"].get(reason, "")
                print(f"   {title:>9}: {count:4d} x {reason}  [e.g. {example}]")
    signature = report.get("meta_signature")
    if signature is not None:
        print(
            "== meta signature: "
            f"verifies={signature['verifies']}, "
            f"one byte changed refused={signature['one_byte_changed_refused']}, "
            f"signature changed refused={signature['signature_changed_refused']}"
        )
    print("OK" if report["ok"] else "NOT OK: some posts were rejected or a parser crashed")


if __name__ == "__main__":
    sys.exit(main())
