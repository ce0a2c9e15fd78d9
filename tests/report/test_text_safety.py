"""Customer text reaches the report redacted and escaped: a comment cannot run script."""

import html

import pandas as pd
import pytest

import svcinsight as si
from svcinsight.pages import monthly as sections
from svcinsight.studies.monthly import UnitData

TZ = "Asia/Shanghai"


def unit_with_comment(tmp_path, comment: str) -> UnitData:
    params_file = tmp_path / "shop.yaml"
    params_file.write_text("unit: shop\nsources:\n  tickets: t.csv\n", encoding="utf-8")
    stamp = pd.Timestamp("2026-10-05 10:00", tz=TZ)
    tickets = pd.DataFrame({"ticket_id": ["T1"], "created_at": [stamp]})
    feedback = pd.DataFrame({
        "feedback_id": ["F1"], "ticket_id": pd.array([pd.NA], dtype="string"), "submitted_at": [stamp],
        "csat": pd.array([1], dtype="Int64"), "comment": pd.array([comment], dtype="string"),
    })
    return UnitData(params=si.unit.load_params(params_file), month=pd.Period("2026-10", "M"),
                    data=si.Dataset(tickets=tickets, feedback=feedback))


@pytest.mark.parametrize("comment, markup, secret, mask", [
    ("退款太慢了<script>alert(1)</script>，电话13912345678", "<script>", "13912345678", "[phone]"),
    ("退款太慢 <img src=x onerror=alert(2)> 邮箱 angry.customer@example.cn", "<img", "angry.customer@example.cn",
     "[email]"),
    ("退款太慢<b>！</b>身份证11010519491231002X", "<b>", "11010519491231002X", "[id]"),
    ("退款太慢，卡号4111 1111 1111 1111", None, "4111 1111 1111 1111", "[card]"),
])
def test_planted_markup_and_pii_are_escaped_and_masked(tmp_path, comment, markup, secret, mask):
    page = sections.top_issues(unit_with_comment(tmp_path, comment)).to_html()
    assert "退款太慢" in page  # the comment is the example shown
    assert secret not in page and mask in page
    if markup:
        assert markup not in page
        assert html.escape(markup) in page  # shown as text, not dropped
