"""Small helpers for reading rendered HTML in the ui tests."""

from __future__ import annotations

from html.parser import HTMLParser

from django.template.backends.django import DjangoTemplates
from django.test import RequestFactory

# The project's templates and tag libraries, but only the request context processor, so
# these tests do not depend on the context processors other apps add.
ENGINE = DjangoTemplates(
    {
        "NAME": "ui-tests",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
)


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element] = []
        self.content: list[str | Element] = []  # text and elements in document order

    @property
    def text(self) -> str:
        return "".join(c for c in self.content if isinstance(c, str))

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        wanted_class = attrs.pop("class_", None)
        found = []
        for element in self.iter():
            if tag and element.tag != tag:
                continue
            if wanted_class and wanted_class not in element.classes:
                continue
            if all(element.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                found.append(element)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag}> with {attrs}"
        return found[0]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def all_text(self) -> str:
        parts = [c if isinstance(c, str) else c.all_text() for c in self.content]
        return " ".join(" ".join(parts).split())


VOID = {
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


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        self.current.content.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.content.append(data)


def parse(html: str) -> Element:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.root


def render_string(source: str, context: dict | None = None, request=None) -> str:
    return ENGINE.from_string(source).render(context or {}, request=request)


class Person:
    """A stand-in signed-in user, so these tests need no database."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, username="pat", full_name="Pat Morrison"):
        self.username = username
        self.full_name = full_name

    def get_full_name(self):
        return self.full_name

    def get_username(self):
        return self.username


def make_request(path="/", user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request
