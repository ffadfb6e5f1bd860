"""Running the command line in-process from a test: exit code, stdout, stderr."""

from __future__ import annotations

import pytest

from argmap.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``argmap ARGV...`` in this process; its exit code and what it printed."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
