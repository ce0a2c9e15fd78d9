"""Taxonomies: the default file, validation messages naming tag and key, extensions."""

from __future__ import annotations

import pandas as pd
import pytest

from svcinsight import feedback
from svcinsight.demo.comments import THEMES
from svcinsight.feedback import TaxonomyError


def tag_dict(**overrides):
    tag = {"id": "gift_card", "label_en": "Gift card", "label_zh": "礼品卡", "kind": "product",
           "stage": None, "keywords_zh": ["礼品卡"], "keywords_en": ["gift card"]}
    tag.update(overrides)
    return tag


def test_default_taxonomy_covers_every_demo_stage():
    taxonomy = feedback.load_taxonomy()
    assert len(taxonomy) >= 25
    demo_stages = {t.stage for t in THEMES.values() if t.stage}
    assert demo_stages <= set(taxonomy.stages)
    assert {t.kind for t in taxonomy} == {"process", "service", "product", "other"}
    frame = taxonomy.to_frame()
    assert frame["id"].is_unique and frame["label_zh"].notna().all()


@pytest.mark.parametrize(("change", "message"), [
    ({"kind": "mood"}, "tag 'gift_card': kind: Input should be 'product', 'service', 'process' or 'other'"),
    ({"label_en": "  "}, "tag 'gift_card': label_en: must not be blank"),
    ({"keywords_zh": [], "keywords_en": []}, "tag 'gift_card': tag: needs at least one keyword"),
    ({"keywords_zh": ["gift"]}, "tag 'gift_card': keywords_zh: 'gift' has no Chinese character"),
    ({"keywords_en": ["礼品"]}, "tag 'gift_card': keywords_en: '礼品' has Chinese characters"),
    ({"keywords_zh": ["*礼品"]}, "tag 'gift_card': keywords_zh: '*礼品': '*' must stand between two parts"),
    ({"keywords_en": ["*gift"]}, "'*' may only end a word"),
    ({"colour": "red"}, "tag 'gift_card': colour: Extra inputs are not permitted"),
    ({"id": "Gift Card"}, "tag 'Gift Card': id: use lower-case letters"),
    ({"keywords_zh": "礼品卡"}, "tag 'gift_card': keywords_zh: Input should be a valid tuple"),
])
def test_validation_errors_name_the_tag_and_the_key(change, message):
    with pytest.raises(TaxonomyError) as raised:
        feedback.load_taxonomy({"tags": [tag_dict(**change)]})
    assert message in str(raised.value)


def test_missing_key_and_several_problems_reported_at_once():
    broken = tag_dict()
    del broken["stage"]
    with pytest.raises(TaxonomyError) as raised:
        feedback.load_taxonomy({"tags": [broken, tag_dict(id="other_one", kind="x")]})
    text = str(raised.value)
    assert "tag 'gift_card': stage: Field required" in text
    assert "tag 'other_one': kind:" in text


def test_duplicate_ids_and_unknown_top_level_keys():
    with pytest.raises(TaxonomyError, match="tag 'gift_card': id: duplicate id"):
        feedback.load_taxonomy({"tags": [tag_dict(), tag_dict()]})
    with pytest.raises(TaxonomyError, match="unknown key"):
        feedback.load_taxonomy({"tagz": []})
    with pytest.raises(TaxonomyError, match="no tags"):
        feedback.load_taxonomy({"tags": []})


def test_extension_from_a_dict_adds_amends_and_removes():
    taxonomy = feedback.load_taxonomy(extend={
        "remove": ["price_value"],
        "tags": [
            {"id": "slow_refund", "keywords_zh": ["钱没退回来"], "stage": "payout"},
            tag_dict(),
        ],
    })
    default = feedback.load_taxonomy()
    assert "price_value" not in taxonomy and "price_value" in default
    refund = taxonomy["slow_refund"]
    assert refund.stage == "payout" and refund.label_en == "Slow refund"
    assert "钱没退回来" in refund.keywords_zh
    assert set(default["slow_refund"].keywords_zh) < set(refund.keywords_zh)
    assert taxonomy.ids[-1] == "gift_card"
    tagged = feedback.tag(pd.DataFrame({"comment": ["钱没退回来", "买了礼品卡"]}), taxonomy)
    assert tagged["primary_tag"].tolist() == ["slow_refund", "gift_card"]


def test_extension_list_shorthand_and_errors():
    taxonomy = feedback.load_taxonomy(extend=[tag_dict()])
    assert "gift_card" in taxonomy
    with pytest.raises(TaxonomyError, match="remove names tags that do not exist: 'nope'"):
        feedback.load_taxonomy(extend={"remove": ["nope"]})
    with pytest.raises(TaxonomyError, match="tag 'brand_new': label_en: Field required"):
        feedback.load_taxonomy(extend={"tags": [{"id": "brand_new", "keywords_zh": ["新"]}]})


def test_remove_then_add_back_replaces_keywords():
    taxonomy = feedback.load_taxonomy(extend={
        "remove": ["qc_delay"], "tags": [tag_dict(id="qc_delay", keywords_zh=["质检报告"], keywords_en=[])]})
    assert taxonomy["qc_delay"].keywords_zh == ("质检报告",)


def test_yaml_files(tmp_path):
    path = tmp_path / "unit.yaml"
    path.write_text("tags:\n  - id: parking\n    label_en: Parking\n    label_zh: 停车\n"
                    "    kind: other\n    stage: null\n    keywords_zh: [停車場]\n", encoding="utf-8")
    assert feedback.load_taxonomy(extend=path)["parking"].keywords_zh == ("停車場",)
    assert feedback.load_taxonomy(path).ids == ("parking",)
    bad = tmp_path / "bad.yaml"
    bad.write_text("tags: [\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        feedback.load_taxonomy(bad)
    with pytest.raises(TaxonomyError, match="does not exist"):
        feedback.load_taxonomy(tmp_path / "missing.yaml")
