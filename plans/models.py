"""The catalog: geography, states and their policy, sponsors, Medicaid plans, D-SNPs and PACE.

Field names follow the words CMS and SHIP counselors use (see the glossary).
Invariants that must never be broken are database constraints, so that an
import, a fixture or a shell session cannot write a plan the engine would
misread; ``clean()`` repeats them with plain messages for forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from plans.next_year import NextYearInfo

# --- Shared vocabularies ---------------------------------------------------


class DualCategory(models.TextChoices):
    """Dual-eligibility categories (CMS MMCO fact sheet; NASEM NBK609447 Table C-1).

    The values are those of ``docs/answers.md`` so the wizard, API and engine agree.
    """

    QMB_PLUS = "qmb_plus", _("QMB Plus (QMB with full Medicaid)")
    SLMB_PLUS = "slmb_plus", _("SLMB Plus (SLMB with full Medicaid)")
    FBDE = "fbde", _("Other full-benefit dual (full Medicaid)")
    QMB = "qmb", _("QMB only (Qualified Medicare Beneficiary)")
    SLMB = "slmb", _("SLMB only (Specified Low-Income Medicare Beneficiary)")
    QI = "qi", _("QI (Qualifying Individual)")
    QDWI = "qdwi", _("QDWI (Qualified Disabled and Working Individual)")


FULL_BENEFIT_CATEGORIES = frozenset({"qmb_plus", "slmb_plus", "fbde"})
PARTIAL_BENEFIT_CATEGORIES = frozenset({"qmb", "slmb", "qi", "qdwi"})
ALL_CATEGORIES = FULL_BENEFIT_CATEGORIES | PARTIAL_BENEFIT_CATEGORIES


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


phone_validator = RegexValidator(
    r"^(1-)?\d{3}-\d{3}-\d{4}( (ext\.|x) ?\d{1,6})?$|^711$",
    _("Enter a US phone number as 1-800-633-4227 or 800-633-4227 (an extension may follow)."),
)
fips_county_validator = RegexValidator(r"^\d{5}$", _("A county FIPS code is 5 digits."))
zip_validator = RegexValidator(r"^\d{5}$", _("A ZIP code is 5 digits."))
contract_id_validator = RegexValidator(
    r"^[HR]\d{4}$", _("A contract ID is H or R followed by 4 digits, e.g. H1234.")
)
# What the MA Contract Directory lists as a contract: H (MA, cost and PACE), R (regional
# PPO), E (employer direct), S (PDP) and X (LI NET, Medicare's Limited Income NET program).
cms_contract_id_validator = RegexValidator(
    r"^[EHRSX]\d{4}$",
    _("A contract number is E, H, R, S or X followed by 4 digits, e.g. H1234."),
)
pbp_validator = RegexValidator(r"^\d{3}$", _("A plan (PBP) number is 3 digits, e.g. 005."))
segment_validator = RegexValidator(r"^\d{3}$", _("A segment number is 3 digits, e.g. 000."))


def validate_categories(value: Iterable[str]) -> None:
    unknown = set(value) - ALL_CATEGORIES
    if unknown:
        raise ValidationError(
            _("Unknown dual categories: %(codes)s."), params={"codes": ", ".join(sorted(unknown))}
        )


def validate_zip_list(value: Iterable[str]) -> None:
    bad = [z for z in value if not (isinstance(z, str) and len(z) == 5 and z.isdigit())]
    if bad:
        raise ValidationError(
            _("These are not 5-digit ZIP codes: %(zips)s."),
            params={"zips": ", ".join(map(str, bad))},
        )


class Reviewed(models.Model):
    """Publication workflow and provenance shared by everything shown to the public.

    Admin-only fields carry plain English labels: the admin is not translated.
    """

    status = models.CharField(
        _("status"),
        max_length=12,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    source = models.CharField(
        _("source"), max_length=300, blank=True, help_text=_("Where this information came from.")
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    is_sample = models.BooleanField(
        _("sample data"), default=False, help_text=_("Demo row: never real, always labelled.")
    )
    publish_from = models.DateField(
        "shown to the public from",
        null=True,
        blank=True,
        help_text=(
            "Leave empty to show it as soon as it is published. Next year's plans are "
            "usually scheduled for October 1, when CMS shows them too."
        ),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="submitted for review by",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="published by",
    )
    reviewed_at = models.DateTimeField("published at", null=True, blank=True)
    # Every Reviewed model keeps every version: who, when, before and after (the audit).
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True

    def is_public(self, today: date | None = None) -> bool:
        """What ``published()`` selects, for one row already in hand."""
        if self.status != PublicationStatus.PUBLISHED:
            return False
        return self.publish_from is None or self.publish_from <= (today or timezone.localdate())

    def review_overdue(self, today: date | None = None) -> bool:
        """Published and not checked for 12 months (or never): flagged for a reviewer."""
        if self.status != PublicationStatus.PUBLISHED:
            return False
        if self.last_reviewed is None:
            return True
        today = today or timezone.localdate()
        return self.last_reviewed < today - timedelta(days=365)


class ReviewedQuerySet(models.QuerySet):
    def published(self) -> Self:
        """Only rows a reviewer has published and whose scheduled date has come: the only
        rows public pages may show."""
        return self.filter(status=PublicationStatus.PUBLISHED).filter(
            Q(publish_from__isnull=True) | Q(publish_from__lte=timezone.localdate())
        )

    def review_overdue(self, today: date | None = None) -> Self:
        today = today or timezone.localdate()
        return self.filter(status=PublicationStatus.PUBLISHED).filter(
            Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=today - timedelta(days=365))
        )


# --- Geography -------------------------------------------------------------


class State(models.Model):
    """A state, DC or territory (USPS code), with the policy flags the engine reads."""

    code = models.CharField(_("USPS code"), max_length=2, primary_key=True)
    fips = models.CharField(_("FIPS code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_es = models.CharField(_("name in Spanish"), max_length=60, blank=True)
    is_territory = models.BooleanField(_("territory"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("state or territory")
        verbose_name_plural = _("states and territories")

    def __str__(self) -> str:
        return self.name


class StatePolicyQuerySet(ReviewedQuerySet):
    pass


class StatePolicy(Reviewed):
    """How a state runs its D-SNPs and Medicaid: the flags every eligibility answer reads.

    Kept apart from ``State`` so that it is reviewed and published like a plan:
    a wrong flag changes every answer in the state.
    """

    state = models.OneToOneField(State, on_delete=models.CASCADE, related_name="policy")
    dsnp_default_categories = models.JSONField(
        _("dual categories D-SNPs enroll by default"),
        default=list,
        blank=True,
        validators=[validate_categories],
        help_text=_("What the state's Medicaid agency contract (SMAC) lets D-SNPs enroll."),
    )
    medicaid_plan_lock_in = models.BooleanField(
        _("Medicaid plan changes locked in"),
        default=False,
        help_text=_(
            "On when people cannot change their Medicaid plan outside the state's open "
            "enrollment, so they cannot move to a D-SNP's aligned Medicaid plan now."
        ),
    )
    has_medicare_savings_programs = models.BooleanField(
        _("Medicare Savings Programs (QMB, SLMB, QI, QDWI) exist here"), default=True
    )
    has_extra_help = models.BooleanField(
        _("Extra Help (Part D low-income subsidy) exists here"),
        default=True,
        help_text=_("Off in the territories, which get a capped grant instead."),
    )
    covers_qmb = models.BooleanField(
        _("Medicaid pays Medicare cost-sharing for QMBs"),
        default=True,
        help_text=_("Off in Puerto Rico, which is exempt (Social Security Act §1905(p)(4)(A))."),
    )
    requires_multiple_dsnps = models.BooleanField(
        _("state requires more than one D-SNP per sponsor"),
        default=False,
        help_text=_("The exception in 42 CFR 422.514(h) (for example separate plans by age)."),
    )
    notes = models.TextField(_("state notes"), blank=True)
    notes_es = models.TextField(_("state notes in Spanish"), blank=True)

    objects = StatePolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("state policy")
        verbose_name_plural = _("state policies")

    def __str__(self) -> str:
        return str(self.state)


class CardTerm(models.Model):
    """'What your Medicaid card or letter says' → a dual category, per state."""

    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="card_terms")
    says = models.CharField(_("the card or letter says"), max_length=200)
    says_es = models.CharField(_("explanation in Spanish"), max_length=200, blank=True)
    category = models.CharField(
        _("category"), max_length=10, choices=[*DualCategory.choices, ("none", _("Not Medicaid"))]
    )
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["state", "sort_order", "says"]
        constraints = [
            models.UniqueConstraint(fields=["state", "says"], name="card_term_unique_per_state")
        ]

    def __str__(self) -> str:
        return f"{self.state_id}: {self.says}"


class ContactKind(models.TextChoices):
    SHIP = "ship", _("SHIP (free Medicare counseling)")
    MEDICAID = "medicaid", _("State Medicaid agency")
    ENROLLMENT_BROKER = "broker", _("Medicaid enrollment broker")
    OMBUDSMAN = "ombudsman", _("Ombudsman program")


class StateContactQuerySet(ReviewedQuerySet):
    def verified(self) -> Self:
        return self.filter(verified=True)


class StateContact(Reviewed):
    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    name = models.CharField(_("program name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    tty = models.CharField(_("TTY"), max_length=30, blank=True, validators=[phone_validator])
    website = models.URLField(_("website"), blank=True)
    hours = models.CharField(_("hours"), max_length=200, blank=True)
    hours_es = models.CharField(_("hours in Spanish"), max_length=200, blank=True)
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Someone called or checked this recently.")
    )

    objects = StateContactQuerySet.as_manager()

    class Meta:
        ordering = ["state", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["state", "kind", "name"], name="contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state_id})"


class County(models.Model):
    fips = models.CharField(
        _("county FIPS"), max_length=5, primary_key=True, validators=[fips_county_validator]
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="counties")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["state", "name"]
        verbose_name_plural = _("counties")
        constraints = [
            models.CheckConstraint(
                condition=Q(fips__regex=r"^[0-9]{5}$"), name="county_fips_five_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.state_id}"


class ZipCountyQuerySet(models.QuerySet):
    def for_zip(self, zip_code: str) -> Self:
        """Counties a ZIP is known to reach, main county first."""
        return (
            self.filter(zip_code=zip_code)
            .select_related("county__state")
            .order_by("-is_primary", "county__name")
        )

    def for_zip_area(self, prefix: str) -> Self:
        """Every ZIP of a 3-digit area (a ZIP's first three digits) with its counties, in
        ZIP order and, for each ZIP, as ``for_zip``: main county first. A range, not a
        LIKE, so the zip_code index serves it under any collation."""
        return (
            self.filter(zip_code__gte=f"{prefix}00", zip_code__lte=f"{prefix}99")
            .select_related("county__state")
            .order_by("zip_code", "-is_primary", "county__name")
        )


class ZipCounty(models.Model):
    """A ZIP code and a county it reaches. A ZIP can reach several counties."""

    zip_code = models.CharField(_("ZIP code"), max_length=5, validators=[zip_validator])
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="zip_codes")
    is_primary = models.BooleanField(_("main county of the ZIP"), default=True)

    objects = ZipCountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ZIP code to county")
        verbose_name_plural = _("ZIP codes to counties")
        indexes = [models.Index(fields=["zip_code"])]
        constraints = [
            models.UniqueConstraint(fields=["zip_code", "county"], name="zip_county_unique"),
            models.UniqueConstraint(
                fields=["zip_code"], condition=Q(is_primary=True), name="zip_one_primary_county"
            ),
            models.CheckConstraint(condition=Q(zip_code__regex=r"^[0-9]{5}$"), name="zip_5_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.zip_code} → {self.county_id}"


# --- Sponsors and Medicaid plans ------------------------------------------


class ParentOrganization(models.Model):
    """The parent company. The 2027 alignment rule (42 CFR 422.514(h)) compares parents."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """An MA organization (plan sponsor) or PACE organization: the legal entity."""

    legal_name = models.CharField(_("legal entity name"), max_length=200, unique=True)
    marketing_name = models.CharField(_("marketing name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        ParentOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("parent organization"),
    )
    is_pace = models.BooleanField(_("PACE organization"), default=False)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    website = models.URLField(_("website"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.marketing_name or self.legal_name


class MedicaidPlanQuerySet(ReviewedQuerySet):
    def serving(self, county: County | str) -> Self:
        return self.filter(service_area=county)


class MedicaidPlan(Reviewed):
    """A state's Medicaid managed-care plan, so a D-SNP can name its aligned plan."""

    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="medicaid_plans")
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_(
            "A short name that stays the same from year to year (for example 'sunshine'). "
            "Links and answers use it, so a person's answer still matches next year's plan."
        ),
    )
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        ParentOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="medicaid_plans",
        verbose_name=_("parent organization"),
    )
    enrolls_full_benefit_duals = models.BooleanField(
        _("enrolls full-benefit dual eligibles"), default=True
    )
    covers_ltss = models.BooleanField(_("covers long-term services and supports"), default=True)
    covers_behavioral_health = models.BooleanField(_("covers behavioral health"), default=True)
    service_area = models.ManyToManyField(
        County, related_name="medicaid_plans", blank=True, verbose_name=_("service area")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    website = models.URLField(_("website"), blank=True)

    objects = MedicaidPlanQuerySet.as_manager()

    class Meta:
        ordering = ["state", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "plan_year", "name"], name="medicaid_plan_unique"
            ),
            models.UniqueConstraint(
                fields=["state", "plan_year", "code"], name="medicaid_plan_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.state_id} {self.plan_year})"


# --- Imports ---------------------------------------------------------------


class ImportUpload(models.Model):
    """A file uploaded in the admin, kept until the task worker has imported it.

    Held in the database, not on a disk, so that a worker on any machine reads what any
    web server received. The dry run and the import it confirms share one upload, so
    what is applied is byte for byte what the dry run reported on; the task deletes it
    once it is no longer needed (``plans.tasks``).
    """

    content = models.BinaryField("file contents")
    checksum = models.CharField("SHA-256 of the file", max_length=64)
    remove_demo = models.BooleanField("delete the sample catalog first", default=False)
    # A state reviewer's upload may touch only their states (empty: a national admin's).
    limit_states = models.JSONField("only these states", default=list, blank=True)
    uploaded_at = models.DateTimeField("uploaded", auto_now_add=True)

    def __str__(self) -> str:
        return f"Upload {self.checksum[:12]} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class ImportRun(models.Model):
    """One run of an importer: what file, who, when, what it did (the audit of imports).

    A run from a management command is recorded when it is done. A run started in the
    admin is queued for the task worker first, so ``state`` says where it is; ``outcome``
    says what a finished run did.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed (nothing changed)"

    class Kind(models.TextChoices):
        LANDSCAPE = "landscape", _("CMS MA Landscape")
        CONTRACT_DIRECTORY = "contract_directory", _("CMS MA Contract Directory")
        INTEGRATED_DSNPS = "integrated_dsnps", _("CMS integrated D-SNP list")
        CATALOG = "catalog", _("Integrated Care Finder catalog CSV")
        STAR_RATINGS = "star_ratings", _("CMS Star Ratings data")
        PLAN_CROSSWALK = "plan_crosswalk", _("CMS Plan Crosswalk")

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DRY_RUN = "dry_run", _("Dry run (nothing changed)")
        REJECTED = "rejected", _("Rejected (nothing changed)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=300)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Finished is the default because the commands record a run only once it is done.
    state = models.CharField("state", max_length=10, choices=State.choices, default=State.FINISHED)
    # Empty until the run has finished.
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    states = models.JSONField(_("states covered"), default=list, blank=True)
    plan_years = models.JSONField(_("plan years covered"), default=list, blank=True)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unpublished = models.PositiveIntegerField(_("unpublished"), default=0)
    rejected = models.PositiveIntegerField(_("rejected rows"), default=0)
    report = models.TextField(_("report"), blank=True)
    upload = models.ForeignKey(
        ImportUpload,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="runs",
        verbose_name="uploaded file (kept until imported)",
    )
    # The django.tasks result of an admin run, for finding it among the worker's tasks.
    task_id = models.CharField("task result ID", max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "checksum"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


# --- Contracts -------------------------------------------------------------

NATIONAL_PACE = "National PACE"


class Contract(models.Model):
    """A CMS contract (H1234) and the organization (legal entity) that holds it.

    The MA Contract Directory import writes one per directory row, with CMS's facts about
    the contract; the Landscape import adds the contracts of its D-SNPs that the directory
    does not list yet (organization and marketing name only). Plans are joined to it by
    their ``contract_id``: it is how an import that knows only a contract number finds
    the plan's organization. One legal entity may hold many contracts (InnovAge's Total
    Longterm Care, Inc. holds two PACE contracts, H0613 and H6079).
    """

    contract_id = models.CharField(
        _("contract ID"),
        max_length=5,
        primary_key=True,
        validators=[cms_contract_id_validator],
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("organization (legal entity)"),
    )
    organization_type = models.CharField(
        _("organization type"),
        max_length=100,
        blank=True,
        help_text=_(
            "As the MA Contract Directory writes it, for example Local CCP or National PACE. "
            "Empty while the directory has not listed the contract."
        ),
    )
    plan_type = models.CharField(
        _("plan type"),
        max_length=100,
        blank=True,
        help_text=_("As the MA Contract Directory writes it, for example HMO/HMOPOS."),
    )
    marketing_name = models.CharField(_("marketing name"), max_length=200, blank=True)
    phone = models.CharField(
        _("directory phone"), max_length=30, blank=True, validators=[phone_validator]
    )
    effective_date = models.DateField(_("contract effective date"), null=True, blank=True)
    enrollment = models.PositiveIntegerField(
        _("enrollment"),
        null=True,
        blank=True,
        help_text=_("Empty when CMS suppresses a small count (*) or gives none."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    last_import = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("last import that changed it"),
    )

    class Meta:
        ordering = ["contract_id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_id__regex=r"^[EHRSX][0-9]{4}$"),
                name="contract_id_format",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.marketing_name or self.organization}"

    @property
    def is_pace(self) -> bool:
        """A PACE contract: CMS's organization type is National PACE."""
        return self.organization_type.casefold() == NATIONAL_PACE.casefold()

    @property
    def listed_in_directory(self) -> bool:
        """The MA Contract Directory has listed it (it always gives the organization
        type; the Landscape never does), so the directory's facts are the ones kept."""
        return bool(self.organization_type)


# --- Plans -----------------------------------------------------------------


class PlanKind(models.TextChoices):
    DSNP = "dsnp", _("Dual Eligible Special Needs Plan (D-SNP)")
    PACE = "pace", _("PACE (Program of All-Inclusive Care for the Elderly)")


class IntegrationLevel(models.TextChoices):
    """D-SNP integration levels, 42 CFR 422.2 as amended by CMS-4192-F (2022)."""

    COORDINATION_ONLY = "CO", _("Coordination-only")
    HIDE = "HIDE", _("Highly integrated (HIDE SNP)")
    FIDE = "FIDE", _("Fully integrated (FIDE SNP)")


class NextYearChange(models.TextChoices):
    """What CMS's Plan Crosswalk says happens to a plan on January 1 of the next year."""

    UNKNOWN = "unknown", _("Not known yet")
    RENEWS = "renews", _("Renews")
    RENEWS_SMALLER_AREA = "renews_smaller_area", _("Renews in a smaller service area")
    CONSOLIDATED = "consolidated", _("Consolidated into another plan")
    ENDS = "ends", _("Ends (non-renewed or terminated)")


_CATEGORY_FIELDS = {
    "qmb_plus": "enrolls_qmb_plus",
    "slmb_plus": "enrolls_slmb_plus",
    "fbde": "enrolls_fbde",
    "qmb": "enrolls_qmb",
    "slmb": "enrolls_slmb",
    "qi": "enrolls_qi",
    "qdwi": "enrolls_qdwi",
}


class PlanQuerySet(ReviewedQuerySet):
    def for_year(self, plan_year: int) -> Self:
        return self.filter(plan_year=plan_year)

    def for_year_in(self, plan_years: Iterable[int]) -> Self:
        return self.filter(plan_year__in=list(plan_years))

    def available_in(self, county: County | str) -> Self:
        """Plans whose service area includes the county (ZIP limits are left to the engine)."""
        return self.filter(service_areas__county=county).distinct()

    def in_state(self, state: State | str) -> Self:
        return self.filter(service_areas__county__state=state).distinct()

    def with_facts(self) -> Self:
        """Everything the engine and the results page read, in a fixed number of queries."""
        return self.select_related(
            "organization__parent", "aligned_medicaid_plan__parent"
        ).prefetch_related("service_areas")

    def find_id(self, plan_id: str) -> Self:
        """Look a plan up by its CMS ID, 'H1234-005' or 'H1234-005-000'."""
        parts = plan_id.strip().upper().replace("_", "-").split("-")
        if len(parts) < 2:
            return self.none()
        query = self.filter(contract_id=parts[0], pbp=parts[1])
        if len(parts) > 2:
            query = query.filter(segment=parts[2])
        return query


class Plan(Reviewed):
    kind = models.CharField(_("kind"), max_length=4, choices=PlanKind.choices)
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    contract_id = models.CharField(
        _("contract ID"), max_length=5, validators=[contract_id_validator]
    )
    pbp = models.CharField(_("plan (PBP) number"), max_length=3, validators=[pbp_validator])
    segment = models.CharField(
        _("segment"), max_length=3, default="000", validators=[segment_validator]
    )
    name = models.CharField(_("plan name"), max_length=200)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="plans", verbose_name=_("sponsor")
    )

    # D-SNP integration: level and AIP are independent (California has CO AIPs).
    integration_level = models.CharField(
        _("integration level"), max_length=4, choices=IntegrationLevel.choices, blank=True
    )
    is_aip = models.BooleanField(
        _("applicable integrated plan (AIP)"),
        default=False,
        help_text=_("42 CFR 422.561: one appeals process with the affiliated Medicaid plan."),
    )
    exclusively_aligned = models.BooleanField(
        _("exclusively aligned enrollment"),
        default=False,
        help_text=_("Members must also be in the aligned Medicaid plan (42 CFR 422.2)."),
    )
    aligned_medicaid_plan = models.ForeignKey(
        MedicaidPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aligned_plans",
        verbose_name=_("aligned Medicaid plan"),
    )

    # Who may enrol. When dual_categories_from_state is on, the state's default applies.
    dual_categories_from_state = models.BooleanField(
        _("use the state's default dual categories"), default=True
    )
    enrolls_qmb_plus = models.BooleanField(_("enrolls QMB Plus"), default=False)
    enrolls_slmb_plus = models.BooleanField(_("enrolls SLMB Plus"), default=False)
    enrolls_fbde = models.BooleanField(_("enrolls other full-benefit duals"), default=False)
    enrolls_qmb = models.BooleanField(_("enrolls QMB only"), default=False)
    enrolls_slmb = models.BooleanField(_("enrolls SLMB only"), default=False)
    enrolls_qi = models.BooleanField(_("enrolls QI"), default=False)
    enrolls_qdwi = models.BooleanField(_("enrolls QDWI"), default=False)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    age_limits_at_enrollment = models.BooleanField(
        _("age limits apply only when joining"),
        default=True,
        help_text=_("On when members may stay after passing the age limit."),
    )
    requires_nursing_home_level_of_care = models.BooleanField(
        _("requires nursing-home level of care"), default=False
    )

    # Medicaid services the plan covers (FIDE SNPs must cover these unless carved out).
    covers_medicare_cost_sharing = models.BooleanField(
        _("covers Medicare cost-sharing"), default=False
    )
    covers_ltss = models.BooleanField(_("covers long-term services and supports"), default=False)
    covers_behavioral_health = models.BooleanField(_("covers behavioral health"), default=False)
    covers_home_health = models.BooleanField(_("covers home health"), default=False)
    covers_medical_equipment = models.BooleanField(_("covers medical equipment"), default=False)
    carve_outs = models.TextField(
        _("services carved out"),
        blank=True,
        help_text=_("Medicaid services the plan does not cover, and the state policy behind it."),
    )

    sanctioned = models.BooleanField(
        _("under enrollment sanction"),
        default=False,
        help_text=_("Not taking new members (42 CFR 422.750)."),
    )
    pace_waiting_list = models.BooleanField(_("PACE waiting list"), default=False)

    premium = models.DecimalField(
        _("monthly premium"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    premium_with_extra_help = models.DecimalField(
        _("monthly premium with full Extra Help"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    zero_dollar_cost_sharing = models.BooleanField(
        _("zero-dollar Medicare cost sharing"), default=False
    )
    max_out_of_pocket = models.DecimalField(
        _("in-network maximum out-of-pocket"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    provider_directory_url = models.URLField(_("provider directory"), blank=True)
    pharmacy_directory_url = models.URLField(_("pharmacy directory"), blank=True)
    drug_list_url = models.URLField(_("drug list (formulary)"), blank=True)
    summary_of_benefits_url = models.URLField(_("Summary of Benefits"), blank=True)
    evidence_of_coverage_url = models.URLField(_("Evidence of Coverage"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    tty = models.CharField(_("TTY"), max_length=30, blank=True, validators=[phone_validator])
    phone_hours = models.CharField(_("phone hours"), max_length=200, blank=True)
    last_import = models.ForeignKey(
        ImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("last import that changed it"),
    )
    # Plan-year rollover: a plan that ends with its year, and where CMS moves its members.
    renews = models.BooleanField(
        "renews next year",
        default=True,
        help_text="Off when the plan ends on December 31 of its plan year.",
    )
    members_moved_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="members are moved to",
        help_text="Next year's plan that takes this plan's members (a crosswalk), if any.",
    )
    # From the CMS Plan Crosswalk. The next plan's ID and name are kept as text too, since
    # a D-SNP may be consolidated into a plan the catalog does not hold (an ordinary MA
    # plan), and its members still need to hear which one.
    next_year_change = models.CharField(
        "next year (CMS Plan Crosswalk)",
        max_length=20,
        choices=NextYearChange.choices,
        default=NextYearChange.UNKNOWN,
    )
    moved_to_id_text = models.CharField(
        "next plan's ID",
        max_length=60,
        blank=True,
        help_text="As the crosswalk names it (H1234-005), in the catalog or not.",
    )
    moved_to_name_text = models.CharField("next plan's name", max_length=200, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["plan_year", "contract_id", "pbp", "segment"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_id", "pbp", "segment", "plan_year"],
                name="plan_unique_contract_pbp_segment_year",
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=models.F("age_max")),
                name="plan_age_min_not_above_max",
            ),
            # An integration level, AIP and aligned enrollment only mean something on a D-SNP,
            # and every D-SNP has a level.
            models.CheckConstraint(
                condition=(Q(kind="dsnp") & ~Q(integration_level=""))
                | (
                    Q(kind="pace")
                    & Q(integration_level="", is_aip=False, exclusively_aligned=False)
                ),
                name="plan_integration_level_only_on_dsnp",
            ),
            # Exclusively aligned enrollment is defined for full-benefit duals (42 CFR 422.2).
            models.CheckConstraint(
                condition=Q(exclusively_aligned=False)
                | Q(
                    dual_categories_from_state=False,
                    enrolls_qmb=False,
                    enrolls_slmb=False,
                    enrolls_qi=False,
                    enrolls_qdwi=False,
                ),
                name="plan_aligned_enrollment_full_benefit_only",
            ),
            # PACE enrolls people 55 and older (42 CFR 460.150(b)(1)).
            models.CheckConstraint(
                condition=~Q(kind="pace") | Q(age_min__isnull=False, age_min__gte=55),
                name="plan_pace_55_and_over",
            ),
            models.CheckConstraint(
                condition=Q(contract_id__regex=r"^[HR][0-9]{4}$"), name="plan_contract_id_format"
            ),
            models.CheckConstraint(
                condition=Q(pbp__regex=r"^[0-9]{3}$") & Q(segment__regex=r"^[0-9]{3}$"),
                name="plan_pbp_segment_format",
            ),
            models.CheckConstraint(
                condition=Q(pace_waiting_list=False) | Q(kind="pace"),
                name="plan_waiting_list_only_pace",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cms_id} {self.name} ({self.plan_year})"

    @property
    def cms_id(self) -> str:
        """The ID people and counselors use: contract-PBP, with the segment when not 000."""
        base = f"{self.contract_id}-{self.pbp}"
        return base if self.segment == "000" else f"{base}-{self.segment}"

    def own_dual_categories(self) -> frozenset[str]:
        return frozenset(code for code, field in _CATEGORY_FIELDS.items() if getattr(self, field))

    def set_dual_categories(self, categories: Iterable[str]) -> None:
        wanted = set(categories)
        validate_categories(wanted)
        self.dual_categories_from_state = False
        for code, field in _CATEGORY_FIELDS.items():
            setattr(self, field, code in wanted)

    def dual_categories(self, state_default: Iterable[str]) -> frozenset[str]:
        """Categories this plan enrolls: its own, or the state's default for D-SNPs."""
        if self.dual_categories_from_state:
            return frozenset(state_default)
        return self.own_dual_categories()

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors.setdefault("age_max", []).append(
                _("The maximum age must not be below the minimum age.")
            )
        if self.kind == PlanKind.PACE:
            if self.age_min is None or self.age_min < 55:
                errors.setdefault("age_min", []).append(
                    _("PACE enrolls people 55 and older: set the minimum age to 55 or more.")
                )
            if self.integration_level or self.is_aip or self.exclusively_aligned:
                errors.setdefault("integration_level", []).append(
                    _("Integration level, AIP and aligned enrollment apply only to D-SNPs.")
                )
        if self.kind == PlanKind.DSNP and not self.integration_level:
            errors.setdefault("integration_level", []).append(
                _("Every D-SNP has an integration level: coordination-only, HIDE or FIDE.")
            )
        if self.pace_waiting_list and self.kind != PlanKind.PACE:
            errors.setdefault("pace_waiting_list", []).append(
                _("Only PACE organizations have waiting lists here.")
            )
        if self.exclusively_aligned and (
            self.dual_categories_from_state
            or self.own_dual_categories() & PARTIAL_BENEFIT_CATEGORIES
        ):
            errors.setdefault("exclusively_aligned", []).append(
                _(
                    "Exclusively aligned enrollment is only for full-benefit duals: choose the "
                    "plan's own categories and leave out QMB only, SLMB only, QI and QDWI."
                )
            )
        if self.members_moved_to_id is not None:
            if self.renews:
                errors.setdefault("members_moved_to", []).append(
                    "Only a plan that does not renew moves its members: untick 'renews next "
                    "year' or clear this."
                )
            elif self.members_moved_to.plan_year != self.plan_year + 1:
                errors.setdefault("members_moved_to", []).append(
                    f"Choose a plan of plan year {self.plan_year + 1}, the year after this one."
                )
        continues = {NextYearChange.RENEWS, NextYearChange.RENEWS_SMALLER_AREA}
        if self.renews and self.next_year_change in {
            NextYearChange.CONSOLIDATED,
            NextYearChange.ENDS,
        }:
            errors.setdefault("next_year_change", []).append(
                "A plan that is consolidated or ends does not renew: untick 'renews next year'."
            )
        elif not self.renews and self.next_year_change in continues:
            errors.setdefault("next_year_change", []).append(
                "This says the plan renews, but 'renews next year' is off: make them agree."
            )
        if self.next_year_change == NextYearChange.ENDS and (
            self.members_moved_to_id is not None or self.moved_to_id_text
        ):
            errors.setdefault("next_year_change", []).append(
                "A plan that ends has no next plan: clear 'members are moved to' and the "
                "next plan's ID, or choose 'consolidated'."
            )
        if errors:
            raise ValidationError(errors)

    def next_year_change_info(self) -> NextYearInfo:
        """What happens to this plan's members on January 1: see ``plans.next_year``."""
        from plans.next_year import next_year_change_info

        return next_year_change_info(self)

    def fide_carve_out_warning(self) -> str:
        """A FIDE SNP covers long-term care and behavioral health unless the state carves
        them out (42 CFR 422.2, "fully integrated dual eligible special needs plan"): not an
        error, but it needs the state-policy reason in ``carve_outs``."""
        if self.kind != PlanKind.DSNP or self.integration_level != IntegrationLevel.FIDE:
            return ""
        missing = [
            label
            for label, covered in (
                ("long-term services and supports", self.covers_ltss),
                ("behavioral health", self.covers_behavioral_health),
            )
            if not covered
        ]
        if not missing:
            return ""
        return (
            f"A FIDE SNP normally covers {' and '.join(missing)}. If the state carves "
            f"{'them' if len(missing) > 1 else 'it'} out, say so and name the state policy "
            "in 'services carved out'."
        )


class ServiceArea(models.Model):
    """A county a plan serves; PACE organizations may serve only some ZIPs of it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="service_areas")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="service_areas")
    zip_codes = models.JSONField(
        _("only these ZIP codes"),
        default=list,
        blank=True,
        validators=[validate_zip_list],
        help_text=_("Leave empty when the whole county is served."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["county"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "county"], name="service_area_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan.cms_id} in {self.county_id}"


class SupplementalBenefit(models.Model):
    """Extra benefits (dental, vision, …): admin-entered, since the Landscape has none."""

    class Kind(models.TextChoices):
        DENTAL = "dental", _("Dental")
        VISION = "vision", _("Vision")
        HEARING = "hearing", _("Hearing")
        TRANSPORTATION = "transportation", _("Transportation")
        MEALS = "meals", _("Meals")
        OTC = "otc", _("Over-the-counter allowance")
        OTHER = "other", _("Other")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="supplemental_benefits")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    description_es = models.CharField(_("description in Spanish"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"


class ContractRatingQuerySet(models.QuerySet):
    def newest_for(self, contract_ids: Iterable[str]) -> dict[str, ContractRating]:
        """Each contract's newest Star Ratings year, with its measures: two queries."""
        newest: dict[str, ContractRating] = {}
        for rating in self.filter(contract_id__in=set(contract_ids)).order_by("star_year"):
            newest[rating.contract_id] = rating
        models.prefetch_related_objects(list(newest.values()), "measures")
        return newest


class ContractRating(models.Model):
    """CMS Star Ratings of a contract for one Star Ratings year (every plan of it shares them)."""

    contract_id = models.CharField(_("contract ID"), max_length=5)
    star_year = models.PositiveSmallIntegerField(_("Star Ratings year"))
    overall = models.DecimalField(
        _("overall rating"), max_digits=2, decimal_places=1, null=True, blank=True
    )
    overall_text = models.CharField(_("overall rating (CMS text)"), max_length=100, blank=True)
    part_c = models.DecimalField(
        _("health plan (Part C) rating"), max_digits=2, decimal_places=1, null=True, blank=True
    )
    part_c_text = models.CharField(_("Part C rating (CMS text)"), max_length=100, blank=True)
    part_d = models.DecimalField(
        _("drug plan (Part D) rating"), max_digits=2, decimal_places=1, null=True, blank=True
    )
    part_d_text = models.CharField(_("Part D rating (CMS text)"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    snp = models.BooleanField(
        _("offers a special needs plan"),
        null=True,
        blank=True,
        help_text=_(
            "CMS's SNP flag: the contract offers at least one special needs plan. It does not "
            "say which plans are D-SNPs."
        ),
    )

    objects = ContractRatingQuerySet.as_manager()

    class Meta:
        ordering = ["contract_id", "-star_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_id", "star_year"], name="contract_rating_unique"
            ),
            models.CheckConstraint(
                condition=(Q(overall__isnull=True) | Q(overall__gte=1, overall__lte=5))
                & (Q(part_c__isnull=True) | Q(part_c__gte=1, part_c__lte=5))
                & (Q(part_d__isnull=True) | Q(part_d__gte=1, part_d__lte=5)),
                name="contract_rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.star_year}"


class MeasurePart(models.TextChoices):
    HEALTH = "C", _("Health plan (Part C)")
    DRUG = "D", _("Drug plan (Part D)")
    # The Disenrollment Reasons Survey: CMS display data beside the stars, not a star measure.
    DISENROLLMENT = "disenrollment", _("Why members left (survey)")


class MeasureUnit(models.TextChoices):
    PERCENT = "percent", _("percent")
    CAHPS_SCORE = "cahps_score", _("member survey score, 0 to 100")
    COMPLAINTS = "complaints_per_1000", _("complaints per 1,000 members per month")
    STARS = "stars", _("stars only (CMS shows no number)")
    SCORE = "score", _("score, 0 to 100")


class ContractMeasure(models.Model):
    """One Star Ratings measure of a contract in one Star Ratings year, as CMS published it.

    Every plan of the contract shares it. The measure is known by ``measure_key``, a slug of
    CMS's measure name, because CMS renumbers its codes between years (Complaints about
    the Health Plan is C25 in 2024 and C28 in 2026). The reasons members gave for leaving
    (Disenrollment Reasons Survey) are rows of part ``disenrollment``: they have the same
    shape (a percent or CMS's text, per contract and year) and are read with the measures.
    """

    contract_id = models.CharField(_("contract ID"), max_length=5)
    star_year = models.PositiveSmallIntegerField(_("Star Ratings year"))
    measure_key = models.SlugField(
        _("measure key"),
        max_length=120,
        help_text=_("A slug of CMS's measure name, the same in every year; Part D adds _part_d."),
    )
    measure_name = models.CharField(_("CMS measure name"), max_length=200)
    measure_code = models.CharField(
        _("CMS code in that year"), max_length=4, blank=True, help_text=_("For example C28.")
    )
    part = models.CharField(_("part"), max_length=13, choices=MeasurePart.choices)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=4, null=True, blank=True)
    value_text = models.CharField(
        _("value as CMS wrote it"),
        max_length=100,
        blank=True,
        help_text=_("For example 76%, 0.15 or Plan too new to be measured."),
    )
    unit = models.CharField(_("unit"), max_length=20, choices=MeasureUnit.choices, blank=True)
    higher_is_better = models.BooleanField(
        _("higher is better"),
        null=True,
        blank=True,
        help_text=_("Empty where it does not apply (stars only, reasons for leaving)."),
    )
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True)
    stars_text = models.CharField(_("stars (CMS text)"), max_length=100, blank=True)
    data_period = models.CharField(
        _("data period"),
        max_length=60,
        blank=True,
        help_text=_("As CMS's file states it; empty where the file gives none."),
    )
    # The contract's summary ratings of the same year, joined on (contract, year) without a
    # foreign-key column, so measures and ratings are loaded together in one query each.
    rating = models.ForeignObject(
        ContractRating,
        on_delete=models.DO_NOTHING,
        from_fields=["contract_id", "star_year"],
        to_fields=["contract_id", "star_year"],
        related_name="measures",
        related_query_name="measure",
    )

    class Meta:
        ordering = ["contract_id", "-star_year", "part", "measure_code", "measure_key"]
        indexes = [models.Index(fields=["star_year", "measure_key"])]
        constraints = [
            models.UniqueConstraint(
                fields=["contract_id", "star_year", "measure_key"],
                name="contract_measure_unique",
            ),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                name="contract_measure_stars_one_to_five",
            ),
            # Only Medicare Advantage contracts: the public pages show nothing else.
            models.CheckConstraint(
                condition=Q(contract_id__regex=r"^[HR][0-9]{4}$"),
                name="contract_measure_ma_contract",
            ),
            models.CheckConstraint(
                condition=Q(part__in=MeasurePart.values), name="contract_measure_part_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.star_year} {self.measure_name}"


class MeasureMedian(models.Model):
    """The national middle value of a measure across MA contracts in one Star Ratings year.

    Computed by the Star Ratings import over every H and R contract with a number, so a
    page can give context ("the middle MA contract had 0.16") in one small query.
    """

    star_year = models.PositiveSmallIntegerField(_("Star Ratings year"))
    measure_key = models.SlugField(_("measure key"), max_length=120)
    median = models.DecimalField(_("median"), max_digits=9, decimal_places=4)
    contracts = models.PositiveIntegerField(_("MA contracts with a value"))

    class Meta:
        ordering = ["-star_year", "measure_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["star_year", "measure_key"], name="measure_median_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.star_year} {self.measure_key}: {self.median}"


# --- Education -------------------------------------------------------------


class ContentQuerySet(ReviewedQuerySet):
    def for_language(self, language: str) -> Self:
        return self.filter(language=language)

    def for_state(self, state: State | str | None) -> Self:
        """National items plus the given state's own."""
        if state is None:
            return self.filter(state__isnull=True)
        return self.filter(Q(state__isnull=True) | Q(state=state))


class Article(Reviewed):
    """Impartial educational content, national (no state) or state-specific."""

    slug = models.SlugField(_("slug"), max_length=100)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    state = models.ForeignKey(
        State, on_delete=models.CASCADE, null=True, blank=True, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=400, blank=True)
    body = models.TextField(_("body"), help_text=_("Plain paragraphs separated by blank lines."))
    sources = models.TextField(_("sources"), help_text=_("One citation or link per line."))

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["slug", "language"]
        constraints = [
            # Two constraints, since NULL (national) never collides in a plain unique index.
            models.UniqueConstraint(
                fields=["slug", "language"],
                condition=Q(state__isnull=True),
                name="article_unique_national",
            ),
            models.UniqueConstraint(
                fields=["slug", "language", "state"],
                condition=Q(state__isnull=False),
                name="article_unique_per_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class GlossaryTerm(Reviewed):
    slug = models.SlugField(_("slug"), max_length=100)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    state = models.ForeignKey(
        State, on_delete=models.CASCADE, null=True, blank=True, related_name="glossary_terms"
    )
    term = models.CharField(_("term"), max_length=120)
    definition = models.TextField(_("short definition"))
    sources = models.TextField(_("sources"), blank=True)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        constraints = [
            # Two constraints, since NULL (national) never collides in a plain unique index.
            models.UniqueConstraint(
                fields=["slug", "language"],
                condition=Q(state__isnull=True),
                name="glossary_unique_national",
            ),
            models.UniqueConstraint(
                fields=["slug", "language", "state"],
                condition=Q(state__isnull=False),
                name="glossary_unique_per_state",
            ),
        ]

    def __str__(self) -> str:
        return self.term


class LanguageTagline(Reviewed):
    """'Free interpreter help is available' in a language people read, national or per state.

    Written in the language itself; the state's own list replaces the national default.
    """

    state = models.ForeignKey(
        State, on_delete=models.CASCADE, null=True, blank=True, related_name="taglines"
    )
    language_code = models.CharField(
        _("language code"), max_length=12, help_text=_("BCP 47, for example vi or zh-Hant.")
    )
    language_name = models.CharField(_("language name, written in that language"), max_length=60)
    text = models.TextField(_("tagline, written in that language"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "language_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["language_code"],
                condition=Q(state__isnull=True),
                name="tagline_unique_national",
            ),
            models.UniqueConstraint(
                fields=["language_code", "state"],
                condition=Q(state__isnull=False),
                name="tagline_unique_per_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language_name} ({self.state_id or 'national'})"


def catalog_has_sample_rows() -> bool:
    """True while demo rows exist: every public page then shows a 'sample data' banner."""
    return Plan.objects.filter(is_sample=True).exists()


# --- Catalog version -------------------------------------------------------


class CatalogVersion(models.Model):
    """A single counter, raised whenever what the public may see could have changed.

    Public pages build their ETag and page-cache key from it, so publishing, an import
    or an edit is visible on the very next request without purging any cache.
    """

    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"catalog version {self.version}"


# --- State admins ----------------------------------------------------------


class StateRole(models.Model):
    """What an admin user may do in one state. National admins are superusers instead."""

    class Role(models.TextChoices):
        EDITOR = "editor", "State editor (edits; cannot publish)"
        REVIEWER = "reviewer", "State reviewer (edits, reviews and publishes others' work)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="state_roles"
    )
    state = models.ForeignKey(State, on_delete=models.CASCADE, related_name="admin_roles")
    role = models.CharField(max_length=10, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "state", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "state", "role"], name="state_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.state_id}"


class PendingChangeQuerySet(models.QuerySet):
    def within_states(self, states: Iterable[str]) -> Self:
        """Changes whose every state is one of ``states`` (a change touching another
        state is that state's business too)."""
        states = list(states)
        outside = State.objects.exclude(code__in=states)
        return self.filter(states__in=states).exclude(states__in=outside).distinct()


class PendingChange(models.Model):
    """An edit to published content, held until a reviewer approves it.

    The published row stays exactly as it is (and so does the public page) until then;
    approving replays the editor's form through the same admin form and validation.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved and published"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn by its author"

    class Via(models.TextChoices):
        EDIT = "edit", "Edit form"
        REVERT = "revert", "Revert to an earlier version"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField("item", max_length=300)
    states = models.ManyToManyField(State, related_name="+", blank=True)
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.EDIT)
    data = models.JSONField("submitted form", default=dict)
    changes = models.JSONField("what changes", default=list)
    base_history_id = models.PositiveBigIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("proposed at", auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self) -> str:
        return f"Change to {self.object_repr} ({self.get_status_display()})"
