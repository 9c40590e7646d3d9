"""Plain text from the messy HTML and odd values that real directory feeds carry.

No Django import: these are pure functions, used by the importer and tested on their own.
Feed text is kept as typed text is (docs/adr/0037, core/text.py): direction controls are
removed, and a line that shows nothing is no line; a name with a direction control is
refused by the importer, not changed (`direction_controls_in`).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from goldenthread.core.text import (
    DIRECTION_CONTROLS,
    MAX_MARKS_IN_A_ROW,
    refusal,
    shows_nothing,
    without_direction_controls,
)

# Tags that start a new paragraph; their content is kept.
_PARAGRAPH_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "main",
        "nav",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "address",
        "figure",
        "figcaption",
        "table",
        "ul",
        "ol",
        "dl",
        "form",
        "fieldset",
        "details",
        "summary",
    }
)
# Tags that end a line.
_LINE_TAGS = frozenset({"br", "tr", "dt", "dd", "hr", "caption"})
# Tags whose content is never text for a reader.
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "svg",
        "math",
        "head",
        "title",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "button",
    }
)
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|<!--")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff\ue000\ue001]")
_ENTITY_RE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]{2,8});")
_SPACES_RE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# Private-use characters mark breaks while the text is put together (removed from input).
_PARAGRAPH_BREAK = "\ue000"
_LINE_BREAK = "\ue001"


class _TextExtractor(HTMLParser):
    """Text and line structure from HTML whose entities were decoded already: an entity
    left in it (a literal "&lt;" in text escaped more times than we decode) is kept as
    written, never decoded into markup after the tags are gone (#11)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._links: list[tuple[str, int]] = []  # (href, index in parts where the link began)

    def _skipped(self, tag: str, *, opens: bool) -> bool:
        """Whether nothing is written for `tag`: it opens or closes a region whose content
        is dropped (a script, a style, a form control; the depth is counted here), or it
        stands inside one."""
        if tag in _SKIP_TAGS:
            if tag not in _VOID_TAGS:
                if opens:
                    self._skip_depth += 1
                elif self._skip_depth:
                    self._skip_depth -= 1
            return True
        return bool(self._skip_depth)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipped(tag, opens=True):
            return
        if tag in _PARAGRAPH_TAGS:
            self.parts.append(_PARAGRAPH_BREAK)
        elif tag == "li":
            self.parts.append(_LINE_BREAK + "• ")
        elif tag in _LINE_TAGS:
            self.parts.append(_LINE_BREAK)
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self._links.append((href.strip(), len(self.parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>: a void element never opens a skipped region.
        if tag in _SKIP_TAGS:
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skipped(tag, opens=False):
            return
        if tag in _PARAGRAPH_TAGS:
            self.parts.append(_PARAGRAPH_BREAK)
        elif tag == "li":
            self.parts.append(_LINE_BREAK)
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            self._close_link(href, start)

    def _close_link(self, href: str, start: int) -> None:
        text = " ".join("".join(self.parts[start:]).split())
        if href.lower().startswith("mailto:"):
            target = href[7:].split("?")[0]
        elif href.lower().startswith(("http://", "https://")):
            target = href
        else:
            return
        if target and target.rstrip("/") not in text and text not in target:
            self.parts.append(f" ({target})")
        elif target and not text:
            self.parts.append(target)

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def clean_control(text: str) -> str:
    """Remove control characters (PostgreSQL refuses NUL), zero-width marks and the
    characters that force or embed a direction (ADR 0037: one of them turns the text after
    it around on the page)."""
    return without_direction_controls(_CONTROL_RE.sub("", text))


def direction_controls_in(value: Any) -> str:
    """The direction controls in feed text once its entities are decoded, as
    "U+202E, U+2066"; "" when there are none (or `value` is not text). A name with one is
    refused rather than mended (ADR 0037), as the people service refuses one typed."""
    if not isinstance(value, str):
        return ""
    found = sorted({ch for ch in unescape_fully(value) if ch in DIRECTION_CONTROLS})
    return ", ".join(f"U+{ord(ch):04X}" for ch in found)


def unreadable_in(value: Any, where: str = "") -> str:
    """Where a feed record's text cannot be kept, as the forms and the API refuse it
    (core.text.refusal, ADR 0037), once its entities are decoded: U+FFFD (text lost on the
    way: bytes that were not UTF-8) or more than MAX_MARKS_IN_A_ROW combining marks on one
    letter (text piled up to spill over a page). Says the first place found, by its keys
    ("description", "contacts/0/name"), or ""."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, place = stack.pop()
        if isinstance(item, dict | list):
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend((v, f"{place}/{k}" if place else str(k)) for k, v in reversed(list(pairs)))
        elif isinstance(item, str):
            why = refusal(unescape_fully(item))
            if why == "replacement":
                return (
                    f"{place} has the character U+FFFD, where text was lost on the way "
                    "(bytes that were not UTF-8)"
                )
            if why == "marks":
                return f"{place} has more than {MAX_MARKS_IN_A_ROW} accents or marks on one letter"
    return ""


def shows_nothing_written(value: Any) -> bool:
    """Whether feed text that is not empty or only spaces is made only of spaces and
    characters that show nothing (zero-width spaces, joiners, Hangul fillers…), once its entities are decoded."""
    if not isinstance(value, str) or not value.strip():
        return False  # empty, or spaces only: plainly blank
    return shows_nothing(unescape_fully(value))


def _tidy(text: str) -> str:
    """Collapse spaces in each line, drop empty lines, keep at most one blank line."""
    paragraphs = []
    for paragraph in text.split(_PARAGRAPH_BREAK):
        lines = [_SPACES_RE.sub(" ", line).strip() for line in paragraph.split(_LINE_BREAK)]
        # A line of only invisible characters is no line (ADR 0037).
        lines = [line for line in lines if line != "•" and not shows_nothing(line)]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


# Feeds escape their HTML once, twice, sometimes three times ("&amp;lt;p&amp;gt;").
MAX_UNESCAPE = 5
# A tag cut off by the end of the text ("… <img src=x onerror=…"): dropped, as a browser would.
_UNFINISHED_TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z!?][^<>]*$")


def unescape_fully(text: str) -> str:
    """Entities decoded until none is left (at most MAX_UNESCAPE times)."""
    for _ in range(MAX_UNESCAPE):
        if not _ENTITY_RE.search(text):
            break
        text = html.unescape(text)
    return text


def html_to_text(value: str | None) -> str:
    """Plain text from feed text that may be HTML: entities decoded first, then tags
    removed (script and style content dropped), paragraph and line breaks kept, list items
    on their own lines, link targets kept in brackets. Text without tags keeps its own line
    breaks.

    Entities are decoded before tags are looked for, so an escaped tag ("&lt;b&gt;") is
    removed like any other tag instead of turning into one after the tags are gone (#11).
    The result is text, to be escaped wherever it is shown; it is never markup."""
    if not value:
        return ""
    text = clean_control(str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _UNFINISHED_TAG_RE.sub("", clean_control(unescape_fully(text)))
    if _TAG_RE.search(text):
        parser = _TextExtractor()
        # In HTML a newline is just a space.
        parser.feed(text.replace("\n", " "))
        parser.close()
        text = "".join(parser.parts)
    else:
        text = re.sub(r"\n[ \t]*\n\s*", _PARAGRAPH_BREAK, text).replace("\n", _LINE_BREAK)
    return _tidy(text)


def one_line(value: str | None) -> str:
    """A name or short value: plain text on one line."""
    return " ".join(html_to_text(value).split())


def clean_url(value: str | None) -> str:
    """An http(s) web address, or "" when the value cannot be one (javascript:, spaces…).

    Adds the scheme to addresses written without it ("www.example.org") and mends
    "http:www.example.org"."""
    if not value:
        return ""
    url = clean_control(str(value)).strip()
    if not url:
        return ""
    url = re.sub(r"^(https?):/*(?=[^/])", r"\1://", url, flags=re.IGNORECASE)
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", url):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) and not re.match(r"^[\w.-]+:\d", url):
            return ""  # javascript:, mailto:, tel: and the like
        url = "https://" + url.lstrip("/")
    if any(ch.isspace() for ch in url) or any(ch in url for ch in "<>\"'`"):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    if "." not in parts.hostname and parts.hostname != "localhost":
        return ""
    return url


_EMAIL_RE = re.compile(r"^[^@\s<>\"',;:]+@[^@\s<>\"',;:]+\.[^@\s<>\"',;:]+$")


def clean_email(value: str | None) -> str:
    """An e-mail address, or "" if the value is not one."""
    if not value:
        return ""
    email = clean_control(str(value)).strip()
    if email.lower().startswith("mailto:"):
        email = email[7:]
    return email if _EMAIL_RE.match(email) and len(email) <= 254 else ""


_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})$")
_DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")


def postcode_parts(value: str | None) -> tuple[str, str]:
    """(postcode, district) for a UK postcode: ("DN15 6XX", "DN15"); a postcode district
    alone gives ("DN15", "DN15"); anything else comes back tidied with no district."""
    if not value:
        return "", ""
    text = " ".join(str(value).upper().split())
    match = _POSTCODE_RE.match(text)
    if match:
        return f"{match.group(1)} {match.group(2)}", match.group(1)
    if _DISTRICT_RE.match(text):
        return text, text
    return " ".join(str(value).split()), ""


# A telephone number as written: an optional "+", then digits, spaces, brackets and
# hyphens, then an optional extension ("ext. 42", "extension 42", "x42").
_PHONE_RE = re.compile(
    r"(?P<plus>\+ ?)?(?P<number>[0-9(][0-9 ()\-]*?)"
    r"(?: ?[,;]? ?(?:ext\.?|extn\.?|extension|x) ?(?P<extension>[0-9]{1,6}))?",
    re.IGNORECASE,
)
# Numbers shorter than a full number that are real in the UK: 999, 112, the 1xx services
# (101, 111, 119…) and the 116 xxx helplines (116 123, the Samaritans).
_SHORT_NUMBER_RE = re.compile(r"999|112|1[0-9]{2}|116[0-9]{3}")
# A full number: 8 digits at least (0800 1111, ChildLine) and, as E.164 allows, at most 15
# after the country code's "+" or "00"; UK numbers are 10 or 11 digits with their 0.
MIN_PHONE_DIGITS = 8
MAX_PHONE_DIGITS = 15


def phone_number(value: str | None) -> str:
    """`value` with its spaces tidied when it is a plausible telephone number, else "".

    Plausible: digits, spaces, brackets and hyphens, with an optional "+" in front (or
    "tel:") and an optional extension; brackets in pairs; MIN_PHONE_DIGITS to
    MAX_PHONE_DIGITS digits (not counting a "+44 (0)" style trunk zero), or one of the UK's
    short numbers. Anything else (words, "javascript:", two numbers in one value, dots) is
    not a telephone number: a directory should not offer it to be dialled."""
    if not value:
        return ""
    text = " ".join(str(value).split())
    if text[:4].lower() == "tel:":
        text = text[4:].strip()
    match = _PHONE_RE.fullmatch(text)
    if match is None:
        return ""
    number = match.group("number")
    if number.count("(") != number.count(")") or number.find(")") < number.find("("):
        return ""
    digits = re.sub(r"[^0-9]", "", number.replace("(0)", "") if match.group("plus") else number)
    if match.group("plus") or digits.startswith("00"):
        significant = digits if match.group("plus") else digits[2:]
        plausible = 7 <= len(significant) <= MAX_PHONE_DIGITS and significant[0] != "0"
    else:
        plausible = (
            MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS
            or _SHORT_NUMBER_RE.fullmatch(digits) is not None
        )
    return text if plausible else ""


def phone_digits(value: str) -> str:
    """The digits to dial for a number `phone_number` accepted: "+" and digits only, the
    extension and a "+44 (0)" style trunk zero left out (for a `tel:` address)."""
    match = _PHONE_RE.fullmatch(phone_number(value))
    if match is None:
        return ""
    number = match.group("number")
    if match.group("plus"):
        return "+" + re.sub(r"[^0-9]", "", number.replace("(0)", ""))
    return re.sub(r"[^0-9]", "", number)


# An extension is what the number's own pattern allows after "extension": digits only.
MAX_EXTENSION_DIGITS = 6
_EXTENSION_RE = re.compile(rf"[0-9]{{1,{MAX_EXTENSION_DIGITS}}}")


def phone_extension(value: Any) -> str | None:
    """The digits of a feed's phone `extension` (HSDS: a number; CSV and some JSON feeds
    write it as text): "" when there is none, None when it is not 1 to
    MAX_EXTENSION_DIGITS digits (a word, a sign, a fraction, a value too long)."""
    if value is None or isinstance(value, bool):
        return "" if value is None else None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if isinstance(value, int | str) else None
    if text is None:
        return None
    if not text:
        return ""
    return text if _EXTENSION_RE.fullmatch(text) else None


def with_extension(number: str, extension: str) -> str:
    """A number `phone_number` accepted, with its extension written after it as the
    number's own pattern reads it ("0117 922 2000 extension 42")."""
    return f"{number} extension {extension}" if extension else number


def phone_parts(value: str) -> tuple[str, str]:
    """(number, extension) of a number `phone_number` accepts: "0117 922 2000 ext. 42"
    gives ("0117 922 2000", "42"); a number without one gives (number, ""); anything
    else ("", "")."""
    kept = phone_number(value)
    match = _PHONE_RE.fullmatch(kept)
    if match is None:
        return "", ""
    extension = match.group("extension") or ""
    return ((match.group("plus") or "") + match.group("number")).strip(), extension
