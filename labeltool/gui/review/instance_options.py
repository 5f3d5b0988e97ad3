"""How pre-labelling writes an instance model's objects: as polygons,
their outlines simplified by a tolerance in pixels (editable point by
point, what most instance datasets hold), or as masks (every pixel the
model gave). A row of the Review dock, shown only while the chosen model is
an instance run (Mask R-CNN); the choice is kept per project in the store's
meta, like the Read text settings.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from labeltool.core.errors import StoreError
from labeltool.gui.jobs.project_meta import json_object

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.core.store import ProjectStore
    from labeltool.gui.jobs.predict import ModelRef
    from labeltool.gui.workspace import Workspace

OPTIONS_KEY = "review_instances"  # store meta: {"output": "polygon" | "mask", "tolerance": pixels}


@dataclass(frozen=True)
class InstanceOptions:
    output: Literal["polygon", "mask"] = "polygon"
    tolerance: float = 1.0  # pixels the simplified outline may stray from the mask's (Douglas-Peucker)

    def predict_options(self) -> dict[str, Any]:
        """The keywords of :meth:`engine.predict.Predictor.predict` (other tasks ignore them)."""
        return {"instance_output": self.output, "tolerance": self.tolerance}

    @classmethod
    def from_json(cls, text: str | None) -> "InstanceOptions":
        """The options kept in a project; what cannot be read is the default
        (a setting must never stop pre-labelling)."""
        data = json_object(text)
        try:
            output = data.get("output", "polygon")
            tolerance = float(data.get("tolerance", 1.0))
        except (ValueError, TypeError):
            return cls()
        if output not in ("polygon", "mask") or not 0.0 <= tolerance <= MAX_TOLERANCE:
            return cls()
        return cls(output, tolerance)

    def to_json(self) -> str:
        return json.dumps(asdict(self))


MAX_TOLERANCE = 20.0


def project_options(store: "ProjectStore | None") -> InstanceOptions:
    return InstanceOptions.from_json(store.get_meta(OPTIONS_KEY) if store is not None else None)


class InstanceOptionsRow(QWidget):
    """"Instances as: polygons / masks" and the polygons' tolerance."""

    def __init__(self, workspace: "Workspace", model_ref: Callable[[], "ModelRef | None"],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.model_ref = model_ref
        self.output = QComboBox()
        self.output.addItem(self.tr("polygons"), "polygon")
        self.output.addItem(self.tr("masks"), "mask")
        self.output.setToolTip(self.tr("How pre-labelling writes each object the instance model finds: a polygon "
                                       "around it (points you can move), or a mask of its pixels"))
        self.tolerance = QDoubleSpinBox()
        self.tolerance.setRange(0.0, MAX_TOLERANCE)
        self.tolerance.setSingleStep(0.5)
        self.tolerance.setDecimals(1)
        self.tolerance.setSuffix(" px")
        self.tolerance.setToolTip(self.tr("How far a polygon may stray from the model's mask to keep fewer points "
                                          "(0: a point at every pixel step)"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Instances as:")))
        row.addWidget(self.output, 1)
        row.addWidget(self.tolerance)
        self.show_options(project_options(workspace.store))
        self.output.currentIndexChanged.connect(self._changed)
        self.tolerance.valueChanged.connect(self._changed)
        workspace.projectOpened.connect(lambda _store: self.show_options(project_options(workspace.store)))
        self.follow_model()

    def show_options(self, options: InstanceOptions) -> None:
        for w in (self.output, self.tolerance):
            w.blockSignals(True)
        self.output.setCurrentIndex(max(0, self.output.findData(options.output)))
        self.tolerance.setValue(options.tolerance)
        self.tolerance.setEnabled(options.output == "polygon")
        for w in (self.output, self.tolerance):
            w.blockSignals(False)

    def options(self) -> InstanceOptions:
        return InstanceOptions(self.output.currentData(), round(self.tolerance.value(), 2))

    def follow_model(self) -> None:
        """Shown while the chosen model is an instance run, hidden otherwise."""
        ref = self.model_ref()
        self.setVisible(ref is not None and ref.task == "instance")

    def _changed(self, *_: object) -> None:
        options = self.options()
        self.tolerance.setEnabled(options.output == "polygon")
        store = self.workspace.store
        if store is None or store.readonly:
            return  # this window still uses the choice
        try:
            store.set_meta(OPTIONS_KEY, None if options == InstanceOptions() else options.to_json())
        except StoreError as e:
            self.workspace.show_status(str(e), 5000)
