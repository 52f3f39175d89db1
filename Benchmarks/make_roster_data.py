"""Generates Roster's benchmark data: FILES sign-in workbooks (XlsxWriter) holding ROWS
sign-ins in all, in the shape of real sheets (title rows, a header, people who come to
several sessions, a few repeats), and a registered-poor list of REGISTRY people.

usage: make_roster_data.py OUTDIR [ROWS FILES REGISTRY]   (defaults 500000 100 100000)
"""
import datetime, os, random, sys

import xlsxwriter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_data import SURNAMES, GIVEN, TOWNS, TOPICS, id_number  # noqa: E402


def main():
    out = sys.argv[1]
    rows, files, registry = (int(a) for a in (sys.argv[2:5] if len(sys.argv) >= 5 else (500_000, 100, 100_000)))
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7)
    # A county's people: a registry-sized pool, a third of whom come to trainings.
    people = []
    for _ in range(registry * 2):
        town = rng.choice(TOWNS)
        people.append((rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), id_number(rng),
                       "1%d%09d" % (rng.choice([3, 5, 8]), rng.randrange(10**9)), town, town[:2] + "第%d村" % rng.randint(1, 12)))
    trainees = people[: len(people) // 3]
    per_file = rows // files
    for f in range(files):
        path = os.path.join(out, f"签到表_{f + 1:03d}.xlsx")
        if os.path.exists(path):
            continue
        wb = xlsxwriter.Workbook(path + ".tmp", {"constant_memory": True})
        sessions = 5
        for s in range(sessions):
            ws = wb.add_worksheet(f"第{s + 1}场")
            day = datetime.date(2020, 3, 1) + datetime.timedelta(days=f * 5 + s)
            ws.write(0, 0, "农村电商培训签到表")
            ws.write(1, 0, f"培训时间：{day.year}年{day.month}月{day.day}日")
            ws.write(1, 3, f"培训地点：{rng.choice(TOWNS)}")
            ws.write_row(2, 0, ["序号", "姓名", "性别", "身份证号", "联系电话", "镇", "村", "签名"])
            for r in range(per_file // sessions):
                name, idn, phone, town, village = rng.choice(trainees)
                if rng.random() < 0.02:   # the odd spoiled ID
                    idn = idn[:15] + "000"
                ws.write_row(3 + r, 0, [r + 1, name, "男" if int(idn[16]) % 2 else "女", idn, phone, town, village])
        wb.close()
        os.replace(path + ".tmp", path)
    path = os.path.join(out, "建档立卡.xlsx")
    if not os.path.exists(path):
        wb = xlsxwriter.Workbook(path + ".tmp", {"constant_memory": True})
        ws = wb.add_worksheet("贫困人口")
        ws.write_row(0, 0, ["户编号", "人编号", "姓名", "证件号码", "与户主关系", "劳动技能", "务工状况", "乡(镇)", "行政村"])
        skills = ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力"]
        work = ["乡（镇）内务工", "乡（镇）外县内务工", "县外省内务工", "省外务工", "未外出务工"]
        for i, (name, idn, _, town, village) in enumerate(rng.sample(people, registry)):
            ws.write_row(i + 1, 0, [f"H{i // 4:06d}", f"P{i:07d}", name, idn, "户主" if i % 4 == 0 else "之子",
                                    rng.choice(skills), rng.choice(work), town, village])
        wb.close()
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
