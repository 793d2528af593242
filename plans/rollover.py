"""Plan-year rollover: carry a state's own work into next year's catalog.

CMS's files bring next year's plans and service areas; what the state knows — which
Medicaid plans exist, which plan is aligned with which, who may join, what is carved
out, which ZIPs a PACE organization serves — does not come with them. This copies it
from one plan year to the next for one state, as drafts scheduled for publication
(CMS shows next year's plans from October 1), so reviewers still publish every row.

Never touches a published row of the new year (that goes through review), never
copies a plan marked as not renewing, and reports every decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from plans import roles
from plans.models import (
    MedicaidPlan,
    Plan,
    PublicationStatus,
    ServiceArea,
    State,
    StateContact,
)

# What the state, not CMS, decides about a plan: copied onto next year's row.
STATE_FIELDS = [
    "is_aip",
    "exclusively_aligned",
    "dual_categories_from_state",
    "enrolls_qmb_plus",
    "enrolls_slmb_plus",
    "enrolls_fbde",
    "enrolls_qmb",
    "enrolls_slmb",
    "enrolls_qi",
    "enrolls_qdwi",
    "age_min",
    "age_max",
    "age_limits_at_enrollment",
    "requires_nursing_home_level_of_care",
    "covers_medicare_cost_sharing",
    "covers_ltss",
    "covers_behavioral_health",
    "covers_home_health",
    "covers_medical_equipment",
    "carve_outs",
]
# A new draft copy also takes what CMS would otherwise bring.
COPY_FIELDS = [
    *STATE_FIELDS,
    "kind",
    "contract_id",
    "pbp",
    "segment",
    "name",
    "organization_id",
    "integration_level",
    "website",
    "phone",
    "tty",
    "phone_hours",
]


class RolloverRefused(Exception):
    """The rollover cannot run at all (nothing was changed)."""


@dataclass
class RolloverReport:
    state: str
    from_year: int
    to_year: int
    publish_from: date
    dry_run: bool
    lines: list[str] = field(default_factory=list)
    medicaid_plans_copied: int = 0
    plans_created: int = 0
    plans_updated: int = 0
    plans_skipped: int = 0
    not_renewing: int = 0

    def add(self, line: str) -> None:
        self.lines.append(line)

    @property
    def summary(self) -> str:
        verb = "Would copy" if self.dry_run else "Copied"
        return (
            f"{verb} {self.state} {self.from_year} → {self.to_year}: "
            f"{self.medicaid_plans_copied} Medicaid plans, {self.plans_created} new plan drafts, "
            f"{self.plans_updated} of next year's plans updated, {self.plans_skipped} skipped, "
            f"{self.not_renewing} not renewing; "
            f"drafts scheduled for {self.publish_from:%B %-d, %Y}."
        )


def default_publish_from(from_year: int) -> date:
    """CMS shows next year's plans on Medicare Plan Finder from October 1."""
    return date(from_year, 10, 1)


class _DryRun(Exception):
    pass


def roll_over(
    *,
    state: State,
    from_year: int,
    user: AbstractBaseUser,
    publish_from: date | None = None,
    dry_run: bool = False,
) -> RolloverReport:
    if not (roles.is_national(user) or state.code in roles.editor_states(user)):
        raise RolloverRefused(f"You may not edit {state.name}'s catalog.")
    to_year = from_year + 1
    report = RolloverReport(
        state=state.code,
        from_year=from_year,
        to_year=to_year,
        publish_from=publish_from or default_publish_from(from_year),
        dry_run=dry_run,
    )
    if not Plan.objects.in_state(state).for_year(from_year).exists() and not (
        MedicaidPlan.objects.filter(state=state, plan_year=from_year).exists()
    ):
        raise RolloverRefused(f"{state.name} has no plans or Medicaid plans in {from_year}.")
    try:
        with transaction.atomic():
            medicaid_map = _copy_medicaid_plans(state, from_year, to_year, user, report)
            _copy_plans(state, from_year, to_year, user, report, medicaid_map)
            _report_contacts(state, report)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _draft_fields(report: RolloverReport) -> dict[str, object]:
    return {
        "status": PublicationStatus.DRAFT,
        "publish_from": report.publish_from,
        "source": f"Rolled over from plan year {report.from_year}",
        "last_reviewed": None,
        "submitted_by": None,
        "reviewed_by": None,
        "reviewed_at": None,
    }


def _copy_medicaid_plans(
    state: State, from_year: int, to_year: int, user: AbstractBaseUser, report: RolloverReport
) -> dict[int, MedicaidPlan]:
    """Copy each Medicaid plan (matched by its stable code); old id → next year's row."""
    mapping: dict[int, MedicaidPlan] = {}
    existing = {
        plan.code: plan for plan in MedicaidPlan.objects.filter(state=state, plan_year=to_year)
    }
    for old in MedicaidPlan.objects.filter(state=state, plan_year=from_year).prefetch_related(
        "service_area"
    ):
        if old.code in existing:
            mapping[old.pk] = existing[old.code]
            report.add(f"Medicaid plan {old.name}: {to_year} already has it; left as it is.")
            continue
        new = MedicaidPlan(
            state=state,
            plan_year=to_year,
            code=old.code,
            name=old.name,
            parent=old.parent,
            enrolls_full_benefit_duals=old.enrolls_full_benefit_duals,
            covers_ltss=old.covers_ltss,
            covers_behavioral_health=old.covers_behavioral_health,
            phone=old.phone,
            website=old.website,
            is_sample=old.is_sample,
            **_draft_fields(report),
        )
        new._history_user = user  # type: ignore[attr-defined]
        new.save()
        new.service_area.set(old.service_area.all())
        mapping[old.pk] = new
        report.medicaid_plans_copied += 1
        report.add(f"Medicaid plan {old.name}: copied as a {to_year} draft.")
    return mapping


def _copy_plans(
    state: State,
    from_year: int,
    to_year: int,
    user: AbstractBaseUser,
    report: RolloverReport,
    medicaid_map: dict[int, MedicaidPlan],
) -> None:
    plans = (
        Plan.objects.in_state(state)
        .for_year(from_year)
        .select_related("members_moved_to", "aligned_medicaid_plan")
        .prefetch_related("service_areas__county")
    )
    for old in plans:
        label = f"{old.cms_id} {old.name}"
        if not old.renews:
            report.not_renewing += 1
            moved = old.members_moved_to
            if moved:
                report.add(f"{label}: does not renew; members move to {moved.cms_id} {moved.name}.")
            elif old.moved_to_id_text:
                # From the CMS Plan Crosswalk: a next plan the catalog does not hold.
                report.add(
                    f"{label}: does not renew; members move to {old.moved_to_id_text} "
                    f"{old.moved_to_name_text} (not in the catalog)."
                )
            else:
                report.add(f"{label}: does not renew; no plan named for its members.")
            continue
        if not roles.can_edit(user, old):
            report.plans_skipped += 1
            report.add(f"{label}: also serves a state you do not edit; left to a national admin.")
            continue
        aligned = medicaid_map.get(old.aligned_medicaid_plan_id or -1)
        new = Plan.objects.filter(
            contract_id=old.contract_id, pbp=old.pbp, segment=old.segment, plan_year=to_year
        ).first()
        if new is not None and new.status != PublicationStatus.DRAFT:
            report.plans_skipped += 1
            report.add(
                f"{label}: {to_year}'s plan is already {new.get_status_display().lower()}; "
                "change it through review."
            )
            continue
        created = new is None
        if created:
            new = Plan(plan_year=to_year, is_sample=old.is_sample)
            for name in COPY_FIELDS:
                setattr(new, name, getattr(old, name))
        else:
            for name in STATE_FIELDS:
                setattr(new, name, getattr(old, name))
        new.aligned_medicaid_plan = aligned
        for name, value in _draft_fields(report).items():
            setattr(new, name, value)
        new.full_clean(exclude=["organization"])
        new._history_user = user  # type: ignore[attr-defined]
        new._change_reason = f"Plan-year rollover from {from_year}"  # type: ignore[attr-defined]
        new.save()
        areas = {area.county_id: area for area in new.service_areas.all()} if not created else {}
        for area in old.service_areas.all():
            if created:
                ServiceArea.objects.create(plan=new, county=area.county, zip_codes=area.zip_codes)
            elif area.county_id in areas and areas[area.county_id].zip_codes != area.zip_codes:
                target = areas[area.county_id]
                target.zip_codes = area.zip_codes
                target.save(update_fields=["zip_codes"])
        if old.aligned_medicaid_plan_id and aligned is None:
            report.add(f"{label}: its aligned Medicaid plan has no {to_year} row; set it by hand.")
        if created:
            report.plans_created += 1
            report.add(f"{label}: copied as a {to_year} draft with its service area.")
        else:
            report.plans_updated += 1
            report.add(f"{label}: {to_year}'s draft now has this year's state settings.")


def _report_contacts(state: State, report: RolloverReport) -> None:
    """Contacts have no plan year: they carry over as they are; say which need a check."""
    contacts = StateContact.objects.filter(state=state)
    overdue = [c for c in contacts if c.review_overdue() or not c.verified]
    report.add(
        f"Contacts: {contacts.count()} carry over unchanged (they have no plan year); "
        f"{len(overdue)} are unverified or not reviewed for 12 months — check them before "
        "October 1."
    )
