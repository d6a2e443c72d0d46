"""Month 2: classical machine learning with scikit-learn, XGBoost and LightGBM.

Hand-written algorithms beside the library calls they explain (``metrics``, ``decision_tree``,
``neighbors``, ``linear_regression``, ``logistic``, ``regularization``, ``clustering``, ``pca``,
``supervised``) and three projects, each ``run(config) -> Result`` with a thin CLI:
``titanic``, ``house_prices`` and ``cluster_digits``. See this package's README for the map.
"""
