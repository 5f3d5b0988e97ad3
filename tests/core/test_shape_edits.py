"""The canvas's edit geometry, now Qt-free in core: each edit returns a new
shape with the same id, the way the undo commands store old and new."""
from __future__ import annotations

import numpy as np
import pytest

from labeltool.core.shape_edits import (
    box_to_quad, clamp, delete_vertex, drag_handle, handles, insert_vertex, move, nearest_edge, shift_array,
)
from labeltool.core.shapes import Box, Mask, Polygon, TextRegion


def test_dragging_a_box_corner_past_the_opposite_one_flips_the_box():
    box = Box(label="cat", x1=10, y1=10, x2=50, y2=40)
    # Handle 0 is the top-left corner; dragged below and right of the bottom-right corner.
    out = drag_handle(box, 0, (70, 60))
    assert out.id == box.id
    assert out.bounds() == (50, 40, 70, 60)
    assert handles(box) == [(10, 10), (50, 10), (50, 40), (10, 40)]


def test_moving_keeps_the_id_and_moves_masks_by_whole_pixels():
    poly = Polygon(label="a", points=[(0, 0), (4, 0), (4, 4)])
    assert move(poly, 1.5, -1).points == [(1.5, -1), (5.5, -1), (5.5, 3)]
    a = np.zeros((6, 6), bool)
    a[1:3, 1:3] = True
    mask = Mask.from_array(a, label="m")
    moved = move(mask, 2.4, 1)
    assert moved.id == mask.id
    assert np.array_equal(np.argwhere(moved.to_array()), np.argwhere(a) + [1, 2])


def test_shift_cuts_what_leaves_the_array_and_fills_with_zero():
    a = np.arange(1, 10).reshape(3, 3)
    assert shift_array(a, 1, 0).tolist() == [[0, 1, 2], [0, 4, 5], [0, 7, 8]]
    assert shift_array(a, 0, -2).tolist() == [[7, 8, 9], [0, 0, 0], [0, 0, 0]]
    assert not shift_array(a, 3, 0).any()


def test_clamp_keeps_points_inside_the_image():
    box = clamp(Box(label="b", x1=-5, y1=10, x2=250, y2=400), 200, 150)
    assert box.bounds() == (0, 10, 200, 150)
    text = clamp(TextRegion(label="t", points=[(-1, -1), (300, 0), (300, 20), (0, 20)]), 100, 50)
    assert text.points == [(0, 0), (100, 0), (100, 20), (0, 20)]


def test_vertices_are_inserted_on_the_nearest_edge_and_never_below_three():
    tri = Polygon(label="p", points=[(0, 0), (10, 0), (10, 10)])
    edge, dist, foot = nearest_edge(tri.points, (5, -2))
    assert (edge, foot) == (0, (5, 0)) and dist == pytest.approx(2)
    square = insert_vertex(tri, edge, foot)
    assert square.points == [(0, 0), (5, 0), (10, 0), (10, 10)]
    assert delete_vertex(square, 1).points == tri.points
    assert delete_vertex(tri, 0) is None


def test_box_to_quad_is_clockwise_from_top_left_whatever_the_corner_order():
    assert box_to_quad(30, 20, 10, 5) == [(10, 5), (30, 5), (30, 20), (10, 20)]
