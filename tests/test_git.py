"""argmap.git against real repositories: revisions, trees, blobs, renames, hostile names."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from gitrepo import GitRepo, make_repo

from argmap.git import GitError, open_repo


def test_open_resolve_and_read(tmp_path: Path) -> None:
    g = make_repo(tmp_path / "r")
    repo = open_repo(g.root / "arguments")
    assert repo.root.resolve() == g.root.resolve()
    assert repo.prefix == PurePosixPath("arguments")
    head = repo.resolve("HEAD")
    assert head == g.git("rev-parse", "HEAD").strip()
    files = repo.ls_tree(head, PurePosixPath("arguments/test"))
    assert sorted(map(str, files)) == [
        "arguments/test/arguments.yaml",
        "arguments/test/claims.yaml",
    ]
    blobs = repo.read_blobs(list(files.values()))
    texts = {str(p): blobs[oid].decode() for p, oid in files.items()}
    assert (
        texts["arguments/test/claims.yaml"] == (g.root / "arguments/test/claims.yaml").read_text()
    )
    # A file path lists that file alone.
    one = repo.ls_tree(head, PurePosixPath("arguments/examples/tiny.yaml"))
    assert list(map(str, one)) == ["arguments/examples/tiny.yaml"]


def test_default_base_is_the_merge_base_with_main(tmp_path: Path) -> None:
    g = make_repo(tmp_path / "r")
    first = g.git("rev-parse", "HEAD").strip()
    g.git("checkout", "-q", "-b", "feature")
    g.write("arguments/test/more.yaml", "argmap: 1\nclaims:\n  z: {credence: 10%}\n")
    g.commit("feature work")
    g.git("checkout", "-q", "main")
    g.write("other.txt", "main moves on\n")
    g.commit("main work")
    g.git("checkout", "-q", "feature")
    label, base = open_repo(g.root).default_base()
    assert base == first and "main" in label


def test_renames(tmp_path: Path) -> None:
    g = make_repo(tmp_path / "r")
    g.git("mv", "arguments/test/arguments.yaml", "arguments/test/args.yaml")
    g.commit("rename")
    repo = open_repo(g.root)
    changes = repo.renames(
        repo.resolve("HEAD~1"), repo.resolve("HEAD"), [PurePosixPath("arguments")]
    )
    assert changes == [
        (
            "R",
            PurePosixPath("arguments/test/arguments.yaml"),
            PurePosixPath("arguments/test/args.yaml"),
        )
    ]


@pytest.mark.parametrize(
    "name", ["HEAD;touch pwned", "--output=pwned", "-h", "$(touch pwned)", "HEAD\nHEAD", ""]
)
def test_hostile_revision_names(tmp_path: Path, name: str) -> None:
    g = make_repo(tmp_path / "r")
    repo = open_repo(g.root)
    with pytest.raises(GitError):
        repo.resolve(name)
    assert not (g.root / "pwned").exists()
    assert not Path("pwned").exists()


def test_unknown_revision_and_not_a_repository(tmp_path: Path) -> None:
    g = make_repo(tmp_path / "r")
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        open_repo(g.root).resolve("nope")
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(GitError, match="not a git repository"):
        open_repo(outside)


def test_a_tree_is_not_a_commit(tmp_path: Path) -> None:
    g: GitRepo = make_repo(tmp_path / "r")
    tree = g.git("rev-parse", "HEAD^{tree}").strip()
    with pytest.raises(GitError):
        open_repo(g.root).resolve(tree)
