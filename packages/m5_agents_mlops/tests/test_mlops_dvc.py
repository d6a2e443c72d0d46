"""The DVC pipeline: month 2's Titanic stages learn, and DVC reruns exactly what a change touches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m5_agents_mlops.cli.dvc_pipeline import DvcPipelineConfig
from m5_agents_mlops.mlops import dvc_project, titanic_stages
from m5_agents_mlops.mlops.dvc_project import TEMPLATE, PipelineError
from roadmap_data.errors import ConfigError


def test_stages_in_process_learn_and_keep_the_test_split_apart(tmp_path: Path) -> None:
    """The four stage functions, called as DVC would (files in, files out), on real passengers."""
    titanic_stages.data_stage(tmp_path)
    train_path, test_path = titanic_stages.features_stage(tmp_path, test_size=0.25, seed=0)
    titanic_stages.train_stage(tmp_path, model="logistic", seed=0)
    report = titanic_stages.evaluate_stage(tmp_path)

    train, test = (path.read_text().splitlines() for path in (train_path, test_path))
    assert len(train) - 1 + len(test) - 1 == 1309  # every passenger in exactly one split
    assert report["n_test"] == 328
    # A real model: far above "everyone died" (62 %) and near the women-survive rule.
    assert report["accuracy"] > 0.75
    assert report["roc_auc"] > 0.80
    assert report["accuracy"] >= report["gender_rule_accuracy"] - 0.03
    assert json.loads((tmp_path / titanic_stages.METRICS).read_text()) == report


def test_template_stages_read_params_that_exist() -> None:
    """Every ``params:`` key of dvc.yaml is in params.yaml, every stage script is in the template."""
    from dvc.utils.serialize import load_yaml

    pipeline = load_yaml(TEMPLATE / "dvc.yaml")
    params = load_yaml(TEMPLATE / "params.yaml")
    assert list(pipeline["stages"]) == ["data", "features", "train", "evaluate"]
    for name, stage in pipeline["stages"].items():
        for key in stage.get("params", []):
            section, field = key.split(".")
            assert section == name and field in params[section], key
        script = stage["cmd"].split()[-1]
        assert (TEMPLATE / script).is_file() and script in stage["deps"]


def test_set_params_keeps_comments_and_refuses_typos(tmp_path: Path) -> None:
    (tmp_path / "params.yaml").write_text((TEMPLATE / "params.yaml").read_text())
    applied = dvc_project.set_params(tmp_path, {"train.n_estimators": "50", "data.rows": "null"})
    assert applied == {"train.n_estimators": 50, "data.rows": None}
    text = (tmp_path / "params.yaml").read_text()
    assert "n_estimators: 50" in text and "# held-out passengers" in text
    with pytest.raises(PipelineError, match=r"no 'train\.n_estimator'"):
        dvc_project.set_params(tmp_path, {"train.n_estimator": "5"})
    with pytest.raises(ConfigError, match=r"SECTION\.KEY=VALUE"):
        DvcPipelineConfig.preset("tiny", overrides=("n_estimators=5",))


def test_a_project_is_never_made_in_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(PipelineError, match="not empty"):
        dvc_project.create_project(tmp_path, tmp_path.with_name("remote"), fresh=True)
    assert (tmp_path / "notes.txt").read_text() == "mine"  # fresh deletes only our own projects


def test_repro_runs_a_stage_once_and_again_only_when_its_params_change(tmp_path: Path) -> None:
    """Real `dvc repro data` (one stage process, the cheap one): runs; again → nothing; a param
    it reads changed → runs; set to the same value → nothing; push sends its one output."""
    project, remote = tmp_path / "project", tmp_path / "remote"
    dvc_project.create_project(project, remote)
    config = (project / ".dvc" / "config").read_text()
    assert "analytics = False" in config and "check_update = False" in config
    dvc_project.set_params(project, {"data.rows": "300"})

    assert dvc_project.reproduce(project, "data") == ["data"]
    assert len((project / titanic_stages.PASSENGERS).read_text().splitlines()) == 1 + 300
    assert dvc_project.reproduce(project, "data") == []  # nothing changed: nothing runs
    dvc_project.set_params(project, {"data.rows": "200"})
    assert dvc_project.reproduce(project, "data") == ["data"]
    assert len((project / titanic_stages.PASSENGERS).read_text().splitlines()) == 1 + 200
    dvc_project.set_params(project, {"data.rows": "200"})  # same value: no change
    assert dvc_project.reproduce(project, "data") == []
    assert dvc_project.push(project, "data") == 1  # data/passengers.csv
    assert (project / "dvc.lock").is_file() and "train" not in (project / "dvc.lock").read_text()


@pytest.mark.extended
def test_repro_skips_what_did_not_change_and_push_pull_round_trips(tmp_path: Path) -> None:
    """dvc repro → metrics; again → nothing; a train param → train + evaluate only; a features
    param → features onwards; push, delete cache and outputs, pull → identical (status clean)."""
    project, remote = tmp_path / "project", tmp_path / "remote"
    dvc_project.create_project(project, remote)
    config = (project / ".dvc" / "config").read_text()
    assert "analytics = False" in config and "check_update = False" in config
    dvc_project.set_params(project, {"train.n_estimators": "30"})  # fewer trees: a quicker test

    assert dvc_project.reproduce(project) == ["data", "features", "train", "evaluate"]
    first = json.loads((project / "metrics.json").read_text())
    assert first["accuracy"] > 0.75
    assert dvc_project.reproduce(project) == []  # nothing changed: nothing runs

    dvc_project.set_params(project, {"train.n_estimators": "60"})
    assert dvc_project.reproduce(project) == ["train", "evaluate"]
    dvc_project.set_params(project, {"train.n_estimators": "60"})  # same value: no change
    assert dvc_project.reproduce(project) == []

    model = (project / titanic_stages.MODEL).read_bytes()
    assert dvc_project.push(project) == 4  # passengers, 2 feature tables, model
    assert dvc_project.round_trip(project) == 4
    assert (project / titanic_stages.MODEL).read_bytes() == model
    assert dvc_project.status(project) == {}
    assert dvc_project.reproduce(project) == []  # the pulled files are the ones dvc.lock names


def test_cli_bad_input_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    from m5_agents_mlops.cli.dvc_pipeline import main

    assert main(["--set", "n_estimators=5"]) == 2
    assert capsys.readouterr().err.startswith("error: --set 'n_estimators=5'")
