"""Scans → Document: PNG/JPG/TIFF/BMP images and image-only PDF pages, by OCR.

OCR is rapidocr-onnxruntime (PP-OCR models shipped inside the wheel; nothing
is downloaded).  A page goes through these steps:

1. the skew of the scan is measured (projection profiles over ±2°) and the
   page is turned straight; a page scanned sideways (text lines taller than
   wide) or upside down (the OCR's orientation classifier) is turned upright;
2. the ruling lines of tables are found with OpenCV morphology; every region
   enclosed by them is a cell, and the cells' edges give the grid's rows and
   columns (a merged cell spans several; the table's outline is closed even
   where the scan lost its last rule);
3. the page is OCR'd once (text detection on a reduced copy, recognition
   on full-resolution crops; a long line is read in pieces cut at a blank
   column); each text box goes to the cell that holds it (a box that runs
   over a cell border is cut at the border and each piece read again), the
   rest become lines of text; a row that is one cell across the table (a
   caption) is text too;
4. a cell with ink but no text box (a faint or small figure the detector
   missed) is read on its own, so that a figure is never taken for a blank;
   a cell without ink is a blank cell;
5. a box read as letters that only look like digits (``o``, ``l``, ``。``)
   is read again choosing among the model's digit readings only, and keeps
   that reading's own confidence;
6. lines and grids go through the same page assembly as PDF text
   (:mod:`xxgk.read.geometry`): headers, page numbers, tables across pages,
   rows of whitespace-aligned figures.

Every grid carries the OCR confidence of each cell (``Table.confidence``);
the extractor reports a cell whose confidence is low as uncertain.  Text is
never corrected here.  The document's ``source.format`` is ``image``.
"""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..model import Document, Source
from .errors import ReadError
from .limits import MAX_PIXELS, check_pixels

# OpenCV reads its pixel cap from the environment when it is loaded: the same cap as ours
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_PIXELS))
from .geometry import CJK, Grid, Line, Page, assemble

A4_WIDTH_PT = 595.0  # an image's pixels are mapped to points as if it were A4 wide
_MAX_SKEW = 2.0  # degrees
# text detection runs on the page reduced to this many pixels on its long
# side (about 110 dpi for A4: body text stays ~18 px high); recognition
# always reads crops of the full-resolution page
DET_MAX_SIDE = 1280


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    threads = int(os.environ.get("XXGK_OCR_THREADS", "0") or 0) or -1
    return RapidOCR(
        intra_op_num_threads=threads,
        inter_op_num_threads=threads,
        text_score=0.0,  # keep every box: a low score is reported, never dropped
        # short boxes (a table's figures) are padded to this width, not 320
        rec_img_shape=[3, 48, 160],
    )


def read_image(data: bytes, source: Source) -> Document:
    pages = [ocr_page(gray, i, A4_WIDTH_PT / gray.shape[1]) for i, gray in enumerate(_decode(data, source.path))]
    src = Source(path=source.path, sha256=source.sha256, format="image")
    doc = Document(source=src, blocks=assemble(pages))
    if not doc.blocks:
        doc.notes.append("ocr-no-text: 图片中没有识别出文字")
    return doc


_MAX_IMAGE_PAGES = 100  # frames of a multi-page TIFF read at most
_MAX_SIDE = 3600  # larger scans (over ~300 dpi for A4) are reduced to this


def _decode(data: bytes, path: str) -> list[np.ndarray]:
    """The image's pages in grey (every frame of a multi-page TIFF), turned
    upright by the EXIF orientation of a photo, very large scans reduced."""
    from io import BytesIO

    import cv2
    from PIL import Image, ImageOps

    pages: list[np.ndarray] = []
    try:
        with warnings.catch_warnings():  # Pillow's bomb warning: our own cap below decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(BytesIO(data))  # reads the header only: the size is known before any pixel is decoded
    except Image.DecompressionBombError:
        raise ReadError(path, "图片像素过多，可能是图片炸弹", "请提供正常分辨率的扫描件（300 dpi 即可）", "too many pixels: possibly a decompression bomb", "scan at a normal resolution") from None
    except Exception:  # noqa: BLE001 - Pillow cannot read it: try OpenCV below
        im = None
    if im is not None:
        with im:
            check_pixels(*im.size, path)
            try:
                for i in range(min(getattr(im, "n_frames", 1), _MAX_IMAGE_PAGES)):
                    im.seek(i)
                    check_pixels(*im.size, path)
                    pages.append(np.asarray(ImageOps.exif_transpose(im).convert("L")))
            except ReadError:
                raise
            except Image.DecompressionBombError:
                raise ReadError(path, "图片像素过多，可能是图片炸弹", "请提供正常分辨率的扫描件", "too many pixels: possibly a decompression bomb", "scan at a normal resolution") from None
            except Exception:  # noqa: BLE001 - a damaged image: OpenCV may still read it
                pages = []
    if not pages:
        # OpenCV refuses images over OPENCV_IO_MAX_IMAGE_PIXELS (set to our cap before cv2 is loaded)
        try:
            img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        except cv2.error:
            img = None
        if img is not None:
            check_pixels(img.shape[1], img.shape[0], path)
            pages = [img]
    if not pages:
        raise ReadError(
            path,
            "图片已损坏，无法解码",
            "请重新下载或另存为 PNG/JPG",
            "the image is corrupt",
            "download it again or save it as PNG/JPG",
        )
    out = []
    for img in pages:
        _check_size(img, path)
        h, w = img.shape
        if max(h, w) > _MAX_SIDE:
            f = _MAX_SIDE / max(h, w)
            img = cv2.resize(img, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
        out.append(np.ascontiguousarray(img))
    return out


def _check_size(img: np.ndarray, path: str) -> None:
    if img.shape[0] < 16 or img.shape[1] < 16:
        raise ReadError(
            path,
            "图片太小，无法识别",
            "请提供清晰的扫描件（至少 150 dpi）",
            "the image is too small to read",
            "scan at 150 dpi or more",
        )


def ocr_pdf_pages(data: bytes, pages: list[int], path: str) -> dict[int, Page]:
    """Rasterise image-only PDF pages (at the scan's own resolution) and OCR them."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise ReadError(
            path, "PDF 文件无法渲染", "请重新下载或另存为 PDF", "cannot render the PDF", "download it again or re-save it"
        ) from e
    out: dict[int, Page] = {}
    try:
        for i in pages:
            page = pdf[i]
            scale = render_scale(page)
            gray = page.render(scale=scale, grayscale=True).to_numpy()
            if gray.ndim == 3:
                gray = gray[..., 0]
            out[i] = ocr_page(np.ascontiguousarray(gray), i, 1.0 / scale)
    finally:
        pdf.close()
    return out


def render_scale(page) -> float:
    """The scale a page is rendered at for OCR: the scan's own resolution, but never more
    pixels than :data:`MAX_PIXELS` (a page of 14400×14400 pt would otherwise be half a
    billion pixels)."""
    scale = _native_scale(page)
    area = max(page.get_width() * page.get_height(), 1.0)
    if area * scale * scale > MAX_PIXELS:
        scale = max(0.01, (MAX_PIXELS / area) ** 0.5 * 0.999)
    return scale


def _native_scale(page) -> float:
    """Render scale that gives the embedded scan's own pixel size (1.5–4)."""
    import pypdfium2.raw as raw

    width_pt = page.get_width()
    best = 0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,)):
        try:
            w, _h = obj.get_size()
        except Exception:  # noqa: BLE001 - an odd image object: ignore it
            continue
        best = max(best, w)
    scale = best / width_pt if best else 200 / 72
    return float(min(4.0, max(1.5, scale)))


# ---------------------------------------------------------------- one page


@dataclass
class _Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Cell:
    x0: int
    y0: int
    x1: int
    y1: int
    row: int = 0
    col: int = 0
    boxes: list | None = None


def ocr_page(gray: np.ndarray, index: int, pt_per_px: float) -> Page:
    """One page image (grey, 0–255) → a Page of lines and grids, in points."""
    import cv2

    gray, det = _upright(deskew(gray))
    h, w = gray.shape
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    tables = _find_tables(ink)
    boxes = []
    for pts, text, score in _ocr(gray, det):
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        if text.strip():
            boxes.append(_Box(float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)), text.strip(), float(score)))
    _read_as_figures(gray, boxes)
    page = Page(width=w * pt_per_px, height=h * pt_per_px)
    free = list(boxes)
    rereads: list[tuple[_Cell, int, int, int, int]] = []  # cell, crop
    for (tx0, ty0, tx1, ty1), cells, line_mask in tables:
        inside = [b for b in free if tx0 <= b.cx <= tx1 and ty0 <= b.cy <= ty1]
        free = [b for b in free if b not in inside]
        for c in cells:
            c.boxes = []
        for b in inside:
            hits = [(c, _overlap(b, c)) for c in cells]
            hits = [(c, a) for c, a in hits if a > 0]
            if not hits:
                continue
            area = (b.x1 - b.x0) * (b.y1 - b.y0) or 1
            best, a = max(hits, key=lambda ca: ca[1])
            if a >= 0.8 * area or len(hits) == 1:
                best.boxes.append(b)
                continue
            # a box across a cell border: read each cell's piece again
            for c, a in hits:
                if a >= 0.1 * area:
                    rereads.append((c, max(int(b.x0), c.x0), max(int(b.y0), c.y0), min(int(b.x1), c.x1), min(int(b.y1), c.y1)))
        for c in cells:
            if not c.boxes and not any(r[0] is c for r in rereads):
                # ink inside the cell (borders excluded) but no text box
                pad = 3
                sub = ink[c.y0 + pad : c.y1 - pad, c.x0 + pad : c.x1 - pad]
                lines = line_mask[c.y0 + pad : c.y1 - pad, c.x0 + pad : c.x1 - pad]
                if sub.size and int(np.count_nonzero(sub & ~lines)) >= 12:
                    rereads.append((c, c.x0, c.y0, c.x1, c.y1))
    if rereads:
        crops = [_crop(gray, x0, y0, x1, y1) for _, x0, y0, x1, y1 in rereads]
        texts, _ = _engine().text_rec(crops)
        pieces = [_Box(x0, y0, x1, y1, text.strip(), float(score)) for (_, x0, y0, x1, y1), (text, score) in zip(rereads, texts)]
        _read_as_figures(gray, pieces)
        for (c, *_), box in zip(rereads, pieces):
            if box.text:
                c.boxes.append(box)
    for _, cells, _ in tables:
        page.items.extend(_grid_items(cells, index, pt_per_px))
    for x0, x1, top, bottom, text, bxs in _lines(free):
        pieces = [b.text for b in bxs] if len(bxs) > 1 else None
        scores = [b.score for b in bxs] if len(bxs) > 1 else None
        line = Line(
            text, x0 * pt_per_px, x1 * pt_per_px, top * pt_per_px, bottom * pt_per_px, index, pieces=pieces, scores=scores
        )
        page.items.append((top * pt_per_px, line))
    page.items.sort(key=lambda it: it[0])
    return page


def _detect(gray: np.ndarray) -> list[np.ndarray]:
    """Text boxes (4 points each, full-resolution pixels), found on a copy
    reduced to DET_MAX_SIDE (text stays well above the detector's smallest size)."""
    import cv2

    eng = _engine()
    h, w = gray.shape
    f = min(1.0, DET_MAX_SIDE / max(h, w))
    small = cv2.resize(gray, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA) if f < 1 else gray
    boxes, _ = eng.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    if boxes is None or len(boxes) == 0:
        return []
    return [np.asarray(b, dtype=np.float32) / f for b in eng.sorted_boxes(boxes)]


def _upright(gray: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Turn a page scanned sideways or upside down; returns it with its text boxes.

    Sideways: most text lines are taller than wide.  Upside down: the
    orientation classifier shipped with the OCR models says 180° for most of
    the longest lines."""
    import cv2

    boxes = _detect(gray)
    dims = [(float(np.linalg.norm(b[1] - b[0])), float(np.linalg.norm(b[3] - b[0]))) for b in boxes]
    lines = [(w, h) for w, h in dims if max(w, h) >= 3 * min(w, h)]
    if len(lines) >= 3 and sum(h > w for w, h in lines) > 0.6 * len(lines):
        gray = cv2.rotate(gray, cv2.ROTATE_90_CLOCKWISE)
        boxes = _detect(gray)
    longest = sorted(boxes, key=lambda b: -float(np.linalg.norm(b[1] - b[0])))[:8]
    if len(longest) >= 3:
        eng = _engine()
        crops = eng.get_crop_img_list(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), longest)
        _, labels, _ = eng.text_cls(crops)
        if sum(1 for label, score in labels if label == "180" and score >= 0.9) > len(longest) / 2:
            gray = cv2.rotate(gray, cv2.ROTATE_180)
            boxes = _detect(gray)
    return gray, boxes


def _ocr(gray: np.ndarray, boxes: list[np.ndarray]) -> list[tuple[np.ndarray, str, float]]:
    """Recognise the text boxes on crops of the full-resolution page."""
    import cv2

    if not boxes:
        return []
    eng = _engine()
    img = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    crops = eng.get_crop_img_list(img, boxes)
    # a long line is read in pieces cut at a gap between characters: the
    # recogniser's cost grows faster than the line's length
    pieces: list[np.ndarray] = []
    owner: list[int] = []
    for i, crop in enumerate(crops):
        for piece in _split_line(crop):
            pieces.append(piece)
            owner.append(i)
    rec, _ = eng.text_rec(pieces)
    texts = [""] * len(crops)
    scores = [1.0] * len(crops)
    for i, (text, score) in zip(owner, rec):
        if text and texts[i] and not (CJK.match(texts[i][-1]) or CJK.match(text[0])):
            texts[i] += " "
        texts[i] += text
        scores[i] = min(scores[i], float(score))
    return [(b, t, sc) for b, t, sc in zip(boxes, texts, scores)]


_MAX_PIECE_RATIO = 16.0  # width / height of the longest piece read at once


def _split_line(crop: np.ndarray) -> list[np.ndarray]:
    """Cut a long text line at the widest blank column near its middle."""
    h, w = crop.shape[:2]
    if w <= _MAX_PIECE_RATIO * h or h < 8:
        return [crop]
    gray = crop[..., 0] if crop.ndim == 3 else crop
    ink = (gray < min(160, int(gray.mean()) - 30)).any(axis=0)
    lo, hi = int(w * 0.35), int(w * 0.65)
    best, best_len, run_start = -1, 0, None
    for x in range(lo, hi + 1):
        blank = x < hi and not ink[x]
        if blank and run_start is None:
            run_start = x
        elif not blank and run_start is not None:
            if x - run_start > best_len:
                best, best_len = (run_start + x) // 2, x - run_start
            run_start = None
    if best < 0 or best_len < 2:
        return [crop]
    return _split_line(crop[:, :best]) + _split_line(crop[:, best:])


# what OCR makes of a lone figure it misreads: 0 → o O 。 D, 1 → l I |
_FIGURE_LIKE = re.compile(r"^[0-9oOQD。〇lI|.,\-]{1,12}$")
_DIGITS = "0123456789"


def _read_as_figures(gray: np.ndarray, boxes: list[_Box]) -> None:
    """A box read as letters that only look like digits (``o``, ``l``, ``。``)
    sits where a figure stands: read it again choosing among the model's
    digit readings only (CTC decoding restricted to 0–9).  The text and the
    confidence become that reading's, so a figure the model hardly believes
    in is reported as uncertain, never passed off as certain."""
    todo = [
        b for b in boxes if _FIGURE_LIKE.match(b.text) and not b.text.replace(",", "").replace(".", "").replace("-", "").isdigit()
    ]
    if not todo:
        return
    crops = [_crop(gray, int(b.x0), int(b.y0), int(b.x1), int(b.y1)) for b in todo]
    for b, (text, score) in zip(todo, _digits_rec(crops)):
        if text:
            b.text, b.score = text, score


def _digits_rec(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    rec = _engine().text_rec
    chars = rec.postprocess_op.character
    allowed = np.array([0] + [i for i, ch in enumerate(chars) if ch in _DIGITS])
    _, img_h, img_w = rec.rec_image_shape
    ratio = max(img_w / img_h, *(c.shape[1] / c.shape[0] for c in crops))
    batch = np.concatenate([rec.resize_norm_img(c, ratio)[np.newaxis] for c in crops]).astype(np.float32)
    preds = rec.session(batch)[0][:, :, allowed]
    out = []
    for p in preds:
        idx = p.argmax(axis=1)
        prob = p.max(axis=1)
        text, probs, prev = "", [], 0
        for k, pr in zip(idx, prob):
            if k != 0 and k != prev:
                text += chars[allowed[k]]
                probs.append(float(pr))
            prev = k
        out.append((text, float(np.mean(probs)) if probs else 0.0))
    return out


def _overlap(b: _Box, c: _Cell) -> float:
    w = min(b.x1, c.x1) - max(b.x0, c.x0)
    h = min(b.y1, c.y1) - max(b.y0, c.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _crop(gray: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
    import cv2

    sub = gray[max(0, y0) : y1, max(0, x0) : x1]
    sub = cv2.copyMakeBorder(sub, 6, 6, 6, 6, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(sub, cv2.COLOR_GRAY2BGR)


def deskew(gray: np.ndarray) -> np.ndarray:
    """Turn a scan straight: the angle whose horizontal projection is sharpest."""
    import cv2

    h, w = gray.shape
    f = 800.0 / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1].astype(np.float32)
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rot = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        prof = rot.sum(axis=1)
        return float(np.sum(np.diff(prof) ** 2))

    angles = np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-6, 0.2)
    best = max(angles, key=sharpness)
    fine = np.arange(best - 0.2, best + 0.2001, 0.05)
    best = float(max(fine, key=sharpness))
    if abs(best) < 0.05:
        return gray
    m = cv2.getRotationMatrix2D((w / 2, h / 2), best, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


def _find_tables(ink: np.ndarray):
    """Ruled tables: (bbox, cells, line mask) for each region enclosed by rules."""
    import cv2

    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(30, w // 30), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 80))))
    mask = cv2.dilate(horiz | vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        if bw < w * 0.2 or bh < 25:
            continue
        region_h = horiz[y : y + bh, x : x + bw]
        region_v = vert[y : y + bh, x : x + bw]
        if not region_h.any() or not region_v.any():
            continue
        sub = mask[y : y + bh, x : x + bw].copy()
        cv2.rectangle(sub, (0, 0), (bw - 1, bh - 1), 255, 2)  # close an outline the scan lost
        cells = _cells(sub, x, y)
        if len(cells) < 2:
            continue
        _index_grid(cells)
        line_mask = np.zeros_like(ink)
        line_mask[y : y + bh, x : x + bw] = sub
        out.append(((x, y, x + bw, y + bh), cells, line_mask))
    return out


def _cells(sub: np.ndarray, ox: int, oy: int) -> list[_Cell]:
    import cv2

    free = cv2.bitwise_not(sub)
    n, _, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    cells = []
    for i in range(1, n):
        x, y, bw, bh, area = stats[i]
        if bw < 8 or bh < 8 or area < 0.5 * bw * bh:
            continue
        cells.append(_Cell(ox + x, oy + y, ox + x + bw, oy + y + bh))
    return cells


def _cluster(values: list[float], tol: float) -> list[float]:
    values = sorted(values)
    groups: list[list[float]] = []
    for v in values:
        if groups and v - groups[-1][-1] <= tol:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _index_grid(cells: list[_Cell]) -> None:
    """Row and column of every cell from the clustered cell edges."""
    # a rule between two cells gives two edges a few pixels apart: one boundary
    cols = _cluster([c.x0 for c in cells] + [c.x1 for c in cells], 10)
    rows = _cluster([c.y0 for c in cells] + [c.y1 for c in cells], 10)

    def nearest(vals: list[float], v: float) -> int:
        return min(range(len(vals)), key=lambda i: abs(vals[i] - v))

    for c in cells:
        c.col = nearest(cols, c.x0)
        c.row = nearest(rows, c.y0)
        c._col1 = max(c.col + 1, nearest(cols, c.x1))  # type: ignore[attr-defined]
        c._row1 = max(c.row + 1, nearest(rows, c.y1))  # type: ignore[attr-defined]


def _cell_text(boxes: list[_Box]) -> tuple[str, float]:
    if not boxes:
        return "", 1.0
    lines = _lines(boxes)
    text = ""
    for ln in lines:
        if text and not (CJK.match(text[-1]) or CJK.match(ln[4][0])):
            text += " "
        text += ln[4]
    return text, min(b.score for b in boxes)


def _grid_items(cells: list[_Cell], index: int, pt: float) -> list[tuple[float, Line | Grid]]:
    """A ruled table's cells → grid rows; a row that is one cell across the
    whole table (a caption such as 第二十条第（一）项) is a line of text, as
    in the PDF reader."""
    n_rows = max(c._row1 for c in cells)  # type: ignore[attr-defined]
    n_cols = max(c._col1 for c in cells)  # type: ignore[attr-defined]
    by_row: dict[int, list[_Cell]] = {}
    for c in cells:
        by_row.setdefault(c.row, []).append(c)
    edges = sorted({c.x0 * pt for c in cells} | {c.x1 * pt for c in cells})
    x0 = min(c.x0 for c in cells) * pt
    x1 = max(c.x1 for c in cells) * pt
    items: list[tuple[float, Line | Grid]] = []
    rows: list[list[str]] = []
    conf: list[list[float]] = []
    top = bottom = 0.0

    def flush() -> None:
        if rows:
            items.append((top, Grid(list(rows), (x0, top, x1, bottom), edges, index, reliable=True, conf=list(conf))))
        rows.clear()
        conf.clear()

    for r in range(n_rows):
        row_cells = sorted(by_row.get(r, []), key=lambda c: c.col)
        if not row_cells:
            continue  # a row that starts no cell (an artefact of the clustering)
        if len(row_cells) == 1 and row_cells[0].col == 0 and row_cells[0]._col1 == n_cols:  # type: ignore[attr-defined]
            c = row_cells[0]
            flush()
            for lx0, lx1, ltop, lbottom, text, _ in _lines(c.boxes or []):
                items.append((ltop * pt, Line(text, lx0 * pt, lx1 * pt, ltop * pt, lbottom * pt, index)))
            continue
        if not rows:
            top = min(c.y0 for c in row_cells) * pt
        bottom = max(c.y1 for c in row_cells) * pt
        texts = [""] * n_cols
        scores = [1.0] * n_cols
        for c in row_cells:
            text, score = _cell_text(c.boxes or [])
            texts[c.col] += text
            scores[c.col] = min(scores[c.col], score)
        rows.append(texts)
        conf.append(scores)
    flush()
    return items


def _lines(boxes: list[_Box]) -> list[tuple[float, float, float, float, str, list[_Box]]]:
    """Text boxes → visual lines (x0, x1, top, bottom, text, boxes), top to bottom."""
    lines: list[list[_Box]] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        for ln in lines:
            ref = ln[-1]
            hgt = min(b.y1 - b.y0, ref.y1 - ref.y0)
            if abs(b.cy - sum(x.cy for x in ln) / len(ln)) <= 0.5 * hgt:
                ln.append(b)
                break
        else:
            lines.append([b])
    out: list[tuple[float, float, float, float, str, list[_Box]]] = []
    for ln in lines:
        ln.sort(key=lambda b: b.x0)
        text = ""
        for b in ln:
            if text and not (CJK.match(text[-1]) and CJK.match(b.text[0])):
                text += " "
            text += b.text
        box = (
            float(min(b.x0 for b in ln)),
            float(max(b.x1 for b in ln)),
            float(min(b.y0 for b in ln)),
            float(max(b.y1 for b in ln)),
        )
        out.append((*box, text, ln))
    out.sort(key=lambda t: t[2])
    return out
