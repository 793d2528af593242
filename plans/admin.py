"""Admin for the catalog, limited to each admin's states and run through review.

National admins (superusers) see and change everything. State editors and reviewers
(``StateRole``) see only their states' plans, Medicaid plans, policy, contacts and
content; geography and sponsors are reference data they may look up but not change.
Every change is kept (django-simple-history): the "History" button shows each version
with its diff and can revert to it — through review when the item is published.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from plans import admin_import, models, roles, rollover
from plans.admin_scoping import (
    AtLeastOneOwnCounty,
    ScopedAdmin,
    ScopedInline,
    WorkflowAdmin,
    refuse,
)


@admin.register(models.State)
class StateAdmin(ScopedAdmin):
    list_display = ["code", "name", "fips", "is_territory"]
    list_filter = ["is_territory"]
    search_fields = ["code", "name", "name_es"]
    state_lookup = None


@admin.register(models.StatePolicy)
class StatePolicyAdmin(WorkflowAdmin):
    """The flags every eligibility answer in the state reads: reviewed like a plan."""

    list_display = [
        "state",
        "status",
        "medicaid_plan_lock_in",
        "has_extra_help",
        "covers_qmb",
        "requires_multiple_dsnps",
        "last_reviewed",
        "review_due",
        "is_sample",
    ]
    list_filter = ["status", "medicaid_plan_lock_in", "has_extra_help", "is_sample"]
    list_select_related = ["state"]
    search_fields = ["state__name", "state__code"]


@admin.register(models.CardTerm)
class CardTermAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """'What your card says' → category. Shown to the public at once, so only reviewers
    (who may publish) change it."""

    list_display = ["state", "says", "category"]
    list_filter = ["category", "state"]
    search_fields = ["says", "says_es"]

    def _state_edit_allowed(self, request: HttpRequest) -> bool:
        return bool(roles.reviewer_states(request.user))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if roles.is_national(request.user):
            return True
        if not self._state_edit_allowed(request):
            return False
        return obj is None or roles.can_review(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def _limit_choices(self, request: HttpRequest, field: Any, queryset: QuerySet[Any]) -> Any:
        if queryset.model is models.State:
            return queryset.filter(code__in=roles.reviewer_states(request.user))
        return super()._limit_choices(request, field, queryset)


@admin.register(models.StateContact)
class StateContactAdmin(WorkflowAdmin):
    list_display = [
        "name",
        "state",
        "kind",
        "phone",
        "verified",
        "status",
        "last_reviewed",
        "review_due",
        "is_sample",
    ]
    list_filter = ["kind", "verified", "status", "is_sample", "state"]
    list_select_related = ["state"]
    search_fields = ["name", "phone", "website"]


@admin.register(models.County)
class CountyAdmin(ScopedAdmin):
    """Geography is national reference data: state roles look up their own counties."""

    list_display = ["fips", "name", "state"]
    list_filter = ["state"]
    list_select_related = ["state"]
    search_fields = ["fips", "name"]
    national_edit_only = True


@admin.register(models.ZipCounty)
class ZipCountyAdmin(ScopedAdmin):
    list_display = ["zip_code", "county", "is_primary"]
    list_filter = ["is_primary"]
    list_select_related = ["county__state"]
    search_fields = ["zip_code", "county__name", "county__fips"]
    raw_id_fields = ["county"]
    state_lookup = "county__state"
    national_edit_only = True


@admin.register(models.ParentOrganization)
class ParentOrganizationAdmin(ScopedAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    state_lookup = None
    roles_may_view = True


class ContractInline(admin.TabularInline):
    """The organization's contracts, as the imports wrote them (read only)."""

    model = models.Contract
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["contract_id", "organization_type", "plan_type", "marketing_name", "enrollment"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.Organization)
class OrganizationAdmin(ScopedAdmin):
    """Sponsors are national (CMS) data: state roles pick from them, only national
    admins change them."""

    list_display = ["legal_name", "marketing_name", "parent", "is_pace", "is_sample"]
    list_filter = ["is_pace", "is_sample"]
    list_select_related = ["parent"]
    search_fields = ["legal_name", "marketing_name", "parent__name"]
    autocomplete_fields = ["parent"]
    inlines = [ContractInline]
    state_lookup = None
    roles_may_view = True


@admin.register(models.Contract)
class ContractAdmin(ScopedAdmin):
    """Contracts are written by the MA Contract Directory and Landscape imports only."""

    list_display = [
        "contract_id",
        "marketing_name",
        "organization",
        "organization_type",
        "plan_type",
        "is_pace_display",
        "enrollment",
        "effective_date",
    ]
    list_filter = ["organization_type", "plan_type"]
    list_select_related = ["organization"]
    search_fields = [
        "contract_id",
        "marketing_name",
        "organization__legal_name",
        "organization__marketing_name",
    ]
    readonly_fields = [f.name for f in models.Contract._meta.fields]
    state_lookup = None

    @admin.display(description=_("PACE"), boolean=True)
    def is_pace_display(self, obj: models.Contract) -> bool:
        return obj.is_pace

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.MedicaidPlan)
class MedicaidPlanAdmin(WorkflowAdmin):
    list_display = [
        "name",
        "code",
        "state",
        "plan_year",
        "parent",
        "status",
        "publish_from",
        "review_due",
        "is_sample",
    ]
    list_filter = ["status", "plan_year", "is_sample", "state"]
    list_select_related = ["state", "parent"]
    search_fields = ["name", "code", "parent__name"]
    autocomplete_fields = ["parent", "service_area"]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Deleting it would silently clear the aligned plan of every D-SNP naming it,
        # published ones included: those must be changed (through review) first.
        if (
            obj is not None
            and not roles.is_national(request.user)
            and models.Plan.objects.filter(aligned_medicaid_plan=obj).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)


class ServiceAreaInline(ScopedInline):
    model = models.ServiceArea
    formset = AtLeastOneOwnCounty
    autocomplete_fields = ["county"]

    def get_formset(self, request: HttpRequest, obj: Model | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.require_one = not roles.is_national(request.user)
        return formset


class SupplementalBenefitInline(ScopedInline):
    model = models.SupplementalBenefit


class PlanForm(forms.ModelForm):
    """The plan form: the model's own checks, plus the FIDE carve-out reason."""

    class Meta:
        model = models.Plan
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        instance = self.instance
        for name in ("kind", "integration_level", "covers_ltss", "covers_behavioral_health"):
            if name in cleaned:
                setattr(instance, name, cleaned[name])
        warning = instance.fide_carve_out_warning()
        if warning and not (cleaned.get("carve_outs") or "").strip():
            self.add_error("carve_outs", warning)
        return cleaned


@admin.register(models.Plan)
class PlanAdmin(WorkflowAdmin):
    form = PlanForm
    list_display = [
        "cms_id_display",
        "name",
        "plan_year",
        "kind",
        "integration_level",
        "is_aip",
        "exclusively_aligned",
        "sanctioned",
        "status",
        "publish_from",
        "renews",
        "next_year_change",
        "review_due",
        "is_sample",
    ]
    list_filter = [
        "kind",
        "plan_year",
        "integration_level",
        "is_aip",
        "exclusively_aligned",
        "sanctioned",
        "status",
        "renews",
        "next_year_change",
        "is_sample",
    ]
    list_select_related = ["organization"]
    search_fields = ["contract_id", "name", "organization__legal_name"]
    autocomplete_fields = ["organization", "aligned_medicaid_plan", "members_moved_to"]
    inlines = [ServiceAreaInline, SupplementalBenefitInline]
    state_lookup = "service_areas__county__state"
    fieldsets = [
        (None, {"fields": ["kind", "plan_year", "contract_id", "pbp", "segment", "name"]}),
        (_("Sponsor"), {"fields": ["organization"]}),
        (
            _("Integration"),
            {
                "fields": [
                    "integration_level",
                    "is_aip",
                    "exclusively_aligned",
                    "aligned_medicaid_plan",
                ]
            },
        ),
        (
            _("Who may join"),
            {
                "fields": [
                    "dual_categories_from_state",
                    ("enrolls_qmb_plus", "enrolls_slmb_plus", "enrolls_fbde"),
                    ("enrolls_qmb", "enrolls_slmb", "enrolls_qi", "enrolls_qdwi"),
                    ("age_min", "age_max", "age_limits_at_enrollment"),
                    "requires_nursing_home_level_of_care",
                    "sanctioned",
                    "pace_waiting_list",
                ]
            },
        ),
        (
            _("Medicaid services covered"),
            {
                "fields": [
                    "covers_medicare_cost_sharing",
                    "covers_ltss",
                    "covers_behavioral_health",
                    "covers_home_health",
                    "covers_medical_equipment",
                    "carve_outs",
                ]
            },
        ),
        (
            _("Costs"),
            {
                "fields": [
                    "premium",
                    "premium_with_extra_help",
                    "zero_dollar_cost_sharing",
                    "max_out_of_pocket",
                ]
            },
        ),
        (
            _("Links and phones"),
            {
                "fields": [
                    "website",
                    "provider_directory_url",
                    "pharmacy_directory_url",
                    "drug_list_url",
                    "summary_of_benefits_url",
                    "evidence_of_coverage_url",
                    ("phone", "tty"),
                    "phone_hours",
                ]
            },
        ),
        (
            "Next plan year",
            {
                "fields": [
                    "renews",
                    "members_moved_to",
                    "next_year_change",
                    ("moved_to_id_text", "moved_to_name_text"),
                ],
                "description": (
                    "Set by the CMS Plan Crosswalk import; correct it here if CMS's file "
                    "is wrong. The next plan's ID and name are kept even when the catalog "
                    "does not have that plan."
                ),
            },
        ),
        (
            _("Review"),
            {
                "fields": [
                    "status",
                    "publish_from",
                    "source",
                    "last_reviewed",
                    "submitted_by",
                    "reviewed_by",
                    "reviewed_at",
                    "is_sample",
                ]
            },
        ),
    ]

    change_list_template = "admin/plans/plan/change_list.html"

    @admin.display(description=_("contract-PBP"), ordering="contract_id")
    def cms_id_display(self, obj: models.Plan) -> str:
        return obj.cms_id

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "rollover/",
                self.admin_site.admin_view(self.rollover_view),
                name="plans_plan_rollover",
            )
        ]
        return own + super().get_urls()

    def rollover_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise refuse(request, "plan-year rollover")
        states = models.State.objects.order_by("code")
        if not roles.is_national(request.user):
            states = states.filter(code__in=roles.editor_states(request.user))
        form = RolloverForm(request.POST or None, states=states)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = rollover.roll_over(
                    state=form.cleaned_data["state"],
                    from_year=form.cleaned_data["from_year"],
                    user=request.user,
                    publish_from=form.cleaned_data["publish_from"],
                    dry_run=not form.cleaned_data["apply"],
                )
            except rollover.RolloverRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(request, report.summary, messages.SUCCESS)
        context = {
            **self.admin_site.each_context(request),
            "title": "Roll over to the next plan year",
            "opts": self.model._meta,
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/plans/plan/rollover.html", context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.Plan]:
        return super().get_queryset(request).select_related("organization")

    def workflow_warning(self, obj: Model) -> str:
        assert isinstance(obj, models.Plan)
        if obj.fide_carve_out_warning() and obj.carve_outs.strip():
            return f"FIDE SNP with services carved out: {obj.carve_outs.strip()}"
        return ""

    def _limit_choices(self, request: HttpRequest, field: Any, queryset: QuerySet[Any]) -> Any:
        if queryset.model is models.Plan:
            # "Members are moved to": a plan the user may see.
            return queryset.filter(pk__in=self.get_queryset(request).values("pk"))
        return super()._limit_choices(request, field, queryset)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change or roles.is_national(request.user):
            return
        # The inline choices keep other states out; a plan must still end up wholly
        # inside the user's states (it could not be edited again otherwise).
        if not roles.can_edit(request.user, form.instance):
            raise refuse(request, f"plan {form.instance.pk} would leave the user's states")


class RolloverForm(forms.Form):
    state = forms.ModelChoiceField(queryset=models.State.objects.none(), label="State")
    from_year = forms.IntegerField(label="Copy from plan year", min_value=2020, max_value=2100)
    publish_from = forms.DateField(
        label="Show next year's rows to the public from",
        required=False,
        help_text="Leave empty for October 1 of the year you copy from, as CMS does.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    apply = forms.BooleanField(
        label="Make the copies (leave unticked to see what would happen first)",
        required=False,
    )

    def __init__(self, *args: Any, states: QuerySet[models.State], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = states
        self.fields["state"].error_messages["invalid_choice"] = "Choose one of your states."


class ContentAdmin(WorkflowAdmin):
    """Articles, glossary terms and taglines: national ones are the national admins'."""

    def get_form(self, request: HttpRequest, obj: Model | None = None, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, **kwargs)
        if not roles.is_national(request.user) and "state" in form.base_fields:
            # State staff write for their own state; national content is not theirs.
            form.base_fields["state"].required = True
            form.base_fields["state"].empty_label = None
        return form


@admin.register(models.ContractRating)
class ContractRatingAdmin(ScopedAdmin):
    list_display = ["contract_id", "star_year", "overall", "part_c", "part_d"]
    list_filter = ["star_year"]
    search_fields = ["contract_id"]
    state_lookup = None


@admin.register(models.Article)
class ArticleAdmin(ContentAdmin):
    list_display = [
        "title",
        "slug",
        "language",
        "state",
        "status",
        "last_reviewed",
        "review_due",
    ]
    list_filter = ["language", "status", "state"]
    list_select_related = ["state"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(models.GlossaryTerm)
class GlossaryTermAdmin(ContentAdmin):
    list_display = ["term", "slug", "language", "state", "status", "last_reviewed", "review_due"]
    list_filter = ["language", "status", "state"]
    list_select_related = ["state"]
    search_fields = ["term", "definition"]


@admin.register(models.ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "state",
        "outcome",
        "added",
        "changed",
        "unpublished",
        "rejected",
        "user",
    ]
    list_filter = ["state", "kind", "outcome"]
    list_select_related = ["user"]
    search_fields = ["file_name", "checksum"]
    # The report is shown in full above the fields (change_form.html); the upload holds
    # the file's bytes, which no page should load.
    readonly_fields = [
        f.name for f in models.ImportRun._meta.fields if f.name not in {"report", "upload"}
    ]
    exclude = ["report"]
    # Adds an "Import a file" button; runs are made by importing, never added by hand.
    change_list_template = "admin/plans/importrun/change_list.html"
    # Shows where a run is (queued, running, finished, failed) and its report.
    change_form_template = "admin/plans/importrun/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_file_view),
                name="plans_importrun_import",
            ),
            path(
                "<int:run_id>/apply/",
                self.admin_site.admin_view(self.apply_view),
                name="plans_importrun_apply",
            ),
        ]
        return own + super().get_urls()

    def import_file_view(self, request: HttpRequest) -> HttpResponse:
        return admin_import.import_file(request, self)

    def apply_view(self, request: HttpRequest, run_id: int) -> HttpResponse:
        return admin_import.apply_dry_run(request, self, run_id)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, object] | None = None
    ) -> HttpResponse:
        # A run whose worker was killed is marked failed here rather than left "running".
        admin_import.give_up_stalled()
        context = {**(extra_context or {}), "may_import": roles.may_import(request.user)}
        return super().changelist_view(request, context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, object] | None = None,
    ) -> HttpResponse:
        context = {
            **(extra_context or {}),
            **admin_import.run_page_context(request, self, object_id),
        }
        return super().change_view(request, object_id, form_url, context)

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.ImportRun]:
        queryset = super().get_queryset(request)
        if roles.is_national(request.user):
            return queryset
        if not roles.has_any_role(request.user):
            return queryset.none()
        # Runs record their states as a JSON list, which SQLite cannot query inside:
        # decide in Python over the ids and states only.
        mine = [
            pk
            for pk, user_id, states in queryset.values_list("pk", "user_id", "states")
            if roles.may_see_run(
                request.user, models.ImportRun(pk=pk, user_id=user_id, states=states)
            )
        ]
        return queryset.filter(pk__in=mine)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return roles.has_any_role(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # State staff see the runs of their states and their own; national admins all.
        if not roles.has_any_role(request.user):
            return False
        return obj is None or roles.may_see_run(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Runs are the audit of imports: nobody deletes them.
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.LanguageTagline)
class LanguageTaglineAdmin(ContentAdmin):
    list_display = [
        "language_name",
        "language_code",
        "state",
        "status",
        "last_reviewed",
        "review_due",
    ]
    list_filter = ["status", "state"]
    list_select_related = ["state"]
    search_fields = ["language_name", "language_code", "text"]


# The review queue and state roles live in their own module; registering them here
# keeps one place (this module) that the admin discovers.
from plans import admin_review  # noqa: E402, F401
