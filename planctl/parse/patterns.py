"""Every regular expression the parser uses, each with a real line it must match.

They run on :attr:`CleanLine.text` (markup removed, CJK spacing squeezed).
"""

from __future__ import annotations

import re

from planctl.cjk import HAN
from planctl.conventions import TABLE_NOTE_RE as _TABLE_NOTE_RE
from planctl.conventions import WEB_META_KEYS

CN_NUM = "一二三四五六七八九十百千零〇两"
_DIGITS = "0-9０-９"
# Full stops that follow an item number: "1." "1．" "1﹒" (U+FE52, 北大法宝 exports)
_STOP = ".．﹒"

# ---- headings (GB/T 9704 numbering) -------------------------------------------------------
# "第一编 总则", "第二部分 主要任务": above chapters
BOOK_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+(?:编|部分))\s*(.*)$")
# "第一章 发展基础与环境"
CHAPTER_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+章)\s*(.*)$")
PART_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+节)\s*(.*)$")
# "第一条 为规范政务数据资源管理…", "第四十九条 本办法自颁布之日起施行" (articles of a regulation)
ARTICLE_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+条)\s*(.*)$")
# "第一章　总则　　第一条 　为规范…": a chapter heading and its first article on one line
CHAPTER_ARTICLE_RE = re.compile(rf"^(第[{CN_NUM}{_DIGITS}]+章\s*[^。，；]{{1,24}}?)\s*(第[{CN_NUM}{_DIGITS}]+条.*)$")
# "一、发展成就", "二、总体要求"
CN_ITEM_RE = re.compile(rf"^([{CN_NUM}]+)\s*[、，{_STOP}]\s*(.*)$")
# "（一）发展成就。", "(一) 加快经济发展", "（十三）稳定脱贫劳动力务工规模。"
PAREN_CN_RE = re.compile(rf"^[（(]\s*([{CN_NUM}]+)\s*[）)]\s*[、{_STOP}]?\s*(.*)$")
# "1. 就业规模总体平稳", "2.二〇三五年远景目标。", "1．", "1﹒推进工业互联网外网建设。", "36.用好…", "1000.…"
# but not "1.5万个" or "1.1.1犁" (a dotted outline number)
ARABIC_RE = re.compile(rf"^([{_DIGITS}]{{1,4}})\s*(?:[{_STOP}](?![{_DIGITS}])|、)\s*(.*)$")
# "（1）…", "(2)…"
PAREN_ARABIC_RE = re.compile(rf"^[（(]\s*([{_DIGITS}]{{1,4}})\s*[）)]\s*(.*)$")
# "①…"
CIRCLED_RE = re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*(.*)$")
# "前 言" (squeezed to "前言"), "结束语"
PREFACE_RE = re.compile(r"^(前言|序言|引言|导言|结语|结束语)$")
# "附件" / "附件2" / "附录" alone on its line, the attachment's title follows
APPENDIX_RE = re.compile(rf"^((?:附件|附录)\s*[{_DIGITS}一二三四五六七八九十]*)\s*$")
# "附件:重点任务分工方案", "附件：1.…", "附件：": a list of attachments (or, followed by the
# attachment's content, the attachment's own heading)
APPENDIX_REF_RE = re.compile(rf"^(?:附件|附录|附件下载|相关附件|下载附件)\s*[{_DIGITS}]*\s*[:：]\s*(.*)$")
# "（25分）", "（1.5分）", "(0.5分)": the weight printed after an assessment heading
WEIGHT_RE = re.compile(r"\s*[（(]\s*(\d+(?:\.\d+)?\s*分)\s*[）)]\s*$")

# ---- measures -----------------------------------------------------------------------------
# "——加快培育高质量发展新动能。", "———促进就业管理机制日趋完善。", "--坚持…"
DASH_LEAD_RE = re.compile(r"^(—{1,3}|–{2,3}|-{2,3})\s*")
# A numbered label in black brackets before a measure: "【重点任务1】建设数字基础设施。…", "【专项行动3】…"
LABEL_LEAD_RE = re.compile(r"^【[^【】\d\s]{1,10}\d{1,3}】\s*")
# Sentence terminators that close a lead phrase: "保持经济就业良性互动。…"
LEAD_END_RE = re.compile(r"[。！？；!?;]")
# A notice measure's closing parenthesis: "（省人社厅、省财政厅等按职责分工负责）",
# "(省发展改革委、省人力资源社会保障厅牵头负责，各市州政府配合)"; one level of nesting allowed.
_PAREN_BODY = r"(?:[^（）()]|[（(][^（）()]*[）)])"
# "（责任单位：省经济和信息化厅、省财政厅）", "（5月底完成，牵头考核单位：市审批服务局）"
RESPONSIBILITY_RE = re.compile(
    rf"[（(]({_PAREN_BODY}*?(?:负责|牵头|配合|参与|实施|落实|责任单位|责任部门){_PAREN_BODY}*?)[）)]\s*$"
)
# "责任单位：省经济和信息化厅、省财政厅", "牵头考核单位：市审批服务局": a labelled list of departments
DEPT_LABEL_RE = re.compile(r"^(?:责任|牵头|配合|参与|协办|主办)?(?:考核|实施)?(?:单位|部门)\s*[:：]\s*(.+)$")
# "省人社厅、省财政厅等按职责分工负责" → trailing verb phrase to drop from a department list
# "省商务厅牵头" (the lead department alone)
DEPT_TAIL_RE = re.compile(r"(?:等)?(?:按职责分工|按职责|分别|共同|会同有关部门)?(?:(?:牵头)?(?:负责|配合|参与)|牵头)$")
# "省政府国资委会同履行出资人职责机构…": joint responsibility inside one clause
DEPT_SPLIT_RE = re.compile(r"[、/]|会同")

# ---- 专栏 and tables ----------------------------------------------------------------------
# "专栏 1 消费促进转型升级行动", "专栏3 强化市场监管行动", "专栏 2：就业规模扩容工程",
# "专栏1“十三五”主要指标完成情况", "专栏一 …"
COLUMN_RE = re.compile(rf"^(专栏\s*([{_DIGITS}]+|[{CN_NUM}]+)\s*[：:．.、]?)\s*(.*)$")
# "注：〔 〕表示五年累计数。", "注:〔〕内为2016年以来累计数。", "注：①“—”表示统计指标的变化；…"
# (the readers of Word and web pages know it too: planctl.conventions)
TABLE_NOTE_RE = _TABLE_NOTE_RE
# "10" alone: a table row's number that lost its line
BARE_INT_RE = re.compile(rf"^[{_DIGITS}]{{1,3}}$")
# What heads a column of a 主要指标 table: "类别", "序号", "指标", "指标名称", "单位", "属性",
# "2020年", "2025年目标", "目标值", "基期值", "“十三五”目标", "完成情况", "年均/累计"
_VALUE_HEAD = (r"(?:基期值?|基数|基准值|现状值?|目标值?|规划目标|预期目标|预期值|规划值|指标值|完成(?:值|情况)?|实际值?"
               r"|累计|年均(?:增长)?(?:[/／]累计)?)")
_TIME_HEAD = r"(?:[12]\d{3}\s*年?|[“\"]?十[一二三四五六七八九]五[”\"]?(?:期末|末|时期)?)"
TABLE_HEAD_CELL_RE = re.compile(
    rf"^(?:类别|分类|领域|维度|序号|编号|(?:[一二三]级)?指标(?:名称)?|名称|项目|(?:计量)?单位|(?:指标)?属性|指标性质"
    rf"|{_TIME_HEAD}\s*(?:[（(]?{_VALUE_HEAD}[）)]?)?|{_VALUE_HEAD})$"
)
# The cells a flattened 主要指标 header must hold: the indicator's name, and a value column
TABLE_NAME_HEAD_RE = re.compile(r"指标|名称|项目")
TABLE_VALUE_HEAD_RE = re.compile(rf"{_TIME_HEAD}|{_VALUE_HEAD}")

# ---- tables of contents -------------------------------------------------------------------
# "目 录" / "目   录" (squeezed to "目录")
TOC_HEAD_RE = re.compile(r"^目录$")
# "一、发展环境.....	6", "(一)发展基础…………………………(5)", "前 言.....	5"
TOC_ENTRY_RE = re.compile(rf"(?:\.{{3,}}|…{{2,}}|·{{3,}}|-{{4,}}|_{{4,}})\s*[（(]?[{_DIGITS}]+[）)]?$")

# ---- document head and tail ---------------------------------------------------------------
# "甘肃省人民政府办公厅文件" (红头: opens a new document)
ISSUER_HEAD_RE = re.compile(rf"^([{HAN}（）()]{{2,40}}?)文件$")
# "甘政办发〔2021〕92号", "青政办〔2021〕83号", "天就办发〔2023〕15号", "皖政办秘〔2021〕82号"; web copies print
# the 六角括号 as small ones or brackets and the digits full width: "黄府办发﹝2026﹞12号", "沪松府办〔２０２５〕３１号"
DOC_NUMBER_RE = re.compile(
    rf"([{HAN}]{{1,12}}[〔\[［【(（﹝〖]\s*[12１２][0-9０-９]{{3}}\s*[〕\]］】)）﹞〗]\s*第?\s*\d{{1,4}}\s*号)"
)
# the 文号 alone on its line, or in brackets: "（皖政办秘〔2021〕82号）"
DOC_NUMBER_LINE_RE = re.compile(rf"^[（(]?\s*{DOC_NUMBER_RE.pattern}\s*[）)]?$")
# A national law or the State's own organ names the country first: "中华人民共和国湿地保护法",
# "中华人民共和国国务院令"; such a document is national whatever place it is about (…海南自由贸易港法)
NATIONAL_TITLE_RE = re.compile(r"^中华人民共和国")
# A 公告's number alone under its title: "2024年第4号", "（2021年第5号）"
YEAR_NUMBER_LINE_RE = re.compile(r"^[（(]?\s*[12]\d{3}\s*年\s*第\s*\d{1,4}\s*号\s*[）)]?$")
# "甘肃省人民政府办公厅关于印发…的通知", "关于认真贯彻落实稳就业政策措施全力促发展惠民生的通知"
NOTICE_TITLE_RE = re.compile(r"^(.{0,40}?)关于.{2,}的(通知|意见|决定|批复|函|公告|通告|报告)$")
# "甘肃省“十四五”就业促进规划", "青海省“十四五”就业促进规划", "…行动方案（2021—2025年）"
PLAN_TITLE_RE = re.compile(
    r"^(?!关于)(.{2,}?(规划|纲要|计划|方案|实施意见|行动计划|措施|办法))(?:[（(][^（）()]{2,16}[）)])?$"
)
# "十四五", "“十四五”"
PERIOD_RE = re.compile(r"“?(十[一二三四五六七八九]五)”?")
# "2021年10月11日", "2021年11月17日", "二〇二一年九月二日", "（2018年1月2日）",
# "（2020年10月29日中国共产党第十九届中央委员会第五次全体会议通过）"
_CN_YEAR, _CN_DAY = "[〇零一二三四五六七八九]{4}", "[一二三四五六七八九十]{1,3}"
DATE_TEXT = rf"(?:[12]\d{{3}}年\d{{1,2}}月\d{{1,2}}日|{_CN_YEAR}年{_CN_DAY}月{_CN_DAY}日)"
DATE_LINE_RE = re.compile(rf"^{DATE_TEXT}$")
ADOPTED_RE = re.compile(rf"^[（(]\s*{DATE_TEXT}[^（）()]{{0,40}}[）)]$")
# A law's or regulation's history under its title, one line per step, as law databases print it:
# "2021年12月24日 第十三届全国人民代表大会常务委员会第三十二次会议通过", "1996年9月19日 经国务院批准",
# "1996年10月3日 中华人民共和国交通部令第8号发布", "…会议通过的《中华人民共和国刑法修正案（二）》"
HISTORY_LINE_RE = re.compile(rf"^{DATE_TEXT}\s*[^。；，,;：:]{{2,80}}?(?:通过|修正|修订|公布|发布|施行|批准|》)$")
# A markdown source's own marker, no text of the document: "<!-- INFO END -->"
HTML_COMMENT_RE = re.compile(r"^<!--.*-->$")
# "2021年10月13日印发"
PRINTED_RE = re.compile(rf"^(?:.{{0,30}}?){DATE_TEXT}印发$")
# "(此件公开发布)", "（此件公开发布）", "公开属性：主动公开"
PUBLICITY_RE = re.compile(r"^(?:[（(]此件.{0,12}[）)]|公开(?:属性|方式)[:：].{1,10})$")
# "抄送：省委办公厅，省人大常委会办公厅，…"
CC_RE = re.compile(r"^抄\s*送\s*[:：]")
# "联系人：杨若雨", "联系电话：0938-8318355", "电子邮箱：…"
CONTACT_RE = re.compile(r"^(?:联\s*系\s*人|联系电话|电话|电子邮箱|邮箱|传真|联系方式|地址)\s*[:：]")
# The metadata block government sites print above a document, as lines or as a two-column
# table: "索 引 号 :015000185/2021-00163发文字号 :青政办〔2021〕83号", "成文日期 :2021-11-17",
# "索引号\t000014349/2021-00123\t主题分类\t综合政务"; the key may stand alone on its line.
_KEYS = "|".join(WEB_META_KEYS)
WEB_META_RE = re.compile(rf"^(?:{_KEYS})\s*(?:[:：]|\t|$)")
WEB_META_FIELD_RE = re.compile(rf"({_KEYS})\s*(?:[:：]|\t)\s*(.*?)(?=\t?(?:{_KEYS})\s*(?:[:：]|\t)|$)")
# Inside such a block, a site's own label for where the text came from: "来  源：", "信息来源：人力资源社会保障部网站"
WEB_META_SOURCE_RE = re.compile(r"^(?:来源|信息来源|文章来源)\s*[:：]")
# A promulgation order's head (GB/T 9704's 命令（令）格式, a 公告 that publishes rules): "中山市人民政府令（第16号）",
# "中华人民共和国国务院令　第732号", "交通运输部令2021年第5号", "国家税务总局公告2021年第5号"; or the organ's 令
# alone on its line ("广州市人民政府令") with its number on the next ("第185号"). Never a 关于… title.
_ORDER_NO = r"[（(]?\s*(?:[12]\d{3}\s*年\s*)?第\s*[0-9０-９一二三四五六七八九十百零〇]{1,5}\s*号\s*[）)]?"
ORDER_RE = re.compile(rf"^(?!.*关于)[{HAN}（）()\s]{{2,40}}?(?:令|公告)\s*{_ORDER_NO}$")
ORDER_HEAD_RE = re.compile(rf"^(?!.*关于)[{HAN}（）()\s]{{2,40}}?(?:令|公告)$")
ORDER_NUMBER_RE = re.compile(rf"^{_ORDER_NO}$")
# The organ an order names: "惠州市人民政府令（第16号）" → 惠州市人民政府, "国家税务总局公告2021年第5号" → 国家税务总局
ORDER_ORGAN_RE = re.compile(r"^(.+?)(?:令|公告)")
# What an order says: "《中山市…办法》已经…常务会议通过，现予公布，自…起施行。", "现将《…办法》予以发布"
PROMULGATES_RE = re.compile(r"(?:现予|予以|现)(?:公布|发布)")
# An article's own title in brackets after its number, as local regulations print it:
# "第一条　（目的和依据）为了加强…", "第二条　（适用范围）", "第三条　【主管部门】市绿化主管部门负责…"
ARTICLE_LABEL_RE = re.compile(r"^[（(【\[]\s*([^（）()【】\[\]。，、；：:\s\d]{2,16})\s*[）)】\]]\s*")
# A chapter heading a source ran into the end of the paragraph before it (a page whose <p> for the
# heading was lost): "…汇聚起推进乡村振兴的强大合力。二、重点任务"
RUN_IN_HEADING_RE = re.compile(r"(?<=[。！？；!?;])\s*([一二三四五六七八九十]{1,3}、[^。！？；!?;，,：:、]{2,30})$")
# A markdown list item, a line of its own however its text ends: "- **抓取时间**：2026-09-11 12:53",
# "* 来源：新华社"
MD_BULLET_RE = re.compile(r"^[-*+]\s+\S")
# 北大法宝 (pkulaw) export headers: "【法宝引证码】 CLI.12.4638041", "【发布部门】 国务院",
# "原文链接：https://www.pkulaw.com/…"
PKULAW_RE = re.compile(r"^【\s*(法宝引证码|发布部门|发文字号|发布日期|实施日期|时效性|效力级别|法规类别|失效日期|标题|"
                       r"批准部门|批准日期|公布日期|施行日期)\s*】\s*(.*)$")
SOURCE_LINK_RE = re.compile(r"^(?:原文链接|原文地址|链接地址|网址|URL)\s*[:：]\s*\S+$", re.IGNORECASE)
# "原文链接：https://www.pkulaw.com/chl/4638041.html", "- **来源 URL**：https://www.gov.cn/zhengce/content/…htm"
URL_RE = re.compile(r"https?://[^\s，。；、）)】>\]]+", re.IGNORECASE)
# A repository's or copier's own header above the text: "来源：新华社", "作者：…", "发布时间：…"
SOURCE_HEADER_RE = re.compile(
    r"^(?:来源|信息来源|作者|编辑|责任编辑|发布时间|更新时间|文章来源|转载自|出处|浏览量|阅读量)\s*[:：]"
)
# "欢迎访问甘肃经济信息网!", "• 时间:2023-09-06", "点击:0", "来源:甘肃省人民政府网站", "上一篇:没有了",
# "首页 > 信息公开 > 政策文件", "当前位置：首页>…", "【字体：大 中 小】", "字号：大 中 小", "[打印] [关闭]",
# "分享到：微信 微博", "主办：甘肃省人民政府办公厅 承办：…", "网站标识码：6200000001", "陇ICP备05001234号"
WEB_CHROME_RE = re.compile(
    r"^(?:欢迎访问|[•·●]\s*|时间\s*[:：]|点击\s*[:：]|浏览次数|阅读次数|来源\s*[:：]|上一篇|下一篇|"
    r"[【\[]\s*(?:打印|关闭|字体|字号|大|中|小|收藏|返回顶部)|打印本页|关闭窗口|分享到|字号\s*[:：]?\s*大|扫一扫|"
    r"首页\s*[>＞»/]|当前位置|您(?:当前)?的?位置|主办单位|承办单位|主办\s*[:：]|承办\s*[:：]|协办\s*[:：]|"
    r"网站标识码|政府网站标识码|.{0,6}ICP备|.{0,12}公网安备|版权所有|Copyright|©|技术支持\s*[:：]|网站地图|联系我们|"
    r"打印\s*[|｜/]?\s*关闭|【\s*打印\s*】|无障碍|适老化|English\b|繁体|简体版)",
    re.IGNORECASE,
)
# "2023-09-06", "2021-11-17"
ISO_DATE_RE = re.compile(r"([12]\d{3})[-/.年](\d{1,2})[-/.月](\d{1,2})")
# "甘肃省人民政府办公厅", "武威市人民政府办公室", "天水市政府就业工作领导小组办公室" (signature / issuer),
# "安徽省推进“三地一区”建设领导小组改革开放新高地执行小组办公室", "海南省农业农村厅 海南省财政厅"
ORG_LINE_RE = re.compile(
    rf"^[{HAN}（）()“”\s]{{2,}}(?:办公厅|办公室|人民政府|政府|委员会|领导小组|管委会|管理委员会|厅|局|委|部|院|中心|中央)$"
)
