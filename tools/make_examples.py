#!/usr/bin/env python3
"""Makes the bundled example counties examples/lechang and examples/qingxin.

usage: python3 tools/make_examples.py [--out DIR] [--check]

Every county gets config.yaml, README.md and data/ with a village list, a station list, a
registered-poor list (建档立卡) and sign-in sheets (XLSX made by XlsxWriter and openpyxl, CSV in
GB18030, an online-form export), messy the way county offices' files are. The aggregates that
Roster computes from them reproduce the two seed reports (DESIGN §3 "Reference figures").

All people are invented: random names, ID numbers with valid GB 11643 check characters in the
county's region code, birth dates that give ages 18-65 at the sessions, phones 1[3-9]xxxxxxxxx.

Mess put in on purpose (the counts are printed and checked by
Tests/RosterTests/ExampleDataTests.swift): repeat sign-ins at a session, rows naming nobody
(blank, signature only, a village only), totals rows, IDs stored as numbers (XLSX numeric cells,
"4.40281E+17" in a CSV, a number in the form export), IDs with a wrong check character,
full-width digits, lowercase x, an ID with spaces and one with a leading apostrophe, spaced
names, （代签）, a 10-digit phone, dates in title rows, sheet names, file names and a date column
(date cells, "2020.9.17" text and an Excel serial), two-row merged headers, a hidden template
sheet; 居委会/社区 rows and three committee suffixes in the village list; town-level, community
and renamed-village stations, 镇 left off town names; 20-character 证件号码 in the registry.

Output is deterministic (fixed random seeds, fixed workbook dates). `--check` regenerates into a
temporary directory and compares: CSV, YAML and Markdown byte for byte, XLSX cell by cell with
openpyxl; it prints every difference and exits 1 when there is one.
"""
import argparse
import json
import csv
import datetime as dt
import io
import os
import random
import re
import shutil
import sys
import tempfile
import zipfile

import openpyxl
import xlsxwriter

FIXED = dt.datetime(2021, 9, 1, 9, 0, 0)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(body17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, W)) % 11]


# ---------------------------------------------------------------------------------------------
# Names, IDs, phones

SURNAMES = ("陈" * 12 + "李" * 9 + "黄" * 9 + "张" * 7 + "梁" * 6 + "刘" * 6 + "林" * 5 + "何" * 5 + "罗" * 5
            + "邓" * 5 + "谢" * 4 + "曾" * 4 + "邱" * 3 + "吴" * 4 + "朱" * 3 + "钟" * 3 + "叶" * 3 + "蔡" * 2
            + "潘" * 3 + "杨" * 4 + "欧" * 2 + "廖" * 3 + "赖" * 2 + "温" * 2 + "冯" * 2 + "郭" * 2 + "彭" * 2
            + "王" * 3 + "周" * 2 + "徐" * 2 + "胡" * 2 + "邹" * 2 + "龚" + "范" + "骆" + "卢" * 2 + "汤" + "巫")
COMPOUND = ["欧阳", "司徒", "上官"]
MALE = "伟强军华明辉建国平志勇永杰文斌海亮锋俊松成德兴福荣贵生富金水林桂昌新超宏剑波锦坤泉"
FEMALE = "芳娟英秀玲红燕梅丽霞珍兰凤萍琴云莲妹娣月娇翠红丹洁婷静敏慧彩桂群琼银金玉"
MIDDLE = "志建国永伟文少小金水家锦木春秋冬晓立海德观伙亚瑞嘉启"


def make_name(rng, sex):
    surname = rng.choice(COMPOUND) if rng.random() < 0.006 else rng.choice(SURNAMES)
    pool = MALE if sex == "男" else FEMALE
    if rng.random() < 0.22:
        return surname + rng.choice(pool)
    return surname + rng.choice(MIDDLE + pool) + rng.choice(pool)


# Mainland mobile prefixes in use (1[3-9]x), weighted towards the common ones.
MOBILE_PREFIXES = (["13%d" % d for d in range(10)] * 3 + ["15%d" % d for d in (0, 1, 2, 3, 5, 6, 7, 8, 9)] * 3
                   + ["18%d" % d for d in range(10)] * 3 + ["147", "166", "173", "175", "176", "177", "178", "191", "198", "199"])


class IDs:
    """Unique ID numbers and phones within one county."""

    def __init__(self, rng, regions):
        self.rng, self.regions, self.used, self.phones = rng, regions, set(), set()

    def make(self, birth, sex, region=None):
        region = region or self.regions[0]
        while True:
            seq = self.rng.randrange(0, 1000)
            if (seq % 2 == 1) != (sex == "男"):
                seq = (seq + 1) % 1000
            body = "%s%s%03d" % (region, birth.strftime("%Y%m%d"), seq)
            full = body + check_char(body)
            # "…000" with a failing check reads as Excel precision loss; keep real ones clear of it.
            if full not in self.used and not full.endswith("000"):
                self.used.add(full)
                return full

    def phone(self):
        while True:
            p = self.rng.choice(MOBILE_PREFIXES) + "".join(self.rng.choice("0123456789") for _ in range(8))
            if p not in self.phones:
                self.phones.add(p)
                return p


def birth_for_age(rng, low, high, at=dt.date(2020, 7, 1)):
    """A birth date giving an age in [low, high] on `at`."""
    start = dt.date(at.year - high - 1, at.month, at.day) + dt.timedelta(days=1)
    end = dt.date(at.year - low, at.month, at.day)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


# ---------------------------------------------------------------------------------------------
# Villages

VPRE = "大小上下新老东西南北黄白石龙马牛鹤凤梅桃竹茶松杉枫柏田塘水河江溪沙坪岗岭坑洞坝源湖湾罗陈李何朱高长平安和兴隆福寿宝金银玉云雁鸡狮象龟鹿虎"
VSUF = "田坑塘坪洞岭山口坝湾溪头边尾背冲围寨岗源垌埔圳营洲湖洋峰岩桥坊"
FORBIDDEN = set("镇乡街村社站区")


def village_cores(rng, count, taken, keep=()):
    out = list(keep)
    seen = set(taken) | set(out)
    while len(out) < count:
        core = rng.choice(VPRE) + rng.choice(VSUF)
        if core[0] == core[1] or core in seen or FORBIDDEN & set(core):
            continue
        seen.add(core)
        out.append(core)
    taken.update(out)
    return out


def official(rng, core):
    """How the village list writes a 行政村."""
    r = rng.random()
    return core + ("村委会" if r < 0.5 else "村民委员会" if r < 0.7 else "村")


def community(rng, core):
    r = rng.random()
    return core + ("社区居委会" if r < 0.4 else "居委会" if r < 0.7 else "社区")


# ---------------------------------------------------------------------------------------------
# County specifications

LECHANG = dict(
    key="lechang", county="乐昌市", city="韶关市", seed=2019_0281, regions=["440281"],
    towns=[("乐城街道", 6, 11), ("坪石镇", 14, 3), ("黄圃镇", 12, 1), ("三溪镇", 11, 0), ("北乡镇", 11, 1),
           ("九峰镇", 13, 1), ("廊田镇", 13, 0), ("长来镇", 12, 1), ("梅花镇", 12, 1), ("秀水镇", 11, 0),
           ("大源镇", 12, 0), ("五山镇", 11, 1), ("两江镇", 12, 0), ("沙坪镇", 11, 0), ("云岩镇", 11, 0),
           ("庆云镇", 12, 0), ("白石镇", 11, 0)],
    # 坪石镇 has both 水口村委会 and 水口居委会; 九峰镇九峰村 is named after its town.
    keep_villages={"坪石镇": ["水口"], "九峰镇": ["九峰"]},
    poor_villages=39, covered=137,
    aliases={"廊田镇": ("同吉", "同吉店"), "长来镇": ("和平", "和")},
    centre_place="乐昌市电子商务公共服务中心",
    registry=dict(persons=13710, households=5038, labor=3134, migrants=5102),
    trained_poor=1650, other_poor_trainees=37, person_times=4385, sessions=98,
    first_session=dt.date(2019, 11, 5), last_session=dt.date(2021, 7, 30),
    mess=dict(duplicates=23, precision_lost_xlsx=3, precision_lost_csv=1, bad_check=3, fullwidth=2, lower_x=3,
              spaced_id=1, apostrophe=1, daiqian=2, spaced_names=9, invalid_phone=1, form_number=1),
)

QINGXIN = dict(
    key="qingxin", county="清新区", city="清远市", seed=2019_1803, regions=["441803"],
    towns=[("太和镇", 22, 9), ("太平镇", 24, 2), ("山塘镇", 22, 2), ("三坑镇", 20, 1), ("龙颈镇", 27, 2),
           ("禾云镇", 24, 1), ("浸潭镇", 25, 2), ("石潭镇", 22, 1)],
    keep_villages={"石潭镇": ["联滘", "水西"], "禾云镇": ["罗东", "新平"], "太平镇": ["金门"],
                   "浸潭镇": ["下迳"], "山塘镇": ["塘坑"], "龙颈镇": ["龙颈"]},
    must_poor={"石潭镇": ["联滘"], "禾云镇": ["罗东", "新平"], "太平镇": ["金门"], "山塘镇": ["塘坑"]},
    poor_villages=40, covered=140,
    aliases={"浸潭镇": ("黄竹坑", None), "三坑镇": ("新联", None)},
    centre_place="清新区电子商务公共服务中心",
    registry=dict(persons=20400, households=9351, labor=12466, migrants=1862),
    trained_poor=333, other_poor_trainees=21, person_times=5038, sessions=137,
    first_session=dt.date(2019, 12, 2), last_session=dt.date(2021, 6, 25),
    mess=dict(duplicates=31, precision_lost_xlsx=2, precision_lost_csv=1, bad_check=3, fullwidth=2, lower_x=2,
              spaced_id=1, apostrophe=1, daiqian=2, spaced_names=11, invalid_phone=1, form_number=1),
)

TOPICS = ["电子商务基础知识", "网店开设与运营", "直播带货技能", "农产品品牌营销", "短视频拍摄与运营", "微信营销与社群运营",
          "电商扶贫专题培训", "农产品包装与物流", "电商创业实务", "网店美工与摄影"]
LABOR_NONMIGRANT_WORK = ["乡（镇）内务工", "乡(镇)外县内务工", "县内务工", "无", "未外出务工", "其他"]


class Person:
    __slots__ = ("name", "sex", "birth", "id", "phone", "town", "village", "poor", "labor", "sessions", "mess", "reg")

    def __init__(self, **kw):
        self.sessions, self.mess, self.phone, self.reg = [], None, None, None
        for k, v in kw.items():
            setattr(self, k, v)


class County:
    def __init__(self, spec):
        self.s = spec
        self.rng = random.Random(spec["seed"])
        self.ids = IDs(random.Random(spec["seed"] + 1), spec["regions"])
        self.counts = {}

    # --- villages and stations ---------------------------------------------------------------
    def make_villages(self):
        rng, s = self.rng, self.s
        taken = set()
        self.villages = []   # (town, core, listed name, is_poor)
        self.communities = []
        for town, n, ncom in s["towns"]:
            keep = s["keep_villages"].get(town, [])
            for core in village_cores(rng, n, taken, keep):
                self.villages.append([town, core, official(rng, core), False])
            # 水口村委会 and 水口居委会 in one town: two different units.
            ckeep = ["水口"] if town == "坪石镇" else []
            ccores = list(ckeep) + village_cores(rng, ncom - len(ckeep), taken) if ncom else []
            for core in ccores:
                self.communities.append([town, core, community(rng, core)])
        # Unique within a town: a duplicate would be counted once (and warned about).
        assert len({(t, c) for t, c, _, _ in self.villages}) == len(self.villages)
        must = {(t, c) for t, cs in s.get("must_poor", {}).items() for c in cs}
        for v in self.villages:
            v[3] = (v[0], v[1]) in must
        others = [v for v in self.villages if not v[3]]
        for v in rng.sample(others, s["poor_villages"] - len(must)):
            v[3] = True
        assert sum(v[3] for v in self.villages) == s["poor_villages"]
        # Covered: every poor village, then others up to the target.
        poor = [v for v in self.villages if v[3]]
        rest = [v for v in self.villages if not v[3]]
        keep = [v for v in rest if v[1] in s["keep_villages"].get(v[0], [])]
        rest = [v for v in rest if v not in keep]
        self.covered = poor + keep + rng.sample(rest, s["covered"] - len(poor) - len(keep))
        self.covered.sort(key=lambda v: self.villages.index(v))
        # Renamed villages: the station list still writes the old name; config aliases map it.
        alias_pairs = {}
        for town, (old, new) in s["aliases"].items():
            cands = [v for v in self.covered if v[0] == town and not v[3] and v[1] not in s["keep_villages"].get(town, [])]
            target = next((v for v in cands if v[1] == new), None) if new else None
            if target is None:
                target = cands[0]
                if new:
                    target[1] = new
                    target[2] = official(rng, new)
            alias_pairs[town] = (old + "村", target[1] + "村")
        self.alias_pairs = alias_pairs

    def village_rows(self):
        """Village list rows grouped by town, communities mixed in."""
        rows = []
        for town, _, _ in self.s["towns"]:
            units = [(v[2], "是" if v[3] else "否") for v in self.villages if v[0] == town]
            units += [(c[2], "否") for c in self.communities if c[0] == town]
            self.rng.shuffle(units)
            rows.append((town, units))
        return rows

    def station_rows(self):
        rng, s = self.rng, self.s
        rows = []
        alias_by_town = {t: p for t, p in self.alias_pairs.items()}
        second = rng.choice([v for v in self.covered if not v[3]])
        town_short = {}
        for town, _, _ in s["towns"]:
            # Town-level station first in each town.
            # 坪石 for 坪石镇, 北乡 for 北乡镇.
            tn = town[:-1] if town.endswith("镇") and rng.random() < 0.2 else town
            nm = town + ("农村电子商务服务站" if town == s["towns"][8 % len(s["towns"])][0] else "电子商务服务站")
            rows.append([nm, tn, "", s["county"] + town + "圩镇", make_name(rng, "男"), self.ids.phone()])
            town_short[town] = tn
            for v in [v for v in self.covered if v[0] == town]:
                core = v[1]
                written = core + rng.choice(["村", "村", "村委会", "村民委员会", ""])
                if town in alias_by_town and alias_by_town[town][1] == core + "村":
                    written = alias_by_town[town][0]
                style = rng.random()
                if style < 0.5:
                    nm = "%s%s村电商服务站" % (town, core)
                elif style < 0.75:
                    nm = "%s村农村电子商务服务站" % core
                elif style < 0.9:
                    nm = "%s%s村益农信息社" % (s["county"], core)
                else:
                    nm = "%s村电商服务点" % core
                if town in alias_by_town and alias_by_town[town][1] == core + "村":
                    nm = "%s%s电商服务站" % (town, alias_by_town[town][0])
                town_w = town[:-1] if town.endswith("镇") and rng.random() < 0.15 else town
                addr = "%s%s%s村%s" % (s["county"], town, core, rng.choice(["委会一楼", "文化室", "便民服务中心", "小卖部", "邮政代办点"]))
                rows.append([nm, town_w, written, addr, make_name(rng, rng.choice("男女")), self.ids.phone()])
                if v is second:
                    rows.append(["%s%s村邮乐购站点" % (town, core), town_w, core + "村", addr.replace("一楼", "二楼"),
                                 make_name(rng, "女"), self.ids.phone()])
        # A station set up in a community: not a 行政村, counted as town level.
        c = self.communities[0]
        rows.append(["%s%s社区电商服务站" % (c[0], c[1]), c[0], c[1] + "社区", s["county"] + c[0] + c[1] + "社区", make_name(rng, "女"),
                     self.ids.phone()])
        self.second_station_village = second
        return rows

    # --- registry ---------------------------------------------------------------------------
    def make_registry(self):
        rng, s = self.rng, self.s
        r = s["registry"]
        persons, households = r["persons"], r["households"]
        labor, migrants = r["labor"], r["migrants"]
        nonlabor = persons - labor - migrants
        sizes = [1] * households
        for _ in range(persons - households):
            i = rng.randrange(households)
            while sizes[i] >= 7:
                i = rng.randrange(households)
            sizes[i] += 1
        pool = ["L"] * labor + ["M"] * migrants + ["N"] * nonlabor
        rng.shuffle(pool)
        # Poor villages hold more registered households.
        weights = [4 if v[3] else 1 for v in self.villages]
        self.registry = []
        hh_no = {}
        k = 0
        for h, size in enumerate(sizes):
            v = rng.choices(self.villages, weights)[0]
            town_i = [t for t, _, _ in s["towns"]].index(v[0]) + 1
            hh_no[(v[0], v[1])] = hh_no.get((v[0], v[1]), 0) + 1
            hid = "%s%03d%03d%04d" % (s["regions"][0], town_i, self.villages.index(v) % 1000, hh_no[(v[0], v[1])])
            members = []
            for cat in pool[k:k + size]:
                sex = rng.choice("男女")
                if cat == "L":
                    age, skill = rng.randint(18, 58), rng.choices(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"], [75, 10, 15])[0]
                    work = rng.choices(LABOR_NONMIGRANT_WORK, [18, 14, 16, 22, 20, 10])[0]
                elif cat == "M":
                    age, skill = rng.randint(18, 50), rng.choices(["普通劳动力", "技能劳动力"], [85, 15])[0]
                    work = rng.choices(["县外省内务工", "省外务工"], [65, 35])[0]
                else:
                    kind = rng.random()
                    if kind < 0.42:
                        age, skill = rng.randint(1, 15), "无劳动力"
                    elif kind < 0.85:
                        age, skill = rng.randint(66, 92), rng.choice(["丧失劳动力", "无劳动力"])
                    else:
                        age, skill = rng.randint(20, 64), "丧失劳动力"
                    work = "无" if age >= 16 else ""
                members.append([cat, sex, age, skill, work])
            k += size
            members.sort(key=lambda m: -m[2] if 18 <= m[2] <= 75 else -m[2] / 10)
            head = members[0]
            for i, (cat, sex, age, skill, work) in enumerate(members):
                if i == 0:
                    rel = "户主"
                elif age - head[2] > 16:
                    rel = "之父" if sex == "男" else "之母"
                elif head[2] - age > 40:
                    rel = "之孙子" if sex == "男" else "之孙女"
                elif head[2] - age > 15:
                    rel = "之子" if sex == "男" else "之女"
                elif sex != head[1]:
                    rel = "配偶"
                else:
                    rel = "其他"
                birth = birth_for_age(rng, age, age, dt.date(2020, 12, 31))
                name = make_name(rng, sex)
                if i == 0:
                    head_name = name
                elif head[1] == "男" and rel in ("之子", "之女", "之孙子", "之孙女"):
                    # Children take the father's surname.
                    surname = head_name[:2] if head_name[:2] in COMPOUND else head_name[0]
                    given = name[2:] if name[:2] in COMPOUND else name[1:]
                    name = surname + given
                p = Person(name=name, sex=sex, birth=birth, id=self.ids.make(birth, sex), town=v[0],
                           village=v[1], poor=True, labor=(cat == "L"))
                p.reg = (cat, skill, work, rel, hid)
                self.registry.append(p)
        assert len(self.registry) == persons and sum(p.labor for p in self.registry) == labor

    # --- trainees and sessions -----------------------------------------------------------------
    def make_sessions(self):
        rng, s = self.rng, self.s
        days = []
        d = s["first_session"]
        while d <= s["last_session"]:
            # No sessions in the Spring Festival weeks or the 2020 lockdown (Feb-May 2020).
            if d.weekday() < 6 and (d.month, d.day) not in ((1, 1), (10, 1), (10, 2), (10, 3), (10, 4), (10, 5)) and not (dt.date(2020, 1, 15) <= d <= dt.date(2020, 5, 31)) \
                    and not (dt.date(2021, 2, 1) <= d <= dt.date(2021, 2, 25)):
                days.append(d)
            d += dt.timedelta(days=1)
        n = s["sessions"]
        # A three-day course (one sheet with a date column) needs three consecutive days.
        chosen = set(rng.sample(days, n - 3))
        start = rng.choice([d for d in days if d.month == 9 and d.year == 2020 and d.weekday() < 3])
        course = [start, start + dt.timedelta(days=1), start + dt.timedelta(days=2)]
        chosen -= set(course)
        extra = [d for d in days if d not in chosen and d not in course]
        while len(chosen) < n - 3:
            chosen.add(extra.pop(rng.randrange(len(extra))))
        towns = [t for t, _, _ in s["towns"]]
        self.sessions = []
        for d in sorted(chosen):
            town = rng.choice(towns + [None, None])
            if town is None:
                place = s["centre_place"]
            else:
                v = rng.choice([v for v in self.covered if v[0] == town])
                place = rng.choice([town + "电商服务站", "%s%s村电商服务站" % (town, v[1]), town + "人民政府三楼会议室", town + "文化站"])
            self.sessions.append(dict(date=d, town=town, place=place, topic=rng.choice(TOPICS), people=[], kind="sheet"))
        course_town = towns[5]
        for d in course:
            self.sessions.append(dict(date=d, town=course_town, place=course_town + "电商服务站", topic="电商技能提升班",
                                      people=[], kind="course"))
        self.sessions.sort(key=lambda x: x["date"])

    def make_trainees(self):
        rng, s = self.rng, self.s
        labor = [p for p in self.registry if p.labor and p.birth <= dt.date(2001, 7, 1) and p.birth >= dt.date(1957, 1, 1)]
        trained = rng.sample(labor, s["trained_poor"])
        migrants = [p for p in self.registry if p.reg[0] == "M" and p.birth <= dt.date(2001, 7, 1)]
        other = rng.sample(migrants, s["other_poor_trainees"])
        for p in trained + other:
            p.phone = self.ids.phone()
        plan = [(p, rng.choices([1, 2, 3, 4], [60, 25, 10, 5])[0]) for p in trained]
        plan += [(p, 1) for p in other]
        total = sum(k for _, k in plan)
        target = s["person_times"]
        nonpoor = []
        while total < target:
            k = min(rng.choices([1, 2, 3, 4, 5], [55, 25, 12, 5, 3])[0], target - total)
            sex = rng.choice("男女")
            birth = birth_for_age(rng, 19, 62)
            v = rng.choice(self.villages)
            p = Person(name=make_name(rng, sex), sex=sex, birth=birth, id=self.ids.make(birth, sex), town=v[0], village=v[1],
                       poor=False, labor=False)
            p.phone = self.ids.phone()
            nonpoor.append(p)
            plan.append((p, k))
            total += k
        assert total == target
        self.trained, self.other_poor, self.nonpoor = trained, other, nonpoor
        # Sessions: mostly in the person's own town, or at the county centre.
        by_town = {}
        for i, ses in enumerate(self.sessions):
            by_town.setdefault(ses["town"], []).append(i)
        rng.shuffle(plan)
        for p, k in plan:
            cands = by_town.get(p.town, []) + by_town.get(None, [])
            if len(cands) < k:
                cands = list(range(len(self.sessions)))
            cands = sorted(cands, key=lambda i: (len(self.sessions[i]["people"]) + rng.random() * 25))
            picks = cands[:k]
            for i in picks:
                self.sessions[i]["people"].append(p)
                p.sessions.append(i)
        self.attendees = [p for p, _ in plan]

    def assign_mess(self):
        """Decides which rows carry which mess; every choice is counted for the test."""
        rng, m = self.rng, self.s["mess"]
        singles = [p for p in self.nonpoor if len(p.sessions) == 1]
        rng.shuffle(singles)
        csv_sessions = {i for i, ses in enumerate(self.sessions) if ses["kind"] == "csv"}
        form = next(i for i, ses in enumerate(self.sessions) if ses["kind"] == "form")
        sheet_single = [p for p in singles if p.sessions[0] not in csv_sessions and p.sessions[0] != form]
        csv_single = [p for p in singles if p.sessions[0] in csv_sessions and not p.id.endswith("X")]
        used = set()

        def take(pool, n, tag):
            got = [p for p in pool if id(p) not in used][:n]
            assert len(got) == n, tag
            for p in got:
                used.add(id(p))
                p.mess = tag
            return got

        sheet_single = [p for p in sheet_single if not p.id.endswith("X")]
        take(sheet_single, m["precision_lost_xlsx"], "lost")
        take(csv_single, m["precision_lost_csv"], "lost_text")
        take(csv_single, m["apostrophe"], "apostrophe")
        take(sheet_single, m["bad_check"], "bad_check")
        take(sheet_single, m["spaced_id"], "spaced_id")
        take(sheet_single, m["invalid_phone"], "bad_phone")
        fw = [p for p in self.attendees if p.sessions[0] not in csv_sessions and p.sessions[0] != form]
        rng.shuffle(fw)
        take(fw, m["fullwidth"], "fullwidth")
        take([p for p in fw if p.id.endswith("X")], m["lower_x"], "lower_x")
        take([p for p in fw if len(p.sessions) == 1], m["daiqian"], "daiqian")
        take(fw, m["spaced_names"], "spaced")
        form_people = [p for p in self.sessions[form]["people"] if id(p) not in used]
        # The form exported one ID as a number: openpyxl writes it as 4.418031967050231e+17.
        take([p for p in form_people if len(p.sessions) == 1 and not p.poor and not p.id.endswith("X")], m["form_number"], "form_number")
        # Repeat sign-ins: people with a clean, usable ID signing twice at a session (one in the
        # online form, by name and phone).
        dups = []
        pool = [(p, i) for p in self.attendees if id(p) not in used for i in p.sessions
                if i not in csv_sessions and i != form]
        rng.shuffle(pool)
        dup_form = next(p for p in form_people if id(p) not in used)
        used.add(id(dup_form))
        dups.append((dup_form, form))
        for p, i in pool:
            if len(dups) == m["duplicates"]:
                break
            if id(p) in used:
                continue
            used.add(id(p))
            dups.append((p, i))
        self.duplicates = dups
    # --- rendering ------------------------------------------------------------------------------
    def id_cell(self, p):
        """The ID as the row writes it: (value, kind)."""
        tag = p.mess if isinstance(p.mess, str) else None
        if tag == "lost":
            return float(p.id), "number"
        if tag == "lost_text":
            return "%.5E" % float(p.id), "text"   # Excel's display: 4.40281E+17
        if tag == "bad_check":
            digits = list(p.id)
            for j in range(14, 16):   # the sequence digits: a typo that keeps the date valid
                if digits[j] != digits[j + 1]:
                    digits[j], digits[j + 1] = digits[j + 1], digits[j]
                    break
            else:
                digits[15] = str((int(digits[15]) + 3) % 10)
            bad = "".join(digits)
            assert check_char(bad[:17]) != bad[17] and not bad.endswith("000")
            return bad, "text"
        if tag == "spaced_id":
            return "%s %s %s %s" % (p.id[:6], p.id[6:10], p.id[10:14], p.id[14:]), "text"
        if tag == "apostrophe":
            return "'" + p.id, "text"
        if tag == "fullwidth":
            return "".join(chr(ord(c) - 0x30 + 0xFF10) if c.isdigit() else c for c in p.id), "text"
        if tag == "lower_x":
            return p.id.lower(), "text"
        if tag == "form_number":
            return int(p.id), "int"
        return p.id, "text"

    def name_cell(self, p):
        tag = p.mess if isinstance(p.mess, str) else None
        if tag == "daiqian":
            return p.name + "（代签）"
        if tag == "spaced":
            return p.name[0] + ("  " if len(p.name) == 2 else "\u3000") + p.name[1:] if len(p.name) >= 2 else p.name
        return p.name

    def phone_cell(self, p):
        if p.mess == "bad_phone":
            return p.phone[:10]
        r = self.rng.random()
        if r < 0.08:
            return "%s-%s-%s" % (p.phone[:3], p.phone[3:7], p.phone[7:])
        if r < 0.12:
            return "+86 " + p.phone
        return p.phone

    def plan_files(self):
        """Which sessions go to which file, and how each file is written."""
        rng, s = self.rng, self.s
        sheet_sessions = [i for i, ses in enumerate(self.sessions) if ses["kind"] == "sheet"]
        # Three CSV files and one online-form export among the ordinary sessions.
        picks = rng.sample(sheet_sessions[5:-5], 4)
        for i in picks[:3]:
            self.sessions[i]["kind"] = "csv"
        self.sessions[picks[3]]["kind"] = "form"

    def render(self, out):
        s = self.s
        data = os.path.join(out, "data")
        os.makedirs(os.path.join(data, "signins"), exist_ok=True)
        self.write_villages(os.path.join(data, "villages.xlsx"))
        self.write_stations(os.path.join(data, "stations.xlsx"))
        self.write_registry(os.path.join(data, "poor.xlsx"))
        self.write_signins(os.path.join(data, "signins"))
        with open(os.path.join(out, "config.yaml"), "w", encoding="utf-8", newline="\n") as f:
            f.write(self.config_text())
        with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
            f.write(self.readme_text())

    def write_villages(self, path):
        s = self.s
        wb = new_xlsxwriter(path)
        ws = wb.add_worksheet("行政村清单")
        title = wb.add_format({"bold": True, "align": "center", "font_size": 14})
        mid = wb.add_format({"valign": "vcenter", "align": "center"})
        ws.merge_range(0, 0, 0, 4, "%s行政村（社区）清单" % s["county"], title)
        ws.write_row(1, 0, ["序号", "镇（街道）", "村（居）委会", "是否省定贫困村", "备注"])
        ws.set_column(1, 2, 16)
        ws.set_column(3, 3, 14)
        r, n = 2, 1
        nv = nc = 0
        for town, units in self.village_rows():
            if len(units) > 1:
                ws.merge_range(r, 1, r + len(units) - 1, 1, town, mid)
            else:
                ws.write_string(r, 1, town)
            for name, poor in units:
                ws.write_number(r, 0, n)
                ws.write_string(r, 2, name)
                ws.write_string(r, 3, poor)
                if name.endswith(("居委会", "社区")):
                    ws.write_string(r, 4, "居委会，不是行政村")
                    nc += 1
                else:
                    nv += 1
                r += 1
                n += 1
        ws.write_row(r, 0, ["合计", "", "%d个行政村、%d个居委会（社区）" % (nv, nc)])
        wb.close()

    def write_stations(self, path):
        s = self.s
        rows = self.station_rows()
        wb = new_xlsxwriter(path)
        ws = wb.add_worksheet("村级站点")
        title = wb.add_format({"bold": True, "align": "center", "font_size": 14})
        ws.merge_range(0, 0, 0, 6, "%s镇村级电子商务服务站点清单" % s["county"], title)
        ws.write_row(1, 0, ["序号", "站点名称", "镇", "村", "地址", "联系人", "联系电话"])
        ws.set_column(1, 1, 30)
        ws.set_column(4, 4, 36)
        for k, row in enumerate(rows):
            ws.write_number(k + 2, 0, k + 1)
            for c, v in enumerate(row):
                ws.write_string(k + 2, c + 1, v)
        wb.close()
        self.station_count = len(rows)

    def write_registry(self, path):
        s = self.s
        wb = new_xlsxwriter(path)
        ws = wb.add_worksheet("建档立卡贫困人口")
        ws.write_string(0, 0, "%s建档立卡贫困人口名单（截至2020年12月31日）" % s["county"])
        ws.write_row(1, 0, ["序号", "乡（镇）", "行政村", "户编号", "姓名", "证件号码", "与户主关系", "劳动技能", "务工状况"])
        town_names = {t: t for t, _, _ in s["towns"]}
        long_ids = 0
        for k, p in enumerate(self.registry):
            cat, skill, work, rel, hid = p.reg
            ident = p.id
            if cat == "N" and skill == "丧失劳动力" and long_ids < 4 and k % 7 == 3:
                ident = p.id + "%d%d" % (self.rng.randint(1, 7), self.rng.randint(1, 4))   # a disability-certificate number
                long_ids += 1
            if k % 997 == 5:
                skill = skill + " "   # a trailing space as typed
            ws.write_number(k + 2, 0, k + 1)
            ws.write_string(k + 2, 1, town_names[p.town])
            ws.write_string(k + 2, 2, p.village + "村")
            ws.write_string(k + 2, 3, hid)
            ws.write_string(k + 2, 4, p.name)
            ws.write_string(k + 2, 5, ident)
            ws.write_string(k + 2, 6, rel)
            ws.write_string(k + 2, 7, skill)
            if work:
                ws.write_string(k + 2, 8, work)
        wb.close()
        self.counts["registry_long_ids"] = long_ids

    # sign-ins
    HEADERS = [
        ["序号", "姓名", "性别", "身份证号码", "联系电话", "镇", "村", "是否贫困户", "签名"],
        ["序号", "学员姓名", "性别", "证件号码", "手机号", "所在镇", "所在村", "签字"],
        ["编号", "姓名", "身份证号", "手机号码", "村（社区）", "是否建档立卡贫困户", "本人签名"],
    ]

    def person_row(self, header, p, ses):
        idv = self.id_cell(p)
        values = {"序号": None, "编号": None, "姓名": self.name_cell(p), "学员姓名": self.name_cell(p), "性别": p.sex,
                  "身份证号码": idv, "证件号码": idv, "身份证号": idv, "联系电话": self.phone_cell(p), "手机号": self.phone_cell(p),
                  "手机号码": self.phone_cell(p), "镇": p.town, "所在镇": p.town, "村": p.village + "村",
                  "所在村": p.village + "村", "村（社区）": p.village + "村",
                  "是否贫困户": "是" if p.poor else "否", "是否建档立卡贫困户": "是" if p.poor else "",
                  "签名": None, "签字": None, "本人签名": None}
        return [values.get(h) for h in header]

    def session_rows(self, i, header):
        """Rows of one session's sheet below the header: (kind, payload)."""
        rng = self.rng
        ses = self.sessions[i]
        people = list(ses["people"])
        rng.shuffle(people)
        rows = [("person", p) for p in people]
        for p, j in self.duplicates:
            if j == i:
                at = rng.randrange(people.index(p) + 1, len(rows) + 1)
                rows.insert(at, ("dup", p))
        # Blank rows and signature-only rows: naming nobody.
        if rng.random() < 0.4:
            rows.insert(rng.randrange(len(rows) + 1), ("blank", None))
        if rng.random() < 0.15:
            rows.insert(rng.randrange(len(rows) + 1), ("signature", None))
        return rows

    def write_signins(self, folder):
        rng, s = self.rng, self.s
        self.counts.update(totals=0, blank=0, signature=0, no_person=0)
        by_month = {}
        for i, ses in enumerate(self.sessions):
            if ses["kind"] == "sheet":
                by_month.setdefault((ses["date"].year, ses["date"].month), []).append(i)
        producer_cycle = 0
        for (y, mth), idx in sorted(by_month.items()):
            producer_cycle += 1
            use_openpyxl = producer_cycle % 4 == 0
            header = self.HEADERS[producer_cycle % 3]
            if len(idx) <= 2 or producer_cycle % 6 == 3:
                for i in idx:
                    d = self.sessions[i]["date"]
                    town = self.sessions[i]["town"] or s["county"]
                    fname = "%d年%d月%d日%s电商培训签到表.xlsx" % (d.year, d.month, d.day, town)
                    self.write_workbook(os.path.join(folder, fname), [(i, "Sheet1", "file")], header, use_openpyxl)
            else:
                sheets = []
                for k, i in enumerate(idx):
                    d = self.sessions[i]["date"]
                    town = self.sessions[i]["town"]
                    short = town.replace("街道", "").rstrip("镇") if town else "中心"
                    if k % 5 == 4:
                        sheets.append((i, "%d.%d.%d%s" % (d.year, d.month, d.day, short), "sheetname"))
                    else:
                        sheets.append((i, "%d月%d日%s" % (d.month, d.day, short), "title"))
                fname = "%s电商培训签到表（%d年%d月）.xlsx" % (s["county"], y, mth)
                self.write_workbook(os.path.join(folder, fname), sheets, header, use_openpyxl,
                                    template=not use_openpyxl and "hidden" not in self.counts,
                                    two_row_header=producer_cycle in (6, 18))
        course = [i for i, ses in enumerate(self.sessions) if ses["kind"] == "course"]
        self.write_course(os.path.join(folder, "%s电商技能提升班签到表.xlsx" % self.sessions[course[0]]["town"]), course)
        for i, ses in enumerate(self.sessions):
            if ses["kind"] == "csv":
                d = ses["date"]
                self.write_csv(os.path.join(folder, "签到表_%d%02d%02d.csv" % (d.year, d.month, d.day)), i)
            elif ses["kind"] == "form":
                d = ses["date"]
                self.write_form(os.path.join(folder, "%d年%d月%d日直播带货培训报名签到（问卷星导出）.xlsx" % (d.year, d.month, d.day)), i)

    def title_lines(self, ses, mode):
        s, rng = self.s, self.rng
        d = ses["date"]
        style = rng.randrange(4)
        date_text = ["%d年%d月%d日" % (d.year, d.month, d.day), "%d.%d.%d" % (d.year, d.month, d.day),
                     "%d-%02d-%02d" % (d.year, d.month, d.day), "%d/%d/%d" % (d.year, d.month, d.day)][style]
        lines = ["%s电子商务进农村培训签到表" % s["county"]]
        if mode == "title":
            lines.append("培训时间：%s    培训地点：%s" % (date_text, ses["place"]))
        else:
            lines.append("培训地点：%s" % ses["place"])
        lines.append("培训主题：%s" % ses["topic"])
        return lines

    def sheet_grid(self, i, header, mode):
        """A whole session sheet as rows of (value, kind) cells and a title height."""
        ses = self.sessions[i]
        titles = self.title_lines(ses, mode)
        grid = [[(t, "text")] for t in titles]
        grid.append([(h, "text") for h in header])
        n = 0
        for kind, p in self.session_rows(i, header):
            if kind == "blank":
                grid.append([])
                self.counts["blank"] += 1
                continue
            if kind == "signature":
                n += 1
                row = [(None, None)] * len(header)
                row[0] = (n, "number")
                row[-1] = (make_name(self.rng, "男"), "text")   # a signature with no printed name
                grid.append(row)
                self.counts["signature"] += 1
                continue
            n += 1
            values = self.person_row(header, p, ses)
            row = []
            for h, v in zip(header, values):
                if h in ("序号", "编号"):
                    row.append((n, "number"))
                elif isinstance(v, tuple):
                    row.append(v)
                elif v is None:
                    row.append((None, None))
                else:
                    row.append((v, "text"))
            if kind == "dup":
                self.counts["dup_rows"] = self.counts.get("dup_rows", 0) + 1
            grid.append(row)
        grid.append([("合计", "text"), ("共%d人" % n, "text")])
        self.counts["totals"] += 1
        return grid, len(titles)

    def write_workbook(self, path, sheets, header, use_openpyxl, template=False, two_row_header=False):
        if use_openpyxl:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
            for i, name, mode in sheets:
                grid, ntitle = self.sheet_grid(i, header, mode)
                ws = wb.create_sheet(name)
                for r, row in enumerate(grid):
                    for c, (v, kind) in enumerate(row):
                        if v is None:
                            continue
                        cell = ws.cell(row=r + 1, column=c + 1, value=v)
                        if kind == "number" and isinstance(v, float):
                            cell.number_format = "0"
                ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
                ws.column_dimensions["D"].width = 22
            save_openpyxl(wb, path)
            return
        wb = new_xlsxwriter(path)
        bold = wb.add_format({"bold": True, "align": "center", "font_size": 16})
        head = wb.add_format({"bold": True, "border": 1, "align": "center"})
        for i, name, mode in sheets:
            grid, ntitle = self.sheet_grid(i, header, mode)
            ws = wb.add_worksheet(name)
            ws.set_column(0, 0, 6)
            ws.set_column(1, len(header) - 1, 14)
            # A two-row header: 学员信息 over 姓名…联系电话, 所在地 over 镇 and 村.
            two_rows = two_row_header and header == self.HEADERS[0]
            shift = 0
            for r, row in enumerate(grid):
                if r == 0:
                    ws.merge_range(0, 0, 0, len(header) - 1, row[0][0], bold)
                    continue
                if r == ntitle and two_rows:
                    ws.merge_range(r, 0, r + 1, 0, "序号", head)
                    ws.merge_range(r, 1, r, 4, "学员信息", head)
                    ws.merge_range(r, 5, r, 6, "所在地", head)
                    ws.merge_range(r, 7, r + 1, 7, "是否贫困户", head)
                    ws.merge_range(r, 8, r + 1, 8, "签名", head)
                    ws.write_row(r + 1, 1, header[1:7], head)
                    shift = 1
                    continue
                for c, (v, kind) in enumerate(row):
                    if v is None:
                        continue
                    fmt = head if r == ntitle else None
                    if kind == "number":
                        ws.write_number(r + shift, c, v, fmt)
                    elif kind == "int":
                        ws.write_number(r + shift, c, float(v), fmt)
                    else:
                        ws.write_string(r + shift, c, v, fmt)
        if template:
            # The clerk's blank form, hidden: Roster leaves hidden sheets unread (a note says so).
            ws = wb.add_worksheet("模板")
            ws.write_string(0, 0, "%s电子商务进农村培训签到表" % self.s["county"])
            ws.write_row(3, 0, header)
            ws.hide()
            self.counts["hidden"] = self.counts.get("hidden", 0) + 1
        wb.close()

    def write_course(self, path, course):
        """A three-day course: one sheet, a 培训日期 column holding the three dates."""
        rng, s = self.rng, self.s
        ses = self.sessions[course[0]]
        wb = new_xlsxwriter(path)
        datefmt = wb.add_format({"num_format": "yyyy年m月d日"})
        ws = wb.add_worksheet("签到")
        ws.merge_range(0, 0, 0, 6, "%s%s（三天）签到表" % (ses["town"], ses["topic"]))
        ws.write_string(1, 0, "培训地点：%s" % ses["place"])
        header = ["序号", "培训日期", "姓名", "性别", "身份证号码", "联系电话", "村"]
        ws.write_row(2, 0, header)
        r, n = 3, 0
        for day, i in enumerate(course):
            people = list(self.sessions[i]["people"])
            rows = [("person", p) for p in people]
            for p, j in self.duplicates:
                if j == i:
                    rows.insert(rng.randrange(people.index(p) + 1, len(rows) + 1), ("dup", p))
            for kind, p in rows:
                n += 1
                d = self.sessions[i]["date"]
                ws.write_number(r, 0, n)
                if day == 1:
                    ws.write_string(r, 1, "%d.%d.%d" % (d.year, d.month, d.day))   # typed as text on day two
                elif day == 2:
                    # Pasted as a value on day three: the Excel serial in a General cell.
                    ws.write_number(r, 1, (dt.date(d.year, d.month, d.day) - dt.date(1899, 12, 30)).days)
                else:
                    ws.write_datetime(r, 1, dt.datetime(d.year, d.month, d.day), datefmt)
                ws.write_string(r, 2, self.name_cell(p))
                ws.write_string(r, 3, p.sex)
                v, kind_ = self.id_cell(p)
                if kind_ == "number":
                    ws.write_number(r, 4, v)
                else:
                    ws.write_string(r, 4, v)
                ws.write_string(r, 5, self.phone_cell(p))
                ws.write_string(r, 6, p.village + "村")
                if kind == "dup":
                    self.counts["dup_rows"] = self.counts.get("dup_rows", 0) + 1
                r += 1
        ws.write_row(r, 0, ["合计", "%d人次" % n])
        self.counts["totals"] += 1
        wb.close()

    def write_csv(self, path, i):
        ses = self.sessions[i]
        header = ["序号", "姓名", "性别", "身份证号", "联系电话", "镇", "村"]
        d = ses["date"]
        lines = [["%s电子商务进农村培训签到表" % self.s["county"]] + [""] * 6,
                 ["培训时间：%d年%d月%d日" % (d.year, d.month, d.day), "", "", "培训地点：%s" % ses["place"], "", "", ""],
                 header]
        n = 0
        people = list(ses["people"])
        self.rng.shuffle(people)
        for p in people:
            n += 1
            v, kind = self.id_cell(p)
            lines.append([str(n), self.name_cell(p), p.sex, v, self.phone_cell(p), p.town, p.village + "村"])
        # A row with only a village: names nobody (a warning, not a person-time).
        lines.append([str(n + 1), "", "", "", "", people[0].town, people[0].village + "村"])
        self.counts["no_person"] += 1
        lines.append(["", "", "", "", "", "", ""])
        self.counts["blank"] += 1
        lines.append(["合计", "%d人" % n, "", "", "", "", ""])
        self.counts["totals"] += 1
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerows(lines)
        with open(path, "wb") as f:
            f.write(buf.getvalue().encode("gb18030"))

    def write_form(self, path, i):
        """An online-form (问卷星) export: metadata columns, "1、您的姓名：" questions."""
        rng = self.rng
        ses = self.sessions[i]
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        questions = (["1、您的姓名：", "2、您的身份证号码：", "3、您的手机号码：", "4、所在镇：", "5、所在村："] if self.s["key"] == "lechang"
                     else ["1、姓名", "2、身份证号码", "3、手机号码", "4、镇", "5、村"])
        ws.append(["\ufeff序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP"] + questions)
        people = list(ses["people"])
        rng.shuffle(people)
        rows = [("person", p) for p in people]
        for p, j in self.duplicates:
            if j == i:
                rows.insert(rng.randrange(people.index(p) + 1, len(rows) + 1), ("dup", p))
        d = ses["date"]
        t = dt.datetime(d.year, d.month, d.day, 9, 0, 0)
        ip_city = "韶关" if self.s["key"] == "lechang" else "清远"
        for n, (kind, p) in enumerate(rows, 1):
            t += dt.timedelta(seconds=rng.randint(5, 90))
            v, k = self.id_cell(p)
            ident = v if kind == "person" else ""   # the second submission left the ID out
            name = p.name if kind == "person" else p.name[0] + " " + p.name[1:]
            phone = p.phone if kind == "person" else "+86 %s %s %s" % (p.phone[:3], p.phone[3:7], p.phone[7:])
            ws.append([n, t.strftime("%Y/%m/%d %H:%M:%S"), "%d秒" % rng.randint(20, 180), rng.choice(["微信", "手机提交", "链接"]),
                       "N/A", "113.%d.%d.%d(广东-%s)" % (rng.randint(64, 120), rng.randint(0, 255), rng.randint(1, 254), ip_city),
                       name, ident, phone, p.town, p.village + "村"])
            if kind == "dup":
                self.counts["dup_rows"] = self.counts.get("dup_rows", 0) + 1
        save_openpyxl(wb, path)

    # --- config and readme -------------------------------------------------------------------
    def config_text(self):
        return CONFIGS[self.s["key"]](self)

    def readme_text(self):
        return READMES[self.s["key"]](self)

    def build(self, out):
        self.make_villages()
        self.make_registry()
        self.make_sessions()
        self.plan_files()
        self.make_trainees()
        self.assign_mess()
        self.render(out)
        return self.summary()

    def summary(self):
        m = self.s["mess"]
        return dict(
            county=self.s["county"],
            person_times=self.s["person_times"],
            signin_rows=self.s["person_times"] + len(self.duplicates),
            duplicates=len(self.duplicates),
            distinct_persons=len(self.attendees),
            sessions=len(self.sessions),
            admin_villages=len(self.villages),
            communities=len(self.communities),
            villages_with_station=len(self.covered),
            poor_villages=sum(v[3] for v in self.villages),
            stations=self.station_count,
            registry_persons=len(self.registry),
            poor_labor_population=sum(p.labor for p in self.registry),
            poor_trained=len(self.trained),
            poor_trained_other=len(self.other_poor),
            precision_lost=m["precision_lost_xlsx"] + m["precision_lost_csv"] + m["form_number"],
            bad_check=m["bad_check"],
            annotations=m["daiqian"],
            **self.counts,
        )


def new_xlsxwriter(path, constant_memory=False):
    wb = xlsxwriter.Workbook(path, {"constant_memory": constant_memory})
    wb.set_properties({"created": FIXED, "author": "kaoping examples"})
    return wb


def save_openpyxl(wb, path):
    wb.properties.creator = "kaoping examples"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(path)
    stabilise_zip(path)


def stabilise_zip(path):
    """openpyxl stamps the zip entries and dcterms:modified with the time of saving: fix both."""
    with zipfile.ZipFile(path) as z:
        items = [(info.filename, z.read(info.filename)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2021-09-01T09:00:00Z\g<2>", data)
            info = zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


# ---------------------------------------------------------------------------------------------
# config.yaml and README.md

def aliases_yaml(c):
    lines = []
    for town, (old, new) in sorted(c.alias_pairs.items()):
        lines.append("  %s: {%s: %s}" % (town, old, new))
    return "\n".join(lines)


def lechang_config(c):
    return """# 乐昌市 2019 年省级电子商务进农村综合示范创建考评：自评配置（示例）
# Figures from the seed report (shared/seeds/000_…): population, funds, villages, stations,
# person-times and every row score. Marked "invented" below: not in the report.
county: 乐昌市
template: guangdong-2019
cutoff: 2021-08-31
population: {resident: 420000}               # 常住人口 42 万人
funds: {allocated: 5000000, disbursed: 4167785.00}   # 拨付 4167785.00 元（83.36%%）
inputs:
  villages: data/villages.xlsx
  stations: data/stations.xlsx
  poor_registry: data/poor.xlsx
  signins: [data/signins/*.xlsx, data/signins/*.csv]
poor:
  labor_values: [普通劳动力, 技能劳动力, 弱劳动力或半劳动力]
  migrant_values: [县外省内务工, 省外务工]
  exclude_migrant: true
aliases:                                      # 村名改过：站点清单仍写旧名
%s
facts:
  center_opened: 2021-03-26                   # invented: running under 6 months at the cutoff (2.1.b = 0)
  park_enterprises: 20                        # 20 家企业进驻电商产业园
  park_enterprise_types: 3                    # 平台型、销售型、电商运营商或物流企业
  logistics_villages: 195                     # 物流快递行政村覆盖率 100%%
  online_retail: {previous: 186000000, current: 244700000}   # invented (+31.56%%)
  media: {provincial: 1, municipal: 0, county: 1}             # invented counts; 4.2 = 5 as in the report
manual:
  "1.1": 2
  "1.2": 2
  "1.3": 2
  "1.4.a": 2
  "1.4.b": 2
  "2.1.a": 2
  "2.1.c": 2
  "2.1.d": 1
  "2.1.e": 0
  "2.1.f": 1
  "2.1.g": 0
  "2.1.h": 2
  "2.2.a": 2
  "2.2.b": 2
  "2.2.c": 1
  "2.2.e": 1
  "3.1.a": 2
  "3.1.b": 2
  "3.2.a": 3
  "3.2.b": 3
  "4.1": 0
  "5.1": 5
  "5.2": 4
  "5.3": 5
  "B.2": 0
  "V.1": false
  "V.2": false
  "V.3": false
output: out/乐昌市-自评表.xlsx
""" % aliases_yaml(c)


def qingxin_config(c):
    return """# 清远市清新区 2019 年省级电子商务进农村综合示范创建考评：自评配置（示例）
# Figures from the seed report (shared/seeds/003_…): population, funds, villages, stations,
# person-times, the registered-poor labour population and trained persons. The seed has no
# score table: every manual score and the facts marked "invented" are made up for the example.
county: 清新区
template: guangdong-2019
cutoff: 2021-08-31
population: {resident: 730000}               # 总人口 73 万人（基数按 50 万）
funds: {allocated: 5000000, disbursed: 3499230}      # 349.923 万元：69.98%%，不足 70%%
inputs:
  villages: data/villages.xlsx
  stations: data/stations.xlsx
  poor_registry: data/poor.xlsx
  signins: [data/signins/*.xlsx, data/signins/*.csv]
poor:
  labor_values: [普通劳动力, 技能劳动力, 弱劳动力或半劳动力]
  migrant_values: [县外省内务工, 省外务工]
  exclude_migrant: true
aliases:                                      # 村名改过：站点清单仍写旧名
%s
facts:
  center_opened: 2020-01-10                   # invented date; the report says the centre is built and running
  park_enterprises: 58                        # 累计引进入驻企业 58 家
  park_enterprise_types: 6                    # 电商、政务代办、财税、政策申报、培训、金融
  logistics_villages: 186                     # 186 条行政村快递物流全覆盖
  online_retail: {previous: 412000000, current: 503000000}   # invented (+22.09%%)
  media: {provincial: 3, municipal: 2, county: 4}             # invented counts (广东卫视、珠江频道、清远日报…)
manual:                                       # all invented
  "1.1": 2
  "1.2": 2
  "1.3": 2
  "1.4.a": 2
  "1.4.b": 2
  "2.1.a": 2
  "2.1.c": 2
  "2.1.d": 1
  "2.1.e": 1
  "2.1.f": 1
  "2.1.g": 1
  "2.1.h": 2
  "2.2.a": 2
  "2.2.b": 2
  "2.2.c": 1
  "2.2.e": 2
  "3.1.a": 2
  "3.1.b": 2
  "3.2.a": 3
  "3.2.b": 3
  "4.1": 2
  "5.1": 5
  "5.2": 5
  "5.3": 5                                    # the rate is below 70%%: the rule gives -5 instead
  "B.2": 2                                    # 央视《朝闻天下》报道清新桂花鱼扶贫产业
  "V.1": false
  "V.2": false
  "V.3": false
output: out/清新区-自评表.xlsx
""" % aliases_yaml(c)


def lechang_readme(c):
    sm = c.summary()
    return """# 乐昌市（示例）

本目录是一个完整的示例县：`kaoping evaluate examples/lechang/config.yaml` 读取 `data/` 中的
行政村清单、站点清单、建档立卡名单和 %(files)d 个签到表文件，填出自评表。数据由
`tools/make_examples.py` 生成，人员全部虚构（姓名随机组合，身份证号校验位正确但不属于任何人）。

与种子报告（乐昌市自评报告，2021 年 9 月）一致的数字：常住人口 42 万；培训 4385 人次；
195 个行政村（另有 %(communities)d 个居委会/社区，不计入），137 个有村级站点（70.26%%）；
39 个省定贫困村全部覆盖；拨付资金 4167785.00 元（500 万元的 83.36%%）；各行得分
2,2,2,4 | 11,10 | 9 | 20 | 4,6 | 0,5 | 5,4,5，合计 89。
种子报告中有“相对贫困户 5038 户 13710 人”，名单即按此规模生成；报告的“有劳动能力的贫困户
3005 户 10549 人”按户统计（含户内老幼），不是指标要求的按人统计（不含外出务工），故未采用。

虚构的数字：劳动力与外出务工的划分（有劳动能力且未外出务工 %(labor)d 人，其中参训
%(trained)d 人，%(rate).2f%%）；站点、村名、培训场次（%(sessions)d 场）与日期；服务中心启用日期、
网络零售额、媒体报道数和 2.1、2.2 行中各小项的分配（行合计与报告一致）。

## English

A complete example county. Taken from the seed report: resident population 420 000, 4 385
training person-times, 195 administrative villages of which 137 have a village station, 39
provincial poor villages all covered, funds 4 167 785.00 of 5 000 000 (83.36%%), the row scores
and the total 89; the registry has the report's 5 038 households and 13 710 persons.
Invented: the split of the registry into labour-able non-migrants (%(labor)d, of whom %(trained)d
trained: %(rate).2f%%, so 2.3.b = 10 and no B.1 bonus), migrants and others; all names and ID
numbers; stations, sessions and dates; the centre's opening date, online retail figures, media
counts, and how the 2.1 and 2.2 row scores split into leaves.

The files are messy on purpose: repeat sign-ins at a session (%(duplicates)d), IDs Excel stored as
numbers (%(precision_lost)d), IDs with a wrong check character (%(bad_check)d), full-width digits,
lowercase x, spaced names, （代签）, totals rows, blank rows, a three-day course in one sheet
with a date column, GB18030 CSV files, an online-form (问卷星) export, village names written
three ways, a renamed village (`aliases:` in the config), town-level and community stations.
Regenerate with `python3 tools/make_examples.py`; `--check` verifies the committed files.
""" % dict(files=c.file_count, communities=sm["communities"], labor=sm["poor_labor_population"], trained=sm["poor_trained"],
           rate=100.0 * sm["poor_trained"] / sm["poor_labor_population"], sessions=sm["sessions"],
           duplicates=sm["duplicates"], precision_lost=sm["precision_lost"], bad_check=sm["bad_check"])


def qingxin_readme(c):
    sm = c.summary()
    return """# 清新区（示例）

本目录是第二个完整的示例县：`kaoping evaluate examples/qingxin/config.yaml`。数据由
`tools/make_examples.py` 生成，人员全部虚构。

与种子报告（清新区自评报告，2021 年 9 月）一致的数字：总人口 73 万（培训覆盖率按 50 万计）；
%(sessions)d 场培训、5038 人次（1.0076%%）；186 个行政村，140 个有站点（75.27%%）；40 个省定贫困村
全部覆盖；建档立卡 9351 户 20400 人，其中有劳动能力（不含外出务工）12466 人，参训 333 人
（2.67%%：培训率得 0 分，这是报告自己的数字，工具照实显示）；拨付 349.923 万元（69.98%%，
按规则低于 70%%，倒扣 5 分，报告写作“70%%”）。

按本配置应得：1 组织 2,2,2,4 | 2.1 服务体系 15,10 | 2.2 上行 8 | 2.3 培训 10,0 | 3 信息 4,6 |
4 宣传 2,8 | 5 资金 5,5,−5 | 加分 B.2 2，合计 80（评分全部为示例编造）。

虚构的数字：报告没有评分表，所有人工评分、服务中心启用日期、网络零售额和媒体报道数都是
编的；名单中其余 7934 人如何分为外出务工（%(migrants)d 人）与无劳动能力者也是编的；村名（报告提到的
联滘、罗东、新平、金门、塘坑、水西、下迳除外）、站点和日期均为虚构。

## English

The second example county. From the seed report: population 730 000 (base 500 000), 137
sessions and 5 038 person-times (1.0076%%), 186 administrative villages with 140 covered
(75.27%%), 40 poor villages all covered, a registry of 9 351 households and 20 400 persons with
12 466 labour-able non-migrants of whom 333 trained (2.67%%: 2.3.b scores 0, the report's own
figures), funds 3 499 230 of 5 000 000 (69.98%%: below 70%%, so 5.3 is -5 by the letter of the rule).
Invented: every manual score (the report has no score table), the centre's opening date, online
retail, media counts, the split of the other 7 934 registry persons into migrants (%(migrants)d) and
non-labour persons, names, stations and dates. The same kinds of mess as the 乐昌市 example.
With this config the rows should score 2,2,2,4 | 15,10 | 8 | 10,0 | 4,6 | 2,8 | 5,5,-5 and
B.2 = 2: total 80 (invented scores, except the computed ones).
""" % dict(sessions=sm["sessions"], migrants=c.s["registry"]["migrants"])


CONFIGS = {"lechang": lechang_config, "qingxin": qingxin_config}
READMES = {"lechang": lechang_readme, "qingxin": qingxin_readme}


# ---------------------------------------------------------------------------------------------

def generate(out_root, quiet=False):
    summaries = []
    for spec in (LECHANG, QINGXIN):
        out = os.path.join(out_root, spec["key"])
        if os.path.isdir(out):
            shutil.rmtree(out)
        os.makedirs(out)
        c = County(spec)
        c.file_count = 0
        # The readme names the number of sign-in files: count them after writing.
        summary = c.build(out)
        c.file_count = len(os.listdir(os.path.join(out, "data", "signins")))
        with open(os.path.join(out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
            f.write(c.readme_text())
        summaries.append(summary)
        if not quiet:
            print(spec["key"], summary)
    return summaries


def xlsx_cells(path):
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    cells[cell.coordinate] = cell.value
        out[ws.title] = (cells, sorted(str(r) for r in ws.merged_cells.ranges))
    return out


def compare(a_root, b_root):
    diffs = []
    for key in ("lechang", "qingxin"):
        a_dir, b_dir = os.path.join(a_root, key), os.path.join(b_root, key)
        files = lambda d: sorted(os.path.relpath(os.path.join(p, f), d) for p, _, fs in os.walk(d) for f in fs)
        fa, fb = files(a_dir), files(b_dir)
        for f in sorted(set(fa) ^ set(fb)):
            diffs.append("%s/%s: only in %s" % (key, f, "committed" if f in fa else "regenerated"))
        for f in sorted(set(fa) & set(fb)):
            pa, pb = os.path.join(a_dir, f), os.path.join(b_dir, f)
            with open(pa, "rb") as x, open(pb, "rb") as y:
                if x.read() == y.read():
                    continue
            if f.endswith(".xlsx"):
                # Another XlsxWriter or openpyxl version may write other bytes: compare the cells.
                ca, cb = xlsx_cells(pa), xlsx_cells(pb)
                if list(ca) != list(cb):
                    diffs.append("%s/%s: sheets %s != %s" % (key, f, list(ca), list(cb)))
                    continue
                for sheet in ca:
                    (va, ma), (vb, mb) = ca[sheet], cb[sheet]
                    if ma != mb:
                        diffs.append("%s/%s「%s」: merged ranges differ" % (key, f, sheet))
                    for ref in sorted(set(va) | set(vb)):
                        if va.get(ref) != vb.get(ref):
                            diffs.append("%s/%s「%s」%s: %r != %r" % (key, f, sheet, ref, va.get(ref), vb.get(ref)))
            else:
                diffs.append("%s/%s: bytes differ" % (key, f))
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "examples"))
    ap.add_argument("--check", action="store_true", help="regenerate into a temporary directory and compare")
    ap.add_argument("--summary", action="store_true",
                    help="print the generator's own figures for each county as JSON (regenerated in a temporary directory)")
    args = ap.parse_args()
    if args.summary:
        with tempfile.TemporaryDirectory() as tmp:
            summaries = generate(tmp, quiet=True)
        keys = [spec["key"] for spec in (LECHANG, QINGXIN)]
        print(json.dumps(dict(zip(keys, summaries)), ensure_ascii=False))
        return
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(tmp, quiet=True)
            diffs = compare(args.out, tmp)
        for d in diffs[:200]:
            print(d)
        if diffs:
            print("%d difference(s)" % len(diffs))
            sys.exit(1)
        print("examples are up to date")
        return
    generate(args.out)


if __name__ == "__main__":
    main()
