"""`make bench`: the commands users run, as whole processes, beside their peers in one run.

usage: bench.py KAOPING_BINARY [ROWS]   (ROWS defaults to 1 000 000; BENCH_ROWS in make)

- `kaoping convert` of a ROWS x 10 sign-in XLSX to CSV, shared strings and inline strings,
  beside fastexcel (calamine to Arrow), polars read_excel + write_csv, python-calamine
  iterating the rows, and `unzip -p` of the sheet (the inflate floor);
- `kaoping convert` CSV -> CSV beside polars read_csv + write_csv and pandas;
- `kaoping convert` of a 65 000-row legacy .xls (Benchmarks/bench_xls.py makes it) beside
  python-calamine iterating its rows;
- `kaoping evaluate` on the province-sized county (Benchmarks/make_roster_data.py: 500 000
  sign-ins in 100 workbooks, a 100 000-person registry) beside python-calamine merely reading
  the same files.
Each command runs in its own process; its peak memory is the child's max RSS (wait4).
Data is cached in .build-bench/. BENCH_ONLY=xlsx|xls|csv|evaluate (comma-separated) runs only those parts.
"""
import os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))


def wanted(part):
    return not ONLY or part in ONLY


def run(argv, **kw):
    """Seconds and peak RSS (MiB) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def best(argv, runs=RUNS, **kw):
    results = [run(argv, **kw) for _ in range(runs)]
    return min(r[0] for r in results), max(r[0] for r in results), max(r[1] for r in results)


def python(code):
    return [sys.executable, "-c", code]


def data(rows):
    out = os.path.join(ROOT, ".build-bench", f"data-{rows}")
    if not all(os.path.exists(os.path.join(out, f)) for f in ("signins.xlsx", "signins_inline.xlsx", "signins.csv")):
        print(f"generating {rows:,} rows with XlsxWriter (cached in {out}) ...", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "make_data.py"), out, str(rows)], check=True)
    return out


def line(name, result, extra=""):
    lo, hi, mb = result
    spread = f"{lo:.2f}" if hi - lo < 0.005 else f"{lo:.2f}–{hi:.2f}"
    print(f"{name:<46}{spread:>13}{mb:>10.0f}  {extra}", flush=True)


def header(title):
    print(f"\n{title}\n{'command':<46}{'seconds':>13}{'peak MiB':>10}")


def main():
    kaoping = os.path.abspath(sys.argv[1])
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    out = tempfile.mkdtemp(prefix="kaoping-bench-")
    if wanted("xlsx") or wanted("csv"):
        d = data(rows)
        csv = os.path.join(d, "signins.csv")
    for label, name in (("shared strings", "signins.xlsx"), ("inline strings", "signins_inline.xlsx")) if wanted("xlsx") else ():
        xlsx = os.path.join(d, name)
        header(f"XLSX -> CSV, {rows:,} rows x 10 columns, {label} ({os.path.getsize(xlsx) / 2**20:.1f} MiB)")
        floor = best(["sh", "-c", f"unzip -p '{xlsx}' xl/worksheets/sheet1.xml xl/sharedStrings.xml > /dev/null 2>&1; true"])
        line("unzip -p of the sheet (inflate floor)", floor)
        ours = best([kaoping, "convert", xlsx, os.path.join(out, "k.csv")])
        line("kaoping convert", ours)
        fast = best(python(f"import fastexcel; fastexcel.read_excel({xlsx!r}).load_sheet(0).to_polars()"), runs=1)
        line("fastexcel load_sheet (calamine -> Arrow)", fast)
        pol = best(python(f"import polars; polars.read_excel({xlsx!r}, engine='calamine').write_csv({os.path.join(out, 'p.csv')!r})"), runs=1)
        line("polars read_excel + write_csv", pol)
        cal = best(python("from python_calamine import CalamineWorkbook\n"
                          f"for r in CalamineWorkbook.from_path({xlsx!r}).get_sheet_by_index(0).iter_rows(): pass"), runs=1)
        line("python-calamine iter_rows", cal)
        print(f"kaoping convert: {fast[0] / ours[0]:.2f}x fastexcel's speed, {cal[0] / ours[0]:.2f}x python-calamine's, "
              f"{ours[0] / floor[0]:.1f}x the inflate floor")

    if wanted("xls"):
        sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
        import bench_xls
        xls_rows = 65_000
        xls_dir = os.path.join(ROOT, ".build-bench", f"xls-{xls_rows}")
        xls = os.path.join(xls_dir, "signins.xls")
        if not os.path.exists(xls):
            print(f"generating {xls_rows:,} rows as .xls (XlsxWriter, then LibreOffice; cached in {xls_dir}) ...", flush=True)
            bench_xls.make(xls_rows, xls_dir)
        header(f".xls -> CSV, {xls_rows:,} rows x 10 columns ({os.path.getsize(xls) / 2**20:.1f} MiB)")
        ours = best([kaoping, "convert", xls, os.path.join(out, "x.csv")])
        line("kaoping convert", ours)
        cal = best(python("from python_calamine import CalamineWorkbook\n"
                          f"for r in CalamineWorkbook.from_path({xls!r}).get_sheet_by_index(0).iter_rows(): pass"))
        line("python-calamine iter_rows", cal)
        print(f"kaoping convert: {cal[0] / ours[0]:.2f}x python-calamine's speed")

    if wanted("csv"):
        csv_part(kaoping, csv, out)
    if wanted("evaluate"):
        evaluate_part(kaoping, out)


def csv_part(kaoping, csv, out):
    header(f"CSV -> CSV, the same rows ({os.path.getsize(csv) / 2**20:.1f} MiB)")
    ours = best([kaoping, "convert", csv, os.path.join(out, "k2.csv")])
    line("kaoping convert", ours)
    pol = best(python(f"import polars; polars.read_csv({csv!r}, infer_schema=False).write_csv({os.path.join(out, 'p2.csv')!r})"), runs=1)
    line("polars read_csv + write_csv (strings)", pol)
    pan = best(python(f"import pandas; pandas.read_csv({csv!r}, dtype=str, keep_default_na=False).to_csv({os.path.join(out, 'pd.csv')!r}, index=False)"), runs=1)
    line("pandas read_csv + to_csv (strings)", pan)
    print(f"kaoping convert: {pol[0] / ours[0]:.2f}x polars' speed, {pan[0] / ours[0]:.2f}x pandas'")


def evaluate_part(kaoping, out):
    roster = os.path.join(ROOT, ".build-bench", "roster")
    if not os.path.exists(os.path.join(roster, "建档立卡.xlsx")):
        print("generating the province-sized county (cached) ...", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "make_roster_data.py"), roster], check=True)
    config = os.path.join(roster, "config.yaml")
    text = ("county: 基准县\ntemplate: guangdong-2019\ncutoff: 2021-08-31\n"
            "population: {resident: 420000}\nfunds: {allocated: 5000000, disbursed: 4000000}\n"
            "inputs:\n  poor_registry: 建档立卡.xlsx\n  signins: [签到表_*.xlsx]\n")
    # Written only when it differs: the data folder may be shared by several checkouts.
    if not os.path.exists(config) or open(config, encoding="utf-8").read() != text:
        with open(config, "w", encoding="utf-8") as f:
            f.write(text)
    files = sorted(os.path.join(roster, f) for f in os.listdir(roster) if f.endswith(".xlsx"))
    header(f"Province-sized county: {len(files) - 1} sign-in workbooks (500 000 sign-ins) and a 100 000-person registry")
    ours_argv = [kaoping, "evaluate", config, "-o", os.path.join(out, "自评表.xlsx")]
    cal_argv = python("import sys\nfrom python_calamine import CalamineWorkbook\n"
                      f"for p in {files!r}:\n  wb = CalamineWorkbook.from_path(p)\n"
                      "  for n in wb.sheet_names:\n    for r in wb.get_sheet_by_name(n).iter_rows(): pass")
    # Alternated, so a burst of load from elsewhere falls on both sides alike.
    ours, theirs = [], []
    for _ in range(max(1, RUNS - 1)):
        ours.append(run(ours_argv))
        theirs.append(run(cal_argv))
    ev = (min(r[0] for r in ours), max(r[0] for r in ours), max(r[1] for r in ours))
    cal = (min(r[0] for r in theirs), max(r[0] for r in theirs), max(r[1] for r in theirs))
    line("kaoping evaluate (including the workbook)", ev)
    line("python-calamine reading the same files", cal)
    print(f"kaoping evaluate: {ev[0] / cal[0]:.2f}x the time python-calamine needs to read the files")


if __name__ == "__main__":
    main()
