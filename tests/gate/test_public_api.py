"""``socialcx.gate`` lists exactly its public names, sorted."""

from __future__ import annotations

import types

import socialcx.gate
import socialcx.playbooks


def _public(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }


def test_gate_all_matches_public_names() -> None:
    """Every public name of the gate is exported, sorted isort-style."""
    for module in (socialcx.gate, socialcx.playbooks):
        assert set(module.__all__) == _public(module)
        exported = list(module.__all__)
        assert exported == sorted(exported, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
