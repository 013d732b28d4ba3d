"""Reading workbooks: python-calamine against openpyxl's read-only mode (issue 16: speed and robustness).

Speed: the sample workbook (9,300 villages × 30 columns) and a 50,000-village one written the same way; each case
runs in its own process, best of two, with that process's peak memory. Robustness: what each library returns on
the corpus files that matter for the choice (a wrong ``<dimension>``, an Excel error value, a formula without a
saved value, a sheet that claims A1:XFD1048576), each in its own process under a 2 GiB address-space limit and a
300 s timeout. Run: ``python bench/bench_xlsx.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

from common import ROOT, print_table

CASES = {
    "openpyxl read-only (values)": """
from openpyxl import load_workbook
book = load_workbook(PATH, read_only=True, data_only=True)
sheet = book.worksheets[0]
sheet.reset_dimensions()
rows = [list(r) for r in sheet.iter_rows(values_only=True)]
""",
    "python-calamine (values)": """
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).to_python(skip_empty_area=False)
""",
    "baicun scan (limits, merges, formulas, errors, percent)": """
from pool.xlsx import read_sheet
rows = read_sheet(open(PATH, "rb").read(), "f.xlsx")[0]
""",
    "baicun read_pool (scan + calamine + checks)": """
from pool.read import read_pool
rows = [0] * read_pool(PATH).size
""",
}

ROBUSTNESS = {
    "openpyxl read-only": """
from openpyxl import load_workbook
sheet = load_workbook(PATH, read_only=True, data_only=True).worksheets[0]
rows = [list(r) for r in sheet.iter_rows(values_only=True)]
out = {"rows": len(rows), "cell": CELL and repr(rows[CELL[0]][CELL[1]])}
""",
    "python-calamine": """
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(PATH).get_sheet_by_index(0).to_python(skip_empty_area=False)
out = {"rows": len(rows), "cell": CELL and repr(rows[CELL[0]][CELL[1]])}
""",
}

HARNESS = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
PATH, CELL = {path!r}, {cell!r}
best = None
try:
    for _ in range({repeat}):
        started = time.perf_counter()
{code}
        best = min(best or 1e9, time.perf_counter() - started)
    result = {{"seconds": best, "rows": len(rows)}}
    result.update(globals().get("out", {{}}))
except BaseException as error:
    result = {{"error": type(error).__name__}}
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child would report its parent's peak
result["peak_mib"] = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(json.dumps(result))
"""


def run(code: str, path: str, repeat: int = 2, cell=None) -> dict:
    body = "\n".join("        " + line for line in code.strip().splitlines())
    script = HARNESS.format(root=str(ROOT), path=path, cell=cell, repeat=repeat, code=body)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT)
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {"error": done.stderr.strip()[-80:]}
    except subprocess.TimeoutExpired:
        return {"error": "timeout 300 s"}


def main() -> None:
    from pool.generate import generate_pool, write_pool

    with tempfile.TemporaryDirectory() as folder:
        big = f"{folder}/pool_50000.xlsx"
        write_pool(generate_pool(villages=50_000, seed=3), big)
        rows = []
        for label, path in (("9,300 × 30", str(ROOT / "scenarios" / "data" / "jilin_sample_pool.xlsx")), ("50,000 × 30", big)):
            for name, code in CASES.items():
                result = run(code, path)
                rows.append({"workbook": label, "reader": name, **result, "× calamine": None})
            calamine = next(r["seconds"] for r in rows if r["workbook"] == label and r["reader"].startswith("python-calamine"))
            for r in rows:
                if r["workbook"] == label and "seconds" in r:
                    r["× calamine"] = r["seconds"] / calamine
        print_table(rows, "Reading a workbook (best of 2, own process)")
    corpus = ROOT / "tests" / "data" / "corpus"
    cases = [
        ("dimension_small.xlsx (41 rows, declares A1:AD21)", "dimension_small.xlsx", None),
        ("dimension_a1.xlsx (41 rows, declares A1)", "dimension_a1.xlsx", None),
        ("excel_errors.xlsx: the #N/A cell", "excel_errors.xlsx", (2, 3)),
        ("formula_no_value.xlsx: =G2+H2 without value", "formula_no_value.xlsx", (1, 28)),
        ("claimed_whole_sheet.xlsx (claims A1:XFD1048576)", "claimed_whole_sheet.xlsx", None),
    ]
    rows = [
        {"file": label, "reader": name, **run(code, str(corpus / file), 1, cell)} for label, file, cell in cases for name, code in ROBUSTNESS.items()
    ]
    print_table(rows, "What each library returns (2 GiB limit, 300 s timeout)")


if __name__ == "__main__":
    main()
