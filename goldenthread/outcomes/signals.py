"""What outcomes tells the apps above it (docs/architecture.md: a lower app's service
triggers a step in an app above through a signal sent inside its transaction)."""

from django.dispatch import Signal

# Sent inside the transaction of a service that adds an outcome or changes whether one is
# open (outcome_create, outcome_rewrite, outcome_close), with `person_id`. The reviews app
# answers it by working out the person's stored "next review due" again (#19, REV-3).
open_outcomes_changed = Signal()
