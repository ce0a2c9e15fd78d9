"""Tagging: normalisation for matching only, Chinese substrings and English word
boundaries, several tags per comment, untagged rows kept and counted, and the demo's
comments landing on the stages the generator meant."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from svcinsight import feedback
from svcinsight.demo.comments import THEMES


def tags_of(*comments, taxonomy=None):
    return feedback.tag(pd.DataFrame({"comment": list(comments)}), taxonomy)["tags"].tolist()


def test_traditional_characters_tag_like_simplified():
    simplified, traditional = tags_of("退货太慢，质检拖了三天", "退貨太慢，質檢拖了三天")
    assert simplified == traditional == ["qc_delay", "slow_resolution"]
    assert tags_of("服務態度很差", "說了好幾遍還是要重新說")[0] == ["rude_agent"]


def test_full_width_and_case_are_normalised_for_matching():
    assert tags_of("ＲＥＦＵＮＤ ＩＳ ＴＡＫＩＮＧ forever", "The QC check was late")[0] == ["slow_refund"]
    assert tags_of("The QC check was late")[0] == ["qc_delay"]


def test_html_entities_decoded_for_matching_and_the_comment_kept(hotel_reviews):
    row = hotel_reviews[hotel_reviews["review"].str.contains("&#35828;", regex=False, na=False)]
    assert len(row) == 1
    original = row["review"].iloc[0]
    # 服&#21153;&#21592;素&#36136;&#36739;低 reads 服务员素质较低 once decoded.
    assert "素质较低" not in original
    out = feedback.tag(row.rename(columns={"review": "comment"}))
    assert out["comment"].iloc[0] == original
    assert "rude_agent" in out["tags"].iloc[0]
    custom = {"tags": [{"id": "staff", "label_en": "Staff", "label_zh": "员工", "kind": "service",
                        "stage": None, "keywords_zh": ["服务员素质"]}]}
    assert feedback.tag(row.rename(columns={"review": "comment"}), custom)["tagged"].iloc[0]


def test_comments_never_altered():
    comments = ["退貨太慢&amp;", "ＡＢＣ", "  spaces  ", None, "Refund!"]
    frame = pd.DataFrame({"comment": pd.Series(comments, dtype="string"), "x": range(5)})
    out = feedback.tag(frame)
    pd.testing.assert_series_equal(out["comment"], frame["comment"])
    assert list(out.columns) == ["comment", "x", "tags", "stages", "primary_tag", "primary_stage",
                                 "tagged"]
    assert out.index.equals(frame.index)


def test_several_tags_and_primary_by_kind_then_order():
    out = feedback.tag(pd.DataFrame({"comment": [
        "客服态度很好，但是退款太慢了，质检也拖了好几天",
        "价格太贵，服务态度差",
    ]}))
    assert out["tags"].iloc[0] == ["qc_delay", "slow_refund", "slow_resolution", "friendly_agent"]
    assert out["stages"].iloc[0] == ["qc result pending", "refund", "in progress"]
    assert out["primary_tag"].iloc[0] == "qc_delay"          # process before service
    assert out["primary_tag"].iloc[1] == "rude_agent"        # service before other
    assert out["primary_stage"].iloc[1] == "in progress"


@pytest.mark.parametrize(("comment", "expected"), [
    ("refund is slow", ["slow_refund"]),
    ("refunds are slow", []),                          # "refund is slow" is the phrase
    ("waiting for my refund", ["slow_refund"]),
    ("still waiting for my refunds", ["slow_refund"]),  # last word inflected
    ("the agent was friendly", ["friendly_agent"]),
    ("the agent was unfriendly", ["rude_agent"]),      # no match inside a word
    ("the agent was not friendly", []),                # negated
    ("bill", ["billing_error"]), ("billed twice", ["billing_error"]),
    ("billboard outside", []),
    ("escalated to a manager", ["escalation"]),
    ("退款太慢refund", ["slow_refund"]),                # English next to Chinese, no spaces
    ("一点也不热情", []),                                # 不热情 is not 热情
    ("不上门", ["technician_wait"]),                    # keyword starting with 不 still counts
    ("质检\n结果出来了", ["qc_delay"]),
])
def test_keyword_rules(comment, expected):
    assert tags_of(comment)[0] == expected


def test_chinese_gap_stays_within_a_clause():
    assert tags_of("退款还在处理中")[0] == ["slow_refund"]
    assert tags_of("退款了。后来订单一直处理中")[0] == []


def test_untagged_kept_listed_and_counted():
    frame = pd.DataFrame({"comment": ["退款太慢", "房间很大", "", None, "nice view", "退款慢，态度差"]})
    out = feedback.tag(frame)
    assert len(out) == len(frame)
    assert out["tagged"].tolist() == [True, False, False, False, False, True]
    assert feedback.untagged(out)["comment"].tolist() == ["房间很大", "nice view"]
    summary = feedback.tag_summary(out).set_index("tag")
    assert summary.loc["(untagged)", "comments"] == 2
    assert summary.loc["slow_refund", "comments"] == 2
    assert summary.loc["slow_refund", "share"] == pytest.approx(2 / 4)
    with pytest.raises(KeyError, match="run feedback.tag"):
        feedback.untagged(frame)
    with pytest.raises(KeyError, match="no 'comment' column"):
        feedback.tag(pd.DataFrame({"text": ["x"]}))


def test_real_reviews_tagging_keeps_every_row(hotel_reviews):
    out = feedback.tag(hotel_reviews.rename(columns={"review": "comment"}))
    assert len(out) == len(hotel_reviews)
    summary = feedback.tag_summary(out).set_index("tag")
    untagged = len(feedback.untagged(out))
    assert summary.loc["(untagged)", "comments"] == untagged
    # Hotel reviews are not the taxonomy's industries: most stay untagged, and say so.
    assert 0.6 < untagged / out["comment"].notna().sum() < 0.9
    assert summary.loc["friendly_agent", "comments"] > 300


# --- the demo -------------------------------------------------------------------------

def _template_patterns():
    patterns = []
    for theme in THEMES.values():
        for language in ("zh", "en"):
            for template in getattr(theme, language):
                body = re.escape(template)
                body = re.sub(r"\\\{(hours|minutes|days)\\\}", r"\\d+", body)
                patterns.append((theme, re.compile(body)))
    return patterns


def test_every_demo_template_tags_to_its_theme_stage():
    rows = [(theme, template.format(hours=6, minutes=25, days=3))
            for theme in THEMES.values() for language in ("zh", "en")
            for template in getattr(theme, language)]
    out = feedback.tag(pd.DataFrame({"comment": [text for _, text in rows]}))
    for (theme, text), (_, row) in zip(rows, out.iterrows()):
        if theme.stage is None:
            assert row["primary_tag"] == theme.key, text
        else:
            assert row["primary_stage"] == theme.stage, (text, row["tags"])


def test_demo_comments_land_on_the_generators_stages(demo):
    tagged = feedback.tag(demo.feedback)
    comments = tagged[tagged["comment"].notna()]
    assert comments["tagged"].mean() > 0.99
    patterns = _template_patterns()
    checked = primary_hits = 0
    for _, row in comments.sample(1500, random_state=7).iterrows():
        theme = next(t for t, p in patterns if p.match(row["comment"]))
        checked += 1
        if theme.stage is None:
            assert theme.key in row["tags"], row["comment"]
            primary_hits += row["primary_tag"] == theme.key
        else:
            assert theme.stage in row["stages"], row["comment"]
            primary_hits += row["primary_stage"] == theme.stage
    # A contact sentence can add a tag ("charged twice"), rarely taking the primary.
    assert primary_hits / checked > 0.98
