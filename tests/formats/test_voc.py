"""Pascal VOC: labelImg's exact layout, segmentation PNGs, hostile XML."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

from labeltool.core import ImageStatus, ProjectStore
from labeltool.formats import voc
from labeltool.formats.errors import FormatError
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image

# What labelImg's PascalVocWriter.save() writes (libs/pascal_voc_io.py:
# gen_xml + append_objects + prettify: lxml pretty print, two spaces -> tab,
# no XML declaration; truncated = the box touches the image border).
LABELIMG_XML = """<annotation verified="yes">
\t<folder>{folder}</folder>
\t<filename>狗狗.jpg</filename>
\t<path>{path}</path>
\t<source>
\t\t<database>Unknown</database>
\t</source>
\t<size>
\t\t<width>64</width>
\t\t<height>48</height>
\t\t<depth>3</depth>
\t</size>
\t<segmented>0</segmented>
\t<object>
\t\t<name>狗</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>1</truncated>
\t\t<difficult>0</difficult>
\t\t<bndbox>
\t\t\t<xmin>1</xmin>
\t\t\t<ymin>5</ymin>
\t\t\t<xmax>20</xmax>
\t\t\t<ymax>30</ymax>
\t\t</bndbox>
\t</object>
\t<object>
\t\t<name>猫</name>
\t\t<pose>Unspecified</pose>
\t\t<truncated>0</truncated>
\t\t<difficult>1</difficult>
\t\t<bndbox>
\t\t\t<xmin>25</xmin>
\t\t\t<ymin>10</ymin>
\t\t\t<xmax>40</xmax>
\t\t\t<ymax>44</ymax>
\t\t</bndbox>
\t</object>
</annotation>
"""


def _tree(e: etree._Element) -> tuple:
    return (e.tag, (e.text or "").strip(), dict(e.attrib), tuple(_tree(c) for c in e))


def test_labelimg_file_reads_and_writes_back_the_same_element_tree(tmp_path):
    # labelImg saves the XML next to the image, folder = the image's folder
    photos = tmp_path / "photos"
    write_image(photos / "狗狗.jpg", 64, 48)
    original = LABELIMG_XML.format(folder="photos", path=photos / "狗狗.jpg")
    (photos / "狗狗.xml").write_text(original, "utf-8")
    with ProjectStore.open(photos) as store:
        report = import_into(store, "voc", photos)
        assert report.shapes == 2 and not report.copied  # the image is inside the project: linked
        item = store.image_by_path("狗狗.jpg")
        assert item.status == ImageStatus.DONE  # verified="yes"
        boxes = store.shapes(item.id)
        assert boxes[0].bounds() == (0, 4, 20, 30)  # 1-based inclusive -> continuous pixels
        export_from(store, "voc", tmp_path / "voc")
    written = (tmp_path / "voc" / "Annotations" / "狗狗.xml").read_text("utf-8")
    expected = LABELIMG_XML.format(folder="JPEGImages", path=tmp_path / "voc" / "JPEGImages" / "狗狗.jpg")
    assert written == expected  # byte for byte, tabs and all
    a = etree.fromstring(original.encode())
    b = etree.fromstring(written.encode())
    for e in (a, b):
        e.find("folder").text = e.find("path").text = ""
    assert _tree(a) == _tree(b)


def test_floats_are_accepted_on_read(tmp_path):
    xml = LABELIMG_XML.format(folder="f", path="/nowhere/狗狗.jpg").replace("<xmin>25</xmin>", "<xmin>25.7</xmin>")
    f = tmp_path / "a.xml"
    f.write_text(xml, "utf-8")
    record, notes = voc.read_xml(f)
    assert record.shapes[1].x1 == pytest.approx(24.7) and not notes


def test_segmentation_pngs_use_the_voc_palette_and_instance_order(project, tmp_path):
    export_from(project, "voc", tmp_path / "voc")
    cls = Image.open(tmp_path / "voc" / "SegmentationClass" / "街景_02.png")
    obj = Image.open(tmp_path / "voc" / "SegmentationObject" / "街景_02.png")
    assert cls.mode == obj.mode == "P"
    assert cls.getpalette()[:9] == [0, 0, 0, 128, 0, 0, 0, 128, 0]  # background, class 1, class 2
    a = np.asarray(cls)
    names = (tmp_path / "voc" / "labels.txt").read_text("utf-8").split()
    assert names[0] == "background"
    assert set(np.unique(a)) == {0, names.index("行人")}
    # instance 1 is the first <object> (the polygon), the text box has no pixels
    assert set(np.unique(np.asarray(obj))) == {0, 1}
    xml = etree.fromstring((tmp_path / "voc" / "Annotations" / "街景_02.xml").read_bytes())
    assert xml.findtext("segmented") == "1"
    assert [o.findtext("name") for o in xml.iterfind("object")] == ["行人", "text"]
    assert (tmp_path / "voc" / "ImageSets" / "Segmentation" / "trainval.txt").read_text().split() == \
        ["sub__深处", "街景_02"]


def test_void_255_is_not_part_of_any_instance(tmp_path):
    root = tmp_path / "VOC"
    write_image(root / "JPEGImages" / "a.jpg", 20, 10)
    (root / "Annotations").mkdir()
    (root / "Annotations" / "a.xml").write_text(
        "<annotation><filename>a.jpg</filename><size><width>20</width><height>10</height></size>"
        "<object><name>x</name><bndbox><xmin>3</xmin><ymin>3</ymin><xmax>8</xmax><ymax>8</ymax></bndbox>"
        "</object></annotation>", "utf-8")
    inst = np.zeros((10, 20), dtype=np.uint8)
    inst[3:8, 3:8] = 1
    inst[2, 2:9] = 255  # a void border, as VOC draws around objects
    img = Image.fromarray(inst, "P")
    img.putpalette(voc.colormap().flatten().tolist())
    (root / "SegmentationObject").mkdir()
    img.save(root / "SegmentationObject" / "a.png")
    ds = voc.read(root)
    (shape,) = ds.records[0].shapes
    assert shape.kind == "mask" and shape.area == 25


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<annotation><filename>&lol9;</filename><object><name>&lol9;</name>
<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE annotation [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<annotation><filename>a.jpg</filename><object><name>&xxe;</name>
<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>
"""

# no DOCTYPE at all, only an undeclared entity reference: still refused, never looked up
BARE_ENTITY = "<annotation><filename>a.jpg</filename><object><name>&xxe;</name></object></annotation>"


@pytest.mark.parametrize("text", [BILLION_LAUGHS, XXE, BARE_ENTITY], ids=["billion-laughs", "xxe", "bare-entity"])
def test_hostile_xml_gives_format_error_and_expands_nothing(tmp_path, text):
    f = tmp_path / "evil.xml"
    f.write_text(text, "utf-8")
    t = time.perf_counter()
    with pytest.raises(FormatError) as err:
        voc.read_xml(f)
    assert time.perf_counter() - t < 1.0
    assert "evil.xml" in str(err.value)
    assert "root:" not in str(err.value) and "lollol" not in str(err.value)


def test_the_parser_itself_does_not_resolve_entities(tmp_path):
    """Even past the DOCTYPE check, lxml is configured not to expand."""
    from labeltool.formats.fileio import _xml_parser

    root = etree.fromstring(XXE.encode(), _xml_parser())
    assert "root:" not in etree.tostring(root, encoding="unicode")
    try:  # libxml2 either refuses the amplification or leaves the entities unexpanded
        root = etree.fromstring(BILLION_LAUGHS.encode(), _xml_parser())
    except etree.XMLSyntaxError as e:
        assert "amplification" in str(e)
    else:
        assert len(etree.tostring(root)) < 10_000


def test_hostile_file_among_good_ones_is_reported_and_the_rest_imported(tmp_path):
    src = tmp_path / "labels"
    write_image(src / "ok.jpg", 30, 20)
    (src / "ok.xml").write_text(
        "<annotation><filename>ok.jpg</filename><size><width>30</width><height>20</height></size><object>"
        "<name>好</name><bndbox><xmin>2</xmin><ymin>2</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>"
        "</annotation>", "utf-8")
    (src / "evil.xml").write_text(XXE, "utf-8")
    project = tmp_path / "p"
    project.mkdir()
    with ProjectStore.open(project) as store:
        report = import_into(store, "voc", src)
    assert report.shapes == 1
    assert len(report.skipped) == 1 and "evil.xml" in report.skipped[0]
    # Outside the project: copied in; a project with no images yet keeps the dataset's names.
    assert report.copied == ["ok.jpg"]


def test_plain_boxes_from_the_store_write_the_bytes_of_the_general_path(tmp_path):
    # Raw store rows skip Box objects on the way to XML (the export's fast
    # path); its inline rounding and clamping must be voc_box's.
    import random

    from labeltool.core import Box
    from labeltool.formats.records import ImageRecord, StoredShapes, WriteResult

    rng = random.Random(5)
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p", scan=False) as store:
        item = store.add_image("a.jpg", 50, 40)
        for k in range(300):
            x1, y1 = rng.uniform(-20, 60), rng.uniform(-20, 50)
            store.add_shape(item.id, Box(label=["猫", "a<b&c"][k % 2], x1=x1, y1=y1, x2=x1 + rng.uniform(0, 30),
                                         y2=y1 + rng.uniform(0, 30), difficult=k % 7 == 0))
        raw = store.snapshot_rows()
        labels = {c.id: c.name for c in raw.classes}
        record = ImageRecord(path="a.jpg", width=50, height=40, shapes=StoredShapes(raw.shapes[item.id], labels))
        objects, _ = voc._objects(record, WriteResult(), {})
        fast = voc._document(record, "a.jpg", "JPEGImages", "/x/a.jpg", objects, False)
        general = voc.annotation_xml(record, "a.jpg", "JPEGImages", "/x/a.jpg", list(record.shapes))
    assert sum(p is not None for p in record.shapes.plain_boxes()) > 200
    assert fast == general
    etree.fromstring(fast)  # well-formed, the escaped label included
