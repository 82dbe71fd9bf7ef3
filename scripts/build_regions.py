"""Regenerate dictionaries/regions.tsv from cpca's adcodes table (MIT, QinYuan Du).

Dev-time only: ``pip install cpca==0.5.5 pypinyin`` then ``python scripts/build_regions.py``.
The committed TSV is what planctl reads; this script documents where it came from.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from pathlib import Path

from pypinyin import lazy_pinyin  # type: ignore[import-not-found]

# 简称 of the provincial-level divisions, as used in 文号 (甘政办发) and the press.
PROVINCE_ABBR = {
    "北京市": "京", "天津市": "津", "河北省": "冀", "山西省": "晋", "内蒙古自治区": "蒙",
    "辽宁省": "辽", "吉林省": "吉", "黑龙江省": "黑", "上海市": "沪", "江苏省": "苏",
    "浙江省": "浙", "安徽省": "皖", "福建省": "闽", "江西省": "赣", "山东省": "鲁",
    "河南省": "豫", "湖北省": "鄂", "湖南省": "湘", "广东省": "粤", "广西壮族自治区": "桂",
    "海南省": "琼", "重庆市": "渝", "四川省": "川", "贵州省": "黔", "云南省": "滇",
    "西藏自治区": "藏", "陕西省": "陕", "甘肃省": "甘", "青海省": "青", "宁夏回族自治区": "宁",
    "新疆维吾尔自治区": "新", "台湾省": "台", "香港特别行政区": "港", "澳门特别行政区": "澳",
}
# Pinyin that convention fixes differently from the default reading.
PINYIN_FIX = {"陕西": "shaanxi", "内蒙古": "neimenggu", "重庆": "chongqing", "长沙": "changsha"}
SUFFIX_RE = re.compile(
    r"(?:(?:壮族|回族|维吾尔|蒙古族|藏族|朝鲜族|土家族|苗族|侗族|布依族|哈尼族|彝族|傣族|白族|"
    r"景颇族|傈僳族|羌族|哈萨克|柯尔克孜|蒙古|黎族|土族|撒拉族|东乡族|保安族|羌族)+)?"
    r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|林区|新区|省|市|盟|县|区|旗)$"
)


def short_name(name: str) -> str:
    short = SUFFIX_RE.sub("", name)
    return short if len(short) >= 2 else name


def main() -> None:
    # Read the data file without importing cpca (its __init__ needs pyahocorasick).
    spec = importlib.util.find_spec("cpca")
    assert spec and spec.submodule_search_locations
    table = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with table.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {r["adcode"][:6]: r["name"] for r in rows}
    out = []
    for code, name in sorted(by_code.items()):
        if name in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}:
            continue
        if code[2:] == "0000":
            level, parent = "province", ""
        elif code[4:] == "00":
            level, parent = "city", by_code.get(code[:2] + "0000", "")
        else:
            level = "county"
            parent = by_code.get(code[:4] + "00", "")
            if parent in {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", ""}:
                parent = by_code.get(code[:2] + "0000", "")
        short = short_name(name)
        pinyin = PINYIN_FIX.get(short) or "".join(lazy_pinyin(short))
        out.append((name, short, pinyin, level, parent, PROVINCE_ABBR.get(name, ""), code))
    dest = Path(__file__).resolve().parent.parent / "dictionaries" / "regions.tsv"
    with dest.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# name\tshort\tpinyin\tlevel\tparent\tabbr\tadcode\n")
        for row in out:
            fh.write("\t".join(row) + "\n")
    print(f"wrote {len(out)} regions to {dest}")


if __name__ == "__main__":
    main()
