"""Month 3: deep learning with PyTorch.

The month's basics sit at the top (``tensors``, ``autograd``, ``activations``), beside what every
command shares (``training``: the five-step loop, ``checkpoint``, ``tracking``, ``distributed``,
``plots``); each project has its sub-package: ``mnist``, ``transfer``, ``sentiment``.
"""
