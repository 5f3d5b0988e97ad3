"""labeltool: label images, export datasets, and fine-tune detectors,
segmenters and classifiers on them in one window."""
__version__ = "0.1.0"
