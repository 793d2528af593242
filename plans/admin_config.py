"""Django's admin with our site, whose front page is the state dashboard.

A module of its own: ``plans.apps`` may declare only one default app config.
"""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class FinderAdminConfig(AdminConfig):
    default_site = "plans.admin_site.FinderAdminSite"
