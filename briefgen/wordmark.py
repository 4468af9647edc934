"""The protective marking in every page's header and footer of a pandoc-made .docx."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PART = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:{{tag}} xmlns:w="{_W}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:rPr><w:b/><w:color w:val="8B1A1A"/></w:rPr><w:t xml:space="preserve">{text}</w:t>'
    "</w:r></w:p></w:{tag}>"
)
_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"


def add_marking(docx: bytes, marking: str) -> bytes:
    """The same document with `marking` centred in bold in its header and footer."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                refs = (
                    f'<w:headerReference xmlns:r="{_REL}" w:type="default" r:id="rIdMarkHead"/>'
                    f'<w:footerReference xmlns:r="{_REL}" w:type="default" r:id="rIdMarkFoot"/>'
                )
                data = data.decode().replace("<w:sectPr>", "<w:sectPr>" + refs, 1).encode()
            elif info.filename == "word/_rels/document.xml.rels":
                rels = "".join(
                    f'<Relationship Type="{_REL}/{kind}" Id="{rid}" Target="{kind}1.xml" />'
                    for kind, rid in (("header", "rIdMarkHead"), ("footer", "rIdMarkFoot"))
                )
                data = data.decode().replace("</Relationships>", rels + "</Relationships>").encode()
            elif info.filename == "[Content_Types].xml":
                parts = "".join(
                    f'<Override PartName="/word/{kind}1.xml" ContentType="{_TYPE.format(kind=kind)}" />'
                    for kind in ("header", "footer")
                )
                data = data.decode().replace("</Types>", parts + "</Types>").encode()
            target.writestr(info, data)
        for kind, tag in (("header", "hdr"), ("footer", "ftr")):
            info = zipfile.ZipInfo(f"word/{kind}1.xml", date_time=source.infolist()[0].date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, _PART.format(tag=tag, text=escape(marking)))
    return out.getvalue()
