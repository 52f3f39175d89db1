"""Makes messy sign-in sheets as county offices produce them, for Roster's tests.

usage: make_signins.py OUTDIR
- signin_xlsxwriter.xlsx: a merged title, a session row, a header, a repeat sign-in, an ID
  typed as a number (Excel keeps 15 digits), a blank row and a totals row; a second sheet
  for the next day with a 15-digit ID and a name spaced out.
- signin_wjx.xlsx (openpyxl): an online-form export with 问卷星 metadata columns, a BOM on
  the first header and "1、您的姓名：" questions; one person submitted twice.
- signin_dates_gb18030.csv: Chinese Excel's CSV with a date column holding two days.
"""
import datetime, os, sys

import openpyxl
import xlsxwriter

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idn(body):
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


A, B, C, D = idn("44028119850312101"), idn("44028119900101102"), idn("44028119700505203"), idn("44028119920229104")


def xlsxwriter_file(path):
    wb = xlsxwriter.Workbook(path)
    title = wb.add_format({"bold": True, "align": "center", "font_size": 16})
    ws = wb.add_worksheet("第一期")
    ws.merge_range("A1:G1", "乐昌市农村电商培训签到表", title)
    ws.merge_range("A2:G2", "培训时间：2020年7月15日    培训地点：坪石镇电商服务中心")
    ws.write_row(2, 0, ["序号", "学员姓名", "性别", "身份证号码", "手机号码", "所在村", "本人签名"])
    ws.write_row(3, 0, [1, "张三", "男", A, "13812345678", "水口村"])
    ws.write_row(4, 0, [2, "李四", "女", B, "13912345678", "水口村"])
    ws.write_row(5, 0, [3, "张三", "男", A.lower(), "13812345678", "水口村"])       # signed twice
    ws.write_row(6, 0, [4, "王五", "男"])
    ws.write_number(6, 3, float(C))                                                # Excel lost the digits
    ws.write_row(6, 4, ["13712345678", "茶料村"])
    ws.write_row(8, 0, [5, "", "", "", "", "", "赵六"])                             # signature only
    ws.write_row(9, 0, ["合计", "4人"])
    ws2 = wb.add_worksheet("第二期")
    ws2.merge_range("A1:E1", "培训时间：2020年7月16日")
    ws2.write_row(1, 0, ["序号", "姓名", "身份证号", "联系电话", "村"])
    ws2.write_row(2, 0, [1, "李  四", B, "139-1234-5678", "水口村"])
    ws2.write_row(3, 0, [2, "陈七", "610104620927690", "13600000000", "北高岭村"])  # a 15-digit ID
    wb.close()


def wjx_file(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["\ufeff序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您的姓名：", "2、您的手机号码：", "3、所在村：", "4、培训日期"])
    ws.append([1, "2020/07/20 10:01:00", "35秒", "微信", "N/A", "1.2.3.4(广东-韶关)", "王芳", "13500000001", "水口村", "2020年7月20日"])
    ws.append([2, "2020/07/20 10:03:00", "41秒", "微信", "N/A", "1.2.3.5(广东-韶关)", "刘强", "13500000002", "茶料村", "2020年7月20日"])
    ws.append([3, "2020/07/20 10:09:00", "20秒", "微信", "N/A", "1.2.3.4(广东-韶关)", "王 芳", "+86 135 0000 0001", "水口村", "2020年7月20日"])
    wb.save(path)


def csv_file(path):
    rows = [["姓名", "身份证号", "联系电话", "培训日期", "培训主题"],
            ["张三", A, "13812345678", "2020.8.1", "直播带货"],
            ["周八", D, "13800000008", "2020.8.1", "直播带货"],
            ["张三", A, "13812345678", "2020.8.2", "网店运营"]]
    with open(path, "w", encoding="gb18030", newline="") as f:
        for r in rows:
            f.write(",".join(r) + "\r\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    xlsxwriter_file(os.path.join(out, "signin_xlsxwriter.xlsx"))
    wjx_file(os.path.join(out, "signin_wjx.xlsx"))
    csv_file(os.path.join(out, "signin_dates_gb18030.csv"))


if __name__ == "__main__":
    main()
