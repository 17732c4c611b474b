"""Each output context's escaping function, against strings built to break out of that context."""

from __future__ import annotations

import html
import json
import math
from html.parser import HTMLParser

import jinja2
import pytest
from markupsafe import Markup

from accordmap.views import escape

PAYLOADS = [
    "plain text",
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<img src=x onerror=alert(1)>",
    "\\x3cimg src=x onerror=alert(1)\\x3e",
    "\\u003cimg src=x onerror=alert(1)\\u003e",
    "\\u{3c}img src=x onerror=alert(1)\\u{3e}",
    "\\74img src=x onerror=alert(1)\\76",
    "C:\\data\\x-files\\9",
    "trailing backslash \\",
    "`${alert(1)}`",
    "`+alert(1)+`",
    "line\u2028separator\u2029paragraph",
    "\"double\" 'single' \"'><svg onload=alert(1)>",
    "&amp; &lt;script&gt; &#96;",
    "{{ 7*191 }} {% if 1 %}x{% endif %} {# comment #} {#",
    "منطقة منزوعة السلاح 15 كم",
    "ירושלים 20",
    "javascript:alert(1)",
]


class _Parsed(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_is_read_back_as_the_same_text_and_no_tag(payload):
    out = escape.html_text(payload)
    parsed = _Parsed(f"<p>{out}</p>")
    assert parsed.tags == [("p", {})] and parsed.text == payload
    assert not any(c in out for c in "<>\"'")


def test_html_text_keeps_built_markup_and_shows_none_as_nothing():
    assert escape.html_text(Markup("<em>ok</em>")) == "<em>ok</em>"
    assert escape.html_text(None) == ""


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_attr_is_one_attribute_value_whatever_the_quotes(payload):
    for quote in "\"'":
        parsed = _Parsed(f"<p title={quote}{escape.html_attr(payload)}{quote} class=x>")
        assert parsed.tags == [("p", {"title": payload, "class": "x"})]


@pytest.mark.parametrize("url", ["https://example.org/a?b=1&c=2", "http://example.org", "HTTPS://EXAMPLE.ORG/"])
def test_http_urls_pass(url):
    assert escape.url(url) == url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "//evil.example/x", "/relative", "https://",
    "https://example.org/a b", "https://example.org/\u2028", "", None, "C:\\data\\x-files\\9",
])
def test_other_urls_are_refused(url):
    assert escape.url(url) is None


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_json_reads_back_and_cannot_end_the_script(payload):
    value = {"text": payload, "list": [payload, 1.5, None, True], "nested": {"a": {}}}
    out = escape.script_json(value)
    assert json.loads(out) == value
    for unsafe in ["<", ">", "&", "\u2028", "\u2029", "{{", "{%", "{#"]:
        assert unsafe not in out, unsafe
    # folium renders scripts a second time as Jinja: the text must come out unchanged
    assert jinja2.Template(out).render() == out


def test_script_json_refuses_nan():
    with pytest.raises(ValueError):
        escape.script_json({"opacity": math.nan})


@pytest.mark.parametrize("payload", PAYLOADS)
def test_js_string_is_one_string_literal(payload):
    out = escape.js_string(payload)
    assert out.startswith('"') and out.endswith('"') and json.loads(out) == payload
    assert not any(c in out for c in "<>&\u2028\u2029")


@pytest.mark.parametrize(("value", "kind", "expected"), [
    ("#7b1fa2", "color", "#7b1fa2"), ("#FFF", "color", "#FFF"),
    ("6 4", "dash", "6 4"), ("6, 4", "dash", "6 4"), (" 2.5  1 ", "dash", "2.5 1"), ("٦ ٤", "dash", "6 4"),
    (0.35, "number", "0.35"), (2, "number", "2"),
])
def test_css_values_that_are_tokens_pass(value, kind, expected):
    assert escape.css_value(value, kind) == expected


@pytest.mark.parametrize(("value", "kind"), [
    ("</script><script>alert(1)</script>", "dash"), ("6 4;stroke:url(javascript:x)", "dash"), ("{{ 7*7 }}", "dash"),
    ("6 4\\", "dash"), ("", "dash"), ("1 2 3 4 5 6 7 8 9 10 11", "dash"), ("-1 2", "dash"),
    ("red", "color"), ("#12345g", "color"), ("#7b1fa2;background:url(x)", "color"), ("expression(alert(1))", "color"),
    (math.nan, "number"), (math.inf, "number"), (True, "number"), ("1", "number"),
])
def test_css_values_that_are_not_tokens_are_refused(value, kind):
    with pytest.raises(ValueError, match="expected"):
        escape.css_value(value, kind)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_folium_html_is_inert_in_a_template_literal_and_to_jinja(payload):
    out = escape.folium_html(payload)
    # nothing a JS template literal interprets: no escapes, no end, no ${...}; Jinja sees no delimiters
    for unsafe in ["\\", "`", "$", "{", "}", "<", ">"]:
        assert unsafe not in out, unsafe
    assert jinja2.Template(out).render() == out
    # the browser parses it as HTML and shows exactly the text
    assert html.unescape(out) == payload


def test_folium_html_keeps_built_markup_but_escapes_it_for_the_literal():
    out = escape.folium_html(Markup("<bdi>{}</bdi>").format("C:\\x-files `${x}`"))
    assert out == "<bdi>C:&#92;x-files &#96;&#36;&#123;x&#125;&#96;</bdi>"


def test_folium_html_refuses_markup_that_would_end_the_script():
    with pytest.raises(ValueError):
        escape.folium_html(Markup("</script>"))
