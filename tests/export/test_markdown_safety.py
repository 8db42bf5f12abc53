"""The Markdown export never carries raw HTML: chapter content saved through the API, exported
through the API, then rendered by a real CommonMark renderer (markdown-it-py), gives no HTML
token, no tag the Markdown did not ask for, and no link but http(s)/mailto."""

from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from tests.export.conftest import build_book, download

pytestmark = pytest.mark.django_db

# Chapter HTML as an author (or a tester) saves it. `&lt;` in HTML is a literal "<" in the
# chapter's text, which is what can reach the Markdown.
HOSTILE = {
    # The tester's three: a code span holding two backticks, a <pre> holding four, an href
    # holding two line endings and a script tag.
    "code span with two backticks": "<p><code>a``&lt;img src=x onerror=alert(1)&gt;</code></p>",
    "pre with four backticks": (
        "<pre>x\n````\n&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;img src=x onerror=alert(1)&gt;"
        "\n````</pre><p>after</p>"
    ),
    "href with line endings and a script": (
        '<p><a href="https://example.com/&#10;&#10;<script>alert(1)</script>">link</a></p>'
    ),
    "img tag in text": "<p>before <img src=x onerror=alert(1)> after</p>",
    "img as literal text": "<p>before &lt;img src=x onerror=alert(1)&gt; after</p>",
    "comments": "<p>&lt;!-- c --&gt; <!-- real --> x</p>",
    "div as literal text": "<p>&lt;div&gt;x&lt;/div&gt;</p>&lt;div onclick=alert(1)&gt;",
    "div tag": "<div>plain <div>nested</div></div>",
    "autolinks": "<p>&lt;javascript:alert(1)&gt; and &lt;https://example.com&gt;</p>",
    "markdown javascript link as text": "<p>[x](javascript:alert(1)) ![i](javascript:alert(1))</p>",
    "javascript href": '<p><a href="javascript:alert(1)">x</a> <a href=" JavaScript:1">y</a></p>',
    "entities as literal text": (
        "<p>&amp;lt;script&amp;gt; &amp;#60;img src=x onerror=1&amp;#62;</p>"
    ),
    "adjacent code spans": (
        "<p><b><code>a</code></b><code>``&lt;img src=x onerror=alert(1)&gt;</code></p>"
    ),
    "line ending inside a heading's code": (
        "<h2><code>x&#13;&lt;img src=x onerror=alert(1)&gt;</code></h2>"
    ),
    "pre inside a list item": "<ul><li><pre>a\n&lt;img src=x onerror=alert(1)&gt;</pre></li></ul>",
    "tilde fence after a line break": "<p>a<br>~~~<br>&lt;b onmouseover=alert(1)&gt;</p>",
    "bang before a link (image syntax)": '<p>Look!<a href="https://example.com/t.png">x</a></p>',
    "backslashes and backticks in text": (
        "<p>\\`&lt;img src=x onerror=alert(1)&gt;\\` \\\\<code>`</code>\\</p>"
    ),
}

# What the Markdown itself produces, and the only attributes it may carry.
ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "strong", "em", "code", "pre", "ul", "ol", "li",
    "a", "blockquote", "br", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {("a", "href"), ("ol", "start")}


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)

    def unknown_decl(self, data):
        self.comments.append(data)


def render(markdown: str):
    md = MarkdownIt("commonmark")
    tokens = md.parse(markdown)
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    return flat, md.render(markdown)


def export_markdown(api, content: str) -> str:
    book_id = build_book(api, [("c1", "Hostile Chapter", "", content, [])])
    response, body = download(api, book_id, "markdown")
    assert response.status_code == 200
    return body.decode("utf-8")


def assert_no_raw_html(markdown: str) -> str:
    tokens, html = render(markdown)
    raw = [(t.type, t.content) for t in tokens if t.type in ("html_inline", "html_block")]
    assert raw == [], f"raw HTML in the Markdown:\n{markdown}"
    parser = _Elements()
    parser.feed(html)
    parser.close()
    assert parser.comments == []
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs:
            assert (tag, name) in ALLOWED_ATTRIBUTES, (tag, name, html)
            if name == "href":
                assert value.startswith(("https://", "http://", "mailto:")), value
    assert "<script" not in html and "<img" not in html
    return html


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_chapter_content_renders_no_raw_html(api, content):
    markdown = export_markdown(api, content)
    html = assert_no_raw_html(markdown)
    if "onerror=alert(1)>" in content or "href=" in content:  # real tags and attributes
        assert "onerror" not in html and "javascript" not in html.lower()


def test_the_testers_cases_keep_their_text_as_code_and_their_link_as_one_link(api):
    """Escaping does not lose content: the code keeps its backticks, the block keeps its
    four-backtick lines, and the link keeps its (encoded) destination."""
    content = "".join(
        HOSTILE[key]
        for key in (
            "code span with two backticks",
            "pre with four backticks",
            "href with line endings and a script",
        )
    )
    html = assert_no_raw_html(export_markdown(api, content))
    assert "<p><code>a``&lt;img src=x onerror=alert(1)&gt;</code></p>" in html
    assert (
        "<pre><code>x\n````\n&lt;script&gt;alert(1)&lt;/script&gt;\n"
        "&lt;img src=x onerror=alert(1)&gt;\n````\n</code></pre>\n<p>after</p>"
    ) in html
    assert (
        '<a href="https://example.com/%0A%0A%3Cscript%3Ealert%281%29%3C/script%3E">link</a>'
    ) in html


def test_every_hostile_content_in_one_book_renders_no_raw_html(api):
    """All at once, so no chapter's Markdown can open something that a later one closes."""
    structure = [
        (f"c{n}", f"Chapter <b>{n}</b> &amp; `x`", "", content, [])
        for n, content in enumerate(HOSTILE.values(), start=1)
    ]
    book_id = build_book(api, structure, title="T <script>alert(1)</script> & `x`")
    response, body = download(api, book_id, "markdown")
    assert response.status_code == 200
    html = assert_no_raw_html(body.decode("utf-8"))
    assert "<h1>T &lt;script&gt;alert(1)&lt;/script&gt; &amp; `x`</h1>" in html
    assert html.count("<h2>Chapter ") == len(HOSTILE)


def test_ordinary_content_still_renders_as_written(api):
    content = (
        "<h1>Opening Scene</h1>"
        "<p>The <strong>first</strong> paragraph with <em>emphasis</em> and <code>x = 1</code>.</p>"
        "<ul><li>Alpha item</li><li>Beta <b>item</b></li></ul>"
        "<ol><li>Step one</li><li>Step two</li></ol>"
        "<pre>def f():\n    return 1</pre>"
        '<p>See <a href="https://example.com/a b(1)?x=1&amp;y=2">the docs</a>, '
        '<a href="mailto:ada@example.com">mail</a>, 3 &lt; 4 &amp; 5 &gt; 2.</p>'
        "<blockquote>Quoted words</blockquote>"
    )
    markdown = export_markdown(api, content)
    html = assert_no_raw_html(markdown)
    for fragment in [
        "<h4>Opening Scene</h4>",
        "<p>The <strong>first</strong> paragraph with <em>emphasis</em> and "
        "<code>x = 1</code>.</p>",
        "<ul>\n<li>Alpha item</li>\n<li>Beta <strong>item</strong></li>\n</ul>",
        "<ol>\n<li>Step one</li>\n<li>Step two</li>\n</ol>",
        "<pre><code>def f():\n    return 1\n</code></pre>",
        '<a href="https://example.com/a%20b%281%29?x=1&amp;y=2">the docs</a>',
        '<a href="mailto:ada@example.com">mail</a>, 3 &lt; 4 &amp; 5 &gt; 2.</p>',
        "<blockquote>\n<p>Quoted words</p>\n</blockquote>",
    ]:
        assert fragment in html, (fragment, html)
    assert "```\ndef f():\n    return 1\n```" in markdown  # a plain fence when nothing needs more
