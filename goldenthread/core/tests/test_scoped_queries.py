"""SEC-2: views reach person data only through Person.objects.visible_to()."""

from pathlib import Path

from goldenthread.core.scoped_queries import person_data_models, violations

ROOT = Path(__file__).resolve().parents[2]


def test_person_data_models_include_the_circle_and_allocations():
    names = {m.__name__ for m in person_data_models()}
    assert {"Person", "CircleMember", "Allocation"} <= names


def test_no_view_queries_person_data_unscoped():
    assert violations(ROOT) == []


def test_the_check_catches_an_unscoped_query(tmp_path):
    app = tmp_path / "someapp"
    app.mkdir()
    (app / "views.py").write_text(
        "from goldenthread.people.models import CircleMember, Person\n"
        "def ok(request):\n    return Person.objects.visible_to(request.user)\n"
        "def bad(request):\n    return CircleMember.objects.all()\n"
        "def bad2(request):\n    return Person.objects.filter(pk=1)\n"
    )
    problems = violations(tmp_path)
    assert len(problems) == 2
    assert "CircleMember.objects" in problems[0]
    assert "Person.objects" in problems[1]
