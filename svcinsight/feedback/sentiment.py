"""Sentiment of feedback comments, Chinese and English, as a score in [0, 1] (1 = positive).

Chinese (any text with a CJK character): a logistic regression on character 1-3-grams,
shipped as ``sentiment_zh.tsv`` and reproduced by ``scripts/train_sentiment.py`` from
80% of the ChnSentiCorp hotel reviews (compiled by Tan Songbo, ICT CAS, for research
use; no explicit licence; the file holds weights only). Character n-grams carry
negation with them (不错, 不太好), so no word segmentation is needed. Hotel reviews
rarely use service wording (没人理, 还没到账, 破损), so a small hand-written lexicon
of such terms (``sentiment_zh_service.tsv``, this project's own) adds to the model's
logit; a term right after 不, 没, 未 or 无 counts the other way. On the 1,540 held-out
reviews (``crc32`` of the text mod 5 == 0) the balanced accuracy is 0.879 (0.881 for
the model alone); on the demo's comment templates 94% take the right side of 0.5.

English (text with Latin letters and no CJK): a small hand-written lexicon
(``sentiment_en.tsv``, this project's own) of words and phrases scored -2..+2, a
negator (not, never, no, n't, without ...) in the three tokens before a term flips it,
and an intensifier (very, so, really ...) before it weighs it x1.5. The score is
``sigmoid(0.9 * sum)``. Measured only on a small labelled set written for the tests
(``tests/feedback/english_sentiment.tsv``), so its accuracy is indicative.

Missing, empty and whitespace-only texts, and texts with no letters at all, score NaN:
there is no evidence either way, and a neutral 0.5 would pull averages towards the
middle.

Examples
--------
>>> from svcinsight import feedback
>>> s = feedback.sentiment(["客服态度很好，很快就解决了", "退款太慢了，一直没人理", "Great service", ""])
>>> (s.round(2) > 0.5).tolist()[:3], (s.round(2) < 0.5).tolist()[:3], s.isna().tolist()[3]
([True, False, True], [False, True, False], True)
"""

from __future__ import annotations

import functools
import math
import re
from importlib import resources

import numpy as np
import pandas as pd

from svcinsight import config
from svcinsight.feedback.text import normalize

_ZH_FILE = "sentiment_zh.tsv"
_EN_FILE = "sentiment_en.tsv"
_ZH_SERVICE_FILE = "sentiment_zh_service.tsv"
_ZH_NEGATORS = "不没未无"
_NGRAM_MAX = 3
_EN_SLOPE = 0.9
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_LETTER = r"[a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_WHITESPACE = re.compile(r"\s+")
_EN_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_EN_CLAUSE = re.compile(r"[.,;:!?()\n]+|\bbut\b|\bhowever\b|\balthough\b")
_NEGATORS = frozenset({
    "not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without",
    "hardly", "barely", "cannot", "cant", "dont", "didnt", "doesnt", "isnt", "wasnt",
    "werent", "wont", "wouldnt", "couldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint",
})
_INTENSIFIERS = frozenset({"very", "so", "really", "extremely", "super", "totally", "truly",
                           "absolutely", "incredibly", "far", "too"})
_NEGATION_WINDOW = 3


def ngrams(text: str) -> set[str]:
    """Distinct character 1-3-grams of a normalised text, whitespace runs as one space.

    Examples
    --------
    >>> sorted(ngrams("不错"))
    ['不', '不错', '错']
    """
    text = _WHITESPACE.sub(" ", text).strip()
    return {text[i:i + n] for n in range(1, _NGRAM_MAX + 1) for i in range(len(text) - n + 1)}


@functools.cache
def _zh_model() -> tuple[dict[str, float], float]:
    lines = resources.files("svcinsight.feedback").joinpath(_ZH_FILE).read_text(encoding="utf-8")
    weights, intercept = {}, 0.0
    for line in lines.splitlines():
        if not line or line.startswith("#"):
            continue
        gram, value = line.split("\t")
        if gram == "__intercept__":
            intercept = float(value)
        else:
            weights[gram] = float(value)
    return weights, intercept


@functools.cache
def _zh_service() -> tuple[re.Pattern, dict[str, float]]:
    lexicon = _read_lexicon(_ZH_SERVICE_FILE)
    # Longest first, so that 态度很差 wins over 很差 at the same position.
    terms = sorted(lexicon, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, terms))), lexicon


def _read_lexicon(name: str) -> dict[str, float]:
    lines = resources.files("svcinsight.feedback").joinpath(name).read_text(encoding="utf-8")
    return {term: float(value) for term, value in
            (line.split("\t") for line in lines.splitlines() if line and not line.startswith("#"))}


@functools.cache
def _en_lexicon() -> dict[tuple[str, ...], float]:
    return {tuple(term.replace("'", "").split()): value
            for term, value in _read_lexicon(_EN_FILE).items()}


def _zh_score(text: str, weights: dict[str, float], intercept: float,
              service: tuple[re.Pattern, dict[str, float]]) -> float:
    grams = ngrams(text)
    logit = intercept + sum(weights.get(g, 0.0) for g in grams) / math.sqrt(max(len(grams), 1))
    pattern, lexicon = service
    for match in pattern.finditer(text):
        term = match.group()
        value = lexicon[term]
        if term[0] not in _ZH_NEGATORS and any(
                c in _ZH_NEGATORS for c in text[max(0, match.start() - 2):match.start()]):
            value = -value
        logit += value
    return 1.0 / (1.0 + math.exp(-logit))


def _en_score(text: str, lexicon: dict[tuple[str, ...], float]) -> float:
    longest = max((len(k) for k in lexicon), default=1)
    total = 0.0
    # A negator reaches to the end of its clause at most: "not fast, but great" is mixed.
    for clause in _EN_CLAUSE.split(text):
        tokens = [t.replace("'", "") for t in _EN_TOKEN.findall(clause)]
        i = 0
        while i < len(tokens):
            for size in range(min(longest, len(tokens) - i), 0, -1):
                value = lexicon.get(tuple(tokens[i:i + size]))
                if value is not None:
                    before = tokens[max(0, i - _NEGATION_WINDOW):i]
                    if any(t in _NEGATORS for t in before):
                        value = -value
                    if before and before[-1] in _INTENSIFIERS:
                        value *= 1.5
                    total += value
                    i += size
                    break
            else:
                i += 1
    return 1.0 / (1.0 + math.exp(-_EN_SLOPE * total))


def sentiment(texts) -> pd.Series:
    """Sentiment of each text: a score in [0, 1], 1 = positive, NaN where there is no text.

    Parameters
    ----------
    texts : str, pandas.Series or iterable of str
        Comments in Chinese (simplified or traditional) or English. HTML entities and
        full-width characters are normalised first (:mod:`svcinsight.feedback.text`).

    Returns
    -------
    pandas.Series
        Float scores named ``sentiment``, with the index of ``texts`` (a range index
        for a list or a single string). Chinese scores are the model's probability of
        a positive review; English ones a squashed lexicon sum. Missing, empty or
        letter-free texts are NaN.

    Notes
    -----
    Balanced accuracy on held-out ChnSentiCorp hotel reviews: 0.879 (threshold 0.5;
    see ``benchmarks/README.md``); throughput about 7,000 hotel reviews/s (129
    characters on average) and 50,000 short demo comments/s on one core. The model
    learnt hotel reviews; the service lexicon covers the commonest customer-service
    complaints, not every domain's wording, so check a unit's own labelled comments
    before leaning on text scores.

    Examples
    --------
    >>> from svcinsight import feedback
    >>> bool(feedback.sentiment("服務態度很差").iloc[0] < 0.5)
    True
    >>> s = feedback.sentiment(["not good", "not bad at all", "The agent was rude"])
    >>> (s > 0.5).tolist()
    [False, True, False]
    """
    series = pd.Series([texts]) if isinstance(texts, str) else (
        texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object))
    norm = normalize(series)
    has_text = norm.str.contains(_LETTER, regex=True).fillna(False).astype(bool).to_numpy()
    chinese = norm.str.contains(_CJK, regex=True).fillna(False).astype(bool).to_numpy()
    scores = np.full(len(norm), np.nan)
    values = norm.to_numpy(dtype=object, na_value=None)
    if chinese.any():
        weights, intercept = _zh_model()
        service = _zh_service()
        scores[chinese] = [_zh_score(t, weights, intercept, service) for t in values[chinese]]
    english = has_text & ~chinese
    if english.any():
        lexicon = _en_lexicon()
        scores[english] = [_en_score(t, lexicon) for t in values[english]]
    return pd.Series(scores, index=series.index, name="sentiment")


def sentiment_for(feedback: pd.DataFrame) -> pd.Series:
    """Each piece of feedback's sentiment: from its score where it has one, else its text.

    Parameters
    ----------
    feedback : pandas.DataFrame
        Canonical feedback (``csat``, ``nps``, ``comment``; any may be absent).

    Returns
    -------
    pandas.Series
        Scores in [0, 1] named ``sentiment``: ``(csat - 1) / 4`` where there is a CSAT,
        else ``nps / 10``, else :func:`sentiment` of the comment; NaN with none of them.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import feedback
    >>> f = pd.DataFrame({"csat": [5, None, None, None], "nps": [None, 3, None, None],
    ...                   "comment": ["差", "好", "客服很专业，很快就解决了", None]})
    >>> score = feedback.sentiment_for(f)
    >>> score.round(2).tolist()[:2], bool(score.iloc[2] > 0.5), bool(score.isna().iloc[3])
    ([1.0, 0.3], True, True)
    """
    score = pd.Series(np.nan, index=feedback.index, name="sentiment")
    if "csat" in feedback:
        score = score.fillna((pd.to_numeric(feedback["csat"]).astype(float) - 1) / 4)
    if "nps" in feedback:
        score = score.fillna(pd.to_numeric(feedback["nps"]).astype(float) / 10)
    if "comment" in feedback:
        need = score.isna() & feedback["comment"].notna()
        if need.any():
            score[need] = sentiment(feedback.loc[need, "comment"]).to_numpy()
    return score


def negative(feedback: pd.DataFrame) -> pd.Series:
    """Whether each piece of feedback is negative: a low score where scored, else its text.

    Low scores follow the guides: CSAT at or below ``config.LOW_CSAT_THRESHOLD`` (3),
    NPS 0-6 (detractors). Unscored feedback is negative when its text scores below 0.5.
    Feedback with neither is ``<NA>``.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight.feedback.sentiment import negative
    >>> negative(pd.DataFrame({"csat": [3, 4, None], "comment": [None, None, "太慢了，很差"]})).tolist()
    [True, False, True]
    """
    result = pd.Series(pd.NA, index=feedback.index, dtype="boolean", name="negative")
    if "csat" in feedback:
        csat = pd.to_numeric(feedback["csat"]).astype(float)
        result = result.fillna(pd.Series(csat <= config.LOW_CSAT_THRESHOLD, dtype="boolean")
                               .mask(csat.isna()))
    if "nps" in feedback:
        nps = pd.to_numeric(feedback["nps"]).astype(float)
        result = result.fillna(pd.Series(nps <= 6, dtype="boolean").mask(nps.isna()))
    if "comment" in feedback:
        need = result.isna() & feedback["comment"].notna()
        if need.any():
            text = sentiment(feedback.loc[need, "comment"])
            result[need] = pd.Series(text < 0.5, dtype="boolean").mask(text.isna()).to_numpy()
    return result
