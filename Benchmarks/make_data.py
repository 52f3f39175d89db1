"""Generates the sign-in-shaped benchmark data: two XLSX files of the same rows made by
XlsxWriter, one with shared strings (as Excel saves) and one with inline strings (XlsxWriter's
constant_memory mode, as many exporters write), and the same rows as UTF-8 CSV.

usage: make_data.py OUTDIR ROWS
Columns: 序号 姓名 性别 身份证号 联系电话 镇 村 培训日期 培训主题 是否贫困户
"""
import csv, datetime, os, random, sys

import xlsxwriter

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧阳解强丛华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来嵺苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花艾蓝都巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银扬明沙薄伏岑习胥保和蔺"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞琴云辉建国志新春林海波宇晨浩然子轩欣怡梓涵雨桐佳琪思远嘉怡"
TOWNS = ["乐城街道", "坪石镇", "北乡镇", "九峰镇", "廊田镇", "长来镇", "梅花镇", "三溪镇", "大源镇", "庆云镇", "白石镇", "沙坪镇", "云岩镇", "秀水镇", "五山镇", "两江镇", "黄圃镇"]
TOPICS = ["农村电商基础知识", "网店开设与运营", "直播带货实操", "农产品品牌与包装", "短视频营销", "电商物流与供应链", "微信小程序开店", "电商扶贫政策解读"]
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(rng):
    body = "440281" + "%04d%02d%02d" % (rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28)) + "%03d" % rng.randint(0, 999)
    s = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + "10X98765432"[s % 11]


def rows(n, seed=20201115):
    rng = random.Random(seed)
    start = datetime.date(2019, 3, 1)
    for i in range(1, n + 1):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        town = rng.choice(TOWNS)
        yield [i, name, rng.choice("男女"), id_number(rng), "1%d%09d" % (rng.choice([3, 5, 7, 8, 9]), rng.randint(0, 10**9 - 1)),
               town, town[:2] + "第%d村" % rng.randint(1, 20), start + datetime.timedelta(days=(i // 500) % 900),
               rng.choice(TOPICS), "是" if rng.random() < 0.08 else "否"]


HEADER = ["序号", "姓名", "性别", "身份证号", "联系电话", "镇", "村", "培训日期", "培训主题", "是否贫困户"]


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    xlsx_path, csv_path = os.path.join(out, "signins.xlsx"), os.path.join(out, "signins.csv")
    inline_path = os.path.join(out, "signins_inline.xlsx")
    books = [xlsxwriter.Workbook(xlsx_path + ".tmp", {"strings_to_numbers": False}),
             xlsxwriter.Workbook(inline_path + ".tmp", {"strings_to_numbers": False, "constant_memory": True})]
    sheets = [wb.add_worksheet("签到表") for wb in books]
    date_fmts = [wb.add_format({"num_format": "yyyy-mm-dd"}) for wb in books]
    for ws in sheets:
        ws.write_row(0, 0, HEADER)
    with open(csv_path + ".tmp", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for r, row in enumerate(rows(n), start=1):
            when = datetime.datetime.combine(row[7], datetime.time())
            for ws, date_fmt in zip(sheets, date_fmts):
                ws.write_number(r, 0, row[0])
                for c in (1, 2, 3, 4, 5, 6, 8, 9):
                    ws.write_string(r, c, row[c])
                ws.write_datetime(r, 7, when, date_fmt)
            w.writerow(row[:7] + [row[7].isoformat()] + row[8:])
    for wb in books:
        wb.close()
    os.replace(xlsx_path + ".tmp", xlsx_path)
    os.replace(inline_path + ".tmp", inline_path)
    os.replace(csv_path + ".tmp", csv_path)


if __name__ == "__main__":
    main()
