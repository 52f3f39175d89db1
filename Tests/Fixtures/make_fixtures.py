"""Makes the spreadsheet fixtures for SheetIO's reader tests with the programs people really
use (openpyxl, XlsxWriter, LibreOffice), and describes them in expected.json.

usage: make_fixtures.py OUTDIR

Files made in OUTDIR:
  openpyxl_basic.xlsx      a sign-in sheet: merged title, text and integer ID numbers, dates in
                           several formats, a time, floats, a bool, an uncached formula, #N/A,
                           an empty string, a cell in column XFD; a hidden sheet; a rich-text sheet
  openpyxl_1904.xlsx       dates in the 1904 system
  xlsxwriter_shared.xlsx   shared strings, formulas with cached results, rich strings, a merge,
                           CJK date formats, a hidden sheet, _xHHHH_ escapes
  xlsxwriter_1904.xlsx     dates in the 1904 system
  xlsxwriter_constant.xlsx constant-memory mode (inline strings), 300 rows of mixed types
  lo_basic.xlsx, lo_shared.xlsx   openpyxl_basic / xlsxwriter_shared saved again by LibreOffice
  lo_basic.xls, lo_shared.xls     the same saved by LibreOffice as legacy BIFF8
  renamed_xls.xlsx         lo_basic.xls under an .xlsx name (content detection)
  encrypted.xls            lo_basic.xls with a FILEPASS record in place of WRITEACCESS and the
                           records after it scrambled, as RC4 encryption leaves them (the
                           record headers stay readable, like in a real encrypted file)
  expected.json            what a reader must find; schema below

expected.json:
  {"files": {FILE: {"format": "xlsx"|"xls", "producer": "openpyxl"|"xlsxwriter"|"libreoffice",
                    "readBy": how the expectation was taken, "date1904": bool,
                    "sheets": [{"name", "visibility": "visible"|"hidden"|"veryHidden",
                                "merged": ["A1:F1", ...],
                                "cells": {A1REF: {"kind": "text"|"number"|"date"|"bool"|"error",
                                                  "text": str, "formula"?: "=A1*2"}},
                                "uncachedFormulas": {A1REF: "=1+1"}}],
                    "lostFromSource"?: [note, ...]}},
   "unreadable": {FILE: "encrypted"}}
  Sheets are in workbook order. "cells" holds every non-empty cell (empty strings are not
  cells); "text" follows Sources/SheetIO/Model/CellText.swift. A formula cell has the kind and
  text of its cached result and its formula in "formula"; a formula without a cached result
  (openpyxl writes none) is not a cell and is listed in "uncachedFormulas" instead.
  "lostFromSource" lists, for LibreOffice's copies, what differs from the file converted.
"""
import datetime as dt
import fcntl
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook

FIXED_TIME = dt.datetime(2021, 8, 31, 9, 0, 0)
LO_PROFILE = "/tmp/lo-fixtures-profile"


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


# ---------------------------------------------------------------- fixtures made by libraries

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


def make_openpyxl_1904(path):
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "1904"
    ws["A1"] = "日期"
    ws["A2"] = dt.datetime(2020, 7, 15)
    ws["A2"].number_format = "yyyy-mm-dd"
    ws["A3"] = dt.datetime(1904, 1, 2)
    ws["A3"].number_format = "yyyy-mm-dd"
    ws["A4"] = dt.datetime(2021, 8, 31, 17, 45, 0)
    ws["A4"].number_format = "yyyy-mm-dd hh:mm:ss"
    ws["B2"] = 1000
    wb.save(path)
    return {"1904": {"visibility": "visible", "merged": [], "cells": {
        "A1": ("text", "日期"), "A2": ("date", "2020-07-15"), "A3": ("date", "1904-01-02"),
        "A4": ("date", "2021-08-31 17:45:00"), "B2": ("number", "1000")}}}


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


def make_xlsxwriter_1904(path):
    wb = xlsxwriter.Workbook(path, {"date_1904": True})
    wb.set_properties({"created": FIXED_TIME})
    ws = wb.add_worksheet("日期1904")
    fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write("A1", "日期")
    ws.write_datetime("A2", dt.datetime(2020, 7, 15), fmt)
    ws.write_datetime("A3", dt.datetime(1999, 12, 31), fmt)
    wb.close()
    return {"日期1904": {"visibility": "visible", "merged": [], "cells": {
        "A1": ("text", "日期"), "A2": ("date", "2020-07-15"), "A3": ("date", "1999-12-31")}}}


def make_xlsxwriter_constant(path):
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    wb.set_properties({"created": FIXED_TIME})
    ws = wb.add_worksheet("大表")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    cells = {}
    ws.write_row(0, 0, ["序号", "姓名", "分数", "日期", "通过"])
    for col, header in enumerate(["序号", "姓名", "分数", "日期", "通过"]):
        cells[f"{get_column_letter(col + 1)}1"] = ("text", header)
    for i in range(1, 301):
        r = i + 1
        score = (i * 37 % 100) + 0.5 * (i % 2)
        day = dt.datetime(2020, 1, 1) + dt.timedelta(days=i)
        ws.write_number(i, 0, i)
        ws.write_string(i, 1, f"学员{i:03d}")
        ws.write_number(i, 2, score)
        ws.write_datetime(i, 3, day, date_format)
        ws.write_boolean(i, 4, i % 3 == 0)
        cells[f"A{r}"] = ("number", str(i))
        cells[f"B{r}"] = ("text", f"学员{i:03d}")
        cells[f"C{r}"] = ("number", number_text(score))
        cells[f"D{r}"] = ("date", day.strftime("%Y-%m-%d"))
        cells[f"E{r}"] = ("bool", "TRUE" if i % 3 == 0 else "FALSE")
    wb.close()
    return {"大表": {"visibility": "visible", "merged": [], "cells": cells}}


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
                cells[ref] = {"kind": entry[0], "text": entry[1]}
                if formula is not None:
                    cells[ref]["formula"] = formula
        sheets.append({"name": ws_f.title, "visibility": ws_f.sheet_state,
                       "merged": sorted(str(r) for r in ws_f.merged_cells.ranges),
                       "cells": cells, "uncachedFormulas": uncached})
    return {"date1904": formulas.epoch == CALENDAR_MAC_1904, "sheets": sheets}


def read_xls(path):
    """Sheets of a legacy .xls as a reader must find them, read back with python-calamine."""
    book = CalamineWorkbook.from_path(path)
    sheets = []
    for meta in book.sheets_metadata:
        sheet = book.get_sheet_by_name(meta.name)
        cells = {}
        first_row, first_col = sheet.start or (0, 0)
        for r, row in enumerate(sheet.to_python(skip_empty_area=False)):
            for c, value in enumerate(row):
                entry = described(value)
                if entry is None:
                    continue
                if entry[0] == "text" and entry[1].startswith("#") and entry[1] in ERROR_TEXTS:
                    entry = ("error", entry[1])  # calamine gives error cells as their text
                ref = f"{get_column_letter(c + 1)}{r + 1}"
                cells[ref] = {"kind": entry[0], "text": entry[1]}
        merged = []
        for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
            merged.append(f"{get_column_letter(c1 + 1)}{r1 + 1}:{get_column_letter(c2 + 1)}{r2 + 1}")
        visibility = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryHidden"}[
            str(meta.visible).split(".")[-1]]
        sheets.append({"name": meta.name, "visibility": visibility, "merged": sorted(merged),
                       "cells": cells, "uncachedFormulas": {}})
    return {"sheets": sheets}


ERROR_TEXTS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


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


# ---------------------------------------------------------------- LibreOffice

def convert(inputs, fmt, outdir):
    """Converts all inputs in one soffice run (each start costs seconds)."""
    os.makedirs(outdir, exist_ok=True)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("make_fixtures.py: LibreOffice (soffice) is not installed; it is needed for the fixtures")
    # One profile shared by concurrent runs: take turns.
    with open(LO_PROFILE + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{LO_PROFILE}",
                                 "--convert-to", fmt, "--outdir", outdir, *inputs],
                                capture_output=True, text=True, timeout=180)
    for path in inputs:
        made = os.path.join(outdir, os.path.splitext(os.path.basename(path))[0] + "." + fmt.split(":")[0])
        if result.returncode != 0 or not os.path.exists(made):
            sys.exit(f"make_fixtures.py: soffice could not convert {path} to {fmt} "
                     f"(exit {result.returncode}):\n{result.stdout}\n{result.stderr}")


# ---------------------------------------------------------------- an encrypted .xls, by hand

def compound_stream_offsets(data, name):
    """File offsets of each byte of a compound-file stream, following its FAT chain
    (enough of [MS-CFB] for LibreOffice's output: no DIFAT sectors, stream past the mini cutoff)."""
    le = lambda at, size=4: int.from_bytes(data[at:at + size], "little")
    sector_size = 1 << le(30, 2)
    fat_sectors = [le(76 + 4 * i) for i in range(109) if le(76 + 4 * i) < 0xFFFFFFFA]
    fat = []
    for s in fat_sectors:
        base = (s + 1) * sector_size
        fat.extend(le(base + 4 * i) for i in range(sector_size // 4))

    def chain(start):
        sectors, s = [], start
        while s < 0xFFFFFFFA and len(sectors) <= len(fat):
            sectors.append(s)
            s = fat[s]
        return sectors

    directory = b"".join(data[(s + 1) * sector_size:(s + 2) * sector_size] for s in chain(le(48)))
    for at in range(0, len(directory), 128):
        length = int.from_bytes(directory[at + 64:at + 66], "little")
        entry_name = directory[at:at + max(length - 2, 0)].decode("utf-16-le")
        if entry_name == name:
            start = int.from_bytes(directory[at + 116:at + 120], "little")
            size = int.from_bytes(directory[at + 120:at + 124], "little")
            offsets = [o for s in chain(start) for o in range((s + 1) * sector_size, (s + 2) * sector_size)]
            return offsets[:size]
    raise ValueError(f"no stream {name}")


def make_encrypted(source, path):
    data = bytearray(open(source, "rb").read())
    offsets = compound_stream_offsets(data, "Workbook")
    stream = bytes(data[o] for o in offsets)
    records, at = [], 0
    while at + 4 <= len(stream):
        kind, size = int.from_bytes(stream[at:at + 2], "little"), int.from_bytes(stream[at + 2:at + 4], "little")
        records.append((at, kind, size))
        at += 4 + size
    write_access = next(r for r in records if r[1] == 0x005C)
    out = bytearray(stream)
    out[write_access[0]:write_access[0] + 2] = (0x002F).to_bytes(2, "little")  # FILEPASS
    body = bytes([1, 0, 1, 0, 1, 0]) + bytes((i * 97 + 31) % 256 for i in range(48))  # RC4 header
    out[write_access[0] + 4:write_access[0] + 4 + len(body)] = body
    # Scramble every later record body but leave BOUNDSHEET and BOF readable, as encryption does.
    state = 12345
    for at, kind, size in records:
        if at <= write_access[0] or kind in (0x0809, 0x0085, 0x000A):
            continue
        for i in range(at + 4, at + 4 + size):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            out[i] ^= state >> 16 & 0xFF
    for o, byte in zip(offsets, out):
        data[o] = byte
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- main

def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {}

    library_fixtures = [
        ("openpyxl_basic.xlsx", "openpyxl", make_openpyxl_basic),
        ("openpyxl_1904.xlsx", "openpyxl", make_openpyxl_1904),
        ("xlsxwriter_shared.xlsx", "xlsxwriter", make_xlsxwriter_shared),
        ("xlsxwriter_1904.xlsx", "xlsxwriter", make_xlsxwriter_1904),
        ("xlsxwriter_constant.xlsx", "xlsxwriter", make_xlsxwriter_constant),
    ]
    for name, producer, make in library_fixtures:
        path = os.path.join(out, name)
        written = as_expected(make(path))
        read = read_xlsx(path)
        # What openpyxl reads back must be what was written: otherwise one of them is wrong.
        mismatch = differences(written, read["sheets"]) + differences(read["sheets"], written)
        if mismatch:
            sys.exit(f"make_fixtures.py: {name} does not read back as written:\n" + "\n".join(mismatch))
        files[name] = {"format": "xlsx", "producer": producer, "readBy": "as written, checked with openpyxl",
                       "date1904": read["date1904"], "sheets": written}

    with tempfile.TemporaryDirectory() as work:
        sources = [os.path.join(out, "openpyxl_basic.xlsx"), os.path.join(out, "xlsxwriter_shared.xlsx")]
        convert(sources, "xlsx", os.path.join(work, "xlsx"))
        convert(sources, "xls", os.path.join(work, "xls"))
        for source, short in zip(sources, ["lo_basic", "lo_shared"]):
            stem = os.path.splitext(os.path.basename(source))[0]
            source_sheets = files[os.path.basename(source)]["sheets"]
            xlsx = os.path.join(out, short + ".xlsx")
            shutil.move(os.path.join(work, "xlsx", stem + ".xlsx"), xlsx)
            read = read_xlsx(xlsx)
            files[short + ".xlsx"] = {"format": "xlsx", "producer": "libreoffice", "readBy": "openpyxl",
                                      "date1904": read["date1904"], "sheets": read["sheets"],
                                      "lostFromSource": differences(source_sheets, read["sheets"])}
            xls = os.path.join(out, short + ".xls")
            shutil.move(os.path.join(work, "xls", stem + ".xls"), xls)
            read_back = read_xls(xls)
            # Formulas, as calamine does not report them: LibreOffice's own xlsx copy knows them.
            lo_cells = {s["name"]: s["cells"] for s in read["sheets"]}
            for sheet in read_back["sheets"]:
                for ref, cell in sheet["cells"].items():
                    formula = lo_cells.get(sheet["name"], {}).get(ref, {}).get("formula")
                    if formula is not None:
                        cell["formula"] = formula
            files[short + ".xls"] = {"format": "xls", "producer": "libreoffice", "readBy": "python-calamine",
                                     "date1904": False, "sheets": read_back["sheets"],
                                     "lostFromSource": differences(source_sheets, read_back["sheets"])}

    shutil.copyfile(os.path.join(out, "lo_basic.xls"), os.path.join(out, "renamed_xls.xlsx"))
    files["renamed_xls.xlsx"] = dict(files["lo_basic.xls"], readBy="copy of lo_basic.xls")
    make_encrypted(os.path.join(out, "lo_basic.xls"), os.path.join(out, "encrypted.xls"))

    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"files": files, "unreadable": {"encrypted.xls": "encrypted"}}, f, ensure_ascii=False, indent=1,
                  sort_keys=True)


if __name__ == "__main__":
    main()
