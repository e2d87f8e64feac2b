"""The library's own errors. Every error a caller can see derives from EligibilityError."""

from __future__ import annotations


class EligibilityError(Exception):
    """Base class of every error raised by the library."""


class LexiconError(EligibilityError):
    """A data file under grammars/ is malformed."""


class SourceError(EligibilityError):
    """Text that could not be read, with its line, column and a caret under the place."""

    def __init__(self, message: str, text: str = "", position: int = 0, field: str = "criterion"):
        self.message = message
        self.text = text
        self.position = max(0, min(position, len(text)))
        self.field = field
        self.line = text.count("\n", 0, self.position) + 1
        line_start = text.rfind("\n", 0, self.position) + 1
        self.column = self.position - line_start + 1
        line_end = text.find("\n", self.position)
        self.excerpt = text[line_start: line_end if line_end >= 0 else len(text)]
        super().__init__(self.explain())

    def explain(self) -> str:
        where = f"{self.field}, line {self.line}, column {self.column}"
        if not self.text:
            return f"{self.message} ({where})"
        caret = " " * (self.column - 1) + "^"
        return f"{self.message} ({where})\n  {self.excerpt}\n  {caret}"


class UnitError(EligibilityError):
    """A unit that is unknown or whose dimension does not fit the quantity it measures."""


class PatientDataError(EligibilityError):
    """A value in a patient record that cannot be used; `key` names where it is."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"patient[{key!r}]: {message}")


class NoCriteriaError(EligibilityError):
    """A source in which no eligibility criteria could be found."""
