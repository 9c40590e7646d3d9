"""The bench times the page floor and each record page in turn, request by request (#19):
the floor timed in a block of its own swung the pages' ratios to it by ±0.7× under load."""

from __future__ import annotations

import pytest
from django.urls import reverse

from goldenthread.nonprod.bench import pages

pytestmark = pytest.mark.django_db


def test_the_floor_and_each_page_are_timed_in_turn(person, practitioner, monkeypatch):
    client = pages.signed_in_client(practitioner)
    asked: list[str] = []
    get = client.get

    def recording_get(url, *args, **kwargs):
        asked.append(url)
        return get(url, *args, **kwargs)

    monkeypatch.setattr(client, "get", recording_get)
    floor_url = pages.page_floor_url()
    urls = {
        "person": reverse("people:detail", args=[person.pk]),
        "thread": reverse("reviews:golden_thread", args=[person.pk]),
    }
    floor, times, sql = pages.time_with_floor(client, floor_url, urls, 3)

    # First the untimed requests that capture each one's SQL, then the timed ones in turn.
    captured = [floor_url, urls["person"], urls["thread"]]
    in_turn = [floor_url, urls["person"], floor_url, urls["thread"]] * 3
    assert asked == captured + in_turn
    assert len(floor.cpu) == len(floor.wall) == 6
    for name in urls:
        assert len(times[name].cpu) == len(times[name].wall) == 3
        assert times[name].counts == [len(sql[name])]
        assert sql[name], "the page's queries are captured on the untimed request"
        assert all(t > 0 for t in times[name].wall)
    assert floor.counts == [floor.counts[0]]
