"""A small demo directory of community resources in the demo council's towns, made from the
same factories the tests use. (Real council feeds import with `goldenthread import-oruk`.)"""

from __future__ import annotations

import random

from goldenthread.directory.factories import (
    CommunityResourceFactory,
    OrganisationFactory,
    ResourceLocationFactory,
)

DEMO_RESOURCES = [
    (
        "Northfield Lunch Club",
        "Age Scotland Northfield",
        "A hot two-course lunch and good "
        "company every Tuesday and Thursday for older people. Transport can be arranged.",
        "Northfield",
        "£4 a meal",
    ),
    (
        "Riverside Dementia Carers Group",
        "Alzheimer Scotland",
        "A monthly peer support group "
        "for people caring for someone with dementia. Tea, talk and practical advice.",
        "Riverside",
        "Free",
    ),
    (
        "Kirkton Bowling Club: Open Afternoons",
        "Kirkton Bowling Club",
        "Indoor and outdoor "
        "bowls for all abilities. Coaching for beginners and people returning after illness.",
        "Kirkton",
        "£2 a session",
    ),
    (
        "Easthaven Swimming for Health",
        "Easthaven Leisure Trust",
        "Gentle swimming sessions "
        "with a changing room helper and a pool hoist. For adults with long-term conditions.",
        "Easthaven",
        "£3.50 a session",
    ),
    (
        "Northfield Befriending Service",
        "Volunteer Centre North",
        "A volunteer visits or phones each week for a chat, and can go with you to local groups.",
        "Northfield",
        "Free",
    ),
    (
        "Riverside Walking Group",
        "Paths for All Riverside",
        "Short, friendly health walks on "
        "level paths every Wednesday morning, starting from the library.",
        "Riverside",
        "Free",
    ),
    (
        "Men's Shed Kirkton",
        "Kirkton Men's Shed",
        "Woodwork, repairs and a cuppa in good company. Everyone welcome.",
        "Kirkton",
        "Free",
    ),
    (
        "Community Choir at St Andrew's",
        "St Andrew's Church",
        "A choir for anyone who likes to sing. No auditions, no reading music needed.",
        "Northfield",
        "Donation",
    ),
    (
        "Digital Skills Drop-in",
        "Riverside Library",
        "Help with tablets, phones, video calls and online shopping, one to one.",
        "Riverside",
        "Free",
    ),
    (
        "Young Carers Group",
        "Carers Centre",
        "A group for young carers aged 8 to 18: trips, activities and a break from caring.",
        "Easthaven",
        "Free",
    ),
]


def load_directory_demo(rng: random.Random) -> int:
    for index, (name, organisation, description, town, cost) in enumerate(DEMO_RESOURCES):
        org = OrganisationFactory(source="demo", source_id=f"demo-org-{index}", name=organisation)
        resource = CommunityResourceFactory(
            source="demo",
            source_id=f"demo-{index}",
            name=name,
            description=description,
            organisation=org,
            fees=cost,
            search_keywords=organisation,
        )
        ResourceLocationFactory(
            resource=resource,
            name=town,
            address=f"{rng.randint(1, 90)} Main Street",
            town=town,
            postcode="",
            postcode_district="",
        )
    return len(DEMO_RESOURCES)
