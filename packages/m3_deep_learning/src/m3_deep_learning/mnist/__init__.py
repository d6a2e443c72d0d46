"""MNIST: data in memory, the models, the train-mnist recipe and predict-mnist for your own digits."""
