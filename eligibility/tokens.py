"""Tokenizing criterion text: a blank spaCy English tokenizer, then clinical splitting.

spaCy splits words and punctuation; the clinical pass splits what it keeps whole and clinical
text needs apart ("PLT<20×10^9/L" -> PLT < 20 x 10^9 / L, "8.8mmol" -> 8.8 mmol, "≥12" -> >= 12)
and joins what belongs together (10 ^ 9 -> 10^9, 100,000 -> 100000). Each token keeps its span
in the text and a normalised form the grammar reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    norm: str  # what the grammar sees: lower case, one spelling per symbol
    start: int
    end: int


_SYMBOLS = {
    "≥": ">=", "≧": ">=", "⩾": ">=", "=>": ">=", ">=": ">=", "≤": "<=", "≦": "<=", "⩽": "<=",
    "=<": "<=", "<=": "<=", "<": "<", ">": ">", "=": "=", "≠": "!=", "!=": "!=", "<>": "!=",
    "×": "x", "✕": "x", "*": "*", "−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-",
    "＜": "<", "＞": ">", "˂": "<", "˃": ">", "‹": "<", "›": ">", "：": ":", "，": ",", "、": ",", "；": ";", "（": "(", "）": ")", ">_": ">=", "<_": "<=",
    "[": "(", "]": ")", "ⅹ": "x", "•": "x", "·": "x", "⋅": "x", "˚": "°", "º": "°",
}

# One alternative per kind of piece; order matters (longest and most specific first).
_PIECE = re.compile(
    r"""
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]*\d)|\d+(?:\.\d+)?|\.\d+)
  | (?P<cmp><=|>=|=<|=>|<>|!=|[≤≥≧≦⩾⩽<>=≠＜＞˂˃‹›])
  | (?P<times>[x×✕ⅹ](?=\s*\d|\s*(?:uln|lln|unl|upper|lower|10))|[×✕ⅹ•·⋅])
  | (?P<degree>[˚º](?=[cf]\b))  # "38.5ºC": the ordinal sign and the ring written for the degree sign
  | (?P<glued>\b(?:to|than|least|most|of|over|under|above|below|or|and|age|aged)(?=\d))  # "equal to110 pounds", "Age18-65": a space lost
  | (?P<unit_glued>\b(?:m[2²]|mm[3³]|[dmµu]?l)(?=(?:or|and)\b))  # "18 kg/m2or less": a space lost after a unit
  | (?P<word>[^\W\d_][\w'’+]*(?:[.][a-z](?=[.]))?)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _spacy_tokenizer():
    import spacy  # imported lazily: it is the slowest import of the library

    return spacy.blank("en").tokenizer


_NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16",
    "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50",
    "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
}


# compiled once: tokenizing runs them on every token
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_EXPONENT = re.compile(r"-?\d{1,2}")
_SHORT_UNIT = re.compile(r"[a-z]{1,3}|met(?:er|re)s?")
_SQUARE_OR_CUBE = re.compile(r"[23]")
_E_POWER = re.compile(r"e[369]|e12")
_NUMBER = re.compile(r"\d*\.?\d+")
_BARE_EXPONENT = re.compile(r"[369]|12")
_INTEGER = re.compile(r"\d+")
_ONE_OR_TWO_DIGITS = re.compile(r"\d{1,2}")
_ONE_TO_THREE_DIGITS = re.compile(r"[1-9]\d{0,2}")
_THREE_DIGITS = re.compile(r"\d{3}")
_TNM_FIRST, _TNM_MORE = r"[cpyr]?[tnm][0-4][a-d]?", r"[cpyr]?[tnm]?[0-4x][a-d]?"
_TNM_STAGE, _TNM_NEXT = re.compile(_TNM_FIRST), re.compile(_TNM_MORE)
# what the joins below make of a stage and of a product code, for later stages to recognise
TNM_STAGE_WORD = re.compile(rf"{_TNM_FIRST}(?:-{_TNM_MORE})*")
_SUPERSCRIPT_POWER = re.compile(r"(.*?)10([⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+)(.*)")


def _normalise(text: str) -> str:
    if text in _SYMBOLS:
        return _SYMBOLS[text]
    if text.lower() in _NUMBER_WORDS:  # "within the past six months"; not "one", a pronoun as often as a number
        return _NUMBER_WORDS[text.lower()]
    norm = unicodedata.normalize("NFKC", text).lower()
    norm = norm.replace("µ", "u").replace("μ", "u").replace("’", "'").replace("β", "beta")  # "β-blockers" are beta-blockers
    if _THOUSANDS.fullmatch(norm):
        norm = norm.replace(",", "")
    if "_" in norm and _SUBSCRIPT.fullmatch(norm):  # "FEV_1", "pO_2": a subscript written as in TeX
        norm = norm.replace("_", "")
    return _SYMBOLS.get(norm, norm)


_SUBSCRIPT = re.compile(r"[a-z]{1,6}_\d")


def _split(text: str, offset: int) -> list[Token]:
    pieces = []
    for match in _PIECE.finditer(text):
        piece = match.group(0)
        pieces.append(Token(piece, _normalise(piece), offset + match.start(), offset + match.end()))
    return pieces


def _code_points(tokens: list[Token]) -> list[Token]:
    """"<U+2266>": a character a corpus wrote as its code point, read as the character."""
    joined: list[Token] = []
    i = 0
    while i < len(tokens):
        if (tokens[i].norm == "<" and i + 2 < len(tokens) and _CODE_POINT.fullmatch(tokens[i + 1].norm)
                and tokens[i + 2].norm == ">" and tokens[i + 1].start == tokens[i].end and tokens[i + 2].start == tokens[i + 1].end):
            character = chr(int(tokens[i + 1].norm[2:], 16))
            joined.append(Token(tokens[i].text + tokens[i + 1].text + tokens[i + 2].text, _normalise(character),
                                tokens[i].start, tokens[i + 2].end))
            i += 3
            continue
        joined.append(tokens[i])
        i += 1
    return joined


_CODE_POINT = re.compile(r"u\+[0-9a-f]{4,5}")


def _join_powers(tokens: list[Token]) -> list[Token]:
    """10 ^ 9 and 10 * 9 join into 10^9; "=" ">" written together join into ">=".."""
    joined: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (
            tok.norm == "10"
            and i + 2 < len(tokens)
            and tokens[i + 1].norm in ("^", "*", "**", "~")  # "10~9/L": a caret typed as a tilde
            and tokens[i + 1].start == tok.end
            and _EXPONENT.fullmatch(tokens[i + 2].norm)
        ):
            exponent = tokens[i + 2]
            joined.append(Token(tok.text + tokens[i + 1].text + exponent.text, f"10^{exponent.norm}", tok.start, exponent.end))
            i += 3
            continue
        if (  # "mm(3)", "m(2)": a unit's power in brackets
            _SHORT_UNIT.fullmatch(tok.norm) and i + 3 < len(tokens) and tokens[i + 1].norm == "(" and tokens[i + 1].start == tok.end
            and _SQUARE_OR_CUBE.fullmatch(tokens[i + 2].norm) and tokens[i + 3].norm == ")"
        ):
            joined.append(Token(tok.text + "(" + tokens[i + 2].text + ")", tok.norm + tokens[i + 2].norm, tok.start, tokens[i + 3].end))
            i += 4
            continue
        if (  # mm^3, m^2: a unit's power written with a caret
            _SHORT_UNIT.fullmatch(tok.norm)
            and i + 2 < len(tokens)
            and tokens[i + 1].norm == "^"
            and tokens[i + 1].start == tok.end
            and _SQUARE_OR_CUBE.fullmatch(tokens[i + 2].norm)
        ):
            joined.append(Token(tok.text + "^" + tokens[i + 2].text, tok.norm + tokens[i + 2].norm, tok.start, tokens[i + 2].end))
            i += 3
            continue
        if (  # "10E9/L": a power of ten in E notation
            tok.norm == "10" and i + 1 < len(tokens) and tokens[i + 1].start == tok.end
            and _E_POWER.fullmatch(tokens[i + 1].norm)
        ):
            joined.append(Token(tok.text + tokens[i + 1].text, "10^" + tokens[i + 1].norm[1:], tok.start, tokens[i + 1].end))
            i += 2
            continue
        if (  # "x 109/L", "1.5 109/L", "x 104/mm3": a power of ten that lost its superscript
            (tok.norm in ("103", "106", "109", "1012") and joined and (joined[-1].norm in ("x", "*") or _NUMBER.fullmatch(joined[-1].norm))
             or tok.norm in ("104", "105") and joined and joined[-1].norm in ("x", "*"))
            and i + 1 < len(tokens) and (tokens[i + 1].norm == "/" or tokens[i + 1].norm in ("cells", "cell")
                                         and i + 2 < len(tokens) and tokens[i + 2].norm == "/")
        ):
            joined.append(Token(tok.text, "10^" + tok.norm[2:], tok.start, tok.end))
            i += 1
            continue
        if (  # "1.5 x 10x9/L": the power's caret written as an x
            tok.norm == "10" and joined and joined[-1].norm in ("x", "*") and i + 3 < len(tokens)
            and tokens[i + 1].norm == "x" and tokens[i + 1].start == tok.end and _BARE_EXPONENT.fullmatch(tokens[i + 2].norm)
            and tokens[i + 2].start == tokens[i + 1].end and tokens[i + 3].norm == "/"
        ):
            joined.append(Token(tok.text + "x" + tokens[i + 2].text, "10^" + tokens[i + 2].norm, tok.start, tokens[i + 2].end))
            i += 3
            continue
        if (  # "10 (power of 9)/L", "10(9)/L": the exponent spelled out or in brackets
            tok.norm == "10" and joined and (joined[-1].norm in ("x", "*") or _NUMBER.fullmatch(joined[-1].norm))
            and i + 3 < len(tokens) and tokens[i + 1].norm == "("
        ):
            inner = [t.norm for t in tokens[i + 2: i + 7]]
            width = 3 if inner[:2] == ["power", "of"] else (1 if inner[:1] and _BARE_EXPONENT.fullmatch(inner[0]) else 0)
            if width and len(inner) > width and _BARE_EXPONENT.fullmatch(inner[width - 1]) and inner[width] == ")":
                exponent, closing = tokens[i + 1 + width], tokens[i + 2 + width]
                joined.append(Token(tok.text, "10^" + exponent.norm, tok.start, closing.end))
                i += 3 + width
                continue
        if (  # "x 10 9/L": the exponent written apart
            tok.norm == "10" and joined and joined[-1].norm in ("x", "*")
            and i + 2 < len(tokens) and _BARE_EXPONENT.fullmatch(tokens[i + 1].norm) and tokens[i + 2].norm == "/"
        ):
            joined.append(Token(tok.text + " " + tokens[i + 1].text, "10^" + tokens[i + 1].norm, tok.start, tokens[i + 1].end))
            i += 2
            continue
        if (  # "cT1-2-3", "T2-T3": a TNM stage range is one word, not a name and a range of numbers
            _TNM_STAGE.fullmatch(tok.norm) and i + 2 < len(tokens) and tokens[i + 1].norm == "-"
            and tokens[i + 1].start == tok.end and tokens[i + 2].start == tokens[i + 1].end
            and _TNM_NEXT.fullmatch(tokens[i + 2].norm)
        ):
            end = i + 2
            while (end + 2 < len(tokens) and tokens[end + 1].norm == "-" and tokens[end + 1].start == tokens[end].end
                   and tokens[end + 2].start == tokens[end + 1].end and _TNM_NEXT.fullmatch(tokens[end + 2].norm)):
                end += 2
            text = "".join(t.text for t in tokens[i:end + 1])
            joined.append(Token(text, text.lower(), tok.start, tokens[end].end))
            i = end + 1
            continue
        if (  # "100 000/mm3": a space between thousands, before a unit
            _ONE_TO_THREE_DIGITS.fullmatch(tok.norm) and i + 2 < len(tokens)
            and _THREE_DIGITS.fullmatch(tokens[i + 1].norm) and tokens[i + 1].start == tok.end + 1
            and not (tokens[i + 1].norm in ("103", "106", "109") and tokens[i + 2].norm == "/")  # "100 109/l" is 100 x 10^9/L
            and (tokens[i + 2].norm == "/" or _unit_follows(tokens, i + 2))
        ):
            joined.append(Token(tok.text + " " + tokens[i + 1].text, tok.norm + tokens[i + 1].norm, tok.start, tokens[i + 1].end))
            i += 2
            continue
        if (  # "> 2,5 mg/dl", "18,5 kg/m2": a decimal comma, told from a list "0,1, or 2" by its neighbours
            _INTEGER.fullmatch(tok.norm)
            and i + 2 < len(tokens)
            and tokens[i + 1].norm == "," and tokens[i + 1].start == tok.end and tokens[i + 2].start == tokens[i + 1].end
            and _ONE_OR_TWO_DIGITS.fullmatch(tokens[i + 2].norm)
            # "0,40" is never a thousands separator
            and ((joined and joined[-1].norm in ("<", ">", "<=", ">=", "=")) or _unit_follows(tokens, i + 3)
                 or (tok.norm == "0" and len(tokens[i + 2].norm) == 2))
        ):
            text = tok.text + "," + tokens[i + 2].text
            joined.append(Token(text, tok.norm + "." + tokens[i + 2].norm, tok.start, tokens[i + 2].end))
            i += 3
            continue
        if (  # and/or
            tok.norm == "and" and i + 2 < len(tokens) and tokens[i + 1].norm == "/" and tokens[i + 2].norm == "or"
            and tokens[i + 2].start - tok.end <= 2
        ):
            joined.append(Token(tok.text + "/" + tokens[i + 2].text, "and/or", tok.start, tokens[i + 2].end))
            i += 3
            continue
        if (tok.norm == "on" and i + 2 < len(tokens) and tokens[i + 1].norm == "-" and tokens[i + 2].norm == "going"
                and tokens[i + 1].start == tok.end and tokens[i + 2].start == tokens[i + 1].end):  # "on-going" is "ongoing"
            joined.append(Token(tok.text + "-" + tokens[i + 2].text, "ongoing", tok.start, tokens[i + 2].end))
            i += 3
            continue
        if tok.norm == "and" and i + 1 < len(tokens) and tokens[i + 1].norm == "or" and i > 0:  # "afatinib and or vinorelbine": a lost slash
            joined.append(Token(tok.text + " " + tokens[i + 1].text, "and/or", tok.start, tokens[i + 1].end))
            i += 2
            continue
        if (
            i + 1 < len(tokens)
            # "ANC= > 1,500/mm3": "=>" with a stray space
            and (tokens[i + 1].start == tok.end or tok.text == "=" and tokens[i + 1].text in ("<", ">") and tokens[i + 1].start == tok.end + 1)
            and (tok.text + tokens[i + 1].text) in _SYMBOLS
            and len(tok.text + tokens[i + 1].text) == 2
        ):
            pair = tok.text + tokens[i + 1].text
            joined.append(Token(pair, _SYMBOLS[pair], tok.start, tokens[i + 1].end))
            i += 2
            continue
        joined.append(tok)
        i += 1
    return joined


def _comparator_spellings() -> dict[tuple[str, ...], str]:
    """Comparators spelled with "or" or "/": joined before parsing, so no "or" in them reads as a list."""
    spellings: dict[tuple[str, ...], str] = {}
    for symbol, words in (("<=", ("less", "lower", "smaller", "fewer", "inferior")), (">=", ("greater", "more", "higher", "larger", "superior"))):
        for word in words:
            for form in (f"{word} than or equal to", f"{word} than or equal", f"{word} or equal to", f"{word} or equal than",
                         f"equal to or {word} than", f"equal or {word} than", f"{word} than / equal to", f"{word} than or equals",
                         f"equal or {word} to", f"equal to or {word} to", f"{word} than equal to"):
                spellings[tuple(form.split())] = symbol
            # "greater than >5", "less than ≤ 2": the sign written after its words says it twice
            spellings[(word, "than", symbol[0])] = symbol[0]
            spellings[(word, "than", symbol)] = symbol
        sign = symbol[0]
        over = ("over", "above") if symbol == ">=" else ("under", "below")
        for form in (f"{sign} or =", f"{sign} / =", f"= or {sign}", f"{sign} or equal to", f"{sign} =",
                     *(f"equal to or {word}" for word in over), *(f"equal or {word}" for word in over), *(f"{word} or equal to" for word in over)):
            spellings[tuple(form.split())] = symbol
    return spellings


_COMPARATOR_SPELLINGS = _comparator_spellings()
_COMPARATOR_FIRST_WORDS = {spelling[0] for spelling in _COMPARATOR_SPELLINGS}


_BEFORE_A_COUNT = {"than", "least", "most", ">", "<", ">=", "<="}
_TIME_WORDS = {"year", "years", "month", "months", "week", "weeks", "day", "days", "hour", "hours", "yr", "yrs", "mo"}


def _join_comparators(tokens: list[Token]) -> list[Token]:
    joined: list[Token] = []
    i = 0
    while i < len(tokens):
        following = tokens[i + 1].norm if i + 1 < len(tokens) else ""
        if (  # "three (3) months": a number written out and then in digits
            i + 3 < len(tokens) and tokens[i].text.isalpha() and tokens[i].norm.isdigit()
            and tokens[i + 1].norm == "(" and tokens[i + 2].norm == tokens[i].norm and tokens[i + 3].norm == ")"
        ):
            joined.append(Token(tokens[i].text, tokens[i].norm, tokens[i].start, tokens[i + 3].end))
            i += 4
            continue
        previous = joined[-1].norm if joined else ""
        hyphened = (following == "-" and i + 2 < len(tokens) and tokens[i + 2].norm in _TIME_WORDS  # "one-month"
                    and tokens[i].end == tokens[i + 1].start and tokens[i + 1].end == tokens[i + 2].start)
        if tokens[i].norm == "one" and (following in _TIME_WORDS or hyphened or previous in _BEFORE_A_COUNT
                                        or previous == "between" and following == "and"):  # "between one and 24 months"
            # "less than one year", "at least one measurable lesion"; "one" alone is a pronoun as often
            joined.append(Token(tokens[i].text, "1", tokens[i].start, tokens[i].end))
            i += 1
            continue
        if (  # "18-year-old", "6-month": the hyphen of a compound adjective
            tokens[i].norm == "-" and joined and _NUMBER.fullmatch(joined[-1].norm) and following in _TIME_WORDS
            and joined[-1].end == tokens[i].start and tokens[i].end == tokens[i + 1].start
        ):
            i += 1
            continue
        if tokens[i].norm in _COMPARATOR_FIRST_WORDS:
            for length in (6, 5, 4, 3, 2):
                key = tuple(t.norm for t in tokens[i:i + length])
                if len(key) == length and key in _COMPARATOR_SPELLINGS:
                    last = tokens[i + length - 1]
                    joined.append(Token(tokens[i].text if length == 1 else f"{tokens[i].text}…{last.text}",
                                        _COMPARATOR_SPELLINGS[key], tokens[i].start, last.end))
                    i += length
                    break
            else:
                joined.append(tokens[i])
                i += 1
            continue
        joined.append(tokens[i])
        i += 1
    return joined


_UNIT_START = re.compile(r"(?:%|[munpµ]?(?:g|mol|l|eq)|mc[gl]|dl|u|iu|units?|k|x|cells?|copies|mm\w*|ms|kg|cm|years?|months?|weeks?|days?"
                         r"|hours?|h|min|/)$")


def _unit_follows(tokens: list[Token], index: int) -> bool:
    return index < len(tokens) and bool(_UNIT_START.match(tokens[index].norm))


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


_FRACTION_SLASHES = str.maketrans({"⁄": "/", "∕": "/"})

# Word's Symbol font puts ≥ and ≤ where Latin-1 has ³ and £: "LVEF ³50%", "HbA1c £ 8.5 %". Read so only
# where a sign would stand, alone before a number (not "mm³", nor "10³"); one character for one, so spans hold.
_SYMBOL_FONT_SIGN = re.compile(r"(?<![^\s(\[:])[³£](?= ?(?:\d|[Gg]rade))")


_GRADE_NUMBER = re.compile(r"(grade)(\d+)", re.I)


def _grade_apart(token: Token) -> list[Token]:
    """"grade2": the word and its number, as "grade 2" is read."""
    joined = _GRADE_NUMBER.fullmatch(token.text) if token.norm.startswith("grade") else None
    if not joined:
        return [token]
    cut = token.start + len(joined.group(1))
    return [Token(joined.group(1), joined.group(1).lower(), token.start, cut), Token(joined.group(2), joined.group(2), cut, token.end)]


# "Aplidin®", "Neulasta™": a mark after a product's name says nothing of what it is
_TRADEMARKS = frozenset({"®", "™", "℠", "(R)"})


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens with spans into `text`."""
    tokens: list[Token] = []
    text = _SYMBOL_FONT_SIGN.sub(lambda sign: "≥" if sign.group() == "³" else "≤", text)
    text = text.translate(_FRACTION_SLASHES)  # "150 mg⁄dL": a fraction or division slash is a slash
    for doc_token in _spacy_tokenizer()(text):
        piece = doc_token.text
        start = doc_token.idx
        # 10⁹ is a power even though it is written without a caret.
        sup = _SUPERSCRIPT_POWER.fullmatch(piece)
        if sup:
            head, power, tail = sup.groups()
            tokens.extend(_split(head, start))
            p_start = start + len(head)
            p_end = p_start + 2 + len(power)
            tokens.append(Token(piece[len(head): len(head) + 2 + len(power)], "10^" + power.translate(_SUPERSCRIPTS), p_start, p_end))
            tokens.extend(_split(tail, p_end))
            continue
        tokens.extend(_split(piece, start))
    tokens = [piece for token in tokens if token.text not in _TRADEMARKS for piece in _grade_apart(token)]
    return _bare_powers(_join_comparators(_join_powers(_capital_units(_cyp_isoforms(_product_codes(_code_points(tokens)))))))


_SQUARED_LENGTHS = {"m": "m2", "meter": "m2", "meters": "m2", "metre": "m2", "metres": "m2", "cm": "cm2", "mm": "mm2"}


def _bare_powers(tokens: list[Token]) -> list[Token]:
    """"HCV RNA > 10^5 IU/mL": a power of ten with no number before it is one times that power."""
    out: list[Token] = []
    for index, tok in enumerate(tokens):
        if tok.norm == "th" and out and out[-1].norm.startswith("10^") and out[-1].end == tok.start:
            continue  # "10^9th/L": an ordinal suffix on the power
        if tok.norm == "squared" and out and out[-1].norm in _SQUARED_LENGTHS and out[-1].end < tok.start:
            # "kg/m squared", "1.73 meters squared": the power said in words
            out[-1] = Token(out[-1].text + " " + tok.text, _SQUARED_LENGTHS[out[-1].norm], out[-1].start, tok.end)
            continue
        if (tok.norm == "times" and out and _NUMBER.fullmatch(out[-1].norm) and index + 1 < len(tokens)
                and tokens[index + 1].norm.startswith("10^")):
            tok = Token(tok.text, "x", tok.start, tok.end)  # "130 times 10^9/L"
        if tok.norm.startswith("10^") and not (out and (_NUMBER.fullmatch(out[-1].norm) or out[-1].norm in ("x", "*", "×"))):
            out.append(Token(tok.text, "1", tok.start, tok.start))
        out.append(tok)
    return out


_CODE_LETTERS, _CODE_DIGITS = re.compile(r"[A-Za-z]{2,6}"), re.compile(r"\d{3,7}|0\d")
PRODUCT_CODE_WORD = re.compile(rf"[a-z]{{2,6}}-(?:{_CODE_DIGITS.pattern})")


def _product_codes(tokens: list[Token]) -> list[Token]:
    """"DCC-2618", "UCN-01": an investigational product's code is one name, not a word and a number."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if (i + 2 < len(tokens) and _CODE_LETTERS.fullmatch(tok.text) and tokens[i + 1].text == "-"
                and tokens[i + 1].start == tok.end and tokens[i + 2].start == tokens[i + 1].end
                and _CODE_DIGITS.fullmatch(tokens[i + 2].text)):
            text = tok.text + "-" + tokens[i + 2].text
            out.append(Token(text, text.lower(), tok.start, tokens[i + 2].end))
            i += 3
            continue
        out.append(tok)
        i += 1
    return out


# "cytochrome P450 (CYP) 3A4", "CYP 2D6", "cytochrome P-450 2C19", "CYP3A4/5": one isoform, one word
_CYP_PREFIXES = (("cytochrome", "p450", "(", "cyp", ")"), ("cytochrome", "p450"), ("cytochrome", "p", "-", "450"), ("cytochrome", "p", "450"),
                 ("cytochrome", "p-450"), ("cyp450",), ("cyp", "-"), ("cyp",))
_CYP_FAMILY = re.compile(r"\d")
_CYP_SUBFAMILY = re.compile(r"[a-e]\d{0,2}")
_CYP_CODE = re.compile(r"\d[a-e]\d{0,2}")
_CYP_ISOFORM = re.compile(rf"cyp({_CYP_CODE.pattern})")


def _cyp_isoforms(tokens: list[Token]) -> list[Token]:
    norms = [token.norm for token in tokens]
    if not any(norm.startswith(("cyp", "cytochrome")) for norm in norms):  # every criterion is tokenized: the common case first
        return tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        isoform, end = _cyp_isoform_at(norms, i)
        if isoform is None:
            out.append(tokens[i])
            i += 1
            continue
        # "CYP3A4/5", "CYP3A4/CYP3A5": the subfamily's two, which criteria treat as one
        if end + 1 < len(norms) and norms[end] == "/" and (norms[end + 1].isdigit() or _CYP_ISOFORM.fullmatch(norms[end + 1])):
            end += 2
        if isoform == "3a":  # "CYP3A inhibitors": the subfamily, whose drugs are CYP3A4's
            isoform = "3a4"
        restated, after = _cyp_isoform_at(norms, end + 1) if end + 2 < len(norms) and norms[end] == "(" else (None, end)
        if restated is not None and after < len(norms) and norms[after] == ")" and restated.startswith(isoform[:2]):
            end = after + 1  # "cytochrome P450 3A4 (CYP3A4)": said again
        text = " ".join(token.text for token in tokens[i:end])
        out.append(Token(text, "cyp" + isoform, tokens[i].start, tokens[end - 1].end))
        i = end
    return _cyp_actions_shared(out)


_CYP_ACTIONS = frozenset({"inhibitors", "inducers", "inhibitor", "inducer"})
_CYP_LINKS = frozenset({"or", "and", "and/or", "/"})
_CYP_STRENGTHS = frozenset({"strong", "potent", "moderate", "weak"})


def _strengths_before(norms: list[str], i: int) -> int:
    """Where the strengths said before token `i` start: "strong or moderate", "strong/moderate"."""
    start = i
    while start and norms[start - 1] in _CYP_STRENGTHS:
        start -= 1
        if start >= 2 and norms[start - 1] in _CYP_LINKS and norms[start - 2] in _CYP_STRENGTHS:
            start -= 1
    return start


def _cyp_actions_shared(tokens: list[Token]) -> list[Token]:
    """"CYP3A4 inducers or inhibitors", "inhibitors/inducers of CYP2D6": each action with the isoform
    ("CYP3A4 inducers or CYP3A4 inhibitors"), the isoform's name read again where it is not written."""
    norms = [token.norm for token in tokens]
    for i in range(len(tokens) - 3):
        first, link, second = norms[i + 1:i + 4] if i + 3 < len(norms) else ("", "", "")
        if _CYP_ISOFORM.fullmatch(norms[i]) and first in _CYP_ACTIONS and link in _CYP_LINKS and second in _CYP_ACTIONS:
            # "strong CYP3A4 inhibitors or inducers": the strength goes with both
            said = tokens[_strengths_before(norms, i):i + 1]
            again = [replace(token, start=tokens[i + 3].start, end=tokens[i + 3].start) for token in said]
            return _cyp_actions_shared(tokens[:i + 2] + [replace(tokens[i + 2], norm="or")] + again + tokens[i + 3:])
        if (norms[i] in _CYP_ACTIONS and norms[i + 1] in _CYP_LINKS and norms[i + 2] in _CYP_ACTIONS and norms[i + 3] == "of"
                and i + 4 < len(norms) and _CYP_ISOFORM.fullmatch(norms[i + 4])):
            said = tokens[i + 4]
            again = [replace(tokens[i + 3], start=tokens[i + 1].start, end=tokens[i + 1].start), replace(said, start=tokens[i + 1].start, end=tokens[i + 1].start)]
            strength = [replace(token, start=tokens[i + 2].start, end=tokens[i + 2].start) for token in tokens[_strengths_before(norms, i):i]]
            return _cyp_actions_shared(tokens[:i + 1] + again + [replace(tokens[i + 1], norm="or")] + strength + tokens[i + 2:])
    return tokens


def _cyp_isoform_at(norms: list[str], i: int) -> tuple[str | None, int]:
    """The isoform named from token `i` ("3a4") and where its name ends, or (None, i)."""
    single = _CYP_ISOFORM.fullmatch(norms[i])
    if single:
        return single.group(1), i + 1
    for prefix in _CYP_PREFIXES:
        at = i + len(prefix)
        if tuple(norms[i:at]) != prefix:
            continue
        if at < len(norms) and _CYP_CODE.fullmatch(norms[at]):
            return norms[at], at + 1
        if at + 1 < len(norms) and _CYP_FAMILY.fullmatch(norms[at]) and _CYP_SUBFAMILY.fullmatch(norms[at + 1]):
            return norms[at] + norms[at + 1], at + 2
    return None, i


_MOLAR = {"mM": "mmol", "µM": "umol", "μM": "umol", "uM": "umol", "nM": "nmol", "pM": "pmol"}


def _capital_units(tokens: list[Token]) -> list[Token]:
    """Units told apart by their capital only, read before case is folded: "7.0 mM" is millimolar
    (mmol / L), not "mm"; "0.75 D" a diopter, not a day ("7 d")."""
    out: list[Token] = []
    for tok in tokens:
        if tok.text == "D" and out and _NUMBER.fullmatch(out[-1].norm):
            out.append(Token(tok.text, "diopter", tok.start, tok.end))
        elif tok.text in _MOLAR and out and _NUMBER.fullmatch(out[-1].norm):
            out.extend((Token(tok.text, _MOLAR[tok.text], tok.start, tok.end), Token(tok.text, "/", tok.end, tok.end),
                        Token(tok.text, "l", tok.end, tok.end)))
        else:
            out.append(tok)
    return out
