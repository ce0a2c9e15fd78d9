"""The pilot notebook's headings and short explanations, in English and Chinese.

>>> TEXTS["results"]["zh"][0]
'各指标结果'
"""

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "change": {
        "en": ("What changed", "The pilot as the unit's params define it."),
        "zh": ("试点内容", "本单元参数中定义的试点。"),
    },
    "windows": {
        "en": ("Windows compared", ("Tickets count in the window of their creation (survey answers: of their "
               "submission). Both windows have whole weeks, so every weekday appears equally often.")),
        "zh": ("比较窗口", "工单按创建时间（调研回答按提交时间）归入窗口。两个窗口都是整周，每个星期几出现的次数相同。"),
    },
    "results": {
        "en": ("Results by metric", ("Effect of the pilot on each metric with its 95% interval. With several "
               "metrics tested at once, the p-values are adjusted (Holm) so that the chance of any false "
               "finding stays at 5%; the outcome uses the adjusted p-value.")),
        "zh": ("各指标结果", ("试点对各指标的效应及95%置信区间。同时检验多个指标时，p值经Holm法校正，"
               "使出现任何一个假阳性的概率保持在5%；结论依据校正后的p值。")),
    },
    "verdicts": {
        "en": ("In plain words", ""),
        "zh": ("结论", ""),
    },
    "warnings": {
        "en": ("Before you trust it", ("Checks of the design: calendar, mix of channels and categories, "
               "clusters, skew, survey response rate and trends before the pilot.")),
        "zh": ("可信度检查", "对设计的检查：日历、渠道与类别构成、聚类数、偏度、调研回复率以及试点前的趋势。"),
    },
    "chart": {
        "en": ("Over time", ("Each metric per week in the pilot unit and the pooled control units; the dashed "
               "line marks the pilot start, the shaded areas the compared windows.")),
        "zh": ("随时间变化", "试点单元与合并对照单元的每周指标；虚线为试点开始，阴影为比较窗口。"),
    },
    "about": {
        "en": ("About this report", "The data, parameters and software it was made with."),
        "zh": ("关于本报告", "本报告所用的数据、参数和软件版本。"),
    },
}
