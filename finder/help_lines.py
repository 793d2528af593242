"""National, stable help numbers (../DOMAIN.md "Free help"; CMS and ACL).

Shown wherever a state's own verified SHIP entry does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HelpLine:
    name: str
    phone: str
    tty: str
    website: str
    description: str


MEDICARE = HelpLine(
    name=_("1-800-MEDICARE"),
    phone="1-800-633-4227",
    tty="1-877-486-2048",
    website="https://www.medicare.gov",
    description=_("Medicare's own help line, 24 hours a day, 7 days a week."),
)
SHIP_LOCATOR = HelpLine(
    name=_("SHIP national locator"),
    phone="1-877-839-2675",
    tty="",
    website="https://www.shiphelp.org",
    description=_(
        "Free, unbiased Medicare counseling in every state from your State Health "
        "Insurance Assistance Program (SHIP)."
    ),
)
ELDERCARE = HelpLine(
    name=_("Eldercare Locator"),
    phone="1-800-677-1116",
    tty="",
    website="https://eldercare.acl.gov",
    description=_("Finds local help for older adults and their caregivers."),
)
NATIONAL = (SHIP_LOCATOR, MEDICARE)
