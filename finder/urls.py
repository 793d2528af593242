from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path

from finder import api, views

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/v1/eligibility", api.eligibility, name="api-eligibility"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
]

urlpatterns += i18n_patterns(
    path("", views.start, name="start"),
)
