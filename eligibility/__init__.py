"""eligibility: clinical-trial criteria compiled into unit-aware rule trees, and patients screened.

    >>> import eligibility
    >>> trial = eligibility.compile_trial("Inclusion Criteria:\\n* Platelets >= 100 x 10^9/L")
    >>> eligibility.screen({"platelets": "150000/uL"}, trial).verdict
    <Verdict.ELIGIBLE: 'eligible'>
"""

from .compiler import Criterion, Trial, compile_criterion, compile_trial
from .criteria import unescape as criteria_unescape
from .errors import EligibilityError, LexiconError, NoCriteriaError, PatientDataError, SourceError, UnitError
from .nodes import Node
from .thresholds import Threshold, thresholds

__all__ = [
    "compile_trial", "compile_criterion", "screen", "thresholds", "Threshold", "criteria_unescape", "Trial", "Criterion", "Node",
    "EligibilityError", "SourceError", "UnitError", "PatientDataError", "LexiconError", "NoCriteriaError",
]
__version__ = "0.1.0"


def __getattr__(name):
    # screening pulls in the patient model; load it on first use so compiling stays light
    if name in ("screen", "Verdict", "Outcome", "ScreeningResult"):
        from . import screening

        return getattr(screening, name)
    raise AttributeError(name)
