"""People in the explorer: the person switch (`as=ID`) and a claim's disagreement."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from serving import POWER, get_json, serving


@pytest.fixture
def power(tmp_path: Path) -> Path:
    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    shutil.copytree(POWER.with_name("power-seeking.people"), tmp_path / "power-seeking.people")
    return path


def test_state_as_a_person_and_the_disagreement(power: Path) -> None:
    with serving(power) as server:
        code, doc = get_json(server, "/api/state")
        assert code == 200 and doc["person"] == ""
        assert doc["people"] == {
            "carlsmith-2021": "Joe Carlsmith (2021 report)",
            "superforecasters-2023": "Superforecasters (Good Judgment, May 2023 aggregation)",
        }
        code, doc = get_json(server, "/api/state?as=superforecasters-2023")
        assert code == 200 and doc["person"] == "superforecasters-2023"
        assert doc["claims"]["ps-doom"]["credence"]["default"] == pytest.approx(0.002088)
        code, doc = get_json(server, "/api/state?as=nobody")
        assert code == 400 and "no person 'nobody'" in doc["error"]
        code, doc = get_json(server, "/api/claim?id=ps-doom&as=superforecasters-2023")
        assert code == 200
        d = doc["disagreement"]
        assert (d["a"]["person"], d["b"]["person"]) == ("superforecasters-2023", "carlsmith-2021")
        assert d["gap"] == pytest.approx(0.002088 - 0.051376, abs=1e-12)
        assert len(d["double_cruxes"]) == 3
        assert d["double_cruxes"][0]["claim"] == "ps-disempowerment"


def test_no_disagreement_without_two_people(tmp_path: Path) -> None:
    path = tmp_path / "power-seeking.yaml"
    shutil.copy(POWER, path)
    with serving(path) as server:
        code, doc = get_json(server, "/api/claim?id=ps-doom")
        assert code == 200 and doc["disagreement"] is None


def test_pooled_view(power: Path) -> None:
    with serving(power) as server:
        code, doc = get_json(server, "/api/state?as=pooled")
        assert code == 200 and doc["person"] == "pooled"
        assert doc["claims"]["ps-doom"]["credence"]["default"] == pytest.approx(
            0.010533034677575851
        )
        assert "1.1%" in doc["svg"]
        code, doc = get_json(server, "/api/claim?id=ps-doom&as=pooled")
        assert code == 200 and "choose a person" in doc["cruxes_error"]
        assert doc["disagreement"]["a"]["person"] == "carlsmith-2021"


def test_state_says_where_a_persons_numbers_come_from(power: Path) -> None:
    """Each claim or argument an overlay sets with a source carries it, as that person's."""
    with serving(power) as server:
        code, doc = get_json(server, "/api/state?as=superforecasters-2023")
        assert code == 200
        timelines = doc["claims"]["ps-timelines"]
        assert timelines["numbers_source"] == (
            "Carlsmith (2023): superforecaster aggregation, Timelines"
        )
        assert "numbers_source" not in doc["claims"]["ps-doom"]  # the overlay leaves it
        code, doc = get_json(server, "/api/state")
        assert "numbers_source" not in doc["claims"]["ps-timelines"]  # the map's own
