"""Makes the spreadsheet files SheetIO's tests read, with the real programs people use:
openpyxl, XlsxWriter and LibreOffice (headless), plus CSV text in every encoding; and
describes every workbook in expected.json.

usage: make_fixtures.py OUTDIR

Workbooks (each listed in expected.json):
  openpyxl.xlsx, xlsxwriter.xlsx, xlsxwriter_inline.xlsx (constant memory): the same sign-in
      sheet (see with_openpyxl), so one table of values in ProducerTests checks every producer
  lo_openpyxl.xls, lo_xlsxwriter.xls: those saved by LibreOffice as legacy BIFF8; and
      lo_openpyxl.xlsx, lo_xlsxwriter.xlsx: those .xls saved again as .xlsx
  openpyxl_1904.xlsx, xlsxwriter_1904.xlsx: dates in the 1904 system
  xlsxwriter_constant.xlsx: 500 rows written in constant-memory mode (inline strings)
  openpyxl_basic.xlsx: a fuller sign-in sheet: merged title, text and whole-integer ID numbers,
      dates in several formats, a time, floats, a bool, an uncached formula, #N/A, an empty
      string, column XFD; a hidden sheet; a rich-text sheet
  xlsxwriter_shared.xlsx: shared strings, formulas with cached number and string results,
      a rich string, a merge, CJK date formats, a hidden sheet, _xHHHH_ escapes
  lo_basic.xlsx/.xls, lo_shared.xlsx/.xls: those two saved by LibreOffice as .xlsx and .xls
  xls_renamed.xlsx, renamed_xls.xlsx: lo_openpyxl.xls and lo_basic.xls under an .xlsx name
  boolerr.xls: lo_basic.xls with its TRUE and #N/A formulas rewritten as BOOLERR records, the
      way Excel stores such constants
Unreadable on purpose: encrypted.xlsx (msoffcrypto, password mima123); encrypted.xls
  (lo_basic.xls with a FILEPASS record in place of WRITEACCESS and the later record bodies
  scrambled as RC4 leaves them, record headers and BOUNDSHEET readable).
CSV: csv_*.csv and csv_tab.txt (see csv_files).

expected.json:
  {"files": {FILE: {"format": "xlsx"|"xls", "producer": "openpyxl"|"xlsxwriter"|"libreoffice",
                    "readBy": how the expectation was taken, "date1904": bool,
                    "sheets": [{"name", "visibility": "visible"|"hidden"|"veryHidden",
                                "merged": ["A1:F1", ...],
                                "cells": {A1REF: {"kind": "text"|"number"|"date"|"bool"|"error",
                                                  "text": str, "formula"?: str}},
                                "uncachedFormulas": {A1REF: formula}}],
                    "lostFromSource"?: [note, ...]}},
   "unreadable": {FILE: "encrypted"}}
  Sheets are in workbook order; "cells" holds every non-empty cell (an empty string is no
  cell), its "text" by the rules of Sources/SheetIO/Model/CellText.swift. A formula cell has
  the kind and text of its cached result and its formula ("" when the file is .xls and the
  formula text is unknown); a formula with no cached result (openpyxl writes none) is not a
  cell and is listed in "uncachedFormulas". "lostFromSource": for LibreOffice's copies of
  openpyxl_basic/xlsxwriter_shared, what differs from the file converted.
"""
import datetime
import datetime as dt
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

import openpyxl
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook

TITLE = "乐昌市农村电商培训签到表"
HEADER = ["序号", "姓名", "性别", "身份证号", "联系电话", "培训日期"]
FIXED_TIME = dt.datetime(2021, 8, 31, 9, 0, 0)


def with_openpyxl(path, epoch_1904=False):
    wb = openpyxl.Workbook()
    if epoch_1904:
        wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "签到表"
    ws["A1"] = TITLE
    ws.merge_cells("A1:F1")
    for c, h in enumerate(HEADER, start=1):
        ws.cell(2, c, h)
    ws.append([1, "张三", "男", "44028119900101123X", 13812345678, datetime.datetime(2020, 7, 15)])
    ws["F3"].number_format = "yyyy-mm-dd"
    ws.append([2, "李四", "女", "440281199001011234", "13912345678", datetime.datetime(2020, 7, 15, 9, 30)])
    ws["F4"].number_format = "yyyy-mm-dd hh:mm"
    ws.append([3, "王五", "男", 4.40281199001011e17, 0.1, datetime.datetime(2020, 7, 16)])
    ws["F5"].number_format = 'yyyy"年"m"月"d"日"'
    ws["G6"] = True
    ws["H6"] = -3.5
    ws["I6"] = datetime.time(8, 30)
    ws["I6"].number_format = "h:mm:ss"
    ws["J6"] = "#N/A"
    ws["J6"].data_type = "e"
    ws["A7"] = "=A3+A4"
    ws["A8"] = CellRichText([TextBlock(openpyxl.cell.text.InlineFont(b=True), "乐昌"), "市"])
    ws["B8"] = "  两端空格\n换行  "
    ws["XFD9"] = "最后一列"
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "隐藏内容"
    hidden.sheet_state = "hidden"
    wb.save(path)


def with_xlsxwriter(path, options=None):
    wb = xlsxwriter.Workbook(path, options or {})
    ws = wb.add_worksheet("签到表")
    ws.merge_range("A1:F1", TITLE, wb.add_format({"bold": True, "align": "center"}))
    ws.write_row(1, 0, HEADER)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    cjk = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    ws.write_row(2, 0, [1, "张三", "男", "44028119900101123X", 13812345678])
    ws.write_datetime(2, 5, datetime.datetime(2020, 7, 15), date)
    ws.write_number(3, 0, 2)
    ws.write_row(3, 1, ["李四", "女", "440281199001011234"])
    ws.write_string(3, 4, "13912345678")
    ws.write_datetime(3, 5, datetime.datetime(2020, 7, 15, 9, 30), datetime_fmt)
    ws.write_row(4, 0, [3, "王五", "男"])
    ws.write_number(4, 3, 4.40281199001011e17)
    ws.write_number(4, 4, 0.1)
    ws.write_datetime(4, 5, datetime.datetime(2020, 7, 16), cjk)
    ws.write_boolean(5, 6, True)
    ws.write_number(5, 7, -3.5)
    ws.write_datetime(5, 8, datetime.time(8, 30), wb.add_format({"num_format": "h:mm:ss"}))
    ws.write_formula(5, 9, "=NA()", None, "#N/A")
    ws.write_formula(6, 0, "=A3+A4", None, 3)
    ws.write_rich_string(7, 0, wb.add_format({"bold": True}), "乐昌", "市")
    ws.write_string(7, 1, "  两端空格\n换行  ")
    ws.write_string(8, 16383, "最后一列")
    hidden = wb.add_worksheet("隐藏")
    hidden.write("A1", "隐藏内容")
    hidden.hide()
    wb.close()


def dates_1904_openpyxl(path):
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws["A1"] = datetime.datetime(2020, 7, 15)
    ws["A1"].number_format = "yyyy-mm-dd"
    ws["A2"] = datetime.datetime(1904, 1, 2, 12, 0)
    ws["A2"].number_format = "yyyy-mm-dd hh:mm:ss"
    wb.save(path)


def dates_1904_xlsxwriter(path):
    wb = xlsxwriter.Workbook(path, {"date_1904": True})
    ws = wb.add_worksheet()
    ws.write_datetime(0, 0, datetime.datetime(2020, 7, 15), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_datetime(1, 0, datetime.datetime(1904, 1, 2, 12, 0), wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}))
    wb.close()


def constant_memory(path):
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("名单")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i in range(500):
        ws.write_number(i, 0, i + 1)
        ws.write_string(i, 1, f"学员{i + 1}")
        ws.write_datetime(i, 2, datetime.datetime(2020, 1, 1) + datetime.timedelta(days=i), date)
    wb.close()


def libreoffice(sources, fmt, outdir):
    """Converts in one soffice run (each start costs seconds)."""
    # A profile of its own, so concurrent runs do not share one.
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to",
                                 fmt, "--outdir", outdir] + sources, capture_output=True, text=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [s for s in sources
               if not os.path.exists(os.path.join(outdir, os.path.splitext(os.path.basename(s))[0] + "." + fmt))]
    if result.returncode != 0 or missing:
        sys.exit(f"make_fixtures.py: soffice --convert-to {fmt} failed (exit {result.returncode}, missing {missing}):\n"
                 f"{result.stdout}\n{result.stderr}")


def csv_files(out):
    rows = [["序号", "姓名", "身份证号", "备注"], ["1", "张三", "44028119900101123X", "第一行"],
            ["2", "李四", "", "身份证号为空"], ["3", "买买提·吐尔逊", "650101198808081237", "含逗号,和\"引号\""],
            ["4", "王五", "440281199001011234", "多行\n备注"]]

    def text(delim):
        def field(f):
            return '"' + f.replace('"', '""') + '"' if any(ch in f for ch in (delim, '"', "\n", "\r")) else f
        return "\r\n".join(delim.join(field(f) for f in r) for r in rows) + "\r\n"

    body = text(",")
    files = {"csv_utf8.csv": body.encode("utf-8"), "csv_utf8_bom.csv": b"\xef\xbb\xbf" + body.encode("utf-8"),
             "csv_gb18030.csv": body.encode("gb18030"), "csv_utf16le.csv": b"\xff\xfe" + body.encode("utf-16-le"),
             "csv_utf16be.csv": b"\xfe\xff" + body.encode("utf-16-be"), "csv_tab.txt": text("\t").encode("utf-8"),
             "csv_semicolon.csv": text(";").encode("utf-8"),
             "csv_lf_blank_lines.csv": ("标题\n\n姓名,电话\n张三,13812345678\n\n李四,13912345678").encode("utf-8"),
             "csv_bad_bytes.csv": "姓名,电话\n张三,".encode("utf-8") + b"\xff\xff\xfe\x80\x80" + b"\n",
             "csv_unterminated.csv": '姓名,备注\n张三,"没有闭合\n李四,x\n'.encode("utf-8"),
             "csv_wide.csv": (",".join(["x"] * 20000) + "\n").encode("utf-8"),
             "csv_huge_field.csv": ("a," + "字" * 40000 + "\n").encode("utf-8"),
             "csv_binary.csv": bytes(range(1, 256)) * 40}
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


def encrypted(source, target):
    from msoffcrypto.format.ooxml import OOXMLFile
    with open(source, "rb") as f:
        office = OOXMLFile(f)
        with open(target, "wb") as g:
            office.encrypt("mima123", g)



# ---------------------------------------------------------------- text rules (CellText.swift)

def number_text(value):
    """CellValue.numberText: integers without ".0", other numbers in shortest round-trip form."""
    if isinstance(value, int):
        # An integer written whole in the file: the reader keeps its exact digits.
        return str(value)
    d = float(value)
    if d == 0:
        return "0"
    shortest = repr(d)
    if d != math.floor(d) or abs(d) >= 1e21:
        return shortest
    if abs(d) < 1e15:
        return str(int(d))
    return expand_exponent(shortest)


def expand_exponent(text):
    if "e" not in text:
        return text[:-2] if text.endswith(".0") else text
    mantissa, exponent = text.split("e")
    negative = mantissa.startswith("-")
    mantissa = mantissa.lstrip("-")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point_at = len(whole) + int(exponent)
    body = digits + "0" * (point_at - len(digits)) if len(digits) <= point_at else digits[:point_at]
    return ("-" if negative else "") + body


def date_text(value):
    """LocalDateTime.description: YYYY-MM-DD, with HH:MM:SS when there is a time."""
    if isinstance(value, dt.timedelta):  # calamine's durations: a time of day below one day
        seconds = round(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, dt.time):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + round(value.microsecond / 1e6)
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, dt.datetime):
        if value.microsecond:
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if value.hour or value.minute or value.second:
            return value.strftime("%Y-%m-%d %H:%M:%S")
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d")


def described(value, is_error=False):
    """(kind, text) of a cell value, or None for an empty cell."""
    if value is None or value == "":
        return None
    if is_error:
        return ("error", str(value))
    if isinstance(value, bool):
        return ("bool", "TRUE" if value else "FALSE")
    if isinstance(value, (dt.datetime, dt.date, dt.time, dt.timedelta)):
        return ("date", date_text(value))
    if isinstance(value, (int, float)):
        return ("number", number_text(value))
    return ("text", str(value))


def make_openpyxl_basic(path):
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    ws = wb.active
    ws.title = "签到表"
    ws["A1"] = "乐昌市农村电商培训签到表"
    ws.merge_cells("A1:F1")
    for col, header in enumerate(["序号", "姓名", "性别", "身份证号", "联系电话", "培训日期"], start=1):
        ws.cell(row=2, column=col, value=header)
    rows = [
        (1, "张三", "男", "44028119900101123X", 13812345678, dt.datetime(2020, 7, 15), "yyyy-mm-dd"),
        (2, "李四", "女", 440281199001011234, "13912345678", dt.datetime(2020, 7, 16), 'yyyy"年"m"月"d"日"'),
        (3, "王  五", "男", "440281199203155678", 13712345678, dt.datetime(2020, 7, 15, 9, 30, 5),
         "yyyy-mm-dd hh:mm:ss"),
        (4, "赵六", "女", "440281198512120021", "137 1234 5678", dt.time(14, 30, 0), "hh:mm:ss"),
        (5, "钱七", "男", "44028119780808002x", 13612345678, dt.datetime(2020, 7, 17), "yyyy-mm-dd"),
        (6, "", "", "", None, None, None),
    ]
    for offset, (number, name, sex, id_number, phone, date, fmt) in enumerate(rows):
        r = 3 + offset
        ws.cell(row=r, column=1, value=number)
        ws.cell(row=r, column=2, value=name)  # "" on the last row: an empty-string cell
        ws.cell(row=r, column=3, value=sex or None)
        ws.cell(row=r, column=4, value=id_number or None)
        ws.cell(row=r, column=5, value=phone)
        if date is not None:
            ws.cell(row=r, column=6, value=date).number_format = fmt
    ws["G3"] = 0.1
    ws["G4"] = -12.5
    ws["G5"] = True
    ws["G6"] = "=1+1"  # openpyxl stores no cached value
    ws["G7"] = "#N/A"
    ws["G7"].data_type = "e"
    ws["H3"] = 1 / 3
    ws["H4"] = 1234567.125
    ws["XFD5"] = "最后一列"

    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "隐藏内容"
    hidden["A2"] = 42

    rich = wb.create_sheet("富文本")
    rich["A1"] = CellRichText([TextBlock(InlineFont(b=True), "加粗"), TextBlock(InlineFont(color="FFFF0000"), "红色")])
    rich["A2"] = "  前后空格\n换行  "
    rich["A3"] = 2.5
    wb.save(path)
    # openpyxl 3.1 writes the int as "4.402811990010113e+17"; other programs write the whole
    # integer, which a reader must keep: put it in the XML the way they do.
    rewrite_entry(path, "xl/worksheets/sheet1.xml",
                  lambda xml: re.sub(rb'(<c r="D4"[^>]*><v>)[^<]*(</v>)', rb"\g<1>440281199001011234\g<2>", xml, count=1))
    return {
        "签到表": {"visibility": "visible", "merged": ["A1:F1"], "cells": {
            "A1": ("text", "乐昌市农村电商培训签到表"),
            "A2": ("text", "序号"), "B2": ("text", "姓名"), "C2": ("text", "性别"), "D2": ("text", "身份证号"),
            "E2": ("text", "联系电话"), "F2": ("text", "培训日期"),
            "A3": ("number", "1"), "B3": ("text", "张三"), "C3": ("text", "男"), "D3": ("text", "44028119900101123X"),
            "E3": ("number", "13812345678"), "F3": ("date", "2020-07-15"),
            "A4": ("number", "2"), "B4": ("text", "李四"), "C4": ("text", "女"), "D4": ("number", "440281199001011234"),
            "E4": ("text", "13912345678"), "F4": ("date", "2020-07-16"),
            "A5": ("number", "3"), "B5": ("text", "王  五"), "C5": ("text", "男"), "D5": ("text", "440281199203155678"),
            "E5": ("number", "13712345678"), "F5": ("date", "2020-07-15 09:30:05"),
            "A6": ("number", "4"), "B6": ("text", "赵六"), "C6": ("text", "女"), "D6": ("text", "440281198512120021"),
            "E6": ("text", "137 1234 5678"), "F6": ("date", "14:30:00"),
            "A7": ("number", "5"), "B7": ("text", "钱七"), "C7": ("text", "男"), "D7": ("text", "44028119780808002x"),
            "E7": ("number", "13612345678"), "F7": ("date", "2020-07-17"),
            "A8": ("number", "6"),
            "G3": ("number", "0.1"), "G4": ("number", "-12.5"), "G5": ("bool", "TRUE"), "G7": ("error", "#N/A"),
            "H3": ("number", "0.3333333333333333"), "H4": ("number", "1234567.125"),
            "XFD5": ("text", "最后一列"),
        }, "uncachedFormulas": {"G6": "=1+1"}},
        "隐藏": {"visibility": "hidden", "merged": [], "cells": {"A1": ("text", "隐藏内容"), "A2": ("number", "42")}},
        "富文本": {"visibility": "visible", "merged": [], "cells": {
            "A1": ("text", "加粗红色"), "A2": ("text", "  前后空格\n换行  "), "A3": ("number", "2.5")}},
    }


def make_xlsxwriter_shared(path):
    wb = xlsxwriter.Workbook(path)
    wb.set_properties({"created": FIXED_TIME})
    ws = wb.add_worksheet("培训记录")
    bold = wb.add_format({"bold": True})
    red = wb.add_format({"font_color": "red"})
    title = wb.add_format({"bold": True, "align": "center"})
    cn_date = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    locale_date = wb.add_format({"num_format": "[$-804]yyyy/m/d"})
    ws.merge_range("A1:D1", "2020年第三期电商培训", title)
    ws.write_row("A2", ["姓名", "村", "日期", "备注"])
    ws.write_row("A3", ["张三", "坪石村"])
    ws.write_row("A4", ["李四", "坪石村"])  # repeats: one shared string each
    ws.write_datetime("C3", dt.datetime(2020, 9, 1), cn_date)
    ws.write_datetime("C4", dt.datetime(2020, 9, 2), locale_date)
    ws.write_number("A6", 42)
    ws.write_formula("B6", "=A6*2", None, 84)
    ws.write_formula("C6", '=A2&"名单"', None, "姓名名单")
    ws.write_rich_string("A7", bold, "加粗", red, "红字", "普通")
    ws.write_boolean("B7", False)
    ws.write_string("A8", "控制\x01字符")
    ws.write_string("B8", "_x0041_")
    ws.write_string("D3", "x")
    hidden = wb.add_worksheet("备用")
    hidden.hide()
    hidden.write("A1", "隐藏的表")
    wb.close()
    return {
        "培训记录": {"visibility": "visible", "merged": ["A1:D1"], "cells": {
            "A1": ("text", "2020年第三期电商培训"),
            "A2": ("text", "姓名"), "B2": ("text", "村"), "C2": ("text", "日期"), "D2": ("text", "备注"),
            "A3": ("text", "张三"), "B3": ("text", "坪石村"), "C3": ("date", "2020-09-01"), "D3": ("text", "x"),
            "A4": ("text", "李四"), "B4": ("text", "坪石村"), "C4": ("date", "2020-09-02"),
            "A6": ("number", "42"), "B6": ("number", "84", "=A6*2"), "C6": ("text", "姓名名单", '=A2&"名单"'),
            "A7": ("text", "加粗红字普通"), "B7": ("bool", "FALSE"),
            "A8": ("text", "控制\x01字符"), "B8": ("text", "_x0041_"),
        }},
        "备用": {"visibility": "hidden", "merged": [], "cells": {"A1": ("text", "隐藏的表")}},
    }


def rewrite_entry(path, entry, change):
    """Rewrites one part of a zip package in place, keeping the others and their order."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            if info.filename == entry:
                changed = change(data)
                if changed == data:
                    sys.exit(f"make_fixtures.py: rewriting {entry} of {path} changed nothing")
                data = changed
            target.writestr(info, data)


# ---------------------------------------------------------------- reading back

def read_xlsx(path):
    """Sheets as a reader must find them, read back with openpyxl."""
    formulas = openpyxl.load_workbook(path, data_only=False, rich_text=False)
    values = openpyxl.load_workbook(path, data_only=True, rich_text=False)
    sheets = []
    for ws_f in formulas.worksheets:
        ws_v = values[ws_f.title]
        cells, uncached = {}, {}
        for row in ws_f.iter_rows():
            for cell in row:
                ref = cell.coordinate
                formula = cell.value if cell.data_type == "f" else None
                if formula is not None and not isinstance(formula, str):
                    formula = getattr(formula, "text", str(formula))  # array formulas
                cached = ws_v[ref]
                entry = described(cached.value, is_error=cached.data_type == "e")
                if entry is None:
                    if formula is not None:
                        uncached[ref] = formula
                    continue
                if entry[0] == "text":
                    entry = ("text", control_escapes_decoded(entry[1]))
                cells[ref] = {"kind": entry[0], "text": entry[1]}
                if formula is not None:
                    cells[ref]["formula"] = formula
        sheets.append({"name": ws_f.title, "visibility": ws_f.sheet_state,
                       "merged": sorted(str(r) for r in ws_f.merged_cells.ranges),
                       "cells": cells, "uncachedFormulas": uncached})
    return {"date1904": formulas.epoch == CALENDAR_MAC_1904, "sheets": sheets}


def control_escapes_decoded(text):
    """openpyxl decodes _x005F_ but leaves _x0001_ (a control character, not valid XML) as
    written; ECMA-376 means the character. (A literal "_x0001_", escaped as _x005F_x0001_,
    would be decoded wrongly here: the fixtures hold none.)"""
    return re.sub(r"_x(00[01][0-9A-Fa-f])_", lambda m: chr(int(m.group(1), 16)), text)


def as_expected(written):
    """The dict a library fixture's maker returns, in expected.json's shape."""
    sheets = []
    for name, sheet in written.items():
        cells = {}
        for ref, entry in sheet["cells"].items():
            cells[ref] = {"kind": entry[0], "text": entry[1]}
            if len(entry) > 2:
                cells[ref]["formula"] = entry[2]
        sheets.append({"name": name, "visibility": sheet["visibility"], "merged": sheet["merged"],
                       "cells": cells, "uncachedFormulas": sheet.get("uncachedFormulas", {})})
    return sheets


def differences(source, copy):
    """Human-readable notes of what a copy's sheets lost or changed against their source."""
    notes = []
    copies = {s["name"]: s for s in copy}
    for sheet in source:
        other = copies.get(sheet["name"])
        if other is None:
            notes.append(f"sheet {sheet['name']} missing")
            continue
        if other["visibility"] != sheet["visibility"]:
            notes.append(f"{sheet['name']}: visibility {sheet['visibility']} -> {other['visibility']}")
        if other["merged"] != sheet["merged"]:
            notes.append(f"{sheet['name']}: merged {sheet['merged']} -> {other['merged']}")
        for ref, cell in sheet["cells"].items():
            got = other["cells"].get(ref)
            if got is None:
                notes.append(f"{sheet['name']}!{ref}: {cell['kind']} {cell['text']!r} lost")
            elif (got["kind"], got["text"]) != (cell["kind"], cell["text"]):
                notes.append(f"{sheet['name']}!{ref}: {cell['kind']} {cell['text']!r} -> "
                             f"{got['kind']} {got['text']!r}")
        for ref, formula in sheet.get("uncachedFormulas", {}).items():
            got = other["cells"].get(ref)
            if got is not None:
                notes.append(f"{sheet['name']}!{ref}: uncached {formula} -> {got['kind']} {got['text']!r}")
        for ref in other["cells"].keys() - sheet["cells"].keys() - sheet.get("uncachedFormulas", {}).keys():
            notes.append(f"{sheet['name']}!{ref}: new cell {other['cells'][ref]['text']!r}")
    return sorted(notes)


# ---------------------------------------------------------------- legacy .xls by hand

ERROR_TEXTS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
               0x2A: "#N/A", 0x2B: "#GETTING_DATA"}


def compound_stream_offsets(data, name):
    """File offsets of each byte of a compound-file stream ([MS-CFB]), following its FAT or
    mini-FAT chain; enough for LibreOffice's output (no DIFAT sectors)."""
    le = lambda at: int.from_bytes(data[at:at + 4], "little")
    sector_size = 1 << int.from_bytes(data[30:32], "little")
    mini_size = 1 << int.from_bytes(data[32:34], "little")
    fat = []
    for i in range(109):
        s = le(76 + 4 * i)
        if s < 0xFFFFFFFA:
            fat.extend(le((s + 1) * sector_size + 4 * j) for j in range(sector_size // 4))

    def chain(start, table):
        sectors, s = [], start
        while s < 0xFFFFFFFA and len(sectors) <= len(table):
            sectors.append(s)
            s = table[s]
        return sectors

    def sector_offsets(sectors):
        return [o for s in sectors for o in range((s + 1) * sector_size, (s + 2) * sector_size)]

    directory = bytes(data[o] for o in sector_offsets(chain(le(48), fat)))
    entries = {}
    for at in range(0, len(directory), 128):
        length = int.from_bytes(directory[at + 64:at + 66], "little")
        entries[directory[at:at + max(length - 2, 0)].decode("utf-16-le")] = (
            int.from_bytes(directory[at + 116:at + 120], "little"), int.from_bytes(directory[at + 120:at + 124], "little"))
    start, size = entries[name]
    if size >= le(56):
        return sector_offsets(chain(start, fat))[:size]
    mini_fat_bytes = bytes(data[o] for o in sector_offsets(chain(le(60), fat)))
    mini_fat = [int.from_bytes(mini_fat_bytes[i:i + 4], "little") for i in range(0, len(mini_fat_bytes), 4)]
    container = sector_offsets(chain(entries["Root Entry"][0], fat))
    return [container[s * mini_size + i] for s in chain(start, mini_fat) for i in range(mini_size)][:size]


def biff_records(path):
    """(offset, type, body) of every record of an .xls file's Workbook stream."""
    data = open(path, "rb").read()
    stream = bytes(data[o] for o in compound_stream_offsets(data, "Workbook"))
    records, at = [], 0
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        records.append((at, kind, stream[at + 4:at + 4 + size]))
        at += 4 + size
    return records


def biff_formula_and_error_cells(path):
    """For each sheet: the refs of FORMULA records (with the error of an error result) and
    of BOOLERR error cells, which python-calamine reports as empty."""
    records = biff_records(path)
    index_of = {at: i for i, (at, _, _) in enumerate(records)}
    starts = []
    for _, kind, body in records:
        if kind == 0x000A:
            break
        if kind == 0x0085:
            starts.append(struct.unpack_from("<I", body)[0])
    sheets = []
    for start in starts:
        cells, depth = {}, 0
        for _, kind, body in records[index_of[start]:]:
            if kind in (0x0809, 0x000A):
                depth += 1 if kind == 0x0809 else -1
                if depth == 0:
                    break
                continue
            if depth != 1 or kind not in (0x0006, 0x0205):
                continue
            row, col = struct.unpack_from("<HH", body)
            ref = f"{get_column_letter(col + 1)}{row + 1}"
            if kind == 0x0205:
                if body[7]:
                    cells[ref] = {"error": ERROR_TEXTS[body[6]]}
            elif body[12:14] == b"\xff\xff" and body[6] == 2:
                cells[ref] = {"error": ERROR_TEXTS[body[8]], "formula": True}
            else:
                cells[ref] = {"formula": True}
        sheets.append(cells)
    return sheets


def read_xls(path, sibling=None):
    """Sheets of a legacy .xls as a reader must find them: values read back with
    python-calamine, error values and formula flags from the BIFF records themselves, the
    formula text from LibreOffice's .xlsx copy (`sibling`) where it has one."""
    book = CalamineWorkbook.from_path(path)
    records = biff_formula_and_error_cells(path)
    sibling_sheets = {s["name"]: s["cells"] for s in (sibling or {"sheets": []})["sheets"]}
    sheets = []
    for index, meta in enumerate(book.sheets_metadata):
        sheet = book.get_sheet_by_name(meta.name)
        cells = {}
        for r, row in enumerate(sheet.to_python(skip_empty_area=False)):
            for c, value in enumerate(row):
                entry = described(value)
                if entry is not None:
                    cells[f"{get_column_letter(c + 1)}{r + 1}"] = {"kind": entry[0], "text": entry[1]}
        for ref, facts in records[index].items():
            if "error" in facts:
                if ref in cells:
                    sys.exit(f"make_fixtures.py: {path} {meta.name}!{ref}: calamine read an error as {cells[ref]}")
                cells[ref] = {"kind": "error", "text": facts["error"]}
            if facts.get("formula") and ref in cells:
                cells[ref]["formula"] = sibling_sheets.get(meta.name, {}).get(ref, {}).get("formula", "")
        merged = [f"{get_column_letter(c1 + 1)}{r1 + 1}:{get_column_letter(c2 + 1)}{r2 + 1}"
                  for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []]
        visibility = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}[
            str(meta.visible).split(".")[-1]]
        sheets.append({"name": meta.name, "visibility": visibility, "merged": sorted(merged),
                       "cells": cells, "uncachedFormulas": {}})
    date_mode = [body for _, kind, body in biff_records(path) if kind == 0x0022]
    return {"date1904": bool(date_mode and struct.unpack_from("<H", date_mode[0])[0]), "sheets": sheets}


def rewrite_workbook_stream(source, path, change):
    """Copies an .xls, letting `change(stream, records)` edit its Workbook stream in place
    (same length); records are (offset, type, size)."""
    data = bytearray(open(source, "rb").read())
    offsets = compound_stream_offsets(data, "Workbook")
    stream = bytearray(data[o] for o in offsets)
    records, at = [], 0
    while at + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, at)
        records.append((at, kind, size))
        at += 4 + size
    change(stream, records)
    for o, byte in zip(offsets, stream):
        data[o] = byte
    with open(path, "wb") as f:
        f.write(data)


def make_encrypted_xls(source, path):
    """An .xls as encryption leaves it: FILEPASS after BOF, later record bodies unreadable."""
    def encrypt(stream, records):
        write_access = next(r for r in records if r[1] == 0x005C)
        stream[write_access[0]:write_access[0] + 2] = (0x002F).to_bytes(2, "little")  # FILEPASS
        body = bytes([1, 0, 1, 0, 1, 0]) + bytes((i * 97 + 31) % 256 for i in range(48))  # an RC4 header
        stream[write_access[0] + 4:write_access[0] + 4 + len(body)] = body
        state = 12345
        for at, kind, size in records:
            if at <= write_access[0] or kind in (0x0809, 0x0085, 0x000A):
                continue
            for i in range(at + 4, at + 4 + size):
                state = (state * 1103515245 + 12345) & 0x7FFFFFFF
                stream[i] ^= state >> 16 & 0xFF
    rewrite_workbook_stream(source, path, encrypt)


def make_boolerr_xls(source, path):
    """LibreOffice writes TRUE and #N/A as formulas (=TRUE(), =#N/A); Excel writes constants
    as BOOLERR records. Rewrites each boolean or error FORMULA record as a BOOLERR record
    followed by a filler record of an unused type (0x0000) taking up the rest of its bytes."""
    def to_boolerr(stream, records):
        changed = 0
        for at, kind, size in records:
            body = stream[at + 4:at + 4 + size]
            if kind != 0x0006 or body[12:14] != b"\xff\xff" or body[6] not in (1, 2):
                continue
            boolerr = bytes(body[0:6]) + bytes([body[8], 1 if body[6] == 2 else 0])
            filler = size - len(boolerr) - 4
            stream[at:at + 4 + size] = (struct.pack("<HH", 0x0205, len(boolerr)) + boolerr
                                        + struct.pack("<HH", 0x0000, filler) + bytes(filler))
            changed += 1
        if changed == 0:
            sys.exit(f"make_fixtures.py: {source} has no boolean or error formula to rewrite")
    rewrite_workbook_stream(source, path, to_boolerr)


# ---------------------------------------------------------------- main

def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    with_openpyxl(p("openpyxl.xlsx"))
    with_xlsxwriter(p("xlsxwriter.xlsx"))
    with_xlsxwriter(p("xlsxwriter_inline.xlsx"), {"constant_memory": True})
    dates_1904_openpyxl(p("openpyxl_1904.xlsx"))
    dates_1904_xlsxwriter(p("xlsxwriter_1904.xlsx"))
    constant_memory(p("xlsxwriter_constant.xlsx"))

    files = {}
    for name in ("openpyxl.xlsx", "xlsxwriter.xlsx", "xlsxwriter_inline.xlsx", "openpyxl_1904.xlsx",
                 "xlsxwriter_1904.xlsx", "xlsxwriter_constant.xlsx"):
        read = read_xlsx(p(name))
        files[name] = {"format": "xlsx", "producer": name.split("_")[0].split(".")[0], "readBy": "openpyxl",
                       "date1904": read["date1904"], "sheets": read["sheets"]}
    for name, producer, make in (("openpyxl_basic.xlsx", "openpyxl", make_openpyxl_basic),
                                 ("xlsxwriter_shared.xlsx", "xlsxwriter", make_xlsxwriter_shared)):
        written = as_expected(make(p(name)))
        read = read_xlsx(p(name))
        # What openpyxl reads back must be what was written: otherwise one of them is wrong.
        mismatch = differences(written, read["sheets"]) + differences(read["sheets"], written)
        if mismatch:
            sys.exit(f"make_fixtures.py: {name} does not read back as written:\n" + "\n".join(mismatch))
        files[name] = {"format": "xlsx", "producer": producer, "readBy": "as written, checked with openpyxl",
                       "date1904": read["date1904"], "sheets": written}

    # LibreOffice saves each source as legacy .xls, and (lo_openpyxl, lo_xlsxwriter: from that
    # .xls; lo_basic, lo_shared: from the source) as .xlsx: two soffice runs in all.
    lo_dir = tempfile.mkdtemp(prefix="lo-out-")
    sources = {"lo_openpyxl": "openpyxl.xlsx", "lo_xlsxwriter": "xlsxwriter.xlsx",
               "lo_basic": "openpyxl_basic.xlsx", "lo_shared": "xlsxwriter_shared.xlsx"}
    staged = {}
    for stem, name in sources.items():
        staged[stem] = os.path.join(lo_dir, stem + ".xlsx")
        shutil.copy(p(name), staged[stem])
    libreoffice(list(staged.values()), "xls", out)
    libreoffice([p("lo_openpyxl.xls"), p("lo_xlsxwriter.xls"), staged["lo_basic"], staged["lo_shared"]], "xlsx",
                os.path.join(lo_dir, "x"))
    for stem in sources:
        shutil.move(os.path.join(lo_dir, "x", stem + ".xlsx"), p(stem + ".xlsx"))
    shutil.rmtree(lo_dir, ignore_errors=True)
    for stem, source in sources.items():
        xlsx = read_xlsx(p(stem + ".xlsx"))
        xls = read_xls(p(stem + ".xls"), sibling=xlsx)
        files[stem + ".xlsx"] = {"format": "xlsx", "producer": "libreoffice", "readBy": "openpyxl",
                                 "date1904": xlsx["date1904"], "sheets": xlsx["sheets"]}
        files[stem + ".xls"] = {"format": "xls", "producer": "libreoffice",
                                "readBy": "python-calamine; errors and formula flags from the BIFF records",
                                "date1904": xls["date1904"], "sheets": xls["sheets"]}
        if source in ("openpyxl_basic.xlsx", "xlsxwriter_shared.xlsx"):
            for suffix in (".xlsx", ".xls"):
                files[stem + suffix]["lostFromSource"] = differences(files[source]["sheets"],
                                                                     files[stem + suffix]["sheets"])

    shutil.copy(p("lo_openpyxl.xls"), p("xls_renamed.xlsx"))
    files["xls_renamed.xlsx"] = dict(files["lo_openpyxl.xls"], readBy="copy of lo_openpyxl.xls")
    shutil.copy(p("lo_basic.xls"), p("renamed_xls.xlsx"))
    files["renamed_xls.xlsx"] = dict(files["lo_basic.xls"], readBy="copy of lo_basic.xls")
    encrypted(p("openpyxl.xlsx"), p("encrypted.xlsx"))
    make_encrypted_xls(p("lo_basic.xls"), p("encrypted.xls"))
    make_boolerr_xls(p("lo_basic.xls"), p("boolerr.xls"))
    boolerr = read_xls(p("boolerr.xls"))
    files["boolerr.xls"] = {"format": "xls", "producer": "libreoffice",
                            "readBy": "python-calamine; errors from the BIFF records (lo_basic.xls, "
                                      "its boolean and error formulas rewritten as BOOLERR records)",
                            "date1904": boolerr["date1904"], "sheets": boolerr["sheets"]}
    csv_files(out)

    with open(p("expected.json"), "w", encoding="utf-8") as f:
        json.dump({"files": files, "unreadable": {"encrypted.xlsx": "encrypted", "encrypted.xls": "encrypted"}},
                  f, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
