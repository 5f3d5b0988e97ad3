"""Text models trained on the project's text regions (issue 16).

* task ``recognize``: a CRNN (convolutions + BiLSTM + CTC) reads rectified
  crops of text quads (:mod:`.crnn`, :mod:`.lines`, :mod:`.recognize`);
  its character set is built from the transcriptions (:mod:`.regions`,
  torch-free) and travels as the run's ``classes``.
* task ``textdet``: the U-Net predicts a shrunk text-kernel map, DBNet's
  way; quads come back through ``cv2.minAreaRect`` after the kernel is
  grown again (:mod:`.kernels`, :mod:`.textdet`), judged by ICDAR 2015's
  precision / recall / hmean (:mod:`.icdar`, torch-free).
* :mod:`.ocr_steps`: a trained recogniser (and detector) as steps of
  :class:`engine.ocr.OcrEngine`; :mod:`.cli`: ``labeltool predict`` with a
  recogniser run.

Importing this package imports nothing heavy: each module imports what it uses.
"""
