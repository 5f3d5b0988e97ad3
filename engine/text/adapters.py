"""The text tasks' adapters, by task (:func:`engine.tasks.adapter_for`)."""
from __future__ import annotations

from ..tasks import TaskAdapter
from .recognize import RecognitionTask
from .textdet import TextDetectionTask

TEXT_ADAPTERS: dict[str, type[TaskAdapter]] = {"recognize": RecognitionTask, "textdet": TextDetectionTask}
