"""Prints what openpyxl reads from a workbook, as JSON, for the writer tests.

usage: openpyxl_dump.py FILE
"""
import datetime, json, sys, zipfile

import openpyxl


def value(v):
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    return v


def main():
    path = sys.argv[1]
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    out = {"sheets": [], "charts": sorted(n for n in zipfile.ZipFile(path).namelist() if n.startswith("xl/charts/chart"))}
    for ws in formulas.worksheets:
        wc = cached[ws.title]
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                cells[c.coordinate] = {"value": value(c.value), "cached": value(wc[c.coordinate].value),
                                       "type": c.data_type, "format": c.number_format,
                                       "bold": bool(c.font and c.font.b), "font": c.font.name if c.font else None}
        dv = [{"sqref": str(d.sqref), "formula": d.formula1} for d in ws.data_validations.dataValidation]
        out["sheets"].append({
            "name": ws.title, "state": ws.sheet_state, "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "widths": {k: round(v.width, 2) for k, v in ws.column_dimensions.items() if v.width},
            "heights": {str(k): v.height for k, v in ws.row_dimensions.items() if v.height},
            "freeze": ws.freeze_panes, "autofilter": ws.auto_filter.ref,
            "validations": dv,
            "orientation": ws.page_setup.orientation, "paper": ws.page_setup.paperSize,
            "fitToWidth": ws.page_setup.fitToWidth, "fitToPage": ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
            "printTitleRows": ws.print_title_rows,
        })
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
