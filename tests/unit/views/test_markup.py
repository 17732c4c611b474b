"""Text from data is escaped wherever it lands, and isolated; only http(s) URLs become links."""

from markupsafe import Markup

from accordmap.geometry import Zone
from accordmap.views.markup import isolate, link, safe_url, table, zone_name


def test_only_http_urls_are_links():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,<script>") is None
    assert str(link("x", "javascript:alert(1)")) == "x"
    assert str(link("<b>", "https://example.org/?a=1&b=2")) == (
        '<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">&lt;b&gt;</a>')
    assert str(link("x", 'https://example.org/"><script>')) == (
        '<a href="https://example.org/&#34;&gt;&lt;script&gt;" rel="noopener noreferrer">x</a>')


def test_table_escapes_text_but_keeps_built_markup():
    html = str(table(["<h>"], [["<script>alert(1)</script>"], [Markup("<em>ok</em>")]], "t"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<em>ok</em>" in html and "&lt;h&gt;" in html


def test_right_to_left_text_is_isolated():
    # inside other text: <bdi>, so "15 km" stays after the Arabic name, not before it
    # wholly Arabic script: its language and direction too, so a screen reader switches voice
    assert str(Markup("{}, 15 km deep").format(isolate("منطقة"))) == '<bdi lang="ar" dir="rtl">منطقة</bdi>, 15 km deep'
    assert str(isolate("Idlib إدلب")) == "<bdi>Idlib إدلب</bdi>"  # mixed scripts: no language guessed
    assert str(isolate("<b>שלום</b>")) == "<bdi>&lt;b&gt;שלום&lt;/b&gt;</bdi>"
    # a cell holding one plain value takes its direction from it; built cells and numbers do not
    html = str(table(["Name"], [["إدلب"], [Markup("<bdi>x</bdi> (y)")], [7]], "t"))
    assert '<td lang="ar" dir="rtl">إدلب</td>' in html and "<td><bdi>x</bdi> (y)</td>" in html and "<td>7</td>" in html


def test_zone_name_isolates_only_the_label_from_data():
    zone = Zone("p1", "منطقة <b>", "band", 15.0, None)
    assert str(zone_name(zone)) == "<bdi>منطقة &lt;b&gt;</bdi>, 15 km deep"
