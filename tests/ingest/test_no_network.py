"""Importing never touches the network, whatever the files point at.

Every remote reference below points at a real HTTP server on 127.0.0.1 that counts what it is asked for.
The test first proves the server does count (one request of its own), then imports everything through
the real pipeline into a real case file, in this process and in worker processes, and expects no request.
"""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from app.core.records import ImportStatus
from app.ingest.pipeline import SMALL_BATCH, import_paths
from app.store import CaseStore
from tests.ingest.ingest_samples import ENGLISH, HEBREW, make_docx, make_email, make_pdf, rewritten_zip


class _Counter(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def _answer(self) -> None:
        type(self).requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"x")

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Counter.requests = []
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _page(base: str, number: int) -> str:
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{base}/dtd/xhtml1-strict.dtd">
<html lang="he"><head>
<base href="{base}/base/">
<meta http-equiv="refresh" content="0; url={base}/refresh">
<title>גשר {number}</title>
<link rel="stylesheet" href="{base}/style.css">
<link rel="preload" href="{base}/font.woff2" as="font">
<link rel="canonical" href="{base}/canonical">
<meta property="og:image" content="{base}/og.jpg">
<style>@import url("{base}/import.css"); @import "{base}/import2.css";
body {{ background: url({base}/background.png); }}
@font-face {{ font-family: X; src: url('{base}/font.ttf'); }}</style>
<script src="{base}/app.js"></script>
<script>fetch("{base}/fetch"); new Image().src = "{base}/beacon";</script>
</head><body>
<article><h1>גשר חדש {number}</h1><p>{HEBREW}</p>
<img src="{base}/photo.jpg" srcset="{base}/photo-2x.jpg 2x" alt="photo">
<picture><source srcset="{base}/photo.webp"></picture>
<iframe src="{base}/iframe"></iframe>
<object data="{base}/object.swf"></object><embed src="{base}/embed.swf">
<video src="{base}/video.mp4" poster="{base}/poster.jpg"></video>
<audio src="{base}/audio.mp3"></audio>
<svg><image href="{base}/svg-image.png"/></svg>
<div style="background-image: url({base}/inline.png)">{ENGLISH}</div>
<a href="{base}/link">a link</a>
</article></body></html>
"""


def _docx_with_remote_parts(base: str) -> bytes:
    data = make_docx(["Remote parts", ENGLISH])
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'hyperlink" Target="{base}/docx-link" TargetMode="External"/>'
        '<Relationship Id="rIdX2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'image" Target="{base}/docx-image.png" TargetMode="External"/>'
        "</Relationships>"
    )
    return rewritten_zip(data, add={"word/_rels/settings.xml.rels": rels.encode()})


def _material(folder: Path, base: str, copies: int) -> Path:
    folder.mkdir()
    for number in range(copies):
        (folder / f"page-{number}.html").write_text(_page(base, number), encoding="utf-8")
    (folder / "page.xhtml").write_text(
        f'<?xml version="1.0"?>\n<?xml-stylesheet href="{base}/xsl.xsl" type="text/xsl"?>\n'
        + _page(base, 99).split("\n", 1)[1],
        encoding="utf-8",
    )
    html_mail = f'<html><body><p>{ENGLISH}</p><img src="{base}/mail-pixel.gif"></body></html>'
    (folder / "mail.eml").write_bytes(
        make_email(html=html_mail, attachments=[("page.html", _page(base, 77).encode(), "text/html")])
    )
    (folder / "note.md").write_text(f"# Note\n\n![remote]({base}/md-image.png) [link]({base}/md-link)\n")
    (folder / "links.docx").write_bytes(_docx_with_remote_parts(base))
    (folder / "report.pdf").write_bytes(make_pdf([f"{ENGLISH} {base}/pdf-link"]))
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_import_makes_no_request(tmp_path: Path, server: str, workers: int) -> None:
    with urllib.request.urlopen(f"{server}/self-check") as response:  # the counter does count
        assert response.read() == b"x"
    assert _Counter.requests == ["GET /self-check"]
    _Counter.requests.clear()

    folder = _material(tmp_path / "material", server, copies=SMALL_BATCH + 1)
    with CaseStore.create(tmp_path / "case.threadline", title="t", actor="tester") as store:
        outcomes = import_paths(store, [folder], imported_by="tester", workers=workers)
        assert {outcome.status for outcome in outcomes} == {ImportStatus.IMPORTED}, outcomes
        assert len(outcomes) == SMALL_BATCH + 1 + 6  # pages, xhtml, mail + its attachment, md, docx, pdf
        hebrew_page = next(o for o in outcomes if o.path.endswith("page-0.html"))
        assert hebrew_page.source_id is not None
        assert "גשר חדש" in store.source_text(hebrew_page.source_id)
    assert _Counter.requests == []
