"""Reading every record format: CT.gov API v2 / legacy JSON, legacy XML, page text, bare text."""

import json

import pytest
from conftest import DATA, needs

import eligibility
from eligibility.criteria import _BULLET, split_criteria
from eligibility.errors import SourceError
from eligibility.nodes import AnyOf, Defined

RECORDS = DATA / "ctgov-records"


def _record_files():
    if not RECORDS.exists():
        return []
    return sorted(p for p in RECORDS.glob("*/*") if p.suffix in (".json", ".xml") and p.name != "covid-19-search.json")


@needs(RECORDS)
@pytest.mark.parametrize("path", _record_files(), ids=lambda p: p.name)
def test_real_record_compiles_without_losing_lines(path):
    trial = eligibility.compile_trial(path)
    assert trial.nct_id.startswith("NCT")
    if not trial.has_criteria:
        assert trial.problems and "no eligibility criteria found" in trial.problems[0]
        return
    criteria_lines = [l for l in _criteria_text(path).splitlines() if l.strip()]
    covered = " ".join(_all_texts(trial.criteria)) + " " + " ".join(trial.notes)
    covered = " ".join(covered.split())
    for line in criteria_lines:
        bullet = _BULLET.match(line)
        body = bullet.group("body") if bullet and bullet.group("body").strip() else line
        words = eligibility.criteria_unescape(body).split()
        assert " ".join(words[-3:]) in covered, f"line lost: {line!r}"


def _criteria_text(path):
    from eligibility.sources import read_source

    return read_source(path).criteria_text


def _all_texts(criteria):
    for c in criteria:
        yield c.text
        yield from _all_texts(c.children)


def _is_heading(line):
    return bool(__import__("re").match(r"\s*(key\s+)?(inclusion|exclusion)\s+criteria", line, __import__("re").I))


@needs(RECORDS / "api_v2_json" / "NCT03418623.json")
def test_v2_structured_fields():
    trial = eligibility.compile_trial(RECORDS / "api_v2_json" / "NCT03418623.json")
    structured = [c.rule.render() for c in trial.criteria if c.origin == "structured"]
    assert structured == ["age >= 21 year", "age <= 40 year", "sex in {male, female}", "NOT healthy_volunteer"]


@needs(RECORDS / "api_v1_fullstudies" / "covid-19-search.json")
def test_v1_search_response_reads_its_first_study():
    trial = eligibility.compile_trial(RECORDS / "api_v1_fullstudies" / "covid-19-search.json")
    assert trial.source_format == "ctgov_v1_json" and trial.nct_id


def test_dict_json_text_and_path_agree(tmp_path):
    record = {"protocolSection": {"identificationModule": {"nctId": "NCT00000001"},
                                  "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* ECOG ≤ 1\n\nExclusion Criteria:\n\n* Pregnant",
                                                        "sex": "FEMALE", "minimumAge": "18 Years"}}}
    path = tmp_path / "trial.json"
    path.write_text(json.dumps(record))
    renders = [[c.rule.render() for c in eligibility.compile_trial(s).criteria] for s in (record, json.dumps(record), path, str(path))]
    assert renders[0] == renders[1] == renders[2] == renders[3]
    assert renders[0] == ["ecog <= 1", "pregnant", "age >= 18 year", "sex in {female}"]


def test_legacy_xml_text():
    xml = """<clinical_study><id_info><nct_id>NCT00000002</nct_id></id_info><brief_title>T</brief_title>
    <eligibility><criteria><textblock>
        Inclusion Criteria:

          -  Adults with hemoglobin &gt;= 9 g/dL and
             platelets &gt;= 100,000/mm3

        Exclusion Criteria:

          -  Pregnancy
    </textblock></criteria><gender>All</gender><minimum_age>18 Years</minimum_age><maximum_age>N/A</maximum_age>
    <healthy_volunteers>No</healthy_volunteers></eligibility></clinical_study>"""
    trial = eligibility.compile_trial(xml)
    first = trial.criteria[0]
    assert first.text == "Adults with hemoglobin >= 9 g/dL and platelets >= 100,000/mm3"  # continuation joined
    assert first.rule.render() == "(age >= 18 year AND hemoglobin >= 9 g/dL AND platelets >= 100000/mm^3)"
    assert [c.text for c in trial.criteria if c.origin == "structured"] == ["Minimum age: 18 Years", "Sex: All", "Accepts healthy volunteers: No"]


def test_bare_text_without_headings_is_inclusion():
    trial = eligibility.compile_trial("Age ≥ 18 years\nECOG 0-1")
    assert [c.kind for c in trial.criteria] == ["inclusion", "inclusion"]
    assert any("no 'Inclusion Criteria' heading" in n for n in trial.notes)


def test_numbered_and_nested_lists_with_indentation():
    text = "Inclusion Criteria:\n1. Adequate organ function:\n   a. ANC ≥ 1.5 × 10^9/L\n   b. Platelets ≥ 100 × 10^9/L\n2. Age ≥ 18 years\nExclusion Criteria:\n1) Any of the following:\n   - HIV\n   - HBV"
    trial = eligibility.compile_trial(text)
    organ, age, infections = [c for c in trial.criteria if c.origin == "criteria"]
    assert [c.text for c in organ.children] == ["ANC ≥ 1.5 × 10^9/L", "Platelets ≥ 100 × 10^9/L"]
    assert organ.rule.render() == "[Adequate organ function] (anc >= 1.5 x10^9/L AND platelets >= 100 x10^9/L)"
    assert infections.rule.render() == "(condition hiv OR condition hbv)"


def test_bullet_ending_in_or_joins_the_next_as_an_alternative():
    text = "Inclusion Criteria:\n- serum creatinine < 1.5 mg/dL OR\n- creatinine clearance > 60 mL/min\n- ANC >= 1500/uL\n"
    trial = eligibility.compile_trial(text)
    first, second = trial.criteria
    assert first.rule.render() == "(creatinine < 1.5 mg/dL OR crcl > 60 mL/min)"
    assert text[first.span[0]:first.span[1]] == "serum creatinine < 1.5 mg/dL OR\n- creatinine clearance > 60 mL/min"
    assert second.text == "ANC >= 1500/uL"


def test_a_second_bullet_marker_is_not_part_of_the_criterion_but_a_minus_sign_is():
    text = "Inclusion Criteria:\n  -  • age ≥ 18 years\n  -  ･≥ 18 years of age\n  -  -5/del(5q)\n"
    age, age_again, monosomy = eligibility.compile_trial(text).criteria
    assert age.rule.render() == age_again.rule.render() == "age >= 18 year"
    assert text[age.span[0]:age.span[1]] == "age ≥ 18 years"
    assert monosomy.text == "-5/del(5q)"


def test_markdown_escapes_are_removed_and_spans_kept():
    text = "Inclusion Criteria:\n\n* PLT\\<20×10\\^9/L\n"
    trial = eligibility.compile_trial(text)
    criterion = trial.criteria[0]
    assert criterion.text == "PLT<20×10^9/L"
    assert text[criterion.span[0]:criterion.span[1]] == "PLT\\<20×10\\^9/L"


def test_conditional_header_goes_to_review_with_hints():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* For women of childbearing potential:\n  * negative pregnancy test\n  * Hb ≥ 9 g/dL")
    rule = trial.criteria[0].rule
    assert rule.kind == "review" and rule.reason == "conditional" and rule.hints


def test_header_naming_some_patients_binds_only_them():
    # each group's blood pressure range, required of everyone, would turn every patient away
    trial = eligibility.compile_trial("Inclusion Criteria:\n* patient who takes antihypertensive drug\n  * 140mmHg <= sitSBP <= 200mmHg\n"
                                      "* patient who doesn't take antihypertensive drug\n  * 160mmHg <= sitSBP <= 200mmHg")
    assert [c.rule.render()[:19] for c in trial.criteria] == ["REVIEW[conditional]"] * 2


@pytest.mark.parametrize("bad, message", [
    ("{not json", "invalid JSON"),
    ("<clinical_study><eligibility>", "invalid XML"),
    ({"foo": 1}, "not a ClinicalTrials.gov record"),
    (42, "cannot read a trial from int"),
])
def test_bad_sources_raise_clear_errors(bad, message):
    with pytest.raises(SourceError, match=message):
        eligibility.compile_trial(bad)


def test_invalid_json_error_has_line_column_and_caret():
    with pytest.raises(SourceError) as error:
        eligibility.compile_trial('{"protocolSection": \n  {"a": ,}}')
    assert error.value.line == 2 and error.value.column > 1
    assert "^" in str(error.value)


def test_split_never_loses_a_line():
    text = "Inclusion Criteria:\n- A\n  continued\n\nfree paragraph\n* B:\n\n* c1\n* c2\nExclusion Criteria:\n(1) D\n"
    items, _ = split_criteria(text)
    def texts(items):
        for i in items:
            yield i.raw
            yield from texts(i.children)
    joined = " ".join(texts(items))
    for word in ("A", "continued", "free paragraph", "B:", "c1", "c2", "D"):
        assert word in joined


def test_header_names_what_its_items_measure():
    trial = eligibility.compile_trial(
        "Inclusion Criteria:\nPATIENT CHARACTERISTICS:\nAge:\n  - 18 and over\nLife expectancy:\n  - More than 3 months\n")
    assert [c.rule.render() for c in trial.criteria] == ["[Age] (age >= 18 year)", "[Life expectancy] (life_expectancy > 3 month)"]
    assert any("subheading 'PATIENT CHARACTERISTICS:'" in note for note in trial.notes)
    child = trial.criteria[0].children[0]
    compare = next(n for n in child.rule.walk() if n.kind == "compare")
    assert child.text[compare.span[0]:compare.span[1]] == "18 and over"


def test_header_read_only_in_part_or_as_unknown_names_is_a_label():
    trial = eligibility.compile_trial(
        "Exclusion Criteria:\n* Exclusionary Laboratory Values or Clinical Assessments at Screening:\n  * ALT > 3 x ULN\n  * Platelets < 50 x 10^9/L")
    criterion = trial.criteria[0]
    assert criterion.rule.kind == "defined"
    result = eligibility.screen({"alt": {"value": 200, "unit": "U/L", "uln": 40}, "platelets": 150, "conditions": []}, trial)
    assert result.verdict == "ineligible"


def test_a_heading_is_not_a_finding_the_patient_must_have():
    trial = eligibility.compile_trial(
        "Inclusion Criteria:\n* Patients must have the following clinical laboratory values:\n  * Creatinine <= 1.5 x ULN\n")
    result = eligibility.screen({"creatinine": {"value": 1.0, "unit": "mg/dL", "uln": 1.2}, "conditions": [], "medications": [],
                                 "procedures": []}, trial)
    assert result.criteria[0].outcome == "met"


def test_a_period_in_a_heading_is_not_dropped_from_its_items():
    trial = eligibility.compile_trial(
        "Exclusion Criteria:\n* Use of any of the following medications within 14 days prior to randomization:\n  * warfarin\n  * heparin\n")
    result = eligibility.screen({"medications": [{"name": "warfarin", "start": "2015-01-01", "end": "2015-02-01"}],
                                 "conditions": [], "procedures": []}, trial)
    assert result.criteria[0].outcome == "unknown"


def test_a_topic_heading_is_not_a_requirement_of_its_own():
    trial = eligibility.compile_trial(
        "Inclusion Criteria:\n* Endocrine therapy:\n  * No concurrent hormonal therapy\n")
    assert trial.criteria[0].rule.kind == "defined"
    result = eligibility.screen({"medications": [], "conditions": [], "procedures": []}, trial)
    assert result.criteria[0].outcome == "met"


def test_a_short_topic_heading_without_colon_is_a_label():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Radiotherapy\n  * Not specified\n")
    assert trial.criteria[0].rule.kind == "defined"


def test_what_a_trial_studies_comes_from_its_record_too():
    """A cancer named only in the record's conditions or titles still makes "other malignancy" unknown
    for the patient's own cancer; a trial of another disease counts any cancer."""
    def record(conditions, title=""):
        return {"protocolSection": {
            "identificationModule": {"nctId": "NCT00000003", "briefTitle": title},
            "conditionsModule": {"conditions": conditions},
            "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* ECOG 0-1\n\nExclusion Criteria:\n\n"
                                                         "* Other malignancy within 5 years"}}}
    patient = {"screening_date": "2024-03-01", "ECOG": 1, "conditions": [{"name": "colon cancer", "start": "2023-01-10"}]}
    by_conditions = eligibility.compile_trial(record(["Colorectal Neoplasms"]))
    by_title = eligibility.compile_trial(record([], "Drug X in Metastatic Colorectal Carcinoma"))
    other_disease = eligibility.compile_trial(record(["Rheumatoid Arthritis"], "Anti-tumor necrosis factor therapy in RA"))
    assert by_conditions.studies == by_title.studies == ("cancer",) and other_disease.studies == ()
    outcomes = [eligibility.screen(patient, t).criteria[1].outcome.value for t in (by_conditions, by_title, other_disease)]
    assert outcomes == ["unknown", "unknown", "met"]


def test_a_header_that_denies_or_excepts_its_items_does_not_require_them():
    """Items under "No ... including any of the following:" or "except the following:" read alone would
    be requirements; "must not have any of the following:" denies each."""
    trial = eligibility.compile_trial(
        "Inclusion Criteria:\n* No concurrent CYP3A4 inhibitors including, but not limited to, any of the following:\n"
        "  * clarithromycin\n  * ketoconazole\n* Patients must not have any of the following:\n  * Pregnancy\n"
        "  * Active hepatitis B\n* No prior malignancy with the exceptions listed below:\n  * basal cell carcinoma\n"
        "Exclusion Criteria:\n* Prior malignancy, except the following:\n  * basal cell carcinoma\n")
    rendered = [c.rule.render() for c in trial.criteria]
    assert rendered[1] == "NOT (pregnant OR condition active hbv)"
    assert [c.rule.reason for c in trial.criteria if c.rule.kind == "review"] == ["negation_scope"] * 3
    outcomes = [r.outcome.value for r in eligibility.screen({"conditions": [], "medications": [], "pregnant": False}, trial).criteria]
    assert outcomes == ["unknown", "met", "unknown", "unknown"]


def test_a_denying_header_whose_items_are_notes_keeps_its_reading():
    trial = eligibility.compile_trial(
        "Inclusion Criteria:\n* No symptomatic brain metastases\n  * Patients with treated brain metastases are eligible\n"
        "* No uncontrolled disease including any of the following:\n  * Diabetes\n  * Hypertension\n"
        "* Patient must be able to swallow capsules and not have the following conditions:\n  * Malabsorption\n"
        "Exclusion Criteria:\n* Uncontrolled intercurrent illness including, but not limited to, any of the following:\n"
        "  * Active infection\n")
    rendered = [c.rule.render() for c in trial.criteria]
    assert rendered[0].startswith("(NOT condition symptomatic brain_metastases AND")
    assert rendered[1] == "REVIEW[negation_scope]('No uncontrolled disease including any of the following:')"
    assert rendered[2] == "REVIEW[negation_scope]('Patient must be able to swallow capsules and not have the following conditions:')"
    assert "infection" in rendered[3]


def test_a_part_of_the_trial_has_its_own_sections():
    trial = eligibility.compile_trial("Inclusion Criteria:\n\nPart A Inclusion:\n\n  -  Male or female, ages 18 to 65 years\n\n"
                                      "Part A Exclusion:\n\n  -  Female subjects who are pregnant or breast-feeding\n\n"
                                      "Part B Inclusion Criteria:\n  - ECOG 0-1\n")
    assert [c.kind for c in trial.criteria if c.origin == "criteria"] == ["inclusion", "exclusion", "inclusion"]


def test_kinds_listed_under_a_header_are_alternatives():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Lung cancer of the following histologic types:\n"
                                      "  * squamous cell carcinoma\n  * adenocarcinoma\n")
    assert trial.criteria[0].rule.render().endswith("(condition squamous_cell_carcinoma OR condition adenocarcinoma)")


def test_items_given_as_examples_are_alternatives():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Participant must not be of reproductive potential or sterile, such as:\n"
                                      "  * hysterectomy\n  * bilateral oophorectomy\n  * orchiectomy\n")
    result = eligibility.screen({"sex": "male", "procedures": ["orchiectomy"]}, trial)
    assert result.criteria[0].outcome.value != "not_met"  # one way of being sterile is enough, not all three
    result = eligibility.screen({"sex": "male", "procedures": []}, trial)
    assert result.criteria[0].outcome.value != "met"


def test_items_that_are_each_an_indication_are_alternatives():
    trial = eligibility.compile_trial("Inclusion Criteria:\n  2. Patients should have an indication for screening colonoscopy\n"
                                      "       1. First degree relative of patient with CRC.\n       2. Personal history of adenomas.\n"
                                      "       3. People older than 50 and FOBT positive\n")
    rule = trial.criteria[0].rule
    assert isinstance(rule, Defined) and isinstance(rule.body, AnyOf)
    result = eligibility.screen({"age": 34, "conditions": []}, trial)
    assert result.criteria[0].outcome.value == "unknown"  # younger than 50, but either of the others may hold


def test_headers_of_one_part_denials_before_including_and_other_exclusion_headings():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Age >= 18\n* For Part 2:\n  * Asthma\n"
                                      "* Participants should have not yet received treatment for their breast cancer, including:\n"
                                      "  * chemotherapy\n  * hormonal therapy\n\nMajor Exclusion Criteria:\n* Pregnant\nEXLUSION CRITERIA\n* Diabetes\n")
    rules = [(c.kind, c.rule.render()) for c in trial.criteria]
    assert rules[1] == ("inclusion", "REVIEW[conditional]('For Part 2:')")
    assert rules[2][1].startswith("REVIEW[negation_scope]")
    assert rules[3:] == [("exclusion", "pregnant"), ("exclusion", "condition diabetes")]


def test_a_page_says_what_it_studies_by_its_title_and_conditions_not_its_description():
    page = ("Drug X in Immune Thrombocytopenia\nNCT ID: NCT00000004\nConditions\n\nImmune Thrombocytopenia\n\nFull description\n"
            "Drug X has been studied in multiple myeloma.\n\nEligibility Criteria\n\nInclusion Criteria:\n\n* Primary ITP\n\n"
            "Exclusion Criteria:\n\n* Other malignancy within 5 years\n")
    trial = eligibility.compile_trial(page)
    assert trial.studies == ()
    patient = {"screening_date": "2024-03-01", "conditions": [{"name": "lung cancer", "start": "2023-01-10"}]}
    assert eligibility.screen(patient, trial).criteria[1].outcome.value == "met"


def test_a_header_naming_someone_else_leaves_its_items_for_review():
    trial = eligibility.compile_trial("Inclusion Criteria:\n- Patients aged 18 to 70\n- Donor eligibility:\n  - Age 18 to 60 years\n  - HIV negative\n")
    donor = trial.criteria[1]
    assert donor.rule.kind == "review" and donor.rule.reason == "conditional"
    assert eligibility.screen({"age": 65, "conditions": []}, trial).verdict == "needs_review"


def test_a_section_heading_naming_someone_else_leaves_its_criteria_for_review():
    trial = eligibility.compile_trial("Inclusion Criteria:\n- Patients aged 18 to 70\n\nDONOR INCLUSION CRITERIA:\n- Age 18 to 60 years\n"
                                      "- HIV negative\n\nInclusion Criteria for Caregivers:\n- Age 21 or older\n")
    patient, *others = trial.criteria
    assert patient.rule.kind == "between"
    assert [c.text for c in others if c.rule.kind == "review" and c.rule.reason == "conditional"] == [
        "Age 18 to 60 years", "HIV negative", "Age 21 or older"]
    assert eligibility.screen({"age": 65, "conditions": []}, trial).verdict == "needs_review"


def test_a_period_belongs_to_a_listing_header_but_a_whole_sentence_keeps_its_own():
    # the period of "any of the following within 14 days:" is every item's; "At least 2 weeks since prior
    # aromatase inhibitor" above a note is a washout whole in itself
    listing = eligibility.compile_trial("Exclusion Criteria:\n* Use of any of the following within 14 days:\n  * warfarin\n  * heparin")
    assert listing.criteria[0].rule.kind == "review"
    sentence = eligibility.compile_trial("Inclusion Criteria:\n* At least 2 weeks since prior aromatase inhibitor\n"
                                         "  * Aromatase inhibitors in the adjuvant setting allowed")
    assert sentence.criteria[0].rule.render().startswith("(NOT drug aromatase_inhibitor within 2 week before screening AND")


def test_a_period_in_a_header_that_names_nothing_else_still_belongs_to_its_items():
    # "Any of the following within 1 year before randomization:" says nothing but the list and its period; a period
    # spelled out ("within two weeks") is one too
    for header in ("Any of the following within 1 year before randomization:",
                   "Any of the following therapies within two weeks prior to initiation of study drug:"):
        trial = eligibility.compile_trial(f"Exclusion Criteria:\n* {header}\n  * myocardial infarction\n  * chemotherapy")
        assert trial.criteria[0].rule.kind == "review"
        result = eligibility.screen({"conditions": [{"name": "myocardial infarction", "date": "2010-01-01"}],
                                     "procedures": [{"name": "chemotherapy", "date": "2010-01-01"}], "medications": []}, trial)
        assert result.criteria[0].outcome == "unknown"
    # a period for when listed criteria are checked belongs to none of them
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Participants must meet all of the following inclusion criteria within 28 days"
                                      " prior to the baseline visit:\n  * Female\n  * Age 18 to 35 years")
    assert eligibility.screen({"sex": "male", "age": 30}, trial).criteria[0].outcome == "not_met"


def test_a_heading_with_nothing_under_it_is_no_criterion():
    # "Women:" above paragraphs of their own, among exclusions: read alone it would exclude every woman
    for layout in ("Exclusion Criteria:\n\nWomen:\n\nWoman who is breast-feeding.\n",
                   "        EXCLUSION CRITERIA:\n\n        A volunteer will be excluded if one or more of the following conditions apply:\n\n"
                   "        Women:\n\n        Woman who is breast-feeding or planning to become pregnant.\n\n        Volunteer has received"
                   " any of the following substances:\n\n        Blood products within 3 months.\n"):
        trial = eligibility.compile_trial(layout)
        heading = next(c for c in trial.criteria if c.text.startswith("Women:"))
        assert heading.rule.kind == "review", heading.rule.render()
        result = eligibility.screen({"sex": "female", "flags": {"breastfeeding": False, "pregnant": False}}, trial)
        assert result.verdict.value != "ineligible"
    # a bare topic among exclusions, or a line that says its list follows, heads the lines after it; a requirement with
    # more in it stands
    trial = eligibility.compile_trial("Exclusion Criteria:\n\nCardiac disease:\n\nMyocardial infarction within 6 months.\n\n"
                                      "Neurologic conditions including the following:\n\nStroke.\n\n"
                                      "History of alcohol abuse within 12 months of the study:\n\nMore than 14 units a week.\n")
    kinds = {c.text: c.rule.kind for c in trial.criteria}
    assert kinds["Cardiac disease:"] == "review" and kinds["History of alcohol abuse within 12 months of the study:"] == "finding"


def test_items_under_an_allergy_header_are_allergies_not_drugs_taken():
    trial = eligibility.compile_trial("Exclusion Criteria:\n* Known hypersensitivity to any of the following:\n"
                                      "  * Bortezomib\n  * Severe asthma\n")
    header = trial.criteria[0]
    assert [child.rule.render() for child in header.children] == ["allergy bortezomib", "REVIEW[not_understood]('Severe asthma')"]
    result = eligibility.screen({"medications": ["bortezomib"], "allergies": [], "conditions": []}, trial)
    assert result.criteria[0].outcome.value != "met"


def test_items_under_a_contraindication_header_keep_their_conditions_and_read_drugs_as_allergies():
    trial = eligibility.compile_trial("Exclusion Criteria:\n* Contraindications to MRI:\n  * Pacemaker\n"
                                      "* Contraindication to any of the following:\n  * aspirin\n")
    assert trial.criteria[0].children[0].rule.render() == "procedure pacemaker"
    assert trial.criteria[1].children[0].rule.render() == "allergy aspirin"


def test_a_header_requiring_a_finding_and_one_of_its_items_requires_both():
    # "Bone metastases and one of the following:": without bone metastases no item excludes
    trial = eligibility.compile_trial("Exclusion Criteria:\n- Bone metastases and one of the following:\n"
                                      "  - History of pathologic fracture\n  - Spinal cord compression\n")
    assert trial.criteria[0].rule.render() == ("(condition bone_metastases AND (history condition pathologic_fracture"
                                               " OR condition spinal_cord_compression))")
    result = eligibility.screen({"conditions": ["spinal cord compression"]}, trial)
    assert result.criteria[0].outcome.value == "not_met"


def test_a_heading_that_says_how_severe_keeps_it_for_review_beside_its_examples():
    # "Uncontrolled intercurrent illness including, but not limited to:" above "- Cardiac arrhythmia": a controlled
    # atrial fibrillation is not an uncontrolled illness
    trial = eligibility.compile_trial("Exclusion Criteria:\n- Uncontrolled intercurrent illness including, but not limited to:\n"
                                      "  - Symptomatic congestive heart failure\n  - Cardiac arrhythmia\n")
    result = eligibility.screen({"conditions": ["atrial fibrillation"]}, trial)
    assert result.criteria[0].outcome.value == "unknown"
    assert eligibility.screen({"conditions": ["asthma"]}, trial).criteria[0].outcome.value == "not_met"
    defined = eligibility.compile_trial("Exclusion Criteria:\n- Severe, active co-morbidity defined as follows:\n"
                                        "  - Unstable angina\n  - Cardiac arrhythmia\n")
    assert eligibility.screen({"conditions": ["atrial fibrillation"]}, defined).criteria[0].outcome.value == "met"
