"""The words a page shows for data: Chinese names of the table labels, metric labels
and numbers formatted by the metric's unit.

>>> metric_label("fcr_rate", "en")
'First contact resolution'
>>> format_metric("fcr_rate", 0.8412)
'84.1%'
>>> word("urgent", "zh"), word("urgent", "en")
('紧急', 'urgent')
"""

from __future__ import annotations

import pandas as pd

from svcinsight.metrics import get
from svcinsight.pages.headline import format_value

#: Chinese names of the words the report's tables use as column or row labels.
ZH = {
    "table": "数据表", "source": "来源", "rows in": "读入行数", "kept": "保留", "quarantined": "隔离",
    "rows in source (kept)": "来源行数（保留）", "rows for this unit": "本单元行数",
    "reason": "原因", "action": "处理", "column": "字段", "count": "行数", "examples": "示例",
    "item": "项目", "value": "值", "unit": "单元", "month": "月份", "language": "语言", "timezone": "时区",
    "business_unit filter": "业务单元筛选", "params file": "参数文件",
    "first-response targets (h)": "首次响应目标（小时）", "git revision": "代码版本", "rendered at": "生成时间",
    "channel": "渠道", "category": "类别", "priority": "优先级", "total": "合计",
    "tickets": "工单", "events": "流程事件", "feedback": "反馈", "orders": "订单",
    # metric units and directions (glossary)
    "fraction": "比例", "hours": "小时", "minutes": "分钟", "score": "分", "nps": "净推荐值",
    "per_1k_orders": "每千单", "per_agent_day": "每坐席日",
    "higher": "越高越好", "lower": "越低越好", "neutral": "中性",
    # the canonical priorities (svcinsight.schema) and the label of a missing value
    "urgent": "紧急", "important": "重要", "normal": "普通", "(none)": "（无）",
    # what the ledger did with a row
    "adjusted": "已调整", "kept, in no month": "保留，不计入任何月份", "kept, linked to no ticket": "保留，未关联任何工单",
}


def word(value, language: str):
    """A label in the page's language (unchanged when it has no Chinese name)."""
    return ZH.get(value, value) if language == "zh" else value


def words(frame: pd.DataFrame, language: str, values: tuple[str, ...] = ()) -> pd.DataFrame:
    """The frame with its column labels (and the words in ``values`` columns) in the
    page's language."""
    if language != "zh":
        return frame
    frame = frame.copy()
    for col in values:
        frame[col] = frame[col].map(lambda v: ZH.get(v, v))
    return frame.rename(columns=lambda c: ZH.get(c, c))


def metric_label(metric: str, language: str) -> str:
    """A metric's label in the page's language, with its unit where it is not obvious."""
    return get(metric).display_label(language)


def format_metric(metric: str, value: float) -> str:
    """A metric's value as pages show it (percent for rates, thousands for counts)."""
    unit_kind = {"count": "count", "fraction": "rate"}.get(get(metric).unit, "number")
    return format_value(value, unit_kind)
