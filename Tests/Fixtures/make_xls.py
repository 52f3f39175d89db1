#!/usr/bin/env python3
"""Makes the legacy .xls fixtures of the BIFF reader's tests into OUT_DIR, and OUT_DIR/xls_expected.json.

Usage: make_xls.py OUT_DIR

Made by real programs, expected values read back with python-calamine (errors and formula
flags from the BIFF records, as make_fixtures.read_xls does):
  lo_big_sst.xls: LibreOffice (`--convert-to xls`) from an openpyxl workbook of 3 000 sign-in
      rows: a shared-string table of thousands of Chinese and ASCII strings, split over
      CONTINUE records; dates in built-in and custom formats, times, fractions, long text,
      formulas with number, string, boolean and error results, merged cells, a hidden and a
      very hidden sheet.
  lo_1904.xls: LibreOffice from an openpyxl workbook in the 1904 date system.
  xlwt_basic.xls: xlwt: shared strings, RK and NUMBER cells, dates with number formats,
      booleans, styled blanks (MULBLANK), merged cells, a hidden sheet, the 1904 system.

Built by hand, record by record, in a compound file written here, for what no program on
this machine writes (LibreOffice 7.4 no longer exports Excel 95); expected values are what
was written, and python-calamine's reading is compared with them ("calamine" in the JSON):
  hand_biff8.xls: stream named "WORKBOOK"; an SST string whose first half is compressed and
      second half UTF-16 across a CONTINUE, rich-text runs and phonetic data split over a
      CONTINUE; LABEL and RSTRING (BIFF8), RK, MULRK, NUMBER, BOOLERR, BLANK, MULBLANK;
      FORMULA with number, STRING (continued), boolean, error and empty-string results;
      built-in and custom date formats; merged cells; hidden, very hidden and chart sheets;
      an embedded chart substream (BOF..EOF) holding a NUMBER that is not a cell of the
      sheet; cells written out of row order on a second sheet.
  hand_biff5.xls: Excel 95 (BIFF5) in a "Book" stream, code page 936: sheet names, LABEL,
      RSTRING and STRING text in GBK; NUMBER, RK, MULRK, BOOLERR, FORMULA results; a
      custom date format; a hidden sheet. hand_biff5_1252.xls: the same in code page 1252
      with Latin text (python-calamine 0.x reads 936 text as garbage, 1252 text correctly).
  hand_filepass.xls: a BIFF8 workbook with FILEPASS (encrypted): unreadable.
  hand_biff4.xls: an Excel 4.0 BOF in a "Book" stream: an unsupported version.

Hostile copies, each of which must end in an error (or read), never a crash or hang:
  hostile_sst_length.xls (a shared string's length byte changed: what crashed FreeXL),
  hostile_sst_count.xls (4 294 967 295 strings declared), hostile_fat_cycle.xls (the
  workbook stream's sector chain loops), hostile_dir_cycle.xls (the directory tree loops),
  hostile_sheet_offset.xls (a BOUNDSHEET pointing past the stream),
  hostile_bad_sst_index.xls (a LABELSST naming string 70 000), hostile_continue_flood.xls
  (60 000 empty CONTINUE records after the SST), hostile_merged_count.xls (MERGEDCELLS
  claiming 65 535 ranges in 10 bytes), hostile_column.xls (a cell in column 65 000),
  hostile_huge_stream.xls (the directory claims a 4 GB stream), hostile_far_cell.xls (a
  NUMBER moved to row 60 000, column 8 196: past the 256 columns of .xls; found by the
  mutation loop through `kaoping convert`, which wrote 67 MB before its timeout).
"""
import datetime as dt
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import openpyxl
import xlwt
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import described, read_xls  # noqa: E402  (the same text rules and reading)


def ref(row, col):
    return f"{get_column_letter(col + 1)}{row + 1}"


# ---------------------------------------------------------------- compound file writer

END, FREE, FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def compound_file(streams):
    """A version-3 compound file ([MS-CFB]) holding `streams` (name -> bytes) at the top level,
    each padded to 4 096 bytes so none goes to the mini stream."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    data = {n: streams[n] + bytes(max(0, 4096 - len(streams[n]))) for n in names}
    sectors_of = {n: (len(data[n]) + 511) // 512 for n in names}
    dir_sectors = (len(names) + 1 + 3) // 4
    body = dir_sectors + sum(sectors_of.values())
    fat_sectors = 1
    while fat_sectors * 128 < body + fat_sectors:
        fat_sectors += 1
    fat = [FATSECT] * fat_sectors
    first_dir = len(fat)
    fat += [first_dir + i + 1 for i in range(dir_sectors - 1)] + [END]
    starts = {}
    for n in names:
        starts[n] = len(fat)
        fat += [starts[n] + i + 1 for i in range(sectors_of[n] - 1)] + [END]
    fat += [FREE] * (fat_sectors * 128 - len(fat))

    def entry(name, kind, child, right, start, size):
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", FREE, right, child) + bytes(16 + 4 + 16)
                + struct.pack("<III", start, size, 0))
    directory = entry("Root Entry", 5, 1, FREE, END, 0)
    for i, n in enumerate(names):
        directory += entry(n, 2, FREE, i + 2 if i + 1 < len(names) else FREE, starts[n], len(data[n]))
    directory = directory.ljust(dir_sectors * 512, b"\0")

    header = (bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, fat_sectors, first_dir, 0, 4096, END, 0, END, 0)
              + b"".join(struct.pack("<I", i) for i in range(fat_sectors))
              + struct.pack("<I", FREE) * (109 - fat_sectors))
    assert len(header) == 512
    out = header + b"".join(struct.pack("<I", v) for v in fat) + directory
    for n in names:
        out += data[n].ljust(sectors_of[n] * 512, b"\0")
    return out, {"fat": 512, "first_dir": first_dir, "starts": starts, "sectors": sectors_of}


# ---------------------------------------------------------------- BIFF records

def rec(kind, body=b""):
    return struct.pack("<HH", kind, len(body)) + body


def u16str(text, wide=None):
    """XLUnicodeString: character count, flags, characters."""
    wide = wide if wide is not None else any(ord(c) > 0xFF for c in text)
    raw = text.encode("utf-16-le") if wide else text.encode("latin-1")
    return struct.pack("<HB", len(text), 1 if wide else 0) + raw


def short_str(text):
    wide = any(ord(c) > 0xFF for c in text)
    return struct.pack("<BB", len(text), 1 if wide else 0) + (text.encode("utf-16-le") if wide else text.encode("latin-1"))


def rk_int(value):
    return (value << 2 | 2) & 0xFFFFFFFF


def rk_cents(value_times_100):
    return (value_times_100 << 2 | 3) & 0xFFFFFFFF


def rk_double(value):
    bits = struct.unpack("<Q", struct.pack("<d", value))[0]
    assert bits & 0xFFFFFFFF == 0, value
    return bits >> 32


def assemble(globals_head, globals_tail, boundsheets, sheets, bof_version):
    """The whole stream: BOF, `globals_head`, BOUNDSHEETs, `globals_tail`, EOF, then the
    sheets; each sheet is (BOF kind, records between its BOF and EOF)."""
    def bof(dt_kind):
        if bof_version == 0x0600:
            return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt_kind, 0x0DBB, 0x07CC, 0x41, 0x06))
        return rec(0x0809, struct.pack("<HHHH", 0x0500, dt_kind, 0x0DBB, 0x07CC))

    def sheet_records(offsets):
        return b"".join(rec(0x0085, struct.pack("<IBB", off, vis, kind) + name)
                        for off, (vis, kind, name) in zip(offsets, boundsheets))
    start = bof(0x0005) + globals_head
    end = globals_tail + rec(0x000A)
    offset = len(start) + len(sheet_records([0] * len(boundsheets))) + len(end)
    offsets, bodies = [], b""
    for kind, records in sheets:
        offsets.append(offset + len(bodies))
        bodies += bof(kind) + records + rec(0x000A)
    return start + sheet_records(offsets) + end + bodies


BIFF8_BOF_CHART = 0x0020


def number(row, col, xf, value):
    return rec(0x0203, struct.pack("<HHHd", row, col, xf, value))


def rk(row, col, xf, value):
    return rec(0x027E, struct.pack("<HHHI", row, col, xf, value))


def boolerr(row, col, xf, value, is_error):
    return rec(0x0205, struct.pack("<HHHBB", row, col, xf, value, 1 if is_error else 0))


def formula(row, col, xf, result, rgce=b"\x1e\x01\x00"):
    """FORMULA: `result` is a float or ("string"|"bool"|"error"|"empty", code)."""
    if isinstance(result, float):
        value = struct.pack("<d", result)
    else:
        kind, code = result
        value = bytes([{"string": 0, "bool": 1, "error": 2, "empty": 3}[kind], 0, code, 0, 0, 0, 0xFF, 0xFF])
    return rec(0x0006, struct.pack("<HHH", row, col, xf) + value + struct.pack("<HIH", 0, 0, len(rgce)) + rgce)


def dimensions8(rows, cols):
    return rec(0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0))


def merged(ranges):
    return rec(0x00E5, struct.pack("<H", len(ranges)) + b"".join(struct.pack("<HHHH", *r) for r in ranges))


# XFs of the hand-built workbooks: index -> number format id.
XF_FORMATS = [0, 14, 164, 21, 2, 49, 165, 22]
XF_GENERAL, XF_DATE, XF_CJK_DATE, XF_TIME, XF_FIXED2, XF_TEXT, XF_CUSTOM_DT, XF_DATETIME = range(8)


def xf8(fmt):
    return rec(0x00E0, struct.pack("<HHHBBBBIIH", 0, fmt, 0x0001, 0x20, 0, 0, 0, 0, 0, 0x20C0))


def xf5(fmt):
    return rec(0x00E0, struct.pack("<HHHBBIII", 0, fmt, 0x0001, 0x20, 0, 0, 0, 0)[:16])


def make_hand_biff8(path, stream_name="WORKBOOK", encrypted=False):
    """See the module docstring. Returns the sheets a reader must find."""
    expected_sheets = []
    # Shared strings; string 3 is split between compressed and UTF-16 halves by hand below.
    sst_plain = ["姓名", "身份证号", "张三", None, "Plain ASCII", "富文本", "带注音", ""]
    split_text = "ABCDEFGH" + "乐昌市培训"
    def sst_item(text, runs=0, phonetic=b""):
        wide = any(ord(c) > 0xFF for c in text)
        flags = (1 if wide else 0) | (8 if runs else 0) | (4 if phonetic else 0)
        head = struct.pack("<HB", len(text), flags)
        if runs:
            head += struct.pack("<H", runs)
        if phonetic:
            head += struct.pack("<I", len(phonetic))
        chars = text.encode("utf-16-le") if wide else text.encode("latin-1")
        return head + chars + bytes(4 * runs) + phonetic
    # SST body pieces: [fragment0, fragment1, ...] where each later fragment is a CONTINUE.
    part0 = b"".join(sst_item(t) for t in sst_plain[:3])
    # String 3 starts compressed in the SST record: 8 ASCII characters, then the record ends.
    part0 += struct.pack("<HB", len(split_text), 0) + split_text[:8].encode("latin-1")
    # CONTINUE 1: a flags byte saying UTF-16, the rest of string 3, then strings 4 and 5,
    # string 5's runs cut in the middle.
    part1 = b"\x01" + split_text[8:].encode("utf-16-le") + sst_item("Plain ASCII")
    rich = sst_item("富文本", runs=2)
    part1 += rich[:-5]
    # CONTINUE 2: the rest of the runs (no flags byte: not characters), string 6 with phonetic
    # data cut in the middle.
    phonetic = bytes(range(1, 23))
    with_ph = sst_item("带注音", phonetic=phonetic)
    part2 = rich[-5:] + with_ph[:-10]
    part3 = with_ph[-10:] + sst_item("")
    strings = sst_plain[:3] + [split_text] + sst_plain[4:]
    sst = (rec(0x00FC, struct.pack("<II", 20, len(strings)) + part0) + rec(0x003C, part1)
           + rec(0x003C, part2) + rec(0x003C, part3))

    formats = (rec(0x041E, struct.pack("<H", 164) + u16str('yyyy"年"m"月"d"日"'))
               + rec(0x041E, struct.pack("<H", 165) + u16str("yyyy/mm/dd hh:mm")))
    xfs = b"".join(xf8(f) for f in XF_FORMATS)
    head = rec(0x0042, struct.pack("<H", 1200)) + (rec(0x002F, struct.pack("<H", 1) + bytes(52)) if encrypted else b"")
    head += formats + xfs
    boundsheets = [(0, 0, short_str("签到表")), (1, 0, short_str("Hidden")), (2, 0, short_str("VeryHidden")),
                   (0, 2, short_str("图表")), (0, 0, short_str("乱序"))]

    cells = {}
    recs = dimensions8(12, 8)
    def put(row, col, kind, text):
        cells[ref(row, col)] = {"kind": kind, "text": text}
    # Row 0: LABELSST header, a BLANK.
    recs += rec(0x00FD, struct.pack("<HHHI", 0, 0, 0, 0)); put(0, 0, "text", "姓名")
    recs += rec(0x00FD, struct.pack("<HHHI", 0, 1, XF_TEXT, 1)); put(0, 1, "text", "身份证号")
    recs += rec(0x0201, struct.pack("<HHH", 0, 2, 0))
    recs += rec(0x00FD, struct.pack("<HHHI", 0, 3, 0, 3)); put(0, 3, "text", split_text)
    # Row 1: LABELSST, LABEL (BIFF8, UTF-16 and compressed), RSTRING, and an empty string.
    recs += rec(0x00FD, struct.pack("<HHHI", 1, 0, 0, 2)); put(1, 0, "text", "张三")
    recs += rec(0x0204, struct.pack("<HHH", 1, 1, XF_TEXT) + u16str("440281199001011234")); put(1, 1, "text", "440281199001011234")
    recs += rec(0x0204, struct.pack("<HHH", 1, 2, 0) + u16str("Café")); put(1, 2, "text", "Café")
    recs += rec(0x00D6, struct.pack("<HHH", 1, 3, 0) + u16str("加粗的字") + struct.pack("<H", 1) + bytes(4)); put(1, 3, "text", "加粗的字")
    recs += rec(0x00FD, struct.pack("<HHHI", 1, 4, 0, 7))  # "" is no cell
    recs += rec(0x00FD, struct.pack("<HHHI", 1, 5, 0, 5)); put(1, 5, "text", "富文本")
    recs += rec(0x00FD, struct.pack("<HHHI", 1, 6, 0, 6)); put(1, 6, "text", "带注音")
    recs += rec(0x00FD, struct.pack("<HHHI", 1, 7, 0, 4)); put(1, 7, "text", "Plain ASCII")
    # Row 2: numbers: RK integer, RK cents, RK double, NUMBER, negative RK, MULRK.
    recs += rk(2, 0, 0, rk_int(42)); put(2, 0, "number", "42")
    recs += rk(2, 1, XF_FIXED2, rk_cents(1234)); put(2, 1, "number", "12.34")
    recs += rk(2, 2, 0, rk_double(0.5)); put(2, 2, "number", "0.5")
    recs += number(2, 3, 0, 3.14159); put(2, 3, "number", "3.14159")
    recs += rk(2, 4, 0, rk_int(-7)); put(2, 4, "number", "-7")
    recs += rec(0x00BD, struct.pack("<HH", 2, 5) + struct.pack("<HI", 0, rk_int(100000)) + struct.pack("<HI", 0, rk_cents(-250))
                + struct.pack("<HI", XF_DATE, rk_int(44027)) + struct.pack("<H", 7))
    put(2, 5, "number", "100000"); put(2, 6, "number", "-2.5"); put(2, 7, "date", "2020-07-15")
    # Row 3: dates: built-in, custom CJK, time, custom date-time, built-in date-time, General.
    recs += number(3, 0, XF_DATE, 44028.0); put(3, 0, "date", "2020-07-16")
    recs += rk(3, 1, XF_CJK_DATE, rk_int(44029)); put(3, 1, "date", "2020-07-17")
    recs += number(3, 2, XF_TIME, 0.6041666666666666); put(3, 2, "date", "14:30:00")
    recs += number(3, 3, XF_CUSTOM_DT, 44030.375); put(3, 3, "date", "2020-07-18 09:00:00")
    recs += number(3, 4, XF_DATETIME, 44031.5); put(3, 4, "date", "2020-07-19 12:00:00")
    recs += number(3, 5, 0, 44032.0); put(3, 5, "number", "44032")
    # Row 4: BOOLERR booleans and errors; MULBLANK.
    recs += boolerr(4, 0, 0, 1, False); put(4, 0, "bool", "TRUE")
    recs += boolerr(4, 1, 0, 0, False); put(4, 1, "bool", "FALSE")
    recs += boolerr(4, 2, 0, 0x2A, True); put(4, 2, "error", "#N/A")
    recs += boolerr(4, 3, 0, 0x07, True); put(4, 3, "error", "#DIV/0!")
    recs += rec(0x00BE, struct.pack("<HHHHHH", 4, 4, 0, 0, 0, 6))
    # Row 5: FORMULA results: number, date, string (STRING split over a CONTINUE), bool,
    # error, empty string.
    recs += formula(5, 0, 0, 2.0); put(5, 0, "number", "2")
    recs += formula(5, 1, XF_DATE, 44033.0); put(5, 1, "date", "2020-07-21")
    long_text = "结果" * 50 + "tail"
    recs += formula(5, 2, 0, ("string", 0), rgce=b"\x17" + short_str("x"))
    first = struct.pack("<HB", len(long_text), 1) + long_text[:60].encode("utf-16-le")
    recs += rec(0x0207, first) + rec(0x003C, b"\x01" + long_text[60:].encode("utf-16-le"))
    put(5, 2, "text", long_text)
    recs += formula(5, 3, 0, ("bool", 1)); put(5, 3, "bool", "TRUE")
    recs += formula(5, 4, 0, ("error", 0x0F)); put(5, 4, "error", "#VALUE!")
    recs += formula(5, 5, 0, ("empty", 0))
    recs += formula(5, 6, 0, ("string", 0)) + rec(0x0207, u16str("short"))
    put(5, 6, "text", "short")
    # An embedded chart: its records (here a NUMBER at A1) belong to the chart, not the sheet.
    recs += rec(0x005D, bytes(26))  # an OBJ record, as Excel writes before the chart
    recs += (rec(0x0809, struct.pack("<HHHHII", 0x0600, BIFF8_BOF_CHART, 0x0DBB, 0x07CC, 0x41, 0x06))
             + number(0, 0, 0, 999.0) + rec(0x1002, bytes(16)) + rec(0x000A))
    # Row 8 after the chart, and a merged title range.
    recs += rec(0x00FD, struct.pack("<HHHI", 8, 0, 0, 2)); put(8, 0, "text", "张三")
    recs += merged([(6, 7, 0, 3), (8, 8, 0, 1)])
    expected_sheets.append({"name": "签到表", "visibility": "visible", "merged": ["A7:D8", "A9:B9"], "cells": cells})

    hidden = rec(0x00FD, struct.pack("<HHHI", 0, 0, 0, 4))
    expected_sheets.append({"name": "Hidden", "visibility": "hidden", "merged": [],
                            "cells": {"A1": {"kind": "text", "text": "Plain ASCII"}}})
    very = number(2, 2, 0, 1.5)
    expected_sheets.append({"name": "VeryHidden", "visibility": "veryHidden", "merged": [],
                            "cells": {"C3": {"kind": "number", "text": "1.5"}}})
    chart = rec(0x1002, bytes(16))
    # Cells out of row order, and a repeated cell (the later wins).
    shuffled = (number(5, 1, 0, 6.0) + number(1, 0, 0, 2.0) + number(5, 0, 0, 5.0) + number(0, 2, 0, 1.0)
                + number(1, 0, 0, 3.0))
    expected_sheets.append({"name": "乱序", "visibility": "visible", "merged": [],
                            "cells": {"B6": {"kind": "number", "text": "6"}, "A2": {"kind": "number", "text": "3"},
                                      "A6": {"kind": "number", "text": "5"}, "C1": {"kind": "number", "text": "1"}}})
    stream = assemble(head, sst, boundsheets,
                      [(0x0010, recs), (0x0010, hidden), (0x0010, very), (BIFF8_BOF_CHART, chart), (0x0010, shuffled)], 0x0600)
    data, layout = compound_file({stream_name: stream})
    with open(path, "wb") as f:
        f.write(data)
    for s in expected_sheets:
        s["uncachedFormulas"] = {}
    return {"date1904": False, "sheets": expected_sheets}, stream, layout


LATIN = {"姓名": "Name", "乐昌市长来镇": "Müller & Söhne", "富文本单元格": "Rich café", "公式结果": "Résultat",
         "培训签到": "Anwesenheit", "备用": "Reserve", "备用表": "Reservé", 'yyyy"年"m"月"d"日"': "dd.mm.yyyy"}


def make_hand_biff5(path, code_page=936):
    """Excel 95: code page 936 with text as GBK bytes, or 1252 with Latin text."""
    encoding = {936: "gbk", 1252: "cp1252"}[code_page]
    tr = (lambda t: t) if code_page == 936 else (lambda t: LATIN.get(t, t))
    gbk = lambda t: tr(t).encode(encoding)
    def label(row, col, xf, text):
        raw = gbk(text)
        return rec(0x0204, struct.pack("<HHHH", row, col, xf, len(raw)) + raw)
    head = rec(0x0042, struct.pack("<H", code_page)) + rec(0x0022, struct.pack("<H", 0))
    code = gbk(('yyyy"年"m"月"d"日"'))
    head += rec(0x041E, struct.pack("<HB", 164, len(code)) + code)
    head += b"".join(xf5(f) for f in XF_FORMATS)
    name = lambda t: struct.pack("<B", len(gbk(t))) + gbk(t)
    boundsheets = [(0, 0, name("培训签到")), (1, 0, name("备用"))]
    cells = {}
    def put(row, col, kind, text):
        cells[ref(row, col)] = {"kind": kind, "text": tr(text)}
    recs = rec(0x0200, struct.pack("<HHHHH", 0, 6, 0, 6, 0))
    recs += label(0, 0, 0, ("姓名")); put(0, 0, "text", ("姓名"))
    recs += label(0, 1, 0, ("乐昌市长来镇")); put(0, 1, "text", ("乐昌市长来镇"))
    recs += label(0, 2, 0, "ASCII only"); put(0, 2, "text", "ASCII only")
    rich = gbk("富文本单元格")
    recs += rec(0x00D6, struct.pack("<HHHH", 0, 3, 0, len(rich)) + rich + struct.pack("<B", 2) + bytes(4))
    put(0, 3, "text", ("富文本单元格"))
    recs += number(1, 0, 0, 1.25); put(1, 0, "number", "1.25")
    recs += rk(1, 1, 0, rk_int(2020)); put(1, 1, "number", "2020")
    recs += number(1, 2, XF_CJK_DATE, 44027.0); put(1, 2, "date", "2020-07-15")
    recs += rk(1, 3, XF_DATE, rk_int(44028)); put(1, 3, "date", "2020-07-16")
    recs += rec(0x00BD, struct.pack("<HH", 2, 0) + struct.pack("<HI", 0, rk_int(1)) + struct.pack("<HI", 0, rk_cents(250))
                + struct.pack("<H", 1))
    put(2, 0, "number", "1"); put(2, 1, "number", "2.5")
    recs += boolerr(2, 2, 0, 0, False); put(2, 2, "bool", "FALSE")
    recs += boolerr(2, 3, 0, 0x17, True); put(2, 3, "error", "#REF!")
    recs += formula(3, 0, 0, 7.0); put(3, 0, "number", "7")
    text = gbk("公式结果")
    recs += formula(3, 1, 0, ("string", 0), rgce=b"\x17\x01x") + rec(0x0207, struct.pack("<H", len(text)) + text)
    put(3, 1, "text", ("公式结果"))
    recs += formula(3, 2, 0, ("bool", 1)); put(3, 2, "bool", "TRUE")
    recs += formula(3, 3, 0, ("error", 0x2A)); put(3, 3, "error", "#N/A")
    spare = label(0, 0, 0, ("备用表"))
    stream = assemble(head, b"", boundsheets, [(0x0010, recs), (0x0010, spare)], 0x0500)
    data, _ = compound_file({"Book": stream})
    with open(path, "wb") as f:
        f.write(data)
    return {"date1904": False, "sheets": [
        {"name": tr("培训签到"), "visibility": "visible", "merged": [], "cells": cells, "uncachedFormulas": {}},
        {"name": tr("备用"), "visibility": "hidden", "merged": [], "cells": {"A1": {"kind": "text", "text": tr("备用表")}},
         "uncachedFormulas": {}}]}


def calamine_cells(path):
    """What python-calamine reads: {sheet name: {ref: {kind, text}}}, or an error text."""
    try:
        book = CalamineWorkbook.from_path(path)
        out = {}
        for meta in book.sheets_metadata:
            if "WorkSheet" not in str(meta.typ):
                continue
            cells = {}
            for r, row in enumerate(book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)):
                for c, value in enumerate(row):
                    entry = described(value)
                    if entry is not None:
                        cells[ref(r, c)] = {"kind": entry[0], "text": entry[1]}
            out[meta.name] = cells
        return out
    except Exception as error:  # calamine's own failure is a finding, not ours
        return f"{type(error).__name__}: {error}"


def calamine_differences(path, expected):
    """How python-calamine's reading differs from what was written (errors aside: calamine
    reports BOOLERR and formula errors as empty cells)."""
    read = calamine_cells(path)
    if isinstance(read, str):
        return [f"unreadable: {read}"]
    notes = []
    names = list(read)
    for index, sheet in enumerate(expected["sheets"]):
        # By position: calamine may misread a sheet's name (BIFF5 code pages).
        got = read[names[index]] if index < len(names) else None
        if got is None:
            notes.append(f"{sheet['name']}: no such sheet")
            continue
        if names[index] != sheet["name"]:
            notes.append(f"{sheet['name']}: calamine names it {names[index]!r}")
        for r, cell in sorted(sheet["cells"].items()):
            if cell["kind"] == "error":
                continue
            if got.get(r) != cell:
                notes.append(f"{sheet['name']}!{r}: calamine {got.get(r)}, written {cell}")
        for r in sorted(got.keys() - sheet["cells"].keys()):
            notes.append(f"{sheet['name']}!{r}: calamine has {got[r]}, nothing written")
    return notes


# ---------------------------------------------------------------- real programs

def libreoffice(sources, outdir):
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to",
                                 "xls", "--outdir", outdir] + sources, capture_output=True, text=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    for s in sources:
        target = os.path.join(outdir, os.path.splitext(os.path.basename(s))[0] + ".xls")
        if not os.path.exists(target):
            sys.exit(f"make_xls.py: soffice --convert-to xls made no {target} (exit {result.returncode}):\n{result.stderr}")


SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英"


def make_big_sst_source(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws["A1"] = "乐昌市农村电商培训签到表（全年）"
    ws.merge_cells("A1:H1")
    ws.append(["序号", "姓名", "拼音", "身份证号", "培训日期", "签到时间", "得分", "备注"])
    for i in range(3000):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13) % len(GIVEN)] + str(i)
        row = [i + 1, name, f"name-{i:05d}", f"44028119{i % 100:02d}0101{i:04d}"[:18],
               dt.date(2020, 1, 1) + dt.timedelta(days=i % 366), dt.time(8 + i % 10, (i * 7) % 60),
               round(60 + (i * 37 % 400) / 10, 1), "说明" * (i % 7) if i % 50 else "长备注" * 120]
        ws.append(row)
        ws.cell(row=i + 3, column=5).number_format = "yyyy-mm-dd" if i % 2 else 'yyyy"年"m"月"d"日"'
        ws.cell(row=i + 3, column=6).number_format = "h:mm"
    ws["J3"] = "=SUM(A3:A5)"
    ws["J4"] = '="合计"&"人数"'
    ws["J5"] = "=A3>0"
    ws["J6"] = "=1/0"
    ws["J7"] = "=DATE(2021,3,4)"
    ws["J7"].number_format = "yyyy-mm-dd"
    hidden = wb.create_sheet("隐藏表")
    hidden["A1"] = "隐藏的内容"
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("深度隐藏")
    very["B2"] = 12345
    very.sheet_state = "veryHidden"
    wb.save(path)


def make_1904_source(path):
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["日期", dt.date(2020, 7, 15)])
    ws.append(["时间", dt.datetime(2021, 1, 2, 3, 4, 5)])
    ws["B1"].number_format = "yyyy-mm-dd"
    ws["B2"].number_format = "yyyy-mm-dd hh:mm:ss"
    wb.save(path)


def make_xlwt(path):
    wb = xlwt.Workbook(encoding="utf-8")
    wb.dates_1904 = True
    ws = wb.add_sheet("签到")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    cjk_style = xlwt.easyxf(num_format_str='yyyy"年"m"月"d"日"')
    time_style = xlwt.easyxf(num_format_str="hh:mm:ss")
    boxed = xlwt.easyxf("borders: left thin, right thin")
    ws.write_merge(0, 0, 0, 4, "乐昌市培训签到表")
    for c, h in enumerate(["序号", "姓名", "日期", "时间", "分数", "到场"]):
        ws.write(1, c, h)
    for i in range(400):
        r = i + 2
        ws.write(r, 0, i + 1)
        ws.write(r, 1, SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + ("甲" * (i % 5)))
        ws.write(r, 2, dt.date(2021, 3, 1) + dt.timedelta(days=i), date_style if i % 2 else cjk_style)
        ws.write(r, 3, dt.time(9, i % 60, 30), time_style)
        ws.write(r, 4, 0.25 * i - 3.5)
        ws.write(r, 5, i % 3 == 0)
        ws.write(r, 6, None, boxed)
        ws.write(r, 7, None, boxed)
        ws.write(r, 8, "x" * 200 + str(i))
    hidden = wb.add_sheet("隐藏")
    hidden.write(0, 0, "hidden text")
    hidden.visibility = 1
    wb.save(path)


# ---------------------------------------------------------------- hostile copies

def record_at(stream, kind):
    """Offset of the first record of this type in a BIFF stream."""
    at = 0
    while at + 4 <= len(stream):
        k, size = struct.unpack_from("<HH", stream, at)
        if k == kind:
            return at
        at += 4 + size
    sys.exit(f"make_xls.py: no record 0x{kind:04X}")


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def make_hostile(out, stream, layout):
    """Copies of hand_biff8.xls (stream `stream`, laid out as `layout`) broken one way each."""
    base = bytearray(open(os.path.join(out, "hand_biff8.xls"), "rb").read())
    stream_at = (layout["starts"]["WORKBOOK"] + 1) * 512  # its sectors are contiguous
    sst_at = stream_at + record_at(stream, 0x00FC)

    data = bytearray(base)
    struct.pack_into("<H", data, sst_at + 12, 0xFFF0)  # first string's length
    write(os.path.join(out, "hostile_sst_length.xls"), data)

    data = bytearray(base)
    struct.pack_into("<I", data, sst_at + 8, 0xFFFFFFFF)
    struct.pack_into("<I", data, sst_at + 4, 0xFFFFFFFF)
    write(os.path.join(out, "hostile_sst_count.xls"), data)

    data = bytearray(base)
    start, count = layout["starts"]["WORKBOOK"], layout["sectors"]["WORKBOOK"]
    struct.pack_into("<I", data, 512 + 4 * (start + count - 1), start)  # last sector -> first
    write(os.path.join(out, "hostile_fat_cycle.xls"), data)

    data = bytearray(base)
    dir_at = (layout["first_dir"] + 1) * 512
    struct.pack_into("<I", data, dir_at + 128 + 72, 1)  # the stream's right sibling is itself
    struct.pack_into("<I", data, dir_at + 128 + 68, 0)  # and its left the root
    write(os.path.join(out, "hostile_dir_cycle.xls"), data)

    data = bytearray(base)
    bs = stream_at + record_at(stream, 0x0085)
    struct.pack_into("<I", data, bs + 4, 0x7FFFFFF0)
    write(os.path.join(out, "hostile_sheet_offset.xls"), data)

    data = bytearray(base)
    label = stream_at + record_at(stream, 0x00FD)
    struct.pack_into("<I", data, label + 10, 70000)
    write(os.path.join(out, "hostile_bad_sst_index.xls"), data)

    data = bytearray(base)
    mc = stream_at + record_at(stream, 0x00E5)
    struct.pack_into("<H", data, mc + 4, 0xFFFF)
    write(os.path.join(out, "hostile_merged_count.xls"), data)

    data = bytearray(base)
    struct.pack_into("<H", data, label + 6, 65000)  # the column of the first LABELSST
    write(os.path.join(out, "hostile_column.xls"), data)

    # A NUMBER far out (row 60 000, column 8 196): convert would write 490 million empty fields.
    data = bytearray(base)
    number_at = stream_at + record_at(stream, 0x0203)
    struct.pack_into("<HH", data, number_at + 4, 60000, 8196)
    write(os.path.join(out, "hostile_far_cell.xls"), data)

    data = bytearray(base)
    struct.pack_into("<I", data, dir_at + 128 + 120, 0xFFFFFFF0)  # the stream's size
    write(os.path.join(out, "hostile_huge_stream.xls"), data)

    # 60 000 empty CONTINUE records after the SST: a long run of tiny records, read in one pass.
    glob_eof = record_at(stream, 0x000A)
    flood = stream[:glob_eof] + rec(0x003C) * 60000 + stream[glob_eof:]
    shift = len(flood) - len(stream)
    fixed = bytearray(flood)
    at = 0
    while at + 4 <= glob_eof:
        kind, size = struct.unpack_from("<HH", fixed, at)
        if kind == 0x0085:
            struct.pack_into("<I", fixed, at + 4, struct.unpack_from("<I", fixed, at + 4)[0] + shift)
        at += 4 + size
    data, _ = compound_file({"Workbook": bytes(fixed)})
    write(os.path.join(out, "hostile_continue_flood.xls"), data)


# ---------------------------------------------------------------- main

def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    files = {}

    staging = tempfile.mkdtemp(prefix="xls-src-")
    make_big_sst_source(os.path.join(staging, "lo_big_sst.xlsx"))
    make_1904_source(os.path.join(staging, "lo_1904.xlsx"))
    libreoffice([os.path.join(staging, "lo_big_sst.xlsx"), os.path.join(staging, "lo_1904.xlsx")], out)
    shutil.rmtree(staging, ignore_errors=True)
    for name in ("lo_big_sst.xls", "lo_1904.xls"):
        read = read_xls(p(name))
        files[name] = {"format": "xls", "producer": "libreoffice", "readBy": "python-calamine; errors from the BIFF records",
                       "date1904": read["date1904"], "sheets": read["sheets"], "calamine": []}
    if not files["lo_1904.xls"]["date1904"]:
        sys.exit("make_xls.py: LibreOffice did not keep the 1904 date system")

    make_xlwt(p("xlwt_basic.xls"))
    read = read_xls(p("xlwt_basic.xls"))
    files["xlwt_basic.xls"] = {"format": "xls", "producer": "xlwt", "readBy": "python-calamine",
                               "date1904": read["date1904"], "sheets": read["sheets"], "calamine": []}

    expected, stream, layout = make_hand_biff8(p("hand_biff8.xls"))
    files["hand_biff8.xls"] = dict(expected, format="xls", producer="hand", readBy="as written",
                                   calamine=calamine_differences(p("hand_biff8.xls"), expected))
    for name, code_page in (("hand_biff5.xls", 936), ("hand_biff5_1252.xls", 1252)):
        expected = make_hand_biff5(p(name), code_page)
        files[name] = dict(expected, format="xls", producer="hand", readBy="as written",
                           calamine=calamine_differences(p(name), expected))
    make_hand_biff8(p("hand_filepass.xls"), stream_name="Workbook", encrypted=True)
    # Excel 4.0's BOF (0x0409) in a "Book" stream: a version this reader does not read.
    write(p("hand_biff4.xls"), compound_file({"Book": rec(0x0409, struct.pack("<HHH", 0, 0x0100, 0)) + rec(0x000A)})[0])
    make_hostile(out, stream, layout)

    with open(p("xls_expected.json"), "w", encoding="utf-8") as f:
        json.dump({"files": files, "unreadable": {"hand_filepass.xls": "encrypted"}}, f,
                  ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
