"""Month 3: deep learning with PyTorch.

The month's basics sit at the top (``tensors``, ``autograd``, ``activations``), beside what every
command shares (``training``: the five-step loop, ``checkpoint``, ``distributed``, ``plots``;
MLflow tracking comes from the shared run kit, ``roadmap_data.runkit.tracking``); each project has
its sub-package: ``mnist``, ``transfer``, ``sentiment``.
"""
