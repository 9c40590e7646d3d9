"""Error pages and the sign-in pause page say what happened in plain words."""

from django.template import Context

from .helpers import ENGINE, make_request, parse

get_template = ENGINE.get_template


def test_404_403_400_render_with_base_layout():
    for name, heading in [
        ("404.html", "Page not found"),
        ("403.html", "You cannot see this page"),
        ("400.html", "Sorry, there is a problem with this request"),
    ]:
        html = get_template(name).render({}, request=make_request())
        doc = parse(html)
        assert doc.find("h1").all_text() == heading
        assert doc.find("main", id="main-content")
    assert "ask your team leader" in get_template("403.html").render({}, make_request())


def test_refusal_pages_render_with_base_layout_and_plain_words():
    for name, heading, words in [
        ("405.html", "This address only works from a button", "Nothing has been changed."),
        ("403_form_expired.html", "This form has expired", "Nothing was saved."),
    ]:
        doc = parse(get_template(name).render({"again_url": "/x/"}, request=make_request()))
        assert doc.find("h1").all_text() == heading
        assert words in doc.find("main", id="main-content").all_text()


def test_403_for_a_persons_or_proxys_sign_in_names_their_worker():
    html = get_template("403.html").render({"own_record_account": True}, make_request())
    text = parse(html).find("main").all_text()
    assert "contact your worker" in text
    assert "team leader" not in text


def test_400_renders_without_request():
    assert "problem with this request" in get_template("400.html").render({})


def test_500_renders_with_empty_context_and_no_url_tags():
    template = get_template("500.html")
    html = template.render({})
    assert "Sorry, there is a problem with the service" in html
    source = ENGINE.engine.find_template("500.html")[0].source
    for tag in ("{% url", "{% extends", "{% include", "{% csrf_token", "{{ request"):
        assert tag not in source
    # Django's own handler renders it with a bare Context.
    assert "Golden Thread" in template.template.render(Context())


def test_lockout_page_does_not_name_the_account():
    html = get_template("ui/lockout.html").render(
        {"username": "ann.smith", "failure_limit": 5}, request=make_request()
    )
    text = parse(html).find("main").all_text()
    assert "Too many attempts" in text
    assert "For your security, sign-in from here is paused for a while" in text
    assert "Try again later, or ask an administrator." in text
    assert "ann.smith" not in html
