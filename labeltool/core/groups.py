"""Objects drawn in several parts: shapes of one image with the same class
and the same :attr:`~.shapes.Shape.group` are one object (labelme's
``group_id``, as its ``labelme2coco`` joins them: per label and group)."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Iterable, Sequence, TypeVar

from .shapes import Shape

S = TypeVar("S", bound=Shape)
T = TypeVar("T", bound=Any)


def objects(shapes: Iterable[T], key: Callable[[T], tuple[str, int] | None] = Shape.object_key) -> list[list[T]]:
    """The objects of one image, in the order their first part comes: each
    shape without a group alone, the parts of a group together. ``key``
    gives an item's object (for items that stand for shapes: indices)."""
    out: list[list[T]] = []
    joined: dict[tuple[str, int], list[T]] = {}
    for s in shapes:
        k = key(s)
        if k is None:
            out.append([s])
        elif k in joined:
            joined[k].append(s)
        else:
            joined[k] = [s]
            out.append(joined[k])
    return out


def parts_of(shape: Shape, shapes: Sequence[Shape]) -> list[Shape]:
    """The shapes of the object ``shape`` is a part of (``[shape]`` when it
    is in no group)."""
    key = shape.object_key()
    if key is None:
        return [shape]
    return [s for s in shapes if s.object_key() == key]


def next_group(shapes: Iterable[Shape]) -> int:
    """A group number none of ``shapes`` has."""
    return max((s.group for s in shapes if s.group is not None), default=0) + 1


def renumber(shapes: Sequence[S], taken: Iterable[int]) -> list[S]:
    """``shapes`` with their group numbers moved past ``taken`` (the groups
    an image has already), each group kept together: parts imported onto an
    image do not join its existing objects by an accident of numbering."""
    taken = set(taken)
    if not taken:
        return list(shapes)
    start = max(taken) + 1
    new: dict[int, int] = {}
    out = []
    for s in shapes:
        if s.group is None:
            out.append(s)
            continue
        if s.group not in new:
            new[s.group] = start + len(new)
        out.append(replace(s, group=new[s.group]))
    return out
