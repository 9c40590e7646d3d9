"""Feed text kept as typed text is (ADR 0037, SEC-6, IO-3): direction controls removed from
free text, invisible-only text blank, a name with a direction control refused with its
reason; telephone numbers checked before they are kept, and a link only to a real number."""

import json

import pytest
from django.urls import reverse

from goldenthread.directory import oruk
from goldenthread.directory.factories import CommunityResourceFactory
from goldenthread.directory.models import CommunityResource
from goldenthread.directory.services import COMMAND_LINE_IMPORT, directory_import
from goldenthread.directory.text import phone_digits, phone_extension, phone_number

from .conftest import HSDS3_SERVICE_EXAMPLE, HSDS_11_PACKAGE, UK_SERVICE_EXAMPLE, need

RLO = "\u202e"
ISOLATE = "\u2066"
ZERO_WIDTH = "\u200b\u2060\u200d\ufeff"


def service(id_, name="Lunch Club", **extra):
    record = {"id": id_, "name": name, "status": "active", "description": "<p>Hot meals.</p>"}
    record.update(extra)
    return record


def write(tmp_path, data):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_direction_controls_are_removed_from_a_feeds_free_text():
    data = oruk.normalise(
        service(
            "t1",
            description=f"<p>Meets {RLO}weekly</p><p>Bring &#x202E;a friend{ISOLATE}</p>",
            fees=f"{RLO}£3 a meal",
            eligibility_description=f"Carers {RLO}over 60",
            service_areas=[{"service_area": f"{RLO}Bristol"}],
            organization={"id": "o1", "name": "Trust", "description": f"{RLO}A charity"},
            service_at_locations=[
                {"location": {"name": "Hall", "addresses": [{"address_1": f"1 {RLO}High St"}]}}
            ],
        )
    )
    assert data.description == "Meets weekly\n\nBring a friend"  # an escaped one too
    assert data.fees == "£3 a meal"
    assert data.eligibility == "Carers over 60"
    assert data.service_area == "Bristol"
    assert data.organisation.description == "A charity"
    assert data.locations[0].address_lines == ["1 High St"]
    assert data.warnings == []


def test_text_of_only_invisible_characters_is_blank():
    data = oruk.normalise(
        service(
            "t2",
            description=f"<p>{ZERO_WIDTH}</p><p>Hot meals.</p><p>\u3164</p>",
            fees=ZERO_WIDTH,
            service_areas=[{"service_area": "\u2800\u2060"}],
        ),
        default_area="Bristol",
    )
    assert data.description == "Hot meals."
    assert data.fees == "" and data.is_free is None
    assert data.service_area == "Bristol"  # as if the feed gave none
    blank = oruk.normalise(service("t3", description=f"{ZERO_WIDTH}\n\n\u115f"))
    assert blank.description == ""


@pytest.mark.parametrize(
    "name, reason",
    [
        (f"Lunch {RLO}bulC", "name has a hidden character that changes the direction of text"),
        ("Lunch &#8238;bulC", "name has a hidden character that changes the direction of text"),
        (f"{ISOLATE}Lunch Club", "name has a hidden character that changes the direction of text"),
        (ZERO_WIDTH, "no name (only characters that show nothing)"),
        ("\u3164 \u2800", "no name (only characters that show nothing)"),
        ("&#8203;&zwj;", "no name (only characters that show nothing)"),
    ],
)
def test_a_name_is_refused_not_changed(name, reason):
    with pytest.raises(oruk.RecordRejected) as refused:
        oruk.normalise(service("t4", name=name))
    assert str(refused.value).startswith(reason)


ZALGO = "A" + "\u0301" * 20


@pytest.mark.parametrize(
    "fields, reason",
    [
        (
            {"name": "Lunch \ufffd Club"},
            "name has the character U+FFFD, where text was lost on the way",
        ),
        (
            {"description": "<p>Hot meals &#xFFFD; on Fridays</p>"},
            "description has the character U+FFFD, where text was lost on the way",
        ),
        ({"description": f"Hot {ZALGO} meals"}, "description has more than 8 accents or marks"),
        (
            {"contacts": [{"name": "Ann"}, {"name": f"Bob {ZALGO}"}]},
            "contacts/1/name has more than 8 accents or marks on one letter",
        ),
    ],
)
def test_text_lost_on_the_way_or_piled_with_marks_refuses_the_record_saying_where(fields, reason):
    """As the forms, the API and a FHIR import refuse such text (ADR 0037): what was meant
    cannot be known, and marks piled on a letter spill over the page around them."""
    with pytest.raises(oruk.RecordRejected) as refused:
        oruk.normalise(service("t6", **fields))
    assert str(refused.value).startswith(reason)


def test_a_few_marks_on_a_letter_are_kept():
    vietnamese = "Ng\u01b0\u1eddi cao tu\u1ed5i"  # "older people", precomposed and combining
    hebrew = "\u05e9\u05b8\u05bc\u05dc\u05d5\u05b9\u05dd"  # shalom with its points
    data = oruk.normalise(service("t7", description=f"{vietnamese} {hebrew} e\u0301\u0302"))
    assert data.description == f"{vietnamese} {hebrew} e\u0301\u0302"


def test_other_names_with_a_direction_control_are_left_out_with_the_reason():
    data = oruk.normalise(
        service(
            "t5",
            organization={"id": "o1", "name": f"Evil {RLO}Trust"},
            contacts=[{"name": f"Ann {RLO}Smith", "title": "Organiser"}],
            service_at_locations=[
                {"location": {"name": f"{RLO}Hall", "addresses": [{"postal_code": "BS1 4DJ"}]}}
            ],
        )
    )
    assert data.organisation is None
    assert data.contacts == [{"title": "Organiser"}]
    assert data.locations[0].name == "" and data.locations[0].postcode == "BS1 4DJ"
    assert sorted(data.warnings) == [
        "a contact's name has a hidden character that changes the direction of text "
        "(U+202E); left out",
        "location 1's name has a hidden character that changes the direction of text "
        "(U+202E); left out",
        "the organisation's name has a hidden character that changes the direction of text "
        "(U+202E); left out",
    ]


@pytest.mark.django_db
def test_the_import_summary_names_each_refused_record_and_the_rest_import(tmp_path):
    path = write(
        tmp_path,
        [
            service("ok-1", description=f"{RLO}Hot meals"),
            service("rlo", name=f"Lunch {RLO}bulC"),
            service("blank", name=ZERO_WIDTH),
        ],
    )
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="hostile")
    assert report.counts == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 2}
    text = str(report)
    assert (
        "feed.json: record 2 (id rlo): name has a hidden character that changes the "
        "direction of text (U+202E)" in text
    )
    assert "feed.json: record 3 (id blank): no name (only characters that show nothing)" in text
    assert CommunityResource.objects.get().description == "Hot meals"


# --- Telephone numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, kept, digits",
    [
        ("0117 922 2000", "0117 922 2000", "01179222000"),
        ("(01724) 297000", "(01724) 297000", "01724297000"),
        ("01724-297-000", "01724-297-000", "01724297000"),
        ("07700  900000", "07700 900000", "07700900000"),
        ("+44 (0)117 922 2000", "+44 (0)117 922 2000", "+441179222000"),
        ("+44 1234 234567", "+44 1234 234567", "+441234234567"),
        ("+1 (223) 346-1236", "+1 (223) 346-1236", "+12233461236"),
        ("00 353 1 234 5678", "00 353 1 234 5678", "0035312345678"),
        ("0117 922 2000 ext. 42", "0117 922 2000 ext. 42", "01179222000"),
        ("01724 297000 x123", "01724 297000 x123", "01724297000"),
        ("tel:0800 1111", "0800 1111", "08001111"),
        ("116 123", "116 123", "116123"),
        ("111", "111", "111"),
        ("(223) 4567 12534", "(223) 4567 12534", "223456712534"),  # the HSDS 1.1 sample
    ],
)
def test_a_plausible_telephone_number_is_kept_as_written(written, kept, digits):
    assert phone_number(written) == kept
    assert phone_digits(kept) == digits


@pytest.mark.parametrize(
    "written",
    [
        "javascript:alert(1)",
        '0117 922 2000" onclick="alert(1)',
        "<script>0117</script>",
        "Call Sue",
        "TBC",
        "0117.922.2000",
        "0117 922 2000 / 0117 922 2001",
        "0117 922 2000 or 0117 922 2001",
        "12345",
        "0123",
        "+44",
        "+0 117 922 2000",
        "+1234567890123456",
        "0117 922 2000 000 000 0",
        ")0117( 922 2000",
        "(0117 922 2000",
        "---",
        "++44 117 922 2000",
        "0117 922 2000 ext",
        "sms:01179222000",
        f"0117 922 2000{RLO}",
        "\uff10\uff11\uff11\uff17\uff19\uff12\uff12\uff12\uff10\uff10\uff10",  # wide digits
        "٠١١٧٩٢٢٢٠٠٠",  # Arabic-Indic digits: not what a tel: address dials
    ],
)
def test_anything_else_is_not_a_telephone_number(written):
    assert phone_number(written) == ""
    assert phone_digits(written) == ""


@pytest.mark.django_db
def test_a_feed_phone_that_is_not_a_number_is_left_out_with_the_reason(tmp_path):
    path = write(
        tmp_path,
        [
            service(
                "p1",
                phones=[{"number": "javascript:alert(1)"}, {"number": "0117 922 2000"}],
                contacts=[
                    {"name": "Ann", "phones": [{"number": "Ask at reception"}]},
                    {"name": "Bob", "phones": [{"number": "+44 (0)7700 900000"}]},
                ],
            ),
            service("p2", phones=[{"number": "<b>not</b> a phone"}]),
        ],
    )
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="phones")
    assert report.counts["created"] == 2 and not report.rejected
    first = CommunityResource.objects.get(source_id="p1")
    assert first.phone == "0117 922 2000"
    assert first.contacts == [{"name": "Ann"}, {"name": "Bob", "phones": ["+44 (0)7700 900000"]}]
    assert CommunityResource.objects.get(source_id="p2").phone == ""
    text = str(report)
    assert (
        "feed.json: record 1 (id p1): phone 'javascript:alert(1)' is not a telephone number; "
        "left out" in text
    )
    assert "record 1 (id p1): phone 'Ask at reception' is not a telephone number" in text
    assert "record 2 (id p2): phone 'not a phone' is not a telephone number" in text


@pytest.mark.django_db
def test_the_reference_examples_phone_numbers_still_import():
    need(HSDS_11_PACKAGE, UK_SERVICE_EXAMPLE)
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=HSDS_11_PACKAGE, source="hsds")
    assert not any("telephone" in warning for warning in report.warnings)
    assert CommunityResource.objects.filter(phone="(223) 4567 12534").exists()
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=UK_SERVICE_EXAMPLE, source="uk")
    assert not any("telephone" in warning for warning in report.warnings)


@pytest.mark.django_db
def test_the_page_links_only_a_real_number_and_dials_its_digits(practitioner_client):
    good = CommunityResourceFactory(phone="+44 (0)117 922 2000 ext. 42")
    # Stored before numbers were checked: shown as text, never a link.
    old = CommunityResourceFactory(phone='0117" onmouseover="alert(1)')
    page = practitioner_client.get(reverse("directory:detail", args=[good.pk])).content.decode()
    assert '<a href="tel:+441179222000">+44 (0)117 922 2000 ext. 42</a>' in page
    page = practitioner_client.get(reverse("directory:detail", args=[old.pk])).content.decode()
    assert "tel:" not in page
    assert "0117&quot; onmouseover=&quot;alert(1)" in page


@pytest.mark.django_db
def test_a_contacts_phone_is_linked_as_the_services_is(practitioner_client):
    resource = CommunityResourceFactory(
        phone="",
        contacts=[
            {
                "name": "Ann <b>Lee</b>",
                "phones": ["+44 (0)7700 900000", '0117" onmouseover="alert(1)'],
            }
        ],
    )
    page = practitioner_client.get(reverse("directory:detail", args=[resource.pk])).content
    page = page.decode()
    assert (
        'Ann &lt;b&gt;Lee&lt;/b&gt;, <a href="tel:+447700900000">+44 (0)7700 900000</a>, '
        "0117&quot; onmouseover=&quot;alert(1)" in page
    )
    assert page.count("tel:") == 1  # the number stored before the check stays text


# --- Telephone extensions (HSDS `phone.extension`) -------------------------------------------


@pytest.mark.parametrize(
    "value, kept",
    [
        (None, ""),
        ("", ""),
        ("  ", ""),
        (42, "42"),
        (100.0, "100"),
        ("42", "42"),
        (" 123 ", "123"),
        ("123456", "123456"),
        ("1234567", None),  # longer than an extension the number's own pattern reads
        ("ext 42", None),
        ("4 2", None),
        ("-42", None),
        (-42, None),
        (4.2, None),
        (True, None),
        ("٤٢", None),  # Arabic-Indic digits: not what a telephone dials
        ({"n": 42}, None),
    ],
)
def test_an_extension_is_digits_of_a_sensible_length(value, kept):
    assert phone_extension(value) == kept


@pytest.mark.django_db
def test_a_feed_phones_extension_is_kept_after_its_number(tmp_path):
    path = write(
        tmp_path,
        [
            service(
                "e1",
                phones=[{"number": "0117 922 2000", "extension": 42}],
                contacts=[
                    {"name": "Ann", "phones": [{"number": "07700 900000", "extension": "7"}]},
                    {"name": "Bob", "phones": [{"number": "07700 900001", "extension": "Sue"}]},
                ],
            ),
            service("e2", phones=[{"number": "0117 922 2001 ext. 5", "extension": 6}]),
            service("e3", phones=[{"number": "0117 922 2002 ext. 5", "extension": "5"}]),
            service("e4", phones=[{"number": "Ask at reception", "extension": 9}]),
        ],
    )
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=path, source="ext")
    assert report.counts["created"] == 4 and not report.rejected
    first = CommunityResource.objects.get(source_id="e1")
    assert first.phone == "0117 922 2000 extension 42"
    assert first.contacts == [
        {"name": "Ann", "phones": ["07700 900000 extension 7"]},
        {"name": "Bob", "phones": ["07700 900001"]},
    ]
    assert CommunityResource.objects.get(source_id="e2").phone == "0117 922 2001 ext. 5"
    assert CommunityResource.objects.get(source_id="e3").phone == "0117 922 2002 ext. 5"
    assert CommunityResource.objects.get(source_id="e4").phone == ""
    text = str(report)
    assert "record 1 (id e1): phone '07700 900001': extension 'Sue' is not 1 to 6 digits" in text
    assert (
        "record 2 (id e2): phone '0117 922 2001 ext. 5': extension 6 is not the one in the "
        "number; left out" in text
    )
    assert "(id e3)" not in text
    assert "record 4 (id e4): phone 'Ask at reception' is not a telephone number" in text


@pytest.mark.django_db
def test_the_reference_examples_extensions_are_imported():
    need(HSDS_11_PACKAGE, HSDS3_SERVICE_EXAMPLE)
    directory_import(actor=COMMAND_LINE_IMPORT, path=HSDS_11_PACKAGE, source="hsds")
    # phones.csv: the location phone "(0123) 4567 8900" has extension 42 (text in a CSV).
    resource = CommunityResource.objects.get(name="Dear Teacher Skills Refresh")
    assert resource.phone == "(0123) 4567 8900 extension 42"
    report = directory_import(actor=COMMAND_LINE_IMPORT, path=HSDS3_SERVICE_EXAMPLE, source="h3")
    assert not any("phone" in warning for warning in report.warnings)
    # HSDS 3.0's example: "+44 1234 234567", extension 100 (a JSON number).
    resource = CommunityResource.objects.get(source="h3")
    assert resource.phone == "+44 1234 234567 extension 100"
    assert resource.contacts[0]["phones"] == ["+44 1234 234567 extension 100"]


@pytest.mark.django_db
def test_the_page_shows_the_extension_and_dials_the_number(practitioner_client):
    resource = CommunityResourceFactory(
        phone="0117 922 2000 extension 42",
        contacts=[{"name": "Ann", "phones": ["07700 900000 extension 7"]}],
    )
    page = practitioner_client.get(reverse("directory:detail", args=[resource.pk])).content
    page = page.decode()
    assert '<a href="tel:01179222000">0117 922 2000 extension 42</a>' in page
    assert 'Ann, <a href="tel:07700900000">07700 900000 extension 7</a>' in page
