"""The shared HTML -> blocks converter, chapter selection and the renderers' escaping (no
database: the neutral document built in memory)."""

import io

import pytest

from books.export import FORMATS, Deadline, ExportCancelled, document_from_memory
from books.export.blocks import Heading, ListBlock, Paragraph, Run, html_to_blocks
from books.export.document import SourceChapter, select_chapters


def texts(blocks):
    return [("".join(r.text for r in b.runs), type(b).__name__) for b in blocks]


def test_headings_paragraphs_and_emphasis():
    blocks = html_to_blocks(
        "<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4>"
        "<p>A <b>bold</b> and <i>italic</i> and <code>x()</code><br>next line</p>"
    )
    assert [type(b) for b in blocks] == [Heading, Heading, Heading, Paragraph, Paragraph]
    assert [b.level for b in blocks[:3]] == [1, 2, 3]
    assert blocks[3].runs == [Run("Four", bold=True)]
    runs = blocks[4].runs
    assert Run("bold", bold=True) in runs and Run("italic", italic=True) in runs
    assert Run("x()", code=True) in runs
    assert runs[-2].is_break and runs[-1].text == "next line"


def test_nested_lists_images_and_skipped_elements():
    blocks = html_to_blocks(
        "<ul><li>a<ol><li>a1</li></ol></li><li><p>b</p></li></ul>"
        '<p><img src="x.png" alt="  A   cat "><img src="y.png">Text</p>'
        "<script>alert(1)</script><style>p{}</style><p>after</p>"
    )
    lst = blocks[0]
    assert isinstance(lst, ListBlock) and not lst.ordered
    assert [i.runs[0].text for i in lst.items] == ["a", "b"]
    assert lst.items[0].children[0].ordered
    assert lst.items[0].children[0].items[0].runs == [Run("a1")]
    assert blocks[1].runs[0] == Run("[Image: A cat]", italic=True, image=True)
    assert blocks[1].runs[1].text == "Text"
    assert texts(blocks[2:]) == [("after", "Paragraph")]


@pytest.mark.parametrize("html", ["", "   ", "<p></p>", "<p>&nbsp;</p>", "<img src=x>", None])
def test_empty_html_has_no_blocks(html):
    assert html_to_blocks(html) == []


def test_control_characters_are_removed():
    assert html_to_blocks("<p>a\x00b\x0bc</p>")[0].runs == [Run("abc")]


def test_bare_text_and_whitespace_collapse():
    assert texts(html_to_blocks("  Hello \n\n  <b>world</b>  ")) == [("Hello world", "Paragraph")]
    pre = html_to_blocks("<pre>  keep\n   this</pre>")[0]
    assert pre.kind == "code" and pre.runs[0].text == "  keep\n   this"


def sources(*rows):
    return [SourceChapter(*row) for row in rows]


def test_selection_numbers_the_printed_sequence():
    rows = sources(
        ("a", 1, "A", None, True),
        ("a1", 2, "A1", "a", False),
        ("a2", 2, "A2", "a", True),
        ("b", 1, "B", None, False),
        ("c", 1, "C", None, False),
        ("c1", 2, "C1", "c", True),
    )
    outline = select_chapters(rows, include_empty=False)
    assert [(e.key, e.number, e.heading) for e in outline] == [
        ("a", "1", "Chapter 1: A"),
        ("a2", "1.1", "1.1 A2"),
        ("c", "2", "Chapter 2: C"),  # kept for its written subchapter
        ("c1", "2.1", "2.1 C1"),
    ]
    outline = select_chapters(rows, include_empty=True)
    assert [e.contents_line for e in outline] == [
        "1. A",
        "1.1 A1",
        "1.2 A2",
        "2. B",
        "3. C",
        "3.1 C1",
    ]


def memory_doc(**kwargs):
    return document_from_memory(
        title="T",
        chapters=[
            {"id": "a", "title": "*Star* [link] # 1. x", "content": "<p>1. not a list</p>"},
            {"id": "b", "level": 1, "title": "Empty", "content": ""},
        ],
        **kwargs,
    )


def test_markdown_escapes_author_text():
    out = io.BytesIO()
    FORMATS["markdown"].render(memory_doc(), out)
    text = out.getvalue().decode()
    assert "## Chapter 1: \\*Star\\* \\[link\\] # 1. x" in text
    assert "\n1\\. not a list\n" in text
    assert "Empty" not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx", "epub", "markdown"])
def test_renderers_stop_at_the_deadline(fmt):
    deadline = Deadline()
    deadline.cancel()
    with pytest.raises(ExportCancelled):
        FORMATS[fmt].render(memory_doc(deadline=deadline), io.BytesIO())
