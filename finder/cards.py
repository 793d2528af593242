"""The results page's plan cards and the "when you can join" line, written in Python.

A national results page has 130 cards. As a template include each card cost ~0.6 ms
(variable look-ups, ~15 translate tags, a URL reversal), so the cards were most of the
page's time. ``CardWriter`` writes the same HTML, byte for byte (``tests/golden/`` pins
it), from parts made once per page render: the constant words in the page's language,
one URL prefix per plan year, one integration sentence per (level, AIP, rule year),
one "when you can join" line per distinct window. What still varies per card (names,
premiums, reasons) is escaped here as the template did (``conditional_escape``).

The words stay in the Spanish catalog: each message below is marked for makemessages
with ``gettext_noop`` itself (an alias such as ``N_`` is not among the names makemessages
looks for) and translated when a page is rendered.

The glossary links the first use of a term on the page, in reading order, so a card is
written where the template places it (``{% result_groups groups %}``), never ahead of the page.
"""

from __future__ import annotations

import html
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template import Context
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import get_language, gettext, gettext_noop

from finder.eligibility import CITATIONS, Decision, EnrollmentWindow, Joining
from finder.glossary import page_glossary
from plans.models import ContractRating, Plan

# Plain words (escaped after translation, like {% translate %}).
WORDS = {
    "fide": gettext_noop("Fully integrated (FIDE): one plan gives your Medicare and Medicaid care"),
    "hide": gettext_noop(
        "Highly integrated (HIDE): the company also gives some of your Medicaid care"
    ),
    "co": gettext_noop("Coordination-only: the plan helps connect your Medicare and Medicaid care"),
    "aip_card": gettext_noop(
        "one member card and one appeals process with its Medicaid plan (AIP)"
    ),
    "aip": gettext_noop("one appeals process with its Medicaid plan (AIP)"),
    "when": gettext_noop("When you can join:"),
    "call_pace": gettext_noop("Call the PACE organization:"),
    "call_plan": gettext_noop("Call the plan:"),
    "tty": gettext_noop("TTY"),
    "unverified": gettext_noop("not yet checked against the regulation text"),
}
# Messages with values (not escaped after translation, like {% blocktranslate %}: only
# the values are).
FORMATS = {
    "plan_year": gettext_noop("Plan year %(year)s"),
    "stars": gettext_noop(
        "Overall star rating: %(stars)s out of 5 (%(year)s ratings, for the company's "
        "whole contract)."
    ),
    "ended": gettext_noop("You can no longer join this plan: it ends %(day)s."),
    "starts": gettext_noop("if you join now, coverage starts %(day)s."),
    "opens": gettext_noop("opens %(opens)s; coverage starts %(day)s."),
    "pick": gettext_noop("Pick %(name)s (to compare or print)"),
    "compare": gettext_noop("Compare %(name)s"),
}
# The results page's groups: their headings and what every plan of a kind shares.
GROUP_WORDS = {
    "eligible": gettext_noop("You can likely join — the plan will confirm"),
    "may_qualify": gettext_noop("You may qualify — check first"),
    "ending": gettext_noop("Plans that are ending — you can no longer join them"),
    "not_eligible": gettext_noop("Not for you, because…"),
    "eligible_intro": gettext_noop(
        "From your answers, you meet these plans' rules. Each plan checks your Medicare and "
        "Medicaid when you apply."
    ),
    "may_qualify_intro": gettext_noop(
        "You may be able to join. Each plan says what to check first, and who can help."
    ),
    "ending_intro": gettext_noop(
        "These plans end on December 31. Any plan you join now starts on January 1 of next "
        "year, so choose among next year's plans. If you are a member of one of these plans, "
        "its page says what happens to your coverage on January 1."
    ),
    "not_eligible_intro": gettext_noop(
        "These plans serve your county, but you cannot join them now. Each one says why."
    ),
    "pace": gettext_noop("PACE"),
    "dsnp": gettext_noop("Plans for people with Medicare and Medicaid (D-SNPs)"),
    "pace_intro": gettext_noop(
        "PACE gives all your Medicare and Medicaid care through one team, mostly at a PACE "
        "center, so you can keep living at home."
    ),
    "dsnp_intro": gettext_noop(
        "D-SNPs are Medicare Advantage plans only for people who have both Medicare and "
        "Medicaid. Some also give your Medicaid care, so you have one plan for both."
    ),
    "how_to_join": gettext_noop("How to join:"),
    "pace_join": gettext_noop(
        "Call the PACE organization. They set up the state's check of your care needs and a "
        "home visit."
    ),
    "dsnp_join": gettext_noop(
        "Call the plan, call 1-800-MEDICARE (1-800-633-4227), or use Medicare Plan Finder."
    ),
    "no_plans": gettext_noop("No plans here."),
}
# The plan page's URL for one plan year, with this in place of the plan's ID.
_ID_SLOT = "PLANID"
# IDs made of these reverse() leaves as they are, so the prefix and the ID can be joined.
_PLAIN_ID = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
# Ids and years are printed as the template printed them: no thousands separator.
_number = localize if settings.USE_THOUSAND_SEPARATOR else str


def esc(value: Any) -> str:
    """What ``{{ value }}`` prints: the text, HTML-escaped unless marked safe."""
    if not isinstance(value, str):
        value = str(value)
    return value if hasattr(value, "__html__") else html.escape(value)


def _day(value: date) -> str:
    return esc(date_filter(value, "DATE_FORMAT"))


@lru_cache(maxsize=16)
def _translated_words(language: str) -> tuple[dict[str, str], dict[str, str]]:
    # The catalogs are loaded once per process: a language's words never change in it.
    return (
        {
            **{key: esc(gettext(message)) for key, message in WORDS.items()},
            # Literals of the template these replace: {% translate "…" %} printed them
            # as they are (a template's own text is not escaped).
            **{key: gettext(message) for key, message in GROUP_WORDS.items()},
        },
        {key: gettext(message) for key, message in FORMATS.items()},
    )


class CardWriter:
    """Writes the cards and join lines of one page render, in the active language."""

    def __init__(self, *, query: str, counselor: bool, request: HttpRequest | None) -> None:
        self.counselor = counselor
        self.request = request
        self.query = esc(query)
        self.words, self.formats = _translated_words(get_language() or "")
        self._plan_urls: dict[int, str] = {}
        self._plan_years: dict[int, str] = {}
        self._integration: dict[tuple[str, bool, bool], str] = {}
        self._joins: dict[tuple[Any, ...], str] = {}
        self._citations: dict[str, str] = {}
        self._texts: dict[int, tuple[object, str]] = {}

    # --- parts shared by many cards ----------------------------------------------------

    def plan_url(self, plan: Plan) -> str:
        cms_id = plan.cms_id
        if not _PLAIN_ID.issuperset(cms_id):
            return esc(reverse("plan", args=[plan.plan_year, cms_id]))
        prefix = self._plan_urls.get(plan.plan_year)
        if prefix is None:
            prefix = esc(reverse("plan", args=[plan.plan_year, _ID_SLOT]))
            self._plan_urls[plan.plan_year] = prefix
        return prefix.replace(_ID_SLOT, cms_id, 1)

    def plan_year(self, year: int) -> str:
        text = self._plan_years.get(year)
        if text is None:
            text = self.formats["plan_year"] % {"year": esc(_number(year))}
            self._plan_years[year] = text
        return text

    def integration(self, plan: Plan) -> str:
        """How a D-SNP works with Medicaid, in plain words (before glossary links)."""
        key = (plan.integration_level, plan.is_aip, plan.plan_year >= 2027)
        text = self._integration.get(key)
        if text is None:
            level, aip, card_rule = key
            words = self.words
            text = (
                words["fide"]
                if level == "FIDE"
                else words["hide"]
                if level == "HIDE"
                else words["co"]
            )
            if aip:
                text += "; " + (words["aip_card"] if card_rule else words["aip"])
            self._integration[key] = text
        return text

    def when_to_join(self, joining: Decision | Joining) -> str:
        """The "when you can join" line (or that the plan is ending); many plans share
        one window, so each distinct line is written once."""
        window = joining.window
        if window is None:
            key: tuple[Any, ...] = ("ending", joining.plan_year)
        else:
            # Labels and conditions are the engine's constant messages: their identity
            # names their text (and they outlive this render).
            key = (
                window.code,
                window.opens,
                window.effective,
                window.open_now,
                id(window.label),
                id(window.condition),
            )
        text = self._joins.get(key)
        if text is None:
            text = self._write_when(joining, window)
            self._joins[key] = text
        return text

    def _write_when(self, joining: Decision | Joining, window: EnrollmentWindow | None) -> str:
        if window is None:
            ended = self.formats["ended"] % {"day": _day(joining.ends_on)}
            return f'\n  <p class="when ending"><strong>{ended}</strong></p>\n  '
        text = f"{esc(window.label)}"
        if window.code != "ask_ship":
            if window.open_now:
                text += " — " + self.formats["starts"] % {"day": _day(window.effective)}
            else:
                text += " — " + self.formats["opens"] % {
                    "opens": _day(window.opens),
                    "day": _day(window.effective),
                }
        condition = esc(window.condition) if window.condition is not None else ""
        if condition:
            condition = f'<br><span class="condition">{condition}</span>'
        return (
            f'\n  <p class="when"><strong>{self.words["when"]}</strong> {text}\n'
            f"    {condition}</p>\n  "
        )

    def citation(self, cid: str) -> str:
        text = self._citations.get(cid)
        if text is None:
            found = CITATIONS.get(cid)
            if found is None:
                text = f"{esc(cid)}\n"
            else:
                text = (
                    f'<a href="{esc(found.url)}" rel="noopener noreferrer">{esc(found.source)}</a>'
                )
                if not found.verified:
                    text += f'<span class="unverified"> ({self.words["unverified"]})</span>'
                text += "\n"
            self._citations[cid] = text
        return text

    # --- the groups of the results page ------------------------------------------------

    def groups(self, groups: Any) -> str:
        """The status groups, each with its kinds and their cards, laid out byte for byte
        as the template loop that wrote them before (tests/golden/)."""
        words = self.words
        out: list[str] = []
        for group in groups:
            status = group.status
            if status == "ending" and not group.count:
                continue
            known = status if status in ("eligible", "may_qualify", "ending") else "not_eligible"
            # "{% if %}…{% elif %}…{% else %}…{% endif %}" kept the line break after every
            # branch but the last.
            tail = "" if known == "not_eligible" else "\n      "
            s = esc(status)
            out.append(
                f'\n  <section class="status-group status-{s}" aria-labelledby="group-{s}">\n'
                f'    <h2 id="group-{s}">\n      {words[known]}{tail}\n'
                f'      <span class="count">({esc(_number(group.count))})</span>\n    </h2>\n'
                f'    <p class="group-intro">\n      {words[known + "_intro"]}{tail}\n'
                "    </p>\n    "
            )
            if not group.kinds:
                out.append(f'\n    <p class="empty">{words["no_plans"]}</p>\n    ')
            for kind_group in group.kinds:
                kind = "pace" if kind_group.kind == "pace" else "dsnp"
                out.append(
                    f'\n    <div class="kind-group">\n      <h3>{words[kind]}</h3>\n'
                    f'      <ul class="plan-list">{self.cards(kind_group.rows)}</ul>\n      \n'
                    f"      {self.kind_about(kind, status)}\n    </div>\n    "
                )
            out.append("\n  </section>\n  ")
        return "".join(out)

    def cards(self, rows: Any) -> str:
        return (
            "\n        "
            + "".join(
                f"\n        <li>{self.card(row.decision, row.plan, row.rating)}</li>\n        "
                for row in rows
            )
            + "\n      "
        )

    def kind_about(self, kind: str, status: str) -> str:
        words = self.words
        intro = words[kind + "_intro"]
        # As {% glossary_links %} did: the first use of a term on the page is linked.
        glossary = page_glossary(self.request)
        if glossary is not None:
            intro = glossary.link_phrases(intro)
        text = f'<div class="kind-about">\n      <p class="kind-intro">{intro}</p>\n      '
        if status in ("eligible", "may_qualify"):
            text += (
                f'\n      <p class="how-to-join"><strong>{words["how_to_join"]}</strong>\n'
                f"        {words[kind + '_join']}</p>\n      "
            )
        return text + "\n      </div>"

    # --- one card ------------------------------------------------------------------------

    def card(self, decision: Decision, plan: Plan, rating: ContractRating | None) -> str:
        """One plan's card: what differs from plan to plan (what every plan of a kind
        shares is said once per group, in results.html)."""
        words = self.words
        pk = _number(plan.pk)
        name = esc(plan.name)
        cms_id = esc(plan.cms_id)
        parts = [
            f'\n<article class="plan-card" aria-labelledby="plan-{pk}">\n'
            f'  <h4 id="plan-{pk}"><a href="{self.plan_url(plan)}?{self.query}">{name}</a></h4>\n'
            f'  <p class="plan-meta">{self.plan_year(plan.plan_year)}'
        ]
        if self.counselor:
            parts.append(f' · <span class="cms-id">{cms_id}</span>')
        parts.append("</p>\n  ")
        if plan.kind == "dsnp":
            integration = self.integration(plan)
            # Looked up only for a D-SNP card, as {% glossary_links %} did: a page that
            # links no term never reads the glossary.
            glossary = page_glossary(self.request)
            if glossary is not None:
                integration = glossary.link_phrases(integration)
            parts.append(f'<p class="integration">{integration}</p>')
        parts.append("\n  ")
        # Never "if message:" on a lazy message: its truth is its translated length.
        premium = self.text(decision.premium_text) if decision.premium_text is not None else ""
        if premium:
            parts.append(f'<p class="premium">{premium}</p>')
        parts.append("\n  ")
        if rating and rating.overall:
            stars = self.formats["stars"] % {
                "stars": esc(localize(rating.overall)),
                "year": esc(_number(rating.star_year)),
            }
            parts.append(f'<p class="stars">{stars}</p>')
        parts.append("\n  ")
        parts.append(self.when_to_join(decision))
        parts.append("\n  ")
        if self.counselor:
            parts.append('\n  <ul class="reasons">\n    ')
            for finding in decision.findings:
                parts.append(self._reason(finding))
                cited = "; ".join(self.citation(cid) for cid in finding.citations)
                rule = esc(finding.rule)
                parts.append(f'\n      <span class="citations">[{rule}: {cited}]</span></li>\n    ')
            parts.append("\n  </ul>\n  ")
        else:
            open_findings = [f for f in decision.findings if f.outcome != "pass"]
            if open_findings:
                parts.append('\n  <ul class="reasons">\n    ')
                for finding in open_findings:
                    parts.append(self._reason(finding))
                    parts.append("</li>\n    ")
                parts.append("\n  </ul>\n  ")
        parts.append("\n  ")
        if plan.phone and decision.status != "not_eligible" and not decision.ending:
            call = words["call_pace"] if plan.kind == "pace" else words["call_plan"]
            phone = esc(plan.phone)
            tty = f" ({words['tty']} {esc(plan.tty)})" if plan.tty else ""
            parts.append(f'<p class="plan-phone">{call} <a href="tel:{phone}">{phone}</a>{tty}</p>')
        pick = self.formats["pick" if self.counselor else "compare"] % {"name": name}
        parts.append(
            f'\n  <p class="compare-pick"><input type="checkbox" name="plan" '
            f'value="{_number(plan.plan_year)}:{cms_id}" id="compare-{pk}"> '
            f'<label for="compare-{pk}">{pick}</label></p>\n</article>\n\n'
        )
        return "".join(parts)

    def _reason(self, finding: Any) -> str:
        text = (
            f'\n    <li class="reason reason-{esc(finding.outcome)}">{self.text(finding.message)}'
        )
        next_step = self.text(finding.next_step) if finding.next_step is not None else ""
        if next_step:
            text += f' <span class="next-step">{next_step}</span>'
        return text

    def text(self, message: Any) -> str:
        """``esc(message)``, once per message object in this render: the engine's words are
        shared objects (module constants, cached premium lines), and turning a lazy one
        into text asks for the active translation every time."""
        if isinstance(message, str):
            return esc(message)
        found = self._texts.get(id(message))
        # The message is kept with its text, so its id cannot be reused meanwhile.
        if found is not None and found[0] is message:
            return found[1]
        text = esc(message)
        self._texts[id(message)] = (message, text)
        return text


def writer_for(context: Context) -> CardWriter:
    """The page render's writer (made on first use, kept in the render context)."""
    render_context = context.render_context
    writer = render_context.get(CardWriter)
    if writer is None:
        writer = CardWriter(
            query=str(context.get("query") or ""),
            counselor=bool(context.get("counselor")),
            request=context.get("request"),
        )
        render_context[CardWriter] = writer
    return writer
