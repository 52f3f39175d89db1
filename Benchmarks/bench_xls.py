"""`make bench`, legacy .xls: `kaoping convert big.xls out.csv` beside python-calamine
iterating the rows of the same file.

usage: bench_xls.py KAOPING_BINARY [ROWS]   (ROWS defaults to 65 000, near the .xls limit)
The file is a sign-in sheet (index, name, gender, ID number as text, phone, date, village,
score, note, attended) saved as .xls by LibreOffice from an XlsxWriter workbook, cached in
.build-bench/xls-ROWS/. Each reader runs in its own process: its peak memory is its own. CPU time is shown beside
wall time because a shared machine's load makes wall time alone noisy.
"""
import os, resource, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚"
VILLAGES = ["长来镇", "坪石镇", "北乡镇", "九峰镇", "廊田镇", "两江镇", "黄圃镇", "秀水镇"]


def make(rows, out):
    import datetime as dt
    import xlsxwriter
    staging = tempfile.mkdtemp(prefix="bench-xls-")
    source = os.path.join(staging, "signins.xlsx")
    wb = xlsxwriter.Workbook(source, {"constant_memory": True})
    ws = wb.add_worksheet("签到表")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["序号", "姓名", "性别", "身份证号", "联系电话", "培训日期", "村委会", "得分", "备注", "到场"])
    for i in range(1, rows):
        ws.write_number(i, 0, i)
        ws.write_string(i, 1, SURNAMES[i % len(SURNAMES)] + GIVEN[i * 7 % len(GIVEN)] + GIVEN[i * 13 % len(GIVEN)])
        ws.write_string(i, 2, "男" if i % 2 else "女")
        ws.write_string(i, 3, f"440281{1950 + i % 50}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}{i % 10}")
        ws.write_number(i, 4, 13800000000 + i)
        ws.write_datetime(i, 5, dt.datetime(2021, 1, 1) + dt.timedelta(days=i % 365), date)
        ws.write_string(i, 6, VILLAGES[i % len(VILLAGES)] + f"{i % 40}村")
        ws.write_number(i, 7, (i * 37 % 1000) / 10)
        ws.write_string(i, 8, "电商培训" if i % 3 else "种养技术培训")
        ws.write_boolean(i, 9, i % 5 != 0)
    wb.close()
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "xls",
                    "--outdir", staging, source], check=True, capture_output=True, timeout=900)
    os.makedirs(out, exist_ok=True)
    shutil.move(os.path.join(staging, "signins.xls"), os.path.join(out, "signins.xls"))
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)


CALAMINE = """
import resource, time
from python_calamine import CalamineWorkbook
cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
t0, c0 = time.perf_counter(), cpu()
rows = 0
for row in CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).iter_rows():
    rows += 1
print(rows, time.perf_counter() - t0, cpu() - c0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def calamine(path):
    out = subprocess.run([sys.executable, "-c", f"PATH = {path!r}\n" + CALAMINE], check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2]), float(out[3])


def kaoping(binary, path, csv):
    """Wall time, CPU time and peak RSS of one `kaoping convert` process (wait4's rusage)."""
    t0 = time.perf_counter()
    process = subprocess.Popen([binary, "convert", path, csv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - t0
    if status != 0:
        sys.exit(f"kaoping convert failed: {process.stderr.read().decode()}")
    with open(csv, encoding="utf-8") as f:
        rows = sum(1 for _ in f)
    return rows, seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 65000
    out = os.path.join(ROOT, ".build-bench", f"xls-{rows}")
    path = os.path.join(out, "signins.xls")
    if not os.path.exists(path):
        print(f"generating {rows} rows (XlsxWriter, saved as .xls by LibreOffice; cached in {out}) ...", flush=True)
        make(rows, out)
    size = os.path.getsize(path) / 1e6
    print(f".xls, {rows} rows x 10 columns ({size:.1f} MB), best of 3:")
    csv = os.path.join(out, "out.csv")
    ours = min((kaoping(binary, path, csv) for _ in range(3)), key=lambda r: r[1])
    peer = min((calamine(path) for _ in range(3)), key=lambda r: r[1])
    for name, r in (("kaoping convert .xls -> .csv", ours), ("python-calamine iter_rows", peer)):
        print(f"  {name:32} {r[1]:6.2f} s wall  {r[2]:6.2f} s CPU  {r[3]:7.1f} MB peak  {r[0]} rows")
    print(f"  kaoping: {peer[1] / ours[1]:.1f}x python-calamine's speed (wall), {peer[2] / ours[2]:.1f}x (CPU)")


if __name__ == "__main__":
    main()
