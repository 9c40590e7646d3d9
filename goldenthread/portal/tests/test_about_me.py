"""P-4: About me, in the person's words, edited by the person, their proxy or a worker,
with history; a stale edit is refused with the other version shown and the typed text
kept (SEC-5)."""

from __future__ import annotations

from django.urls import reverse

from conftest import sign_in
from goldenthread.audit.models import ChangeRecord
from goldenthread.portal.factories import ProxyLinkFactory, RecordLinkFactory
from goldenthread.portal.models import AboutMe

WORDS = {
    "what_matters": "My <garden> and my cat",
    "admired": "",
    "how_to_support": "",
    "communication": "",
    "important_people": "",
}


def test_person_writes_about_me_and_a_worker_changes_it_with_history(client, person, practitioner):
    me = RecordLinkFactory(person=person).user
    sign_in(client, me)
    url = reverse("portal:about_me", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**WORDS, "version": 0})
    assert response.status_code == 302
    about = AboutMe.objects.get(person=person)
    assert about.what_matters == "My <garden> and my cat" and about.changed_by == me
    assert "My &lt;garden&gt; and my cat" in client.get(url).content.decode()
    sign_in(client, practitioner)
    staff_url = reverse("portal_staff:about_me", args=[person.pk])
    client.post(staff_url, {**WORDS, "how_to_support": "Give me time", "version": about.version})
    about.refresh_from_db()
    assert about.how_to_support == "Give me time" and about.changed_by == practitioner
    history = ChangeRecord.objects.filter(object_type="portal.AboutMe", object_id=str(about.pk))
    assert history.count() == 2
    assert history.filter(action="update").get().before["how_to_support"] == ""


def test_a_stale_edit_is_refused_with_the_other_version_shown(client, person):
    me = RecordLinkFactory(person=person).user
    proxy = ProxyLinkFactory(person=person).user
    sign_in(client, me)
    url = reverse("portal:about_me", args=[person.pk])
    client.post(url, {**WORDS, "version": 0})
    about = AboutMe.objects.get()
    sign_in(client, proxy)
    client.post(url, {**WORDS, "admired": "Her kindness", "version": about.version})
    sign_in(client, me)
    stale = client.post(url, {**WORDS, "admired": "My singing", "version": about.version})
    assert stale.status_code == 200
    page = stale.content.decode()
    assert "Her kindness" in page and "My singing" in page
    about.refresh_from_db()
    assert about.admired == "Her kindness"


def test_someone_elses_about_me_is_refused(client, person, team):
    from goldenthread.people.factories import PersonFactory

    stranger = RecordLinkFactory(person=PersonFactory(team=team)).user
    sign_in(client, stranger)
    url = reverse("portal:about_me", args=[person.pk])
    assert client.post(url, {**WORDS, "version": 0}).status_code == 403
    assert not AboutMe.objects.exists()
