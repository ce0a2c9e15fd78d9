"""Customer feedback: tags tied to process stages, sentiment, and what drives low scores.

- :func:`load_taxonomy`: the default taxonomy (demo industries) merged with a unit's
  extension; :class:`Taxonomy`, :class:`Tag`, :class:`TaxonomyError`.
- :func:`tag`: tags, stages, primary tag and stage per comment; :func:`untagged` and
  :func:`tag_summary` count what no tag matched, never dropping it.
- :func:`sentiment`: a score in [0, 1] for Chinese and English text;
  :func:`sentiment_for`: from CSAT or NPS where there is one, else from the text.
- :func:`drivers`: which tags, ticket flags and stage delays go with low satisfaction,
  with effects, intervals and a ranking; :func:`stage_links`: per stage, its share of
  negative feedback beside its time over benchmark.

Examples
--------
>>> import svcinsight as si
>>> from svcinsight import feedback
>>> ds = si.demo.generate(seed=0, months=2, tickets_per_month=400)
>>> tagged = feedback.tag(ds.feedback)
>>> bool(tagged.loc[tagged["comment"].notna(), "tagged"].mean() > 0.9)
True
"""

from svcinsight.feedback.drivers import drivers
from svcinsight.feedback.links import stage_links
from svcinsight.feedback.sentiment import negative, sentiment, sentiment_for
from svcinsight.feedback.tagging import tag, tag_summary, untagged
from svcinsight.feedback.taxonomy import Tag, Taxonomy, TaxonomyError, load_taxonomy

__all__ = [
    "Tag",
    "Taxonomy",
    "TaxonomyError",
    "drivers",
    "load_taxonomy",
    "negative",
    "sentiment",
    "sentiment_for",
    "stage_links",
    "tag",
    "tag_summary",
    "untagged",
]
