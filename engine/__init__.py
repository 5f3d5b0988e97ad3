"""Training and inference, pure PyTorch (no Qt). The GUI, the CLI and
``torchrun`` all run this same code.

Map: ``run.train`` (entry: project + TrainConfig -> run folder) assembles
``data`` (datasets from a store snapshot), ``transforms`` (v2 pipelines),
``models`` (registry, U-Net, pretrained weights), ``optim`` (optimiser and
schedule) and ``tasks`` (loss, metrics and predictions per task) for the
``trainer`` (one loop, events from ``events``, stop decisions reduced by
``distributed``). ``checkpoint`` reads and writes ``best.pt``/``last.pt``
(weights only), ``runs`` is the run folder (config, checkpoints, metrics,
the active run; no torch), ``predict.load_model`` turns a run or an export
into a ``Predictor`` of core shapes, ``callbacks`` holds the metrics file /
TensorBoard / JSON lines listeners, and ``cli`` + ``__main__`` are the
headless front, which ``labeltool train/predict/export-model`` register.
"""
