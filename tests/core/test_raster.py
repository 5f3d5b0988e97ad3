"""labeltool.core.raster: one pixel convention (COCO's, as pycocotools
rasterises) for every shape kind, the label map of several shapes, and
masks traced back to polygons that cover the same pixels."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pycocotools import mask as mask_utils

from labeltool.core import grabcut, raster
from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, Source, TextRegion

H, W = 60, 80
coord = st.floats(-15, 95, allow_nan=False, allow_infinity=False)
polygons = st.lists(st.tuples(coord, coord), min_size=3, max_size=12)


def _coco_area(points, h=H, w=W) -> int:
    """What pycocotools (and so every COCO reader) counts for a polygon."""
    rle = mask_utils.frPyObjects([[float(v) for p in points for v in p]], h, w)
    return int(mask_utils.area(mask_utils.merge(rle)))


@settings(max_examples=300, deadline=None)
@given(polygons)
def test_polygon_pixels_are_cocos(points):
    poly = Polygon(label="a", points=points)
    expected = _coco_area(points)
    got = [int(raster.shape_mask(poly, H, W).sum()),
           int(mask_utils.area(raster.shape_rle(poly, H, W))),
           int((raster.label_map([(poly, 1)], H, W) == 1).sum())]
    # The pinned convention: within 1 % of COCO's count (in fact the same).
    assert all(abs(g - expected) <= 0.01 * expected for g in got), (got, expected)
    assert got == [expected] * 3


@settings(max_examples=200, deadline=None)
@given(st.floats(-5, 70), st.floats(-5, 50), st.floats(0, 40), st.floats(0, 40))
def test_box_polygon_and_mask_of_one_region_are_the_same_pixels(x, y, w, h):
    box = Box(label="a", x1=x, y1=y, x2=x + w, y2=y + h)
    a = raster.shape_mask(box, H, W)
    assert (raster.shape_mask(Polygon(label="a", points=raster.box_polygon(*box.bounds())), H, W) == a).all()
    assert (raster.shape_mask(TextRegion(label="a", points=raster.box_polygon(*box.bounds())), H, W) == a).all()
    coco_box = mask_utils.frPyObjects(np.array([[x, y, w, h]], dtype=np.float64), H, W)[0]
    assert (mask_utils.decode(coco_box).astype(bool) == a).all()  # COCO's bbox rasterisation
    assert (raster.shape_mask(Mask.from_array(a, label="a"), H, W) == a).all()


def test_a_pixel_is_covered_when_its_centre_is_inside():
    # Box (2.4, 3.6)-(12.4, 8.6): centres 2.5 .. 11.5 across, 4.5 .. 8.5 down.
    a = raster.shape_mask(Box(label="a", x1=2.4, y1=3.6, x2=12.4, y2=8.6), 20, 20)
    rows, cols = np.nonzero(a)
    assert (cols.min(), cols.max(), rows.min(), rows.max()) == (2, 11, 4, 8)
    whole = raster.shape_mask(Box(label="a", x1=2, y1=3, x2=12, y2=8), 20, 20)
    assert whole.sum() == 10 * 5 and whole[3:8, 2:12].all()  # integer box: exactly its w x h pixels


def test_label_map_later_shapes_paint_over_earlier_ones():
    big = Box(label="a", x1=0, y1=0, x2=40, y2=30)
    small = Polygon(label="b", points=[(10, 10), (20, 10), (20, 20), (10, 20)])
    m = np.zeros((H, W), bool)
    m[25:50, 30:70] = True
    mask = Mask.from_array(m, label="c")
    out = raster.label_map([(big, 1), (small, 2), (mask, 3), (ImageTag(label="t"), 9)], H, W)
    assert out.dtype == np.uint8 and out.shape == (H, W) and out.flags.c_contiguous
    assert (out == 2).sum() == 100 and (out[10:20, 10:20] == 2).all()
    assert (out == 3).sum() == m.sum()
    assert (out == 1).sum() == 40 * 30 - 100 - (m[:30, :40]).sum()
    assert 9 not in out
    under = raster.label_map([(mask, 3), (big, 1)], H, W)  # the other order: the box wins
    assert (under[:30, :40] == 1).all()


def test_label_map_fits_a_mask_of_another_size_by_position():
    # An image replaced by a larger one: the mask stays where it was, as
    # polygon coordinates do (not stretched).
    m = np.zeros((20, 30), bool)
    m[5:10, 5:10] = True
    out = raster.label_map([(Mask.from_array(m, label="a"), 1)], H, W)
    assert out.sum() == 25 and (out[5:10, 5:10] == 1).all()
    assert raster.shape_mask(Mask.from_array(m, label="a"), 8, 8).sum() == 9  # cropped


def test_degenerate_polygons_cover_nothing():
    for points in ([], [(1, 1)], [(1, 1), (30, 30)]):  # pycocotools would read 4 numbers as a box
        p = Polygon(label="a", points=points)
        assert raster.shape_mask(p, H, W).sum() == 0
        assert raster.label_map([(p, 1)], H, W).sum() == 0
    assert raster.shape_mask(ImageTag(label="t"), H, W) is None


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.floats(0, 1), st.integers(0, 2**32 - 1))
def test_runs_decoded_from_rle_are_pycocotools_pixels(h, w, density, seed):
    a = np.random.default_rng(seed).random((h, w)) < density
    out = raster.label_map([(Mask.from_array(a, label="a"), 7)], h, w)
    assert ((out == 7) == a).all() and ((out == 0) == ~a).all()


def _filled(m: np.ndarray) -> np.ndarray:
    """``m`` with its holes filled (background not reachable from outside)."""
    import cv2

    pad = np.pad(m, 1).astype(np.uint8)
    cv2.floodFill(pad, np.zeros((pad.shape[0] + 2, pad.shape[1] + 2), np.uint8), (0, 0), 2)
    return (pad != 2)[1:-1, 1:-1]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 50), st.integers(1, 50), st.floats(0.02, 0.98), st.integers(0, 2**32 - 1))
def test_traced_polygons_rasterise_back_to_the_mask(h, w, density, seed):
    # Random specks and blobs (8-connected parts, diagonal touches, one
    # pixel lines): the outlines cover exactly the mask's pixels, holes filled.
    a = np.random.default_rng(seed).random((h, w)) < density
    polys = raster.mask_polygons(a)
    back = mask_utils.decode(raster.polygons_rle(polys, h, w)).astype(bool)
    assert (back == _filled(a)).all()
    areas = [raster.polygon_area(p) for p in polys]
    assert areas == sorted(areas, reverse=True)  # largest first


def test_simplified_outline_of_a_disc_and_specks_dropped():
    yy, xx = np.mgrid[:H, :W]
    disc = (yy - 30) ** 2 + (xx - 40) ** 2 < 20 ** 2
    a = disc.copy()
    a[2, 2] = a[2, 3] = True  # a speck of two pixels
    exact = raster.mask_polygons(a)
    assert len(exact) == 2
    [simple] = raster.mask_polygons(a, epsilon=1.0, min_area=4.0)
    assert len(simple) < len(exact[0]) / 2
    back = mask_utils.decode(raster.polygon_rle(simple, H, W)).astype(bool)
    assert (back & disc).sum() / (back | disc).sum() > 0.97


def test_mask_and_polygon_shapes_convert_keeping_identity():
    poly = Polygon(label="p", points=[(20, 20), (60, 20), (60, 50), (20, 50)], difficult=True,
                   attributes={"k": 1})
    m = raster.to_mask(poly, H, W)
    assert (m.id, m.label, m.difficult, m.attributes) == (poly.id, "p", True, {"k": 1})
    assert m.area == 40 * 30  # the polygon's pixels, no boundary row or column more
    [back] = raster.to_polygons(m)
    assert back.id == m.id and back.label == "p" and back.difficult
    assert back.bounds() == pytest.approx((20.25, 20.25, 59.75, 49.75))  # a quarter pixel inside the edges
    assert raster.shape_mask(back, H, W).sum() == 40 * 30
    two = np.zeros((H, W), bool)
    two[5:15, 5:15] = two[30:50, 30:60] = True
    parts = raster.to_polygons(Mask.from_array(two, label="p", source=Source.from_model("run", 0.5)))
    assert len(parts) == 2 and parts[0].id != parts[1].id and raster.polygon_area(parts[0].points) > 500
    with pytest.raises(ValueError):
        raster.to_mask(ImageTag(label="t"), H, W)


def test_grabcut_finds_the_disc_in_its_box():
    yy, xx = np.mgrid[:150, :200]
    disc = (yy - 75) ** 2 + (xx - 100) ** 2 < 40 ** 2
    image = np.full((150, 200, 3), 30, np.uint8)
    image[disc] = (230, 200, 40)
    got = grabcut.grabcut_box(image, (50, 25, 150, 125))
    assert got.shape == disc.shape and (got & disc).sum() / (got | disc).sum() > 0.85
    with pytest.raises(ValueError, match="too small"):
        grabcut.grabcut_box(image[:6, :6], (1, 1, 3, 3))
