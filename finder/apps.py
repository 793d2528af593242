from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinderConfig(AppConfig):
    name = "finder"
    verbose_name = _("Integrated Care Finder (public side)")

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started

        from finder import facts

        request_started.connect(facts.request_started, dispatch_uid="finder-facts-started")
        request_finished.connect(facts.request_finished, dispatch_uid="finder-facts-finished")
