"""Text from data -> safe output: one function per context in which it can land in a page.

Nothing from the data reaches a report in any other way. Each function is total (every string
is accepted and comes out inert) except :func:`css_value`, which accepts only a known token.
HTML is built as :class:`markupsafe.Markup` (see :mod:`accordmap.views.markup`): ``Markup(...).format``
escapes its arguments with the same markupsafe function as :func:`html_text`.

============================  ====================  ==========================================
context                       function              what it does
============================  ====================  ==========================================
HTML text                     :func:`html_text`     markupsafe: ``& < > " '`` as entities
HTML attribute (quoted)       :func:`html_attr`     the same (both quote kinds are escaped)
link target (``href``)        :func:`url`           the URL if it is http(s), else None
JSON inside ``<script>``      :func:`script_json`   json, plus ``< > &`` U+2028 U+2029 escaped
JavaScript string literal     :func:`js_string`     :func:`script_json` of the text
CSS / SVG style value         :func:`css_value`     the value if it is a valid token, else error
folium popup, tooltip, name   :func:`folium_html`   HTML text, plus ``\\ ` $ { }`` as entities
============================  ====================  ==========================================

Why the folium context needs more than HTML escaping: folium pastes popup and tooltip HTML
into JavaScript template literals (`` `...` ``), where a backslash starts an escape (``\\x3c``
becomes ``<`` *after* HTML escaping, so markup comes back; ``C:\\data\\x-files`` is a syntax
error that blanks the map), a backtick ends the literal and ``${`` starts code. It then renders
every script it wrote a *second* time as a Jinja template, so ``{{ ... }}`` or ``{% ... %}`` in
data would be evaluated while the report is built (Python code can run from a GeoJSON property).
All five characters become numeric character references, which the browser decodes back when it
parses the HTML: the reader sees the text. :func:`script_json` escapes the ``{`` of ``{{``,
``{%`` and ``{#`` for the same reason.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urlsplit
from markupsafe import Markup, escape


__all__ = ["Markup", "html_text", "html_attr", "url", "script_json", "js_string", "css_value", "folium_html"]


# --- HTML -----------------------------------------------------------------------------------


def html_text(value: object) -> Markup:
    """Text between tags. None is empty; :class:`Markup` (already safe HTML) is kept as it is."""
    return escape("" if value is None else value)


def html_attr(value: object) -> Markup:
    """The value of a quoted attribute (``title="..."``, ``srcdoc="..."``): both quote kinds are escaped."""
    return escape("" if value is None else value)


# --- URLs -----------------------------------------------------------------------------------

_URL_REFUSED = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host and no spaces or controls, else None.

    ``javascript:``, ``data:``, relative and protocol-relative URLs are None: show them as text.
    The result still goes through :func:`html_attr` where it is written.
    """
    text = "" if value is None else str(value)
    if not text or _URL_REFUSED.search(text):
        return None
    parts = urlsplit(text)
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


# --- script ---------------------------------------------------------------------------------

_SCRIPT_UNSAFE = {
    "<": "\\u003c",  # no "</script>" or "<!--" can end or change the script element
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",  # line terminators in JavaScript before ES2019, and in some parsers still
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")
# folium renders its scripts a second time as Jinja. A JSON text can hold "{{", "{%" or "{#" only
# inside a string (an object starts with '{"' or '{}'), so escaping that '{' changes no structure.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(value: object) -> str:
    """Any JSON value, written inside a ``<script>`` element (also one folium re-renders)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    text = _SCRIPT_UNSAFE_RE.sub(lambda m: _SCRIPT_UNSAFE[m.group()], text)
    return _JINJA_OPEN.sub(r"\\u007b", text)


def js_string(value: object) -> str:
    """A JavaScript string literal (quotes included) inside a ``<script>`` element."""
    return script_json("" if value is None else str(value))


# --- CSS ------------------------------------------------------------------------------------

_CSS_COLOR = re.compile(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}")
_CSS_DASH = re.compile(r"\d+(?:\.\d+)?(?:[\s,]+\d+(?:\.\d+)?){0,9}")
_CSS_EXPECTED = {
    "color": "a colour like '#7b1fa2'",
    "dash": "up to 10 numbers separated by spaces or commas, like '6 4'",
    "number": "a finite number",
}


def css_value(value: object, kind: str) -> str:
    """A CSS or SVG style value of ``kind`` ('color', 'dash' or 'number'), as a plain ASCII token.

    Only a value of that kind passes, whatever the data validation upstream; numbers come out
    normalised (``'6,  4'`` -> ``'6 4'``). Anything else is a ValueError naming the value and
    what was expected.
    """
    if kind not in _CSS_EXPECTED:
        raise ValueError(f"unknown CSS value kind {kind!r} (expected one of {', '.join(_CSS_EXPECTED)})")
    if kind == "number":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return f"{value:g}"
    elif kind == "color":
        if isinstance(value, str) and _CSS_COLOR.fullmatch(value):
            return value
    elif isinstance(value, str) and _CSS_DASH.fullmatch(value.strip()):
        return " ".join(f"{float(n):g}" for n in re.split(r"[\s,]+", value.strip()))
    raise ValueError(f"{value!r} is not a valid CSS {kind} (expected {_CSS_EXPECTED[kind]})")


# --- folium ---------------------------------------------------------------------------------

_TEMPLATE_LITERAL_UNSAFE = {"\\": "&#92;", "`": "&#96;", "$": "&#36;", "{": "&#123;", "}": "&#125;"}
_TEMPLATE_LITERAL_UNSAFE_RE = re.compile(r"[\\`${}]")
_SCRIPT_END = re.compile(r"<(/?script|!--)", re.IGNORECASE)


def folium_html(value: object) -> str:
    """HTML that folium writes into a JS template literal (popup, tooltip) or a layer name.

    Plain text is HTML-escaped first; :class:`Markup` built by :mod:`accordmap.views.markup` from
    escaped parts keeps its tags. Then backslash, backtick, ``$``, ``{`` and ``}`` become
    character references (see the module docstring).
    """
    safe = str(html_text(value))
    if _SCRIPT_END.search(safe):  # only possible if a caller passed unescaped Markup
        raise ValueError(f"HTML for a folium script holds <script or <!--: {safe[:80]!r}")
    return _TEMPLATE_LITERAL_UNSAFE_RE.sub(lambda m: _TEMPLATE_LITERAL_UNSAFE[m.group()], safe)
