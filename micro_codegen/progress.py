"""Progress hooks for the slow steps of a run (generate, build, boot, cases).

``api.validate`` / ``api.run`` and ``validate.run.run_project`` call them; the CLI subclasses
:class:`Progress` to print them on stderr. A leaf module (standard library only).
"""
from __future__ import annotations

import contextlib


class Progress:
    """Hooks for the slow steps of a run (the CLI prints them on stderr); these do nothing.

    ``step(name)`` is a context manager around one step ("generate", "build", "boot", "cases");
    ``case(done, total)`` is called after each case."""

    def step(self, name: str):
        return contextlib.nullcontext()

    def case(self, done: int, total: int) -> None:
        pass


NO_PROGRESS = Progress()
