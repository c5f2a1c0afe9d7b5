"""The public surface: ``__all__`` lists exactly the public names, sorted."""

from __future__ import annotations

import importlib
import types

import pytest

import socialcx

#: Sub-namespaces that are public on purpose (reached as ``socialcx.errors`` etc.).
PUBLIC_MODULES = {"errors"}


def _public_names(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (not isinstance(value, types.ModuleType) or name in PUBLIC_MODULES)
        and name not in {"annotations"}
    }


def test_all_matches_public_names() -> None:
    """Every public name is in ``__all__`` and every ``__all__`` entry exists."""
    public = _public_names(socialcx) | {"__version__"}
    assert set(socialcx.__all__) == public


@pytest.mark.parametrize(
    "name", ["socialcx", "socialcx.model", "socialcx.errors", "socialcx.testing"]
)
def test_all_is_sorted_and_resolvable(name: str) -> None:
    """``__all__`` is sorted (isort style) and each name resolves."""
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for item in exported:
        assert hasattr(module, item), f"{name}.{item} is listed but missing"


def test_model_all_matches_public_names() -> None:
    """``socialcx.model.__all__`` lists the model's public names."""
    assert set(socialcx.model.__all__) == _public_names(socialcx.model)


def test_core_imports_no_optional_dependency() -> None:
    """Importing socialcx pulls in none of the optional extras."""
    import sys

    for heavy in ("hypothesis", "psycopg", "feedparser", "vaderSentiment"):
        if heavy in sys.modules:
            continue  # already imported by the test run itself
        importlib.import_module("socialcx")
        assert heavy not in sys.modules


def test_a_fresh_interpreter_imports_socialcx_without_extras() -> None:
    """In a new process (nothing pre-imported), ``import socialcx`` loads no extra."""
    import subprocess
    import sys

    code = (
        "import socialcx, sys; "
        "print(sorted(m for m in ('psycopg', 'hypothesis', 'feedparser', 'vaderSentiment', "
        "'matplotlib', 'pytest') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"
