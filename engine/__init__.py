"""Training and inference, pure PyTorch (no Qt). The GUI, the CLI and
``torchrun`` all run this same code."""
