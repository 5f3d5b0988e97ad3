"""Drawing and editing tools. Each is a small state object: the canvas view
hands it mouse and key events in image coordinates, and it answers by
previewing in the scene and, when done, asking the view to emit a new or
edited shape. Tools never write to the store."""
from .ai_mask import AiMaskTool
from .base import Tool
from .box import BoxTool
from .brush import BrushTool
from .edit import EditTool
from .polygon import PolygonTool
from .text import TextTool

TOOL_TYPES: dict[str, type[Tool]] = {t.name: t for t in (EditTool, BoxTool, PolygonTool, BrushTool, TextTool,
                                                             AiMaskTool)}

__all__ = ["TOOL_TYPES", "Tool", "AiMaskTool", "BoxTool", "BrushTool", "EditTool", "PolygonTool", "TextTool"]
