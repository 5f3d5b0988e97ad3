"""The window's one gateway to the engine.

Only the modules of this package import :mod:`engine` (an import-linter
contract in pyproject.toml holds every other GUI module to it). Each module
starts one kind of engine work from the window, or answers what a view asks
the engine:

- :mod:`.training` — a training run on a worker thread, its events as Qt signals
- :mod:`.preload` — importing what the Train dialog needs before it is opened
- :mod:`.train_setup` — what the Train dialog asks: models, devices, cached weights, project checks
- :mod:`.runs` — the project's runs: the list, the active run, resuming, saved curves
- :mod:`.predict` — pre-labelling images with a model on a worker thread
- :mod:`.report` — the model report's predictions and figures on a worker thread
- :mod:`.export` — exporting a model on a worker thread
- :mod:`.review` — judging predictions against labels, ranking the review queue
- :mod:`.sam` — click to segment: Segment Anything's embeddings and prompts on worker threads
  (:mod:`.sam_options` its settings, :mod:`.sam_boxes` boxes to masks in bulk)
- :mod:`.ocr` — reading text with PP-OCR (Read text, Re-read) on worker threads

A new kind of job (click-to-segment with cached image embeddings) is one
more module here.

Opening a project imports no torch (tests/gui/test_startup.py): at their top
these modules import only the engine's torch-free modules (config, errors, ocr, sam.catalog,
events, runs, review, checks, models.catalog); the rest (run, predict,
export, data, device, the model registry and weights) is imported inside
the functions that need it, which run on worker threads or once a dialog
opens. Views receive
plain data; an engine dataclass a view displays (an event, a report) is
named there only under ``if TYPE_CHECKING:``.
"""
