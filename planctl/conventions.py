"""Words of the documents' own conventions that more than one layer needs (a reader and the
parser): the labels government sites print in the metadata block above a document, the way a
table's note begins.

Example::

    >>> "发文字号" in WEB_META_KEYS and "成文日期" in WEB_META_KEYS
    True
"""

from __future__ import annotations

import re

# 索引号 · 主题分类 · 发文机关 · 成文日期 · 标题 · 发文字号 · 发布日期 …, as www.gov.cn and provincial sites
# (信息公开目录) print them
WEB_META_KEYS = ("索引号", "主题分类", "主题词", "发文机关", "发布机构", "成文日期", "标题", "发文字号", "文号",
                 "发布日期", "信息分类", "公开方式", "公开范围", "公开时限", "生成日期", "所属机构", "发文单位",
                 "发文日期", "内容概述", "关键词", "信息名称", "文件编号",
                 "公文种类", "公文时效", "有效性", "生效日期", "失效日期", "体裁分类", "组配分类", "发布单位")

# "注：〔 〕表示五年累计数。", "注:〔〕内为2016年以来累计数。", "注：①“—”表示统计指标的变化；…": a table's note
TABLE_NOTE_RE = re.compile(r"^(?:注|说明|备注)\s*[：:①1]")
