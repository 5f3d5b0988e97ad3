"""Click to segment (engine.sam) on models of the real architecture with
random weights built here: Meta's SAM classes (ViT encoder, prompt encoder,
mask decoder) at a 256 px input with a two-block encoder, saved as a state
dict, loaded with ``weights_only=True``, encoded and decoded. Meta's own
``SamPredictor`` on the same model is the reference. The full-size TinyViT
of MobileSAM runs in the slow test at the end."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from segment_anything import SamPredictor, sam_model_registry

from engine.errors import CheckpointError, WeightsUnavailableError
from engine.sam import SAM_MODELS, BOXES_MODEL
from engine.sam.boxes import box_masks
from engine.sam.build import build_sam, load_sam_weights
from engine.sam.cache import EmbeddingCache, file_key
from engine.sam.decoder import TOLERANCE, probe_prompt, pick_decoder, PromptDecoderModule
from engine.sam.segmenter import PromptSegmenter
from engine.sam.weights import ensure_sam_weights, sam_weights_path
from labeltool.core.shapes import Box, Mask

# Meta's ViT with two blocks (one windowed, one global) at 256 px: a 16 x 16 embedding.
SMALL_VIT = {"embed_dim": 64, "depth": 2, "num_heads": 2, "global_attn_indexes": (1,), "window_size": 4}


class NotWeights:
    """An object a plain pickle would build (and could run code to build)."""


def _image(h: int = 90, w: int = 160, seed: int = 1) -> np.ndarray:
    return (np.random.default_rng(seed).random((h, w, 3)) * 255).astype(np.uint8)


@pytest.fixture(scope="module")
def weights_file(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("sam") / "small_sam.pt"
    torch.save(build_sam("vit_b", 256, **SMALL_VIT).state_dict(), path)
    return path


@pytest.fixture(scope="module")
def segmenter(weights_file):
    sam = load_sam_weights(build_sam("vit_b", 256, **SMALL_VIT), weights_file, "the small SAM")
    return PromptSegmenter(sam, "small-sam", decoder="onnx")


def test_encode_and_decode_match_metas_predictor(segmenter):
    image = _image()
    embedding = segmenter.encode(image)
    reference = SamPredictor(segmenter.sam)
    reference.set_image(image)
    assert np.array_equal(embedding.features, reference.features.numpy())
    prompts = [dict(points=[(50, 40)], labels=[1]), dict(points=[(50, 40), (100, 20)], labels=[1, 0]),
               dict(box=(10, 10, 120, 80)), dict(points=[(60, 45)], labels=[0], box=(10, 10, 120, 80))]
    for prompt in prompts:
        for multimask in (False, True):
            masks, scores = segmenter.decode(embedding, multimask=multimask, **prompt)
            want, want_scores, _ = reference.predict(
                point_coords=np.array(prompt["points"], float) if "points" in prompt else None,
                point_labels=np.array(prompt["labels"]) if "labels" in prompt else None,
                box=np.array(prompt["box"]) if "box" in prompt else None, multimask_output=multimask)
            # ONNX Runtime against PyTorch: a pixel whose logit is within
            # float32 noise of 0 may flip; none did on this seed.
            assert masks.shape == want.shape and (masks != want).sum() == 0, prompt
            assert np.allclose(scores, want_scores, atol=1e-5)


def test_a_box_prompt_gives_a_mask_of_the_image_size_and_a_preview_of_the_decoders_grid(segmenter):
    embedding = segmenter.encode(_image(90, 160))
    masks, scores = segmenter.decode(embedding, box=(10, 10, 120, 80))
    assert masks.shape == (1, 90, 160) and masks.dtype == bool and scores.shape == (1,)
    preview, preview_scores = segmenter.decode(embedding, box=(10, 10, 120, 80), low_res=True)
    # The 64 px grid of a 256 px model, cropped to the image's part: 160 px wide -> 256, 90 -> 144 -> 36.
    assert embedding.low_res_size == (36, 64) and preview.shape == (1, 36, 64)
    assert np.array_equal(preview_scores, scores)
    # Stretched over the image as a view shows it, the preview lies on the kept mask: it agrees with it far
    # better than the same preview moved by a few pixels does (random weights make a busy mask).
    rows = ((np.arange(90) + 0.5) * 36 / 90).astype(int)
    cols = ((np.arange(160) + 0.5) * 64 / 160).astype(int)
    stretched = preview[0][rows][:, cols]
    aligned = (stretched == masks[0]).mean()
    moved = max((np.roll(stretched, 5, axis=a) == masks[0]).mean() for a in (0, 1))
    assert aligned > 0.8 and aligned > moved + 0.1, (aligned, moved)


def test_a_reduced_copy_encodes_for_the_full_image(segmenter):
    small = _image(45, 80)
    embedding = segmenter.encode(small, image_size=(90, 160))
    assert embedding.image_size == (90, 160) and embedding.input_size == (144, 256)
    masks, _ = segmenter.decode(embedding, points=[(100, 50)], labels=[1])
    assert masks.shape == (1, 90, 160)
    # A click at (100, 50) of the full image is (160, 80) in the model's input.
    assert np.allclose(segmenter.prompt(embedding, [(100, 50)], [1]).coords[0, 0], (160, 80))


def test_a_negative_point_changes_the_prompt_sent_to_the_decoder(segmenter):
    embedding = segmenter.encode(_image())
    positive = segmenter.prompt(embedding, [(50, 40)], [1])
    with_negative = segmenter.prompt(embedding, [(50, 40), (100, 20)], [1, 0])
    assert positive.labels.tolist() == [[1, -1]]  # Meta's padding point closes a prompt without a box
    assert with_negative.labels.tolist() == [[1, 0, -1]]
    module = PromptDecoderModule(segmenter.sam)
    tokens = module.sparse_embeddings(torch.from_numpy(with_negative.coords), torch.from_numpy(with_negative.labels))
    as_positive = module.sparse_embeddings(torch.from_numpy(with_negative.coords),
                                           torch.tensor([[1.0, 1.0, -1.0]]))
    # The second token carries the negative label's embedding, not the positive one's; the first is unchanged.
    assert torch.equal(tokens[0, 0], as_positive[0, 0]) and not torch.allclose(tokens[0, 1], as_positive[0, 1])
    mask_pos, _ = segmenter.decode(embedding, [(50, 40)], [1])
    mask_neg, _ = segmenter.decode(embedding, [(50, 40), (100, 20)], [1, 0])
    assert (mask_pos != mask_neg).any()


def test_bad_prompts_are_refused_with_a_reason(segmenter):
    embedding = segmenter.encode(_image())
    with pytest.raises(ValueError, match="needs a point or a box"):
        segmenter.decode(embedding)
    with pytest.raises(ValueError, match="1 .object. or 0"):
        segmenter.decode(embedding, [(1, 1)], [2])
    with pytest.raises(ValueError, match="2 points but 1 labels"):
        segmenter.decode(embedding, [(1, 1), (2, 2)], [1])
    other = dataclasses.replace(embedding, model="mobile-sam")
    with pytest.raises(ValueError, match="made by mobile-sam"):
        segmenter.decode(other, [(1, 1)], [1])


def test_onnx_runtime_and_pytorch_decoders_agree_and_auto_keeps_one_that_agrees(segmenter):
    features, coords, labels = probe_prompt(PromptDecoderModule(segmenter.sam))
    torch_decoder = pick_decoder(segmenter.sam, "torch").decoder
    onnx_decoder = pick_decoder(segmenter.sam, "onnx").decoder
    torch_terms, onnx_terms = torch_decoder.image_terms(features), onnx_decoder.image_terms(features)
    assert all(np.allclose(t, o, atol=1e-4) for t, o in zip(torch_terms, onnx_terms))
    torch_iou, torch_masks = torch_decoder(torch_terms, coords, labels)
    onnx_iou, onnx_masks = onnx_decoder(torch_terms, coords, labels)
    assert np.abs(torch_masks - onnx_masks).max() <= TOLERANCE * max(1.0, np.abs(torch_masks).max())
    assert np.allclose(torch_iou, onnx_iou, atol=1e-5)
    auto = pick_decoder(segmenter.sam, "auto")
    assert auto.difference is not None and auto.difference <= TOLERANCE
    assert set(auto.timings_ms) == {"torch", "onnx"}
    faster = min(auto.timings_ms, key=auto.timings_ms.get)
    assert auto.decoder.kind == faster


def test_prompts_use_the_idle_cores_unless_an_image_is_being_encoded(segmenter, monkeypatch):
    """A second ONNX Runtime session of the same graph, with more threads,
    answers prompts while no encoding runs beside (measured here: a preview
    in 36 ms instead of 64); the same answers either way."""
    features, coords, labels = probe_prompt(PromptDecoderModule(segmenter.sam))
    decoder = pick_decoder(segmenter.sam, "onnx", threads=1, idle_threads=2).decoder
    assert decoder.idle_session is not decoder.session
    assert decoder.idle_session.get_session_options().intra_op_num_threads == 2
    terms = decoder.image_terms(features)
    (iou_busy, busy), (iou_idle, idle) = decoder(terms, coords, labels), decoder(terms, coords, labels, idle=True)
    assert np.allclose(busy, idle, atol=1e-5) and np.allclose(iou_busy, iou_idle, atol=1e-6)
    assert pick_decoder(segmenter.sam, "onnx", threads=2, idle_threads=2).decoder.idle_session is not None

    seen: list[bool] = []
    real = segmenter.choice.decoder

    class Spy:  # the real decoder, noting how each prompt was asked for
        kind = real.kind
        image_terms = staticmethod(real.image_terms)

        def __call__(self, *args, idle=False):
            seen.append(idle)
            return real(*args, idle=idle)

    monkeypatch.setattr(segmenter.choice, "decoder", Spy())
    embedding = segmenter.encode(_image())
    segmenter.decode(embedding, [(20, 20)], [1])
    with segmenter._encode_lock:  # as while the next image encodes on another thread
        segmenter.decode(embedding, [(20, 20)], [1])
    assert seen == [True, False]


def test_the_exported_decoder_is_kept_by_its_weights_and_loaded_without_exporting(segmenter, tmp_path,
                                                                                  monkeypatch):
    import engine.sam.decoder as decoder_module

    module = PromptDecoderModule(segmenter.sam)
    features, coords, labels = probe_prompt(module)
    first = decoder_module.OnnxDecoder(module, 1, cache=tmp_path / "graphs")
    kept = sorted(p.name for p in (tmp_path / "graphs").iterdir())
    assert len(kept) == 2 and all(name.endswith(".onnx") for name in kept)

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr(decoder_module, "_export", no_export)
    again = decoder_module.OnnxDecoder(module, 1, cache=tmp_path / "graphs")
    terms = first.image_terms(features)
    assert all(np.array_equal(a, b) for a, b in zip(terms, again.image_terms(features)))
    assert all(np.array_equal(a, b) for a, b in zip(first(terms, coords, labels), again(terms, coords, labels)))
    monkeypatch.undo()

    # Other weights are another decoder: exported and kept beside.
    other = build_sam("vit_b", 256, **SMALL_VIT)
    with torch.no_grad():
        other.load_state_dict(segmenter.sam.state_dict())
        other.mask_decoder.iou_prediction_head.layers[0].weight.add_(1.0)
    decoder_module.OnnxDecoder(PromptDecoderModule(other), 1, cache=tmp_path / "graphs")
    assert len(list((tmp_path / "graphs").iterdir())) == 4
    # A folder that cannot be written costs the export, nothing else.
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    decoder_module.OnnxDecoder(module, 1, cache=blocked / "graphs")


def test_bulk_boxes_make_one_mask_prediction_per_box(segmenter):
    embedding = segmenter.encode(_image())
    boxes = [Box(label="cat", x1=10, y1=10, x2=120, y2=80, truncated=True),
             Box(label="dog", x1=100, y1=5, x2=150, y2=60), Box(label="cat", x1=0, y1=40, x2=60, y2=89)]
    masks, empty = box_masks(segmenter, embedding, boxes)
    assert empty == 0 and len(masks) == len(boxes)
    for box, mask in zip(boxes, masks):
        assert isinstance(mask, Mask) and mask.label == box.label and mask.truncated == box.truncated
        assert mask.source.model == BOXES_MODEL and mask.size == (90, 160)
        one, score = segmenter.decode(embedding, box=(box.x1, box.y1, box.x2, box.y2))
        # Batched decoding gives what one box alone gives.
        assert np.array_equal(mask.to_array(), one[0])
        assert mask.source.score == pytest.approx(min(1, max(0, float(score[0]))))


# ------------------------------------------------------------------ weights
def test_a_truncated_checkpoint_gives_the_clear_message(weights_file, tmp_path):
    cut = tmp_path / "cut.pt"
    cut.write_bytes(weights_file.read_bytes()[: weights_file.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="cut.pt is damaged or not a PyTorch file"):
        load_sam_weights(build_sam("vit_b", 256, **SMALL_VIT), cut)


def test_a_file_of_another_architecture_is_refused_by_name(weights_file):
    with pytest.raises(CheckpointError, match=r"small_sam.pt is not a weights file of MobileSAM: it lacks \d+ "
                                              r"tensors \(e.g. image_encoder.patch_embed"):
        load_sam_weights(build_sam("tiny_vit", 256), weights_file, "MobileSAM")


def test_a_pickle_that_runs_code_is_refused(tmp_path):
    evil = tmp_path / "evil.pt"
    torch.save({"model": NotWeights()}, evil)
    with pytest.raises(CheckpointError, match="evil.pt was refused: it is not a plain weights file"):
        load_sam_weights(build_sam("vit_b", 256, **SMALL_VIT), evil)


def test_missing_weights_offline_name_the_file_the_address_and_the_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    # Port 9 on this machine refuses at once: the same path as no network, without waiting for a time-out.
    info = dataclasses.replace(SAM_MODELS["mobile-sam"], url="http://127.0.0.1:9/weights/mobile_sam.pt")
    with pytest.raises(WeightsUnavailableError) as e:
        ensure_sam_weights(info, timeout=5)
    folder = tmp_path / "torch_home" / "hub" / "checkpoints"
    assert e.value.details == {"code": "weights_unavailable", "file": "mobile_sam.pt", "folder": str(folder),
                               "url": info.url, "reason": e.value.reason}
    message = str(e.value)
    assert "mobile_sam.pt" in message and info.url in message and str(folder) in message and "offline" in message


def test_a_file_placed_by_hand_is_checked_against_the_published_size_and_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    info = SAM_MODELS["sam-vit-b"]
    path = sam_weights_path(info)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\0" * 1000)
    with pytest.raises(CheckpointError, match=r"has 1000 bytes, the published sam_vit_b_01ec64.pth has 375042383: "
                                              r"it is truncated"):
        ensure_sam_weights(info)
    same_size = dataclasses.replace(info, size=1000)
    with pytest.raises(CheckpointError, match="its SHA-256 is 541b3e9d.*the published one is ec2df627"):
        ensure_sam_weights(same_size)


def test_our_vit_b_is_metas_so_the_official_file_loads():
    ours, metas = build_sam("vit_b").state_dict(), sam_model_registry["vit_b"]().state_dict()
    assert {k: v.shape for k, v in ours.items()} == {k: v.shape for k, v in metas.items()}


# -------------------------------------------------------------------- cache
def test_the_cache_returns_the_same_embedding_without_encoding_again(segmenter, tmp_path):
    image = tmp_path / "photo.png"
    from PIL import Image

    Image.fromarray(_image(60, 80)).save(image)
    cache = EmbeddingCache(capacity=2, folder=tmp_path / "cache")
    first = cache.embedding(segmenter, image)
    assert cache.embedding(segmenter, image) is first and cache.encodes == 1
    assert (file_key(image), segmenter.name) in cache and first.image_size == (60, 80)
    # Arrays are keyed by their pixels: the same pixels, one encoding.
    a = _image(30, 40, seed=5)
    assert cache.embedding(segmenter, a) is cache.embedding(segmenter, a.copy()) and cache.encodes == 2
    # Least recently used goes first from memory; the disk keeps it, for this cache and the next.
    cache.embedding(segmenter, _image(30, 40, seed=6))
    assert len(cache) == 2 and cache.encodes == 3
    reopened = EmbeddingCache(capacity=2, folder=tmp_path / "cache")
    again = reopened.embedding(segmenter, image)
    assert reopened.encodes == 0 and np.array_equal(again.features, first.features)
    assert again.image_size == first.image_size and again.input_size == first.input_size
    # The canvas's reduced preview of the file, kept under the file's key, for the full image's pixels.
    preview_cache = EmbeddingCache(capacity=2)
    reduced = np.asarray(Image.open(image).resize((40, 30)))
    emb = preview_cache.embedding(segmenter, reduced, key=file_key(image), image_size=(60, 80))
    assert emb.image_size == (60, 80) and preview_cache.get(file_key(image), segmenter.name) is emb
    # A changed file is another image.
    Image.fromarray(_image(60, 80, seed=9)).save(image)
    reopened.embedding(segmenter, image)
    assert reopened.encodes == 1


def test_a_damaged_file_in_the_disk_cache_is_encoded_again(segmenter, tmp_path):
    cache = EmbeddingCache(capacity=1, folder=tmp_path / "cache")
    a = _image(30, 40)
    cache.embedding(segmenter, a)
    [stored] = (tmp_path / "cache").glob("*/*.npz")
    stored.write_bytes(b"PK\3\4 cut")
    fresh = EmbeddingCache(capacity=1, folder=tmp_path / "cache")
    fresh.embedding(segmenter, a)
    assert fresh.encodes == 1


# --------------------------------------------------- the real small model
@pytest.mark.slow
def test_mobile_sam_at_full_size_builds_saves_loads_encodes_and_decodes(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "mobile_sam.pt"
    torch.save(build_sam("tiny_vit").state_dict(), path)
    sam = load_sam_weights(build_sam("tiny_vit"), path, "MobileSAM")
    segmenter = PromptSegmenter(sam, "mobile-sam", decoder="auto")
    embedding = segmenter.encode(_image(300, 400))
    assert embedding.features.shape == (1, 256, 64, 64) and embedding.input_size == (768, 1024)
    masks, scores = segmenter.decode(embedding, box=(40, 30, 250, 200))
    assert masks.shape == (1, 300, 400) and np.isfinite(scores).all()
    preview, _ = segmenter.decode(embedding, [(100, 100)], [1], multimask=True, low_res=True)
    assert preview.shape == (3, 192, 256)


def test_the_package_names_resolve_and_importing_it_imports_no_torch():
    import subprocess
    import sys

    import engine.sam

    assert all(getattr(engine.sam, name) is not None for name in engine.sam.__all__)
    code = "import sys, engine.sam, engine.sam.cli; assert 'torch' not in sys.modules, 'torch imported'"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
