"""Masking personal data in free text before it reaches a report.

:func:`redact` replaces, inside Chinese or English text with or without spaces around:

=========  ==========================================================  ===========
kind       what                                                        mask
=========  ==========================================================  ===========
``email``  e-mail addresses (``@`` or full-width ``＠``; also without    ``[email]``
           the domain ending at big providers: ``zhang@163``)
``id``     18-digit resident ID numbers (GB 11643): province code,     ``[id]``
           real birth date, check character (0-9 or X) all valid
``card``   bank card numbers, 13-19 digits, spaces or hyphens between  ``[card]``
           groups allowed, Luhn-valid, issuer prefix 3-6 (or 2221-
           2720 for 16 digits)
``phone``  mainland mobiles (1[3-9] + 9 digits; +86 / 0086 / 86        ``[phone]``
           prefix, 3-4-4 groups with spaces or hyphens) and landlines
           with area codes (010 / 02x + 8 digits, 0[3-9]xx + 7-8
           digits; ``021-12345678``, ``(010)12345678``,
           ``+86 21 1234 5678``, ``0755-1234567``)
=========  ==========================================================  ===========

Numbers are found by digit lookarounds, never ``\\b`` (which sees no boundary between a
Chinese character and a digit): a match may not be preceded or followed by another
digit, so a mobile number inside a longer digit run is not one. Full-width digits
(``１３８…``) count as digits. What stays, on purpose:

* order, tracking and serial numbers: digit runs of lengths no kind takes, or that fail
  the kind's checks (an 18-digit number starting 20 is no ID: 20 is no province); a
  Luhn-valid card-length number right after an order label (订单号, 单号, 运单号,
  流水号, 编号, order, tracking, "no.", "#") is taken as the order number it says it is;
* dates and timestamps (``2026-05-01 12:30:45``, ``20260501123045``: 14 digits, no
  card prefix), amounts and prices (``¥1,299.00``: commas and dots are no separators);
* ID numbers with a wrong check character or impossible date (also when the 18 digits
  happen to pass Luhn), cards failing Luhn;
* service hotlines (400-820-6666, 800-...): a company's number, not a person's.

Kinds are masked in the order e-mail, ID, card, phone; a mask is never re-matched.
Unseparated 11-12 digit numbers starting with a valid area code are masked as
landlines: an order number shaped like that is masked too (better than a phone left).

Examples
--------
>>> from svcinsight.privacy import redact
>>> redact("请联系我13800138000或发邮件到li.na@example.cn，订单号2024050112345678")
'请联系我[phone]或发邮件到[email]，订单号2024050112345678'
>>> redact("身份证11010519491231002X，卡号4111 1111 1111 1111，电话(010)12345678")
'身份证[id]，卡号[card]，电话[phone]'
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

#: Kinds of personal data, in the order they are masked.
KINDS: tuple[str, ...] = ("email", "id", "card", "phone")
#: Default masks: the kind in brackets, the same in every report language.
MASKS: Mapping[str, str] = {"email": "[email]", "id": "[id]", "card": "[card]", "phone": "[phone]"}

_D = "[0-9\uff10-\uff19]"                      # ASCII and full-width digits
_NOT_AFTER_DIGIT = r"(?<![0-9\uff10-\uff19])"
_NOT_BEFORE_DIGIT = r"(?![0-9\uff10-\uff19])"
_SEP = "[ \\-\uff0d]"                           # space, hyphen, full-width hyphen
_PLUS = "[+\uff0b]"

# Customers often leave out the domain's ending with the big mail providers ("zhang@163",
# "12345@qq"): those count as addresses too.
_MAIL_PROVIDERS = "163|126|yeah|qq|foxmail|sina|sohu|139|aliyun|gmail|hotmail|outlook|yahoo"
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+[@\uff20]"
    r"(?:[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
    rf"|(?:{_MAIL_PROVIDERS})(?![A-Za-z0-9.\-]))"
)
_ID = re.compile(
    f"{_NOT_AFTER_DIGIT}{_D}{{6}}{_SEP}?{_D}{{8}}{_SEP}?{_D}{{3}}[0-9\uff10-\uff19Xx\uff38\uff58]"
    f"{_NOT_BEFORE_DIGIT}"
)
_CARD = re.compile(
    _NOT_AFTER_DIGIT + "(?:"
    + f"{_D}{{4}}(?:{_SEP}{_D}{{4}}){{2,3}}(?:{_SEP}{_D}{{1,3}})?"   # 4-4-4-4(-3), 4-4-4(-1)
    + f"|{_D}{{4}}{_SEP}{_D}{{6}}{_SEP}{_D}{{4,5}}"                   # Amex / Diners 4-6-5(4)
    + f"|{_D}{{13,19}}"
    + ")" + _NOT_BEFORE_DIGIT
)
_86 = "[8\uff18][6\uff16]"
_0 = "[0\uff10]"
_COUNTRY = f"(?:{_PLUS}?{_86}|{_0}{_0}{_86}|[(\uff08]{_PLUS}?{_86}[)\uff09])"
_MOBILE = (
    f"(?:{_COUNTRY}{_SEP}?)?[1\uff11][3-9\uff13-\uff19]{_D}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{4}}"
)
# Area codes: 010 and 02x carry 8-digit numbers; 0[3-9]xx carry 7 or 8 digits.
_AREA3 = f"(?:[1\uff11]{_0}|[2\uff12]{_D})"
_AREA4 = f"(?:[3-9\uff13-\uff19]{_D}{{2}})"


def _landline(area: str, subscriber: str) -> str:
    return (
        f"(?:{_COUNTRY}{_SEP}?(?:[(\uff08]{_0}?{area}[)\uff09]|{_0}?{area})"
        f"|[(\uff08]{_0}{area}[)\uff09]|{_0}{area})"
        f"{_SEP}?{subscriber}"
    )


_PHONE = re.compile(
    _NOT_AFTER_DIGIT + "(?:"
    + _MOBILE
    + "|" + _landline(_AREA3, f"{_D}{{4}}{_SEP}?{_D}{{4}}")
    + "|" + _landline(_AREA4, f"{_D}{{3,4}}{_SEP}?{_D}{{4}}")
    + ")" + _NOT_BEFORE_DIGIT
)

_ORDER_LABEL = re.compile(
    r"(?:订单|单号|运单|流水号|编号|order|tracking|ref(?:erence)?|no\.?|#)\s*(?:号|编号|number|id)?"
    r"\s*[:：]?\s*$",
    re.IGNORECASE,
)

# GB/T 2260 province-level codes (the first two digits of a resident ID number); 81-83
# are the residence permits of Hong Kong, Macao and Taiwan residents.
_PROVINCES = frozenset({
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


class PiiMatch(NamedTuple):
    """One piece of personal data found in a text: its kind and where it is."""

    kind: str
    start: int
    end: int


def _ascii(text: str) -> str:
    """Digits and X only, full-width folded: '４１１１ 1111' -> '41111111'."""
    return re.sub(r"[^0-9X]", "", unicodedata.normalize("NFKC", text).upper())


def valid_id_number(text: str) -> bool:
    """Whether an 18-character resident ID number passes GB 11643: province, date, check.

    Examples
    --------
    >>> valid_id_number("11010519491231002X"), valid_id_number("110105194912310021")
    (True, False)
    """
    digits = _ascii(text)
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    if int(digits[:2]) not in _PROVINCES:
        return False
    try:
        born = _dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    if not _dt.date(1900, 1, 1) <= born <= _dt.date.today():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == digits[17]


def luhn_valid(text: str) -> bool:
    """Whether a digit string passes the Luhn check (separators ignored).

    Examples
    --------
    >>> luhn_valid("4111 1111 1111 1111"), luhn_valid("4111 1111 1111 1112")
    (True, False)
    """
    digits = _ascii(text)
    if not digits.isdigit():
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _id_shaped(digits: str) -> bool:
    """18 digits with a province code and a real birth date: an ID number, right or wrong."""
    if len(digits) != 18 or int(digits[:2]) not in _PROVINCES:
        return False
    try:
        _dt.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    return 1900 <= int(digits[6:10]) <= _dt.date.today().year


def _card_number(text: str) -> bool:
    digits = _ascii(text)
    if not 13 <= len(digits) <= 19 or not luhn_valid(digits):
        return False
    if _id_shaped(digits):
        # An ID number with a wrong check character is a typo, not a card that happens
        # to pass Luhn (one in ten would): it stays, as invalid IDs do.
        return False
    if digits[0] in "3456":
        return True
    return len(digits) == 16 and 2221 <= int(digits[:4]) <= 2720


def _after_order_label(match: re.Match) -> bool:
    before = match.string[max(0, match.start() - 16):match.start()]
    return _ORDER_LABEL.search(before) is not None


# kind -> (pattern, check on the match: False keeps the text as it is)
_RULES = {
    "email": (_EMAIL, lambda m: True),
    "id": (_ID, lambda m: valid_id_number(m.group())),
    "card": (_CARD, lambda m: _card_number(m.group()) and not _after_order_label(m)),
    "phone": (_PHONE, lambda m: True),
}


def _masks(mask, kinds) -> dict[str, str]:
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s) {sorted(unknown)}; choose from {KINDS}")
    if mask is None:
        chosen = dict(MASKS)
    elif isinstance(mask, str):
        chosen = dict.fromkeys(KINDS, mask)
    elif isinstance(mask, Mapping):
        extra = set(mask) - set(KINDS)
        if extra:
            raise ValueError(f"mask names unknown kind(s) {sorted(extra)}; choose from {KINDS}")
        chosen = {**MASKS, **mask}
    else:
        raise TypeError("mask must be None, a string or a mapping of kind -> string")
    return {k: chosen[k] for k in KINDS if k in kinds}


def find_pii(text: str, *, kinds=KINDS) -> list[PiiMatch]:
    """Where the personal data in a text is, by kind (as :func:`redact` would mask it).

    Parameters
    ----------
    text : str
    kinds : iterable of str
        Which of ``"email"``, ``"id"``, ``"card"``, ``"phone"`` to look for.

    Returns
    -------
    list of PiiMatch
        ``(kind, start, end)`` in order of position; ``text[start:end]`` is the match.

    Examples
    --------
    >>> from svcinsight.privacy import find_pii
    >>> text = "手机+86 138 0013 8000，邮箱amy@example.com"
    >>> [(m.kind, text[m.start:m.end]) for m in find_pii(text)]
    [('phone', '+86 138 0013 8000'), ('email', 'amy@example.com')]
    """
    wanted = _masks(None, tuple(kinds))
    found: list[PiiMatch] = []
    work = text
    for kind in wanted:
        pattern, check = _RULES[kind]
        hits = [m for m in pattern.finditer(work) if check(m)]
        for m in hits:
            found.append(PiiMatch(kind, m.start(), m.end()))
        # Blank what was found (same length, so offsets hold) so no later kind sees it.
        for m in hits:
            work = work[:m.start()] + "\x00" * (m.end() - m.start()) + work[m.end():]
    return sorted(found, key=lambda m: m.start)


def redact(text_or_series, *, mask=None, kinds=KINDS):
    """Mask phone numbers, ID numbers, bank cards and e-mail addresses in text.

    Parameters
    ----------
    text_or_series : str, pandas.Series of str, or None
        Text to clean; missing values pass through.
    mask : None, str or mapping of kind -> str
        ``None`` masks each kind as ``[phone]``, ``[id]``, ``[card]``, ``[email]``; a
        string uses that mask for every kind; a mapping overrides some kinds (e.g.
        ``{"phone": "[手机号]"}``).
    kinds : iterable of str
        Which kinds to mask (default: all of :data:`KINDS`).

    Returns
    -------
    str or pandas.Series
        The same type as given, with the same index; nothing but the matches changes.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight.privacy import redact
    >>> redact(pd.Series(["电话0755-1234567", "价格¥1,299.00，2026-05-01 12:30:45下单", None])).tolist()
    ['电话[phone]', '价格¥1,299.00，2026-05-01 12:30:45下单', nan]
    >>> redact("My card 4111-1111-1111-1111", mask="***")
    'My card ***'
    """
    masks = _masks(mask, tuple(kinds))
    if text_or_series is None or (not isinstance(text_or_series, (str, pd.Series))
                                  and pd.isna(text_or_series)):
        return text_or_series
    if isinstance(text_or_series, str):
        out, last = [], 0
        for m in find_pii(text_or_series, kinds=tuple(masks)):
            out += [text_or_series[last:m.start], masks[m.kind]]
            last = m.end
        return "".join(out) + text_or_series[last:]
    if not isinstance(text_or_series, pd.Series):
        raise TypeError(f"redact takes a str or a pandas Series, not {type(text_or_series).__name__}")
    series = text_or_series
    for kind, replacement in masks.items():
        pattern, check = _RULES[kind]
        series = series.str.replace(
            pattern, lambda m, r=replacement, c=check: r if c(m) else m.group(), regex=True)
    return series
