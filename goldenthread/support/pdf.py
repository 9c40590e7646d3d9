"""The support plan as a PDF (SS-6), drawn by WeasyPrint from the same HTML body as the
page, with a print stylesheet: A4, page numbers, the person's name on every page, headings
kept with what follows them, no site navigation. Tagged PDF/UA-1, so it is accessible.

WeasyPrint needs Pango and HarfBuzz from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0, libharfbuzz0b, libharfbuzz-subset0) and a font (fonts-dejavu-core).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from goldenthread.people.person_side import NoPersonsWords, persons_words_for

STYLESHEET = "support/plan-print.css"
PDF_VARIANT = "pdf/ua-1"


def _stylesheet_path() -> str:
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(STYLESHEET)
    return str(found)


def render_plan_pdf(plan, *, context: dict) -> bytes:
    """PDF bytes of the plan. Nothing is fetched from outside: the stylesheet is read
    from the app's static folder and the document has no images or links to load."""
    from weasyprint import CSS, HTML

    context = {**context, "plan": plan}
    if "persons_words" not in context:
        # The person's own words beside each item (#12), loaded before drawing.
        context["persons_words"] = (
            persons_words_for(context["person"]) if context.get("person") else NoPersonsWords()
        )
    html = render_to_string("support/plan_pdf.html", context)
    base = Path(_stylesheet_path()).parent
    document = HTML(string=html, base_url=str(base), url_fetcher=_refuse_fetch)
    # PDF/UA-1 (#16): tagged (headings, lists, tables and their headers in a structure
    # tree), with the document's language and title, so a screen reader reads it in order.
    return document.write_pdf(
        stylesheets=[CSS(filename=_stylesheet_path())], pdf_variant=PDF_VARIANT, pdf_tags=True
    )


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"The plan PDF loads nothing from outside ({url}).")
