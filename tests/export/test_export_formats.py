"""Each format exported through the API and opened with a real reader of the format."""

import io
import re
import zipfile

import docx
import ebooklib
import pypdf
import pytest
from ebooklib import epub
from lxml import etree

from books.models import AccessType, ChapterAccessLog
from tests.export.conftest import download

pytestmark = pytest.mark.django_db

MIME = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "epub": "application/epub+zip",
    "markdown": "text/markdown; charset=utf-8",
}
EXT = {"pdf": "pdf", "docx": "docx", "epub": "epub", "markdown": "md"}

# contents lines, in order, without / with empty chapters
CONTENTS = ["1. Beginnings", "1.1 Early Days", "2. Endings"]
CONTENTS_ALL = [
    "1. Beginnings",
    "1.1 Early Days",
    "1.2 Blank Sub",
    "2. The Empty Middle",
    "3. Endings",
]
BODY_ORDER = [
    "Chapter 1: Beginnings",
    "Where it all starts",
    "Opening Scene",
    "first",
    "Alpha item",
    "Beta item",
    "Step one",
    "[Image: A sleeping cat]",
    "After the image.",
    "Second Heading",
    "Closing sentence of chapter one.",
    "1.1 Early Days",
    "Subchapter body text.",
    "Tiny Heading",
    "Under the tiny heading.",
    "Chapter 2: Endings",
    "Final words here.",
]


def assert_in_order(text: str, needles: list[str], start: int = 0) -> int:
    position = start
    for needle in needles:
        found = text.find(needle, position)
        assert found >= 0, f"{needle!r} missing (or out of order) after position {position}"
        position = found + len(needle)
    return position


def assert_download_headers(response, body: bytes, fmt: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == MIME[fmt]
    assert response["Content-Disposition"] == (
        f'attachment; filename="Export Test Book.{EXT[fmt]}"'
    )
    assert int(response["Content-Length"]) == len(body) > 0


def pdf_text(body: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"[ \t]+", " ", text)


def test_pdf(api, book_id):
    response, body = download(api, book_id, "pdf")
    assert_download_headers(response, body, "pdf")
    reader, text = pdf_text(body)
    assert reader.metadata.title == "Export Test Book"
    assert reader.metadata.author == "Ada Writer"
    first_page = reader.pages[0].extract_text()
    for line in ["Export Test Book", "A Subtitle", "by Ada Writer", "Genre: Fantasy"]:
        assert line in first_page
    assert "Target Audience: Young adults" in first_page
    position = assert_in_order(text, ["Table of Contents", *CONTENTS])
    assert_in_order(text, BODY_ORDER, position)
    assert "Blank Sub" not in text and "Empty Middle" not in text
    assert "(No content yet)" not in text
    assert "<img" not in text and "<h1>" not in text and "<strong>" not in text
    # chapters are bookmarks, the subchapter nested under its chapter
    outline = reader.outline
    assert outline[0]["/Title"] == "Chapter 1: Beginnings"
    assert [item["/Title"] for item in outline[1]] == ["1.1 Early Days"]
    assert outline[2]["/Title"] == "Chapter 2: Endings"
    # letter by default
    assert round(float(reader.pages[0].mediabox.width)) == 612
    assert round(float(reader.pages[0].mediabox.height)) == 792


def test_pdf_a4_with_empty_chapters(api, book_id):
    response, body = download(api, book_id, "pdf", page_size="A4", include_empty_chapters="true")
    assert response.status_code == 200
    reader, text = pdf_text(body)
    assert round(float(reader.pages[0].mediabox.width)) == 595
    assert round(float(reader.pages[0].mediabox.height)) == 842
    position = assert_in_order(text, ["Table of Contents", *CONTENTS_ALL])
    assert_in_order(
        text,
        [
            "Chapter 1: Beginnings",
            "1.1 Early Days",
            "Under the tiny heading.",
            "1.2 Blank Sub",
            "(No content yet)",
            "Chapter 2: The Empty Middle",
            "(No content yet)",
            "Chapter 3: Endings",
            "Final words here.",
        ],
        position,
    )


def docx_paragraphs(body: bytes) -> list:
    return [p for p in docx.Document(io.BytesIO(body)).paragraphs if p.text.strip()]


def test_docx(api, book_id):
    response, body = download(api, book_id, "docx")
    assert_download_headers(response, body, "docx")
    document = docx.Document(io.BytesIO(body))
    assert document.core_properties.title == "Export Test Book"
    assert document.core_properties.author == "Ada Writer"
    paragraphs = docx_paragraphs(body)
    styled = [(p.style.name, p.text) for p in paragraphs]
    assert styled[:5] == [
        ("Title", "Export Test Book"),
        ("Subtitle", "A Subtitle"),
        ("Normal", "by Ada Writer"),
        ("Normal", "Genre: Fantasy • Target Audience: Young adults"),
        ("Normal", "A book used by the export tests."),
    ]
    texts = [text for _, text in styled]
    contents_at = texts.index("Table of Contents")
    assert styled[contents_at][0] == "Heading 1"
    assert texts[contents_at + 1 : contents_at + 4] == CONTENTS
    headings = [(style, text) for style, text in styled if style.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Table of Contents"),
        ("Heading 1", "Chapter 1: Beginnings"),
        ("Heading 3", "Opening Scene"),
        ("Heading 4", "Second Heading"),
        ("Heading 2", "1.1 Early Days"),
        ("Heading 5", "Tiny Heading"),
        ("Heading 1", "Chapter 2: Endings"),
    ]
    full = "\n".join(texts)
    assert_in_order(full, BODY_ORDER)
    assert "•\tAlpha item" in texts and "2.\tStep two" in texts
    # emphasis carried over as run formatting
    opening = next(p for p in paragraphs if p.text.startswith("The first paragraph"))
    runs = {run.text: run for run in opening.runs}
    assert runs["first"].bold and runs["emphasis"].italic
    assert not runs["The "].bold
    description = next(p for p in paragraphs if p.text == "Where it all starts")
    assert all(run.italic for run in description.runs)
    assert "Blank Sub" not in full and "(No content yet)" not in full


def test_docx_with_empty_chapters(api, book_id):
    response, body = download(api, book_id, "docx", include_empty_chapters="1")
    assert response.status_code == 200
    texts = [p.text for p in docx_paragraphs(body)]
    contents_at = texts.index("Table of Contents")
    assert texts[contents_at + 1 : contents_at + 6] == CONTENTS_ALL
    blank = texts.index("1.2 Blank Sub", contents_at + 6)
    assert texts[blank + 1] == "(No content yet)"
    middle = texts.index("Chapter 2: The Empty Middle")
    assert texts[middle + 1] == "(No content yet)"
    assert texts.index("Chapter 3: Endings") > middle


def read_epub(body: bytes, tmp_path) -> epub.EpubBook:
    path = tmp_path / "book.epub"
    path.write_bytes(body)
    return epub.read_epub(str(path))


def xhtml_text(item) -> str:
    root = etree.fromstring(item.get_content())
    return " ".join(" ".join(root.itertext()).split())


def test_epub(api, book_id, tmp_path):
    response, body = download(api, book_id, "epub")
    assert_download_headers(response, body, "epub")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"
        opf = archive.read("EPUB/content.opf").decode()
        assert 'version="3.0"' in opf
        opf_root = etree.fromstring(opf.encode())
        opf_ns = {"o": "http://www.idpf.org/2007/opf"}
        nav_items = opf_root.findall(".//o:manifest/o:item[@properties='nav']", opf_ns)
        assert len(nav_items) == 1
        nav_xhtml = archive.read("EPUB/" + nav_items[0].get("href"))

    book = read_epub(body, tmp_path)
    assert book.get_metadata("DC", "title")[0][0] == "Export Test Book"
    assert book.get_metadata("DC", "creator")[0][0] == "Ada Writer"
    assert book.get_metadata("DC", "language")[0][0] == "en"

    # the navigation document: chapters in order, the subchapter nested in its chapter
    nav_root = etree.fromstring(nav_xhtml)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    top = nav_root.findall(".//x:nav/x:ol/x:li", ns)
    assert [li.find("x:a", ns).text for li in top] == [
        "Chapter 1: Beginnings",
        "Chapter 2: Endings",
    ]
    nested = top[0].findall("x:ol/x:li/x:a", ns)
    assert [a.text for a in nested] == ["1.1 Early Days"]
    assert top[1].find("x:ol", ns) is None
    # the reader's view of the TOC agrees
    assert book.toc[0][0].title == "Chapter 1: Beginnings"
    assert [link.title for link in book.toc[0][1]] == ["1.1 Early Days"]

    # spine order: title page, contents (nav), then the chapters in TOC order
    documents = {item.get_id(): item for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)}
    spine = [documents[idref] for idref, _ in book.spine if idref in documents]
    spine_text = [xhtml_text(item) for item in spine]
    assert "Export Test Book" in spine_text[0] and "by Ada Writer" in spine_text[0]
    chapters = [text for text in spine_text if text.startswith(("Chapter", "1.1"))]
    assert len(chapters) == 3
    assert_in_order(" ".join(chapters), BODY_ORDER)
    first_chapter = next(item for item in spine if "Opening Scene" in xhtml_text(item))
    html = first_chapter.get_content().decode()
    assert "<h1>Chapter 1: Beginnings</h1>" in html
    assert "<h3>Opening Scene</h3>" in html and "<h4>Second Heading</h4>" in html
    assert "<strong>first</strong>" in html and "<em>emphasis</em>" in html
    assert "<li>Alpha item</li>" in html and "<ol>" in html
    assert "<img" not in html and "[Image: A sleeping cat]" in html
    assert all("(No content yet)" not in text for text in spine_text)


def test_epub_with_empty_chapters(api, book_id, tmp_path):
    response, body = download(api, book_id, "epub", include_empty_chapters="true")
    assert response.status_code == 200
    book = read_epub(body, tmp_path)
    assert [entry[0].title if isinstance(entry, tuple) else entry.title for entry in book.toc] == [
        "Chapter 1: Beginnings",
        "Chapter 2: The Empty Middle",
        "Chapter 3: Endings",
    ]
    assert [link.title for link in book.toc[0][1]] == ["1.1 Early Days", "1.2 Blank Sub"]
    texts = [xhtml_text(item) for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)]
    assert "1.2 Blank Sub (No content yet)" in texts
    assert "Chapter 2: The Empty Middle (No content yet)" in texts


def test_markdown(api, book_id):
    response, body = download(api, book_id, "markdown")
    assert_download_headers(response, body, "markdown")
    text = body.decode("utf-8")
    assert text.startswith("# Export Test Book\n\n**A Subtitle**\n\nby Ada Writer\n")
    assert "Genre: Fantasy • Target Audience: Young adults" in text
    contents = text[text.index("## Table of Contents") : text.index("## Chapter 1")]
    assert contents.split("\n")[2:5] == [
        "- 1\\. Beginnings",
        "  - 1.1 Early Days",
        "- 2\\. Endings",
    ]
    assert_in_order(
        text,
        [
            "## Chapter 1: Beginnings",
            "*Where it all starts*",
            "#### Opening Scene",
            "The **first** paragraph with *emphasis* inside.",
            "- Alpha item\n- Beta item",
            "1. Step one\n2. Step two",
            "*\\[Image: A sleeping cat\\]* After the image.",
            "##### Second Heading",
            "### 1.1 Early Days",
            "###### Tiny Heading",
            "## Chapter 2: Endings",
            "Final words here.",
        ],
    )
    assert "<img" not in text and "<p>" not in text
    assert "Blank Sub" not in text and "(No content yet)" not in text


def test_markdown_with_empty_chapters(api, book_id):
    response, body = download(api, book_id, "markdown", include_empty_chapters="true")
    text = body.decode()
    assert_in_order(
        text,
        [
            "### 1.2 Blank Sub\n\n*(No content yet)*",
            "## Chapter 2: The Empty Middle\n\n*(No content yet)*",
            "## Chapter 3: Endings",
        ],
    )


@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub", "markdown"])
def test_each_export_writes_an_access_log_row(api, user, book_id, fmt):
    assert not ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").exists()
    response, body = download(api, book_id, fmt, include_empty_chapters="true")
    assert response.status_code == 200
    rows = list(ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export"))
    assert len(rows) == 1
    row = rows[0]
    assert row.user_id == user.pk
    assert row.access_type == getattr(AccessType, f"EXPORT_{fmt.upper()}")
    assert row.metadata["format"] == fmt
    assert row.metadata["chapters_exported"] == 5
    assert row.metadata["include_empty_chapters"] is True
    assert row.metadata["size_bytes"] == len(body)
    if fmt == "pdf":
        assert row.metadata["page_size"] == "letter"
