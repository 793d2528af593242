"""Response headers Django's own security middleware does not set.

- ``Permissions-Policy``: the finder uses no camera, microphone, location, payment or
  device API, so it asks the browser to refuse them to this page and anything it embeds.
- The admin's Content-Security-Policy: public pages carry no inline script or style,
  so their policy has no nonce and a cached page stays valid for everyone. Django's
  admin templates do use nonces; admin URLs get ``settings.ADMIN_CSP`` through
  Django's own ``csp_override`` (docs/decisions.md).

Listed below ContentSecurityPolicyMiddleware, so the admin policy is chosen before
that middleware writes the header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.csp import csp_override

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.admin_response = csp_override(settings.ADMIN_CSP)(get_response)
        self.admin_prefix = f"/{settings.ADMIN_URL}"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path_info.startswith(self.admin_prefix):
            response = self.admin_response(request)
        else:
            response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
