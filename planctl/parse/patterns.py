"""Every regular expression the parser uses, each with a real line it must match.

They run on :attr:`CleanLine.text` (markup removed, CJK spacing squeezed).
"""

from __future__ import annotations

import re

from planctl.cjk import HAN

CN_NUM = "一二三四五六七八九十百零〇两"
_DIGITS = "0-9０-９"

# ---- headings (GB/T 9704 numbering) -------------------------------------------------------
# "第一编 总则", "第二部分 主要任务": above chapters
BOOK_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+(?:编|部分))\s*(.*)$")
# "第一章 发展基础与环境"
CHAPTER_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+章)\s*(.*)$")
PART_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+节)\s*(.*)$")
# "一、发展成就", "二、总体要求"
CN_ITEM_RE = re.compile(rf"^([{CN_NUM}]+)\s*[、，．.]\s*(.*)$")
# "（一）发展成就。", "(一) 加快经济发展", "（十三）稳定脱贫劳动力务工规模。"
PAREN_CN_RE = re.compile(rf"^[（(]\s*([{CN_NUM}]+)\s*[）)]\s*[、.．]?\s*(.*)$")
# "1. 就业规模总体平稳", "2.二〇三五年远景目标。", "1．", "36.用好…" but not "1.5万个"
ARABIC_RE = re.compile(rf"^([{_DIGITS}]{{1,3}})\s*(?:[.．](?![{_DIGITS}])|、)\s*(.*)$")
# "（1）…", "(2)…"
PAREN_ARABIC_RE = re.compile(rf"^[（(]\s*([{_DIGITS}]{{1,3}})\s*[）)]\s*(.*)$")
# "①…"
CIRCLED_RE = re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*(.*)$")
# "前 言" (squeezed to "前言"), "结束语"
PREFACE_RE = re.compile(r"^(前言|序言|引言|导言|结语|结束语)$")
# "附件" / "附件2" alone on its line, the attachment's title follows
APPENDIX_RE = re.compile(rf"^(附件\s*[{_DIGITS}]*)\s*$")
# "附件:重点任务分工方案", "附件：1.…": a reference to attachments, not the attachment itself
APPENDIX_REF_RE = re.compile(rf"^附件\s*[{_DIGITS}]*\s*[:：]")

# ---- measures -----------------------------------------------------------------------------
# "——加快培育高质量发展新动能。", "———促进就业管理机制日趋完善。", "--坚持…"
DASH_LEAD_RE = re.compile(r"^(—{1,3}|–{2,3}|-{2,3})\s*")
# Sentence terminators that close a lead phrase: "保持经济就业良性互动。…"
LEAD_END_RE = re.compile(r"[。！？；!?;]")
# A notice measure's closing parenthesis: "（省人社厅、省财政厅等按职责分工负责）",
# "(省发展改革委、省人力资源社会保障厅牵头负责，各市州政府配合)"; one level of nesting allowed.
_PAREN_BODY = r"(?:[^（）()]|[（(][^（）()]*[）)])"
RESPONSIBILITY_RE = re.compile(
    rf"[（(]({_PAREN_BODY}*?(?:负责|牵头|配合|参与|实施|落实){_PAREN_BODY}*?)[）)]\s*$"
)
# "省人社厅、省财政厅等按职责分工负责" → trailing verb phrase to drop from a department list
DEPT_TAIL_RE = re.compile(r"(?:等)?(?:按职责分工|按职责|分别|共同|会同有关部门)?(?:牵头)?(?:负责|配合|参与)$")
# "省政府国资委会同履行出资人职责机构…": joint responsibility inside one clause
DEPT_SPLIT_RE = re.compile(r"[、/]|会同")

# ---- 专栏 and tables ----------------------------------------------------------------------
# "专栏 1 消费促进转型升级行动", "专栏3 强化市场监管行动", "专栏 2：就业规模扩容工程",
# "专栏1“十三五”主要指标完成情况", "专栏一 …"
COLUMN_RE = re.compile(rf"^(专栏\s*([{_DIGITS}]+|[{CN_NUM}]+)\s*[：:．.、]?)\s*(.*)$")
# "注：〔 〕表示五年累计数。", "注:〔〕内为2016年以来累计数。", "注：①“—”表示统计指标的变化；…"
TABLE_NOTE_RE = re.compile(r"^(?:注|说明|备注)\s*[：:①1]")
# "10" alone: a table row's number that lost its line
BARE_INT_RE = re.compile(rf"^[{_DIGITS}]{{1,3}}$")

# ---- tables of contents -------------------------------------------------------------------
# "目 录" / "目   录" (squeezed to "目录")
TOC_HEAD_RE = re.compile(r"^目录$")
# "一、发展环境.....	6", "(一)发展基础…………………………(5)", "前 言.....	5"
TOC_ENTRY_RE = re.compile(rf"(?:\.{{3,}}|…{{2,}}|·{{3,}}|-{{4,}}|_{{4,}})\s*[（(]?[{_DIGITS}]+[）)]?$")

# ---- document head and tail ---------------------------------------------------------------
# "甘肃省人民政府办公厅文件" (红头: opens a new document)
ISSUER_HEAD_RE = re.compile(rf"^([{HAN}（）()]{{2,40}}?)文件$")
# "甘政办发〔2021〕92号", "青政办〔2021〕83号", "天就办发〔2023〕15号"
DOC_NUMBER_RE = re.compile(rf"([{HAN}]{{1,12}}[〔\[［【(（]\s*[12]\d{{3}}\s*[〕\]］】)）]\s*第?\s*\d{{1,4}}\s*号)")
DOC_NUMBER_LINE_RE = re.compile(rf"^{DOC_NUMBER_RE.pattern}$")
# "甘肃省人民政府办公厅关于印发…的通知", "关于认真贯彻落实稳就业政策措施全力促发展惠民生的通知"
NOTICE_TITLE_RE = re.compile(r"^(.{0,40}?)关于.{2,}的(通知|意见|决定|批复|函|公告|通告|报告)$")
# "甘肃省“十四五”就业促进规划", "青海省“十四五”就业促进规划", "…行动方案（2021—2025年）"
PLAN_TITLE_RE = re.compile(
    r"^(?!关于)(.{2,}?(规划|纲要|计划|方案|实施意见|行动计划|措施|办法))(?:[（(][^（）()]{2,16}[）)])?$"
)
# "十四五", "“十四五”"
PERIOD_RE = re.compile(r"“?(十[一二三四五六七八九]五)”?")
# "2021年10月11日", "2021年11月17日"
DATE_LINE_RE = re.compile(r"^([12]\d{3})年(\d{1,2})月(\d{1,2})日$")
# "2021年10月13日印发"
PRINTED_RE = re.compile(r"^(?:.{0,30}?)([12]\d{3})年(\d{1,2})月(\d{1,2})日印发$")
# "(此件公开发布)", "（此件公开发布）", "公开属性：主动公开"
PUBLICITY_RE = re.compile(r"^(?:[（(]此件.{0,12}[）)]|公开(?:属性|方式)[:：].{1,10})$")
# "抄送：省委办公厅，省人大常委会办公厅，…"
CC_RE = re.compile(r"^抄\s*送\s*[:：]")
# "联系人：杨若雨", "联系电话：0938-8318355", "电子邮箱：…"
CONTACT_RE = re.compile(r"^(?:联\s*系\s*人|联系电话|电话|电子邮箱|邮箱|传真|联系方式|地址)\s*[:：]")
# "索 引 号 :015000185/2021-00163发文字号 :青政办〔2021〕83号", "成文日期 :2021-11-17"
WEB_META_RE = re.compile(r"^(?:索引号|发文字号|发布机构|公文时效|主题分类|成文日期|发布日期|公文种类)\s*[:：]")
WEB_META_FIELD_RE = re.compile(
    r"(索引号|发文字号|发布机构|公文时效|主题分类|成文日期|发布日期|公文种类)\s*[:：]\s*"
    r"(.*?)(?=(?:索引号|发文字号|发布机构|公文时效|主题分类|成文日期|发布日期|公文种类)\s*[:：]|$)"
)
# "欢迎访问甘肃经济信息网!", "• 时间:2023-09-06", "点击:0", "来源:甘肃省人民政府网站", "上一篇:没有了"
WEB_CHROME_RE = re.compile(
    r"^(?:欢迎访问|[•·●]\s*|时间\s*[:：]|点击\s*[:：]|浏览次数|阅读次数|来源\s*[:：]|上一篇|下一篇|"
    r"【\s*(?:打印|关闭|字体|大|中|小)|打印本页|关闭窗口|分享到|字号\s*[:：]|扫一扫)"
)
# "2023-09-06", "2021-11-17"
ISO_DATE_RE = re.compile(r"([12]\d{3})[-/.年](\d{1,2})[-/.月](\d{1,2})")
# "甘肃省人民政府办公厅", "武威市人民政府办公室", "天水市政府就业工作领导小组办公室" (signature / issuer)
ORG_LINE_RE = re.compile(
    rf"^[{HAN}（）()]{{2,}}(?:办公厅|办公室|人民政府|政府|委员会|领导小组|管委会|管理委员会|厅|局|委|部|院|中心)$"
)
