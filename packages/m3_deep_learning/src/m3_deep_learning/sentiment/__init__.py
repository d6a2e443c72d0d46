"""Sentiment: texts to padded ids, RNN/LSTM classifiers, and the comparison with TF-IDF."""
