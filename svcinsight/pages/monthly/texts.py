"""The report's headings and short explanations, in English and Chinese.

>>> TEXTS["targets"]["zh"][0]
'目标跟踪'
"""

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "intro": {
        "en": ("", "This report covers one business unit's customer-service tickets for one month: how many "
                   "came in, how fast they were answered and resolved, whether the unit is on track for its "
                   "targets, and how complete the data was. Tickets count in the month they were created; a "
                   "ticket still open when the data ends counts as unresolved."),
        "zh": ("", "本报告呈现一个业务单元当月的客服工单：进线量、响应与解决速度、目标达成进度以及数据完整性。"
                   "工单按创建月份统计；数据截止时仍未解决的工单计为未解决。"),
    },
    "headline": {
        "en": ("Headline numbers", "This month next to last month, both as the data stands now. First-response SLA "
               "counts a ticket as breached when it was answered late or is still unanswered past its priority's "
               "target; a ticket still inside its target counts neither way."),
        "zh": ("核心指标", "本月与上月对比（均按当前数据计算）。首次响应超时包括响应晚于目标和截至目前仍未响应且已超目标的工单；"
               "仍在目标时限内的工单不计入。"),
    },
    "targets": {
        "en": ("Targets", "Each target's current value with its 95% interval, against the straight path from "
               "baseline to target by the deadline. On track: the whole interval is on the good side of the path; "
               "off track: the whole interval is on the bad side; at risk: in between. Projected: when the target "
               "is reached if the last six months' trend continues."),
        "zh": ("目标跟踪", "各目标的当前值及95%区间，与从基线到截止日期目标值的直线路径比较。正常推进：整个区间优于路径；"
               "偏离目标：整个区间劣于路径；有风险：介于两者之间。预计达成：按近六个月趋势延续时达成目标的月份。"),
    },
    "trends": {
        "en": ("Trends", "The last 13 months; the report month in orange, targets dashed."),
        "zh": ("趋势", "最近13个月；橙色为本报告月份，虚线为目标值。"),
    },
    "volume": {
        "en": ("Volume", "Tickets created per month over the whole history, then per day in the report month by channel."),
        "zh": ("进线量", "全部历史的月度新建工单数，以及本月按渠道的每日新建工单数。"),
    },
    "breakdown": {
        "en": ("Breakdowns", "The month's key numbers by channel, category and priority."),
        "zh": ("分项对比", "本月核心指标按渠道、类别和优先级拆分。"),
    },
    "sla": {
        "en": ("SLA by priority", "First-response targets per priority and how many tickets met them."),
        "zh": ("分优先级SLA", "各优先级的首次响应目标及达标情况。"),
    },
    "process": {
        "en": ("Process and bottlenecks", "Where the time goes in the tickets created this month: the process map "
               "(boxes coloured against each stage's benchmark: green within it, amber up to twice, red beyond), then "
               "the stages ranked by the evidence that they hold tickets up, hand-offs between teams, and rework."),
        "zh": ("流程与瓶颈", "本月新建工单的时间花在哪里：流程图（按各环节基准着色：绿色为达标，琥珀色为不超过两倍，红色为超出两倍），"
               "随后是按证据排序的瓶颈环节、团队间交接以及返工情况。"),
    },
    "pilots": {
        "en": ("Pilots", "Each pilot running this month, tested against its baseline or control units with the "
               "design fixed in the unit's params; p-values corrected for testing several metrics (Holm). The "
               "pilot's own report gives the windows, warnings and charts."),
        "zh": ("试点评估", "本月进行中的试点，按参数中预先设定的设计与基线或对照单元比较；多个指标同时检验时p值经Holm校正。"
               "试点的专门报告给出时间窗口、设计提示与图表。"),
    },
    "plan": {
        "en": ("Improvement plan", "What the unit's numbers would be if each problem found above were fixed, "
               "recomputed on the last months' own tickets (95% bootstrap intervals), ranked by how much of each "
               "target's gap it closes; which of the top ones together reach each target; and a pilot for each of "
               "the first, sized to detect its expected effect."),
        "zh": ("改进计划", "假设上文发现的每个问题得到解决，用近几个月本单元自己的工单重新计算各项指标（含95% bootstrap区间），"
               "按其弥补各目标差距的程度排序；列出前几项合起来能否达成各目标，并为排名靠前的改进设计试点及所需样本量。"),
    },
    "feedback": {
        "en": ("What customers say", "Negative feedback submitted in the month (CSAT 3 or below, NPS 6 or below, or "
               "negative text where there is no score), tagged with the unit's taxonomy and linked to the process "
               "stage each issue belongs to. Example comments have phone numbers, ID and card numbers and e-mail "
               "addresses masked."),
        "zh": ("客户声音", "本月提交的负面反馈（满意度≤3、NPS≤6，无评分时按文本判断），按本单元的标签体系归类，并关联到问题所属的流程环节。"
               "示例评论中的电话、证件号、银行卡号和邮箱已脱敏。"),
    },
    "drivers": {
        "en": ("What drives satisfaction", "The effect of each issue and of each slow stage on CSAT over the last "
               "three months (points on the 1-5 scale, with 95% intervals; regression with robust errors). Longer "
               "bars to the left cost more satisfaction."),
        "zh": ("满意度驱动因素", "近三个月各问题及各环节超时对满意度的影响（1-5分制上的分值，含95%区间，稳健标准误回归）。"
               "向左越长，对满意度的损害越大。"),
    },
    "mix": {
        "en": ("Ticket mix", "Tickets created in the month by category and channel."),
        "zh": ("工单构成", "本月新建工单按类别与渠道的分布。"),
    },
    "quality": {
        "en": ("Data quality", "Every source row is either kept or quarantined with a reason; none is dropped "
               "silently. Quarantined rows are not in the numbers above, nor are the kept rows listed as in no "
               "month (feedback without a submission time) or linked to no ticket (events of a ticket the "
               "tickets source does not have)."),
        "zh": ("数据质量", "每一行源数据要么保留、要么带原因隔离，不会被悄悄丢弃。被隔离的行不计入以上指标；"
               "列为“不计入任何月份”（无提交时间的反馈）或“未关联任何工单”（工单来源中没有其工单的流程事件）的保留行也不计入。"),
    },
    "glossary": {
        "en": ("Glossary", "How each number in this report is defined."),
        "zh": ("指标释义", "本报告中每个指标的定义。"),
    },
    "about": {
        "en": ("About this report", "The parameters, data sources and software versions this report was made with."),
        "zh": ("关于本报告", "生成本报告所用的参数、数据来源与软件版本。"),
    },
}
