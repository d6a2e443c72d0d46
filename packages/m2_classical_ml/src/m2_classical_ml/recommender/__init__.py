"""A movie recommender from 100,004 MovieLens ratings: the month 2 capstone.

Two classical ways to guess what a user will like, both written out in NumPy/SciPy:

- ``als``: **matrix factorisation** by alternating least squares. Each user and each movie gets a
  short vector (plus a bias); a rating is predicted by their dot product. Fixing the movies turns
  the users' vectors into many small ridge regressions (month 2's closed form), and vice versa.
- ``knn``: **item-item nearest neighbours**. Two movies are similar when the same users rate
  them above or below their own average (cosine on mean-centred ratings); a movie is recommended
  for the neighbours among the movies you rated, which also *explains* the recommendation.

``data`` loads the ratings through the ``roadmap_data`` registry and splits them leave-last-out by
time (each user's last rating is the test item, the one before it the validation item);
``evaluate`` has RMSE, precision/recall@k and the baselines they must beat (global mean, user
mean, popularity); ``experiment`` tunes on validation and reports on test; ``cli`` is the
``recommend`` console script.
"""
