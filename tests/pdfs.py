"""PDFs for the tests: laid out line by line (scripts/make-sample-sources), scanned, locked,
or built to inflate to far more than their size."""

from __future__ import annotations

import importlib.util
import io
import zlib
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "make-sample-sources"


def script() -> ModuleType:
    """scripts/make-sample-sources as a module (it has no .py suffix)."""
    loader = SourceFileLoader("make_sample_sources", str(SCRIPT))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


_SCRIPT = script()


def pdf_bytes(
    pages: list[list[str]],
    header: str | None = None,
    footer: str | None = "Page {page} of {pages}",
) -> bytes:
    """A PDF with exactly these lines on these pages, a running header and a page-number footer."""
    data: bytes = _SCRIPT.pdf_bytes(pages, header=header, footer=footer)
    return data


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that are images only, as a scanner makes them: no text layer at all."""
    from fpdf import FPDF
    from PIL import Image

    picture = io.BytesIO()
    Image.new("L", (60, 80), 200).save(picture, format="PNG")
    pdf = FPDF(format=(105, 148))
    for _ in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(picture.getvalue()), x=5, y=5, w=90)
    return bytes(pdf.output())


def encrypted_pdf(text: str) -> bytes:
    """A PDF that opens only with a password."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, text)
    return bytes(pdf.output())


def bomb_pdf(inflated_mb: int) -> bytes:
    """One page whose content stream is `inflated_mb` MB of zero bytes, deflated to ~1/250."""
    deflate = zlib.compressobj(1)
    zeros = b"\0" * (1 << 20)
    body = b"".join(deflate.compress(zeros) for _ in range(inflated_mb)) + deflate.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body_of in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body_of + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
