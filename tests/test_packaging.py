"""The distribution: a built wheel installs argmap.schema/engine/render and nothing top-level."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        cwd=out,
    )
    (whl,) = out.glob("argmap-*.whl")
    return whl


def test_wheel_layout(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("argmap-")}
    assert tops == {"argmap"}, tops
    for sub in ("schema", "engine", "render"):
        assert f"argmap/{sub}/__init__.py" in names
    assert "argmap/schema/argmap.schema.json" in names
    assert "argmap/py.typed" in names
    for module in ("commands/__init__.py", "commands/serve.py", "explorer/server.py"):
        assert f"argmap/{module}" in names, module
    for asset in ("explorer.html", "explorer.css", "explorer.js", "widgets.js"):
        assert f"argmap/render/explorer/{asset}" in names, asset


def test_wheel_installs_and_imports(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import argmap, argmap.schema, argmap.engine, argmap.render, importlib.util as u;"
        f"assert argmap.__file__.startswith({str(target)!r}), argmap.__file__;"
        f"assert argmap.engine.__file__.startswith({str(target)!r});"
        "assert u.find_spec('schema') is None and u.find_spec('engine') is None;"
        "assert u.find_spec('render') is None;"
        "from argmap.cli import main;"
        "import argmap.commands.serve;"
        "from argmap.render.html import page;"
        "assert 'ax-data' in page({'title': 't'}, 'static');"
        "print('ok')"
    )
    # PYTHONPATH puts the installed wheel ahead of the editable install's finder.
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


def test_editable_install_imports_subpackages(tmp_path: Path) -> None:
    code = (
        "import argmap.schema, argmap.engine, argmap.render, importlib.util as u;"
        "assert u.find_spec('schema') is None and u.find_spec('engine') is None;"
        "print(argmap.schema.__file__)"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert Path(res.stdout.strip()) == ROOT / "schema" / "__init__.py"


def test_console_script_and_module_agree() -> None:
    bindir = Path(sys.executable).parent
    a = subprocess.run([str(bindir / "argmap"), "--version"], capture_output=True, text=True)
    b = subprocess.run(
        [sys.executable, "-m", "argmap", "--version"], capture_output=True, text=True
    )
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout and a.stdout.startswith("argmap ")
