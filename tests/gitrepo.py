"""A real git repository in a temporary directory, for the diff and git tests."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

MAP_CLAIMS = """\
argmap: 1
title: A test map
frames:
  hi: {text: Optimistic., weight: 0.5}
  lo: {text: Pessimistic., weight: 0.5}
claims:
  a: {text: Premise A., credence: 60%}
  b:
    text: Premise B.
    credence: 70%
    frames:
      lo: {credence: 40%}
  c: {text: Middle claim C.}
  d:
    text: Conclusion D.
    evidence:
      - {text: An observation., bits: 2}
  e: {text: Unrelated E., credence: 30%}
"""

MAP_ARGUMENTS = """\
argmap: 1
arguments:
  ab: {premises: [a, b], supports: c, strength: 0.9}
  cd: {premises: [c], supports: d, strength: 0.8}
"""


class GitRepo:
    """``git init`` in ``root`` with a user configured; helpers to write files and commit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Author")
        self.git("config", "user.email", "test@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1")
        env.pop("GIT_DIR", None)
        out = subprocess.run(
            ["git", *args], cwd=self.root, env=env, check=True, capture_output=True, text=True
        )
        return out.stdout

    def write(self, path: str, text: str) -> Path:
        full = self.root / path
        full.parent.mkdir(parents=True, exist_ok=True)
        full.write_text(text, encoding="utf-8")
        return full

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def replace(self, path: str, old: str, new: str) -> None:
        full = self.root / path
        text = full.read_text(encoding="utf-8")
        assert old in text, (old, path)
        full.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_repo(root: Path) -> GitRepo:
    """A repository with one two-file map, arguments/test/, and one example map; one commit."""
    repo = GitRepo(root)
    repo.write("arguments/test/claims.yaml", MAP_CLAIMS)
    repo.write("arguments/test/arguments.yaml", MAP_ARGUMENTS)
    repo.write(
        "arguments/examples/tiny.yaml",
        "argmap: 1\nclaims:\n  x: {credence: 50%}\n  y: {text: Y}\narguments:\n"
        "  xy: {premises: [x], supports: y, strength: 0.5}\n",
    )
    repo.write("README.md", "not a map\n")
    repo.commit("first")
    return repo
