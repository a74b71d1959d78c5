"""Shared model sets in CI: a missing set skips a test locally but fails it in CI (CI=true), and
.ci/run checks every set before running pytest (issue 18: tests used to skip silently)."""
from __future__ import annotations

import re

import pytest

import conftest
from conftest import REPO, SHARED_SETS, skip_unless_shared


def test_missing_shared_set_skips_locally_and_fails_in_ci(tmp_path, monkeypatch):
    missing = tmp_path / "models" / "seed_arch"
    skip_unless_shared(tmp_path)                                   # present: nothing happens
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="shared models not found"):
        skip_unless_shared(missing)
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI needs every shared set"):
        skip_unless_shared(missing)


def test_ci_script_checks_every_shared_set():
    text = (REPO / ".ci" / "run").read_text()
    loop = re.search(r"for set in ([\w ]+); do", text)
    assert loop and set(loop.group(1).split()) == set(SHARED_SETS)
    assert "export CI=true" in text


def test_no_test_skips_on_shared_models_by_itself():
    """Every skip on a missing shared set goes through conftest.skip_unless_shared / needs_shared."""
    own = re.compile(r"skipif\(not .*(is_dir|is_file)|pytest\.skip\(.*(not found|shared|models)")
    offenders = [f"{p.relative_to(REPO)}:{i}" for p in sorted((REPO / "tests").rglob("*.py")) if p.name != "conftest.py"
                 for i, line in enumerate(p.read_text().splitlines(), 1) if own.search(line)]
    assert not offenders
