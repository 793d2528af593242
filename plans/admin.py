"""Admin for the catalog. Scoping to an admin's own states and the review workflow
come with the state-admin work; this gives every model useful lists, filters and search."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from plans import admin_import, models


@admin.register(models.State)
class StateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "fips", "is_territory"]
    list_filter = ["is_territory"]
    search_fields = ["code", "name", "name_es"]


class CardTermInline(admin.TabularInline):
    model = models.CardTerm
    extra = 0


@admin.register(models.StatePolicy)
class StatePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "state",
        "status",
        "medicaid_plan_lock_in",
        "has_extra_help",
        "covers_qmb",
        "last_reviewed",
        "is_sample",
    ]
    list_filter = ["status", "medicaid_plan_lock_in", "has_extra_help", "is_sample"]
    list_select_related = ["state"]
    search_fields = ["state__name", "state__code"]


@admin.register(models.CardTerm)
class CardTermAdmin(admin.ModelAdmin):
    list_display = ["state", "says", "category"]
    list_filter = ["category", "state"]
    search_fields = ["says", "says_es"]


@admin.register(models.StateContact)
class StateContactAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "kind", "phone", "verified", "status", "is_sample"]
    list_filter = ["kind", "verified", "status", "is_sample", "state"]
    list_select_related = ["state"]
    search_fields = ["name", "phone", "website"]


@admin.register(models.County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["fips", "name", "state"]
    list_filter = ["state"]
    list_select_related = ["state"]
    search_fields = ["fips", "name"]


@admin.register(models.ZipCounty)
class ZipCountyAdmin(admin.ModelAdmin):
    list_display = ["zip_code", "county", "is_primary"]
    list_filter = ["is_primary"]
    list_select_related = ["county__state"]
    search_fields = ["zip_code", "county__name", "county__fips"]
    raw_id_fields = ["county"]


@admin.register(models.ParentOrganization)
class ParentOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


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
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "marketing_name", "parent", "is_pace", "is_sample"]
    list_filter = ["is_pace", "is_sample"]
    list_select_related = ["parent"]
    search_fields = ["legal_name", "marketing_name", "parent__name"]
    autocomplete_fields = ["parent"]
    inlines = [ContractInline]


@admin.register(models.Contract)
class ContractAdmin(admin.ModelAdmin):
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

    @admin.display(description=_("PACE"), boolean=True)
    def is_pace_display(self, obj: models.Contract) -> bool:
        return obj.is_pace

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.MedicaidPlan)
class MedicaidPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "plan_year", "parent", "status", "is_sample"]
    list_filter = ["status", "plan_year", "is_sample", "state"]
    list_select_related = ["state", "parent"]
    search_fields = ["name", "parent__name"]
    autocomplete_fields = ["parent", "service_area"]


class ServiceAreaInline(admin.TabularInline):
    model = models.ServiceArea
    extra = 0
    raw_id_fields = ["county"]


class SupplementalBenefitInline(admin.TabularInline):
    model = models.SupplementalBenefit
    extra = 0


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
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
        "is_sample",
    ]
    list_select_related = ["organization"]
    search_fields = ["contract_id", "name", "organization__legal_name"]
    autocomplete_fields = ["organization", "aligned_medicaid_plan"]
    inlines = [ServiceAreaInline, SupplementalBenefitInline]
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
        (_("Review"), {"fields": ["status", "source", "last_reviewed", "is_sample"]}),
    ]

    @admin.display(description=_("contract-PBP"), ordering="contract_id")
    def cms_id_display(self, obj: models.Plan) -> str:
        return obj.cms_id

    def get_queryset(self, request: HttpRequest) -> QuerySet[models.Plan]:
        return super().get_queryset(request).select_related("organization")


@admin.register(models.ContractRating)
class ContractRatingAdmin(admin.ModelAdmin):
    list_display = ["contract_id", "star_year", "overall", "part_c", "part_d"]
    list_filter = ["star_year"]
    search_fields = ["contract_id"]


@admin.register(models.Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "language", "state", "status", "last_reviewed"]
    list_filter = ["language", "status", "state"]
    list_select_related = ["state"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(models.GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "slug", "language", "state", "status", "last_reviewed"]
    list_filter = ["language", "status", "state"]
    list_select_related = ["state"]
    search_fields = ["term", "definition"]


@admin.register(models.ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "outcome",
        "added",
        "changed",
        "unpublished",
        "rejected",
        "user",
    ]
    list_filter = ["kind", "outcome"]
    list_select_related = ["user"]
    search_fields = ["file_name", "checksum"]
    readonly_fields = [f.name for f in models.ImportRun._meta.fields]
    # Adds an "Import a file" button; runs are made by importing, never added by hand.
    change_list_template = "admin/plans/importrun/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_file_view),
                name="plans_importrun_import",
            )
        ]
        return own + super().get_urls()

    def import_file_view(self, request: HttpRequest) -> HttpResponse:
        return admin_import.import_file(request, self)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.LanguageTagline)
class LanguageTaglineAdmin(admin.ModelAdmin):
    list_display = ["language_name", "language_code", "state", "status", "last_reviewed"]
    list_filter = ["status", "state"]
    list_select_related = ["state"]
    search_fields = ["language_name", "language_code", "text"]
