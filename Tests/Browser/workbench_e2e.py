#!/usr/bin/env python3
"""End-to-end test of the workbench page in a real browser (Debian's headless Chromium driven
by selenium): a clerk's whole path for the bundled 乐昌市 example, from an empty workspaces
folder to the filled workbook, through the page only.

    python3 Tests/Browser/workbench_e2e.py [KAOPING_BINARY]
    python3 Tests/Browser/workbench_e2e.py [KAOPING_BINARY] --screenshots docs/

Prints one line per step and then "N passed, N failed"; exits 1 when a step failed. With
--screenshots it also saves a picture of each step (the pictures the README shows).
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

import openpyxl
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kaoping_server import ROOT, KaopingServer, default_binary  # noqa: E402

EXAMPLE = os.path.join(ROOT, "examples", "lechang")
EXPECTED_TOTAL = 89
FULL_ID = re.compile(r"\b\d{17}[\dXx]\b")


def load_config():
    """The figures the clerk types, read from the example's config.yaml (simple YAML subset)."""
    try:
        import yaml  # PyYAML, when present
        with open(os.path.join(EXAMPLE, "config.yaml"), encoding="utf-8") as f:
            return yaml.safe_load(f)
    except ImportError:
        pass
    # Without PyYAML: the example's config is flat enough to read line by line.
    config = {"facts": {}, "manual": {}, "aliases": {}}
    section = None
    with open(os.path.join(EXAMPLE, "config.yaml"), encoding="utf-8") as f:
        for raw in f:
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            indented = line.startswith(" ")
            key, _, value = line.strip().partition(":")
            key = key.strip().strip('"')
            value = value.strip()
            if not indented:
                section = key
                if value:
                    config[key] = parse_scalar(value)
                continue
            if section in ("facts", "manual", "aliases"):
                config[section][key] = parse_scalar(value)
    return config


def parse_scalar(text):
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        out = {}
        for part in text[1:-1].split(","):
            k, _, v = part.partition(":")
            out[k.strip()] = parse_scalar(v)
        return out
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text.strip('"')


def make_driver(download_dir, width=1360, height=900):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=zh-CN", "--force-device-scale-factor=1",
                "--hide-scrollbars"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {
        "download.default_directory": download_dir,
        "download.prompt_for_download": False,
        "intl.accept_languages": "zh-CN,zh",
    })
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": download_dir})
    return driver


class Flow:
    """The clerk's path, one method per step; `shot(name)` saves a picture when asked to."""

    def __init__(self, driver, server, downloads, shots_dir=None):
        self.d = driver
        self.server = server
        self.downloads = downloads
        self.shots_dir = shots_dir
        self.config = load_config()
        self.workspace = None
        self.wait = WebDriverWait(driver, 30)

    # -- helpers ---------------------------------------------------------

    def until(self, condition, timeout=30, message=""):
        return WebDriverWait(self.d, timeout, poll_frequency=0.2).until(condition, message)

    def css(self, selector):
        return self.d.find_element(By.CSS_SELECTOR, selector)

    def all(self, selector):
        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def visible_text(self, selector):
        return self.css(selector).text

    def set_value(self, element, value):
        """Sets an input the way typing would (date inputs do not take keys the same way in every locale)."""
        self.d.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, value)

    def type_into(self, selector, text):
        el = self.css(selector)
        el.clear()
        el.send_keys(str(text))
        return el

    def no_alert(self):
        alerts = [a for a in self.all("#alert") if a.is_displayed()]
        assert not alerts, "the page shows an error: " + alerts[0].text

    def open_step(self, step):
        self.d.get(f"{self.server.url}/#/w/{self.workspace}/{step}")
        self.until(lambda d: d.execute_script(
            "const v = document.querySelector('.step-view'); return v && v.dataset.step === arguments[0];", step),
            message=f"step {step} did not open")

    def shot(self, name, max_height=2400):
        if not self.shots_dir:
            return
        # Whole page: grow the window to the document's height, then restore it.
        height = self.d.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        self.d.set_window_size(1360, min(max(height + 20, 900), max_height))
        self.d.execute_script("window.scrollTo(0, 0); document.getElementById('toast').hidden = true;")
        time.sleep(0.5)
        path = os.path.join(self.shots_dir, f"workbench-{name}.png")
        self.d.save_screenshot(path)
        self.d.set_window_size(1360, 900)
        print(f"    screenshot {os.path.relpath(path, ROOT)}")

    def api(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", "Origin": self.server.url})
        with urllib.request.urlopen(req, timeout=60) as r:
            text = r.read().decode()
            return json.loads(text) if text else None

    def wait_download(self, pattern, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            done = [p for p in glob.glob(os.path.join(self.downloads, pattern)) if not p.endswith(".crdownload")]
            partial = glob.glob(os.path.join(self.downloads, "*.crdownload"))
            if done and not partial:
                return done[0]
            time.sleep(0.3)
        raise AssertionError(f"no download matching {pattern} in {self.downloads}: {os.listdir(self.downloads)}")

    # -- step 1 ----------------------------------------------------------

    def step1_create(self):
        if self.shots_dir:
            # A second county already in the list, as a clerk coming back would see it.
            self.api("POST", "/api/workspaces", {"county": "清新区", "template": "guangdong-2019", "cutoff": "2021-08-31"})
        self.d.get(self.server.url + "/")
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#new-template option"), message="templates did not load")
        self.no_alert()
        options = [o.get_attribute("value") for o in self.all("#new-template option")]
        assert "guangdong-2019" in options, f"template list: {options}"
        self.type_into("#new-county", self.config["county"])
        Select(self.css("#new-template")).select_by_value(self.config["template"])
        self.set_value(self.css("#new-cutoff"), str(self.config["cutoff"]))
        self.shot("1-new")
        self.css("#create-workspace").click()
        self.until(lambda d: "/files" in d.current_url, message="did not move to the upload step")
        self.workspace = re.search(r"#/w/([^/]+)/files", self.d.current_url).group(1)
        assert len(self.workspace) >= 16, f"workspace id looks guessable: {self.workspace}"
        config_path = os.path.join(self.server.workspaces, self.workspace, "config.yaml")
        assert os.path.exists(config_path), f"no config.yaml in the workspace folder ({config_path})"
        listed = self.api("GET", "/api/workspaces")
        assert any(w["id"] == self.workspace and w["county"] == "乐昌市" for w in listed), listed
        # A config edited by hand that the command line refuses: the page shows the same Chinese
        # message the command line prints, in a second workspace.
        other = self.api("POST", "/api/workspaces", {"county": "测试县", "template": "guangdong-2019", "cutoff": "2021-08-31"})["id"]
        other_config = os.path.join(self.server.workspaces, other, "config.yaml")
        with open(other_config, "a", encoding="utf-8") as f:
            f.write('\nmanual: {"1.1": 7}\n')
        self.d.get(f"{self.server.url}/#/w/{other}/result")
        self.until(lambda d: d.find_elements(By.ID, "evaluate"))
        self.css("#evaluate").click()
        self.until(lambda d: d.find_elements(By.ID, "eval-error"), timeout=120, message="no failure shown")
        shown = self.visible_text("#eval-error pre").strip()
        cli = subprocess.run([self.server.binary, "evaluate", other_config], capture_output=True, timeout=120)
        assert cli.returncode == 1, f"the command line accepted 1.1 = 7 (exit {cli.returncode})"
        first = shown.splitlines()[0].strip()
        assert re.search(r"[\u4e00-\u9fff]", first), f"not a Chinese message: {shown}"
        assert first in cli.stderr.decode("utf-8", "replace"), f"page: {shown!r}; command line: {cli.stderr.decode()!r}"
        self.open_step("files")

    # -- step 2 ----------------------------------------------------------

    def step2_upload(self):
        self.until(lambda d: d.find_elements(By.ID, "upload-folder"))
        # A whole folder, as <input webkitdirectory> gives it.
        self.css("#upload-folder").send_keys(EXAMPLE)
        self.until(lambda d: d.find_element(By.ID, "upload-status").text.startswith("上传完成"), timeout=180,
                   message="upload did not finish")
        status = self.visible_text("#upload-status")
        assert "失败" not in status, status
        local = sorted(os.path.relpath(p, os.path.dirname(EXAMPLE)).replace(os.sep, "/")
                       for p in glob.glob(os.path.join(EXAMPLE, "**", "*"), recursive=True) if os.path.isfile(p))
        self.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#files-table tbody tr")) == len(local),
                   message="file table incomplete")
        rows = {r.get_attribute("data-path"): r.get_attribute("data-class") for r in self.all("#files-table tbody tr")}
        assert sorted(rows) == local, f"uploaded {sorted(rows)} != folder {local}"
        expected = {}
        for path in local:
            if "/signins/" in path:
                expected[path] = "signins"
            elif path.endswith("villages.xlsx"):
                expected[path] = "villages"
            elif path.endswith("stations.xlsx"):
                expected[path] = "stations"
            elif path.endswith("poor.xlsx"):
                expected[path] = "poor_registry"
            else:
                expected[path] = "not_data"
        wrong = {p: (rows[p], c) for p, c in expected.items() if rows[p] != c}
        assert not wrong, f"classified wrongly (got, expected): {wrong}"
        # Each file shows why it got its class.
        reasons = [r.text for r in self.all("#files-table tbody td.reason")]
        assert all(reasons), "a file has no reason shown"
        signins = sum(1 for c in expected.values() if c == "signins")
        summary = self.visible_text("#file-summary")
        assert f"签到表 {signins} 个" in summary, summary
        self.no_alert()
        self.shot("2-files", max_height=1500)

    # -- step 3 ----------------------------------------------------------

    def step3_sheets(self):
        self.open_step("sheets")
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".sheet-card"), message="no sheet shown")
        # A sign-in sheet with a title row above its header: the header row is marked, 姓名 recognised.
        target = next(b for b in self.all(".file-nav-item") if "乐昌市电商培训签到表（2020年8月）" in b.text)
        target.click()
        self.until(lambda d: "2020年8月" in d.find_element(By.CSS_SELECTOR, "#sheet-detail h2").text)
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".sheet-card .columns-table"))
        card = self.css(".sheet-card")
        roles = [Select(s).first_selected_option.text for s in card.find_elements(By.CSS_SELECTOR, ".role-select")]
        assert "姓名" in roles and "身份证号" in roles, f"recognised roles: {roles}"
        header = card.find_elements(By.CSS_SELECTOR, ".preview-table tr.header-row")
        assert 1 <= len(header) <= 2, "the header row (or the two rows of a two-row header) is not marked in the preview"
        preview = card.find_element(By.CSS_SELECTOR, ".preview-table").text
        assert not FULL_ID.search(preview), "a whole ID number is shown in the preview"
        self.no_alert()
        self.shot("3-sheets", max_height=1800)
        # Each decision is saved into the config: skip the first sheet, then take it back.
        sheet = self.css(".sheet-card").get_attribute("data-sheet")
        config_path = os.path.join(self.server.workspaces, self.workspace, "config.yaml")
        self.css(".sheet-card .skip-checkbox").click()
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'.sheet-card.skipped[data-sheet="{sheet}"]'),
                   message="the skipped sheet is not shown as skipped")
        config = open(config_path, encoding="utf-8").read()
        assert "sheets:" in config and sheet in config, "skipping a sheet was not saved into config.yaml"
        self.css(f'.sheet-card[data-sheet="{sheet}"] .skip-checkbox').click()
        self.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f'.sheet-card.skipped[data-sheet="{sheet}"]')
                   and d.find_elements(By.CSS_SELECTOR, f'.sheet-card[data-sheet="{sheet}"] .columns-table'),
                   message="the sheet did not come back")
        self.no_alert()

    # -- step 4 ----------------------------------------------------------

    def step4_form(self):
        c = self.config
        self.open_step("form")
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#manual-table tbody tr"), message="form did not load")
        self.type_into('[data-field="population"]', c["population"]["resident"])
        self.type_into('[data-field="funds.allocated"]', c["funds"]["allocated"])
        self.type_into('[data-field="funds.disbursed"]', "4167785.00")
        facts = c["facts"]
        for key, value in facts.items():
            if isinstance(value, dict):
                for part, v in value.items():
                    self.type_into(f'[data-field="facts.{key}.{part}"]', v)
            elif re.match(r"^\d{4}-\d{2}-\d{2}$", str(value)):
                self.set_value(self.css(f'[data-field="facts.{key}"]'), str(value))
            else:
                self.type_into(f'[data-field="facts.{key}"]', value)
        # Checked as typed, by the server's rules, next to the field: a population typed in 万人.
        self.type_into('[data-field="population"]', 42)
        self.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-error-for="population"]').text.strip(),
                   message="no error shown for a population of 42")
        assert "人" in self.css('[data-error-for="population"]').text
        self.type_into('[data-field="population"]', c["population"]["resident"])
        self.until(lambda d: not d.find_element(By.CSS_SELECTOR, '[data-error-for="population"]').text.strip(),
                   message="the population error stayed after the fix")
        for item, value in c["manual"].items():
            rows = self.all(f'#manual-table tr[data-item="{item}"]')
            if not rows and value is False:
                continue  # a veto the template decides from a metric (V.2): "not triggered" is its default
            assert rows, f"manual item {item} is not offered on the form"
            row = rows[0]
            allowed = [r.get_attribute("value") for r in row.find_elements(By.CSS_SELECTOR, "input[type=radio]")]
            wanted = json.dumps(value)
            assert wanted in allowed, f"{item}: {wanted} not among the offered values {allowed}"
            row.find_element(By.CSS_SELECTOR, f"input[type=radio][value='{wanted}']").click()
        # A renamed village (the station list keeps the old name), when the form offers it.
        for town, renames in (c.get("aliases") or {}).items():
            for old, new in renames.items():
                if self.all("#alias-add"):
                    self.css("#alias-add").click()
                    row = self.all("#aliases-table tbody tr")[-1]
                    for cls, text in (("alias-town", town), ("alias-from", old), ("alias-to", new)):
                        el = row.find_element(By.CSS_SELECTOR, "." + cls)
                        el.clear()
                        el.send_keys(text)
        self.until(lambda d: d.find_element(By.ID, "form-status").text.startswith("已保存"), timeout=30,
                   message="the form was not saved")
        self.no_alert()
        self.shot("4-form")
        saved = self.api("GET", f"/api/workspaces/{self.workspace}/form")
        assert saved["population"] == 420000, saved["population"]
        manual = {m["id"]: m["value"] for m in saved["manual"]}
        assert manual.get("5.2") == 4 and manual.get("V.1") is False, manual

    # -- step 5 ----------------------------------------------------------

    def evaluate(self):
        self.open_step("result")
        button = self.css("#evaluate")
        before = self.d.execute_script("return window.performance.now()")
        button.click()
        # The page stays usable while it runs: the progress bar shows, the button waits.
        self.until(lambda d: not d.find_element(By.ID, "evaluate").is_enabled()
                   or d.find_elements(By.ID, "total-score"), timeout=10)
        self.until(lambda d: d.find_element(By.ID, "evaluate").is_enabled(), timeout=600, message="evaluation did not finish")
        assert self.d.execute_script("return window.performance.now()") > before
        self.no_alert()
        self.until(lambda d: d.find_elements(By.ID, "total-score"), message="no total shown")
        return self.visible_text("#total-score")

    def step5_result(self):
        total = self.evaluate()
        assert total == str(EXPECTED_TOTAL), f"total on the page: {total}"
        rows = {r.get_attribute("data-item"): r for r in self.all("#score-table tbody tr")}
        assert {"1.1", "2.1.k", "2.3.a", "5.3", "V.3"} <= set(rows), sorted(rows)
        assert "临界" in rows["2.1.k"].text, rows["2.1.k"].text
        assert "计算" in rows["2.3.a"].text and "人工" in rows["1.1"].text
        metrics = self.visible_text("#metrics-table")
        assert "4,385" in metrics or "4385" in metrics, "training person-times missing from the metrics"
        # Data problems: filter by severity, show one row masked.
        findings = self.all("#findings-table tbody tr")
        assert findings, "no data problems listed"
        Select(self.css("#finding-severity")).select_by_value("error")
        rows = self.all("#findings-table tbody tr")
        assert rows and all("错误" in r.find_element(By.CSS_SELECTOR, ".sev").text for r in rows)
        show = next((b for b in self.all("#findings-table .show-row")), None)
        assert show is not None, "no finding offers its row"
        show.click()
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#findings-table .row-detail"))
        detail = self.css("#findings-table .row-detail").text
        assert not FULL_ID.search(detail), "a whole ID number is shown in a finding's row"
        Select(self.css("#finding-severity")).select_by_value("")
        self.shot("5-result")
        # The workspace is a folder the command line reads as it is: same total.
        config = os.path.join(self.server.workspaces, self.workspace, "config.yaml")
        out = subprocess.run([self.server.binary, "evaluate", config, "--json", "-"], capture_output=True, timeout=600)
        assert out.returncode == 0, out.stderr.decode()[-2000:]
        assert json.loads(out.stdout)["total"] == EXPECTED_TOTAL

    # -- step 7 (downloads; checked before the review changes anything) ---

    def step7_download(self):
        self.open_step("download")
        self.css("#download-workbook").click()
        path = self.wait_download("*自评表.xlsx")
        wb = openpyxl.load_workbook(path, data_only=True)
        index = wb[wb.sheetnames[0]]
        totals = [r for r in index.iter_rows(values_only=True) if any(isinstance(v, str) and "合计" in v for v in r)]
        assert any(EXPECTED_TOTAL in r for r in totals), f"合计 rows: {totals}"
        assert "学员名单" in wb.sheetnames, wb.sheetnames
        ids = [v for row in wb["学员名单"].iter_rows(values_only=True) for v in row if isinstance(v, str) and FULL_ID.fullmatch(v)]
        assert ids, "the full workbook should keep whole ID numbers"
        self.css("#download-masked").click()
        masked = self.wait_download("*公开版.xlsx")
        mwb = openpyxl.load_workbook(masked, data_only=True)
        leaked = [v for ws in mwb.worksheets for row in ws.iter_rows(values_only=True) for v in row
                  if isinstance(v, str) and FULL_ID.search(v)]
        assert not leaked, f"the 公开版 shows whole ID numbers: {leaked[:3]}"
        self.css("#download-json").click()
        result = json.load(open(self.wait_download("*.json"), encoding="utf-8"))
        assert result["total"] == EXPECTED_TOTAL and result["county"] == "乐昌市", result.get("total")
        self.shot("7-download")

    # -- step 6 ----------------------------------------------------------

    def review_fixture(self):
        """A sign-in sheet made now: a trainee of the example, same name and village, written
        without ID or phone, so that no rule can tell whether it is the same person (R3)."""
        source = os.path.join(EXAMPLE, "data", "signins", "签到表_20200926.csv")
        raw = open(source, "rb").read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        rows = [line.split(",") for line in text.splitlines()]
        header = next(i for i, r in enumerate(rows) if "姓名" in r)
        cols = rows[header]
        person = rows[header + 1]
        name, town, village = (person[cols.index(k)] for k in ("姓名", "镇", "村"))
        # Also a trainee's ID written for another name (R6) and one phone under three names (R7).
        other = next(r for r in rows[header + 2:] if len(r) == len(cols) and len(r[cols.index("身份证号")].strip()) == 18
                     and r[cols.index("姓名")] != name)
        folder = tempfile.mkdtemp(prefix="kaoping-review-")
        path = os.path.join(folder, "签到表_20210310.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("乐昌市电子商务进农村培训签到表,,,,,,\n")
            f.write(f"培训时间：2021年3月10日,,,培训地点：{town}电商服务站,,,\n")
            f.write("序号,姓名,性别,身份证号,联系电话,镇,村\n")
            f.write(f"1,{name},,,,{town},{village}\n")
            f.write(f"2,欧阳小明,,{other[cols.index('身份证号')].strip()},,{town},{village}\n")
            for n, shared in enumerate(("邓一鸣", "邓二鸣", "邓三鸣")):
                f.write(f"{n + 3},{shared},,,13700001234,{town},{village}\n")
        return path, name

    def step6_review(self):
        # One more sign-in sheet, uploaded through the page, brings a record to review.
        path, name = self.review_fixture()
        self.open_step("files")
        self.css("#upload-files").send_keys(path)
        self.until(lambda d: d.find_element(By.ID, "upload-status").text.startswith("上传完成"), timeout=60)
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#files-table tr[data-path="签到表_20210310.csv"][data-class="signins"]'),
                   message="the extra sign-in sheet was not classified as 签到表")
        self.evaluate()
        self.open_step("review")
        Select(self.css("#review-filter")).select_by_value("all")
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".review-card") or "没有需要核查" in d.find_element(By.ID, "review-list").text)
        cards = [c for c in self.all(".review-card") if name in c.text and "同名同村" in c.text]
        assert cards, f"no record of {name} to review"
        card = cards[0]
        key = card.get_attribute("data-key")
        assert not FULL_ID.search(card.text), "a whole ID number is shown on the review list"
        kinds = {c.find_element(By.CSS_SELECTOR, ".chip").text for c in self.all(".review-card")}
        assert {"一个身份证号对应多个姓名", "多个姓名共用一个电话"} <= kinds, kinds
        self.shot("6-review")
        card.find_element(By.CSS_SELECTOR, ".decide-same").click()
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'.review-card[data-key="{key}"] .decision-same'),
                   message="the decision was not shown")
        # The ID written for 欧阳小明 is not his: 不是同一人.
        id_card = next(c for c in self.all(".review-card") if "一个身份证号对应多个姓名" in c.text)
        id_key = id_card.get_attribute("data-key")
        id_card.find_element(By.CSS_SELECTOR, ".decide-different").click()
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, f'.review-card[data-key="{id_key}"] .decision-different'),
                   message="the decision on the ID was not shown")
        folder = os.path.join(self.server.workspaces, self.workspace)
        decisions = open(os.path.join(folder, "decisions.yaml"), encoding="utf-8").read()
        assert key in decisions and "same" in decisions, decisions
        assert f"{id_key}: different" in decisions, decisions
        assert "decisions:" in open(os.path.join(folder, "config.yaml"), encoding="utf-8").read()
        # The next evaluation uses it: the workbook says the link was confirmed by a person.
        self.evaluate()
        listed = {r["key"]: r for r in self.api("GET", f"/api/workspaces/{self.workspace}/review")}
        assert listed.get(key, {}).get("decision") == "same", listed.get(key)
        for p in glob.glob(os.path.join(self.downloads, "*")):
            os.remove(p)
        self.open_step("download")
        self.css("#download-workbook").click()
        wb = openpyxl.load_workbook(self.wait_download("*自评表.xlsx"), data_only=True)
        confirmed = [row for row in wb["待核查"].iter_rows(values_only=True)
                     if any(isinstance(v, str) and "已人工确认为同一人" in v and key in v for v in row)]
        assert confirmed, "the workbook does not say which link a person confirmed"
        assert any(name in row for row in confirmed), confirmed
        wrong = [row for row in wb["待核查"].iter_rows(values_only=True)
                 if any(isinstance(v, str) and "此行身份证号填错" in v and id_key in v for v in row)]
        assert wrong and all("欧阳小明" in row for row in wrong), wrong
        fixes = [row for row in wb["数据问题"].iter_rows(values_only=True)
                 if any(isinstance(v, str) and "欧阳小明" in v and "请在源表中改正" in v for v in row)]
        assert len(fixes) == 1, fixes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default=None)
    parser.add_argument("--screenshots", metavar="DIR", help="save a picture of each step into DIR")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary) if args.binary else default_binary()
    shots = os.path.abspath(args.screenshots) if args.screenshots else None
    if shots:
        os.makedirs(shots, exist_ok=True)

    passed, failed = 0, 0
    downloads = tempfile.mkdtemp(prefix="kaoping-downloads-")
    with KaopingServer(binary) as server:
        driver = make_driver(downloads)
        flow = Flow(driver, server, downloads, shots)
        steps = [
            ("1 新建考评: creates a workspace", flow.step1_create),
            ("2 上传材料: uploads the 乐昌市 folder, every file classified", flow.step2_upload),
            ("3 核对表头: columns and the header row of a sheet", flow.step3_sheets),
            ("4 县情数据: county figures and manual scores through the form", flow.step4_form),
            (f"5 计算结果: evaluates and shows {EXPECTED_TOTAL}", flow.step5_result),
            ("7 下载: workbook, 公开版 and JSON checked with openpyxl", flow.step7_download),
            ("6 待核查: a decision is kept and used by the next evaluation", flow.step6_review),
        ]
        broken = None
        try:
            for name, step in steps:
                if broken:
                    print(f"FAIL  {name} (not run: step '{broken}' failed)")
                    failed += 1
                    continue
                started = time.time()
                try:
                    step()
                    print(f"ok    {name} ({time.time() - started:.1f} s)")
                    passed += 1
                except (AssertionError, TimeoutException, Exception) as error:  # noqa: B014
                    failed += 1
                    broken = name
                    print(f"FAIL  {name}\n      {type(error).__name__}: {error}")
                    traceback.print_exc(limit=3)
                    shot = os.path.join(tempfile.gettempdir(), "kaoping-e2e-failure.png")
                    try:
                        driver.save_screenshot(shot)
                        print(f"      page at failure: {shot}; url {driver.current_url}")
                        for entry in driver.get_log("browser")[-10:]:
                            print("      console:", entry.get("message"))
                    except Exception:  # noqa: BLE001
                        pass
                    print("      server log:\n" + server.output()[-1500:])
        finally:
            driver.quit()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
