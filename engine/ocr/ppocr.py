"""PP-OCR's detector, direction classifier and recogniser as the
``rapidocr`` wheel ships them (PP-OCRv6 small det/rec, the mobile direction
classifier; ONNX files run by ONNX Runtime on the CPU).

rapidocr's stages (``TextDetector``, ``TextClassifier``,
``TextRecognizer``) are called one by one rather than through ``RapidOCR``,
which runs them only as a chain; the pre- and post-processing around the
detector is rapidocr's own, so quads come out as ``RapidOCR()(image)``
finds them. Every model file is named explicitly: rapidocr downloads a
model it cannot find, and this must run offline or fail with a message.

rapidocr works in BGR (OpenCV's order, which PaddleOCR trained on); these
wrappers take and give RGB, the engine's order.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from .reader import OcrEngine, OcrSettings


def _bgr(rgb: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(rgb[..., ::-1])


class PPOCRDetector:
    """DB text detection, with rapidocr's resizing into [min_side_len,
    max_side_len] and its padding of very wide images, mapped back to the
    image's pixels."""

    def __init__(self, stage: Any, global_cfg: Any):
        self.stage = stage
        self.cfg = global_cfg

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        from rapidocr.utils.process_img import (apply_vertical_padding, map_boxes_to_original,
                                                resize_image_within_bounds)

        h, w = image.shape[:2]
        img, ratio_h, ratio_w = resize_image_within_bounds(_bgr(image), self.cfg.min_side_len,
                                                           self.cfg.max_side_len)
        record: dict[str, Any] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
        if self.cfg.use_vertical_padding:
            img, record = apply_vertical_padding(img, record, self.cfg.width_height_ratio, self.cfg.min_height)
        found = self.stage(img)
        if found.boxes is None or len(found.boxes) == 0:
            return []
        boxes = map_boxes_to_original(np.asarray(found.boxes, dtype=np.float32), record, h, w)
        return list(boxes)


class PPOCRDirection:
    """The 0/180 degree classifier: turns crops it is sure are upside down."""

    def __init__(self, stage: Any):
        self.stage = stage

    def upright(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        return [_bgr(c) for c in self.stage([_bgr(c) for c in crops]).img_list]


class PPOCRRecognizer:
    """CTC text recognition, batched by width as rapidocr does."""

    def __init__(self, stage: Any):
        self.stage = stage

    @property
    def characters(self) -> list[str]:
        """What the recogniser can write (its dictionary and the space)."""
        return list(self.stage.postprocess_op.character[1:])  # [0] is CTC's blank

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        if not crops:
            return []
        out = self.stage(TextRecInput(img=[_bgr(c) for c in crops], return_word_box=False))
        return [(str(text), float(score)) for text, score in zip(out.txts, out.scores)]


def load_ppocr(settings: OcrSettings) -> OcrEngine:
    """The three PP-OCR stages with ``settings`` (takes seconds)."""
    from rapidocr.ch_ppocr_cls import TextClassifier
    from rapidocr.ch_ppocr_det import TextDetector
    from rapidocr.ch_ppocr_rec import TextRecognizer

    cfg = _config(settings)
    detector: Any
    if settings.det_run is not None:  # a text detector trained here finds the quads (engine.text)
        from ..text.ocr_steps import RunTextDetector

        detector = RunTextDetector.load(settings.det_run, box_threshold=settings.box_threshold)
    else:
        detector = PPOCRDetector(TextDetector(cfg.Det), cfg.Global)
    orienter = PPOCRDirection(TextClassifier(cfg.Cls)) if settings.use_direction_classifier else None
    if settings.rec_run is not None:  # a recogniser trained here reads the quads (engine.text)
        from ..text.ocr_steps import RunRecognizer

        return OcrEngine(detector, RunRecognizer.load(settings.rec_run), orienter, min_score=settings.min_score)
    rec_stage = TextRecognizer(cfg.Rec)
    if settings.rec_keys is not None:
        from rapidocr.ch_ppocr_rec.utils import CTCLabelDecode

        # rapidocr prefers a list embedded in the ONNX file; one the user
        # names on purpose wins.
        rec_stage.postprocess_op = CTCLabelDecode(character_path=settings.rec_keys)
    return OcrEngine(detector, PPOCRRecognizer(rec_stage), orienter, min_score=settings.min_score)


def _config(settings: OcrSettings) -> Any:
    import rapidocr
    from rapidocr.utils.log import logger
    from rapidocr.utils.parse_parameters import ParseParams

    # rapidocr logs every model it opens at INFO on stderr, in colour; the
    # command line and the window say what they do themselves.
    logger.setLevel(logging.WARNING)
    root = Path(rapidocr.__file__).resolve().parent
    cfg = ParseParams.load(root / "config.yaml")
    cfg.Det.box_thresh = settings.box_threshold
    cfg.Det.unclip_ratio = settings.unclip_ratio
    ort = cfg.EngineConfig.onnxruntime
    if settings.threads is not None:
        ort.intra_op_num_threads = settings.threads
    for section in (cfg.Det, cfg.Cls, cfg.Rec):
        section.engine_cfg = ort
        section.model_root_dir = str(root / "models")
        section.model_path = str(_shipped_model(section, root / "models"))
    cfg.Rec.font_path = None  # read by rapidocr's drawing of results, which is never used here
    if settings.rec_model is not None:
        cfg.Rec.model_path = str(settings.rec_model)
        cfg.Rec.rec_img_shape = [3, _check_recognizer(settings.rec_model, settings.rec_keys), 320]
        if settings.rec_keys is not None:
            cfg.Rec.rec_keys_path = str(settings.rec_keys)
    return cfg


def _shipped_model(section: Any, models: Path) -> Path:
    """The file rapidocr's config names for ``section``, in the wheel."""
    from rapidocr.inference_engine.base import FileInfo, InferSession

    info = InferSession.get_model_url(FileInfo(engine_type=section.engine_type, ocr_version=section.ocr_version,
                                               task_type=section.task_type, lang_type=section.lang_type,
                                               model_type=section.model_type))
    path = models / Path(str(info["model_dir"])).name
    if not path.is_file():
        raise ConfigError(f"the PP-OCR model {path.name} is missing from {models}: reinstall rapidocr "
                          "(pip install --force-reinstall rapidocr)")
    return path


def _check_recognizer(model: Path, keys: Path | None) -> int:
    """Check a recogniser file the user named before rapidocr opens it
    (rapidocr would try to download a missing character list); returns
    its input height."""
    import onnx

    if not model.is_file():
        raise ConfigError(f"recogniser {model} does not exist")
    try:
        proto = onnx.load(str(model), load_external_data=False)
    except Exception as e:  # protobuf's DecodeError and friends: not an ONNX file
        raise ConfigError(f"recogniser {model} is not an ONNX model ({type(e).__name__})") from None
    if keys is not None:
        if not keys.is_file():
            raise ConfigError(f"character list {keys} does not exist")
        characters = keys.read_text(encoding="utf-8").splitlines()
    else:
        meta = {p.key: p.value for p in proto.metadata_props}
        if "character" not in meta:
            raise ConfigError(f"recogniser {model.name} holds no character list: give its dictionary file "
                              "(e.g. ppocr_keys_v1.txt) as the character list")
        characters = meta["character"].splitlines()
    dims = _dims(proto.graph.output[0])
    if len(dims) != 3:
        raise ConfigError(f"recogniser {model.name} does not write character scores along a line: is it a PP-OCR "
                          "recogniser (not a detector or classifier)?")
    # CTC's classes: the blank, each character, the space rapidocr appends.
    if dims[2] and dims[2] != len(characters) + 2:
        raise ConfigError(f"the character list has {len(characters)} characters but recogniser {model.name} "
                          f"writes {dims[2] - 2}: give the list it was trained with")
    inputs = _dims(proto.graph.input[0])
    if len(inputs) != 4 or inputs[1] not in (0, 3):
        raise ConfigError(f"recogniser {model.name} does not take images (N, 3, H, W): is it a PP-OCR recogniser?")
    return inputs[2] or 48  # PP-OCRv3 and later read 48-pixel lines


def _dims(value_info: Any) -> list[int]:
    """The static dimensions of an ONNX input/output (0 where dynamic)."""
    return [d.dim_value for d in value_info.type.tensor_type.shape.dim]
