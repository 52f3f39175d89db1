#!/usr/bin/env python3
"""Make an acceptance county: a folder of files as a county really sends them, and its truth.

Written from shared/DOMAIN.md and shared/DESIGN.md alone (not from Roster's code, nor from
tools/make_examples.py), so that the engine is checked against an independent reading of the
rules. The generator keeps its own model of every person, session, village and station; the
files are renderings of that model through real producers and the quirks of DOMAIN; the
truth (truth.json) is computed from the model by DESIGN section 3's definitions.

    python3 tools/make_acceptance_county.py OUT_DIR [--seed N] [--profile threshold|random|large]
                                                     [--kaoping PATH/TO/kaoping]

OUT_DIR receives:
    config.yaml          written by `kaoping init OUT_DIR`, then filled as a clerk would
    data/villages.xlsx   village list (openpyxl)
    data/stations.xlsx   station list (XlsxWriter, WPS-like title and merged header)
    data/poor.xls        registered-poor list (LibreOffice .xls)
    data/signins/...     sign-in files from several producers (see SIGNIN_PRODUCERS)
    truth.json           every metric of DESIGN section 3, item scores, total, people counts

Profiles:
    threshold  (default) every computed rate lands exactly on a threshold (inclusive bands)
    random     sizes and rates drawn from the seed
    large      over 200 行政村 (village base capped, coverage capped at 100%), population over 500 000

The truth and the config are deterministic for a seed and profile, and so is every cell; the
bytes of a file may differ between runs only where a producer stamps the time (LibreOffice's
document properties, zip entry times).
"""

import argparse
import csv
import datetime as dt
import fnmatch
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction

import openpyxl
import xlsxwriter
import yaml
from openpyxl.styles import Alignment, Font

CUTOFF = dt.date(2021, 8, 31)
STAMP = dt.datetime(2021, 8, 20, 9, 0, 0)     # the files' own creation time, so that a seed makes the same bytes

# ---------------------------------------------------------------------------------------------
# Words

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏"
            "吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵万覃武钱戴严欧莫孔")
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰涛明超兰霞平刚桂华红玉萍建国文辉亮成斌海波宁峰春梅金凤林云飞鹏"
         "志勇德荣新福贵生永祥光明东晓月燕雪琴丹玲慧佳俊浩宇轩晨欣怡子涵嘉豪家乐婷婷雨欣思远昇喆堃淼")
PLACE = ("黄圃桥围坪石梅花长来九峰北乡大源云岩沙坪白石秀水廊田庆云两江五山河南乐城塘头横岗龙山高桥石门"
         "新岭东坑西冲南岭上洞下坪古田水口河背中和平安联合团结光明红星和睦新村龙口凤凰竹山松林柏树茶园")
COUNTY_SUFFIX = ("县", "市", "区")
TOWN_SUFFIX = ("镇", "镇", "镇", "乡")
TOPICS = ("农村电商基础知识", "网店开设与运营", "直播带货实务", "农产品品牌与包装", "微信营销与社群运营",
          "电商物流与供应链", "短视频拍摄与剪辑", "跨境电商入门")

LABOR_ABLE = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")       # DESIGN: poor.labor_values default
LABOR_NOT = ("丧失劳动力", "无劳动力")
MIGRANT = ("县外省内务工", "省外务工")                              # DESIGN: poor.migrant_values default
LOCAL_WORK = ("乡（镇）内务工", "乡（镇）外县内务工", "乡(镇)外县内务工", "乡(镇)内务工")
NO_WORK = ("未外出务工", "无", "")
REMOVED = ("死亡", "注销", "自然减少")

# Leaves of guangdong-2019 scored by judgment, with the values their criteria allow (DESIGN section 3).
MANUAL_ALLOWED = {
    "1.1": (2, 1, 0), "1.2": (2, 1, 0), "1.3": (2, 1, 0), "1.4.a": (2, 1, 0), "1.4.b": (2, 1, 0),
    "2.1.a": (2, 0), "2.1.c": (2, 0), "2.1.d": (1, 0), "2.1.e": (1, 0), "2.1.f": (1, 0), "2.1.g": (1, 0),
    "2.1.h": (2, 0), "2.2.a": (2, 1, 0), "2.2.b": (2, 1, 0), "2.2.c": (1, 0), "2.2.e": (2, 1, 0),
    "3.1.a": (2, 0), "3.1.b": (2, 1, 0), "3.2.a": (3, 1, 0), "3.2.b": (3, 0), "4.1": (2, 0),
    "5.1": (5, 4, 3, 2, 1, 0), "5.2": (5, 4, 3, 2, 1, 0), "5.3": (5, 4, 3, 2, 1, 0), "B.2": (2, 1, 0),
}
VETO = ("V.1", "V.2", "V.3")

# ---------------------------------------------------------------------------------------------
# ID numbers (GB 11643-1999, DOMAIN section 1)

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def check_char(body17):
    return CHECK[sum(int(c) * w for c, w in zip(body17, WEIGHTS)) % 11]


FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


class Model:
    """The county as the generator knows it; files are renderings of this."""

    def __init__(self, seed, profile):
        self.rng = random.Random(f"{profile}:{seed}")
        self.seed = seed
        self.profile = profile
        self.used_ids = set()
        self.used_phones = set()
        self.used_names = set()

    # -- small makers ------------------------------------------------------------------------

    def name(self, unique=False):
        r = self.rng
        for _ in range(1000):
            n = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2, 2))))
            if not unique or n not in self.used_names:
                self.used_names.add(n)
                return n
        raise RuntimeError("no unique name left")

    def phone(self):
        r = self.rng
        while True:
            p = r.choice(("13", "15", "18", "17", "19")) + str(r.randint(0, 9)) + "".join(str(r.randint(0, 9)) for _ in range(8))
            if p not in self.used_phones:
                self.used_phones.add(p)
                return p

    def id_number(self, region, birth, sex=None, century_ok=True):
        r = self.rng
        while True:
            seq = r.randint(1, 995)
            if sex is not None and seq % 2 != (1 if sex == "男" else 0):
                continue
            body = f"{region}{birth:%Y%m%d}{seq:03d}"
            full = body + check_char(body)
            if full not in self.used_ids:
                self.used_ids.add(full)
                return full

    def place_core(self, taken):
        r = self.rng
        for _ in range(5000):
            core = r.choice(PLACE) + r.choice(PLACE)
            if core[0] != core[1] and core not in taken and "村" not in core:
                taken.add(core)
                return core
        raise RuntimeError("no place name left")

    def birth(self, lo, hi):
        start = dt.date(lo, 1, 1)
        return start + dt.timedelta(days=self.rng.randint(0, (dt.date(hi, 12, 31) - start).days))


# ---------------------------------------------------------------------------------------------
# Profiles: what the county's figures should be


def plan(m):
    r = m.rng
    p = {}
    if m.profile == "threshold":
        p["towns"] = r.randint(7, 9)
        p["admin_villages"] = 10 * r.randint(9, 14)          # coverage exactly 70 %
        p["coverage"] = Fraction(7, 10)
        p["poor_villages"] = r.randint(12, 20)
        p["poor_coverage"] = Fraction(1)                      # exactly 100 %
        p["registry_households"] = r.randint(380, 460)
        p["poor_rate"] = Fraction(1, 2)                       # exactly 50 %
        p["sessions"] = r.randint(20, 24)
        p["non_poor"] = r.randint(900, 1100)
        p["population"] = "exact 1%"                           # person-times / population = 1 %
        p["allocated"] = 100000 * r.randint(40, 60)
        p["fund_rate"] = Fraction(7, 10)                      # exactly 70 %
        p["park"] = (20, 3)
        p["retail"] = (120_000_000, 156_000_000)               # exactly 30 %
        p["center_opened"] = dt.date(2021, 2, 26)            # just over 6 months
        p["logistics"] = "all"
        p["media"] = {"provincial": 1, "municipal": 1, "county": 2}
    elif m.profile == "large":
        p["towns"] = r.randint(15, 17)
        p["admin_villages"] = r.randint(215, 240)
        p["coverage"] = Fraction(r.randint(205, 212), 1)      # more covered villages than the base of 200
        p["poor_villages"] = r.randint(30, 45)
        p["poor_coverage"] = Fraction(r.randint(80, 95), 100)
        p["registry_households"] = r.randint(700, 900)
        p["poor_rate"] = Fraction(r.randint(30, 75), 100)
        p["sessions"] = r.randint(26, 32)
        p["non_poor"] = r.randint(1500, 2000)
        p["population"] = r.randint(600_000, 900_000)
        p["allocated"] = 100000 * r.randint(40, 60)
        p["fund_rate"] = Fraction(r.randint(5500, 9500), 10000)
        p["park"] = (r.randint(10, 40), r.randint(1, 5))
        p["retail"] = (100_000_000, 100_000_000 + 1_000_000 * r.randint(5, 60))
        p["center_opened"] = dt.date(2020, r.randint(1, 12), r.randint(1, 28))
        p["logistics"] = "some"
        p["media"] = {"provincial": r.randint(0, 2), "municipal": r.randint(0, 3), "county": r.randint(0, 5)}
    else:
        p["towns"] = r.randint(5, 10)
        p["admin_villages"] = r.randint(60, 180)
        p["coverage"] = Fraction(r.randint(40, 95), 100)
        p["poor_villages"] = r.randint(8, 30)
        p["poor_coverage"] = Fraction(r.randint(75, 100), 100)
        p["registry_households"] = r.randint(250, 600)
        p["poor_rate"] = Fraction(r.randint(25, 80), 100)
        p["sessions"] = r.randint(16, 30)
        p["non_poor"] = r.randint(500, 1400)
        p["population"] = r.randint(150_000, 450_000)
        p["allocated"] = 100000 * r.randint(30, 80)
        p["fund_rate"] = Fraction(r.randint(6000, 9900), 10000)
        p["park"] = (r.randint(5, 40), r.randint(1, 5))
        p["retail"] = (80_000_000, 80_000_000 + 1_000_000 * r.randint(0, 50))
        p["center_opened"] = r.choice((dt.date(2020, r.randint(1, 12), r.randint(1, 28)),
                                       dt.date(2021, r.randint(4, 6), r.randint(1, 28))))
        p["logistics"] = r.choice(("all", "some"))
        p["media"] = {"provincial": r.randint(0, 1), "municipal": r.randint(0, 2), "county": r.randint(0, 3)}
    return p


# ---------------------------------------------------------------------------------------------
# Places


def make_places(m, p):
    r = m.rng
    taken = set()
    m.county = m.place_core(taken) + r.choice(COUNTY_SUFFIX)
    m.region = f"44{r.randint(1, 20):02d}{r.randint(21, 83):02d}"
    towns = []
    for _ in range(p["towns"]):
        core = m.place_core(taken)
        towns.append({"name": core + r.choice(TOWN_SUFFIX), "villages": [], "communities": []})
    # admin villages spread over the towns; core names unique within a town
    n = p["admin_villages"]
    per = [n // len(towns)] * len(towns)
    for i in range(n - sum(per)):
        per[i % len(towns)] += 1
    village_cores = set()
    villages = []
    for t, count in zip(towns, per):
        local = set()
        for _ in range(count):
            core = m.place_core(village_cores)
            local.add(core)
            v = {"town": t["name"], "core": core, "kind": "村", "poor": False, "stations": []}
            t["villages"].append(v)
            villages.append(v)
    # the same village name in two towns (never matched across towns)
    a, b = towns[0], towns[1]
    twin = b["villages"][-1]
    twin["core"] = a["villages"][0]["core"]
    # communities: 居委会/社区 rows; one shares its core with a village of the same town (水口居委会/水口村委会)
    communities = []
    for i, t in enumerate(towns):
        for j in range(r.choice((1, 1, 2))):
            core = m.place_core(village_cores) if not (i == 2 and j == 0) else t["villages"][0]["core"]
            c = {"town": t["name"], "core": core, "kind": "社区", "poor": False, "stations": []}
            t["communities"].append(c)
            communities.append(c)
    for v in r.sample(villages, p["poor_villages"]):
        v["poor"] = True
    m.towns, m.villages, m.communities = towns, villages, communities


def make_stations(m, p):
    """Village-level stations on a chosen set of 行政村, plus town-level and community stations."""
    r = m.rng
    poor = [v for v in m.villages if v["poor"]]
    other = [v for v in m.villages if not v["poor"]]
    poor_covered = int(len(poor) * p["poor_coverage"])       # floor: the rate is then <= the plan's
    if p["poor_coverage"] == 1:
        poor_covered = len(poor)
    if p["coverage"].denominator == 1:                         # a count of covered villages
        total_covered = int(p["coverage"])
    else:
        total_covered = p["coverage"] * len(m.villages)
        assert total_covered.denominator == 1 or m.profile != "threshold"
        total_covered = int(total_covered)
    total_covered = max(total_covered, poor_covered)
    covered = r.sample(poor, poor_covered) + r.sample(other, min(len(other), total_covered - poor_covered))
    stations = []

    def station(v, level="村级", name=None):
        s = {"town": v["town"] if v else None, "village": v, "level": level, "name": name}
        stations.append(s)
        if v is not None:
            v["stations"].append(s)
        return s

    for v in covered:
        station(v)
    station(r.choice(covered))                                 # a village with two stations
    for c in r.sample(m.communities, min(2, len(m.communities))):
        station(c, "村级")                                     # a 社区 station: not a 行政村
    for t in m.towns:
        if r.random() < 0.8:
            stations.append({"town": t["name"], "village": None, "level": "镇级", "name": t["name"] + "电子商务服务中心"})
    r.shuffle(stations)
    m.stations = stations


# ---------------------------------------------------------------------------------------------
# People


def make_registry(m, p):
    """Households of registered-poor persons, in every town, more of them in poor villages."""
    r = m.rng
    persons = []
    poor_villages = [v for v in m.villages if v["poor"]]
    hh_no = 0
    for _ in range(p["registry_households"]):
        v = r.choice(poor_villages) if r.random() < 0.5 else r.choice(m.villages)
        hh_no += 1
        size = r.choice((1, 2, 3, 3, 4, 4, 5, 6))
        surname = r.choice(SURNAMES)
        head_birth = m.birth(1950, 1985)
        members = [("户主", head_birth)]
        if size >= 2:
            members.append(("配偶", m.birth(head_birth.year - 3, min(head_birth.year + 4, 1990))))
        for _ in range(size - len(members)):
            rel = r.choice(("之子", "之女", "之子", "之女", "之儿媳", "之母"))
            if rel == "之母":
                members.append((rel, m.birth(1935, max(1936, head_birth.year - 18))))
            elif rel == "之儿媳":
                members.append((rel, m.birth(head_birth.year + 18, head_birth.year + 30)))
            else:
                members.append((rel, m.birth(min(head_birth.year + 18, 2012), 2016)))
        for k, (rel, birth) in enumerate(members, 1):
            sex = "男" if (rel in ("户主", "之子") and r.random() < 0.85) else ("女" if rel in ("配偶", "之女", "之儿媳", "之母") else r.choice("男女"))
            nm = (surname if rel in ("户主", "之子", "之女") else r.choice(SURNAMES)) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))
            m.used_names.add(nm)
            age = CUTOFF.year - birth.year
            if age < 16:
                labor = "无劳动力"
            elif age > 64:
                labor = r.choice(("丧失劳动力", "无劳动力", "弱劳动力或半劳动力"))
            else:
                labor = r.choices(LABOR_ABLE + LABOR_NOT, weights=(62, 12, 12, 9, 5))[0]
            if labor in LABOR_ABLE:
                work = r.choices((MIGRANT[0], MIGRANT[1]) + LOCAL_WORK + NO_WORK[:2], weights=(14, 16, 10, 8, 3, 3, 30, 16))[0]
            else:
                work = r.choice(("", "无"))
            months = r.randint(6, 12) if work in MIGRANT else (r.randint(0, 5) if work in LOCAL_WORK else 0)
            persons.append({
                "kind": "registry", "name": nm, "sex": sex, "birth": birth,
                "id": m.id_number(m.region, birth, sex), "town": v["town"], "village": v,
                "household": f"{m.region}{hh_no:09d}", "member": f"{m.region}{hh_no:09d}{k:02d}",
                "relation": rel, "size": size, "labor": labor, "work": work, "months": months,
                "status": "正常", "phone": m.phone() if r.random() < 0.6 else "",
            })
    # removed persons (死亡, 注销, 自然减少): labour-able and at home, so that counting them shows
    able_home = [x for x in persons if x["labor"] in LABOR_ABLE and x["work"] not in MIGRANT]
    for reason, x in zip(REMOVED + tuple(r.choice(REMOVED) for _ in range(max(0, len(persons) // 150 - 3))),
                         r.sample(able_home, 3 + max(0, len(persons) // 150 - 3))):
        x["status"] = reason
    # 证件号码 with a certificate suffix (20 characters; the first 18 are the ID)
    r.choice([x for x in able_home if x["status"] == "正常"])["suffix"] = r.choice(("11", "42", "63"))
    m.registry = persons


def labor_population(m):
    return [x for x in m.registry
            if x["status"] == "正常" and x["labor"] in LABOR_ABLE and x["work"] not in MIGRANT]


# ---------------------------------------------------------------------------------------------
# Sessions and attendance


def make_sessions(m, p):
    r = m.rng
    n = p["sessions"]
    days = sorted(r.sample(range((dt.date(2021, 7, 31) - dt.date(2020, 5, 1)).days), n - 1))
    dates = [dt.date(2020, 5, 1) + dt.timedelta(days=d) for d in days]
    dates.insert(r.randint(1, len(dates) - 1), None)            # one date shared by two sessions
    sessions = []
    for i, d in enumerate(dates):
        if d is None:
            d = dates[i - 1]
        t = r.choice(m.towns)
        sessions.append({"sid": i, "date": d, "town": t["name"], "topic": r.choice(TOPICS),
                         "place": t["name"] + r.choice(("政府会议室", "便民服务中心", "电商服务中心培训室", "文化站"))})
    m.sessions = sessions


def make_attendance(m, p):
    """Who attended which session; each person on distinct dates."""
    r = m.rng
    L = labor_population(m)
    # make the target rate reachable: adjust by the number of trained persons
    target = p["poor_rate"] * len(L)
    if m.profile == "threshold" and target.denominator != 1:
        # one more labour-able person at home so that half of them is a whole number
        extra = next(x for x in m.registry if x["status"] == "正常" and x["labor"] in LABOR_ABLE and x["work"] in MIGRANT)
        extra["work"] = "未外出务工"
        extra["months"] = 0
        L = labor_population(m)
        target = p["poor_rate"] * len(L)
    trained_n = int(target)
    candidates = [x for x in L if "suffix" not in x and 1945 <= x["birth"].year <= 2002]
    trained = r.sample(candidates, trained_n - 1) + [next(x for x in L if "suffix" in x)]
    trained_set = {id(x) for x in trained}
    rest_L = [x for x in L if id(x) not in trained_set]
    probable = r.choice(rest_L)                                 # attends with name and village only
    migrants = [x for x in m.registry if x["status"] == "正常" and x["labor"] in LABOR_ABLE and x["work"] in MIGRANT]
    not_able = [x for x in m.registry if x["status"] == "正常" and x["labor"] in LABOR_NOT
                and CUTOFF.year - x["birth"].year in range(17, 70)]
    other_poor = r.sample(migrants, min(len(migrants), max(3, len(migrants) // 12))) + r.sample(not_able, min(len(not_able), 3))

    people = []
    for x in trained + other_poor:
        x["role"] = "poor_trained" if id(x) in trained_set else "poor_other"
        x["ptype"] = "id_phone" if x["phone"] and r.random() < 0.5 else "id_only"
        if x["ptype"] == "id_phone" and not x["phone"]:
            x["phone"] = m.phone()
        people.append(x)
    probable["role"] = "probable"
    probable["ptype"] = "noid_nophone"
    people.append(probable)

    # people outside the registry
    def outsider(ptype, sessions_range):
        birth = m.birth(1962, 2002)
        sex = r.choice("男女")
        region = m.region if r.random() < 0.93 else f"44{r.randint(1, 20):02d}{r.randint(21, 83):02d}"
        home = r.choice(m.villages + m.communities)
        return {"kind": "outsider", "role": "public", "ptype": ptype, "sex": sex, "birth": birth,
                "name": m.name(unique=ptype.startswith("noid") or ptype == "single_lost"),
                "id": m.id_number(region, birth, sex) if not ptype.startswith("noid") else None,
                "town": home["town"], "village": home, "phone": m.phone() if ptype != "noid_nophone" else "",
                "k": r.randint(*sessions_range)}

    n = p["non_poor"]
    for i in range(n):
        u = r.random()
        if u < 0.05:
            people.append(outsider("single_lost", (1, 1)))
        elif u < 0.10:
            people.append(outsider("noid_phone", (1, 3)))
        elif u < 0.13:
            people.append(outsider("noid_nophone", (1, 1)))
        elif u < 0.55:
            people.append(outsider("id_phone", (1, 4)))
        else:
            people.append(outsider("id_only", (1, 3)))
    # homonyms: two different persons with one name (different valid IDs), at one session
    a = next(x for x in people if x["kind"] == "outsider" and x["ptype"] == "id_phone")
    b = next(x for x in people if x["kind"] == "outsider" and x["ptype"] == "id_only" and x is not a)
    b["name"] = a["name"]
    a["k"] = max(a["k"], 1)
    # a person born in the 1900s whose old 15-digit number is written once
    old = next(x for x in people if x["kind"] == "outsider" and x["ptype"] == "id_only" and x is not b)
    old["k"] = 2
    old["old15_once"] = True
    # names with the middle dot, written with its variants (DOMAIN section 2): one linked only by
    # name + phone (so only the variants that fold to U+00B7), one by ID (a space as well)
    for ptype, nm in (("noid_phone", "买买提·吐尔逊"), ("id_only", "阿依古丽·买买提")):
        x = next(p for p in people if p["kind"] == "outsider" and p["ptype"] == ptype
                 and p is not a and p is not b and p is not old and not p.get("dotted"))
        m.used_names.add(nm)
        x["name"], x["dotted"], x["k"] = nm, True, 3

    by_date = {}
    for s in m.sessions:
        by_date.setdefault(s["date"], []).append(s)
    attend = []                                               # (person, session)
    for x in people:
        if x["kind"] == "registry":
            k = 1 if x["role"] == "probable" else r.choice((1, 1, 2, 2, 3))
        else:
            k = x["k"]
        dates = r.sample(sorted(by_date), min(k, len(by_date)))
        for d in dates:
            attend.append((x, r.choice(by_date[d])))
    # the homonyms at one session
    shared = next(s for (x, s) in attend if x is a)
    if not any(x is b and s is shared for (x, s) in attend):
        b_dates = {s["date"] for (x, s) in attend if x is b}
        if shared["date"] not in b_dates:
            attend.append((b, shared))
    m.people = people
    m.attend = attend
    m.labor = L
    m.trained = trained


# ---------------------------------------------------------------------------------------------
# Rendering of rows: the quirks of DOMAIN


def spaced_name(r, nm):
    u = r.random()
    if u < 0.4 and len(nm) == 2:
        return nm[0] + r.choice(("  ", "　", " ")) + nm[1]      # "张  三", "张　三"
    if u < 0.6:
        return " " + nm + " "
    if u < 0.8:
        return nm + "\u200b"
    return nm[0] + " " + nm[1:]


class Row:
    """One rendered sign-in row. id_kind: text | lost | none; id_text for text.

    No row holds an ID as a whole number: none of the producers here writes one exactly
    (openpyxl writes 440729197012021808 as 4.407291970120218e+17, XlsxWriter and LibreOffice
    keep a double), so such a cell is always precision-lost, and only persons who sign once
    get one ("single_lost")."""

    def __init__(self, person, session):
        self.person = person
        self.session = session
        self.name = person["name"]
        self.id_kind = "text"
        self.id_text = person["id"] or ""
        self.phone = person["phone"]
        self.when = None
        self.duplicate = False


def render_rows(m, producer_of):
    """Rows per session with the quirks; producer_of(session) says which producer renders it."""
    r = m.rng
    rows = {s["sid"]: [] for s in m.sessions}
    seen_valid = {}
    for x, s in m.attend:
        row = Row(x, s)
        prod = producer_of[s["sid"]]
        pt = x["ptype"]
        if pt == "single_lost":
            row.id_kind = "lost"
        elif pt.startswith("noid"):
            row.id_kind = "none"
            row.id_text = ""
        else:
            u = r.random()
            if x.get("old15_once") and not x.get("old15_done"):
                x["old15_done"] = True
                row.id_text = x["id"][:6] + x["id"][8:17]            # the 15-digit form of the same person
            elif u < 0.04 and x["id"].endswith("X"):
                row.id_text = x["id"][:-1] + "x"
            elif u < 0.06 and x["id"].endswith("X"):
                row.id_text = x["id"][:-1] + "\u2169"                 # ROMAN NUMERAL TEN
            elif u < 0.10:
                row.id_text = x["id"].translate(FULLWIDTH)
            elif u < 0.12:
                row.id_text = " ".join((x["id"][:4], x["id"][4:8], x["id"][8:12], x["id"][12:16], x["id"][16:]))
            elif u < 0.16 and pt == "id_phone" and x["id"] in seen_valid:
                row.id_kind = "none"                                 # linked by name + phone (R2)
                row.id_text = ""
            elif u < 0.17 and pt == "id_phone" and x["id"] in seen_valid:
                pos = r.randint(6, 16)                               # a typo: one digit changed, check fails
                digit = str((int(x["id"][pos]) + r.randint(1, 9)) % 10)
                row.id_text = x["id"][:pos] + digit + x["id"][pos + 1:]
            elif u < 0.19 and prod in ("csv",):
                row.id_text = "'" + x["id"]
            elif u < 0.20 and prod in ("csv",):
                row.id_text = '="' + x["id"] + '"'                   # a text-forcing wrapper
            if row.id_kind == "text" and row.id_text == x["id"]:
                seen_valid[x["id"]] = True
        if x.get("dotted"):
            variants = ("·", "•", "・", "･", "‧", "∙") + ((" ", "．") if pt == "id_only" else ())
            row.name = x["name"].replace("·", r.choice(variants))
        elif r.random() < 0.06:
            row.name = spaced_name(r, x["name"])
        if pt in ("id_phone", "noid_phone") and r.random() < 0.15:
            p = x["phone"]
            row.phone = r.choice((f"{p[:3]}-{p[3:7]}-{p[7:]}", "+86 " + p, "\t" + p, p[:3] + " " + p[3:7] + " " + p[7:]))
        elif pt in ("id_only", "noid_nophone", "single_lost"):
            row.phone = ""
        rows[s["sid"]].append(row)
    # a person with a valid ID needs one valid row in all: the R2 rows above came after one
    for sid in rows:
        r.shuffle(rows[sid])
    # repeated sign-ins at one session (one person-time)
    dups = []
    for sid, lst in rows.items():
        for row in list(lst):
            x = row.person
            if x["ptype"] in ("single_lost", "noid_nophone") or row.id_kind != "text" or row.id_text != (x["id"] or ""):
                continue
            if r.random() < 0.035:
                d = Row(x, row.session)
                d.duplicate = True
                if x["id"] and x["id"].endswith("X") and r.random() < 0.5:
                    d.id_text = x["id"][:-1] + "x"
                elif x["id"] and r.random() < 0.3:
                    d.id_text = x["id"].translate(FULLWIDTH)
                if r.random() < 0.3:
                    d.name = spaced_name(r, x["name"])
                d.phone = row.phone
                lst.insert(min(len(lst), lst.index(row) + r.randint(1, 6)), d)
                dups.append(d)
    # one annotation on a name (代签): the row still names the person
    for lst in rows.values():
        for row in lst:
            if row.id_kind == "text" and row.id_text and not row.duplicate and row.person["kind"] == "outsider":
                row.name = row.person["name"] + "（代签）"
                break
        break
    return rows


# ---------------------------------------------------------------------------------------------
# Cells and producers

DATE_CN = "{0.year}年{0.month}月{0.day}日"


def cn_date(d):
    return DATE_CN.format(d)


def dot_date(d):
    return f"{d.year}.{d.month}.{d.day}"


def excel_serial(d):
    return (d - dt.date(1899, 12, 30)).days


def lost_number(idtext):
    """What Excel keeps of an 18-digit number typed into a General cell: 15 significant digits."""
    return float(idtext[:15] + "000")


class Grid:
    """A sheet as rows of cells; a cell is str, int, float, ('date', date, fmt) or None."""

    def __init__(self, name):
        self.name = name
        self.rows = []
        self.merges = []        # (first_row, first_col, last_row, last_col), 0-based
        self.widths = {}

    def add(self, cells):
        self.rows.append(list(cells))
        return len(self.rows) - 1


HEADERS = {
    "name": ("姓名", "学员姓名", "姓 名"),
    "sex": ("性别",),
    "id": ("身份证号码", "身份证号", "证件号码", "公民身份号码"),
    "phone": ("联系电话", "手机号码", "手机号", "电话"),
    "town": ("所在镇", "乡镇", "镇（街）"),
    "village": ("所在村", "村（社区）", "村委会"),
    "poor": ("是否贫困户", "是否建档立卡贫困户", "贫困户（是/否）"),
    "sign": ("签名", "本人签名", "学员签名"),
}


def person_cells(m, row, fields, id_style):
    x = row.person
    r = m.rng
    out = []
    for f in fields:
        if f == "name":
            out.append(row.name)
        elif f == "sex":
            out.append(x["sex"])
        elif f == "id":
            if row.id_kind == "lost":
                out.append(lost_number(x["id"]) if id_style != "csv" else f"{lost_number(x['id']):.5E}".replace("E+", "E+"))
            else:
                out.append(row.id_text)
        elif f == "phone":
            out.append(row.phone)
        elif f == "town":
            out.append(x["town"])
        elif f == "village":
            v = x["village"]
            out.append(v["core"] + ("社区" if v["kind"] == "社区" else r.choice(("村", "村", "村委会"))))
        elif f == "poor":
            truth = x["kind"] == "registry"
            out.append(("是" if truth else "否") if r.random() < 0.9 else r.choice(("是", "否", "")))
        elif f == "sign":
            out.append("")
        elif f == "seq":
            out.append(None)
    return out


def classic_grid(m, s, rows, sheet_name, date_style, header_style):
    """A paper-style sign-in sheet: title, a line with date and place, header, rows, empty numbered rows, total."""
    r = m.rng
    fields = ["name", "sex", "id", "phone", "town", "village", "poor", "sign"]
    if r.random() < 0.3:
        fields.remove("town")
    g = Grid(sheet_name)
    width = len(fields) + 1
    g.add([f"{m.county}{s['town']}农村电子商务培训签到表"] + [None] * (width - 1))
    g.merges.append((0, 0, 0, width - 1))
    when = cn_date(s["date"]) if date_style == "cn" else dot_date(s["date"])
    g.add([f"培训时间：{when}　　培训地点：{s['place']}　　培训内容：{s['topic']}"] + [None] * (width - 1))
    g.merges.append((1, 0, 1, width - 1))
    g.add(["序号"] + [r.choice(HEADERS[f]) if header_style == "vary" else HEADERS[f][0] for f in fields])
    n = 0
    for row in rows:
        n += 1
        g.add([n] + person_cells(m, row, fields, "cell"))
        if r.random() < 0.02:
            g.add([None] * width)                                   # a blank row in the middle
    for k in range(r.randint(2, 6)):                                # numbered rows nobody filled
        g.add([n + k + 1] + [None] * (width - 1))
    g.add(["合计", f"共{n}人"] + [None] * (width - 2))
    g.add([None] * width)
    g.add([f"制表人：{m.name()}", None, None, f"审核人：{m.name()}"] + [None] * (width - 4))
    g.widths = {1 + fields.index("id"): 22}
    return g


def wps_grid(m, s, rows):
    """WPS-style: two title rows and a two-row header with merged group cells."""
    fields = ["name", "sex", "id", "phone", "town", "village", "sign"]
    g = Grid("Sheet1")
    g.add([f"{s['town']}{s['date'].year}年农村电商人才培训班签到表"] + [None] * 7)
    g.merges.append((0, 0, 0, 7))
    g.add([f"主办单位：{m.county}商务局　　时间：{cn_date(s['date'])}　　地点：{s['place']}"] + [None] * 7)
    g.merges.append((1, 0, 1, 7))
    g.add(["序号", "学员基本信息", None, None, None, "所在地", None, "签名"])
    g.add([None, "姓名", "性别", "身份证号码", "联系电话", "镇", "村", None])
    g.merges += [(2, 0, 3, 0), (2, 1, 2, 4), (2, 5, 2, 6), (2, 7, 3, 7)]
    n = 0
    for row in rows:
        n += 1
        g.add([n] + person_cells(m, row, fields, "cell"))
    g.add([None] * 8)
    g.add(["合计", None, f"{n}人"] + [None] * 5)
    return g


def date_column_grid(m, sessions_rows, sheet_name, serial=True):
    """A sheet with a 培训日期 column holding Excel serial numbers in General format."""
    fields = ["name", "id", "phone", "village", "poor"]
    g = Grid(sheet_name)
    g.add(["序号", "培训日期", "姓名", "身份证号", "手机号码", "所在村", "是否贫困户"])
    n = 0
    for s, rows in sessions_rows:
        for row in rows:
            n += 1
            g.add([n, excel_serial(s["date"]) if serial else ("date", s["date"], "yyyy-mm-dd")] + person_cells(m, row, fields, "cell"))
    for k in range(3):
        g.add([n + k + 1] + [None] * 6)
    return g


def submission_times(m, s, rows):
    r = m.rng
    start = dt.datetime.combine(s["date"], dt.time(8, r.randint(20, 50)))
    t = start
    out = []
    for row in rows:
        t = t + dt.timedelta(seconds=r.randint(3, 70))
        out.append(t)
    return out


def wjx_grid(m, sessions_rows):
    """问卷星 text export: 序号, 提交答卷时间, 所用时间, 来源, 来源详情, 来自IP, "1、姓名" questions."""
    r = m.rng
    g = Grid("Sheet1")
    g.add(["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP",
           "1、姓名", "2、身份证号码", "3、手机号码", "4、所在乡镇", "5、所在村（社区）", "6、是否建档立卡贫困户"])
    n = 0
    for s, rows in sessions_rows:
        for row, t in zip(rows, submission_times(m, s, rows)):
            n += 1
            g.add([n, t.strftime("%Y/%m/%d %H:%M:%S"), f"{r.randint(20, 300)}秒", r.choice(("微信", "手机提交", "链接")),
                   "直接访问", f"{r.randint(36, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}(广东-{m.county})"]
                  + person_cells(m, row, ["name", "id", "phone", "town", "village", "poor"], "cell"))
    return g


def tencent_grid(m, sessions_rows):
    """腾讯问卷-style export with 提交时间 and "1.姓名" headers; phone cells carry a tab."""
    r = m.rng
    g = Grid("答卷数据")
    g.add(["编号", "提交时间", "答题时长", "地理位置国家地区", "IP", "1.姓名", "2.身份证号", "3.手机号", "4.所在镇", "5.所在村"])
    n = 0
    for s, rows in sessions_rows:
        for row, t in zip(rows, submission_times(m, s, rows)):
            n += 1
            cells = person_cells(m, row, ["name", "id", "phone", "town", "village"], "cell")
            if cells[2] and r.random() < 0.5:
                cells[2] = "\t" + cells[2].lstrip("\t")
            g.add([n, t.strftime("%Y-%m-%d %H:%M:%S"), f"{r.randint(30, 400)}秒", "中国", f"{r.randint(36, 223)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"]
                  + cells)
    return g


def write_openpyxl(path, grids, extra_first=None, empty_after=None):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if extra_first:
        ws = wb.create_sheet(extra_first[0])
        for line in extra_first[1]:
            ws.append([line])
    for g in grids:
        ws = wb.create_sheet(g.name)
        for cells in g.rows:
            out = []
            for c in cells:
                if isinstance(c, tuple) and c[0] == "date":
                    out.append(dt.datetime.combine(c[1], dt.time()))
                else:
                    out.append(c)
            ws.append(out)
        for (r0, c0, r1, c1) in g.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd"
        ws.column_dimensions["D"].width = 22
    if empty_after:
        wb.create_sheet(empty_after)
    wb.properties.created = wb.properties.modified = STAMP
    wb.save(path)


def write_xlsxwriter(path, grids, strings_to_numbers=False):
    wb = xlsxwriter.Workbook(path, {"strings_to_numbers": False})
    wb.set_properties({"created": STAMP})
    bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1})
    title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
    datefmt = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    for g in grids:
        ws = wb.add_worksheet(g.name)
        merged_tops = {(r0, c0): (r1, c1) for (r0, c0, r1, c1) in g.merges}
        covered = {(rr, cc) for (r0, c0, r1, c1) in g.merges for rr in range(r0, r1 + 1) for cc in range(c0, c1 + 1)}
        for ri, cells in enumerate(g.rows):
            for ci, c in enumerate(cells):
                if (ri, ci) in merged_tops:
                    r1, c1 = merged_tops[(ri, ci)]
                    ws.merge_range(ri, ci, r1, c1, c if c is not None else "", title if ri == 0 else bold)
                    continue
                if (ri, ci) in covered or c is None:
                    continue
                if isinstance(c, tuple) and c[0] == "date":
                    ws.write_datetime(ri, ci, dt.datetime.combine(c[1], dt.time()), datefmt)
                elif isinstance(c, (int, float)):
                    ws.write_number(ri, ci, c)
                else:
                    ws.write_string(ri, ci, c)
        for col, w in g.widths.items():
            ws.set_column(col, col, w)
    wb.close()


def write_csv_gb18030(path, g):
    """As Chinese Excel saves 'CSV (逗号分隔)': code page 936, CRLF, every row as wide as the sheet."""
    width = max(len(r) for r in g.rows)
    buf = io.StringIO()
    for cells in g.rows:
        out = []
        for c in cells + [None] * (width - len(cells)):
            if c is None:
                out.append("")
            elif isinstance(c, float):
                out.append(f"{c:.5E}")
            elif isinstance(c, str) and c.startswith('="') and c.endswith('"'):
                out.append(c)                                     # ="…" stays as written
            elif isinstance(c, str) and any(ch in c for ch in ',"\r\n'):
                out.append('"' + c.replace('"', '""') + '"')
            else:
                out.append(str(c))
        buf.write(",".join(out) + "\r\n")
    with open(path, "wb") as f:
        f.write(buf.getvalue().encode("gb18030"))


def libreoffice(sources, fmt, outdir, workdir):
    """Converts openpyxl-made files with LibreOffice headless (its own profile, so runs can overlap)."""
    filt = {"xls": "xls:MS Excel 97", "xlsx": "xlsx:Calc MS Excel 2007 XML"}[fmt]
    profile = os.path.join(workdir, "lo-profile")
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", filt, "--outdir", outdir] + sources
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    for src in sources:
        out = os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + "." + fmt)
        if res.returncode != 0 or not os.path.exists(out):
            raise SystemExit(f"LibreOffice could not convert {src}: {res.stdout}\n{res.stderr}")


# ---------------------------------------------------------------------------------------------
# The county's files


SIGNIN_PRODUCERS = ("lo_xls", "lo_xlsx", "xlsxwriter", "openpyxl", "wjx", "tencent", "wps", "csv")


def assign_producers(m):
    """Sessions to producers: every producer at least once; the forms hold two sessions each."""
    r = m.rng
    order = list(m.sessions)
    r.shuffle(order)
    groups = {p: [] for p in SIGNIN_PRODUCERS}
    # two-session holders first (distinct dates)
    need = {"wjx": 2, "tencent": 2, "openpyxl": 2, "xlsxwriter": 2}
    for prod, k in need.items():
        while len(groups[prod]) < k:
            s = order.pop()
            if any(s["date"] == o["date"] for o in groups[prod]):
                order.insert(0, s)
                continue
            groups[prod].append(s)
    for prod in ("lo_xls", "lo_xlsx", "wps", "csv"):
        groups[prod].append(order.pop())
    cycle = ["lo_xls", "lo_xlsx", "wps", "csv", "xlsxwriter", "lo_xls", "wps"]
    i = 0
    while order:
        groups[cycle[i % len(cycle)]].append(order.pop())
        i += 1
    producer_of = {}
    for prod, ss in groups.items():
        for s in ss:
            producer_of[s["sid"]] = "openpyxl" if prod in ("openpyxl",) else ("csv" if prod == "csv" else prod)
    return groups, producer_of


def unique_name(folder, name, taken):
    stem, ext = os.path.splitext(name)
    k = 1
    while name in taken:
        k += 1
        name = f"{stem}（{k}）{ext}"
    taken.add(name)
    return name


def write_signins(m, folder, workdir):
    r = m.rng
    taken = set()
    groups, producer_of = assign_producers(m)
    rows = render_rows(m, producer_of)
    m.rows = rows
    os.makedirs(folder, exist_ok=True)
    files = []
    stage = os.path.join(workdir, "stage")
    os.makedirs(stage, exist_ok=True)
    for kind in ("xls", "xlsx"):
        srcs = []
        for k, s in enumerate(sorted(groups["lo_" + kind], key=lambda s: s["date"]), 1):
            g = classic_grid(m, s, rows[s["sid"]], "签到表", "cn" if kind == "xls" else "dot", "vary" if kind == "xlsx" else "plain")
            src = os.path.join(stage, unique_name(stage, f"{s['town']}第{k}期电商培训签到{'' if kind == 'xls' else '表'}.xlsx", taken))
            write_openpyxl(src, [g])
            srcs.append(src)
        libreoffice(srcs, kind, folder, workdir)
        files += [os.path.splitext(os.path.basename(x))[0] + "." + kind for x in srcs]
        for s, x in zip(sorted(groups["lo_" + kind], key=lambda s: s["date"]), srcs):
            s["file"], s["sheet"], s["layout"] = os.path.splitext(os.path.basename(x))[0] + "." + kind, "签到表", "classic"
    # XlsxWriter: one file, a sheet per session, the date as a real date cell beside its label
    grids = []
    for k, s in enumerate(sorted(groups["xlsxwriter"], key=lambda s: s["date"]), 1):
        g = classic_grid(m, s, rows[s["sid"]], f"第{k}场", "cn", "vary")
        g.rows[1] = ["培训日期", ("date", s["date"], None), None, "培训地点", s["place"]] + [None] * (len(g.rows[1]) - 5)
        g.merges = [mm for mm in g.merges if mm[0] != 1]
        grids.append(g)
    name = f"{m.county}电商培训签到汇总（{len(grids)}场）.xlsx"
    write_xlsxwriter(os.path.join(folder, name), grids)
    for s, g in zip(sorted(groups["xlsxwriter"], key=lambda s: s["date"]), grids):
        s["file"], s["sheet"], s["layout"] = name, g.name, "classic"
    files.append(name)
    # openpyxl: 填表说明 first, the sessions in one sheet by date column (serials), an empty Sheet2
    ss = sorted(groups["openpyxl"], key=lambda s: s["date"])
    g = date_column_grid(m, [(s, rows[s["sid"]]) for s in ss], "签到记录")
    name = f"{ss[0]['town']}电商培训签到记录.xlsx"
    write_openpyxl(os.path.join(folder, name), [g],
                   extra_first=("填表说明", ["填表说明：", "1. 每位学员签到一行，身份证号请填写18位。", "2. 培训日期请填写当天日期。",
                                         "3. 本表由各镇电商服务站汇总后报县商务局。"]),
                   empty_after="Sheet2")
    files.append(name)
    for s in ss:
        s["file"], s["sheet"], s["layout"] = name, g.name, "date column"
    # 问卷星 and 腾讯问卷 exports: two days each in one sheet
    ss = sorted(groups["wjx"], key=lambda s: s["date"])
    name = f"{r.randint(80000000, 99999999)}_{len(ss)}_农村电商直播培训签到_{r.randint(2, 9)}_{r.randint(100, 999)}.xlsx"
    write_xlsxwriter(os.path.join(folder, name), [wjx_grid(m, [(s, rows[s["sid"]]) for s in ss])])
    files.append(name)
    for s in ss:
        s["file"], s["sheet"], s["layout"] = name, "Sheet1", "问卷星"
    ss = sorted(groups["tencent"], key=lambda s: s["date"])
    name = f"腾讯问卷_电商培训签到_{ss[-1]['date']:%Y%m%d}.xlsx"
    write_openpyxl(os.path.join(folder, name), [tencent_grid(m, [(s, rows[s["sid"]]) for s in ss])])
    files.append(name)
    for s in ss:
        s["file"], s["sheet"], s["layout"] = name, "答卷数据", "腾讯问卷"
    for s in groups["wps"]:
        name = unique_name(folder, f"{s['town']}{s['date'].month}月电商培训签到表（WPS）.xlsx", taken)
        write_xlsxwriter(os.path.join(folder, name), [wps_grid(m, s, rows[s["sid"]])])
        files.append(name)
        s["file"], s["sheet"], s["layout"] = name, "Sheet1", "WPS"
    for s in groups["csv"]:
        g = classic_grid(m, s, rows[s["sid"]], "签到表", "cn", "plain")
        name = unique_name(folder, f"{s['town']}{s['date'].month}月{s['date'].day}日培训签到.csv", taken)
        write_csv_gb18030(os.path.join(folder, name), g)
        files.append(name)
        s["file"], s["sheet"], s["layout"] = name, "", "classic"
    m.groups = groups
    return sorted(files)


def write_villages(m, path):
    """Village list (openpyxl): 行政村 with 村委会 suffixes, 居委会/社区 rows mixed in, 省定贫困村 column."""
    r = m.rng
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "行政村"
    ws.append([f"{m.county}行政村（社区）名单"])
    ws.merge_cells("A1:E1")
    ws.append(["序号", "镇（街道）", "村（居）委会名称", "类别", "是否省定贫困村"])
    n = 0
    for t in m.towns:
        units = t["villages"] + t["communities"]
        for u in units:
            n += 1
            if u["kind"] == "村":
                style = r.random()
                if style < 0.5:
                    nm = u["core"] + "村委会"
                elif style < 0.65:
                    nm = u["core"] + "村村民委员会"
                elif style < 0.72:
                    nm = u["core"] + "村民委员会"
                elif style < 0.97:
                    nm = u["core"] + "村"
                else:
                    nm = t["name"] + u["core"] + "村委会"              # town in front
                kind = r.choice(("村委会", "行政村", "村"))
                poor = "是" if u["poor"] else r.choice(("否", "否", ""))
            else:
                nm = u["core"] + r.choice(("社区居委会", "社区", "居委会", "社区居民委员会"))
                kind = r.choice(("社区", "居委会"))
                poor = ""
            ws.append([n, t["name"], nm, kind, poor])
    ws.column_dimensions["C"].width = 22
    wb.properties.created = wb.properties.modified = STAMP
    wb.save(path)


def write_stations(m, path):
    """Station list (XlsxWriter, WPS-like): villages written with county and town in front, suffixes, spaces."""
    r = m.rng
    g = Grid("站点清单")
    g.add([f"{m.county}村级电子商务服务站点清单"] + [None] * 7)
    g.merges.append((0, 0, 0, 7))
    g.add(["序号", "站点名称", "站点级别", "所在镇", "所在村", "详细地址", "负责人", "联系电话"])
    n = 0
    for s in m.stations:
        n += 1
        v = s["village"]
        if v is None:
            g.add([n, s["name"], "镇级", s["town"], "", f"{m.county}{s['town']}圩镇{r.randint(1, 99)}号", m.name(), m.phone()])
            continue
        core = v["core"]
        if v["kind"] == "社区":
            village = core + "社区"
            name = f"{v['town']}{core}社区电商服务点"
        else:
            u = r.random()
            if u < 0.15:
                village = m.county + v["town"] + core + "村"              # 乐昌市黄圃镇桥围村
            elif u < 0.28:
                village = v["town"] + core + "村"
            elif u < 0.42:
                village = core + "村委会"
            elif u < 0.48:
                village = core + "村民委员会"
            elif u < 0.53:
                village = core + " 村"
            else:
                village = core + "村"
            name = r.choice((f"{v['town']}{core}村电商服务站", f"{core}村益农信息社", f"{core}村农村电商服务点"))
            if len(v["stations"]) > 1 and s is v["stations"][1]:
                name = f"{core}村第二电商服务点"
        s["written"] = village
        g.add([n, name, "村级", v["town"], village, f"{v['town']}{core}村{r.randint(1, 120)}号", m.name(), m.phone()])
    g.widths = {1: 30, 4: 24}
    write_xlsxwriter(path, [g])


def write_registry(m, path, workdir):
    """Registered-poor list: an export of the registry, re-saved as .xls by LibreOffice."""
    header = ["序号", "县(市、区、旗)", m.rng.choice(("乡(镇)", "乡（镇）")), "行政村", "自然村", "户编号",
              m.rng.choice(("人编号", "人口编号")), "姓名", "证件号码", "人数",
              "与户主关系", "民族", "文化程度", "健康状况", "劳动技能", "务工状况", "务工时间（月）", "人员状态", "人联系电话"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "贫困人口"
    ws.append([f"{m.county}建档立卡贫困人口明细（导出日期：2021-08-20）"])
    ws.append(header)
    for i, x in enumerate(m.registry, 1):
        v = x["village"]
        idv = x["id"] + x.get("suffix", "")
        ws.append([i, m.county, x["town"], v["core"] + m.rng.choice(("村委会", "村")), v["core"] + m.rng.choice("一二三四五六") + "组",
                   x["household"], x["member"], x["name"], idv, x["size"], x["relation"], "汉族",
                   m.rng.choice(("小学", "初中", "高中", "文盲或半文盲")), m.rng.choice(("健康", "健康", "长期慢性病")),
                   x["labor"], x["work"], x["months"], x["status"], x["phone"]])
    stage = os.path.join(workdir, "registry")
    os.makedirs(stage, exist_ok=True)
    src = os.path.join(stage, os.path.splitext(os.path.basename(path))[0] + ".xlsx")
    wb.save(src)
    libreoffice([src], "xls", os.path.dirname(path), workdir)


# ---------------------------------------------------------------------------------------------
# Truth: DESIGN section 3, computed from the model


def band(rate, bands):
    for threshold, points in bands:
        if rate >= threshold:
            return points
    return 0


def months_between(a, b):
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if b.day < a.day:
        months -= 1
    return months


def truth(m, p, manual, facts, population, funds):
    pairs = {(id(x), s["sid"]) for x, s in m.attend}
    person_times = len(pairs)
    all_rows = [row for lst in m.rows.values() for row in lst]
    signin_rows = len(all_rows)
    duplicates = sum(1 for row in all_rows if row.duplicate)
    assert signin_rows - duplicates == person_times
    distinct = len({id(x) for x, _ in m.attend})
    invalid_rows = sum(1 for row in all_rows if _invalid(row))

    base = min(population, 500_000)
    coverage = Fraction(person_times, base)
    L = m.labor
    attended_ids = {id(x) for x, _ in m.attend if x["kind"] == "registry" and x["role"] == "poor_trained"}
    trained = [x for x in L if id(x) in attended_ids]
    poor_rate = Fraction(len(trained), len(L))
    admin = len(m.villages)
    vbase = min(admin, 200)
    with_station = sum(1 for v in m.villages if any(s["level"] == "村级" for s in v["stations"]))
    vrate = min(Fraction(with_station, vbase), Fraction(1))
    poor_v = [v for v in m.villages if v["poor"]]
    poor_with = sum(1 for v in poor_v if v["stations"])
    prate = Fraction(poor_with, len(poor_v))
    allocated, disbursed = funds
    frate = Fraction(disbursed) / Fraction(allocated)
    retail_growth = Fraction(facts["online_retail"]["current"] - facts["online_retail"]["previous"], facts["online_retail"]["previous"])
    logistics = Fraction(facts["logistics_villages"], admin)

    rates = {
        "training_coverage_rate": (person_times, base),
        "poor_training_rate": (len(trained), len(L)),
        "village_coverage_rate": (min(with_station, vbase), vbase),
        "poor_village_coverage_rate": (poor_with, len(poor_v)),
        "fund_disbursement_rate": (str(disbursed), str(allocated)),
        "online_retail_growth": (facts["online_retail"]["current"] - facts["online_retail"]["previous"], facts["online_retail"]["previous"]),
        "logistics_village_rate": (facts["logistics_villages"], admin),
    }
    metrics = {
        "training_person_times": person_times,
        "population_base": base,
        "training_coverage_rate": float(coverage),
        "poor_labor_population": len(L),
        "poor_trained_persons": len(trained),
        "poor_training_rate": float(poor_rate),
        "admin_villages": admin,
        "village_base": vbase,
        "villages_with_station": with_station,
        "village_coverage_rate": float(vrate),
        "poor_villages": len(poor_v),
        "poor_villages_with_station": poor_with,
        "poor_village_coverage_rate": float(prate),
        "fund_disbursement_rate": float(frate),
        "park_enterprises": facts["park_enterprises"],
        "park_enterprise_types": facts["park_enterprise_types"],
        "online_retail_growth": float(retail_growth),
        "logistics_village_rate": float(logistics),
    }
    items = dict(manual)
    for v in VETO:
        items[v] = 0
    center_months = months_between(facts["center_opened"], CUTOFF)
    items["2.1.b"] = 2 if center_months >= 6 else 0
    items["2.1.i"] = 2 if facts["park_enterprises"] >= 20 else 0
    items["2.1.j"] = 1 if facts["park_enterprise_types"] >= 3 else 0
    items["2.1.k"] = band(vrate, [(Fraction(7, 10), 5), (Fraction(1, 2), 2)])
    items["2.1.l"] = band(prate, [(Fraction(1), 5), (Fraction(4, 5), 3)])
    items["2.2.d"] = 1 if logistics >= 1 else 0
    items["2.2.f"] = 2 if retail_growth >= Fraction(3, 10) else 0
    items["2.3.a"] = band(coverage, [(Fraction(1, 100), 10), (Fraction(8, 1000), 8), (Fraction(6, 1000), 6)])
    items["2.3.b"] = band(poor_rate, [(Fraction(1, 2), 10), (Fraction(2, 5), 8), (Fraction(3, 10), 6)])
    items["B.1"] = 2 if poor_rate >= Fraction(7, 10) else 0
    media = facts["media"]
    items["4.2"] = min(8, 4 * (media["provincial"] > 0) + 3 * (media["municipal"] > 0) + 1 * (media["county"] > 0))
    items["5.3"] = manual["5.3"] if frate >= Fraction(7, 10) else -5
    total = sum(items.values())
    removed = [x for x in m.registry if x["status"] != "正常"]
    index = {id(x): i for i, x in enumerate(m.people)}
    sessions = []
    for s in sorted(m.sessions, key=lambda s: (s["file"], s["date"])):
        lst = m.rows[s["sid"]]
        sessions.append({"file": s["file"], "sheet": s["sheet"], "layout": s["layout"], "date": s["date"].isoformat(),
                         "signin_rows": len(lst), "duplicates": sum(1 for row in lst if row.duplicate),
                         "person_times": len({id(row.person) for row in lst}),
                         "invalid_ids": sum(1 for row in lst if _invalid(row)),
                         "persons": sorted({index[id(row.person)] for row in lst}),
                         "poor_trained": sorted({index[id(row.person)] for row in lst if row.person.get("role") == "poor_trained"})})
    return {
        "county": m.county,
        "seed": m.seed,
        "profile": m.profile,
        "metrics": metrics,
        "rates": {k: list(v) for k, v in rates.items()},
        "items": dict(sorted(items.items())),
        "total": total,
        "veto": False,
        "people": {
            "signin_rows": signin_rows,
            "duplicate_signins": duplicates,
            "distinct_persons": distinct,
            "invalid_ids": invalid_rows,
        },
        "model": {
            "sessions": len(m.sessions),
            "sessions_by_producer": {k: len(v) for k, v in m.groups.items()},
            "registry_persons": len(m.registry),
            "registry_removed": {reason: sum(1 for x in removed if x["status"] == reason) for reason in REMOVED},
            "registry_removed_labour_at_home": sum(1 for x in removed if x["labor"] in LABOR_ABLE and x["work"] not in MIGRANT),
            "poor_attendees_outside_population": sum(1 for x in m.people if x["kind"] == "registry" and x["role"] != "poor_trained"),
            "probable_only": 1,
            "precision_lost_rows": sum(1 for row in all_rows if row.id_kind == "lost"),
            "communities": len(m.communities),
            "stations": len(m.stations),
            "town_level_stations": sum(1 for s in m.stations if s["level"] == "镇级"),
            "community_stations": sum(1 for s in m.stations if s["village"] is not None and s["village"]["kind"] == "社区"),
            "center_months": center_months,
            "villages_covered_only_by_county_prefixed_rows": sum(
                1 for v in m.villages if v["stations"] and all(st.get("written", "").startswith(m.county) for st in v["stations"])),
            "poor_villages_covered_only_by_county_prefixed_rows": sum(
                1 for v in m.villages if v["poor"] and v["stations"] and all(st.get("written", "").startswith(m.county) for st in v["stations"])),
            "villages_covered_only_by_town_prefixed_rows": sum(
                1 for v in m.villages if v["stations"] and all(st.get("written", "").startswith(v["town"]) for st in v["stations"])),
        },
        "sessions": sessions,
    }


def _invalid(row):
    """A row whose ID cell is filled but names no valid ID: precision lost, or a typo."""
    if row.id_kind == "lost":
        return True
    return bool(row.id_kind == "text" and row.id_text and row.person["id"] and not _normalises_to(row.id_text, row.person["id"]))


def persons_detail(m):
    """Every attendee with the rows written for them: for diagnosing a difference, not for scoring."""
    out = []
    rows_of = {}
    for lst in m.rows.values():
        for row in lst:
            rows_of.setdefault(id(row.person), []).append(row)
    for i, x in enumerate(m.people):
        out.append({"index": i, "name": x["name"], "id": x["id"], "role": x.get("role"), "ptype": x["ptype"],
                    "registry": x["kind"] == "registry", "labor": x.get("labor"), "work": x.get("work"),
                    "rows": [{"file": row.session["file"], "sheet": row.session["sheet"], "date": row.session["date"].isoformat(),
                              "name": row.name, "id_kind": row.id_kind, "id": row.id_text if row.id_kind == "text" else None,
                              "phone": row.phone, "duplicate": row.duplicate} for row in rows_of.get(id(x), [])]})
    return out


def _normalises_to(text, idv):
    """Whether a written ID folds to the person's ID by DOMAIN's rules (NFKC, x, separators, 15 digits)."""
    import unicodedata
    t = unicodedata.normalize("NFKC", text).strip().lstrip("'").replace(" ", "").upper()
    if t.startswith('="') and t.endswith('"'):
        t = t[2:-1]
    if t == idv:
        return True
    if len(t) == 15 and t == idv[:6] + idv[8:17]:
        return True
    return False


# ---------------------------------------------------------------------------------------------
# The config, as a clerk fills what `kaoping init` wrote


def clerk_manual(m):
    r = m.rng
    manual = {}
    for leaf, allowed in MANUAL_ALLOWED.items():
        if m.profile == "threshold":
            manual[leaf] = allowed[0] if r.random() < 0.8 else allowed[1]
        else:
            manual[leaf] = r.choice(allowed[:-1] if len(allowed) > 1 else allowed)
    return manual


def place_input(value, relpath):
    """Keep init's path when the file is where it points (a path or a glob); else the file's own path."""
    if isinstance(value, list):
        return value if any(fnmatch.fnmatch(relpath, v) for v in value if isinstance(v, str)) else [relpath]
    if isinstance(value, str) and (value == relpath or fnmatch.fnmatch(relpath, value)):
        return value
    return relpath


def fill_config(m, out, kaoping, p, population, funds, facts, manual, registry_rel, villages_rel, stations_rel):
    res = subprocess.run([kaoping, "init", out], capture_output=True, text=True)
    cfg_path = os.path.join(out, "config.yaml")
    if res.returncode != 0 or not os.path.exists(cfg_path):
        # an init that will not write into a folder holding files: the clerk runs it in an empty one
        empty = tempfile.mkdtemp(prefix="kaoping-init-")
        try:
            again = subprocess.run([kaoping, "init", empty], capture_output=True, text=True)
            if again.returncode != 0 or not os.path.exists(os.path.join(empty, "config.yaml")):
                raise SystemExit(f"`kaoping init {out}` failed: {res.stdout}{res.stderr}{again.stdout}{again.stderr}")
            shutil.copy(os.path.join(empty, "config.yaml"), cfg_path)
        finally:
            shutil.rmtree(empty, ignore_errors=True)
    with open(cfg_path, encoding="utf-8") as f:
        cfg = yaml.safe_load(f) or {}
    cfg["county"] = m.county
    cfg["cutoff"] = CUTOFF
    pop = cfg.get("population") if isinstance(cfg.get("population"), dict) else {}
    pop["resident"] = population
    cfg["population"] = pop
    fnd = cfg.get("funds") if isinstance(cfg.get("funds"), dict) else {}
    fnd["allocated"] = funds[0]
    fnd["disbursed"] = float(funds[1]) if "." in str(funds[1]) else int(funds[1])
    cfg["funds"] = fnd
    inputs = cfg.get("inputs") if isinstance(cfg.get("inputs"), dict) else {}
    inputs["villages"] = place_input(inputs.get("villages"), villages_rel)
    inputs["stations"] = place_input(inputs.get("stations"), stations_rel)
    inputs["poor_registry"] = place_input(inputs.get("poor_registry"), registry_rel)
    if "signins" not in inputs:
        inputs["signins"] = ["data/signins/*.xlsx"]
    cfg["inputs"] = inputs
    fc = cfg.get("facts") if isinstance(cfg.get("facts"), dict) else {}
    fc.update(facts)
    cfg["facts"] = fc
    man = cfg.get("manual") if isinstance(cfg.get("manual"), dict) else {}
    man.update(manual)
    for v in VETO:
        man[v] = False
    cfg["manual"] = man
    with open(cfg_path, "w", encoding="utf-8") as f:
        f.write(f"# {m.county}：由 kaoping init 生成，按本县材料填写。\n")
        yaml.safe_dump(cfg, f, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    return cfg


def signin_target_folder(out, kaoping_cfg_signins):
    """The folder where init's sign-in entry looks (data/signins by default): a glob's fixed
    folders, a file's folder, or a folder named as such."""
    first = kaoping_cfg_signins[0] if isinstance(kaoping_cfg_signins, list) and kaoping_cfg_signins else kaoping_cfg_signins
    if not isinstance(first, str) or not first.strip():
        return os.path.join(out, "data", "signins")
    parts = first.strip().split("/")
    fixed = []
    for part in parts:
        if any(ch in part for ch in "*?["):
            break
        fixed.append(part)
    if len(fixed) == len(parts) and os.path.splitext(parts[-1])[1]:
        fixed = fixed[:-1]                                   # a file: its folder
    return os.path.join(out, *fixed) if fixed else out


def find_kaoping():
    env = os.environ.get("KAOPING_BINARY")
    if env:
        return env
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.join(root, ".build", "debug", "kaoping")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="the county folder to make (must not exist, or be empty)")
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--profile", choices=("threshold", "random", "large"), default="threshold")
    ap.add_argument("--kaoping", default=None, help="the kaoping binary whose `init` writes the config")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        raise SystemExit(f"{out} is not empty")
    os.makedirs(out, exist_ok=True)
    kaoping = args.kaoping or find_kaoping()

    m = Model(args.seed, args.profile)
    p = plan(m)
    make_places(m, p)
    make_stations(m, p)
    make_registry(m, p)
    make_sessions(m, p)
    make_attendance(m, p)

    # init first: where it says the files go is where the clerk puts them
    probe = tempfile.mkdtemp(prefix="kaoping-init-")
    try:
        subprocess.run([kaoping, "init", probe], capture_output=True, text=True, check=True)
        with open(os.path.join(probe, "config.yaml"), encoding="utf-8") as f:
            init_cfg = yaml.safe_load(f) or {}
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    init_inputs = init_cfg.get("inputs") or {}
    signin_dir = signin_target_folder(out, init_inputs.get("signins"))
    data = os.path.join(out, "data")
    os.makedirs(data, exist_ok=True)

    work = tempfile.mkdtemp(prefix="acceptance-county-")
    try:
        files = write_signins(m, signin_dir, work)
        villages_rel, stations_rel, registry_rel = "data/villages.xlsx", "data/stations.xlsx", "data/poor.xls"
        write_villages(m, os.path.join(out, villages_rel))
        write_stations(m, os.path.join(out, stations_rel))
        write_registry(m, os.path.join(out, registry_rel), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    person_times = len({(id(x), s["sid"]) for x, s in m.attend})
    population = person_times * 100 if p["population"] == "exact 1%" else p["population"]
    allocated = p["allocated"]
    disbursed = Fraction(allocated) * p["fund_rate"]
    disbursed = f"{float(disbursed):.2f}" if disbursed.denominator != 1 else str(int(disbursed))
    admin = len(m.villages)
    facts = {
        "center_opened": p["center_opened"],
        "park_enterprises": p["park"][0],
        "park_enterprise_types": p["park"][1],
        "logistics_villages": admin if p["logistics"] == "all" else admin - m.rng.randint(1, 5),
        "online_retail": {"previous": p["retail"][0], "current": p["retail"][1]},
        "media": p["media"],
    }
    manual = clerk_manual(m)
    fill_config(m, out, kaoping, p, population, (allocated, disbursed), facts, manual, registry_rel, villages_rel, stations_rel)
    t = truth(m, p, manual, facts, population, (allocated, disbursed))
    t["files"] = {"signins": [os.path.relpath(os.path.join(signin_dir, f), out) for f in files],
                  "villages": villages_rel, "stations": stations_rel, "poor_registry": registry_rel}
    with open(os.path.join(out, "truth-persons.json"), "w", encoding="utf-8") as f:
        json.dump(persons_detail(m), f, ensure_ascii=False, indent=0)
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(t, f, ensure_ascii=False, indent=1, default=str)
        f.write("\n")
    print(json.dumps({"county": t["county"], "total": t["total"], "metrics": t["metrics"], "people": t["people"]},
                     ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
