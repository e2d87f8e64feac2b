"""Reading a trial from any of the forms it comes in, down to its criteria text and fields.

Forms: ClinicalTrials.gov API v2 JSON (dict, JSON text or path), legacy API v1 JSON, legacy
CT.gov XML, the plain text of a trial page, or bare criteria text.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SourceError


@dataclass(frozen=True)
class TrialSource:
    format: str
    criteria_text: str
    criteria_offset: int = 0  # where criteria_text starts in the text the caller gave
    nct_id: str = ""
    title: str = ""
    minimum_age: str = ""
    maximum_age: str = ""
    sex: str = ""
    healthy_volunteers: bool | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    about: str = ""  # what the trial studies, as its record says besides the criteria: titles, conditions, keywords


def read_source(source: Any) -> TrialSource:
    if isinstance(source, TrialSource):
        return source
    if isinstance(source, Path):
        return _read_path(source)
    if isinstance(source, dict):
        return _from_record(source)
    if isinstance(source, bytes):
        source = source.decode("utf-8", errors="replace")
    if not isinstance(source, str):
        raise SourceError(f"cannot read a trial from {type(source).__name__}; give a CT.gov record, a path or text", field="source")
    stripped = source.strip()
    if "\n" not in stripped and len(stripped) < 1024 and stripped and _looks_like_path(stripped):
        return _read_path(Path(stripped))
    if stripped.startswith("{"):
        try:
            return _from_record(json.loads(stripped))
        except json.JSONDecodeError as error:
            raise SourceError(f"invalid JSON: {error.msg}", source, error.pos, field="source") from None
    if stripped.startswith("<"):
        return _from_xml(source)
    return _from_text(source)


def _looks_like_path(text: str) -> bool:
    try:
        return Path(text).suffix.lower() in (".json", ".xml", ".txt", ".md") and Path(text).is_file()
    except OSError:
        return False


def _read_path(path: Path) -> TrialSource:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror}", field="source") from None
    return read_source(text)


# -- ClinicalTrials.gov records -------------------------------------------------------------------


def _from_record(record: dict) -> TrialSource:
    if "protocolSection" in record:
        return _from_v2(record["protocolSection"])
    if "studies" in record and isinstance(record["studies"], list) and record["studies"]:
        return _from_record(record["studies"][0])
    for key in ("FullStudy", "Study"):
        if key in record:
            return _from_record(record[key])
    if "ProtocolSection" in record:
        return _from_v1(record["ProtocolSection"])
    if "FullStudiesResponse" in record:
        studies = record["FullStudiesResponse"].get("FullStudies") or []
        if studies:
            return _from_record(studies[0])
    if "eligibilityCriteria" in record or "criteria" in record:
        text = record.get("eligibilityCriteria") or record.get("criteria") or ""
        return TrialSource("criteria_dict", text, notes=("a dict with a criteria field",))
    raise SourceError("not a ClinicalTrials.gov record: no protocolSection, ProtocolSection or eligibilityCriteria key", field="source")


def _from_v2(protocol: dict) -> TrialSource:
    identification = protocol.get("identificationModule", {})
    eligibility = protocol.get("eligibilityModule", {})
    return TrialSource(
        "ctgov_v2_json",
        eligibility.get("eligibilityCriteria", "") or "",
        nct_id=identification.get("nctId", ""),
        title=identification.get("briefTitle", "") or identification.get("officialTitle", ""),
        minimum_age=eligibility.get("minimumAge", "") or "",
        maximum_age=eligibility.get("maximumAge", "") or "",
        sex=eligibility.get("sex", "") or "",
        healthy_volunteers=eligibility.get("healthyVolunteers"),
        notes=("ClinicalTrials.gov API v2 record, eligibilityModule",),
        about=_about(identification.get("briefTitle"), identification.get("officialTitle"),
                     *protocol.get("conditionsModule", {}).get("conditions", None) or (),
                     *protocol.get("conditionsModule", {}).get("keywords", None) or ()),
    )


def _from_v1(protocol: dict) -> TrialSource:
    identification = protocol.get("IdentificationModule", {})
    eligibility = protocol.get("EligibilityModule", {})
    healthy = eligibility.get("HealthyVolunteers")
    return TrialSource(
        "ctgov_v1_json",
        eligibility.get("EligibilityCriteria", "") or "",
        nct_id=identification.get("NCTId", ""),
        title=identification.get("BriefTitle", ""),
        minimum_age=eligibility.get("MinimumAge", "") or "",
        maximum_age=eligibility.get("MaximumAge", "") or "",
        sex=eligibility.get("Gender", "") or "",
        healthy_volunteers=None if healthy is None else str(healthy).lower() in ("accepts healthy volunteers", "yes", "true"),
        notes=("ClinicalTrials.gov legacy API record, EligibilityModule",),
        about=_about(identification.get("BriefTitle"), identification.get("OfficialTitle"),
                     *(protocol.get("ConditionsModule", {}).get("ConditionList", {}).get("Condition", None) or ())),
    )


def _from_xml(text: str) -> TrialSource:
    try:
        root = ElementTree.fromstring(text.strip())
    except ElementTree.ParseError as error:
        line, column = error.position
        offset = sum(len(l) + 1 for l in text.strip().splitlines()[: line - 1]) + column
        raise SourceError(f"invalid XML: {error}", text.strip(), offset, field="source") from None
    eligibility = root.find(".//eligibility")
    if eligibility is None:
        return TrialSource("ctgov_xml", "", nct_id=root.findtext(".//nct_id", ""), notes=("legacy CT.gov XML without an <eligibility> element",))
    healthy = eligibility.findtext("healthy_volunteers", "")
    return TrialSource(
        "ctgov_xml",
        eligibility.findtext("criteria/textblock", "") or "",
        nct_id=root.findtext(".//nct_id", ""),
        title=root.findtext("brief_title", ""),
        minimum_age=eligibility.findtext("minimum_age", ""),
        maximum_age=eligibility.findtext("maximum_age", ""),
        sex=eligibility.findtext("gender", ""),
        healthy_volunteers=None if not healthy else healthy.lower().startswith(("accepts", "yes")),
        notes=("legacy ClinicalTrials.gov XML, <eligibility>",),
        about=_about(root.findtext("brief_title", ""), root.findtext("official_title", ""),
                     *(element.text for element in root.findall("condition"))),
    )


def _about(*texts) -> str:
    return "\n".join(str(text) for text in texts if isinstance(text, str) and text.strip())


# -- page text and bare criteria ------------------------------------------------------------------

_HEADING = re.compile(r"^[ \t]*(?:key[ \t]+)?(inclusion|exclusion)[ \t]+criteria[ \t]*:?[ \t]*$", re.I | re.M)
_PAGE_FIELDS = {
    "minimum_age": r"Minimum Eligible Age|Minimum Age",
    "maximum_age": r"Maximum Eligible Age|Maximum Age",
    "sex": r"Eligible Sex|Sexes Eligible for Study|Sex",
    "healthy": r"Accepts Healthy Volunteers|Healthy Volunteers|Volunteers",
}
# Headings of a trial page that end the criteria block.
_PAGE_SECTION_END = re.compile(
    r"^(?:Minimum Eligible Age|Maximum Eligible Age|Eligible Sex|Accepts Healthy Volunteers|Sponsors|Locations|"
    r"Primary purpose|Allocation|Interventional model|Masking|Enrollment|Contacts and Locations|Collaborators|"
    r"Investigators|Central trial contact|Study Design|References|Countries|More Related Trials|Sex|Ages|Volunteers|"
    r"Trial design|Trial contacts and locations|Data sourced from clinicaltrials\.gov)\s*$",
    re.M,
)


def _from_text(text: str) -> TrialSource:
    is_page = bool(re.search(r"^NCT ID:|^Eligibility Criteria\s*$|^Brief Summary\s*$|^Status and phase\s*$|Data sourced from clinicaltrials\.gov", text, re.M))
    if not is_page:
        return TrialSource("criteria_text", text, notes=("bare criteria text",))
    nct = re.search(r"\bNCT\d{8}\b", text)
    title = next((line.strip() for line in text.splitlines() if line.strip()), "")
    headings = list(_HEADING.finditer(text))
    notes = ["trial page text"]
    if headings:
        start = headings[0].start()
        end_match = _PAGE_SECTION_END.search(text, headings[-1].end())
        end = end_match.start() if end_match else len(text)
        criteria = text[start:end]
        notes.append("headings " + ", ".join(repr(h.group(0).strip()) for h in headings))
    else:
        start, criteria = 0, ""
        notes.append("no 'Inclusion Criteria' / 'Exclusion Criteria' heading")
    fields = {key: _page_field(text, pattern) for key, pattern in _PAGE_FIELDS.items()}
    healthy = fields.pop("healthy")
    return TrialSource(
        "page_text", criteria, start, nct.group(0) if nct else "", title,
        minimum_age=fields["minimum_age"], maximum_age=fields["maximum_age"], sex=fields["sex"],
        healthy_volunteers=None if not healthy else healthy.lower().startswith(("yes", "accepts")),
        notes=tuple(notes),
        about=_about(title, _page_conditions(text)),
    )


def _page_conditions(text: str) -> str:
    """The lines under a page's "Conditions" heading (the record's conditions), not its descriptions, which
    name other diseases a drug was tried in."""
    match = re.search(r"^Conditions[ \t]*$", text, re.M)
    if not match:
        return ""
    kept = []
    for line in (line.strip() for line in text[match.end():].splitlines()):
        if _PAGE_HEADING_AFTER_CONDITIONS.fullmatch(line) or len(kept) == 3:
            break
        if line and not line.lower().startswith("see the medical conditions"):
            kept.append(line)
    return "\n".join(kept)


_PAGE_HEADING_AFTER_CONDITIONS = re.compile(
    r"Treatments|Interventions?|About|Brief Summary|Full description|Detailed Description|Study Design|Keywords|Enrollment|Sex|Ages?"
    r"|Eligibility Criteria|Status and phase|Sponsors?|Locations", re.I)


def _page_field(text: str, label_pattern: str) -> str:
    """The value printed under a page label ("Minimum Eligible Age" then "12 Years")."""
    match = re.search(rf"^(?:{label_pattern})\s*\n\s*\n?([^\n]+)$", text, re.M)
    if not match:
        return ""
    value = match.group(1).strip()
    if re.fullmatch(r"\d+\s+(Years?|Months?|Weeks?|Days?)|ALL|All|MALE|Male|FEMALE|Female|Both|BOTH|No|Yes", value):
        return value
    return ""
