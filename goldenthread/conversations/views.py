"""The good conversation: thin views over conversations.selectors and services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from goldenthread.core import domains
from goldenthread.people.access import PersonRecordMixin
from goldenthread.people.models import Person
from goldenthread.people.person_side import PersonsWordsMixin
from goldenthread.ui.forms import apply_service_errors
from goldenthread.ui.questionnaire import QuestionnaireForm, QuestionnaireViewMixin
from goldenthread.ui.views import ReadChoicesMixin, ServiceFormView

from . import presenters, selectors, services
from .forms import (
    SEVERAL_AT_ONCE,
    AspirationForm,
    ConversationForm,
    MattersForm,
    ParticipantForm,
    PositiveChangeForm,
    StrengthForm,
    WhoMattersForm,
    WorkingItemForm,
    item_edit_form_class,
    item_initial,
    reflection_form,
)
from .models import Conversation, Participant, PositiveChange, StepItem
from .pages import ConversationMixin

if TYPE_CHECKING:  # outcomes sits above conversations (docs/architecture.md)
    from goldenthread.outcomes.models import Outcome


class ConversationListView(PersonRecordMixin, TemplateView):
    template_name = "conversations/conversation_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["conversations"] = list(selectors.conversations_for_person(self.person))
        return context


class ConversationCreateView(PersonRecordMixin, ServiceFormView):
    template_name = "conversations/conversation_form.html"
    form_class = ConversationForm
    success_message = (
        "Conversation started. Work through the steps in any order; everything is saved as you go."
    )

    def save(self, form: BaseForm) -> Conversation:
        return services.conversation_create(
            actor=self.actor, person=self.person, **form.cleaned_data
        )

    def get_success_url(self) -> str:
        """On to step 1: "About the conversation" is what was just filled in (#16, OS-9)."""
        return reverse("conversations:step1", args=[self.person.pk, self.result.pk])


class ConversationDetailView(PersonsWordsMixin, ConversationMixin, TemplateView):
    template_name = "conversations/conversation_detail.html"


class ConversationAboutView(PersonsWordsMixin, ConversationMixin, ServiceFormView):
    """Date, place, who took part and the person's story. The story saves as it is typed."""

    template_name = "conversations/about.html"
    form_class = ConversationForm
    step_key = "about"
    autosave = True
    success_message = "Saved."

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.conversation}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("participant_form", ParticipantForm(circle=self.person.circle.all()))
        context["participants"] = list(self.conversation.participants.all())
        return context

    def save(self, form: BaseForm) -> Conversation:
        return services.conversation_update(
            actor=self.actor,
            conversation=self.conversation,
            expected_version=form.cleaned_data["version"],
            **{k: form.cleaned_data[k] for k in services.CONVERSATION_FIELDS},
        )

    def get_success_url(self) -> str:
        next_step = presenters.next_step(
            presenters.step_navigation(self.record, current=self.step_key)
        )
        if "and_continue" in self.request.POST and next_step:
            return next_step["url"]
        return reverse("conversations:detail", args=[self.person.pk, self.conversation.pk])


class ParticipantAddView(ConversationMixin, TemplateView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ParticipantForm(request.POST, circle=self.person.circle.all())
        if form.is_valid():
            services.participant_add(
                actor=self.actor, conversation=self.conversation, **form.cleaned_data
            )
            messages.success(request, "Added to who took part.")
            return HttpResponseRedirect(
                reverse("conversations:about", args=[self.person.pk, self.conversation.pk])
                + "#participants"
            )
        view = ConversationAboutView()
        view.setup(request, *args, **kwargs)
        view.person, view.conversation = self.person, self.conversation
        return view.render_to_response(
            view.get_context_data(
                form=ConversationForm(instance=self.conversation), participant_form=form
            )
        )


def domain_region(person: Person, form: BaseForm) -> dict[str, object]:
    """The suggested national domain beside a "what matters" item's domain select (AGG-4):
    for the words as they stand on the page served, and asked again as they are typed
    (the outcomes app answers: its checker's word lists suggest)."""
    return domains.suggestion_region(
        url=reverse("outcomes:suggest_domain"),
        framework=domains.framework_for(person.date_of_birth, timezone.localdate()),
        text_id=form["text"].auto_id,
        domain_id=form["domain"].auto_id,
        text=str(form["text"].value() or ""),
        chosen=str(form["domain"].value() or ""),
    )


class StepView(ReadChoicesMixin, PersonsWordsMixin, ConversationMixin, TemplateView):
    """Steps 1 to 3: items added one at a time, each saved as soon as it is added."""

    step_key: str
    forms: dict[str, type]

    def form_kwargs(self, kind: str) -> dict[str, Any]:
        person = self.person
        if kind in ("who",):
            return {"circle": person.circle.all()}
        if kind == "change":
            return {
                "not_working": selectors.person_items(person, "not_working"),
                "aspirations": selectors.person_items(person, "aspiration"),
            }
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for kind, form_class in self.forms.items():
            key = f"{kind}_form"
            if key not in context:
                context[key] = form_class(prefix=kind, **self.form_kwargs(kind))
        if "matters_form" in context:
            context["matters_domain"] = domain_region(self.person, context["matters_form"])
        return context

    def only_reads(self, request: HttpRequest) -> bool:
        """ "Suggest a domain" saves nothing: one VIEW row, as for the page itself."""
        suggesting = request.POST.get("kind") == "matters" and "suggest_domain" in request.POST
        return suggesting or super().only_reads(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        kind = request.POST.get("kind", "")
        if kind not in self.forms:
            raise Http404("Unknown kind of item.")
        if kind == "matters" and "suggest_domain" in request.POST:
            return self.suggest_domain(request)
        form = self.forms[kind](request.POST, prefix=kind, **self.form_kwargs(kind))
        if form.is_valid():
            try:
                self.save(kind, form.cleaned_data)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, presenters.added_message(kind, self.added))
                next_step = presenters.next_step(
                    presenters.step_navigation(self.record, current=self.step_key)
                )
                if "and_continue" in request.POST and next_step:
                    return HttpResponseRedirect(next_step["url"])
                if kind == "change" and "and_outcome" in request.POST:
                    # Straight on to step 4 with the new change chosen (#16).
                    return HttpResponseRedirect(
                        reverse("outcomes:step4", args=[self.person.pk, self.conversation.pk])
                        + f"?change={self.change.pk}"
                    )
                return HttpResponseRedirect(request.path + f"#{kind}")
        return self.render_to_response(self.get_context_data(**{f"{kind}_form": form}))

    def suggest_domain(self, request: HttpRequest) -> HttpResponse:
        """ "Suggest a domain" without JavaScript (AGG-4): the page comes back with what was
        typed kept, the form open and a suggestion for the words. Nothing is saved."""
        typed = {
            name: request.POST.get(f"matters-{name}", "") for name in ("kind", "text", "domain")
        }
        form = self.forms["matters"](initial=typed, prefix="matters")
        return self.render_to_response(self.get_context_data(matters_form=form, matters_open=True))

    def save(self, kind: str, data: dict[str, Any]) -> None:
        actor, conversation = self.actor, self.conversation
        self.added = 1
        if kind == "change":
            self.change = services.positive_change_add(
                actor=actor, conversation=conversation, **data
            )
        elif kind in SEVERAL_AT_ONCE:
            # Several typed one per line: each its own item, all or none (#16).
            fields = {k: v for k, v in data.items() if k != "text"}
            self.added = len(
                services.step_items_add(
                    actor=actor,
                    conversation=conversation,
                    item_type=kind,
                    texts=data["text"].splitlines(),
                    **fields,
                )
            )
        else:
            services.step_item_add(actor=actor, conversation=conversation, item_type=kind, **data)


class Step1View(StepView):
    template_name = "conversations/step1.html"
    step_key = "step1"
    forms = {"matters": MattersForm, "who": WhoMattersForm, "aspiration": AspirationForm}


class Step2View(StepView):
    template_name = "conversations/step2.html"
    step_key = "step2"
    forms = {"working": WorkingItemForm, "strength": StrengthForm}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
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


# Kinds of item the change page takes (people who took part are changed on "About").
EDITABLE_KINDS = frozenset({"matters", "who", "aspiration", "working", "strength", "change"})


class ItemEditView(ConversationMixin, ServiceFormView):
    """Change an item of steps 1 to 3, and for a positive change what it comes from: a
    change linked to the wrong thing is moved, not removed and typed again (#16). Checked
    against the version the worker opened (SEC-5) and kept in the change history."""

    template_name = "conversations/item_edit.html"
    submit_label = "Save this change"

    @property
    def kind(self) -> str:
        kind = self.kwargs["kind"]
        if kind not in EDITABLE_KINDS:
            raise Http404("Unknown kind of item.")
        return kind

    @property
    def item(self) -> StepItem:
        if not hasattr(self, "_item"):
            item = selectors.conversation_item(self.conversation, self.kind, self.kwargs["item_id"])
            if item is None or isinstance(item, Participant):  # participants: on "About"
                raise Http404("No such item in this conversation.")
            self._item = item
        return self._item

    def get_form_class(self) -> type[BaseForm]:
        return item_edit_form_class(self.kind)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = {**super().get_form_kwargs(), "initial": item_initial(self.kind, self.item)}
        person = self.person
        if self.kind == "who":
            kwargs["circle"] = person.circle.all()
        elif self.kind == "change":
            kwargs["not_working"] = selectors.person_items(person, "not_working")
            kwargs["aspirations"] = selectors.person_items(person, "aspiration")
        return kwargs

    def get_back_url(self) -> str:
        return presenters.step_url_for_kind(self.kind, self.person, self.conversation)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["item"] = self.item
        context["kind"] = self.kind
        if self.kind == "matters":
            context["matters_domain"] = domain_region(self.person, context["form"])
        context["heading_text"] = presenters.item_edit_heading(self.kind)
        return context

    def get_stale_values(self, current: Any, form: BaseForm) -> list[tuple[str, str]]:
        if self.kind != "change":
            return super().get_stale_values(current, form)
        return [
            ("The positive change", current.text),
            (
                "What is not working that this would change",
                "; ".join(item.text for item in current.from_not_working.all()),
            ),
            (
                "Aspirations this moves towards",
                "; ".join(item.text for item in current.from_aspirations.all()),
            ),
        ]

    def save(self, form: BaseForm) -> StepItem:
        data = dict(form.cleaned_data)
        version = data.pop("version")
        actor = self.actor
        if self.kind == "change":
            return services.positive_change_relink(
                actor=actor,
                change=cast(PositiveChange, self.item),
                expected_version=version,
                **data,
            )
        return services.step_item_update(
            actor=actor, item=self.item, expected_version=version, **data
        )

    def get_success_message(self, result: object) -> str:
        return "Your change is saved."

    def get_success_url(self) -> str:
        return self.get_back_url() + f"#{self.kind}"


class ItemRemoveView(ConversationMixin, TemplateView):
    """Remove an item from steps 1 to 3 (asks first; POST removes)."""

    template_name = "conversations/item_remove.html"

    def get_item(self) -> StepItem | Participant:
        kind = self.kwargs["kind"]
        if kind not in services.STEP_MODELS:
            raise Http404("Unknown kind of item.")
        item = selectors.conversation_item(self.conversation, kind, self.kwargs["item_id"])
        if item is None:
            raise Http404("No such item in this conversation.")
        return item

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["item"] = self.get_item()
        context["back_url"] = presenters.step_url_for_kind(
            self.kwargs["kind"], self.person, self.conversation
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_item()
        back = presenters.step_url_for_kind(self.kwargs["kind"], self.person, self.conversation)
        try:
            services.step_item_remove(actor=self.actor, item=item)
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

    def questionnaire_form(self, data: Any = None) -> QuestionnaireForm:
        return reflection_form(
            selectors.reflection_answers(self.conversation),
            selectors.reflection_suggestions(self.record),
            data=data,
        )

    def save_answers(self, form: QuestionnaireForm) -> None:
        services.reflection_record(
            actor=self.actor,
            conversation=self.conversation,
            answers=form.answers(),
            expected_versions=form.versions(),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["support_outcome"] = self.first_outcome()
        return context

    def first_outcome(self) -> Outcome | None:
        """The first outcome written in this conversation: where its Support Sequence
        starts (None when it has none yet)."""
        return self.record.outcomes[0] if self.record.outcomes else None

    def success_url_for(self) -> str:
        """ "Save and continue" goes on to the Support Sequence for the conversation's first
        outcome (#16, one page instead of the conversation, the summary and the outcome's
        support page); "Save checklist" back to the conversation."""
        outcome = self.first_outcome()
        if "and_continue" in self.request.POST and outcome is not None:
            return reverse("support:outcome_support", args=[self.person.pk, outcome.pk])
        return reverse("conversations:detail", args=[self.person.pk, self.conversation.pk])
