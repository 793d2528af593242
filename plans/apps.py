from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plan catalog")

    def ready(self) -> None:
        from plans import catalog_version

        catalog_version.connect_signals()
