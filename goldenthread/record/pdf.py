"""The support plan as a PDF (SS-6), drawn by WeasyPrint from the same HTML body as the
page, with a print stylesheet: A4, page numbers, the person's name on every page, headings
kept with what follows them, no site navigation. Tagged PDF/UA-1, so it is accessible.

WeasyPrint needs Pango and HarfBuzz from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0, libharfbuzz0b, libharfbuzz-subset0) and a font (fonts-dejavu-core).
"""

from __future__ import annotations

import base64
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from goldenthread.people.person_side import NoPersonsWords, persons_words_for

from .plan_media import PICTURE_TYPES, PlanPicture, about_me_shown

STYLESHEET = "support/plan-print.css"
PDF_VARIANT = "pdf/ua-1"


def _stylesheet_path() -> str:
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(STYLESHEET)
    return str(found)


def plan_pictures(plan) -> tuple[list[PlanPicture], list]:
    """(pictures to embed, sound and video to name) from the plan's About me media, as
    every copy of the plan chooses them (plan_media.about_me_shown). A picture is read
    through the storage API, never fetched by address: left out if its bytes do not start
    as its stored type says, or it is larger than GOLDENTHREAD_PLAN_PDF_PICTURE_MAX_BYTES."""
    limit = settings.GOLDENTHREAD_PLAN_PDF_PICTURE_MAX_BYTES

    def embedded(media) -> PlanPicture | None:
        data = media.read(limit)
        if not data or not data.startswith(PICTURE_TYPES[media.content_type]):
            return None
        src = f"data:{media.content_type};base64,{base64.b64encode(data).decode('ascii')}"
        return PlanPicture(src=src, description=media.description)

    return about_me_shown(plan, embedded)


def render_plan_pdf(plan, *, context: dict) -> bytes:
    """PDF bytes of the plan. Nothing is fetched from outside: the stylesheet is read
    from the app's static folder, and the only pictures are About me's, embedded as data:
    URIs read through the storage API (plan_pictures); anything else the document names
    (an address in stored text, a file) is refused by the fetcher."""
    from weasyprint import CSS, HTML

    context = {**context, "plan": plan}
    pictures, recordings = plan_pictures(plan)
    context["about_me_pictures"], context["about_me_recordings"] = pictures, recordings
    if "persons_words" not in context:
        # The person's own words beside each item (#12), loaded before drawing.
        context["persons_words"] = (
            persons_words_for(context["person"]) if context.get("person") else NoPersonsWords()
        )
    html = render_to_string("support/plan_pdf.html", context)
    base = Path(_stylesheet_path()).parent
    document = HTML(string=html, base_url=str(base), url_fetcher=pictures_only(pictures))
    # PDF/UA-1 (#16): tagged (headings, lists, tables and their headers in a structure
    # tree), with the document's language and title, so a screen reader reads it in order.
    return document.write_pdf(
        stylesheets=[CSS(filename=_stylesheet_path())], pdf_variant=PDF_VARIANT, pdf_tags=True
    )


def pictures_only(pictures: list[PlanPicture]):
    """WeasyPrint's fetcher for the plan: answers only for the data: URIs of the pictures
    embedded here (exactly those strings); any other address — http(s), file, another
    data: URI — is refused, and WeasyPrint leaves it out."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = {p.src for p in pictures}

    class PicturesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url not in allowed:
                raise ValueError(f"The plan PDF loads nothing from outside ({url[:80]}).")
            header, _, payload = url.partition(",")
            mime = header[len("data:") :].split(";", 1)[0]
            return URLFetcherResponse(
                url, base64.b64decode(payload), headers={"Content-Type": mime}
            )

    return PicturesOnly(allowed_protocols=("data",))
