"""The plan PDF is accessible (#16, A11Y): tagged PDF/UA-1 (a structure tree with headings,
lists and tables), the person's name on every page, and no page ending on a heading."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from goldenthread.record.pdf import render_plan_pdf
from goldenthread.record.plan import build_plan
from goldenthread.support.factories import (
    SolutionFactory,
    StepExplorationFactory,
    SupportPlanningFactory,
)
from goldenthread.support.tests.conftest import make_outcome


def _long_plan_pdf(person, outcomes=9):
    for n in range(outcomes):
        outcome = make_outcome(
            person,
            statement=f"Outcome number {n}: I will get to the "
            "club on Thursdays and see my friends there",
        )
        SupportPlanningFactory(outcome=outcome)
        SolutionFactory(outcome=outcome, step="community", what=f"Group {n}")
        SolutionFactory(outcome=outcome, costed=True)
        StepExplorationFactory(outcome=outcome, step="technology")
    plan = build_plan(person)
    return plan, render_plan_pdf(plan, context={"plan": plan, "person": person})


def _structure_types(reader) -> set[str]:
    seen: set[str] = set()

    def walk(node, depth=0):
        if depth > 60:
            return
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                seen.add(str(node["/S"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid, depth + 1)
        elif isinstance(node, list):
            for kid in node:
                walk(kid, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return seen


def test_the_pdf_is_tagged_pdf_ua(person):
    plan, pdf = _long_plan_pdf(person, outcomes=2)
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).lower().startswith("en")
    metadata = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in metadata  # the PDF/UA identification in its metadata
    types = _structure_types(reader)
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI"} <= types, types


def test_the_persons_name_is_on_every_page_and_no_page_ends_on_a_heading(person):
    plan, pdf = _long_plan_pdf(person)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    headings = {f"Outcome {n}" for n in range(1, 20)} | {
        "Support, step by step",
        "Costs",
        f"About {plan.person_name}",
        f"What matters to {plan.person_name}",
        "Outcomes and the support for each",
    }
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        assert any(line.startswith(f"Support plan: {plan.person_name}") for line in lines), (
            number,
            lines[-3:],
        )
        body = [line for line in lines if not line.startswith(("Support plan:", "Page "))]
        assert body and body[-1] not in headings, (number, body[-3:])
        # A table's caption ("4. Family, friends and neighbours") never ends a page.
        assert not re.fullmatch(r"\d\. [^.:]+", body[-1]), (number, body[-1])
