"""docs/connectors.md shows the connector that the contract suite actually runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "connectors.md"
SOURCE = Path(__file__).with_name("acme_connector.py")


def _blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.skipif(not DOC.exists(), reason="docs are not shipped with this checkout")
def test_documented_connector_is_the_tested_one() -> None:
    """Every line of the documented connector appears, in order, in the tested module."""
    blocks = [b for b in _blocks(DOC.read_text()) if "class AcmeChannel" in b]
    assert len(blocks) == 1
    source = SOURCE.read_text().splitlines()
    position = 0
    for line in blocks[0].splitlines():
        if not line.strip():
            continue
        position = source.index(line, position) + 1  # raises ValueError if missing or reordered


@pytest.mark.skipif(not DOC.exists(), reason="docs are not shipped with this checkout")
def test_documented_code_blocks_compile() -> None:
    """Every python block in the connector guide is valid syntax (top-level await allowed)."""
    import ast

    for block in _blocks(DOC.read_text()):
        ast.parse(block.replace("await ", ""))
