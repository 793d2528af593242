from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path

from finder import api, education, health, open_data, quality, views

# A lost database anywhere becomes the plain 503 page, else Django's static 500 page.
handler500 = "finder.outage.server_error"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/eligibility", api.eligibility, name="api-eligibility"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
    path("api/v1/plans", open_data.plans_json, name="api-plans"),
    path("api/v1/plans.csv", open_data.plans_csv, name="api-plans-csv"),
    path(
        "api/v1/fhir/InsurancePlan",
        open_data.fhir_insurance_plans,
        name="fhir-insurance-plans",
    ),
    path(
        "api/v1/fhir/InsurancePlan/<str:resource_id>",
        open_data.fhir_insurance_plan,
        name="fhir-insurance-plan",
    ),
    path(
        "api/v1/fhir/Organization/<str:resource_id>",
        open_data.fhir_organization,
        name="fhir-organization",
    ),
]

urlpatterns += i18n_patterns(
    path("", views.start, name="start"),
    path("find/", views.wizard_next, name="wizard-next"),
    path("find/<slug:step>/", views.step, name="step"),
    path("results/", views.results, name="results"),
    path("results/print/", views.results_print, name="results-print"),
    path("plans/<int:plan_year>/<str:plan_id>/", views.plan_detail, name="plan"),
    path("compare/", views.compare, name="compare"),
    path("counselor/", views.counselor, name="counselor"),
    path("quality/<str:state>/", quality.state_quality, name="quality-state"),
    path("learn/", education.learn_index, name="learn"),
    path("learn/<slug:slug>/", education.article, name="learn-article"),
    path("glossary/", education.glossary, name="glossary"),
)
