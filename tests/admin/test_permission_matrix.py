"""The permission matrix: every admin URL and action × role × own state / another state.

The URLs come from walking ``admin.site.get_urls()`` (each ModelAdmin's own patterns
included), so a view added later is in the matrix without touching this file. Each cell
requests the URL as one role, with the ``<object_id>`` (and history version) of an item
in the role's own state, in another state, in both (a plan serving Florida and
California), national, or missing, and compares the answer with the small explicit
table below (``POLICIES`` and ``expected``).

An *escape* is any answer that gives another state's data — one of its marker strings
(every Florida, California and Puerto Rico item carries ``FLONLYMARK``, ``CAONLYMARK``
or ``PRONLYMARK`` in its name) or its county names on a page, or a link to the change
page of one of its items — or any database change to a row the role may not change
(another state's, national data, or a published item changed without review). POSTs
run in a savepoint that is rolled back, so cells do not disturb each other.

Run with ``-s`` to see the size: ``permission matrix: N cells, 0 escapes``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.models import Group, User
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db import models as db_models
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, reverse

from plans import models as m
from plans.admin_scoping import WorkflowAdmin
from tests.conftest import DEMO_GEOGRAPHY

from .conftest import make_role_users
from .formdata import form_data

pytestmark = pytest.mark.django_db

SITE = admin.site
DEMO_DAY = datetime.date(2026, 11, 22)

# --- roles -------------------------------------------------------------------

ROLES = ["national", "fl_editor", "fl_reviewer", "ca_editor", "ca_reviewer", "no_role", "anonymous"]
STATE_ROLES = ["fl_editor", "fl_reviewer", "ca_editor", "ca_reviewer"]
ROLE_KIND = {
    "national": "national",
    "fl_editor": "editor",
    "fl_reviewer": "reviewer",
    "ca_editor": "editor",
    "ca_reviewer": "reviewer",
    "no_role": "no_role",
    "anonymous": "anonymous",
}
ROLE_STATES: dict[str, frozenset[str]] = {
    "fl_editor": frozenset({"FL"}),
    "fl_reviewer": frozenset({"FL"}),
    "ca_editor": frozenset({"CA"}),
    "ca_reviewer": frozenset({"CA"}),
}
ALL_STATES = frozenset(DEMO_GEOGRAPHY)


def home(role: str) -> str:
    """The state whose items are "own" for the role (Florida for roles without one)."""
    return "CA" if role.startswith("ca_") else "FL"


def away(role: str) -> str:
    return "FL" if home(role) == "CA" else "CA"


# Marker strings: every state's items carry their state's token, so a page showing one
# to a role outside that state is an escape.
TOKENS = {"FL": "FLONLYMARK", "CA": "CAONLYMARK", "PR": "PRONLYMARK"}
COUNTY_NAMES = {
    code: [name for name, _zips in counties.values()]
    for code, (_fips, _name, counties) in DEMO_GEOGRAPHY.items()
}

# --- the expectation table -----------------------------------------------------

NONE, VIEW, EDIT = 0, 1, 2
OK, DENIED, INVALID, ERROR = "ok", "denied", "invalid", "error"
# A POST answered with the form and its errors: nothing saved, whoever asked.
FORM_ERROR = "form error"
ANY = frozenset({OK, DENIED, INVALID, FORM_ERROR})


@dataclass(frozen=True)
class Policy:
    """What a state role may do with a model's items in its own state. In any other
    state: nothing. National admins: everything. Staff without a role: nothing."""

    editor: int = NONE
    reviewer: int = NONE
    add: frozenset[str] = frozenset()  # role kinds that may add
    shared: int = NONE  # items in the role's state and another state
    reference: bool = False  # national data state roles look up (any item)
    either: bool = False  # being reworked: own-state answers may go either way


STATE_EDITABLE = Policy(EDIT, EDIT, add=frozenset({"editor", "reviewer"}))
POLICIES: dict[str, Policy] = {
    "plans.plan": Policy(EDIT, EDIT, add=frozenset({"editor", "reviewer"}), shared=VIEW),
    "plans.statepolicy": STATE_EDITABLE,
    "plans.statecontact": STATE_EDITABLE,
    "plans.medicaidplan": STATE_EDITABLE,
    "plans.article": STATE_EDITABLE,
    "plans.glossaryterm": STATE_EDITABLE,
    "plans.languagetagline": STATE_EDITABLE,
    # Shown to the public at once: reviewers change card terms, editors look.
    "plans.cardterm": Policy(VIEW, EDIT, add=frozenset({"reviewer"})),
    # Geography: looked up in the own state, changed by national admins only.
    "plans.county": Policy(VIEW, VIEW),
    "plans.zipcounty": Policy(VIEW, VIEW),
    # The review queue: seen in the own state; decided through its own view.
    "plans.pendingchange": Policy(VIEW, VIEW),
    # Import runs: state roles see the runs of their states (and their own). The import
    # admin is being reworked, so either answer is accepted for the own state's runs;
    # another state's runs stay refused.
    "plans.importrun": Policy(VIEW, VIEW, either=True),
    # Sponsors: national reference data the state forms pick from.
    "plans.organization": Policy(VIEW, VIEW, reference=True),
    "plans.parentorganization": Policy(VIEW, VIEW, reference=True),
}
# Everything else (State, Contract, ContractRating, StateRole, users, groups, axes, tasks
# and any model registered later) is the national admins' alone.
NATIONAL_ONLY = Policy()
# What national admins may not do either: imported and review records are written by
# their own processes. (Other apps' admins decide for themselves: any answer is accepted
# from them for national admins, and escapes are still checked.)
NATIONAL_OPS: dict[str, frozenset[str]] = {
    "plans.contract": frozenset(),
    "plans.importrun": frozenset(),  # runs are the audit of imports: nobody deletes them
    "plans.pendingchange": frozenset(),
}
ALL_OPS = frozenset({"add", "change", "delete"})


def policy(label: str | None) -> Policy:
    return POLICIES.get(label or "", NATIONAL_ONLY)


def access(role: str, label: str | None, scope: str) -> int:
    kind = ROLE_KIND[role]
    if kind == "national":
        return EDIT
    if kind not in {"editor", "reviewer"}:
        return NONE
    rule = policy(label)
    own: int = getattr(rule, kind)
    if rule.reference:
        return own
    if scope in {"own", "own_draft"}:
        return own
    if scope == "shared":
        return min(rule.shared, own)
    return NONE


def module_access(role: str, label: str | None) -> bool:
    kind = ROLE_KIND[role]
    if kind == "national":
        return True
    if kind not in {"editor", "reviewer"}:
        return False
    return getattr(policy(label), kind) > NONE


def national_may(label: str | None, op: str) -> bool:
    return op in NATIONAL_OPS.get(label or "", ALL_OPS)


def may_add(role: str, label: str | None) -> bool:
    kind = ROLE_KIND[role]
    if kind == "national":
        return national_may(label, "add")
    return kind in policy(label).add


def deletable(obj: Any) -> bool:
    """State roles delete drafts only: published items leave through review; a Medicaid
    plan that D-SNPs name as aligned stays until they are changed (through review)."""
    if (
        isinstance(obj, m.MedicaidPlan)
        and m.Plan.objects.filter(aligned_medicaid_plan=obj).exists()
    ):
        return False
    return not isinstance(obj, m.Reviewed) or obj.status == m.PublicationStatus.DRAFT


# Site views every staff user reaches (or is sent on from) whatever the role.
ANY_KINDS = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "view_on_site",
    "catch_all",
    "site_custom",
    "object_redirect",
}


def expected(route: Route, role: str, scope: str, method: str, obj: Any) -> frozenset[str]:
    """The explicit table: which outcomes are right for this cell."""
    kind, label = route.kind, route.label
    if kind in ANY_KINDS:
        return ANY
    if role == "anonymous":
        return frozenset({DENIED})
    if scope == "missing":
        return frozenset({DENIED})
    national = role == "national"
    if national and label and not label.startswith("plans."):
        return ANY
    allowed: bool | None
    if kind == "index":
        allowed = True
    elif kind == "app_list":
        allowed = national or (scope == "plans" and module_access(role, "plans.plan"))
    elif kind == "changelist":
        allowed = module_access(role, label)
    elif kind == "add":
        allowed = may_add(role, label)
    elif kind in {"change", "revert"}:
        needed = VIEW if method == "GET" else EDIT
        allowed = access(role, label, scope) >= needed
        if national and method == "POST":
            allowed = national_may(label, "change")
    elif kind == "history":
        allowed = access(role, label, scope) >= VIEW
    elif kind == "delete":
        allowed = (
            national_may(label, "delete")
            if national
            else (access(role, label, scope) == EDIT and deletable(obj))
        )
    elif route.name == "plans_plan_rollover":
        allowed = may_add(role, label)
    elif route.name == "plans_importrun_import":
        # National admins import any file; state reviewers Landscape files limited to
        # their states.
        allowed = national or ROLE_KIND[role] == "reviewer"
    elif route.name == "plans_importrun_apply":
        if method == "GET":
            return ANY  # POST only
        # Only the person who ran a finished dry run applies it: none of these runs.
        return frozenset({DENIED, INVALID, FORM_ERROR})
    elif route.name == "plans_pendingchange_decide":
        if method == "GET":
            return ANY  # sends everyone on to the change page
        allowed = national or (ROLE_KIND[role] == "reviewer" and access(role, label, scope) >= VIEW)
    elif route.name == "auth_user_password_change":
        allowed = national
    else:
        return ANY  # a view added later: escapes are still checked
    if allowed and policy(label).either and not national:
        return frozenset({OK, DENIED, FORM_ERROR, INVALID} if method == "POST" else {OK, DENIED})
    if method == "POST":
        return frozenset({OK, INVALID, FORM_ERROR} if allowed else {DENIED, FORM_ERROR})
    return frozenset({OK} if allowed else {DENIED})


# --- the URLs, from the admin site ---------------------------------------------


@dataclass(frozen=True)
class Route:
    id: str
    prefix: str  # "" for the site's own views, "plans/plan/" for a model's
    text: str  # the pattern as written
    name: str | None
    label: str | None  # "plans.plan"
    kind: str
    params: int

    def fill(self, values: list[str]) -> str:
        text = self.text
        if text.startswith("^") or text.endswith("$"):
            for value in values:
                text = re.sub(r"\((?:\?P<\w+>)?[^()]*\)", value, text, count=1)
            text = text.lstrip("^").rstrip("$")
        else:
            for value in values:
                text = re.sub(r"<[^>]+>", value, text, count=1)
        return f"/{settings_admin_url()}{self.prefix}{text}"


def settings_admin_url() -> str:
    return settings.ADMIN_URL


def _count_params(text: str) -> int:
    if text.startswith("^") or text.endswith("$"):
        return len(re.findall(r"\((?:\?P<\w+>)?[^()]*\)", text))
    return len(re.findall(r"<[^>]+>", text))


SITE_KINDS = {
    "index": "index",
    "login": "login",
    "logout": "logout",
    "password_change": "password_change",
    "password_change_done": "password_change_done",
    "autocomplete": "autocomplete",
    "jsi18n": "jsi18n",
    "view_on_site": "view_on_site",
    "app_list": "app_list",
}
MODEL_SUFFIXES = ["simple_history", "changelist", "add", "change", "delete", "history"]


def _flatten(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _flatten(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix, pattern


def admin_routes() -> list[Route]:
    """Every URL of the admin site: its own views and each registered ModelAdmin's."""
    by_prefix = {
        f"{model._meta.app_label}/{model._meta.model_name}/": model._meta.label_lower
        for model in SITE._registry
    }
    routes: list[Route] = []
    for pattern in SITE.get_urls():
        if isinstance(pattern, URLResolver):
            prefix = str(pattern.pattern)
            label = by_prefix[prefix]  # an include that is no ModelAdmin: teach this test
            for sub_prefix, sub in _flatten(pattern.url_patterns):
                text = sub_prefix + str(sub.pattern)
                name = sub.name
                app, model_name = label.split(".")
                kind = "custom"
                if name is None and text == "<path:object_id>/":
                    kind = "object_redirect"
                else:
                    for suffix in MODEL_SUFFIXES:
                        if name == f"{app}_{model_name}_{suffix}":
                            kind = "revert" if suffix == "simple_history" else suffix
                            break
                routes.append(
                    Route(
                        id=f"{label}:{name or text}",
                        prefix=prefix,
                        text=text,
                        name=name,
                        label=label,
                        kind=kind,
                        params=_count_params(text),
                    )
                )
        else:
            text = str(pattern.pattern)
            kind = SITE_KINDS.get(pattern.name or "", "catch_all" if pattern.name is None else "")
            routes.append(
                Route(
                    id=f"site:{pattern.name or text}",
                    prefix="",
                    text=text,
                    name=pattern.name,
                    label=None,
                    kind=kind or "site_custom",
                    params=_count_params(text),
                )
            )
    return routes


ROUTES = admin_routes()
# The autocomplete view is its own matrix (one cell per field it can be asked about).
URL_ROUTES = [route for route in ROUTES if route.kind != "autocomplete"]

# --- the world: the demo catalog, marked, plus one item of every kind per state ---------


@dataclass
class World:
    users: dict[str, User]
    clients: dict[str, Client]
    # model label → scope key ("FL", "FL_draft", "CA", "CA_draft", "shared", "national",
    # "missing") → item (None for "missing")
    objects: dict[str, dict[str, Any]]
    states: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    forms: dict[str, dict[str, Any]] = field(default_factory=dict)

    def item(self, label: str, role: str, scope: str) -> tuple[bool, Any]:
        key = {
            "own": home(role),
            "own_draft": f"{home(role)}_draft",
            "other": away(role),
        }.get(scope, scope)
        items = self.objects.get(label, {})
        return key in items, items.get(key)

    def scopes(self, label: str, role: str) -> list[str]:
        return [
            scope
            for scope in ("own", "own_draft", "other", "shared", "national", "missing")
            if self.item(label, role, scope)[0]
        ]

    def national_form(self, url: str) -> dict[str, Any]:
        if url not in self.forms:
            self.forms[url] = form_data(self.clients["national"], url)
        return dict(self.forms[url])


def item_states(obj: Any) -> frozenset[str]:
    """The states an item belongs to, worked out here (not by ``plans.roles``)."""
    if obj is None:
        return frozenset()
    if isinstance(obj, m.Plan):
        return frozenset(
            m.ServiceArea.objects.filter(plan=obj).values_list("county__state_id", flat=True)
        )
    if isinstance(obj, m.ServiceArea):
        return item_states(obj.plan) | {obj.county.state_id}
    if isinstance(obj, m.SupplementalBenefit):
        return item_states(obj.plan)
    if isinstance(obj, m.ZipCounty):
        return frozenset({obj.county.state_id})
    if isinstance(obj, m.PendingChange):
        return frozenset(obj.states.values_list("code", flat=True))
    if isinstance(obj, m.ImportRun):
        return frozenset(obj.states or ())
    if isinstance(obj, (m.State, m.StateRole)):
        return frozenset()  # the states and who works in them are national data
    state_id = getattr(obj, "state_id", None)
    return frozenset({state_id}) if state_id else frozenset()


def _mark(obj: Any, field_name: str, token: str) -> None:
    setattr(obj, field_name, f"{getattr(obj, field_name)} {token}".strip())
    obj.save()


def load_world() -> World:
    for code, (fips, name, counties) in DEMO_GEOGRAPHY.items():
        state = m.State.objects.create(code=code, fips=fips, name=name, is_territory=code == "PR")
        for county_fips, (county_name, zips) in counties.items():
            county = m.County.objects.create(fips=county_fips, state=state, name=county_name)
            for zip_code in zips:
                m.ZipCounty.objects.create(zip_code=zip_code, county=county)
    from plans.demo import load_demo_catalog

    with mock.patch.object(
        db_models.Model, "validate_constraints", lambda self, exclude=None: None
    ):
        load_demo_catalog(today=DEMO_DAY)

    users = make_role_users()
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    states = {code: m.State.objects.get(code=code) for code in ALL_STATES}

    # Mark every single-state item with its state's token (saved, so history has it too).
    for plan in m.Plan.objects.all():
        codes = item_states(plan)
        if len(codes) == 1:
            _mark(plan, "name", TOKENS[next(iter(codes))])
    for medicaid_plan in m.MedicaidPlan.objects.all():
        _mark(medicaid_plan, "name", TOKENS[medicaid_plan.state_id])
    for contact in m.StateContact.objects.all():
        _mark(contact, "name", TOKENS[contact.state_id])
    for state_policy in m.StatePolicy.objects.all():
        _mark(state_policy, "notes", TOKENS[state_policy.state_id])
    for term in m.CardTerm.objects.all():
        _mark(term, "says", TOKENS[term.state_id])
    m.StatePolicy.objects.filter(state="PR").delete()  # so "add a policy for PR" can succeed
    category = m.CardTerm.objects.values_list("category", flat=True).first() or "fbde"
    for code in ("CA", "PR"):
        m.CardTerm.objects.create(
            state=states[code], says=f"Matrix card wording {TOKENS[code]}", category=category
        )

    published = {
        "status": m.PublicationStatus.PUBLISHED,
        "last_reviewed": DEMO_DAY,
        "source": "matrix",
    }
    draft = {"status": m.PublicationStatus.DRAFT, "source": "matrix"}
    objects: dict[str, dict[str, Any]] = defaultdict(dict)

    def one_state_plan(code: str, status: str, exclude: tuple[int, ...] = ()) -> m.Plan:
        return (
            m.Plan.objects.filter(status=status, plan_year=DEMO_DAY.year)
            .filter(service_areas__county__state=code)
            .exclude(service_areas__county__state__in=ALL_STATES - {code})
            .exclude(pk__in=exclude)
            .order_by("contract_id", "pbp")
            .distinct()
            .first()
        )

    # Plans: published and draft in each state, and one serving Florida and California.
    for code in ("FL", "CA"):
        objects["plans.plan"][code] = one_state_plan(code, m.PublicationStatus.PUBLISHED)
        draft_plan = one_state_plan(code, m.PublicationStatus.DRAFT)
        if draft_plan is None:
            draft_plan = one_state_plan(
                code, m.PublicationStatus.PUBLISHED, exclude=(objects["plans.plan"][code].pk,)
            )
            draft_plan.status = m.PublicationStatus.DRAFT
            draft_plan.save()
        objects["plans.plan"][f"{code}_draft"] = draft_plan
    template = objects["plans.plan"]["FL"]
    shared = m.Plan.objects.get(pk=template.pk)
    shared.pk = None
    shared.id = None
    shared._state.adding = True
    shared.contract_id, shared.pbp, shared.name = "H9050", "001", "Sample Shared Two-State Plan"
    shared.aligned_medicaid_plan = None
    shared.exclusively_aligned = False
    shared.save()
    for fips in ("12086", "06037"):
        m.ServiceArea.objects.create(plan=shared, county_id=fips)
    objects["plans.plan"]["shared"] = shared

    for code in ("FL", "CA"):
        state = states[code]
        token = TOKENS[code]
        mps = m.MedicaidPlan.objects.filter(state=state).order_by("plan_year", "name")
        objects["plans.medicaidplan"][code] = mps.first()
        mp_draft = mps.last()
        mp_draft.status = m.PublicationStatus.DRAFT
        mp_draft.save()
        objects["plans.medicaidplan"][f"{code}_draft"] = mp_draft
        contacts = m.StateContact.objects.filter(state=state).order_by("pk")
        objects["plans.statecontact"][code] = contacts.first()
        contact_draft = contacts.last()
        contact_draft.status = m.PublicationStatus.DRAFT
        contact_draft.save()
        objects["plans.statecontact"][f"{code}_draft"] = contact_draft
        objects["plans.statepolicy"][code] = m.StatePolicy.objects.get(state=state)
        objects["plans.cardterm"][code] = m.CardTerm.objects.filter(state=state).first()
        objects["plans.county"][code] = m.County.objects.filter(state=state).first()
        objects["plans.zipcounty"][code] = m.ZipCounty.objects.filter(county__state=state).first()
        for status, suffix in ((published, ""), (draft, "_draft")):
            slug = f"matrix-{code.lower()}{suffix.replace('_', '-')}"
            objects["plans.article"][code + suffix] = m.Article.objects.create(
                slug=slug,
                language="en",
                state=state,
                title=f"Matrix article {token}",
                body="A paragraph.",
                sources="https://example.org/",
                **status,
            )
            objects["plans.glossaryterm"][code + suffix] = m.GlossaryTerm.objects.create(
                slug=slug,
                language="en",
                state=state,
                term=f"Matrix term {token}",
                definition=f"A definition {token}.",
                **status,
            )
            objects["plans.languagetagline"][code + suffix] = m.LanguageTagline.objects.create(
                state=state,
                language_code="vi" if suffix else "ko",
                language_name=f"Matrix language {token}",
                text=f"Matrix tagline {token}",
                **status,
            )
        objects["plans.importrun"][code] = m.ImportRun.objects.create(
            kind=m.ImportRun.Kind.CATALOG,
            file_name=f"matrix-{token}.csv",
            checksum="0" * 64,
            outcome=m.ImportRun.Outcome.APPLIED,
            states=[code],
            plan_years=[DEMO_DAY.year],
            user=users["national"],
        )
    objects["plans.article"]["national"] = m.Article.objects.create(
        slug="matrix-national",
        language="en",
        title="Matrix national article",
        body="A paragraph.",
        sources="https://example.org/",
        **published,
    )
    objects["plans.glossaryterm"]["national"] = m.GlossaryTerm.objects.create(
        slug="matrix-national",
        language="en",
        term="Matrix national term",
        definition="D.",
        **published,
    )
    objects["plans.languagetagline"]["national"] = m.LanguageTagline.objects.create(
        language_code="ko", language_name="Matrix national", text="Matrix", **published
    )
    objects["plans.importrun"]["national"] = m.ImportRun.objects.create(
        kind=m.ImportRun.Kind.CONTRACT_DIRECTORY,
        file_name="matrix-national.csv",
        checksum="1" * 64,
        outcome=m.ImportRun.Outcome.APPLIED,
        states=[],
        user=users["national"],
    )

    # Pending changes, made as the admin makes them: an edit of a published plan.
    def propose(role: str, plan: m.Plan) -> m.PendingChange:
        client = clients[role]
        url = reverse("admin:plans_plan_change", args=[plan.pk])
        data = form_data(client, url)
        data["name"] = f"{plan.name} (renamed)"
        data["_save"] = "Save"
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return m.PendingChange.objects.filter(author=users[role]).latest("pk")

    for code, role in (("FL", "fl_editor"), ("CA", "ca_editor")):
        target = one_state_plan(
            code,
            m.PublicationStatus.PUBLISHED,
            exclude=(objects["plans.plan"][code].pk, objects["plans.plan"][f"{code}_draft"].pk),
        )
        objects["plans.pendingchange"][code] = propose(role, target)
    objects["plans.pendingchange"]["shared"] = propose("national", shared)

    # National data: one item of each model (made where the demo has none).
    organization = m.Organization.objects.first()
    if not m.Contract.objects.exists():
        m.Contract.objects.create(contract_id="H9001", organization=organization)
    if not m.ContractRating.objects.exists():
        m.ContractRating.objects.create(contract_id="H9001", star_year=2026)
    Group.objects.create(name="Matrix group")
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.objects.create(
        username="x", ip_address="127.0.0.1", user_agent="t", failures_since_start=1
    )
    AccessLog.objects.create(username="x", ip_address="127.0.0.1", user_agent="t")
    AccessFailureLog.objects.create(username="x", ip_address="127.0.0.1", user_agent="t")
    for model in SITE._registry:
        label = model._meta.label_lower
        if label in objects:
            continue
        if label == "auth.user":
            objects[label]["national"] = users["no_role"]
            continue
        first = model._default_manager.order_by("pk").first()
        objects[label]["national" if first is not None else "missing"] = first

    world = World(users=users, clients=clients, objects=dict(objects))
    for model in apps.get_app_config("plans").get_models():
        if model._meta.label_lower.startswith("plans.historical"):
            continue
        for obj in model._base_manager.all():
            world.states[(model._meta.label_lower, str(obj.pk))] = item_states(obj)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module, inside a transaction rolled back at its end; each test
    runs in a savepoint of it (pytest-django's ``db``)."""
    # Sessions in signed cookies: a view that cycles the session key (a password change
    # does) would otherwise leave a client whose session the rollback removed.
    with (
        override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies"),
        django_db_blocker.unblock(),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- escapes: what a page shows, what a request changed -----------------------------

CHANGE_LINK = re.compile(r'/(\w+)/(\w+)/([^/"\'?#<>\s]+)/change/')


def foreign_states(role: str) -> frozenset[str]:
    if role == "national":
        return frozenset()
    return ALL_STATES - ROLE_STATES.get(role, frozenset())


def leaks(world: World, role: str, scope: str, response: HttpResponse) -> list[str]:
    """Another state's data in the answer: its markers, county names or item links."""
    foreign = foreign_states(role)
    if not foreign:
        return []
    body = b"" if getattr(response, "streaming", False) else response.content
    text = body.decode(errors="replace") + messages_text(response)
    found = [f"shows {TOKENS[code]}" for code in sorted(foreign) if TOKENS[code] in text]
    if scope != "shared":  # a plan serving two states lists both states' counties
        found += [
            f"shows the county {name!r}"
            for code in sorted(foreign)
            for name in COUNTY_NAMES[code]
            if name in text
        ]
    own = ROLE_STATES.get(role, frozenset())
    for app_label, model_name, pk in set(CHANGE_LINK.findall(text)):
        label = f"{app_label}.{model_name}"
        states = world.states.get((label, pk))
        if states is None:
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            try:
                states = item_states(model._base_manager.filter(pk=pk).first())
            except (ValueError, TypeError, ValidationError):
                continue  # a URL template such as ".../__fk__/change/"
        if scope == "shared" and label == "plans.county":
            continue  # the other state's county the shared plan serves
        if states and not states & own:
            found.append(f"links to {label} {pk} of {', '.join(sorted(states))}")
    return found


@dataclass(frozen=True)
class Row:
    states: frozenset[str]
    values: tuple[Any, ...]
    published: bool


TRACKED = [
    model
    for model in apps.get_app_config("plans").get_models()
    if not model._meta.label_lower.startswith("plans.historical") and model is not m.CatalogVersion
] + [User, Group]
HISTORY_MODELS = [
    model
    for model in apps.get_app_config("plans").get_models()
    if model._meta.label_lower.startswith("plans.historical")
]


def _table(cursor: Any, table: str) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
    columns = {column[0]: i for i, column in enumerate(cursor.description)}
    return columns, cursor.fetchall()


def snapshot() -> dict[tuple[str, str], Row]:
    """Every row of the catalog, roles and users, with the states it belongs to (plain
    SQL: it runs around every POST of the matrix)."""
    with connection.cursor() as cursor:
        tables = {model: _table(cursor, model._meta.db_table) for model in TRACKED}
        areas = _table(cursor, m.MedicaidPlan.service_area.through._meta.db_table)
        change_codes = _table(cursor, m.PendingChange.states.through._meta.db_table)
    cols, county_rows = tables[m.County]
    county_state = {row[cols["fips"]]: row[cols["state_id"]] for row in county_rows}
    plan_states: dict[Any, set[str]] = defaultdict(set)
    cols, area_rows = tables[m.ServiceArea]
    for row in area_rows:
        plan_states[row[cols["plan_id"]]].add(county_state[row[cols["county_id"]]])
    cols, plan_rows = tables[m.Plan]
    plan_published = {
        row[cols["id"]] for row in plan_rows if row[cols["status"]] == m.PublicationStatus.PUBLISHED
    }
    change_states: dict[Any, set[str]] = defaultdict(set)
    cols, through_rows = change_codes
    for row in through_rows:
        change_states[row[cols["pendingchange_id"]]].add(row[cols["state_id"]])
    mp_areas: dict[Any, list[str]] = defaultdict(list)
    cols, through_rows = areas
    for row in through_rows:
        mp_areas[row[cols["medicaidplan_id"]]].append(row[cols["county_id"]])

    rows: dict[tuple[str, str], Row] = {}
    for model, (cols, table_rows) in tables.items():
        label = model._meta.label_lower
        pk_at = cols[model._meta.pk.column]
        status_at = cols.get("status")
        state_at = cols.get("state_id")
        for values in table_rows:
            pk = values[pk_at]
            published = status_at is not None and values[status_at] == "published"
            if model is m.Plan:
                states = plan_states.get(pk, set())
            elif model in (m.ServiceArea, m.SupplementalBenefit):
                plan_id = values[cols["plan_id"]]
                states = set(plan_states.get(plan_id, set()))
                if model is m.ServiceArea:
                    states.add(county_state[values[cols["county_id"]]])
                published = plan_id in plan_published
            elif model is m.ZipCounty:
                states = {county_state.get(values[cols["county_id"]], "?")}
            elif model is m.PendingChange:
                states = change_states.get(pk, set())
            elif model is m.ImportRun:
                raw = values[cols["states"]]
                states = set(json.loads(raw) if isinstance(raw, str) else raw or ())
            elif model is m.MedicaidPlan:
                counties = sorted(mp_areas.get(pk, []))
                states = {values[state_at]} | {county_state[c] for c in counties}
                values = (*values, tuple(counties))
            elif model in (m.State, m.StateRole):
                states = set()
            else:
                states = {values[state_at]} if state_at is not None and values[state_at] else set()
            rows[(label, str(pk))] = Row(frozenset(states), tuple(values), published)
    return rows


def history_marks() -> dict[Any, int]:
    with connection.cursor() as cursor:
        marks = {}
        for model in HISTORY_MODELS:
            cursor.execute(
                f"SELECT MAX(history_id) FROM {connection.ops.quote_name(model._meta.db_table)}"
            )
            marks[model] = cursor.fetchone()[0] or 0
    return marks


def changed_rows(
    role: str,
    before: dict[tuple[str, str], Row],
    after: dict[tuple[str, str], Row],
    history_before: dict[Any, int],
    *,
    reviewing: bool = False,
) -> list[str]:
    """Rows the role changed that it may not: another state's or national rows (escapes),
    and rows of its own state it may only look at, or that are published (bypasses)."""
    if role == "national":
        return []
    own = ROLE_STATES.get(role, frozenset())
    kind = ROLE_KIND[role]
    view_only = {
        label
        for label, rule in POLICIES.items()
        if getattr(rule, kind, NONE) == VIEW and label != "plans.pendingchange"
    }
    found = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        what = "created" if old is None else "deleted" if new is None else "changed"
        states = (old.states if old else frozenset()) | (new.states if new else frozenset())
        if not states or not states <= own:
            found.append(
                f"escape: {what} {key[0]} {key[1]} ({', '.join(sorted(states)) or 'national'})"
            )
        elif key[0] in view_only:
            found.append(f"bypass: {what} {key[0]} {key[1]}, which {role} may only look at")
        elif old is not None and old.published and not reviewing:
            found.append(f"bypass: {what} published {key[0]} {key[1]} without review")
    # A save that changed no value still leaves a history row.
    for model, mark in history_before.items():
        base = model.instance_type._meta.label_lower
        pk_name = model.instance_type._meta.pk.attname
        for pk in model._base_manager.filter(history_id__gt=mark).values_list(pk_name, flat=True):
            row = after.get((base, str(pk))) or before.get((base, str(pk)))
            states = row.states if row else frozenset()
            if not states or not states <= own:
                found.append(f"escape: new history of {base} {pk}")
    return found


# --- running one cell ----------------------------------------------------------


@dataclass
class Tally:
    cells: int = 0
    escapes: int = 0  # another state's data shown, or its rows (or national ones) changed
    bypasses: int = 0  # an own-state row changed that needed review or is view-only
    mismatches: int = 0
    problems: list[str] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


MATRIX = Tally()


def messages_text(response: HttpResponse) -> str:
    """The messages the answer left for the next page (signed and compressed)."""
    cookie = response.cookies.get("messages")
    if cookie is None or not cookie.value:
        return ""
    decoded = CookieStorage(HttpRequest())._decode(cookie.value) or []
    return " ".join(str(message) for message in decoded)


def classify(response: HttpResponse, method: str) -> str:
    if response.status_code in (301, 302):
        location = response["Location"].split("?")[0]
        if location.startswith(reverse("admin:login")):
            return DENIED  # log in first
        if location == reverse("admin:index") and "Perhaps it was deleted?" in messages_text(
            response
        ):
            return DENIED  # "… doesn't exist": another state's item looks like none
        return OK
    if response.status_code in (403, 404, 405):
        return DENIED
    if response.status_code == 400:
        return INVALID
    if response.status_code == 200:
        if method == "POST" and re.search(rb'class="(errornote|errorlist)', response.content):
            return FORM_ERROR
        return OK
    return ERROR


def run_cell(
    world: World,
    *,
    role: str,
    scope: str,
    method: str,
    url: str,
    data: dict[str, Any] | None,
    want: frozenset[str],
    tag: str,
    reviewing: bool = False,
) -> list[str]:
    """Request ``url`` as ``role`` in a rolled-back savepoint; returns the problems."""
    client = world.clients[role]
    check_rows = method == "POST" and role != "national"
    problems: list[str] = []
    before = snapshot() if check_rows else {}
    marks = history_marks() if check_rows else {}
    outcome = ERROR
    with transaction.atomic():
        try:
            response = client.get(url) if method == "GET" else client.post(url, data or {})
        except Exception as error:  # a 500: the test client re-raises it
            problems.append(f"500: {type(error).__name__}: {error}")
            response = None
        if response is not None:
            outcome = classify(response, method)
            for leak in leaks(world, role, scope, response):
                problems.append(f"escape: {leak}")
        if check_rows:
            problems += changed_rows(role, before, snapshot(), marks, reviewing=reviewing)
        transaction.set_rollback(True)
    if outcome not in want:
        status = response.status_code if response is not None else "exception"
        location = response.get("Location", "") if response is not None else ""
        problems.append(f"answered {outcome} ({status} {location}), expected {sorted(want)}")
    MATRIX.cells += 1
    MATRIX.by_kind[tag] += 1
    labelled = [f"{method} {url} as {role} ({scope}): {p}" for p in problems]
    record(problems, labelled)
    return labelled


def record(problems: list[str], labelled: list[str] | None = None) -> None:
    MATRIX.escapes += sum(p.startswith("escape") for p in problems)
    MATRIX.bypasses += sum(p.startswith("bypass") for p in problems)
    MATRIX.mismatches += sum(not p.startswith(("escape", "bypass")) for p in problems)
    MATRIX.problems += labelled if labelled is not None else problems


TAMPER_FIELDS = [
    "name",
    "title",
    "term",
    "says_es",
    "notes",
    "text",
    "marketing_name",
    "first_name",
]


def tampered(data: dict[str, Any]) -> dict[str, Any]:
    for name in TAMPER_FIELDS:
        if isinstance(data.get(name), str):
            data[name] = f"{data[name]} TAMPERED"
            break
    data["_save"] = "Save"
    return data


def add_body(world: World, label: str, code: str) -> dict[str, Any] | None:
    """A valid add form for ``label`` in state ``code`` (None when there is no builder)."""
    builder = ADD_BODIES.get(label)
    if builder is None:
        return None
    opts = apps.get_model(label)._meta
    data = world.national_form(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    data.update(builder(code))
    data["_save"] = "Save"
    return data


def _plan_body(code: str) -> dict[str, Any]:
    county = m.County.objects.filter(state=code).order_by("fips").first()
    return {
        "kind": "dsnp",
        "plan_year": str(DEMO_DAY.year),
        "contract_id": "H9060",
        "pbp": "001",
        "segment": "000",
        "name": f"Matrix new plan {code}",
        "organization": str(m.Organization.objects.order_by("pk").first().pk),
        "integration_level": "CO",
        "exclusively_aligned": [],
        "service_areas-TOTAL_FORMS": "1",
        "service_areas-INITIAL_FORMS": "0",
        "service_areas-0-county": county.fips,
        "service_areas-0-zip_codes": "[]",
    }


ADD_BODIES = {
    "plans.statecontact": lambda code: {
        "state": code,
        "kind": "ship",
        "name": f"Matrix new contact {code}",
        "phone": "1-800-555-0100",
    },
    "plans.cardterm": lambda code: {
        "state": code,
        "says": f"Matrix new wording {code}",
        "category": "fbde",
        "sort_order": "0",
    },
    "plans.medicaidplan": lambda code: {
        "state": code,
        "plan_year": str(DEMO_DAY.year),
        "code": "matrix-new",
        "name": f"Matrix new Medicaid plan {code}",
    },
    "plans.plan": _plan_body,
    "plans.article": lambda code: {
        "slug": "matrix-new",
        "language": "en",
        "state": code,
        "title": f"Matrix new article {code}",
        "body": "A paragraph.",
        "sources": "https://example.org/",
    },
    "plans.glossaryterm": lambda code: {
        "slug": "matrix-new",
        "language": "en",
        "state": code,
        "term": f"Matrix new term {code}",
        "definition": "A definition.",
    },
    "plans.languagetagline": lambda code: {
        "state": code,
        "language_code": "ht",
        "language_name": f"Matrix new language {code}",
        "text": "Matrix tagline.",
    },
    # Puerto Rico has no policy in this world, so only the state choice can refuse it.
    "plans.statepolicy": lambda code: {"state": "PR"},
}


def cells_for(world: World, route: Route, role: str) -> Iterator[dict[str, Any]]:
    """The (scope, method, url, data) cells of one route for one role."""
    kind, label = route.kind, route.label
    if kind == "app_list":
        for app_label in sorted({model._meta.app_label for model in SITE._registry}):
            yield {"scope": app_label, "method": "GET", "url": route.fill([app_label])}
        return
    if kind == "catch_all":
        yield {"scope": "-", "method": "GET", "url": route.fill(["no-such-page/"])}
        return
    if kind == "view_on_site":
        for model in SITE._registry:
            item_label = model._meta.label_lower
            if not item_label.startswith("plans."):
                continue
            content_type = apps.get_model("contenttypes.ContentType").objects.get_for_model(model)
            for scope in world.scopes(item_label, role):
                obj = world.item(item_label, role, scope)[1]
                pk = str(obj.pk) if obj is not None else "999999"
                yield {
                    "scope": scope,
                    "method": "GET",
                    "url": route.fill([str(content_type.pk), pk]),
                }
        return
    if label is None:
        yield {"scope": "-", "method": "GET", "url": route.fill([])}
        return
    if route.params == 0:
        yield {"scope": "-", "method": "GET", "url": route.fill([])}
        other_present, other = world.item(label, role, "other")
        if kind == "changelist":
            data: dict[str, Any] = {"action": "delete_selected", "index": "0", "post": "yes"}
            if other_present and other is not None:
                data["_selected_action"] = [str(other.pk)]
            yield {"scope": "other", "method": "POST", "url": route.fill([]), "data": data}
        elif kind == "add":
            data = add_body(world, label, away(role)) or {"_save": "Save"}
            yield {"scope": "other", "method": "POST", "url": route.fill([]), "data": data}
        elif route.name == "plans_plan_rollover":
            data = {"state": away(role), "from_year": str(DEMO_DAY.year), "apply": "on"}
            yield {"scope": "other", "method": "POST", "url": route.fill([]), "data": data}
        elif route.name == "plans_importrun_import":
            yield {
                "scope": "-",
                "method": "POST",
                "url": route.fill([]),
                "data": {"step": "upload"},
            }
        else:
            yield {"scope": "-", "method": "POST", "url": route.fill([]), "data": {}}
        return
    for scope in world.scopes(label, role):
        obj = world.item(label, role, scope)[1]
        if obj is None:
            pk = "999999"
            version = "999999"
        else:
            pk = str(obj.pk)
            history = getattr(type(obj), "history", None)
            latest = (
                history.filter(**{type(obj)._meta.pk.attname: obj.pk}).first() if history else None
            )
            version = str(latest.history_id) if latest else "999999"
        url = route.fill([pk, version][: route.params])
        yield {"scope": scope, "method": "GET", "url": url, "obj": obj}
        if kind in {"history", "object_redirect"}:
            continue
        data = {}
        if kind in {"change", "revert"}:
            data = {"_save": "Save"} if obj is None else tampered(world.national_form(url))
        elif kind == "delete":
            data = {"post": "yes"}
        elif route.name == "plans_pendingchange_decide":
            data = {"decision": "approve"}
        elif route.name == "auth_user_password_change":
            data = {
                "password1": "Another long password 987",
                "password2": "Another long password 987",
            }
        yield {"scope": scope, "method": "POST", "url": url, "obj": obj, "data": data}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", URL_ROUTES, ids=lambda route: route.id)
def test_admin_url(world: World, route: Route, role: str) -> None:
    """One admin URL, as one role, for every scope and method: as the table says, and no
    escape."""
    problems = []
    for cell in cells_for(world, route, role):
        want = expected(route, role, cell["scope"], cell["method"], cell.get("obj"))
        problems += run_cell(
            world,
            role=role,
            scope=cell["scope"],
            method=cell["method"],
            url=cell["url"],
            data=cell.get("data"),
            want=want,
            tag=f"url:{route.kind}",
            reviewing=route.name == "plans_pendingchange_decide",
        )
    assert not problems, "\n".join(problems)


# --- the autocomplete view: one cell per field it can be asked about ------------------


def autocomplete_fields() -> list[tuple[str, str, str]]:
    """(source model, field, remote model) for every relation to a searchable admin: all
    of those on the admin's own models and inlines (what its forms ask), and one for each
    other distinct way to ask (remote model, target field, ``limit_choices_to``), since
    any model may be named in the request and the answer depends on nothing else."""
    found = []
    seen = set()
    registered = list(SITE._registry)
    inline_models = [
        inline.model for model_admin in SITE._registry.values() for inline in model_admin.inlines
    ]
    ui_models = list(dict.fromkeys(registered + inline_models))
    others = [model for model in apps.get_models() if model not in ui_models]
    for model in ui_models + others:
        for model_field in model._meta.get_fields():
            if not isinstance(model_field, (db_models.ForeignKey, db_models.ManyToManyField)):
                continue
            remote = model_field.remote_field.model
            remote_admin = SITE._registry.get(remote)
            if remote_admin is None or not remote_admin.search_fields:
                continue
            if remote._meta.app_label == "axes":
                # django-axes' logs have no ordering, so Django warns when paginating
                # them (this suite makes that warning an error); national-only data,
                # whose pages are in the URL matrix.
                continue
            way = (
                remote._meta.label_lower,
                getattr(model_field.remote_field, "field_name", None),
                repr(model_field.remote_field.limit_choices_to),
            )
            if way in seen and model not in ui_models:
                continue
            seen.add(way)
            found.append((model._meta.label_lower, model_field.name, remote._meta.label_lower))
    return found


AUTOCOMPLETE = autocomplete_fields()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("source", "field_name", "remote"), AUTOCOMPLETE, ids=[f"{s}.{f}" for s, f, _r in AUTOCOMPLETE]
)
def test_autocomplete(world: World, source: str, field_name: str, remote: str, role: str) -> None:
    app_label, model_name = source.split(".")
    problems = []
    # Everything, and a search (a search must not widen what the list shows).
    for term in ("", "Matrix") if role in STATE_ROLES else ("",):
        url = (
            f"{reverse('admin:autocomplete')}?app_label={app_label}&model_name={model_name}"
            f"&field_name={field_name}&term={term}"
        )
        if role == "anonymous":
            want = frozenset({DENIED})
        elif module_access(role, remote):
            want = frozenset({OK, DENIED}) if policy(remote).either else frozenset({OK})
        else:
            want = frozenset({DENIED})
        problems += run_cell(
            world,
            role=role,
            scope="-",
            method="GET",
            url=url,
            data=None,
            want=want,
            tag="autocomplete",
        )
    assert not problems, "\n".join(problems)


def test_autocomplete_of_aligned_medicaid_plan_is_the_own_state_only(world: World) -> None:
    url = (
        f"{reverse('admin:autocomplete')}?app_label=plans&model_name=plan"
        "&field_name=aligned_medicaid_plan&term="
    )
    for role in STATE_ROLES:
        response = world.clients[role].get(url)
        assert response.status_code == 200
        names = [result["text"] for result in response.json()["results"]]
        wanted = sorted(str(mp) for mp in m.MedicaidPlan.objects.filter(state=home(role)))
        assert sorted(names) == wanted, role
        assert not any(TOKENS[away(role)] in name for name in names)


# --- admin actions: every action of every reviewed model, on another state's item ----


def _superuser_request(location: ActionLocation) -> Any:
    request = RequestFactory().get("/")
    request.user = User(username="probe", is_superuser=True, is_staff=True, is_active=True)
    return request


WORKFLOW_LABELS = sorted(
    model._meta.label_lower for model, ma in SITE._registry.items() if isinstance(ma, WorkflowAdmin)
)


def action_names(label: str, location: ActionLocation) -> list[str]:
    model_admin = SITE._registry[apps.get_model(label)]
    return sorted(model_admin.get_actions(_superuser_request(location), action_location=location))


ACTION_CASES = [
    (label, location.name, action)
    for label in WORKFLOW_LABELS
    for location in (ActionLocation.CHANGE_LIST, ActionLocation.CHANGE_FORM)
    for action in action_names(label, location)
]

# What each action needs first, so that it would change the item if it were allowed.
PRECONDITION: dict[str, dict[str, Any]] = {
    "submit_for_review": {"status": m.PublicationStatus.DRAFT},
    "publish": {"status": m.PublicationStatus.IN_REVIEW},
    "send_back": {"status": m.PublicationStatus.IN_REVIEW},
    "unpublish": {"status": m.PublicationStatus.PUBLISHED},
    "confirm_still_correct": {
        "status": m.PublicationStatus.PUBLISHED,
        "last_reviewed": datetime.date(2024, 1, 1),
    },
}


def row_of(obj: Any) -> dict[str, Any] | None:
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    return model_to_dict(fresh) if fresh is not None else None


def post_action(
    world: World, role: str, obj: Any, action: str, location: str, *, submitted_by: User | None
) -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[str]]:
    """Prepare ``obj`` for ``action``, POST it as ``role``; returns the row before and
    after, and any escape in the answer. Rolled back."""
    opts = obj._meta
    with transaction.atomic():
        prepare = dict(PRECONDITION.get(action, {}))
        if prepare.get("status") == m.PublicationStatus.IN_REVIEW:
            prepare["submitted_by"] = submitted_by
        if prepare:
            type(obj)._base_manager.filter(pk=obj.pk).update(**prepare)
        before = row_of(obj)
        if location == ActionLocation.CHANGE_LIST.name:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            data = {
                "action": action,
                "_selected_action": [str(obj.pk)],
                "index": "0",
                "post": "yes",
            }
        else:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            data = {"CHANGE_FORM-action": action, "_selected_action": [str(obj.pk)], "index": "0"}
        response = world.clients[role].post(url, data)
        after = row_of(obj)
        found = leaks(world, role, "other", response)
        transaction.set_rollback(True)
    return before, after, found


def _count(problems: list[str]) -> None:
    MATRIX.cells += 1
    MATRIX.by_kind["action"] += 1
    record(problems)


@pytest.mark.parametrize(("label", "location", "action"), ACTION_CASES)
def test_action_on_another_states_item_changes_nothing(
    world: World, label: str, location: str, action: str
) -> None:
    problems: list[str] = []
    # Positive control: a national admin's same request does change the item.
    target = world.objects[label]["CA"]
    author = world.users["ca_editor"]
    if action in PRECONDITION or action == "delete_selected":
        before, after, _ = post_action(
            world, "national", target, action, location, submitted_by=author
        )
        assert before != after, (
            f"{action} did nothing even for a national admin: the probe is wrong"
        )
    for role in STATE_ROLES:
        targets = [("other", world.item(label, role, "other")[1])]
        if "shared" in world.objects[label]:
            targets.append(("shared", world.objects[label]["shared"]))
        for scope, obj in targets:
            submitter = world.users["ca_editor" if home(role) == "FL" else "fl_editor"]
            before, after, found = post_action(
                world, role, obj, action, location, submitted_by=submitter
            )
            cell = [
                f"escape: {action} ({location}) by {role} on {scope} {label} {obj.pk} {f}"
                for f in found
            ]
            if before != after:
                cell.append(
                    f"escape: {action} ({location}) by {role} changed {scope} {label} {obj.pk}"
                )
            _count(cell)
            problems += cell
    assert not problems, "\n".join(problems)


REVIEW_ACTIONS = ["publish", "send_back", "unpublish", "confirm_still_correct"]


@pytest.mark.parametrize(
    "location", [ActionLocation.CHANGE_LIST.name, ActionLocation.CHANGE_FORM.name]
)
@pytest.mark.parametrize("label", WORKFLOW_LABELS)
def test_editor_cannot_review_and_reviewer_cannot_publish_own_work(
    world: World, label: str, location: str
) -> None:
    problems: list[str] = []
    for role in ("fl_editor", "ca_editor"):
        obj = world.item(label, role, "own")[1]
        other_author = world.users["fl_reviewer2" if role == "fl_editor" else "ca_reviewer"]
        for action in REVIEW_ACTIONS:
            before, after, found = post_action(
                world, role, obj, action, location, submitted_by=other_author
            )
            cell = [f"escape: {action} by {role} on own {label} {f}" for f in found]
            if before != after:
                cell.append(f"bypass: {action} by {role} changed own {label} {obj.pk}")
            _count(cell)
            problems += cell
    for role in ("fl_reviewer", "ca_reviewer"):
        obj = world.item(label, role, "own")[1]
        before, after, found = post_action(
            world, role, obj, "publish", location, submitted_by=world.users[role]
        )
        cell = (
            [f"bypass: {role} published own submission of {label} {obj.pk}"]
            if before != after
            else []
        )
        _count(cell)
        problems += cell
    assert not problems, "\n".join(problems)


# --- choosing another state's items in a form (FK tampering) ----------------------


ADD_LABELS = sorted(ADD_BODIES)


@pytest.mark.parametrize("label", ADD_LABELS)
def test_add_form_refuses_another_states_choice(world: World, label: str) -> None:
    """An editor's add form with another state chosen (the state, or a county of the
    plan's service area) is refused with a form error and creates nothing; the same
    form with the own state is saved; a national admin's with the other state too."""
    model = apps.get_model(label)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    role = "fl_reviewer" if label == "plans.cardterm" else "fl_editor"
    other = "PR" if label == "plans.statepolicy" else "CA"
    problems = []
    with transaction.atomic():
        count = model._base_manager.count()
        before = snapshot()
        marks = history_marks()
        response = world.clients[role].post(url, add_body(world, label, other))
        assert response.status_code == 200, f"{label}: answered {response.status_code}"
        errors = response.context["errors"] if response.context else []
        assert errors, f"{label}: no form error shown"
        assert model._base_manager.count() == count
        problems += changed_rows(role, before, snapshot(), marks)
        transaction.set_rollback(True)
    _count([f"{p} (the {label} add form)" for p in problems])
    if label != "plans.statepolicy":  # Florida already has its one policy
        with transaction.atomic():
            response = world.clients[role].post(url, add_body(world, label, "FL"))
            assert response.status_code == 302, response.content.decode()[:3000]
            assert model._base_manager.count() == count + 1
            transaction.set_rollback(True)
    with transaction.atomic():
        response = world.clients["national"].post(url, add_body(world, label, other))
        assert response.status_code == 302, response.content.decode()[:3000]
        assert model._base_manager.count() == count + 1
        transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_fl_editor_cannot_add_california_contact(world: World) -> None:
    client = world.clients["fl_editor"]
    url = reverse("admin:plans_statecontact_add")
    data = add_body(world, "plans.statecontact", "CA")
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Choose one in your states (FL)." in response.content.decode()
        assert not m.StateContact.objects.filter(name=data["name"]).exists()
        transaction.set_rollback(True)


def test_fl_editor_cannot_add_plan_with_california_county(world: World) -> None:
    client = world.clients["fl_editor"]
    url = reverse("admin:plans_plan_add")
    data = add_body(world, "plans.plan", "FL")
    # Florida's county first, then a second row with Los Angeles: still refused.
    data.update(
        {
            "service_areas-TOTAL_FORMS": "2",
            "service_areas-1-county": "06037",
            "service_areas-1-zip_codes": "[]",
        }
    )
    with transaction.atomic():
        response = client.post(url, data)
        assert response.status_code == 200
        assert "Choose one in your states (FL)." in response.content.decode()
        assert not m.Plan.objects.filter(contract_id="H9060").exists()
        assert not m.ServiceArea.objects.filter(county="06037", plan__contract_id="H9060").exists()
        transaction.set_rollback(True)


# --- the detectors themselves -----------------------------------------------------


def test_the_escape_detectors_see_escapes(world: World) -> None:
    """The matrix's 0 means something only if its detectors notice an escape: California's
    page seen as Florida's editor, and rows changed behind a role's back."""
    national = world.clients["national"]
    ca_plan = world.objects["plans.plan"]["CA"]
    page = national.get(change_url_of(ca_plan))
    assert "shows CAONLYMARK" in leaks(world, "fl_editor", "other", page)
    assert leaks(world, "ca_editor", "own", page) == []
    changelist = national.get(reverse("admin:plans_plan_changelist"))
    assert f"links to plans.plan {ca_plan.pk} of CA" in leaks(world, "fl_editor", "-", changelist)
    counties = national.get(reverse("admin:plans_county_changelist"))
    assert "shows the county 'Los Angeles County'" in leaks(world, "fl_editor", "-", counties)

    fl_plan = world.objects["plans.plan"]["FL"]
    with transaction.atomic():
        before, marks = snapshot(), history_marks()
        ca_plan.name = "Changed"
        ca_plan.save()
        fl_plan.name = "Changed"
        fl_plan.save()
        found = changed_rows("fl_editor", before, snapshot(), marks)
        transaction.set_rollback(True)
    assert f"escape: changed plans.plan {ca_plan.pk} (CA)" in found
    assert f"escape: new history of plans.plan {ca_plan.pk}" in found
    assert f"bypass: changed published plans.plan {fl_plan.pk} without review" in found
    assert classify(national.get(change_url_of(ca_plan)), "GET") == OK
    gone = world.clients["fl_editor"].get(change_url_of(ca_plan))
    assert classify(gone, "GET") == DENIED


# --- named findings (each also fails cells of the matrix above) -------------------


@pytest.mark.parametrize("role", STATE_ROLES)
def test_single_state_role_cannot_revert_a_plan_shared_with_another_state(
    world: World, role: str
) -> None:
    """BUG (escape): a state role may look at a plan that also serves another state, and
    may not change it: its change form answers 403 to a POST. Its history revert form
    does not: ``WorkflowAdmin.save_model`` stores the edit of a published item as a
    PendingChange before ``ScopedAdmin.save_model`` checks the change permission, and
    simple-history's revert view checks only "view or change". The PendingChange then
    touches the other state (and is in neither state's queue, only the national one)."""
    plan = world.objects["plans.plan"]["shared"]
    version = plan.history.filter(id=plan.pk).latest("history_id")
    url = reverse("admin:plans_plan_simple_history", args=[plan.pk, version.pk])
    data = tampered(world.national_form(url))
    client = world.clients[role]
    with transaction.atomic():
        count = m.PendingChange.objects.count()
        assert client.post(change_url_of(plan), data).status_code == 403  # the edit form
        response = client.post(url, data)
        created = m.PendingChange.objects.count() - count
        transaction.set_rollback(True)
    assert response.status_code == 403, f"answered {response.status_code}"
    assert created == 0, "a change to a plan of another state is waiting for review"


def change_url_of(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("role", STATE_ROLES)
def test_state_roles_can_open_their_own_zip_codes(world: World, role: str) -> None:
    """BUG: the ZIP code list shows a state's ZIPs to its roles, but each one answers 403:
    ``roles.object_states`` knows no ``ZipCounty`` (its state is its county's), so
    ``can_view`` finds no state."""
    zip_county = world.item("plans.zipcounty", role, "own")[1]
    client = world.clients[role]
    assert client.get(reverse("admin:plans_zipcounty_changelist")).status_code == 200
    assert client.get(change_url_of(zip_county)).status_code == 200
    assert (
        client.get(reverse("admin:plans_zipcounty_history", args=[zip_county.pk])).status_code
        == 200
    )


# --- the size, and the verdict --------------------------------------------------


def matrix_size() -> int:
    return MATRIX.cells


# At least this many cells: a walk of the admin's URLs that finds far fewer is broken.
MIN_CELLS = 3000


def test_matrix_summary(request: pytest.FixtureRequest) -> None:
    """Runs last in this module: the size of the matrix, its escapes and bypasses."""
    if MATRIX.cells == 0:
        pytest.skip("run with the rest of this module to see the matrix")
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(MATRIX.by_kind.items()))
    print(
        f"\npermission matrix: {MATRIX.cells} cells, {MATRIX.escapes} escapes, "
        f"{MATRIX.bypasses} review bypasses, {MATRIX.mismatches} unexpected answers "
        f"({len(URL_ROUTES)} URLs, {len(AUTOCOMPLETE)} autocomplete fields, "
        f"{len(ACTION_CASES)} actions; {kinds})"
    )
    for problem in MATRIX.problems[:200]:
        print("  ", problem)
    report = "\n".join(MATRIX.problems[:200])
    assert MATRIX.escapes == 0, report
    assert MATRIX.bypasses == 0, report
    assert MATRIX.mismatches == 0, report
    if not request.config.getoption("keyword") and not request.config.getoption("markexpr"):
        assert matrix_size() >= MIN_CELLS
