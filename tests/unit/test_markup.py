"""Text from data is escaped wherever it lands; only http(s) URLs become links."""

from markupsafe import Markup

from accordmap.maps import escape_text
from accordmap.markup import link, safe_url, table


def test_only_http_urls_are_links():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert str(link("x", "javascript:alert(1)")) == "x"
    assert str(link("<b>", "https://example.org/?a=1&b=2")) == (
        '<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">&lt;b&gt;</a>')


def test_table_escapes_text_but_keeps_built_markup():
    html = str(table(["<h>"], [["<script>alert(1)</script>"], [Markup("<em>ok</em>")]], "t"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<em>ok</em>" in html and "&lt;h&gt;" in html


def test_folium_text_cannot_break_out_of_js_template_literals():
    text = escape_text("`${alert(1)}` <img src=x onerror=alert(1)>")
    assert "`" not in text and "${" not in text and "<img" not in text
