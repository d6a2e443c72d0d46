"""MLOps extras: a DVC pipeline, a Prefect retraining flow, and a Streamlit page for a model.

- ``titanic_stages``: month 2's Titanic training cut into the four steps of a reproducible
  pipeline (data → features → train → evaluate), each a function that reads files and parameters
  and writes files, so DVC can tell which steps a change affects.
- ``dvc_template/``: the DVC project itself (``dvc.yaml``, ``params.yaml``, one small script per
  stage); ``dvc_pipeline`` (the ``dvc-pipeline`` command) copies it into a fresh git + DVC repo,
  reproduces it, pushes the cached artefacts to a local remote and pulls them back.
- ``retrain_flow``: month 3's MNIST training as a Prefect flow (read the champion → train and
  register → load and re-score what the registry now serves); the ``retrain-mnist`` command.
- ``mnist_app``: a Streamlit page that classifies an MNIST digit with month 3's model.
"""

MNIST_MODEL_ENV = "AI_ROADMAP_MNIST_MODEL"
"""Where ``mnist-app`` tells the page which model to load (a path or a models:/ URI)."""
TEST_DIGIT, UPLOAD = "an MNIST test digit", "an image of your own"
"""The page's two sources of a digit (the labels of its radio buttons)."""
