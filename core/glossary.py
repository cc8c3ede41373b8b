"""The glossary: the one Chinese term for every state and key noun of the domain (issue #16).

The interface speaks through gettext with English msgids, so a term has two halves: the English
msgid the code writes (a choice's label, a verbose name, a template's `{% translate %}`) and the
Chinese the zh_Hans catalogue gives it. This module is the single source of truth for the pair:
it maps each English msgid to the one Chinese term it must read as, and
`core/tests/test_glossary.py` holds the catalogue, every choice label of every model and the
templates to it. Why a map checked against the catalogue rather than labels built from here:

- gettext stays the one way text is translated (ARCHITECTURE.md #11): `makemessages` still
  finds every label where it is written, translators still work in the .po, and the English
  interface still reads English;
- a msgid has one translation, so one English label can carry one meaning only. When the same
  English word meant two things (a pledge "Closed" 已终止 and a problem 已销号; "Open" as the
  state 待整改 and as the button 启动), the fix is two msgids, and keying the glossary by msgid
  makes the test catch the next such collision (a label that is not here fails the test).

A new choice label or state therefore means one line here, with its Chinese term, and the same
term in the catalogue.
"""

#: The state (and status) labels of every record, as badges and filters show them.
STATES: dict[str, str] = {
    # cadres.CertificateState
    "Valid": "有效",
    "Suspended": "暂停",
    "Revoked": "吊销",
    "Expired": "到期失效",
    # cadres.PledgeState
    "Draft": "草稿",
    "Signed by the cadre": "本人已签字",
    "In force": "生效",
    "Superseded by an amendment": "已被修订替代",
    "Ended": "已终止",
    # cadres.AppraisalState (also Draft)
    "Concluded": "已办结",
    # cadres.AdviceState
    "Opened": "已立项",
    "Talk held": "已谈话",
    "Decided": "已处理",
    # ledgers.VerificationState
    "Being prepared": "编制中",
    "Confirmed by the township": "乡镇已确认",
    # ledgers.VoucherState (also Draft)
    "Posted": "已记账",
    # ledgers.AssetStatus
    "In use": "在用",
    "Leased out": "出租",
    "Idle": "闲置",
    "Disposed": "已处置",
    # ledgers.ResourceStatus (also Idle)
    "Self-operated": "自营",
    "Contracted out": "发包",
    "Leased": "租赁",
    # ledgers.DisclosureState
    "Generated, under review": "已生成，待审核",
    "Approved by the township": "乡镇已审核",
    "Published": "已公开",
    # ledgers.HandoverState (also Being prepared)
    "Signed by all three": "三方已签字",
    # ledgers.FindingStatus
    "Awaiting rectification": "待整改",
    "Being rectified": "整改中",
    "Resolved": "已整改",
    # ledgers.DecisionState
    "Awaiting the party branch's proposal": "待党支部提议",
    "Proposed by the party branch": "党支部已提议",
    "Discussed by the two committees": "两委会已商议",
    "Reviewed by the party members' meeting": "党员大会已审议",
    "Resolution passed": "已决议",
    "Resolution made public": "决议已公开",
    "Result made public": "实施结果已公开",
    "Not passed": "未通过",
    # supervision.TaskState
    "Planned": "已安排",
    "Overdue": "已逾期",
    "Done": "已完成",
    # supervision.RecordState (also Draft)
    "Completed": "已完成",
    # supervision.TemplateState (also Draft, In use)
    "Retired": "已停用",
    # supervision.ProblemState (also Awaiting rectification, Being rectified)
    "Awaiting verification": "待核验",
    "Struck off": "已销号",
    "Reopened": "已重新打开",
    # supervision.RectificationState
    "Designated as backward": "已列为后进村",
    "Plan made": "已制定方案",
    "Applied for acceptance": "已申报验收",
    "Passed acceptance": "验收通过",
    "Failed acceptance": "验收未通过",
    # supervision.RatingState (the 五好 rating)
    "Proposed by the township": "乡镇已初评",
    "Returned to the township": "已退回乡镇",
    "Confirmed by the county": "县级已审定",
    # reports.RunState
    "Queued": "排队中",
    "Being generated": "生成中",
    "Ready": "已生成",
    "Generation failed": "生成失败",
    # work.DeliveryState
    "Waiting to be sent": "待发送",
    "Delivered": "已送达",
    "Not delivered": "发送失败",
    # supervision.QuarterlyReportState (四述双评)
    "Reported, awaiting the score": "已述职，待评分",
    "Commented and scored": "已点评评分",
}

#: The labels of every other choice: kinds, categories, grades, outcomes, sources, actions.
CHOICES: dict[str, str] = {
    # core.RoleKind
    "County supervisor": "县级督查",
    "Township staff": "乡镇工作人员",
    "Village-contact cadre": "包村干部",
    "Village clerk": "村级文书",
    # supervision.FiveGood (the five 好 of a village party organization)
    "Good leadership team": "好班子",
    "Good leader": "好带头人",
    "Good rules and practice": "好机制",
    "Good results": "好业绩",
    "Good standing with the people": "好群众反映",
    # supervision.PresenceRole (who owes the presence norm)
    "Contact cadre": "包村干部",
    "Backward-village work team": "后进村驻村工作队",
    # supervision.ReporterKind (who reports quarterly, 四述双评)
    "Village cadre": "村干部",
    "Contact-team leader": "包村工作队负责人",
    # supervision.LeaderLevel, LinkKind (双联一带, 四包) and WorkTeamRole (seed 000)
    "County leader": "县级领导",
    "Township leader": "乡镇领导",
    "Model village (party-building)": "党建综合示范村",
    "Backward branch": "农村后进支部",
    "Hard village": "难村",
    "Disorderly village": "乱村",
    "Poor village": "穷村",
    "Weak village": "软村",
    "First secretary": "第一书记",
    "Team leader": "工作队长（组长）",
    "Team member": "队员",
    # villages.RegionLevel
    "Province": "省",
    "City": "市",
    "County": "县",
    "Township": "乡镇",
    # cadres.Gender
    "Male": "男",
    "Female": "女",
    # cadres.Education
    "Primary school": "小学",
    "Junior middle school": "初中",
    "Senior middle school or technical school": "高中（中专）",
    "Junior college": "大专",
    "Bachelor's degree": "本科",
    "Postgraduate": "研究生",
    # cadres.PostKind
    "Party branch secretary": "党支部书记",
    "Villagers' committee chair": "村委会主任",
    "Secretary and chair (one person)": "书记、主任一肩挑",
    "Deputy party secretary": "党支部副书记",
    "Vice chair of the villagers' committee": "村委会副主任",
    "Party branch committee member": "支部委员",
    "Villagers' committee member": "村委会委员",
    "Chair of the village affairs supervision committee": "村务监督委员会主任",
    "Member of the village affairs supervision committee": "村务监督委员会委员",
    # cadres.EndReason
    "Term ended": "任期届满",
    "Resigned": "辞职",
    "Advised to resign": "劝辞",
    "Recalled": "罢免",
    "Transferred": "调离",
    "Deceased": "去世",
    # cadres.PromiseAudience
    "Promise to the villagers": "对群众的许诺",
    "Commitment to the organization": "对组织的承诺",
    # cadres.PromiseCategory
    "Economic development": "发展经济",
    "Public services and infrastructure": "公共服务与基础设施",
    "Village affairs and openness": "村务管理与公开",
    "Integrity and conduct": "廉洁自律",
    "Party building": "党建工作",
    "Stability and mediation": "维护稳定与矛盾调解",
    "Other": "其他",
    # cadres.AdviceOutcome (also Resigned)
    "Retained with a warning": "诫勉留任",
    "Passed to the recall procedure": "转入罢免程序",
    # ledgers.AccountClass
    "Asset accounts": "资产类",
    "Liabilities": "负债类",
    "Owners' equity": "所有者权益类",
    "Costs": "成本类",
    "Income and expenses": "损益类",
    # ledgers.NormalSide
    "Debit": "借",
    "Credit": "贷",
    # ledgers.AssetCategory
    "Buildings and structures": "房屋及建筑物",
    "Machinery and equipment": "机器设备",
    "Vehicles": "运输工具",
    "Water works": "水利设施",
    "Roads and bridges": "道路桥梁",
    "Public welfare facilities": "公益设施",
    "Biological assets": "生物资产",
    "Other assets": "其他资产",
    # ledgers.FundingSource (also Other)
    "Collective funds": "集体自有资金",
    "Government grant": "财政补助",
    "One matter, one discussion (一事一议)": "一事一议筹资",
    "Donation": "社会捐赠",
    # ledgers.AssetMovementKind
    "Acquisition": "购建取得",
    "Lease out": "出租",
    "Back from lease": "收回出租",
    "Transfer of custody": "移交保管",
    "Laid idle": "转为闲置",
    "Disposal": "处置",
    "Write-off": "报废核销",
    # ledgers.LandKind
    "0101 Paddy field": "0101 水田",
    "0102 Irrigated land": "0102 水浇地",
    "0103 Dry land": "0103 旱地",
    "0201 Orchard": "0201 果园",
    "0202 Tea garden": "0202 茶园",
    "0203 Rubber plantation": "0203 橡胶园",
    "0204 Other garden land": "0204 其他园地",
    "0301 Arbor forest land": "0301 乔木林地",
    "0302 Bamboo forest land": "0302 竹林地",
    "0303 Mangrove land": "0303 红树林地",
    "0304 Forest swamp": "0304 森林沼泽",
    "0305 Shrub forest land": "0305 灌木林地",
    "0306 Shrub swamp": "0306 灌丛沼泽",
    "0307 Other forest land": "0307 其他林地",
    "0401 Natural pasture": "0401 天然牧草地",
    "0402 Swamp grassland": "0402 沼泽草地",
    "0403 Artificial pasture": "0403 人工牧草地",
    "0404 Other grassland": "0404 其他草地",
    "0702 Rural homestead": "0702 农村宅基地",
    "1006 Rural road": "1006 农村道路",
    "1104 Pond water surface": "1104 坑塘水面",
    "1107 Ditch": "1107 沟渠",
    "1201 Vacant land": "1201 空闲地",
    "1202 Facility agricultural land": "1202 设施农用地",
    "1203 Field ridge": "1203 田坎",
    "1204 Saline-alkali land": "1204 盐碱地",
    "1205 Sandy land": "1205 沙地",
    "1206 Bare soil": "1206 裸土地",
    "1207 Bare rock and gravel": "1207 裸岩石砾地",
    # ledgers.PaymentSchedule
    "Once a year": "每年一次",
    "Twice a year": "每半年一次",
    "Every quarter": "每季度一次",
    "In one payment": "一次性缴清",
    # ledgers.DisclosureKind
    "Month": "月份",
    "Quarter": "季度",
    # ledgers.AuditKind
    "Periodic audit": "定期审计",
    "Audit on leaving office (离任审计)": "离任审计",
    "Special audit": "专项审计",
    # ledgers.FindingCategory (also Other)
    "Irregular spending": "违规开支",
    "Missing or improper vouchers": "票据缺失或不规范",
    "Loss of collective assets": "集体资产流失",
    "Contract irregularities": "合同不规范",
    "Unpaid fees and arrears": "欠缴承包费",
    # ledgers.DecisionKind
    "Project": "项目建设",
    "Use of funds": "资金使用",
    "Contract of collective resources": "集体资源发包",
    "Disposal or lease of assets": "资产处置或出租",
    "Borrowing": "举债借款",
    "Other matter": "其他事项",
    # ledgers.DecisionStepKind
    "Party branch proposes (提议)": "党支部提议",
    "Two committees discuss (商议)": "两委会商议",
    "Party members' meeting reviews (审议)": "党员大会审议",
    "Villagers resolve (决议)": "村民代表会议（村民会议）决议",
    # ledgers.Assembly
    "Villager representatives' meeting": "村民代表会议",
    "Villagers' meeting (adult villagers)": "村民会议（十八周岁以上村民）",
    "Villagers' meeting (households)": "村民会议（户代表）",
    # supervision.PeriodKind (also Quarter)
    "Half-year": "半年",
    "Year": "年度",
    # supervision.TaskKind
    "Quarterly inspection": "一季一巡查",
    "Village-affairs hearing": "村务听证质询会",
    "Semi-annual review": "半年一评议",
    "Public report and vote": "公开述职与民主测评",
    "Pledge redemption": "承诺集中兑现",
    "Annual certificate inspection": "“两证”年检",
    # supervision.ParticipantKind (also Other)
    "Township official": "乡镇干部",
    "Township station or office": "乡镇站所",
    "Party congress representative": "党代表",
    "People's congress deputy": "人大代表",
    "CPPCC member": "政协委员",
    # supervision.Grade
    "Excellent": "优秀",
    "Competent": "称职",
    "Basically competent": "基本称职",
    "Incompetent": "不称职",
    # supervision.Verdict
    "Pass": "合格",
    "Basic pass": "基本合格",
    "Fail": "不合格",
    # supervision.AskerKind
    "Party member": "党员",
    "Villager representative": "村民代表",
    "Villager": "村民",
    # supervision.QuestionCategory (also Village affairs and openness, Other)
    "Finances and collective property": "财务和集体资产",
    "Land and resources": "土地和资源",
    "Projects and construction": "项目和工程建设",
    "Subsidies and welfare": "补贴和民生保障",
    "Cadres' conduct": "干部作风",
    # supervision.Satisfaction
    "Satisfied": "满意",
    "Basically satisfied": "基本满意",
    "Dissatisfied": "不满意",
    # supervision.Fulfilment
    "Fulfilled": "已兑现",
    "Partly fulfilled": "部分兑现",
    "Not fulfilled": "未兑现",
    "On schedule": "按计划推进",
    "Not yet due": "未到期",
    # supervision.ProblemSource (also Other)
    "Inspection finding": "巡查发现",
    "Hearing follow-up": "听证会跟进事项",
    "Unsatisfied question": "群众不满意的质询",
    "Audit finding": "审计发现问题",
    "Disclosure question": "公开事项质询",
    "Screening": "排查发现",
    # supervision.ProblemCategory (also Finances and collective property, Village affairs
    # and openness, Cadres' conduct, Other)
    "Party organization": "党组织建设",
    "Services to villagers": "为民服务",
    "Stability and disputes": "稳定与矛盾纠纷",
    # supervision.Severity
    "General": "一般",
    "Serious": "较重",
    "Critical": "严重",
    # supervision.Escalation
    "Not escalated": "未升级督办",
    "Supervised by the township": "乡镇挂账督办",
    "Supervised by the county": "县级挂账督办",
    # supervision.ProblemAction (also Struck off, Reopened)
    "Registered": "登记",
    "Rectification started": "开始整改",
    "Sent for verification": "提交核验",
    "Sent back": "退回整改",
    "Escalated": "升级督办",
    "Edited": "已修改",
    # supervision.WarningLevel
    "No warning": "无预警",
    "Yellow": "黄色",
    "Orange": "橙色",
    "Red": "红色",
    # supervision.WarningRule
    "Supervision overdue": "监督逾期",
    "Problems past their deadline": "问题超期未整改",
    "Low satisfaction in the vote": "述职满意率偏低",
    "No published disclosure for the last quarter": "上季度未公开",
    "Handover overdue": "换届交接逾期",
    "Certificate suspended": "任职资格证书被暂停",
    "Low pledge redemption": "承诺兑现率偏低",
    "Backward village": "后进村",
    "Reserve cadres below the norm": "后备干部未达配备标准",
    "Secretary graded poor in the yearly appraisal": "书记年度述职评议等次为差",
    "Township under a yellow card": "乡镇被黄牌警告",
    # cadres.AppraisalGrade (述职评议的考核等次)
    "Good": "好",
    "Fairly good": "较好",
    "Mediocre": "一般",
    "Poor": "差",
    # reports.ReportKind
    "Quarterly review report": "季度监督评议报告",
    # work.ChannelKind
    "WeCom group robot": "企业微信群机器人",
    "DingTalk group robot": "钉钉群机器人",
}

#: Key nouns of the domain (DOMAIN.md), and words whose Chinese was once wrong: it stays right.
NOUNS: dict[str, str] = {
    "Two certificates, one ledger, dual supervision": "两证一账双监督",
    "Two certificates": "两证",
    "Dual supervision": "双监督",
    "The village's supervision": "本村监督",
    "qualification certificate": "任职资格证书",
    "pledge": "任职保证书",
    "promise": "承诺内容",
    "advised resignation": "劝辞",
    "annual certificate inspection": "“两证”年检",
    "pledge redemption": "承诺集中兑现",
    "voucher": "记账凭证",
    "Ledger account": "科目",
    "disclosure statement": "财务公开报表",
    "verification": "清理认定",
    "handover": "换届交接",
    "audit": "审计",
    "audit finding": "审计发现",
    "Audit findings": "审计发现的问题",
    "What the audit found": "审计发现的问题",
    "inspection": "巡查",
    "inspection finding": "巡查发现的问题",
    "what the inspection found": "巡查发现的问题",
    "Found on the visit": "回访发现的问题",
    "semi-annual review": "半年评议",
    "village-affairs hearing": "村务听证质询会",
    "public report": "公开述职",
    "problem": "问题",
    "Problem ledger": "问题台账",
    "struck off on": "销号日期",
    "closed by": "销号人",
    "Not yet rectified": "未整改完成",
    "backward-village rectification": "后进村整顿",
    "warning": "预警",
    "staff account": "工作人员账号",
    "Collective assets": "集体资产",
    "secretary's report and appraisal": "村党组织书记述职评议",
    "yellow card": "黄牌警告",
}

#: Every term: msgid → the Chinese it must read as.
GLOSSARY: dict[str, str] = {**CHOICES, **NOUNS, **STATES}
