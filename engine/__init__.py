"""Training and inference, pure PyTorch (no Qt). The GUI, the CLI and
``torchrun`` all run this same code.

Map: ``run.train`` (entry: project + TrainConfig -> run folder) assembles
``data`` (datasets from a store snapshot), ``transforms`` (v2 pipelines),
``models`` (registry, U-Net, pretrained weights), ``optim`` (optimiser and
schedule) and ``tasks`` (loss, metrics and predictions per task) for the
``trainer`` (one loop, events from ``events``, stop decisions reduced by
``distributed``). ``checkpoint`` reads and writes ``best.pt``/``last.pt``
(weights only), ``runs`` lists run folders, ``predict.Predictor`` turns a run
into core shapes, ``callbacks`` holds the metrics file / TensorBoard / JSON
lines listeners, and ``cli`` + ``__main__`` are the headless front.
"""
