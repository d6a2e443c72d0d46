"""DVC stage `features` (see dvc.yaml): run from the project root by `dvc repro`.

The work is done by month 5's `titanic_stages.features_stage`, which calls month 2's code; this file
only exists so that DVC has a command to run and a script to watch (edit it: the stage reruns).
"""

from pathlib import Path

from m5_agents_mlops.mlops.titanic_stages import run_stage

run_stage("features", Path.cwd())
