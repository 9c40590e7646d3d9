"""Every word the checker says to a practitioner.

Written to be read by a busy social worker: plain, kind, short, and always
saying what to do next. ``{m}`` is the flagged words, quoted back exactly.
Never call the person a "service user" or "client" here.
"""

from __future__ import annotations

# (message, suggestion) for each (code, kind).
MESSAGES: dict[tuple[str, str], tuple[str, str]] = {
    # ---------------------------------------------------------------- measurable
    ("not_measurable", "empty"): (
        "There is no outcome written yet.",
        (
            "Write the change the person wants, in their words, for example: "
            "'I want to get back to my bowling club on Thursdays by June.'"
        ),
    ),
    ("not_measurable", "no_words"): (
        "There are no words here to check yet.",
        (
            "Write the change the person wants, in their words, for example: "
            "'I want to get back to my bowling club on Thursdays by June.'"
        ),
    ),
    ("not_measurable", "not_english"): (
        "This doesn't look like English, so the checker can't read it.",
        (
            "Please check it against the eight questions yourself. If the person "
            "wants their outcome in their own language, you could add an English "
            "version alongside so colleagues can check it too."
        ),
    ),
    ("not_measurable", "none"): (
        "It isn't clear how anyone would see that this has happened.",
        (
            "Add something you could see or count: what the person will be doing, "
            "how often, or for how long. For example: 'walk to the shop on my own "
            "twice a week' rather than 'be more independent'."
        ),
    ),
    # ---------------------------------------------------------------- baseline
    ("no_baseline", "none"): (
        "There's no starting point, so it will be hard to show progress.",
        (
            "Say what happens now, for example: 'At the moment I go out once a "
            "month' or 'from once a month to every week'. You can also fill in "
            "the starting point box."
        ),
    ),
    # ---------------------------------------------------------------- time
    ("not_time_bound", "none"): (
        "There's no 'by when'.",
        (
            "Add when the person hopes this will have happened, for example: "
            "'by the end of June', 'within 3 months' or 'before I leave school'. "
            "You can also fill in the date box."
        ),
    ),
    # ---------------------------------------------------------------- service language
    ("service_language", "receive"): (
        "'{m}' describes a service the person will get, not the change they want.",
        (
            "Say what will be different in their life. For example, instead of "
            "'to receive personal care', write 'I want to be up and dressed by 10 "
            "so I can get to the lunch club'."
        ),
    ),
    ("service_language", "passive"): (
        "'{m}' is written from the service's side: something done to or for the person.",
        (
            "Say what the person will do, for example 'Jean will go to the shops on "
            "Saturdays'. How workers help belongs in the support plan."
        ),
    ),
    ("service_language", "engage"): (
        "'{m}' is service wording. Say what the person will actually do.",
        (
            "Name the place or activity, for example 'go to the library on "
            "Tuesdays' instead of 'access the community'."
        ),
    ),
    ("service_language", "attend"): (
        "'{m}' describes going to a service, not the change the person wants.",
        (
            "Say what the person wants from it, for example 'see friends twice a "
            "week'. The service can be one of the options in the Support Sequence."
        ),
    ),
    ("service_language", "ask_help"): (
        "'{m}' asks for help rather than saying what will change.",
        (
            "Say what the person wants to be able to do, for example 'I want to do "
            "my own shopping once a week'. The help goes in the support plan."
        ),
    ),
    ("service_language", "phrase"): (
        "'{m}' {reason}.",
        "Instead, say {plain}.",
    ),
    ("service_language", "staff_task"): (
        "'{m}' makes this a task for workers, not a change the person wants.",
        (
            "Start with the person, 'I want to...' or 'Jean will...', and move what "
            "workers will do into the support plan."
        ),
    ),
    ("service_language", "fragment"): (
        "This names a service, not the change the person wants.",
        (
            "Ask what the service is for and write that, for example 'I want to "
            "see people and have a hot lunch three days a week'."
        ),
    ),
    ("service_language", "activity"): (
        "'{m}' names something to go to or take part in, not what will change.",
        (
            "You wrote '{m}'. What will be different for {who} when {they} {goes}? "
            "For example: '{Who} will have a friend to sit with at lunch by the end of "
            "term'. The {noun} can be an option in the Support Sequence."
        ),
    ),
    ("service_language", "org_aim"): (
        "'{m}' is a service's aim, not a change in one person's life.",
        (
            "Ask what '{noun}' would look like for {who}, and write that: for example "
            "'I want to go to the quiz at the community hall every Thursday by March'."
        ),
    ),
    # ---------------------------------------------------------------- solution
    ("solution_embedded", "means"): (
        "'{m}' says how it will happen. An outcome says what will change.",
        (
            "Take out '{m}' and keep the change itself, for example 'I want to see "
            "friends twice a week by June'. Record the how in the Support Sequence."
        ),
    ),
    ("solution_embedded", "provision"): (
        "'{m}' is a {what}: a way of getting there, not the outcome itself.",
        (
            "Leave it out of the outcome and say what it would help the person do. "
            "Record '{m}' as an option in the Support Sequence."
        ),
    ),
    ("solution_embedded", "activity"): (
        "'{m}' is a way of getting there: the {noun} is a service, not the change itself.",
        (
            "You wrote '{m}'. Keep what {who} wants from it (who {they} will see, what "
            "{they} will do) and record the {noun} as an option in the Support Sequence."
        ),
    ),
    ("solution_embedded", "helper"): (
        "'{m}' names who will help. That is part of the how, not the outcome.",
        (
            "Keep the outcome to what the person will do, and record who helps in "
            "the Support Sequence."
        ),
    ),
    # ---------------------------------------------------------------- jargon
    ("jargon", "term"): (
        "'{m}' is {reason}. Use words the person would use.",
        "Try: {plain}.",
    ),
    ("jargon", "acronym"): (
        "'{m}' is an abbreviation the person may not know.",
        "Write it out in full, or better, use the everyday words the person uses.",
    ),
    # ---------------------------------------------------------------- person-centred
    ("not_person_centred", "label"): (
        "'{m}' doesn't name the person: it is {reason}.",
        (
            "Use their name, or 'I' if these are their own words, for example "
            "'Jean will...' or 'I want to...'."
        ),
    ),
    ("not_person_centred", "staff_subject"): (
        "The person isn't the subject here; '{m}' is.",
        (
            "Write it from the person's side: 'I want to...' or 'Jean will...'. "
            "What workers will do goes in the support plan."
        ),
    ),
    ("not_person_centred", "instruction"): (
        "'{m}' is an instruction to workers, so the person isn't at the centre of it.",
        (
            "Write what the person wants, for example 'I want to...' or 'Fiona will...'. "
            "Instructions for workers go in the support plan."
        ),
    ),
    ("not_person_centred", "population"): (
        "'{m}' is a group of people, so this reads as a service's aim, not one person's outcome.",
        (
            "Write it for one person, by name or in their words: 'I want to...' or "
            "'Jean will...', with what will be different in their life."
        ),
    ),
    ("not_person_centred", "clinical"): (
        "'{m}' measures the body; it doesn't say what {who} will be able to do in {their} life.",
        (
            "You wrote '{m}'. Add what it is for, in {who}'s words: for example "
            "'{Who} will be able to get in and out of the car to visit family by June'."
        ),
    ),
    ("not_person_centred", "service_subject"): (
        "This is about '{m}', not about the person.",
        (
            "Put the person first, for example 'Jean wants to keep living in her "
            "own flat' rather than 'the placement to continue'."
        ),
    ),
    # ---------------------------------------------------------------- vague
    ("vague", "term"): (
        "'{m}' is {reason}, so it's hard to tell when it has happened.",
        (
            "Ask the person 'What would that look like for you?' and write their "
            "answer, for example 'I want to see my grandchildren every Sunday'."
        ),
    ),
    ("vague", "improve"): (
        "'{m}' says something will get better, but not what anyone would see.",
        (
            "You wrote '{m}'. What will {who} be doing when it has improved? For "
            "example: 'write a birthday card to my grandson by myself by Christmas'."
        ),
    ),
    ("vague", "comparative"): (
        "'{m}' compares with nothing you could count.",
        (
            "You wrote '{m}'. More than what, and doing what? For example: 'go to the "
            "café with a friend twice a week, up from once a month now'."
        ),
    ),
}

PROVISION_KIND_WORDS: dict[str, str] = {
    "service": "service",
    "setting": "setting",
    "therapy": "therapy",
    "worker": "paid worker",
    "equipment": "piece of equipment",
    "funding": "way of paying for support",
    "technology": "piece of technology",
}


def render(code: str, kind: str, **values: str) -> tuple[str, str]:
    message, suggestion = MESSAGES[(code, kind)]
    safe = {k: v for k, v in values.items()}
    safe.setdefault("m", "")
    safe.setdefault("reason", "")
    safe.setdefault("plain", "")
    safe.setdefault("what", "")
    safe.setdefault("who", "the person")
    safe.setdefault("Who", "The person")
    safe.setdefault("they", "they")
    safe.setdefault("their", "their")
    safe.setdefault("goes", "go")
    safe.setdefault("noun", "service")
    return message.format(**safe), suggestion.format(**safe)
