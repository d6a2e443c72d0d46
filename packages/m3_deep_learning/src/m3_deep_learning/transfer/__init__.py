"""Transfer learning: ImageNet backbones on a few hundred digits (head, fine-tune, from scratch)."""
