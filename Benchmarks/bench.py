"""`make bench`: SheetIO's readers beside python-calamine, openpyxl, pandas and the
inflate floor, on the same sign-in-shaped files, in one run.

usage: bench.py BENCH_BINARY [ROWS]   (ROWS defaults to 1 000 000; data is cached in .build-bench/)
Each reader runs in its own process, so its peak memory (max RSS) is its own.
"""
import os, resource, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def data(rows):
    out = os.path.join(ROOT, ".build-bench", f"data-{rows}")
    if not (os.path.exists(os.path.join(out, "signins.xlsx")) and os.path.exists(os.path.join(out, "signins.csv"))):
        print(f"generating {rows} rows with XlsxWriter (cached in {out}) ...", flush=True)
        subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "make_data.py"), out, str(rows)], check=True)
    return out


PY_READERS = {
    "python-calamine": """
from python_calamine import CalamineWorkbook
rows = 0
for row in CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).iter_rows():
    rows += 1
""",
    "openpyxl read_only": """
import openpyxl
wb = openpyxl.load_workbook(PATH, read_only=True)
rows = 0
for row in wb.worksheets[0].iter_rows(values_only=True):
    rows += 1
""",
    "pandas.read_csv": """
import pandas
rows = len(pandas.read_csv(PATH, dtype=str, keep_default_na=False)) + 1
""",
}


def python_reader(name, path):
    code = ("import resource, time\nPATH = %r\nt0 = time.perf_counter()\n" % path + PY_READERS[name]
            + "\nprint(rows, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), float(out[1]), float(out[2])


def sheetio(binary, path):
    out = subprocess.run([binary, path], check=True, capture_output=True, text=True).stdout
    fields = dict(item.split("=") for item in out.split())
    return int(fields["rows"]), float(fields["seconds"]), float(fields["peak_mb"])


def inflate_floor(path):
    t0 = time.perf_counter()
    subprocess.run(f"unzip -p '{path}' xl/worksheets/sheet1.xml xl/sharedStrings.xml > /dev/null", shell=True, check=True)
    return time.perf_counter() - t0


def best_of(runs, fn):
    results = [fn() for _ in range(runs)]
    return min(results, key=lambda r: r[1])


def main():
    binary = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    small = max(rows // 10, 1000)
    big_dir, small_dir = data(rows), data(small)
    xlsx, csv = os.path.join(big_dir, "signins.xlsx"), os.path.join(big_dir, "signins.csv")
    sizes = os.path.getsize(xlsx) / 2**20, os.path.getsize(csv) / 2**20
    print(f"\nSign-in sheet, {rows:,} rows x 10 columns; XLSX {sizes[0]:.1f} MiB (XlsxWriter, shared strings), CSV {sizes[1]:.1f} MiB (UTF-8)")
    print(f"{'reader':<34}{'rows':>11}{'seconds':>10}{'rows/s':>12}{'peak MiB':>10}")

    def line(name, r):
        n, s, mb = r
        print(f"{name:<34}{n:>11,}{s:>10.2f}{n / s:>12,.0f}{mb:>10.0f}", flush=True)

    floor = min(inflate_floor(xlsx) for _ in range(3))
    print(f"{'unzip -p sheet+strings (floor)':<34}{'':>11}{floor:>10.2f}")
    ours_x = best_of(3, lambda: sheetio(binary, xlsx))
    line("SheetIO XLSX", ours_x)
    calamine = best_of(1, lambda: python_reader("python-calamine", xlsx))
    line("python-calamine XLSX", calamine)
    line("openpyxl read_only XLSX", best_of(1, lambda: python_reader("openpyxl read_only", xlsx)))
    ours_c = best_of(3, lambda: sheetio(binary, csv))
    line("SheetIO CSV", ours_c)
    pandas = best_of(1, lambda: python_reader("pandas.read_csv", csv))
    line("pandas.read_csv(dtype=str) CSV", pandas)
    small_x = sheetio(binary, os.path.join(small_dir, "signins.xlsx"))
    small_c = sheetio(binary, os.path.join(small_dir, "signins.csv"))
    print(f"\nSheetIO XLSX: {calamine[1] / ours_x[1]:.1f}x python-calamine's speed, {ours_x[1] / floor:.1f}x the inflate floor")
    print(f"SheetIO CSV:  {pandas[1] / ours_c[1]:.1f}x pandas.read_csv's speed")
    print(f"Peak memory, {small:,} -> {rows:,} rows: CSV {small_c[2]:.0f} -> {ours_c[2]:.0f} MiB; "
          f"XLSX {small_x[2]:.0f} -> {ours_x[2]:.0f} MiB (the XLSX figure includes the shared-string table, "
          f"which holds every distinct name and ID number)")


if __name__ == "__main__":
    main()
