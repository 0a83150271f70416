"""Running the ``ccbench`` command in-process and checking its one-line errors."""

from __future__ import annotations

import pytest

from ccbench.cli import main


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run ``ccbench argv``; assert exit 2 with exactly one stderr line; return that line."""
    code = main(list(argv))
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith(f"ccbench {argv[0]}: error: "), err
    return err.strip()


def forbid(monkeypatch: pytest.MonkeyPatch, owner: object, name: str, what: str) -> None:
    """Make ``owner.name`` fail the test when called: ``what`` must not happen (e.g. the
    replications of a command whose output is refused beforehand)."""

    def boom(*_: object, **__: object) -> None:
        raise AssertionError(f"{what} although the command should have stopped before")

    monkeypatch.setattr(owner, name, boom)
