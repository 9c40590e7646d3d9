"""What accounts tells the apps above it (accounts sits below people: docs/architecture.md)."""

from django.dispatch import Signal

# Sent inside the transaction of `user_leave`, and of a role or team change that takes a
# worker out of casework in their team, with `actor`, `worker`, `team`, `last_day`, `kind`
# (HandoverReason) and `reason`. The people app's receiver ends the worker's allocations
# and returns the Handover listing the people they held (or None when there were none).
casework_ended = Signal()
