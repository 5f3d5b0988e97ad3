"""Training in the window: the Train dialog, the worker thread that runs
the engine, the Training panel with live curves and predictions, and the
runs browser. The main window creates one :class:`~.controller.TrainingController`."""
