"""The columns whose values come from a closed list, and the one check every importer uses.

A value outside the list means a broken file (a shifted column, a cut row, a typo
that would be stored and shown), so the importers refuse the file and name the row,
the column, the value and what was expected. Values are compared without case, spaces
or punctuation, so ``HCPP-1833 Cost`` and ``HCPP - 1833 Cost`` are the same word; what
is stored is what the file says.

Only columns whose values CMS really draws from a fixed list are here. The Landscape's
``Plan Type`` (HMO, HMO-POS, Local PPO, HMO D-SNP, …) and ``Contract Category Type``
are open-ended and the importers do not read them, so they are not checked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field


@functools.lru_cache(maxsize=1024)  # the Landscape asks for the same few words 300,000 times
def choice_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


@dataclass(frozen=True)
class Choices:
    """The values one column may hold. ``blank``: whether it may also be empty."""

    column: str  # as the file's header names it
    values: tuple[str, ...]  # as CMS writes them, in the order a person reads them
    blank: bool = False
    _keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", frozenset(choice_key(v) for v in self.values))

    def __contains__(self, value: object) -> bool:
        text = " ".join(str(value).split())
        if not text:
            return self.blank
        return choice_key(text) in self._keys

    def problem(self, value: str) -> str | None:
        """Why ``value`` is not one of these, in plain words; None when it is."""
        if value in self:
            return None
        shown = " ".join(value.split())
        said = f'is "{shown}"' if shown else "is blank"
        expected = ", ".join(self.values) + (", or blank" if self.blank else "")
        return f"{self.column} {said}; expected one of: {expected}"


# CMS's contract organization types, as the MA Contract Directory and the Star Ratings
# data tables write them (Feb 2026 directory; 2024–2026 Star Ratings), and the older
# or rarer types CMS has used in the same files (employer direct contracts, Medicare-
# Medicaid Plans until CY2025, religious fraternal benefit plans).
ORGANIZATION_TYPES = (
    "Local CCP",
    "Regional CCP",
    "National PACE",
    "PFFS",
    "MSA",
    "1876 Cost",
    "HCPP - 1833 Cost",
    "LI NET Sponsor",
    "Demo",
    "PDP",
    "Employer/Union Only Direct Contract PDP",
    "Employer/Union Only Direct Contract Local CCP",
    "Employer/Union Only Direct Contract PFFS",
    "Medicare-Medicaid Plan HMO/HMOPOS",
    "RFB Local CCP",
    "RFB PFFS",
)
# The MA Contract Directory's Plan Type: one per contract, a short fixed list (unlike the
# Landscape's plan-level Plan Type).
DIRECTORY_PLAN_TYPES = (
    "HMO/HMOPOS",
    "Local PPO",
    "Regional PPO",
    "National PACE",
    "PFFS",
    "MSA",
    "1876 Cost",
    "HCPP - 1833 Cost",
    "LI NET Sponsor",
    "Demo",
    "Medicare-Medicaid Plan HMO/HMOPOS",
    "Employer/Union Only Direct Contract PFFS",
    "RFB HMO/HMOPOS",
    "RFB Local PPO",
    "RFB PFFS",
)
# The Landscape's SNP Type ("Not Applicable" on plans that are not SNPs).
SNP_TYPES = ("Dual-Eligible", "Chronic or Disabling Condition", "Institutional", "Not Applicable")
# The D-SNP integration codes; CO-P ("coordination-only, partial", CY2027) is CO.
INTEGRATION_CODES = ("CO", "CO-P", "HIDE", "FIDE")
NOT_APPLICABLE = "Not Applicable"
