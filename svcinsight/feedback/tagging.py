"""Tagging comments with a taxonomy, and counting what was and was not tagged.

Each tag's keywords become one regular expression, run over the normalised comments
with one vectorised ``str.contains`` per tag (see :mod:`svcinsight.feedback.taxonomy`
for how keywords match). Comments are normalised for matching only; the ``comment``
column comes back exactly as it went in. Comments no keyword matches stay in the frame
with ``tagged`` False: :func:`untagged` lists them and :func:`tag_summary` counts them.

Examples
--------
>>> import pandas as pd
>>> from svcinsight import feedback
>>> f = pd.DataFrame({"comment": ["退貨質檢拖了5天，客服態度也很差", "Refund is taking far too long.",
...                               "房间很干净", None]})
>>> out = feedback.tag(f)
>>> out["tags"].tolist()
[['qc_delay', 'slow_resolution', 'rude_agent'], ['slow_refund', 'slow_resolution'], [], []]
>>> out[["primary_tag", "primary_stage", "tagged"]]
   primary_tag      primary_stage  tagged
0     qc_delay  qc result pending    True
1  slow_refund             refund    True
2         <NA>               <NA>   False
3         <NA>               <NA>   False
>>> feedback.untagged(out)["comment"].tolist()
['房间很干净']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from svcinsight.feedback.taxonomy import KINDS, Taxonomy, for_matching, load_taxonomy
from svcinsight.feedback.text import normalize

#: Columns :func:`tag` adds (replacing any of the same name).
TAG_COLUMNS: tuple[str, ...] = ("tags", "stages", "primary_tag", "primary_stage", "tagged")


def match_matrix(comments: pd.Series, taxonomy: Taxonomy) -> pd.DataFrame:
    """Which tag matches which comment: a boolean frame, one column per tag id.

    Parameters
    ----------
    comments : pandas.Series
        Raw comments (normalised here for matching); missing ones match nothing.
    taxonomy : Taxonomy

    Returns
    -------
    pandas.DataFrame
        Booleans, index of ``comments``, columns in taxonomy order.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight.feedback import load_taxonomy
    >>> m = match_matrix(pd.Series(["退款太慢", "friendly agent"]), load_taxonomy())
    >>> m.columns[m.any()].tolist()
    ['slow_refund', 'friendly_agent']
    """
    text = for_matching(normalize(comments))
    columns = {
        tag_id: text.str.contains(pattern, regex=True).fillna(False).astype(bool).to_numpy()
        for tag_id, pattern in taxonomy.patterns().items()
    }
    return pd.DataFrame(columns, index=comments.index, columns=list(taxonomy.ids))


def tag(feedback: pd.DataFrame, taxonomy=None) -> pd.DataFrame:
    """Tag each comment with the taxonomy's tags and the stages they point to.

    Parameters
    ----------
    feedback : pandas.DataFrame
        Feedback with a ``comment`` column (canonical feedback, or any frame).
    taxonomy : Taxonomy, path, mapping or None
        What :func:`~svcinsight.feedback.load_taxonomy` accepts; ``None`` for the
        default taxonomy.

    Returns
    -------
    pandas.DataFrame
        A copy of ``feedback`` (comments unchanged) with columns added:

        - ``tags``: list of matching tag ids, in taxonomy order (empty list if none);
        - ``stages``: list of the distinct stages of those tags (tags with no stage
          contribute none);
        - ``primary_tag``: the first matching tag by kind (process, service, product,
          other), then taxonomy order; ``<NA>`` when untagged;
        - ``primary_stage``: the stage of the first matching tag by the same order
          that has one; ``<NA>`` if none has;
        - ``tagged``: whether any tag matched (False also for missing comments).

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import feedback
    >>> out = feedback.tag(pd.DataFrame({"comment": ["&#36864;款太慢", "Spare parts took forever"]}))
    >>> out["comment"].tolist(), out["primary_stage"].tolist()
    (['&#36864;款太慢', 'Spare parts took forever'], ['refund', 'spare parts'])
    """
    if "comment" not in feedback:
        raise KeyError("feedback has no 'comment' column to tag")
    taxonomy = load_taxonomy(taxonomy)
    matches = match_matrix(feedback["comment"], taxonomy).to_numpy()
    ids = np.array(taxonomy.ids, dtype=object)
    stage_of = np.array([t.stage for t in taxonomy], dtype=object)
    kind_rank = np.array([KINDS.index(t.kind) for t in taxonomy])
    # Primary: best kind first, then taxonomy order; a stable argsort of the kinds gives it.
    priority = np.argsort(kind_rank, kind="stable")

    rows, cols = np.nonzero(matches)
    split_at = np.cumsum(np.bincount(rows, minlength=len(feedback)))[:-1]
    tags = [list(x) for x in np.split(ids[cols], split_at)][:len(feedback)]
    stages = [list(dict.fromkeys(s for s in x if s is not None))
              for x in np.split(stage_of[cols], split_at)][:len(feedback)]

    ordered = matches[:, priority]
    tagged = ordered.any(axis=1)
    first = np.argmax(ordered, axis=1)
    primary = np.where(tagged, ids[priority][first], None)
    staged = ordered & np.array([s is not None for s in stage_of[priority]])[None, :]
    first_staged = np.argmax(staged, axis=1)
    primary_stage = np.where(staged.any(axis=1), stage_of[priority][first_staged], None)

    out = feedback.copy()
    out["tags"] = pd.Series(tags, index=feedback.index, dtype=object)
    out["stages"] = pd.Series(stages, index=feedback.index, dtype=object)
    out["primary_tag"] = pd.Series(primary, index=feedback.index, dtype="string")
    out["primary_stage"] = pd.Series(primary_stage, index=feedback.index, dtype="string")
    out["tagged"] = tagged
    return out


def _has_comment(tagged: pd.DataFrame) -> pd.Series:
    comment = tagged["comment"].astype("string")
    return comment.notna() & (comment.str.strip() != "")


def untagged(tagged: pd.DataFrame) -> pd.DataFrame:
    """The comments no tag matched (rows without a comment are not listed).

    Parameters
    ----------
    tagged : pandas.DataFrame
        Output of :func:`tag`.

    Returns
    -------
    pandas.DataFrame
        Those rows of ``tagged``, all columns kept.

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import feedback
    >>> out = feedback.tag(pd.DataFrame({"comment": ["退款太慢", "ok", "", None]}))
    >>> feedback.untagged(out)["comment"].tolist()
    ['ok']
    """
    _require_tagged(tagged)
    return tagged[_has_comment(tagged) & ~tagged["tagged"].astype(bool)]


def tag_summary(tagged: pd.DataFrame, taxonomy=None) -> pd.DataFrame:
    """How many comments each tag got, with a closing row for the untagged ones.

    Parameters
    ----------
    tagged : pandas.DataFrame
        Output of :func:`tag`.
    taxonomy : Taxonomy, path, mapping or None
        The taxonomy ``tagged`` was made with (for labels, kinds and stages).

    Returns
    -------
    pandas.DataFrame
        One row per tag with at least one comment, most frequent first, then
        ``(untagged)``: ``tag``, ``label_en``, ``label_zh``, ``kind``, ``stage``,
        ``comments`` (comments with the tag), ``primary`` (comments where it is the
        primary tag), ``share`` (``comments`` over all non-empty comments; tags
        overlap, so shares add up to more than 1).

    Examples
    --------
    >>> import pandas as pd
    >>> from svcinsight import feedback
    >>> out = feedback.tag(pd.DataFrame({"comment": ["退款太慢", "退款慢，态度差", "ok"]}))
    >>> feedback.tag_summary(out)[["tag", "comments", "share"]]
               tag  comments     share
    0  slow_refund         2  0.666667
    1   rude_agent         1  0.333333
    2   (untagged)         1  0.333333
    """
    _require_tagged(tagged)
    taxonomy = load_taxonomy(taxonomy)
    has_comment = _has_comment(tagged)
    total = int(has_comment.sum())
    exploded = tagged.loc[has_comment, "tags"].explode().dropna()
    counts = exploded.value_counts()
    primary = tagged.loc[has_comment, "primary_tag"].value_counts()
    info = taxonomy.to_frame().set_index("id")
    order = sorted(counts.index, key=lambda t: (-counts[t], taxonomy.ids.index(t)
                                                if t in taxonomy else len(taxonomy)))
    rows = [{
        "tag": t,
        "label_en": info["label_en"].get(t), "label_zh": info["label_zh"].get(t),
        "kind": info["kind"].get(t), "stage": info["stage"].get(t),
        "comments": int(counts[t]), "primary": int(primary.get(t, 0)),
    } for t in order]
    n_untagged = int((has_comment & ~tagged["tagged"].astype(bool)).sum())
    rows.append({"tag": "(untagged)", "label_en": "Untagged", "label_zh": "未归类",
                 "kind": None, "stage": None, "comments": n_untagged, "primary": n_untagged})
    out = pd.DataFrame(rows, columns=["tag", "label_en", "label_zh", "kind", "stage",
                                      "comments", "primary"])
    out["share"] = out["comments"] / total if total else np.nan
    return out


def _require_tagged(frame: pd.DataFrame) -> None:
    missing = [c for c in ("comment", *TAG_COLUMNS) if c not in frame]
    if missing:
        raise KeyError(f"not a tagged frame (missing {', '.join(missing)}): run feedback.tag() first")
