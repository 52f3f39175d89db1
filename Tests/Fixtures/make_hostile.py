"""Makes hand-built XLSX packages for SheetIO's reader tests: hostile files that must end
in a clear error, and quirky but valid XML that a reader must still read as XML.

usage: make_hostile.py OUTDIR
"""
import io, os, sys, zipfile

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def package(sheet_xml, shared_strings=None, styles=None, workbook=None, sheet_target="worksheets/sheet1.xml",
            sheet_part="xl/worksheets/sheet1.xml", compress=zipfile.ZIP_DEFLATED):
    """Bytes of a minimal workbook with one sheet named Sheet1."""
    workbook = workbook or (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
                            f'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = [f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="{sheet_target}"/>']
    if shared_strings is not None:
        rels.append(f'<Relationship Id="rId2" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{REL_NS}/styles" Target="styles.xml"/>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                                  f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG_REL_NS}">{"".join(rels)}</Relationships>')
        z.writestr(sheet_part, sheet_xml)
        if shared_strings is not None:
            z.writestr("xl/sharedStrings.xml", shared_strings)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
    return buf.getvalue()


def sheet(rows_xml):
    return f'<worksheet xmlns="{MAIN_NS}"><sheetData>{rows_xml}</sheetData></worksheet>'


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)

    def write(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    ok = package(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                 shared_strings=f'<sst xmlns="{MAIN_NS}"><si><t>姓名</t></si></sst>')
    write("valid_minimal.xlsx", ok)
    write("truncated.xlsx", ok[: len(ok) // 2])

    # 64 MB of spaces deflates about 1000:1, far past the 100:1 guard.
    bomb_sheet = sheet('<row r="1"><c r="A1"><v>1</v></c></row>' + " " * (64 << 20))
    write("zip_bomb.xlsx", package(bomb_sheet))

    laughs = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
              + f']><sst xmlns="{MAIN_NS}"><si><t>&j;</t></si></sst>')
    write("entity_bomb.xlsx", package(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=laughs))

    # A million cells in one row, without r attributes: the column count runs past XFD.
    # (varied values, so the zip-bomb guard is not what stops it)
    write("million_columns.xlsx", package(sheet("<row>" + "".join(f"<c><v>{(i * 2654435761) % 1000003}</v></c>" for i in range(1_000_000)) + "</row>")))
    write("column_past_xfd.xlsx", package(sheet('<row r="1"><c r="XFE1"><v>1</v></c></row>')))
    write("row_past_limit.xlsx", package(sheet('<row r="1048577"><c r="A1048577"><v>1</v></c></row>')))

    write("invalid_utf8.xlsx", package(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                                       shared_strings=f'<sst xmlns="{MAIN_NS}"><si><t>'.encode() + b"\xff\xfe\xc0\xaf" + b"</t></si></sst>"))
    write("bad_shared_index.xlsx", package(sheet('<row r="1"><c r="A1" t="s"><v>7</v></c></row>'),
                                           shared_strings=f'<sst xmlns="{MAIN_NS}"><si><t>only</t></si></sst>'))
    write("unclosed_tags.xlsx", package(f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1"><v>1</v>'))
    write("huge_cell.xlsx", package(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>' + "字" * 40000 + "</t></is></c></row>")))

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    write("plain_zip.xlsx", buf.getvalue())
    write("web_page.xls", "<html><head><meta charset='utf-8'></head><body><table><tr><td>姓名</td></tr></table></body></html>".encode())
    write("random_bytes.xlsx", bytes((i * 7919 + 13) % 251 for i in range(5000)))
    write("empty_file.xlsx", b"")
    quirks(write)

    # Valid, but written the way few producers write: prefixes on every element, single
    # quotes, entity and character references, CDATA, comments, cells and rows without r,
    # ISO dates, _xHHHH_ escapes, phonetic runs, a sheet part at an absolute target.
    quirky_sst = (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<!-- made by hand -->"
                  f"<x:sst xmlns:x='{MAIN_NS}' count='4'>"
                  "<x:si><x:t xml:space='preserve'>  张&#x4E09; &amp; 李四  </x:t></x:si>"
                  "<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>乐昌</x:t></x:r><x:r><x:t>市</x:t></x:r>"
                  "<x:rPh sb='0' eb='2'><x:t>ラクショウ</x:t></x:rPh></x:si>"
                  "<x:si><x:t><![CDATA[a<b>&c]]></x:t></x:si>"
                  "<x:si><x:t>tab_x0009_end _x005F_x0041_ _xD83D__xDE00_</x:t></x:si></x:sst>")
    quirky_styles = (f"<styleSheet xmlns='{MAIN_NS}'><numFmts count='1'><numFmt numFmtId='164' formatCode='yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;'/></numFmts>"
                     "<cellStyleXfs count='1'><xf numFmtId='14'/></cellStyleXfs>"
                     "<cellXfs count='3'><xf numFmtId='0'/><xf numFmtId='164' applyNumberFormat='1'/><xf numFmtId='49'/></cellXfs></styleSheet>")
    quirky_sheet = (f"<x:worksheet xmlns:x='{MAIN_NS}'><x:dimension ref='A1:B2'/><x:sheetData>"
                    "<x:row><x:c t='s'><x:v>0</x:v></x:c><x:c t='s'><x:v>1</x:v></x:c><x:c t = 's' ><x:v >2</x:v></x:c></x:row>"
                    "<x:row r='3'><x:c r='B3' t='s'><x:v>3</x:v></x:c><x:c s='1'><x:v>44027</x:v></x:c>"
                    "<x:c t='d'><x:v>2020-07-15T08:30:00</x:v></x:c><x:c t='str'><x:f>A1&amp;\"x\"</x:f><x:v>&lt;ok&gt;</x:v></x:c></x:row>"
                    "<x:row><x:c r='A4' s='2'><x:v>440281199001011234</x:v></x:c><x:c t='e'><x:v>#N/A</x:v></x:c>"
                    "<x:c t='b'><x:v>0</x:v></x:c><x:c t='inlineStr'><x:is><x:t>内联</x:t><x:rPh><x:t>x</x:t></x:rPh></x:is></x:c></x:row>"
                    "</x:sheetData><x:mergeCells count='1'><x:mergeCell ref='A1:C1'/></x:mergeCells></x:worksheet>")
    write("quirky.xlsx", package(quirky_sheet, shared_strings=quirky_sst, styles=quirky_styles,
                                 sheet_target="/xl/sheets/../worksheets/data.xml", sheet_part="xl/worksheets/data.xml"))
    mutations(out, quirky_sst, quirky_styles, quirky_sheet)


def quirks(write):
    """What real producers write (issue 12 §3): no program here writes these, so by hand."""
    sst = lambda *texts: f'<sst xmlns="{MAIN_NS}">' + "".join(f"<si>{t}</si>" for t in texts) + "</sst>"
    # A Chinese attendance system's export: every entry name written with backslashes.
    good = zipfile.ZipFile(io.BytesIO(package(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>7</v></c></row>'),
                                              shared_strings=sst("<t>姓名</t>"))))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in good.infolist():
            z.writestr(info.filename.replace("/", "\\"), good.read(info.filename))
    write("backslash_names.xlsx", buf.getvalue())

    # <t> without xml:space="preserve": Excel drops the white space around it.
    write("untrimmed_text.xlsx", package(
        sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
              '<c r="D1" t="inlineStr"><is><t>\n  内联 </t></is></c><c r="E1" t="inlineStr"><is><t xml:space="preserve"> 留 </t></is></c>'
              '<c r="F1" t="s"><v>3</v></c></row>'),
        shared_strings=sst("<t>  张三 </t>", '<t xml:space="preserve">  李四 </t>', "<r><t>乐昌 </t></r><r><t xml:space=\"preserve\"> 市</t></r>",
                           "<t>   </t>")))
    # An inline string that also carries a <v>: only the inline text counts.
    write("inline_with_v.xlsx", package(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>内联</t></is><v>旧值</v></c></row>')))

    # Broken packages: each must be an error, not an empty sheet.
    good = package(sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    def rewrite(name, drop=(), replace=None, extra=()):
        src = zipfile.ZipFile(io.BytesIO(good))
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                if info.filename in drop:
                    continue
                data = src.read(info.filename)
                if replace and info.filename in replace:
                    data = replace[info.filename]
                z.writestr(info.filename, data)
            for entry, data in extra:
                z.writestr(entry, data)
        write(name, buf.getvalue())
    rewrite("missing_workbook_rels.xlsx", drop=("xl/_rels/workbook.xml.rels",))
    rewrite("dangling_sheet_rid.xlsx", replace={"xl/workbook.xml": f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
                                                f'<sheet name="Sheet1" sheetId="1" r:id="rId9"/></sheets></workbook>'})
    rewrite("empty_sheet_part.xlsx", replace={"xl/worksheets/sheet1.xml": b""})
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name, which is the point
        rewrite("duplicate_entries.xlsx", extra=(("xl/worksheets/sheet1.xml", sheet('<row r="1"><c r="A1"><v>2</v></c></row>')),))

    # Character references XML forbids (BEL, U+FFFE), where Excel writes _x0007_.
    write("forbidden_char_ref.xlsx", package(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), shared_strings=sst("<t>响铃&#x7;</t>")))
    write("forbidden_char_ref_fffe.xlsx", package(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a&#xFFFE;b</t></is></c></row>')))

    # A value in A1 and one in XFD1048576: 4 KB that would make 17 GB of empty CSV fields.
    write("far_cell.xlsx", package(sheet('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row>')))
    write("far_row.xlsx", package(sheet('<row r="1"><c r="A1"><v>1</v></c><c r="Z1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>2</v></c></row>')))

    # The first 5 bytes of an OLE compound file: never text.
    write("ole_prefix.xls", bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1]))
    # UTF-32LE with its BOM, as Python's utf-32 codec writes it on this machine.
    write("utf32le.csv", "姓名,电话\r\n张三,13800138000\r\n".encode("utf-32-le").join([b"\xff\xfe\x00\x00", b""]))
    # 1 048 577 short rows: one past Excel's limit, in 2 MB.
    write("too_many_rows.csv", b"1\n" * 1_048_577)


def mutations(out, sst, styles, sheet_xml, count=150, seed=20201115):
    """Seeded random damage to valid XML inside a valid zip: flipped, dropped, duplicated
    and inserted bytes, so the XML scanner and parsers (not the zip CRC) meet the damage."""
    import random
    rng = random.Random(seed)
    parts = {"sheet": sheet_xml.encode(), "sst": sst.encode(), "styles": styles.encode()}
    specials = [b"<", b">", b"/", b"\"", b"'", b"&", b";", b"=", b"]]>", b"<![CDATA[", b"&#x0;", b"&#99999999;", b"_x", b"\xff"]
    os.makedirs(os.path.join(out, "mutated"), exist_ok=True)
    for n in range(count):
        damaged = dict(parts)
        target = rng.choice(list(parts))
        data = bytearray(damaged[target])
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(data))
            op = rng.random()
            if op < 0.3:
                data[i] = rng.randrange(256)
            elif op < 0.5:
                del data[i:i + rng.randint(1, 40)]
            elif op < 0.7:
                data[i:i] = rng.choice(specials)
            else:
                j = rng.randrange(len(data))
                data[i:i] = data[j:j + rng.randint(1, 60)]
        damaged[target] = bytes(data)
        with open(os.path.join(out, "mutated", f"mutated_{n:03d}.xlsx"), "wb") as f:
            f.write(package(damaged["sheet"], shared_strings=damaged["sst"], styles=damaged["styles"],
                            sheet_target="worksheets/data.xml", sheet_part="xl/worksheets/data.xml"))


if __name__ == "__main__":
    main()
