"""Comment text as the matchers see it: one normal form for Chinese and English.

Normalising is for matching only; the ``comment`` column a user sees is never changed.
Steps, each vectorised over a Series:

1. HTML character references decoded (``&#35828;`` -> 说, ``&amp;`` -> &), only on the
   rows that contain ``&``;
2. Unicode NFKC: full-width letters, digits and punctuation become half-width
   (``５星`` -> ``5星``, ``ＡＰＰ`` -> ``APP``, the ideographic space -> a space);
3. traditional -> simplified Chinese, character by character (``t2s_chars.tsv``, derived
   from OpenCC, Apache License 2.0: see ``OPENCC_LICENSE.txt``);
4. lower case.

Examples
--------
>>> import pandas as pd
>>> from svcinsight.feedback.text import normalize
>>> normalize(pd.Series(["退貨太慢", "&#35828;好的", "ＲＥＦＵＮＤ ５天", None])).tolist()
['退货太慢', '说好的', 'refund 5天', <NA>]
"""

from __future__ import annotations

import functools
import html
import unicodedata
from importlib import resources

import pandas as pd

_T2S_FILE = "t2s_chars.tsv"


@functools.cache
def t2s_table() -> dict[int, str]:
    """The traditional -> simplified table, as ``str.translate`` takes it.

    Examples
    --------
    >>> "退貨".translate(t2s_table())
    '退货'
    """
    text = resources.files("svcinsight.feedback").joinpath(_T2S_FILE).read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


def normalize(texts) -> pd.Series:
    """Comments in their matching form: entities decoded, half-width, simplified, lower case.

    Parameters
    ----------
    texts : pandas.Series or iterable of str
        Comments; missing values stay missing.

    Returns
    -------
    pandas.Series
        Nullable strings (``"string"`` dtype), same index as ``texts``.

    Examples
    --------
    >>> normalize(["說實話，服務員態度很差", "Refund TOO slow"]).tolist()
    ['说实话,服务员态度很差', 'refund too slow']
    """
    series = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    text = series.astype("string")
    entity = text.str.contains("&", regex=False).fillna(False).astype(bool)
    if entity.any():
        text = text.copy()
        text[entity] = text[entity].map(html.unescape)
    return text.str.normalize("NFKC").str.translate(t2s_table()).str.lower()


def normalize_one(text: str) -> str:
    """:func:`normalize` for one string.

    Examples
    --------
    >>> normalize_one("ＯＫ，體驗不錯")
    'ok,体验不错'
    """
    if "&" in text:
        text = html.unescape(text)
    return unicodedata.normalize("NFKC", text).translate(t2s_table()).lower()
