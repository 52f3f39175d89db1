"""Makes the spreadsheet files SheetIO's tests read, with the real programs people use:
openpyxl, XlsxWriter and LibreOffice (headless), plus CSV text in every encoding.

usage: make_fixtures.py OUTDIR
Every workbook holds the same sign-in sheet (see signin_rows), so one table of expected
values in the Swift tests checks every producer.
"""
import datetime, os, shutil, subprocess, sys, tempfile

import openpyxl
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.styles import Font

TITLE = "乐昌市农村电商培训签到表"
HEADER = ["序号", "姓名", "性别", "身份证号", "联系电话", "培训日期"]


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
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    try:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", fmt,
                        "--outdir", outdir] + sources, check=True, capture_output=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


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


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)
    with_openpyxl(p("openpyxl.xlsx"))
    with_xlsxwriter(p("xlsxwriter.xlsx"))
    with_xlsxwriter(p("xlsxwriter_inline.xlsx"), {"constant_memory": True})
    dates_1904_openpyxl(p("openpyxl_1904.xlsx"))
    dates_1904_xlsxwriter(p("xlsxwriter_1904.xlsx"))
    constant_memory(p("xlsxwriter_constant.xlsx"))
    # LibreOffice re-saves each producer's file as .xlsx and as legacy .xls.
    lo_dir = tempfile.mkdtemp(prefix="lo-out-")
    staged = []
    for name in ("openpyxl.xlsx", "xlsxwriter.xlsx"):
        stem = "lo_" + name.split(".")[0]
        shutil.copy(p(name), os.path.join(lo_dir, stem + ".xlsx"))
        staged.append(os.path.join(lo_dir, stem + ".xlsx"))
    libreoffice(staged, "xls", out)
    libreoffice([p("lo_openpyxl.xls"), p("lo_xlsxwriter.xls")], "xlsx", lo_dir + "/x")
    for name in ("lo_openpyxl", "lo_xlsxwriter"):
        shutil.move(os.path.join(lo_dir, "x", name + ".xlsx"), p(name + ".xlsx"))
    shutil.rmtree(lo_dir, ignore_errors=True)
    shutil.copy(p("lo_openpyxl.xls"), p("xls_renamed.xlsx"))
    encrypted(p("openpyxl.xlsx"), p("encrypted.xlsx"))
    csv_files(out)


if __name__ == "__main__":
    main()
