#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reads an .xlsx file with the standard library only and prints what the
tests compare, one line each: "sheet<TAB>name<TAB>frozen<TAB>autofilter",
then "row" and its cells as "kind:value" (kind: text, date as an ISO date,
number, or empty), separated by tabs."""
import datetime
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def column_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def main(path):
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    styles = ET.fromstring(z.read("xl/styles.xml"))
    numfmts = {int(n.get("numFmtId")): n.get("formatCode") for n in styles.iter("{%s}numFmt" % NS["m"])}
    xfs = [int(x.get("numFmtId", 0)) for x in styles.find("m:cellXfs", NS)]
    workbook = ET.fromstring(z.read("xl/workbook.xml"))
    out = []
    for index, sheet in enumerate(workbook.find("m:sheets", NS), start=1):
        root = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % index))
        rows, kinds = [], []
        for row in root.find("m:sheetData", NS):
            values, types = [], []
            for c in row:
                col = column_index(c.get("r"))
                while len(values) < col:
                    values.append(None)
                    types.append(None)
                t = c.get("t")
                v = c.find("m:v", NS)
                if t == "s":
                    values.append(shared[int(v.text)])
                    types.append("text")
                elif t == "inlineStr":
                    values.append("".join(x.text or "" for x in c.iter("{%s}t" % NS["m"])))
                    types.append("text")
                else:
                    fmt = numfmts.get(xfs[int(c.get("s", 0))], "")
                    if "yy" in fmt:
                        day = datetime.date(1899, 12, 30) + datetime.timedelta(days=float(v.text))
                        values.append(day.isoformat())
                        types.append("date")
                    else:
                        values.append(v.text)
                        types.append("number")
            rows.append(values)
            kinds.append(types)
        pane = root.find(".//m:pane", NS)
        autofilter = root.find("m:autoFilter", NS)
        out.append({"name": sheet.get("name"), "rows": rows, "kinds": kinds,
                    "frozen": pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1",
                    "autofilter": autofilter.get("ref") if autofilter is not None else None})
    for sheet in out:
        print("sheet\t%s\t%d\t%s" % (sheet["name"], sheet["frozen"], sheet["autofilter"]))
        for values, types in zip(sheet["rows"], sheet["kinds"]):
            cells = ["%s:%s" % (k or "empty", v if v is not None else "") for k, v in zip(types, values)]
            print("\t".join(["row"] + cells))


if __name__ == "__main__":
    main(sys.argv[1])
