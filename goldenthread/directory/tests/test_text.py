"""Plain text from feed HTML, web addresses, e-mails and postcodes (no database)."""

import pytest

from goldenthread.directory.text import clean_email, clean_url, html_to_text, postcode_parts


def test_html_becomes_plain_text_with_paragraphs_and_entities_unescaped():
    html = (
        "<h4>Lunch club for people aged&nbsp;60+</h4><p>Every <b>Tuesday</b> &amp; "
        "Thursday.<br>Bring a friend.</p><ul><li>Hot meal</li><li>Tea &amp; cake</li></ul>"
        "<p><br></p><p>Call us&nbsp;&nbsp;on 01234 567890</p>"
    )
    assert html_to_text(html) == (
        "Lunch club for people aged 60+\n\n"
        "Every Tuesday & Thursday.\nBring a friend.\n\n"
        "• Hot meal\n• Tea & cake\n\n"
        "Call us on 01234 567890"
    )


def test_script_style_and_svg_content_is_dropped():
    html = (
        "<p>Safe<script>alert('x')</script> text</p><style>p{color:red}</style>"
        "<svg><text>icon</text></svg><p>end</p>"
    )
    assert html_to_text(html) == "Safe text\n\nend"


def test_escaped_markup_is_decoded_before_tags_are_removed():
    # A feed that escaped its HTML (once or more): entities are decoded first, so the
    # escaped tags are removed like any other tag, never turned into tags afterwards (#11).
    assert html_to_text("5 &lt; 6 &lt;b&gt;bold&lt;/b&gt;") == "5 < 6 bold"
    assert html_to_text("Fish &amp;amp; chips") == "Fish & chips"
    assert html_to_text("&lt;p&gt;One&lt;/p&gt;&amp;lt;p&amp;gt;Two&amp;lt;/p&amp;gt;") == (
        "One\n\nTwo"
    )
    assert html_to_text("Hi&lt;script&gt;alert(1)&lt;/script&gt; &#60;i&#62;there") == "Hi there"


@pytest.mark.parametrize(
    "value",
    [
        '&lt;b data-gt-marker hx-post="/x" hx-trigger="load"&gt;MARK&lt;/b&gt;',
        "&lt;img src=x onerror=alert(1)&gt;MARK",
        "&amp;lt;b onclick=alert(1)&amp;gt;MARK",
        "<p>MARK &lt;b&gt;</p>",
        "MARK <img src=x onerror=alert(1)//",
        "<b>MARK</b> &lt;script&gt;x",
    ],
)
def test_no_markup_survives_in_feed_text(value):
    """Whatever the escaping, what comes out has no tag in it: just the words."""
    text = html_to_text(value)
    assert "MARK" in text
    assert "<" not in text and ">" not in text, text


def test_entities_escaped_more_often_than_we_decode_stay_as_written():
    deep = "&amp;" * 1 + "amp;" * 6 + "lt;b&gt;x"
    text = html_to_text(f"<p>{deep}</p>")
    assert "<b" not in text


def test_link_targets_are_kept_in_brackets():
    html = '<p>See <a href="https://example.org/x">our page</a> or <a href="mailto:a@b.org">email</a></p>'
    assert html_to_text(html) == "See our page (https://example.org/x) or email (a@b.org)"
    assert html_to_text('<a href="https://example.org">https://example.org</a>') == (
        "https://example.org"
    )
    assert html_to_text('<a href="javascript:alert(1)">click</a>') == "click"


def test_plain_text_keeps_its_line_breaks():
    assert html_to_text("First line\nSecond\n\n\n\nNew paragraph\r\n") == (
        "First line\nSecond\n\nNew paragraph"
    )


def test_empty_html_is_empty():
    assert html_to_text("<p><br></p>") == ""
    assert html_to_text(None) == ""
    assert html_to_text("a\x00b") == "ab"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("www.example.org", "https://www.example.org"),
        ("example.org/path", "https://example.org/path"),
        ("http:www.yateandsodburydc.co.uk", "http://www.yateandsodburydc.co.uk"),
        ("javascript:alert(1)", ""),
        ("Warmley Community Centre", ""),
        ("ftp://example.org", ""),
        ("", ""),
    ],
)
def test_web_addresses(value, expected):
    assert clean_url(value) == expected


def test_emails_and_postcodes():
    assert clean_email(" info@example.org ") == "info@example.org"
    assert clean_email("mailto:info@example.org") == "info@example.org"
    assert clean_email("not an email") == ""
    assert postcode_parts("dn15  6xx") == ("DN15 6XX", "DN15")
    assert postcode_parts("BS5") == ("BS5", "BS5")
    assert postcode_parts("10001") == ("10001", "")
