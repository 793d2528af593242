"""Who can help: the state's published contacts, with national fall-backs.

Until a state's SHIP entry exists, is published and is verified, people are sent to
the national SHIP locator; 1-800-MEDICARE is always listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from finder import facts, help_lines
from finder.help_lines import HelpLine
from plans.models import ContactKind, State, StateContact


@dataclass(frozen=True)
class StateHelp:
    ship: StateContact | None  # the state's own SHIP, when verified and published
    ship_fallback: HelpLine  # always the national SHIP locator
    others: tuple[StateContact, ...]  # Medicaid agency, enrollment broker, ombudsman
    medicare: HelpLine

    def by_kind(self, kind: str) -> StateContact | None:
        return next((c for c in self.others if c.kind == kind), None)


def help_for_state(state: State) -> StateHelp:
    return facts.cached("help", (state.code,), lambda: _read_help(state))


def _read_help(state: State) -> StateHelp:
    contacts = list(StateContact.objects.published().filter(state=state))
    ship = next((c for c in contacts if c.kind == ContactKind.SHIP and c.verified), None)
    others = tuple(c for c in contacts if c.kind != ContactKind.SHIP)
    return StateHelp(
        ship=ship,
        ship_fallback=help_lines.SHIP_LOCATOR,
        others=others,
        medicare=help_lines.MEDICARE,
    )
