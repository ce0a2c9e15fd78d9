"""Pages: everything a reader sees, and the only place that turns data into HTML.

* :mod:`svcinsight.pages.monthly`: the monthly report's sections;
* :mod:`svcinsight.pages.pilot`: the pilot evaluation page;
* :mod:`svcinsight.pages.plan`: the improvement-plan page (and the monthly page's plan);
* :mod:`svcinsight.pages.common`: title, headings and provenance, written once;
* :mod:`svcinsight.pages.tables`: the table renderer, which escapes every cell, index
  value, header and caption by construction;
* :mod:`svcinsight.pages.headline`, :mod:`svcinsight.pages.labels`: numbers and words
  as pages show them.

Pages read studies (:mod:`svcinsight.studies`) and never load data themselves.
"""
