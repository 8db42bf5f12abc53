"""Export templates (GET .../export/templates, `templates` in /export/formats), template_id and
custom_options on the PDF, DOCX and EPUB exports, and the author's name and bio in every
format. Each template is rendered and the file is read back: the page size and fonts a PDF
declares, the styles and section of a DOCX, the style sheet of an EPUB."""

import io
import json
import re
import zipfile

import docx
import pypdf
import pytest
from django.urls import reverse

from books.models import Book, ChapterAccessLog
from books.services.export import book_export
from tests.export.conftest import build_book, download

pytestmark = pytest.mark.django_db

# Plain paragraphs only (no bold, italics, descriptions or code), so the fonts a PDF declares
# are the template's body and heading faces and nothing else.
PLAIN = [
    ("ch1", "Harbour", "", "<p>" + "The tide came in over the stones. " * 30 + "</p>", []),
    ("ch2", "Lantern", "", "<p>She trimmed the wick and waited.</p>", []),
]
IDS = ["classic_fiction", "modern_nonfiction", "academic"]
# What each template is specified to be: page in points (A4 rounded), body family, heading
# family and weight, Word fonts, body size and line height, margins in inches.
EXPECTED = {
    "classic_fiction": {
        "page": (432, 648),
        "body": "serif",
        "heading": ("serif", False),
        "docx": "Garamond",
        "size": 11,
        "line_height": 1.35,
        "inside": 0.75,
    },
    "modern_nonfiction": {
        "page": (612, 792),
        "body": "sans",
        "heading": ("sans", True),
        "docx": "Calibri",
        "size": 11,
        "line_height": 1.5,
        "inside": 1.1,
    },
    "academic": {
        "page": (595, 842),
        "body": "serif",
        "heading": ("serif", True),
        "docx": "Times New Roman",
        "size": 12,
        "line_height": 2.0,
        "inside": 1.5,
    },
}
# The PDF base font of each (family, bold): the embedded DejaVu face, or the built-in one when
# DejaVu is not installed.
PDF_FACES = {
    ("serif", False): {"DejaVuSerif", "Times-Roman"},
    ("serif", True): {"DejaVuSerif-Bold", "Times-Bold"},
    ("sans", False): {"DejaVuSans", "Helvetica"},
    ("sans", True): {"DejaVuSans-Bold", "Helvetica-Bold"},
}


@pytest.fixture
def book_id(api, user):
    user.display_name = "Ada Writer"
    user.bio = "Ada keeps the lighthouse.\nShe writes at night."
    user.save(update_fields=["display_name", "bio"])
    return build_book(api, PLAIN)


def templates_url(book_id: str) -> str:
    return reverse("book-export-templates", kwargs={"book_id": book_id})


def declared_fonts(reader: pypdf.PdfReader) -> set[str]:
    """Base font names of every page's font resources, without the subset tag ("ABCDEF+")."""
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    # reportlab's canvas declares its initial font (Helvetica) on every page, used or not
    return names - {"Helvetica"}


def page_points(reader: pypdf.PdfReader, index: int = 0) -> tuple[int, int]:
    box = reader.pages[index].mediabox
    return round(float(box.width)), round(float(box.height))


def chapter_page(reader: pypdf.PdfReader, needle: str) -> int:
    return next(n for n, page in enumerate(reader.pages) if needle in page.extract_text())


# --- the templates list ----------------------------------------------------------------------


def test_templates_endpoint_lists_every_template_with_its_spec(api, book_id):
    response = api.get(templates_url(book_id))
    assert response.status_code == 200, response.content
    templates = response.json()["templates"]
    assert [t["id"] for t in templates] == IDS
    for template in templates:
        expected = EXPECTED[template["id"]]
        assert set(template) == {
            "id",
            "name",
            "description",
            "category",
            "best_for",
            "page_size",
            "page",
            "margins",
            "font",
            "line_height",
            "first_line_indent",
            "heading",
            "chapter_opening",
            "header",
            "footer",
        }
        width, height = expected["page"]
        assert round(template["page"]["width"] * 72) == width
        assert round(template["page"]["height"] * 72) == height
        assert template["font"]["family"] == expected["body"]
        assert template["font"]["docx_font"] == expected["docx"]
        assert template["font"]["size"] == expected["size"]
        assert template["font"]["pdf_font"] in PDF_FACES[(expected["body"], False)]
        family, bold = expected["heading"]
        assert (template["heading"]["family"], template["heading"]["bold"]) == (family, bold)
        assert template["heading"]["pdf_font"] in PDF_FACES[expected["heading"]]
        assert template["line_height"] == expected["line_height"]
        assert template["margins"]["inside"] == expected["inside"]
        assert set(template["chapter_opening"]) == {"new_page", "drop", "label", "numbering"}
    assert [t["page_size"] for t in templates] == ["6x9", "letter", "A4"]


def test_formats_lists_the_same_templates(api, book_id):
    formats = api.get(reverse("book-export-formats", kwargs={"book_id": book_id})).json()
    assert formats["templates"] == api.get(templates_url(book_id)).json()["templates"]


def test_templates_of_another_users_book_and_of_no_book(api, other_api, book_id):
    response = other_api.get(templates_url(book_id))
    assert response.status_code == 403
    assert response.json()["detail"] == "Not authorized to access this book"
    assert api.get(templates_url("0" * 24)).status_code == 404
    assert api.get(templates_url("nope")).status_code == 404


# --- PDF -------------------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", IDS)
def test_each_template_sets_the_pdf_page_and_fonts(api, book_id, template_id):
    expected = EXPECTED[template_id]
    response, body = download(api, book_id, "pdf", template_id=template_id)
    assert response.status_code == 200, body[:300]
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert {page_points(reader, n) for n in range(len(reader.pages))} == {expected["page"]}
    spec = api.get(templates_url(book_id)).json()["templates"][IDS.index(template_id)]
    # exactly the body face and the heading face the spec names, nothing else
    assert declared_fonts(reader) == {spec["font"]["pdf_font"], spec["heading"]["pdf_font"]} - {
        "Helvetica"
    }
    # the body size and line height: "<size> Tf <leading> TL" of the body paragraphs
    content = reader.pages[chapter_page(reader, "The tide")].get_contents().get_data().decode()
    size, leading = expected["size"], expected["size"] * expected["line_height"]
    assert re.search(rf" {size:g} Tf {leading:g} TL \(The tide", content), content[:600]
    # the inside margin is where the paragraphs start
    assert re.search(rf"\n1 0 0 1 {expected['inside'] * 72:g} [\d.]+ cm\n", content)


def test_the_templates_declare_different_fonts_and_pages(api, book_id):
    fonts, pages = {}, {}
    for template_id in IDS:
        _, body = download(api, book_id, "pdf", template_id=template_id)
        reader = pypdf.PdfReader(io.BytesIO(body))
        fonts[template_id] = declared_fonts(reader)
        pages[template_id] = page_points(reader)
    assert len(set(pages.values())) == 3
    assert len({frozenset(names) for names in fonts.values()}) == 3
    sans = PDF_FACES[("sans", False)] | PDF_FACES[("sans", True)]
    serif = PDF_FACES[("serif", False)] | PDF_FACES[("serif", True)]
    assert not fonts["classic_fiction"] & sans and not fonts["academic"] & sans
    assert not fonts["modern_nonfiction"] & serif
    _, default = download(api, book_id, "pdf")
    assert page_points(pypdf.PdfReader(io.BytesIO(default))) == (612, 792)


def test_chapter_openings_and_running_headers_follow_the_template(api, book_id):
    texts = {}
    for template_id in [*IDS, None]:
        params = {"template_id": template_id} if template_id else {}
        _, body = download(api, book_id, "pdf", **params)
        reader = pypdf.PdfReader(io.BytesIO(body))
        texts[template_id] = reader.pages[chapter_page(reader, "The tide")].extract_text()
    classic = texts["classic_fiction"]
    assert "Chapter One" in classic and "Harbour" in classic
    assert classic.index("Chapter One") < classic.index("Harbour")
    assert "Export Test Book" in classic and "Ada Writer" in classic  # running header
    modern = texts["modern_nonfiction"]
    assert "Chapter 1" in modern and "Chapter 1:" not in modern
    assert "1. Harbour" in texts["academic"]
    assert "Chapter 1: Harbour" in texts[None] and "Ada Writer" not in texts[None]


def test_custom_options_override_the_template(api, book_id):
    options = {"font_size": 14, "line_height": 1.75, "margins": {"inside": 1.25}}
    response, body = download(
        api, book_id, "pdf", template_id="classic_fiction", custom_options=json.dumps(options)
    )
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(body))
    content = reader.pages[chapter_page(reader, "The tide")].get_contents().get_data().decode()
    assert re.search(r" 14 Tf 24\.5 TL \(The tide", content), content[:600]
    assert re.search(r"\n1 0 0 1 90 [\d.]+ cm\n", content)  # 1.25 in
    assert page_points(reader) == (432, 648)
    row = ChapterAccessLog.objects.get(book_id=book_id, chapter_id="export")
    assert row.metadata["template_id"] == "classic_fiction"
    assert row.metadata["page_size"] == "6x9"
    assert row.metadata["custom_options"] == {
        "font_size": 14.0,
        "line_height": 1.75,
        "margins": {"inside": 1.25},
    }


def test_custom_options_without_a_template_adjust_the_default_formatting(api, book_id):
    response, body = download(api, book_id, "pdf", custom_options='{"font_size": 9}')
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(body))
    content = reader.pages[chapter_page(reader, "The tide")].get_contents().get_data().decode()
    assert re.search(r" 9 Tf [\d.]+ TL \(The tide", content)
    assert page_points(reader) == (612, 792)


EXTREMES = [
    {
        "font_size": 18,
        "line_height": 3,
        "first_line_indent": 1,
        "margins": dict.fromkeys(["top", "bottom", "inside", "outside"], 2),
    },
    {
        "font_size": 8,
        "line_height": 1,
        "first_line_indent": 0,
        "margins": dict.fromkeys(["top", "bottom", "inside", "outside"], 0.25),
    },
]


@pytest.mark.parametrize("options", EXTREMES)
@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub"])
def test_the_extreme_options_on_the_smallest_page_still_render(api, book_id, fmt, options):
    """Every value in range renders, even the narrowest text block (6 x 9 in less 4 in)."""
    response, body = download(
        api, book_id, fmt, template_id="classic_fiction", custom_options=json.dumps(options)
    )
    assert response.status_code == 200, body[:300]
    if fmt == "pdf":
        reader = pypdf.PdfReader(io.BytesIO(body))
        text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
        assert "tide came in over the stones." in text and "and waited." in text


def test_page_size_sent_with_a_template_replaces_its_page(api, book_id):
    _, body = download(api, book_id, "pdf", template_id="classic_fiction", page_size="A4")
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert page_points(reader) == (595, 842)
    assert "Chapter One" in reader.pages[chapter_page(reader, "The tide")].extract_text()


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("template_id", ["classic", "Classic_Fiction", "x" * 300])
@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub"])
def test_an_unknown_template_is_400(api, book_id, fmt, template_id):
    response, body = download(api, book_id, fmt, template_id=template_id)
    assert response.status_code == 400, body
    error = json.loads(body)
    assert error["code"] == "invalid_template"
    assert "classic_fiction, modern_nonfiction, academic" in error["detail"]
    assert error["errors"][0]["field"] == "template_id"
    assert not ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").exists()


BAD_OPTIONS = [
    ("{font_size: 12}", "custom_options", "JSON object"),
    ("12", "custom_options", "JSON object"),
    ("[1, 2]", "custom_options", "JSON object"),
    ('"big"', "custom_options", "JSON object"),
    ('{"font_size": NaN}', "custom_options", "JSON object"),
    ('{"fontSize": 12}', "custom_options.fontSize", "Unknown custom option 'fontSize'"),
    ('{"font_size": "12"}', "custom_options.font_size", "must be a number"),
    ('{"font_size": true}', "custom_options.font_size", "must be a number"),
    ('{"font_size": null}', "custom_options.font_size", "must be a number"),
    ('{"font_size": 30}', "custom_options.font_size", "between 8 and 18"),
    ('{"font_size": 1e400}', "custom_options.font_size", "must be a number"),
    ('{"line_height": 0.5}', "custom_options.line_height", "between 1 and 3"),
    ('{"first_line_indent": -1}', "custom_options.first_line_indent", "between 0 and 1"),
    ('{"margins": 1}', "custom_options.margins", "must be an object"),
    ('{"margins": {"left": 1}}', "custom_options.margins.left", "Unknown margin 'left'"),
    ('{"margins": {"top": 0.1}}', "custom_options.margins.top", "between 0.25 and 2"),
    ('{"margins": {"top": "1"}}', "custom_options.margins.top", "must be a number"),
    ('{"font_size": 12, "x": "' + "y" * 2100 + '"}', "custom_options", "longer than 2000"),
]


@pytest.mark.parametrize(("raw", "field", "message"), BAD_OPTIONS)
def test_malformed_custom_options_are_400(api, book_id, raw, field, message):
    response, body = download(api, book_id, "pdf", template_id="academic", custom_options=raw)
    assert response.status_code == 400, body
    error = json.loads(body)
    assert error["code"] == "invalid_custom_options"
    assert message in error["detail"]
    assert error["errors"] == [
        {"field": field, "message": error["detail"], "code": "invalid_custom_options"}
    ]
    assert not ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").exists()


@pytest.mark.parametrize("fmt", ["docx", "epub"])
def test_docx_and_epub_refuse_bad_custom_options_too(api, book_id, fmt):
    response, body = download(api, book_id, fmt, custom_options='{"font_size": 99}')
    assert response.status_code == 400
    assert json.loads(body)["code"] == "invalid_custom_options"


def test_access_is_checked_before_the_options(other_api, book_id):
    response, _ = download(other_api, book_id, "pdf", template_id="nope", custom_options="{")
    assert response.status_code == 403


def test_empty_template_id_and_options_are_the_default_formatting(api, book_id):
    response, body = download(api, book_id, "pdf", template_id="", custom_options="")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert "Chapter 1: Harbour" in reader.pages[chapter_page(reader, "The tide")].extract_text()


# --- DOCX and EPUB ---------------------------------------------------------------------------


def theme_fonts(style) -> list[str]:
    fonts = style.element.rPr.find(docx.oxml.ns.qn("w:rFonts"))
    return [key for key in fonts.attrib if key.endswith("Theme") or key.endswith("theme")]


@pytest.mark.parametrize("template_id", IDS)
def test_each_template_sets_the_docx_fonts_and_page(api, book_id, template_id):
    expected = EXPECTED[template_id]
    response, body = download(api, book_id, "docx", template_id=template_id)
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(body))
    section = document.sections[0]
    assert (round(section.page_width.pt), round(section.page_height.pt)) == expected["page"]
    assert section.left_margin.inches == pytest.approx(expected["inside"], abs=0.01)
    normal = document.styles["Normal"]
    assert normal.font.name == expected["docx"] and theme_fonts(normal) == []
    assert normal.font.size.pt == expected["size"]
    assert normal.paragraph_format.line_spacing == pytest.approx(expected["line_height"])
    heading = document.styles["Heading 1"]
    assert heading.font.name == expected["docx"] and theme_fonts(heading) == []
    assert heading.font.bold is expected["heading"][1]
    assert section.different_first_page_header_footer
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer


def test_docx_default_formatting_keeps_words_styles(api, book_id):
    _, body = download(api, book_id, "docx")
    document = docx.Document(io.BytesIO(body))
    assert document.styles["Normal"].font.name is None
    assert round(document.sections[0].page_width.pt) == 612
    assert "Chapter 1: Harbour" in [p.text for p in document.paragraphs]


def epub_css(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("book.css"))
        return archive.read(name).decode()


def test_epub_takes_the_template_css(api, book_id):
    css = {}
    for template_id in IDS:
        response, body = download(api, book_id, "epub", template_id=template_id)
        assert response.status_code == 200
        css[template_id] = epub_css(body)
    assert "/* layout: classic_fiction */" in css["classic_fiction"]
    assert '"Garamond", Georgia, serif' in css["classic_fiction"]
    assert "line-height: 1.35" in css["classic_fiction"]
    assert '"Calibri", Helvetica, Arial, sans-serif' in css["modern_nonfiction"]
    assert "font-weight: bold" in css["modern_nonfiction"]
    assert "line-height: 2;" in css["academic"]
    assert len(set(css.values())) == 3
    _, default = download(api, book_id, "epub")
    assert "/* layout:" not in epub_css(default)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:  # the academic one: numbered headings
        chapter = next(n for n in archive.namelist() if n.endswith("chapter-0001.xhtml"))
        assert "<h1>1. Harbour</h1>" in archive.read(chapter).decode()


def test_markdown_takes_no_template(api, book_id):
    response, body = download(api, book_id, "markdown", template_id="nope")
    assert response.status_code == 200  # not a markdown option: ignored like any other
    assert b"## Chapter 1: Harbour" in body


# --- the author ------------------------------------------------------------------------------


def assert_author_everywhere(api, book_id: str, name: str, bio_lines: list[str]) -> None:
    _, body = download(api, book_id, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert reader.metadata.author == name
    assert f"by {name}" in reader.pages[0].extract_text()
    last_page = reader.pages[-1].extract_text()
    assert "About the Author" in last_page and all(line in last_page for line in bio_lines)
    _, body = download(api, book_id, "docx", template_id="academic")
    document = docx.Document(io.BytesIO(body))
    assert document.core_properties.author == name
    texts = [p.text for p in document.paragraphs]
    assert f"by {name}" in texts
    assert texts[-1 - len(bio_lines) :] == ["About the Author", *bio_lines]
    _, body = download(api, book_id, "epub")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        opf = archive.read(next(n for n in archive.namelist() if n.endswith(".opf"))).decode()
        about = archive.read(next(n for n in archive.namelist() if n.endswith("about.xhtml")))
    assert f">{name}</dc:creator>" in opf
    assert all(f"<p>{line}</p>" in about.decode() for line in bio_lines)
    _, body = download(api, book_id, "markdown")
    text = body.decode()
    assert f"by {name}" in text
    assert text.rstrip().endswith("## About the Author\n\n" + "\n\n".join(bio_lines))


def test_exports_carry_the_display_name_and_bio(api, book_id):
    assert_author_everywhere(
        api, book_id, "Ada Writer", ["Ada keeps the lighthouse.", "She writes at night."]
    )


def test_without_a_display_name_the_author_is_first_and_last_name(api, user, book_id):
    user.display_name, user.first_name, user.last_name = "", "Grace", "Hopper"
    user.bio = "Wrote compilers."
    user.save(update_fields=["display_name", "first_name", "last_name", "bio"])
    assert_author_everywhere(api, book_id, "Grace Hopper", ["Wrote compilers."])


def test_no_bio_no_about_page(api, user, book_id):
    user.bio = None
    user.save(update_fields=["bio"])
    _, body = download(api, book_id, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert "About the Author" not in "".join(page.extract_text() for page in reader.pages)


def test_the_author_is_the_owner_whoever_exports(book_id, user, other_user):
    other_user.display_name = "Someone Else"
    other_user.bio = "Not the author."
    other_user.save(update_fields=["display_name", "bio"])
    book = Book.objects.get(pk=book_id)
    result = book_export(book=book, user=other_user, fmt="markdown", include_empty=False)
    with result.file:
        text = result.file.read().decode()
    assert "by Ada Writer" in text and "Ada keeps the lighthouse." in text
    assert "Someone Else" not in text and "Not the author." not in text
