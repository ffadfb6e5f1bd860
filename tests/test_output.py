"""`-o`: what argmap does to whatever is at the output path (argmap/io.py, docs/safety.md).

Devices are nodes made with os.mknod in a temporary directory, never the machine's
own /dev: on code without these rules, as root, `-o /dev/null` replaced /dev/null.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from cli_run import run
from gitrepo import GitRepo, make_repo

import argmap.io
from argmap.cli import main

ROOT = Path(__file__).resolve().parent.parent
POWER = ROOT / "arguments" / "examples" / "power-seeking.yaml"
ROOT_ONLY = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="os.mknod of a device needs root"
)


def _device(path: Path, minor: int, kind: int = stat.S_IFCHR) -> Path:
    """A device node like /dev/null (1, 3) or /dev/full (1, 7), at ``path``."""
    os.mknod(path, kind | 0o666, os.makedev(1, minor))
    return path


@ROOT_ONLY
def test_null_device_stays_a_device(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    null = _device(tmp_path / "null", 3)
    code, _, err = run(capsys, "eval", str(POWER), "-o", str(null))
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(null).st_mode) and os.stat(null).st_rdev == os.makedev(1, 3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary file left


@ROOT_ONLY
def test_full_disk_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    full = _device(tmp_path / "full", 7)
    code, _, err = run(capsys, "eval", str(POWER), "-o", str(full))
    assert code == 1
    assert f"cannot write {full}: No space left on device" in err
    assert "internal error" not in err
    assert stat.S_ISCHR(os.stat(full).st_mode)


@ROOT_ONLY
def test_block_device_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    disk = _device(tmp_path / "disk", 0, stat.S_IFBLK)
    code, _, err = run(capsys, "eval", str(POWER), "-o", str(disk))
    assert code == 1 and "block device" in err
    assert stat.S_ISBLK(os.stat(disk).st_mode)


def test_fifo_is_written_in_place(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = run(capsys, "eval", str(POWER), "--format", "csv", "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert got and got[0].startswith(b"claim,")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_dash_and_dev_stdout_print(capsys: pytest.CaptureFixture[str]) -> None:
    # Checked first, so that code without the rule fails here instead of replacing /dev/stdout.
    assert "/dev/stdout" in argmap.io.STDOUT_NAMES
    for name in ("-", "/dev/stdout"):
        code, out, err = run(capsys, "eval", str(POWER), "--format", "csv", "-o", name)
        assert code == 0, err
        assert out.startswith("claim,")


def test_link_to_stdout_in_a_subprocess(tmp_path: Path) -> None:
    """What `-o /dev/stdout` is on Linux (a link to /proc/self/fd/1), made in a temporary
    directory: the output goes to the pipe, the link stays."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    cmd = [sys.executable, "-m", "argmap", "eval", str(POWER), "--format", "csv", "-o", str(link)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("claim,")
    assert link.is_symlink()


def test_symlink_is_written_through(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to("real.csv")
    code, _, err = run(capsys, "eval", str(POWER), "--format", "csv", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "real.csv"
    assert real.read_text().startswith("claim,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the file keeps its permissions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.csv", "real.csv"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", "-o needs a file name"),
        ("{tmp}", "it is a directory"),
        ("{tmp}/no/such/out.md", "argmap does not create directories"),
    ],
)
def test_bad_paths_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, expected: str
) -> None:
    target = name.format(tmp=tmp_path)
    code, _, err = run(capsys, "eval", str(POWER), "-o", target)
    assert code == 1, err
    assert expected in err and "internal error" not in err
    assert not (tmp_path / "no").exists()


def test_missing_directory_fails_before_the_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output is checked before the map is evaluated (a render can take minutes)."""
    import argmap.commands.eval as eval_command

    def boom(*_: object, **__: object) -> None:
        raise AssertionError("evaluated although the output cannot be written")

    monkeypatch.setattr(eval_command, "evaluate", boom)
    code, _, err = run(capsys, "eval", str(POWER), "-o", str(tmp_path / "nope" / "x.md"))
    assert code == 1 and "argmap does not create directories" in err


def test_unwritable_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anyway: deny it the way the OS would
            with pytest.MonkeyPatch.context() as mp:

                def denied(*_: object, **__: object) -> tuple[int, str]:
                    raise PermissionError(errno.EACCES, "Permission denied")

                mp.setattr(tempfile, "mkstemp", denied)
                code, _, err = run(capsys, "eval", str(POWER), "-o", str(locked / "x.md"))
        else:
            code, _, err = run(capsys, "eval", str(POWER), "-o", str(locked / "x.md"))
    finally:
        locked.chmod(0o700)
    assert code == 1, err
    assert f"cannot write {locked / 'x.md'}: Permission denied" in err


def test_any_oserror_keeps_the_old_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.md"
    target.write_text("precious")

    def fail(*_: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", fail)
    code, _, err = run(capsys, "eval", str(POWER), "-o", str(target))
    assert code == 1 and "Input/output error" in err and "internal error" not in err
    assert target.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.md"]


def test_text_is_never_written_into_a_pdf(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv in (["eval", str(POWER)], ["cruxes", "ps-doom", str(POWER)]):
        code, _, err = run(capsys, *argv, "-o", str(tmp_path / "t.pdf"))
        assert code == 1 and "not a PDF file" in err
    assert not (tmp_path / "t.pdf").exists()


def test_sensitivity_pdf_is_a_pdf(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "t.pdf"
    code, _, err = run(capsys, "sensitivity", "ps-doom", str(POWER), "-o", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF-")


def test_history_pdf_is_a_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    g: GitRepo = make_repo(tmp_path / "repo")
    g.replace("arguments/test/arguments.yaml", "strength: 0.9", "strength: 0.5")
    g.commit("weaker")
    monkeypatch.chdir(g.root)
    code, _, err = run(capsys, "history", "d", "-o", "h.pdf")
    assert code == 0, err
    assert (g.root / "h.pdf").read_bytes().startswith(b"%PDF-")


def test_dev_stderr_writes_to_the_descriptor(capfd: pytest.CaptureFixture[str]) -> None:
    # Checked first, so that code without the rule fails here instead of replacing /dev/stderr.
    assert argmap.io.descriptor_of("/dev/stderr") == 2
    code = main(["eval", str(POWER), "--format", "csv", "-o", "/dev/stderr"])
    out, err = capfd.readouterr()
    assert code == 0 and out == "" and err.startswith("claim,")


def test_dev_fd_writes_to_the_open_descriptor_in_place(tmp_path: Path) -> None:
    """`-o /dev/fd/N` (a shell's `N>file`) appends to what the shell opened, never replaces it."""
    log = tmp_path / "log.txt"
    log.write_text("before\n")
    with log.open("a") as fh:
        fd = fh.fileno()
        cmd = [sys.executable, "-m", "argmap", "eval", str(POWER), "--format", "csv"]
        done = subprocess.run(
            [*cmd, "-o", f"/dev/fd/{fd}"], pass_fds=[fd], capture_output=True, timeout=120
        )
        inode = os.fstat(fd).st_ino
    assert done.returncode == 0, done.stderr
    assert log.read_text().startswith("before\nclaim,")
    assert log.stat().st_ino == inode
    bad = subprocess.run([*cmd, "-o", "/dev/fd/99"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "Bad file descriptor" in bad.stderr


@ROOT_ONLY
def test_replaced_file_keeps_its_owner(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    os.chown(target, 12345, 23456)
    code, _, err = run(capsys, "eval", str(POWER), "--format", "csv", "-o", str(target))
    assert code == 0, err
    st = target.stat()
    assert (st.st_uid, st.st_gid) == (12345, 23456) and target.read_text().startswith("claim,")
