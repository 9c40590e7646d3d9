"""The good conversation: thin views over conversations.selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from goldenthread.core.autosave import autosave_status
from goldenthread.core.concurrency import StaleEditError
from goldenthread.people.access import PersonRecordMixin
from goldenthread.people.views import StaleAwareFormMixin
from goldenthread.ui.questionnaire import QuestionnaireViewMixin

from . import presenters, selectors, services
from .forms import (
    AspirationForm,
    ConversationForm,
    MattersForm,
    ParticipantForm,
    PositiveChangeForm,
    StrengthForm,
    WhoMattersForm,
    WorkingItemForm,
    reflection_form,
)


class ConversationListView(PersonRecordMixin, TemplateView):
    template_name = "conversations/conversation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conversations"] = selectors.conversations_for_person(self.person)
        return context


class ConversationCreateView(PersonRecordMixin, FormView):
    template_name = "conversations/conversation_form.html"
    form_class = ConversationForm

    def form_valid(self, form):
        conversation = services.conversation_create(
            actor=self.request.user, person=self.person, **form.cleaned_data
        )
        messages.success(self.request, "Conversation started. Work through the steps in "
                                       "any order; everything is saved as you go.")
        return redirect("conversations:detail", person_id=self.person.pk,
                        conversation_id=conversation.pk)


class ConversationMixin(PersonRecordMixin):
    """Sets self.conversation: one of this person's conversations, or 404."""

    @property
    def conversation(self):
        if not hasattr(self, "_conversation"):
            conversation = (
                self.person.conversations.select_related("recorded_by")
                .prefetch_related("reflection_answers", "participants__circle_member")
                .filter(pk=self.kwargs["conversation_id"]).first()
            )
            if conversation is None:
                raise Http404("No such conversation for this person.")
            self._conversation = conversation
        return self._conversation

    @property
    def record(self):
        """What the conversation's steps hold, read once per request."""
        if not hasattr(self, "_record"):
            self._record = selectors.conversation_record(self.conversation)
        return self._record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.record
        context["conversation"] = self.conversation
        context["record"] = record
        context["steps"] = presenters.step_navigation(
            record, current=getattr(self, "step_key", None)
        )
        return context


class ConversationDetailView(ConversationMixin, TemplateView):
    template_name = "conversations/conversation_detail.html"


class ConversationAboutView(ConversationMixin, StaleAwareFormMixin, FormView):
    """Date, place, who took part and the person's story. The story saves as it is typed."""

    template_name = "conversations/about.html"
    step_key = "about"

    def get_form_class(self):
        return ConversationForm

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return ConversationForm(data=data, instance=self.conversation)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("participant_form", ParticipantForm(circle=self.person.circle.all()))
        context["participants"] = list(self.conversation.participants.all())
        return context

    def form_valid(self, form):
        try:
            services.conversation_update(
                actor=self.request.user, conversation=self.conversation,
                expected_version=form.cleaned_data["version"],
                **{k: form.cleaned_data[k] for k in services.CONVERSATION_FIELDS},
            )
        except StaleEditError as exc:
            if self.request.htmx:
                return autosave_status(self.request, stale=True)
            return self.handle_stale(form, exc)
        if self.request.htmx:
            return autosave_status(self.request, version=self.conversation.version)
        messages.success(self.request, "Saved.")
        return redirect("conversations:detail", person_id=self.person.pk,
                        conversation_id=self.conversation.pk)

    def form_invalid(self, form):
        if self.request.htmx:
            return autosave_status(self.request, invalid=form)
        return super().form_invalid(form)


class ParticipantAddView(ConversationMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ParticipantForm(request.POST, circle=self.person.circle.all())
        if form.is_valid():
            services.participant_add(actor=request.user, conversation=self.conversation,
                                     **form.cleaned_data)
            messages.success(request, "Added to who took part.")
            return HttpResponseRedirect(
                reverse("conversations:about", args=[self.person.pk, self.conversation.pk])
                + "#participants")
        view = ConversationAboutView()
        view.setup(request, *args, **kwargs)
        view.person, view._conversation = self.person, self.conversation
        return view.render_to_response(view.get_context_data(
            form=ConversationForm(instance=self.conversation), participant_form=form))


class StepView(ConversationMixin, TemplateView):
    """Steps 1 to 3: items added one at a time, each saved as soon as it is added."""

    step_key: str
    forms: dict[str, type]

    def form_kwargs(self, kind: str) -> dict:
        person = self.person
        if kind in ("who",):
            return {"circle": person.circle.all()}
        if kind == "change":
            return {
                "not_working": selectors.person_items(person, "not_working"),
                "aspirations": selectors.person_items(person, "aspiration"),
            }
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for kind, form_class in self.forms.items():
            key = f"{kind}_form"
            if key not in context:
                context[key] = form_class(prefix=kind, **self.form_kwargs(kind))
        return context

    def post(self, request, *args, **kwargs):
        kind = request.POST.get("kind", "")
        if kind not in self.forms:
            raise Http404("Unknown kind of item.")
        form = self.forms[kind](request.POST, prefix=kind, **self.form_kwargs(kind))
        if form.is_valid():
            try:
                self.save(kind, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, presenters.ADDED_MESSAGES[kind])
                return HttpResponseRedirect(request.path + f"#{kind}")
        return self.render_to_response(self.get_context_data(**{f"{kind}_form": form}))

    def save(self, kind: str, data: dict) -> None:
        actor, conversation = self.request.user, self.conversation
        if kind == "change":
            services.positive_change_add(actor=actor, conversation=conversation, **data)
        else:
            services.step_item_add(actor=actor, conversation=conversation,
                                   item_type=kind, **data)


class Step1View(StepView):
    template_name = "conversations/step1.html"
    step_key = "step1"
    forms = {"matters": MattersForm, "who": WhoMattersForm, "aspiration": AspirationForm}


class Step2View(StepView):
    template_name = "conversations/step2.html"
    step_key = "step2"
    forms = {"working": WorkingItemForm, "strength": StrengthForm}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = context["record"]
        context["perspective_rows"] = selectors.perspectives_side_by_side(
            record.working + record.not_working
        )
        return context


class Step3View(StepView):
    template_name = "conversations/step3.html"
    step_key = "step3"
    forms = {"change": PositiveChangeForm}


class ItemRemoveView(ConversationMixin, TemplateView):
    """Remove an item from steps 1 to 3 (asks first; POST removes)."""

    template_name = "conversations/item_remove.html"

    def get_item(self):
        kind = self.kwargs["kind"]
        if kind not in services.STEP_MODELS:
            raise Http404("Unknown kind of item.")
        item = selectors.conversation_item(self.conversation, kind, self.kwargs["item_id"])
        if item is None:
            raise Http404("No such item in this conversation.")
        return item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.get_item()
        context["back_url"] = presenters.step_url_for_kind(self.kwargs["kind"], self.person,
                                                           self.conversation)
        return context

    def post(self, request, *args, **kwargs):
        item = self.get_item()
        back = presenters.step_url_for_kind(self.kwargs["kind"], self.person, self.conversation)
        try:
            services.step_item_remove(actor=request.user, item=item)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Removed.")
        return HttpResponseRedirect(back)


class ReflectionView(ConversationMixin, QuestionnaireViewMixin, FormView):
    """OS-8: How well did I use the Outcome Sequence? What the record shows is each
    question's hint. A save made after someone else saved answers is refused; their answers
    are shown beside each question and what was typed is kept (SEC-5; ui/questionnaire.py)."""

    template_name = "conversations/checklist.html"
    step_key = "checklist"
    success_message = "Checklist saved."

    def questionnaire_form(self, data=None):
        return reflection_form(selectors.reflection_answers(self.conversation),
                               selectors.reflection_suggestions(self.record), data=data)

    def save_answers(self, form):
        services.reflection_record(actor=self.request.user, conversation=self.conversation,
                                   answers=form.answers(), expected_versions=form.versions())

    def success_url_for(self) -> str:
        return reverse("conversations:detail", args=[self.person.pk, self.conversation.pk])

