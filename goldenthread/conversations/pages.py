"""The frame of every page of a conversation: the conversation (one of this person's, or
404), what its steps hold, and the Outcome Sequence's step navigation. Steps 4 and 5 live
in the outcomes app and use the same frame."""

from __future__ import annotations

from goldenthread.people.access import PersonChild, PersonRecordMixin

from . import presenters, selectors


class ConversationMixin(PersonRecordMixin):
    """Sets self.conversation: one of this person's conversations, or 404. A page that is
    one of the steps names it in `step_key`."""

    conversation = PersonChild(
        selectors.conversation_of,
        kwarg="conversation_id",
        missing="No such conversation for this person.",
    )
    step_key: str | None = None

    @property
    def record(self) -> selectors.ConversationRecord:
        """What the conversation's steps hold, read once per request."""
        if not hasattr(self, "_record"):
            self._record = selectors.conversation_record(self.conversation)
        return self._record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.record
        context["conversation"] = self.conversation
        context["record"] = record
        context["steps"] = presenters.step_navigation(record, current=self.step_key)
        context["next_step"] = presenters.next_step(context["steps"])
        return context
