"""Each component template renders SGDS markup from the documented context."""

from django.core.paginator import Paginator
from django.utils.safestring import mark_safe

from .helpers import make_request, parse, render_string


def include(template, request=None, **context):
    return render_string('{% include "ui/components/' + template + '" %}', context, request=request)


def test_error_summary():
    doc = parse(
        include("error_summary.html", errors=[{"text": "Enter a name", "href": "#id_name"}])
    )
    summary = doc.find(class_="ds_error-summary")
    assert summary.attrs["aria-labelledby"] == "error-summary-title"
    assert doc.find(id="error-summary-title").all_text() == "There is a problem"
    assert doc.find("a", href="#id_name").all_text() == "Enter a name"


def test_summary_list_escapes_values_unless_safe():
    rows = [
        {
            "key": "Name",
            "value": "<script>x</script>",
            "action_url": "/edit/",
            "action_label": "Change",
        },
        {"key": "Notes", "value": mark_safe("<em>kept</em>")},
        {"key": "Who matters", "value": ["Ann", "Bob"]},
    ]
    html = include("summary_list.html", rows=rows, id_prefix="about")
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "<em>kept</em>" in html
    doc = parse(html)
    assert doc.find("ol", class_="ds_summary-list")
    action = doc.find("a", href="/edit/")
    # Named for what it changes, not 21 links all called "Change" (#16).
    assert action.all_text() == "Change name"
    assert doc.find(id="about-1-key").all_text() == "Name"
    assert [q.all_text() for q in doc.find_all("ul")[0].find_all("q")] == ["Ann", "Bob"]


def test_breadcrumbs_last_item_is_current_and_not_a_link():
    doc = parse(
        include(
            "breadcrumbs.html",
            items=[{"label": "Home", "url": "/"}, {"label": "Ann Smith", "url": "/p/1/"}],
        )
    )
    items = doc.find_all("li", class_="ds_breadcrumbs__item")
    assert items[0].find("a").attrs["href"] == "/"
    assert items[1].attrs["aria-current"] == "page" and not items[1].find_all("a")


def test_back_link_tag_inset_warning_details_page_header():
    assert (
        parse(include("back_link.html", url="/x/")).find("a", class_="ds_back-link").all_text()
        == "Back"
    )
    tag = parse(include("tag.html", text="Completed", colour="green")).find("strong")
    assert tag.classes == ["ds_tag", "ds_tag--green"]
    assert parse(include("inset_text.html", text="Quote")).find(class_="ds_inset-text__text")
    warning = parse(include("warning_text.html", text="Check this")).find(class_="ds_warning-text")
    assert "Warning Check this" in warning.all_text()
    details = parse(include("details.html", summary="Help", text="More")).find("details")
    assert details.find("summary", class_="ds_details__summary").all_text() == "Help"
    header = parse(include("page_header.html", heading="About me", label="Ann Smith"))
    assert header.find("h1", class_="ds_page-header__title").all_text() == "About me"


def test_notification_banner_and_confirmation_message():
    banner = parse(include("notification_banner.html", text="Service paused tonight", icon=True))
    assert banner.find(class_="ds_notification").find(class_="ds_notification__text")
    confirmation = parse(
        include("confirmation_message.html", heading="Review recorded", text="Done")
    )
    message = confirmation.find(class_="ds_notification-message")
    assert (
        message.find("h2", class_="ds_notification-message__title").all_text() == "Review recorded"
    )


def test_table_has_caption_and_scoped_headers():
    doc = parse(
        include(
            "table.html",
            caption="Reviews due",
            headers=["Person", "Due"],
            rows=[["Ann Smith", "1 May"]],
            row_headers=True,
        )
    )
    table = doc.find("table", class_="ds_table")
    assert table.find("caption").all_text() == "Reviews due"
    assert [th.attrs["scope"] for th in table.find_all("th")] == ["col", "col", "row"]


def test_pagination_keeps_query_and_marks_current():
    page = Paginator(list(range(100)), 10).page(5)
    request = make_request("/people/?q=smith&page=5")
    doc = parse(include("pagination.html", request=request, page_obj=page))
    nav = doc.find("nav", class_="ds_pagination")
    current = nav.find("a", aria_current="page")
    assert current.all_text() == "5"
    assert "q=smith" in current.attrs["href"] and "page=5" in current.attrs["href"]
    assert nav.find("a", aria_label="Previous page").attrs["href"].endswith("page=4")
    assert nav.find("a", aria_label="Next page").attrs["href"].endswith("page=6")
    assert nav.find_all(class_="ds_pagination__link--ellipsis")
    single = include("pagination.html", request=request, page_obj=Paginator([1], 10).page(1))
    assert "ds_pagination" not in single


def test_contents_nav_marks_steps():
    steps = [
        {"label": "What matters", "url": "/1/", "status": "Completed"},
        {"label": "Who matters", "url": "/2/", "status": "In progress", "current": True},
        {"label": "Strengths", "url": "/3/", "status": "Not started"},
    ]
    doc = parse(include("contents_nav.html", steps=steps, title="Outcome Sequence"))
    items = doc.find_all("li", class_="ds_contents-nav__item")
    assert items[0].find("a").attrs["href"] == "/1/"
    assert "Completed" in items[0].all_text()
    assert items[1].attrs["aria-current"] == "page" and not items[1].find_all("a")
    assert "ds_current" in items[1].find(class_="ds_contents-nav__link").classes


def test_search_box_is_get_form_with_label():
    doc = parse(include("search_box.html", label="Search for a person", name="q", value="Ann"))
    form = doc.find("form")
    assert form.attrs["method"] == "get" and form.attrs["role"] == "search"
    field = form.find("input", name="q")
    assert field.attrs["value"] == "Ann" and field.attrs["type"] == "search"
    assert form.find("label").attrs["for"] == field.attrs["id"]


def test_side_navigation_nested():
    items = [
        {
            "label": "About me",
            "url": "/a/",
            "current": True,
            "children": [{"label": "Who matters", "url": "/a/w/"}],
        },
        {"label": "Outcomes", "url": "/o/"},
    ]
    doc = parse(include("side_navigation.html", items=items))
    assert doc.find("nav", class_="ds_side-navigation")
    assert (
        doc.find("li", aria_current="page")
        .find(class_="ds_current")
        .all_text()
        .startswith("About me")
    )
    assert doc.find("a", href="/a/w/")


def test_task_list_status_tags():
    items = [
        {"title": "What matters", "url": "/1/", "status": "Completed"},
        {"title": "Strengths", "url": "/2/", "status": "Not started"},
    ]
    doc = parse(include("task_list.html", items=items))
    tasks = doc.find_all("li", class_="ds_task-list__task")
    assert "ds_tag--green" in tasks[0].find("strong").classes
    assert "(Completed)" in tasks[0].find("a", class_="ds_task-list__task-link").all_text()
    assert "ds_tag--grey" in tasks[1].find("strong").classes
