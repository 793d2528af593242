"""Where each rule comes from: the only citation ids any finding or window may name.

``verified`` is True only where the regulation's (or statute's) own words were read and
match what the rule does; ``note`` says what was read, where, and what is still open.
``docs/citations.md`` lists the same ids (a test keeps them in sync). An unverified
citation is shown to counselors as such; it must be checked against eCFR before it is
relied on in education pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

CMS_4205_F: Final = "CMS-4205-F, 89 FR 30448 (Apr. 23, 2024)"
CMS_4192_F: Final = "CMS-4192-F, 87 FR 27704 (May 9, 2022)"
_ECFR: Final = "https://www.ecfr.gov/current/title-42/"
_SSA: Final = "https://www.ssa.gov/OP_Home/ssact/title19/"


@dataclass(frozen=True, slots=True)
class Citation:
    id: str
    title: str
    source: str
    federal_register: str
    url: str
    verified: bool
    note: str


def _ecfr(section: str, paragraph: str = "") -> str:
    anchor = f"#p-{section}{paragraph}" if paragraph else ""
    return f"{_ECFR}section-{section}{anchor}"


_ALL: tuple[Citation, ...] = (
    # --- Medicare Advantage eligibility (every D-SNP is an MA plan) ------------------
    Citation(
        id="ma_parts_a_b",
        title="Medicare Advantage needs Part A and Part B",
        source="42 CFR 422.50(a)(1)",
        federal_register="",
        url=_ecfr("422.50", "(a)(1)"),
        verified=True,
        note=(
            "Read: (a)(1) 'Is entitled to Medicare under Part A and enrolled in Part B' "
            "(the only exception is Part B-only members of a 1998 HMO/CMP). Copies of eCFR "
            "text on govregs.com / checkoutapi.com, Title 42 revised Nov 19, 2024."
        ),
    ),
    Citation(
        id="ma_esrd",
        title="End-stage renal disease is no bar from 2021",
        source="42 CFR 422.50(a)(2)",
        federal_register="",
        url=_ecfr("422.50", "(a)(2)"),
        verified=True,
        note=(
            "Read: (a)(2) 'For coverage before January 1, 2021, has not been medically "
            "determined to have end-stage renal disease, except that ...'. The old bar "
            "applies only to coverage before 2021, so the finder asks nothing about ESRD. "
            "The rule that made the change was not looked up."
        ),
    ),
    Citation(
        id="ma_service_area",
        title="Live in the plan's service area",
        source="42 CFR 422.50(a)(3)(i)",
        federal_register="",
        url=_ecfr("422.50", "(a)(3)(i)"),
        verified=True,
        note="Read: (a)(3)(i) 'Resides in the service area of the MA plan.'",
    ),
    Citation(
        id="ma_sanction",
        title="A sanctioned plan takes no new members",
        source="42 CFR 422.750",
        federal_register="",
        url=_ecfr("422.750"),
        verified=False,
        note=(
            "Not read here. The catalog flag (Plan.sanctioned) follows the MA Landscape "
            "'Sanctioned Plan' column. Check the paragraph (suspension of enrollment) on eCFR."
        ),
    ),
    Citation(
        id="pace_enrollment_suspension",
        title="CMS may suspend a PACE organization's enrollment",
        source="42 CFR 460.42",
        federal_register="",
        url=_ecfr("460.42"),
        verified=False,
        note="Only the section title ('Suspension of enrollment or payment by CMS') was seen.",
    ),
    # --- D-SNPs --------------------------------------------------------------------------
    Citation(
        id="dsnp_definition",
        title="D-SNPs are only for people with Medicare and Medicaid",
        source="42 CFR 422.2 (dual eligible special needs plan)",
        federal_register="",
        url=_ecfr("422.2"),
        verified=False,
        note="Definition not read here; DOMAIN.md 'D-SNPs and how integrated they are'.",
    ),
    Citation(
        id="dsnp_state_contract",
        title="The state's contract sets which dual categories a D-SNP enrolls",
        source="42 CFR 422.107(c)",
        federal_register="",
        url=_ecfr("422.107", "(c)"),
        verified=False,
        note=(
            "Not read here. DOMAIN.md: the state Medicaid agency contract (SMAC) may limit "
            "the dual categories each plan enrolls. Check the exact paragraph of 422.107(c)."
        ),
    ),
    Citation(
        id="aligned_enrollment",
        title="Exclusively aligned enrollment is for full-benefit duals in the aligned plan",
        source="42 CFR 422.2 (aligned enrollment; exclusively aligned enrollment)",
        federal_register="",
        url=_ecfr("422.2"),
        verified=True,
        note=(
            "Read: 'Aligned enrollment refers to the enrollment in a dual eligible special "
            "needs plan of full-benefit dual eligible individuals whose Medicaid benefits are "
            "covered under a Medicaid managed care organization contract ... between the "
            "applicable State and: the D-SNP's MA organization, the D-SNP's parent "
            "organization, or another entity that is owned and controlled by the D-SNP's "
            "parent organization. When State policy limits a D-SNP's membership to "
            "individuals with aligned enrollment, this condition is referred to as "
            "exclusively aligned enrollment.' (LII definitions page; compliancecosmos copy.) "
            "Which rule added the definition was not confirmed."
        ),
    ),
    Citation(
        id="medicaid_lock_in",
        title="States may lock Medicaid plan changes between open enrollments",
        source="42 CFR 438.56(c)",
        federal_register="",
        url=_ecfr("438.56", "(c)"),
        verified=False,
        note=(
            "Not read here. The state's own flag (StatePolicy.medicaid_plan_lock_in) decides; "
            "check the Medicaid managed care disenrollment rules on eCFR."
        ),
    ),
    Citation(
        id="integration_levels",
        title="FIDE SNP and HIDE SNP",
        source="42 CFR 422.2 (fully integrated / highly integrated dual eligible SNP)",
        federal_register=CMS_4192_F,
        url=_ecfr("422.2"),
        verified=False,
        note=(
            "Definitions not read here. CMS-4192-F confirmed as 87 FR 27704-27902 "
            "(May 9, 2022; regulations.gov copy)."
        ),
    ),
    Citation(
        id="aip_definition",
        title="Applicable integrated plan (AIP)",
        source="42 CFR 422.561 (applicable integrated plan)",
        federal_register="",
        url=_ecfr("422.561"),
        verified=False,
        note=(
            "Not read here. ICRC: AIPs are D-SNPs with exclusively aligned enrollment that "
            "cover at least some Medicaid benefits, with unified appeals. California has "
            "coordination-only AIPs, so the AIP flag is taken from the Landscape, "
            "independent of the integration level."
        ),
    ),
    Citation(
        id="dsnp_alignment_2027",
        title="From plan year 2027: new members must be in, or joining, the affiliated plan",
        source="42 CFR 422.514(h)(1)",
        federal_register=CMS_4205_F,
        url=_ecfr("422.514", "(h)"),
        verified=False,
        note=(
            "The regulation's own words for (h)(1) were not found in the stored copies. "
            "Confirmed: ICRC tip sheet - 422.514(h) (April 2024 rule) applies to D-SNPs with "
            "affiliated Medicaid MCOs, takes effect in 2027 and 2030, with exceptions; "
            "422.514(h)(2) is about exclusively aligned enrollment by 2030. The engine "
            "follows DOMAIN.md (one D-SNP for full-benefit duals; new enrollment limited to "
            "people enrolled in, or in the process of enrolling in, the affiliated Medicaid "
            "plan; exception where the state requires more than one D-SNP), keyed to the "
            "plan year. CMS-4205-F is FR Doc. 2024-07105 of Apr. 23, 2024 (89 FR 30448), "
            "corrected at 89 FR 63825 and 89 FR 79450."
        ),
    ),
    # --- Enrollment periods ----------------------------------------------------------------
    Citation(
        id="integrated_care_sep",
        title="Monthly period: full-benefit duals into a FIDE SNP, HIDE SNP or AIP",
        source="42 CFR 423.38(c)(35)",
        federal_register=CMS_4205_F,
        url=_ecfr("423.38", "(c)(35)"),
        verified=False,
        note=(
            "Paragraph text not found in the stored copies. Confirmed from CMS's bulletin "
            "to states on CMS-4205-F: 'Create a new monthly Medicare integrated care SEP to "
            "facilitate aligned enrollment across Medicare and Medicaid for full-benefit "
            "dually eligible individuals'; ICRC: FBDE individuals can enroll monthly in FIDE "
            "SNPs, HIDE SNPs or AIPs that align with an MCO. Open: whether the SEP requires "
            "(or only aims at) aligned Medicaid enrollment. Effective the first of the next "
            "month (usual SEP rule; not read)."
        ),
    ),
    Citation(
        id="dual_lis_monthly_sep",
        title="Monthly period: duals and Extra Help to Original Medicare with a drug plan",
        source="42 CFR 423.38(c)(4)",
        federal_register=CMS_4205_F,
        url=_ecfr("423.38", "(c)(4)"),
        verified=False,
        note=(
            "Paragraph text not found. Confirmed from CMS's bulletin on CMS-4205-F: "
            "'Replace Medicare's current quarterly special enrollment period (SEP) with a "
            "one-time-per month SEP for dually eligible individuals and others enrolled in "
            "the Part D low-income subsidy program to elect a standalone PDP.' Not a route "
            "into another MA plan."
        ),
    ),
    Citation(
        id="medicaid_change_sep",
        title="After Medicaid or Extra Help starts, ends or changes",
        source="42 CFR 423.38(c)(9)",
        federal_register="",
        url=_ecfr("423.38", "(c)(9)"),
        verified=False,
        note=(
            "Not read here: paragraph number and length unconfirmed. Secondary sources "
            "(CMS's 'change in dual/LIS status' SEP as explained by counselors and brokers): "
            "one election within 3 months of the change or of the notice of it, whichever is "
            "later; effective the first of the next month."
        ),
    ),
    Citation(
        id="icep",
        title="Initial Coverage Election Period",
        source="42 CFR 422.62(a)(1)",
        federal_register="",
        url=_ecfr("422.62", "(a)(1)"),
        verified=False,
        note=(
            "Current text not read. The 2006 CFR text of 422.60 refers to 'initial coverage "
            "election periods under § 422.62(a)(1), annual election periods under "
            "§ 422.62(a)(2)'."
        ),
    ),
    Citation(
        id="aep",
        title="Annual Enrollment Period, Oct 15 - Dec 7, effective Jan 1",
        source="42 CFR 422.62(a)(2)",
        federal_register="",
        url=_ecfr("422.62", "(a)(2)"),
        verified=False,
        note="Current text not read; dates as in DOMAIN.md and Medicare's own pages.",
    ),
    Citation(
        id="ma_oep",
        title="Medicare Advantage Open Enrollment Period, Jan 1 - Mar 31",
        source="42 CFR 422.62(a)(3)",
        federal_register="",
        url=_ecfr("422.62", "(a)(3)"),
        verified=False,
        note=(
            "Regulation text not read. SSA POMS HI 00208.067 (TN 12, 11-22): MA eligible "
            "individuals may make one MA OEP election from January 1 through March 31."
        ),
    ),
    Citation(
        id="oepi",
        title="Open enrollment for people living in an institution",
        source="42 CFR 422.62(a)(4)",
        federal_register="",
        url=_ecfr("422.62", "(a)(4)"),
        verified=False,
        note=(
            "Not read here. DOMAIN.md: open while living in an institution and for 2 months "
            "after leaving; effective the first of the next month."
        ),
    ),
    Citation(
        id="special_election_periods",
        title="Other special election periods",
        source="42 CFR 422.62(b)",
        federal_register="",
        url=_ecfr("422.62", "(b)"),
        verified=False,
        note="Not read here: moves, plan terminations and other exceptional conditions.",
    ),
    # --- PACE --------------------------------------------------------------------------
    Citation(
        id="pace_age",
        title="PACE: 55 or older",
        source="42 CFR 460.150(b)(1)",
        federal_register="",
        url=_ecfr("460.150", "(b)(1)"),
        verified=True,
        note="Read: (b)(1) 'Be 55 years of age or older.' (govregs.com copy of eCFR.)",
    ),
    Citation(
        id="pace_level_of_care",
        title="PACE: the state certifies nursing-home level of care",
        source="42 CFR 460.150(b)(2)",
        federal_register="",
        url=_ecfr("460.150", "(b)(2)"),
        verified=True,
        note=(
            "Read: (b)(2) 'Be determined by the State administering agency to need the level "
            "of care required under the State Medicaid plan for coverage of nursing facility "
            "services ...'."
        ),
    ),
    Citation(
        id="pace_service_area",
        title="PACE: live in the PACE organization's service area",
        source="42 CFR 460.150(b)(3)",
        federal_register="",
        url=_ecfr("460.150", "(b)(3)"),
        verified=True,
        note="Read: (b)(3) 'Reside in the service area of the PACE organization.'",
    ),
    Citation(
        id="pace_community",
        title="PACE: able to live safely in the community when joining",
        source="42 CFR 460.150(c)(1)",
        federal_register="",
        url=_ecfr("460.150", "(c)(1)"),
        verified=True,
        note=(
            "Read: (c)(1) 'At the time of enrollment, an individual must be able to live in "
            "a community setting without jeopardizing his or her health or safety.' Note: "
            "the brief cited 460.150(b)(3), which is the service-area paragraph."
        ),
    ),
    Citation(
        id="pace_medicare_medicaid_optional",
        title="PACE does not require Medicare or Medicaid",
        source="42 CFR 460.150(d)",
        federal_register="",
        url=_ecfr("460.150", "(d)"),
        verified=True,
        note=(
            "Read: (d) eligibility 'is not restricted to an individual who is either a "
            "Medicare beneficiary or Medicaid beneficiary'; a potential enrollee may be, but "
            "is not required to be, entitled to Part A, enrolled under Part B, or eligible "
            "for Medicaid."
        ),
    ),
    Citation(
        id="pace_premiums",
        title="PACE premiums for people without Medicaid",
        source="42 CFR 460.186",
        federal_register="",
        url=_ecfr("460.186"),
        verified=False,
        note="Not read here. DOMAIN.md: without Medicaid a person pays the Medicaid part.",
    ),
    Citation(
        id="pace_sole_source",
        title="PACE gives all Medicare and Medicaid care",
        source="42 CFR 460.90(b)",
        federal_register="",
        url=_ecfr("460.90", "(b)"),
        verified=True,
        note=(
            "Read (LexBuild copy of eCFR, 2026-03-24): '(b) The participant, while enrolled "
            "in a PACE program, must receive Medicare and Medicaid benefits solely through "
            "the PACE organization.'"
        ),
    ),
    Citation(
        id="pace_part_d",
        title="PACE members get drug coverage through PACE",
        source="42 CFR 423.30(c)",
        federal_register="",
        url=_ecfr("423.30", "(c)"),
        verified=True,
        note=(
            "Read: (c) 'A Part D eligible individual enrolled in a PACE plan that offers "
            "qualified prescription drug coverage under this Part must obtain such coverage "
            "through that plan.'"
        ),
    ),
    Citation(
        id="pace_effective_date",
        title="PACE: effective the first of the next month",
        source="42 CFR 460.158",
        federal_register="",
        url=_ecfr("460.158"),
        verified=False,
        note=(
            "Not read here. State PACE rules seen (e.g. Oklahoma 317:35-18-8) use the first "
            "day of the month after the signed enrollment agreement."
        ),
    ),
    Citation(
        id="pace_enrollment_limit",
        title="States may limit PACE enrollment (waiting lists)",
        source="Social Security Act §1934(a)(1), 42 U.S.C. 1396u-4(a)(1)",
        federal_register="",
        url="https://www.ssa.gov/OP_Home/ssact/title19/1934.htm",
        verified=True,
        note=(
            "Read (U.S. Code as of Jan 2004): 'A State may establish a numerical limit on the "
            "number of individuals who may be enrolled in a PACE program under a PACE "
            "program agreement.'"
        ),
    ),
    # --- Medicaid help with Medicare costs --------------------------------------------------
    Citation(
        id="part_d_eligibility",
        title="Drug plans: Part A or Part B",
        source="42 CFR 423.30(a)(1)",
        federal_register="",
        url=_ecfr("423.30", "(a)(1)"),
        verified=True,
        note=(
            "Read: (a)(1)(i) 'Is entitled to Medicare benefits under Part A or enrolled in "
            "Medicare Part B ...', (ii) lives in the service area of a Part D plan, (iii) "
            "citizen or lawfully present."
        ),
    ),
    Citation(
        id="state_buy_in",
        title="The state can pay Medicare premiums (state buy-in)",
        source="42 CFR 406.26 (Part A); 42 CFR 407.40 (Part B)",
        federal_register="",
        url=_ecfr("406.26"),
        verified=False,
        note=(
            "Only the section title of 406.26 ('Enrollment under State buy-in') was seen; "
            "407.40 not read."
        ),
    ),
    Citation(
        id="extra_help_deemed",
        title="Medicaid and Savings Programs give Extra Help automatically",
        source="42 CFR 423.773(c)",
        federal_register="",
        url=_ecfr("423.773", "(c)"),
        verified=False,
        note=(
            "Not read here. DOMAIN.md: full-benefit duals and QMB, SLMB and QI enrollees are "
            "deemed eligible for Extra Help; QDWI is not."
        ),
    ),
    Citation(
        id="extra_help_territories",
        title="No Extra Help in the territories",
        source="42 CFR 423.773(a)",
        federal_register="",
        url=_ecfr("423.773", "(a)"),
        verified=False,
        note=(
            "Not read here. DOMAIN.md: Extra Help does not exist in the territories (a "
            "capped grant instead). The engine reads StatePolicy.has_extra_help."
        ),
    ),
    Citation(
        id="qmb_billing",
        title="QMB billing protection",
        source="Social Security Act §1902(n)(3)(B)",
        federal_register="",
        url=f"{_SSA}1902.htm",
        verified=False,
        note="Not read here; DOMAIN.md 'Who is a dual'.",
    ),
    Citation(
        id="puerto_rico_qmb",
        title="Puerto Rico need not cover QMBs",
        source="Social Security Act §1905(p)(4)(A)",
        federal_register="",
        url=f"{_SSA}1905.htm",
        verified=False,
        note=("Not read here; DOMAIN.md (MACPAC 2021). The engine reads StatePolicy.covers_qmb."),
    ),
)

CITATIONS: Final[Mapping[str, Citation]] = {citation.id: citation for citation in _ALL}
