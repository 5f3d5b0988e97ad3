"""Training in the window: the Train dialog, the Training panel with live
curves and predictions, and the runs browser (the worker thread that runs
the engine is :mod:`labeltool.gui.jobs.training`). The main window creates
one :class:`~.controller.TrainingController`."""
