"""Recurrent sentiment classifiers: embedding → RNN or LSTM → linear, reading packed sequences.

A recurrent network reads a review one token at a time, carrying a hidden state h (a summary of
everything read so far) from step to step; the final h feeds a linear classifier::

    ids (B, T) ─► embedding (B, T, E) ─► RNN/LSTM over t = 1..length ─► h_last (B, H) ─► (B, 2)

- Vanilla RNN:  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh). Gradients flowing back through
  many tanh steps shrink geometrically, so it struggles to remember the start of long reviews.
- LSTM adds a cell state c_t changed only by gates (input i, forget f, output o, candidate g);
  when f ≈ 1 the cell carries information (and gradient) across many steps unchanged.

Padding: a batch is padded to its longest review. ``pack_padded_sequence`` tells the RNN each
review's true length, so it stops at the last real token and ``h_n`` is the state after *that*
token, not after a run of ``<pad>``\\s. ``lstm_from_scratch`` and ``rnn_from_scratch`` write out
the recurrences with the library module's own weights; the tests check that both agree.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM}


class SequenceClassifier(nn.Module):
    """Embedding → one recurrent layer (``cell`` = "rnn" or "lstm") → dropout → linear."""

    def __init__(
        self,
        vocab_size: int,
        num_classes: int = 2,
        cell: str = "lstm",
        embed_dim: int = 64,
        hidden_size: int = 64,
        dropout: float = 0.3,
    ) -> None:
        super().__init__()
        self.cell = cell
        # padding_idx=0: the <pad> row stays a zero vector and never receives a gradient.
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.rnn = CELLS[cell](embed_dim, hidden_size, batch_first=True)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size, num_classes)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits (B, classes) for right-padded token ids (B, T) (id 0 = padding).

        Lengths are recovered from the ids themselves: every real token has an id ≥ 1, so the
        model can be called as ``model(ids)`` like any other classifier in the shared loop.
        """
        lengths = (ids != 0).sum(dim=1).clamp(min=1).cpu()  # (B,): pack wants them on the CPU
        x = self.embedding(ids)  # (B, T, E)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, state = self.rnn(packed)  # LSTM: (h_n, c_n), RNN: h_n; h_n is (layers, B, H)
        h_last = state[0] if self.cell == "lstm" else state  # (1, B, H)
        return self.head(self.dropout(h_last[-1]))  # (B, classes)


def rnn_from_scratch(x: torch.Tensor, rnn: nn.RNN) -> torch.Tensor:
    """All hidden states (B, T, H) of a one-layer ``nn.RNN`` (batch_first), computed by hand."""
    w_ih, w_hh = rnn.weight_ih_l0, rnn.weight_hh_l0  # (H, E), (H, H)
    b = rnn.bias_ih_l0 + rnn.bias_hh_l0  # (H,)
    h = x.new_zeros(x.shape[0], rnn.hidden_size)  # (B, H): h_0 = 0
    states = []
    for t in range(x.shape[1]):
        h = torch.tanh(x[:, t] @ w_ih.T + h @ w_hh.T + b)  # (B, H)
        states.append(h)
    return torch.stack(states, dim=1)  # (B, T, H)


def lstm_from_scratch(x: torch.Tensor, lstm: nn.LSTM) -> tuple[torch.Tensor, torch.Tensor]:
    """All hidden states (B, T, H) and the last cell state (B, H) of a one-layer ``nn.LSTM``.

    PyTorch stores the four gates' weights stacked in the order input, forget, cell (g), output.
    """
    w_ih, w_hh = lstm.weight_ih_l0, lstm.weight_hh_l0  # (4H, E), (4H, H)
    b = lstm.bias_ih_l0 + lstm.bias_hh_l0  # (4H,)
    batch, hidden = x.shape[0], lstm.hidden_size
    h, c = x.new_zeros(batch, hidden), x.new_zeros(batch, hidden)  # (B, H) each
    states = []
    for t in range(x.shape[1]):
        gates = x[:, t] @ w_ih.T + h @ w_hh.T + b  # (B, 4H)
        i, f, g, o = gates.chunk(4, dim=1)  # each (B, H)
        i, f, o = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)  # gates in (0, 1)
        c = f * c + i * torch.tanh(g)  # keep part of the old memory, write part of the new
        h = o * torch.tanh(c)  # expose part of the memory as the output
        states.append(h)
    return torch.stack(states, dim=1), c
