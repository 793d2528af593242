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
        source="42 CFR 422.750(a)(1)",
        federal_register="",
        url=_ecfr("422.750", "(a)(1)"),
        verified=True,
        note=(
            "Read (undated eCFR copy, GitHub eCFR markdown export MichalOpoka/ecfr): (a) "
            "intermediate sanctions 'will continue in effect until CMS is satisfied that "
            "the deficiencies ... have been corrected'; (a)(1) 'Suspension of the MA "
            "organization's enrollment of Medicare beneficiaries.' The catalog flag "
            "(Plan.sanctioned) follows the MA Landscape 'Sanctioned Plan' column."
        ),
    ),
    Citation(
        id="pace_enrollment_suspension",
        title="CMS may suspend a PACE organization's enrollment",
        source="42 CFR 460.42(a)",
        federal_register="",
        url=_ecfr("460.42", "(a)"),
        verified=True,
        note=(
            "Read (undated eCFR copy, GitHub eCFR markdown export MichalOpoka/ecfr): (a) "
            "'If a PACE organization commits one or more violations specified in § 460.40, "
            "CMS may suspend enrollment of Medicare beneficiaries after the date CMS "
            "notifies the organization of the violation.' (c): the suspension lasts until "
            "the cause is corrected and not likely to recur."
        ),
    ),
    # --- D-SNPs --------------------------------------------------------------------------
    Citation(
        id="dsnp_definition",
        title="D-SNPs are only for people with Medicare and Medicaid",
        source="42 CFR 422.2 (dual eligible special needs plan)",
        federal_register="",
        url=_ecfr("422.2"),
        verified=True,
        note=(
            "Read (eCFR text as of April 2024 (before the CMS-4205-F amendments took "
            "effect), GitHub eCFR markdown export MichalOpoka/ecfr; same wording on the LII "
            "definitions page): 'Dual eligible special needs plan or D-SNP means a "
            "specialized MA plan for special needs individuals who are entitled to medical "
            "assistance under a State plan under title XIX of the Act that' coordinates "
            "Medicare and Medicaid, has a State Medicaid agency contract meeting "
            "422.107(c), and from 2021 meets 422.107(d) or is a HIDE SNP or FIDE SNP."
        ),
    ),
    Citation(
        id="dsnp_state_contract",
        title="The state's contract sets which dual categories a D-SNP enrolls",
        source="42 CFR 422.107(c)(2)",
        federal_register="",
        url=_ecfr("422.107", "(c)(2)"),
        verified=True,
        note=(
            "Corrected from 422.107(c) to (c)(2). Read (GitHub eCFR markdown export "
            "AlextheYounga/ecfr, text in force since the April 2019 rule, 84 FR 15828): (c) "
            "'At a minimum, the contract must document' ... (c)(2) 'The category(ies) and "
            "criteria for eligibility for dual eligible individuals to be enrolled under "
            "the SNP, including as described in sections 1902(a), 1902(f), 1902(p), and "
            "1905 of the Act.' Age bands and level-of-care limits are such criteria."
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
            "Unverified because 42 CFR 438.56 was not found in the stored copies (searched: "
            "eCFR markdown exports on GitHub, LII, compliancecosmos, govregs). The state's "
            "own flag (StatePolicy.medicaid_plan_lock_in) decides, so nothing in the engine "
            "depends on the paragraph's wording."
        ),
    ),
    Citation(
        id="integration_levels",
        title="FIDE SNP and HIDE SNP",
        source="42 CFR 422.2 (fully integrated / highly integrated dual eligible SNP)",
        federal_register=CMS_4192_F,
        url=_ecfr("422.2"),
        verified=True,
        note=(
            "Read (eCFR text as of April 2024 (before the CMS-4205-F amendments took "
            "effect), GitHub eCFR markdown export MichalOpoka/ecfr): 'Fully integrated dual "
            "eligible special needs plan means a dual eligible special needs plan' with "
            "Medicare and Medicaid 'under a single entity that holds both an MA contract "
            "with CMS and a Medicaid managed care organization contract', covering primary "
            "and acute care, LTSS and, 'for plan year 2025 and subsequent years', "
            "behavioral health, home health and medical equipment, and (5) 'For plan year "
            "2025 and subsequent years, that has exclusively aligned enrollment'. 'Highly "
            "integrated dual eligible special needs plan' covers Medicaid 'under a "
            "capitated contract' between the State and the MA organization, its parent or a "
            "sister entity, for LTSS or behavioral health, and (3) from plan year 2025 "
            "'covers the entire service area'. The 2025 wording comes from CMS-4192-F (87 "
            "FR 27704, May 9, 2022)."
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
            "Unverified because only the 2019 text was read (GitHub eCFR markdown export "
            "MichalOpoka/ecfr): 'Applicable integrated plan means: (1) A fully integrated "
            "dual eligible special needs plan with exclusively aligned enrollment or a "
            "highly integrated dual eligible special needs plan with exclusively aligned "
            "enrollment, and (2) The Medicaid managed care organization ...'. That copy "
            "links an amendment at 87 FR 27897 (CMS-4192-F, May 2022) whose text was not "
            "found (tried eCFR exports, LII definitions, compliancecosmos). ICRC "
            "(2023-2025): AIPs are D-SNPs with exclusively aligned enrollment that cover at "
            "least some Medicaid benefits, and California has coordination-only AIPs, so "
            "the AIP flag is taken from the Landscape, independent of the integration "
            "level."
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
            "Unverified because the stored eCFR copy of 422.514 (April 2024) predates the "
            "amendment at 89 FR 30824 that added paragraph (h); its text was not found "
            "(tried eCFR exports, federalregister.gov, ICRC). Read in that copy: (d) "
            "look-alikes - CMS does not contract for plan year 2024 on for a non-SNP MA "
            "plan projecting '80 percent or more' of enrollees entitled to Medicaid; the "
            "70% (2025) and 60% (2026) thresholds are from CMS-4205-F and were not read. "
            "ICRC tip sheet: 422.514(h) (April 2024 rule) applies to D-SNPs with affiliated "
            "Medicaid MCOs, takes effect in 2027 and 2030, with exceptions; (h)(2) is "
            "exclusively aligned enrollment by 2030. The engine follows DOMAIN.md (one "
            "D-SNP for full-benefit duals; new enrollment limited to people enrolled in, or "
            "in the process of enrolling in, the affiliated Medicaid plan; exception where "
            "the state requires more than one D-SNP), keyed to the plan year. CMS-4205-F is "
            "FR Doc. 2024-07105 of Apr. 23, 2024 (89 FR 30448), corrected at 89 FR 63825 "
            "and 89 FR 79450."
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
            "Unverified because the CMS-4205-F text of the paragraph was not found. In the "
            "stored eCFR of April 2024 (before the amendment at 89 FR 30830 took effect) "
            "(c)(35) was still 'The individual meets other exceptional circumstances as CMS "
            "may provide', so the integrated care SEP is a new (c)(35). The final rule's "
            "preamble, as quoted on a broker forum (insurance-forums.com, 2024): 'we are "
            "finalizing the integrated care SEP with a narrower scope so that dually "
            "eligible individuals may use the SEP to enroll in a FIDE SNP, HIDE SNP, or AIP "
            "if they are enrolled in or in the process of enrolling in the sponsor's "
            "affiliated Medicaid managed care plan', and the paragraph begins '(i) The "
            "individual is a full-benefit dual eligible individual (as defined in § "
            "423.772) making a one-time-per month el[ection]'. So the SEP requires the "
            "affiliated Medicaid plan; CMS's state bulletin: 'facilitate aligned enrollment "
            "... for full-benefit dually eligible individuals'. The engine applies that "
            "narrower scope: 'yes' only for a full-benefit dual in the plan's aligned "
            "Medicaid plan, otherwise shown with that condition (tests/eligibility/"
            "test_windows.py)."
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
            "Unverified because the 2025 wording was not found. The paragraph number is "
            "right: in the stored eCFR of April 2024 (c)(4)(i) is the old quarterly period "
            "('a full-subsidy eligible individual or other subsidy-eligible individual as "
            "defined in § 423.772, who is making an allowable onetime-per-calendar-quarter "
            "election between January through September'), which CMS-4205-F (89 FR 30830) "
            "revised. CMS's bulletin on CMS-4205-F: 'Replace Medicare's current quarterly "
            "special enrollment period (SEP) with a one-time-per month SEP for dually "
            "eligible individuals and others enrolled in the Part D low-income subsidy "
            "program to elect a standalone PDP.' Not a route into another MA plan."
        ),
    ),
    Citation(
        id="medicaid_change_sep",
        title="After Medicaid or Extra Help starts, ends or changes",
        source="42 CFR 423.38(c)(9)",
        federal_register="",
        url=_ecfr("423.38", "(c)(9)"),
        verified=True,
        note=(
            "Read (eCFR text as of April 2024 (before the CMS-4205-F amendments took "
            "effect), GitHub eCFR markdown export MichalOpoka/ecfr; the same words since 83 "
            "FR 16737, Apr. 2018): (c)(9) 'The individual is making an election within 3 "
            "months after a gain, loss, or change to Medicaid or LIS eligibility, or "
            "notification of such a change, whichever is later.' So 3 months is right. "
            "CMS-4205-F amended 423.38 (89 FR 30830) for (c)(4) and the new (c)(35); "
            "California DHCS (2025) still lists the gain/loss SEP, but the post-2025 text "
            "of (c)(9) itself was not read."
        ),
    ),
    Citation(
        id="icep",
        title="Initial Coverage Election Period",
        source="42 CFR 422.62(a)(1)",
        federal_register="",
        url=_ecfr("422.62", "(a)(1)"),
        verified=True,
        note=(
            "Read (eCFR text as of April 2024 (before the CMS-4205-F amendments took "
            "effect), GitHub eCFR markdown export MichalOpoka/ecfr): (a)(1) 'The initial "
            "coverage election period is the period during which a newly MA-eligible "
            "individual may make an initial election. This period begins 3 months before "
            "the month the individual is first entitled to both Part A and Part B and ends "
            "on the later of' the last day of the month before entitlement or the last day "
            "of the Part B initial enrollment period."
        ),
    ),
    Citation(
        id="aep",
        title="Annual Enrollment Period, Oct 15 - Dec 7, effective Jan 1",
        source="42 CFR 422.62(a)(2)",
        federal_register="",
        url=_ecfr("422.62", "(a)(2)"),
        verified=True,
        note=(
            "Read (eCFR text as of April 2024 (before the CMS-4205-F amendments took "
            "effect), GitHub eCFR markdown export MichalOpoka/ecfr): (a)(2)(iii) 'Beginning "
            "in 2011, the annual coordinated election period for the following calendar "
            "year is October 15 through December 7.' Effective date, 422.68(b) (2018 text): "
            "'coverage is effective as of the first day of the following calendar year'."
        ),
    ),
    Citation(
        id="ma_oep",
        title="Medicare Advantage Open Enrollment Period, Jan 1 - Mar 31",
        source="42 CFR 422.62(a)(3)",
        federal_register="",
        url=_ecfr("422.62", "(a)(3)"),
        verified=True,
        note=(
            "Read (eCFR text as of April 2024 (before the CMS-4205-F amendments took "
            "effect), GitHub eCFR markdown export MichalOpoka/ecfr): (a)(3)(i) 'an "
            "individual who is enrolled in an MA plan may make an election once during the "
            "first 3 months of the year to enroll in another MA plan or disenroll to obtain "
            "Original Medicare'; (a)(3)(ii) newly eligible people in an MA plan get the "
            "same in their first 3 months. Effective date, 422.68(c): 'the first day of the "
            "first calendar month following the month in which the election is made'. SSA "
            "POMS HI 00208.067 agrees."
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
            "Paragraph verified, the 2 months are not. Read (eCFR text as of April 2024 "
            "(before the CMS-4205-F amendments took effect), GitHub eCFR markdown export "
            "MichalOpoka/ecfr): (a)(4) an MA-eligible individual 'who is institutionalized, "
            "as defined in § 422.2' is not limited in the number of elections and 'may at "
            "any time elect an MA plan or change his or her election'; 422.2 "
            "'Institutionalized' (for this period) means one 'who continuously resides or "
            "is expected to continuously reside for 90 days or longer' in a SNF, NF, "
            "ICF/IID, psychiatric, rehabilitation or long-term care hospital or swing bed. "
            "Unverified because neither text has the '2 months after leaving' tail the "
            "engine shows: that comes from CMS's Medicare Managed Care Manual ch. 2 (OEPI "
            "section), not readable in the stored copies; 423.38(c)(25)(ii) gives the "
            "matching Part D SEP 'ends on the last day of the second month following the "
            "month MA enrollment ended'."
        ),
    ),
    Citation(
        id="nonrenewal_sep",
        title="Special period when your plan ends or leaves your area",
        source="42 CFR 422.62(b)(1)",
        federal_register="",
        url=_ecfr("422.62", "(b)(1)"),
        verified=False,
        note=(
            "Paragraph read (eCFR text as of April 2024, GitHub eCFR markdown export "
            "MichalOpoka/ecfr; the same in the 2011 and 2018 texts): a member may change "
            "from an MA plan to original Medicare or another MA plan when '(1) CMS or the "
            "organization has terminated the organization's contract for the plan, "
            "discontinued the plan in the area in which the individual resides, or the "
            "organization has notified the individual of the impending termination of the "
            "plan, or the impending discontinuation of the plan in the area in which the "
            "individual resides.' Unverified because the dates the app shows (December 8 "
            "to the last day of February) come from CMS's Medicare Managed Care Manual, "
            "chapter 2 ('SEP for non-renewals'), which could not be read here (only its "
            "table of contents is stored); secondary sources agree on them, and the "
            "cost-plan version of this period, 422.62(b)(6)(ii), states the same dates in "
            "the rule: 'This SEP begins December 8 of the then-current contract year and "
            "ends on the last day of February of the following year.'"
        ),
    ),
    Citation(
        id="special_election_periods",
        title="Other special election periods",
        source="42 CFR 422.62(b)",
        federal_register="",
        url=_ecfr("422.62", "(b)"),
        verified=True,
        note=(
            "Read (eCFR text as of April 2024 (before the CMS-4205-F amendments took "
            "effect), GitHub eCFR markdown export MichalOpoka/ecfr): (b) 'An individual may "
            "at any time ... discontinue the election of an MA plan ... and change his or "
            "her election from an MA plan to original Medicare or to a different MA plan "
            "under any of the following circumstances', listed as (b)(1)-(b)(27): plan "
            "termination or non-renewal (b)(1), moves (b)(2), contract violations (b)(3), "
            "employer coverage (b)(4), sanctions (b)(5), PACE (b)(7), leaving a SNP "
            "(b)(11), 5-star plans (b)(15), disasters (b)(18) and 'such other exceptional "
            "conditions as CMS may provide' (b)(27)."
        ),
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
        verified=True,
        note=(
            "Read (undated eCFR copy, GitHub eCFR markdown export MichalOpoka/ecfr): (a) "
            "'For a participant who is entitled to Medicare Part A, enrolled under Medicare "
            "Part B, but not eligible for Medicaid, the premium equals the Medicaid "
            "capitation amount'; (b)-(c) add the missing Medicare part's capitation; (d) 'A "
            "PACE organization may not charge a premium to a participant who is eligible "
            "for both Medicare and Medicaid, or who is only eligible for Medicaid.'"
        ),
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
        verified=True,
        note=(
            "Read (undated eCFR copy, GitHub eCFR markdown export MichalOpoka/ecfr): 'A "
            "participant's enrollment in the program is effective on the first day of the "
            "calendar month following the date the PACE organization receives the signed "
            "enrollment agreement.'"
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
            "Unverified because neither 406.26 nor 407.40 was found in the stored copies "
            "(tried eCFR markdown exports, LII); only the section title of 406.26 "
            "('Enrollment under State buy-in') was seen."
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
            "Unverified because 42 CFR 423.773 was not found in the stored copies (tried "
            "eCFR markdown exports, LII, compliancecosmos). DOMAIN.md: full-benefit duals "
            "and QMB, SLMB and QI enrollees are deemed eligible for Extra Help; QDWI is "
            "not."
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
            "Unverified because 42 CFR 423.773 was not found in the stored copies (tried "
            "eCFR markdown exports, LII, compliancecosmos). DOMAIN.md: Extra Help does not "
            "exist in the territories (a capped grant instead). The engine reads "
            "StatePolicy.has_extra_help."
        ),
    ),
    Citation(
        id="qmb_billing",
        title="QMB billing protection",
        source="Social Security Act §1902(n)(3)(B)",
        federal_register="",
        url=f"{_SSA}1902.htm",
        verified=True,
        note=(
            "Read (U.S. Code markdown copy (GitHub "
            "codexstanford/markdonw-chunck-of-the-usa-code), 42 U.S.C. 1396a(n)(3)): where "
            "the State's payment of Medicare cost-sharing for a QMB is reduced or "
            "eliminated, '(B) the beneficiary shall not have any legal liability to make "
            "payment to a provider or to an organization described in section "
            "1396b(m)(1)(A) of this title for the service'."
        ),
    ),
    Citation(
        id="puerto_rico_qmb",
        title="Puerto Rico need not cover QMBs",
        source="Social Security Act §1905(p)(4)(A)",
        federal_register="",
        url=f"{_SSA}1905.htm",
        verified=True,
        note=(
            "Read (U.S. Code markdown copy (GitHub "
            "codexstanford/markdonw-chunck-of-the-usa-code), 42 U.S.C. 1396d(p)(4)): 'in "
            "the case of a State (other than the 50 States and the District of Columbia) "
            "(A) the requirement stated in section 1396a(a)(10)(E) of this title shall be "
            "optional'. This covers every territory, not only Puerto Rico; the engine reads "
            "StatePolicy.covers_qmb per state."
        ),
    ),
)

CITATIONS: Final[Mapping[str, Citation]] = {citation.id: citation for citation in _ALL}
