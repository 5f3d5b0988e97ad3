"""The annotation model: plain dataclasses, no Qt, no torch."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from labeltool.core import Box, ImageTag, Mask, Polygon, Source, TextRegion
from labeltool.core.shapes import shape_from_dict, shape_to_dict

coord = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)


def test_box_is_normalised_whatever_way_it_was_dragged():
    b = Box(label="人", x1=10, y1=30, x2=2, y2=5)
    assert (b.x1, b.y1, b.x2, b.y2) == (2, 5, 10, 30)
    assert b.area == 8 * 25


def test_polygon_area_is_shoelace_and_orientation_free():
    sq = [(0, 0), (4, 0), (4, 3), (0, 3)]
    assert Polygon(label="a", points=sq).area == 12
    assert Polygon(label="a", points=sq[::-1]).area == 12
    assert Polygon(label="a", points=sq[:2]).area == 0


def test_mask_round_trips_through_coco_rle():
    a = np.zeros((30, 40), bool)
    a[5:15, 10:30] = True
    m = Mask.from_array(a, label="m")
    assert isinstance(m.rle["counts"], str)
    assert m.size == (30, 40)
    assert m.area == 200
    assert m.bounds() == (10, 5, 30, 15)
    assert np.array_equal(m.to_array(), a)


def test_uncompressed_coco_rle_is_accepted():
    a = np.zeros((4, 3), bool)
    a[1:3, 1] = True
    # column-major run lengths: 5 zeros, 2 ones, 5 zeros
    m = Mask(label="crowd", rle={"size": [4, 3], "counts": [5, 2, 5]})
    assert np.array_equal(m.to_array(), a)


def test_empty_mask_has_no_bounds():
    assert Mask.from_array(np.zeros((5, 5), bool), label="m").bounds() is None


def test_text_region_needs_four_points():
    with pytest.raises(ValueError, match="4 points"):
        TextRegion(label="text", points=[(0, 0), (1, 0), (1, 1)])


def test_copy_gives_a_fresh_id_but_keeps_geometry():
    b = Box(label="a", x1=1, y1=2, x2=3, y2=4)
    c = b.copy()
    assert c.id != b.id and c.bounds() == b.bounds()
    assert b.copy(id=b.id).id == b.id


@given(coord, coord, coord, coord, st.text(min_size=1, max_size=8).filter(str.strip),
       st.booleans(), st.none() | st.floats(0, 1))
def test_every_kind_round_trips_through_dict(x1, y1, x2, y2, label, difficult, score):
    source = Source.from_model("run-1", score) if score is not None else Source()
    shapes = [
        Box(label=label, x1=x1, y1=y1, x2=x2, y2=y2, difficult=difficult, source=source),
        Polygon(label=label, points=[(x1, y1), (x2, y1), (x2, y2)], truncated=difficult),
        TextRegion(label=label, points=[(x1, y1), (x2, y1), (x2, y2), (x1, y2)], transcription="文字 ok"),
        ImageTag(label=label, attributes={"note": "保留"}),
    ]
    for s in shapes:
        assert shape_from_dict(shape_to_dict(s)) == s


def test_mask_round_trips_through_dict():
    m = Mask.from_array(np.eye(7, dtype=bool), label="diag")
    assert shape_from_dict(shape_to_dict(m)) == m
