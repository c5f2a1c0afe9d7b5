"""socialcx.channels keeps one public surface with an honest, sorted __all__."""

from __future__ import annotations

import types

import socialcx.channels
import socialcx.testing


def _public(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }


def test_channels_all_matches_public_names() -> None:
    """Every public name of socialcx.channels is in __all__, and nothing else."""
    assert set(socialcx.channels.__all__) == _public(socialcx.channels)


def test_channels_all_is_sorted() -> None:
    """__all__ is sorted isort-style (constants, classes, functions)."""
    names = list(socialcx.channels.__all__)
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))


def test_testing_all_matches_public_names() -> None:
    """socialcx.testing exports exactly its public names."""
    assert set(socialcx.testing.__all__) == _public(socialcx.testing) - {"strategies", "contract"}


def test_testing_import_pulls_in_no_test_framework() -> None:
    """Importing socialcx.testing does not import hypothesis or pytest-only modules."""
    import subprocess
    import sys

    code = (
        "import sys, socialcx.testing, socialcx.channels;"
        "print('hypothesis' in sys.modules, 'pytest' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
