"""What conversations tells the apps above it (docs/architecture.md: a lower app's service
triggers a step in an app above through a signal sent inside its transaction)."""

from django.dispatch import Signal

# Sent inside the transaction of `conversation_update` when the conversation's date
# changed, with `person_id`. The reviews app answers it by working out the person's stored
# "next review due" again: an outcome's review falls due counted from the date of the
# conversation it was agreed in (#19, REV-3).
conversation_redated = Signal()
