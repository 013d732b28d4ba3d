"""The ``baicun`` command line. Every command only parses options, calls the pipeline and prints; no rule lives here."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

import typer

from contract.errors import InputError, Problem
from contract.texts import set_language, t

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="百村遴选 baicun — 村庄遴选决策支持 / village selection decision support",
)
pool_app = typer.Typer(no_args_is_help=True, help="村庄库：校验、生成 / pool: check, generate")
app.add_typer(pool_app, name="pool")

EXIT_INFEASIBLE, EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INTERNAL = 1, 2, 3, 4


@app.callback()
def _options(lang: str = typer.Option("zh", "--lang", help="输出语言 zh|en / language of messages")) -> None:
    set_language(lang if lang in ("zh", "en") else "zh")


def fail(error: InputError, report: Path | None = None) -> None:
    """Bad input: the whole report on stderr (and optionally to a CSV), exit code 2, nothing written elsewhere."""
    typer.echo(error.render(limit=200), err=True)
    if report is not None:
        from report.problems import write_problem_report

        write_problem_report(error, report)
    raise typer.Exit(EXIT_BAD_INPUT)


def no_solution(selection) -> None:
    """The status and the diagnosis of a scenario without a shortlist, on stderr."""
    typer.echo("\n".join([t("solve.no_solution", status=t(f"status.{selection.status}"))] + [p.render() for p in selection.diagnosis]), err=True)


def echo(*items) -> None:
    """Print text lines and rich tables to stdout."""
    from rich.console import Console

    console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 250)
    for item in items:
        console.print(item) if not isinstance(item, str) else typer.echo(item)


# --- pool -------------------------------------------------------------------------------------------------------


@pool_app.command("check")
def pool_check(
    file: Path = typer.Argument(..., help="村庄库文件 .xlsx / .csv"),
    encoding: str | None = typer.Option(None, help="CSV 编码，例如 gbk / encoding of a CSV file"),
    sheet: str | None = typer.Option(None, help="工作表名称 / sheet name"),
    header_row: int = typer.Option(1, "--header-row", help="表头所在行 / row of the header"),
    region: str | None = typer.Option(None, help="坐标合理范围：吉林省、全国 或 经度下限,经度上限,纬度下限,纬度上限"),
    report: Path | None = typer.Option(None, help="把全部问题写入 CSV 文件 / write every problem to a CSV"),
) -> None:
    """校验村庄库文件并汇总 / validate a pool file and summarise it (exit 0 clean, 2 with the report)."""
    from pool.read import read_pool
    from report.text import pool_summary_lines

    try:
        pool = read_pool(file, encoding=encoding, sheet=sheet, header_row=header_row, region=region)
    except InputError as error:
        fail(error, report)
    echo(*pool_summary_lines(pool))


@pool_app.command("generate")
def pool_generate(
    out: list[Path] = typer.Option(..., "--out", help="输出文件 .csv 或 .xlsx（可多次给出）"),
    seed: int = typer.Option(2023, help="随机种子 / random seed"),
    villages: int = typer.Option(9300, help="村庄总数 / number of villages"),
    headers: str = typer.Option("zh", help="表头语言 zh|en / header language"),
    national: bool = typer.Option(False, "--national", help="全国规模示例（31 个省份、约 2800 个县）/ national sample"),
) -> None:
    """生成合成的示例村庄库（示例数据）/ write a synthetic sample pool."""
    from pool.generate import generate_pool, write_pool
    from pool.national import generate_national

    frame = generate_national(villages, seed) if national else generate_pool(villages=villages, seed=seed)
    for path in out:
        write_pool(frame, path, headers)
    echo(t("generate.done", villages=len(frame), files="、".join(str(p) for p in out)))


# --- score ------------------------------------------------------------------------------------------------------


@app.command("score")
def score_command(
    scenario: Path = typer.Argument(..., help="情景文件 .toml / scenario file"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    top: int = typer.Option(20, "--top", help="显示前 N 名 / show the top N"),
) -> None:
    """资格与综合得分排名 / eligibility and ranked composite scores."""
    from baicun.pipeline import load_inputs, score
    from report.text import score_lines

    try:
        inputs = load_inputs(scenario, pool)
        scores = score(inputs)
    except InputError as error:
        fail(error)
    echo(*score_lines(inputs.pool, scores, top))


# --- solve ------------------------------------------------------------------------------------------------------


@app.command("solve")
def solve_command(
    scenario: Path = typer.Argument(..., help="情景文件 .toml / scenario file"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    out: list[Path] = typer.Option([], "--out", help="输出 .xlsx 或 .csv（可多次给出）/ output file(s)"),
    as_json: bool = typer.Option(False, "--json", help="在标准输出打印一个 JSON 对象 / print one JSON object"),
    headers: str = typer.Option("zh", "--headers", help="输出文件表头语言 zh|en / header language of output files"),
    backend: str | None = typer.Option(None, "--backend", help="highs | cbc | cpsat"),
    time_limit: float | None = typer.Option(None, "--time-limit", help="求解时限（秒）/ time limit in seconds"),
    prices: bool | None = typer.Option(None, "--prices/--no-prices", help="计算各规则的代价（逐条去掉重解；默认在符合资格村不超过 2 万时计算）"),
    save: bool = typer.Option(False, "--save", help="保存为运行记录 / save the run"),
    label: str = typer.Option("", "--label", help="运行记录的标签 / label of the saved run"),
    db: str | None = typer.Option(None, "--db", help="运行记录数据库：文件路径或 SQLAlchemy URL / run database"),
) -> None:
    """求解一个遴选情景 / run one selection. Exit 0 found, 1 infeasible, 2 bad input, 3 failed the independent check."""
    import json
    import time

    from baicun.pipeline import load_inputs, outcome, solve
    from report.files import write_csv, write_xlsx
    from report.tables import summary_json
    from report.text import selection_lines
    from solver.solve import CheckFailed

    started = time.perf_counter()
    bad = [
        Problem("cli.bad_choice", column=o, value=v, params={"choices": c})
        for o, v, c in (("--headers", headers, "zh, en"), ("--backend", backend, "highs, cbc, cpsat"))
        if v is not None and v not in c.split(", ")
    ]
    bad += [Problem("cli.bad_output", column="--out", value=str(p)) for p in out if p.suffix.lower() not in (".xlsx", ".csv")]
    if bad:
        fail(InputError("cli.invalid", bad))
    try:
        inputs = load_inputs(scenario, pool)
        scores, selection = solve(inputs, backend=backend, time_limit=time_limit, db=db)
    except InputError as error:
        fail(error)
    except CheckFailed as error:
        typer.echo(t("solve.check_failed", detail="; ".join(p.render() for p in error.problems)), err=True)
        raise typer.Exit(EXIT_CHECK_FAILED) from None
    result = outcome(inputs, scores, selection, prices=prices)
    if not selection.found:
        no_solution(selection)
        if as_json:
            typer.echo(json.dumps(summary_json(result, time.perf_counter() - started), ensure_ascii=False))
        raise typer.Exit(EXIT_INFEASIBLE)
    for path in out:
        (write_xlsx if path.suffix.lower() == ".xlsx" else write_csv)(result, path, headers)
    saved = _save(result, pool or inputs.loaded.pool_path(), label, db) if save else None
    if as_json:
        typer.echo(json.dumps(summary_json(result, time.perf_counter() - started), ensure_ascii=False))
    else:
        echo(*selection_lines(result), *[t("solve.written", file=str(p)) for p in out], *([saved] if saved else []))


def _save(result, pool_path, label: str, db: str | None) -> str:
    from store.runs import open_store, run_fields, save_run

    engine = open_store(db)
    run_id = save_run(engine, run_fields(result, pool_path, label))
    return t("run.saved", id=run_id, db=engine.url.render_as_string(hide_password=True))


# --- run history and comparison ------------------------------------------------------------------------------

runs_app = typer.Typer(no_args_is_help=True, help="运行记录：列表、查看、重现 / saved runs: list, show, rerun")
app.add_typer(runs_app, name="runs")
DB_OPTION = typer.Option(None, "--db", help="运行记录数据库：文件路径或 SQLAlchemy URL（默认用户数据目录）")


@runs_app.command("list")
def runs_list(db: str | None = DB_OPTION, limit: int = typer.Option(50, "--limit")) -> None:
    """列出运行记录 / list saved runs."""
    import pandas as pd

    from report.text import table_of
    from store.runs import list_runs, open_store

    records = list_runs(open_store(db), limit)
    if not records:
        echo(t("run.none"))
        return
    table = pd.DataFrame(
        [
            {
                "id": r.id,
                "time": r.created_at.strftime("%Y-%m-%d %H:%M"),
                "label": r.label,
                "scenario": r.scenario_name,
                "pool": r.pool_file,
                "status": r.status,
                "objective": r.objective,
                "count": r.count,
                "backend": r.backend,
            }
            for r in records
        ]
    )
    echo(table_of(table))


def _stored_run(run_id: int, db: str | None):
    from store.runs import get_run, open_store

    record = get_run(open_store(db), run_id)
    if record is None:
        fail(InputError("cli.invalid", [Problem("run.unknown", value=str(run_id))]))
    return record


@runs_app.command("show")
def runs_show(run_id: int = typer.Argument(...), db: str | None = DB_OPTION) -> None:
    """显示一次运行的全部记录 / show one run."""
    from store.runs import dumps

    echo(dumps(_stored_run(run_id, db)))


@runs_app.command("rerun")
def runs_rerun(run_id: int = typer.Argument(...), db: str | None = DB_OPTION) -> None:
    """按保存的情景和村庄库重新求解，并核对名单是否相同 / re-solve a run and check the shortlist is identical."""
    from baicun.pipeline import rerun

    record = _stored_run(run_id, db)
    try:
        result = rerun(record)
    except InputError as error:
        fail(error)
    if result.identical:
        echo(t("run.identical", id=run_id, count=len(record.selected)))
        return
    echo(t("run.different", id=run_id, entering="、".join(result.entering) or "—", leaving="、".join(result.leaving) or "—"))
    raise typer.Exit(EXIT_INFEASIBLE)


@app.command("compare")
def compare_command(
    items: list[str] = typer.Argument(..., help="运行编号（如 12 或 run:12）或情景文件，第一个为基准"),
    out: Path | None = typer.Option(None, "--out", help="导出对比 .xlsx"),
    db: str | None = DB_OPTION,
) -> None:
    """情景或运行记录并排对比 / compare runs or scenarios side by side."""
    from baicun.pipeline import comparison_item
    from report.compare import compare, write_comparison
    from report.text import comparison_lines

    if len(items) < 2:
        fail(InputError("cli.invalid", [Problem("cli.compare_two")]))
    try:
        comparison = compare([comparison_item(item, db) for item in items])
    except InputError as error:
        fail(error)
    if out is not None:
        write_comparison(comparison, out)
    echo(*comparison_lines(comparison), *([t("solve.written", file=str(out))] if out else []))


@app.command("robustness")
def robustness_command(
    scenario: Path = typer.Argument(..., help="情景文件 .toml"),
    samples: int = typer.Option(200, "--samples", min=1, help="扰动样本数 / number of weight samples"),
    seed: int = typer.Option(1, "--seed", help="随机种子 / random seed"),
    method: str = typer.Option("dirichlet", "--method", help="dirichlet | uniform"),
    spread: float | None = typer.Option(None, "--spread", help="dirichlet：集中度（默认 50，越大扰动越小）；uniform：相对幅度（默认 0.2）"),
    workers: int = typer.Option(2, "--workers", min=1, help="并行进程数 / worker processes"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    out: Path | None = typer.Option(None, "--out", help="导出 .xlsx / export"),
    as_json: bool = typer.Option(False, "--json", help="在标准输出打印一个 JSON 对象 / print one JSON object"),
) -> None:
    """权重稳健性：扰动权重反复求解，统计每个村的入选频率 / weight robustness study."""
    import json

    from rich.console import Console
    from rich.progress import Progress

    from analysis.robustness import robustness
    from report.robustness import robustness_json, robustness_lines, write_robustness

    if method not in ("dirichlet", "uniform"):
        fail(InputError("cli.invalid", [Problem("cli.bad_choice", column="--method", value=method, params={"choices": "dirichlet, uniform"})]))
    inputs, scores, selection = _solved(scenario, pool)
    spread = spread if spread is not None else (50.0 if method == "dirichlet" else 0.2)
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(t("robust.progress"), total=samples)
        study = robustness(inputs.pool, scores, selection, samples, seed, method, spread, workers, lambda: bar.advance(task))
    if out is not None:
        write_robustness(study, out)
    if as_json:
        typer.echo(json.dumps(robustness_json(study), ensure_ascii=False))
        return
    echo(*robustness_lines(inputs.pool, study), *([t("solve.written", file=str(out))] if out else []))


# --- explain and preview --------------------------------------------------------------------------------------


def _solved(scenario: Path, pool: Path | None, adjust=None):
    """Load (then ``adjust`` the inputs, if given), score and solve, reporting bad input (exit 2) and
    infeasibility (exit 1) the same way as ``solve``."""
    from baicun.pipeline import load_inputs, solve

    try:
        inputs = load_inputs(scenario, pool)
        if adjust is not None:
            inputs = adjust(inputs)
        scores, selection = solve(inputs)
    except InputError as error:
        fail(error)
    if not selection.found:
        no_solution(selection)
        raise typer.Exit(EXIT_INFEASIBLE)
    return inputs, scores, selection


@app.command("explain")
def explain_command(
    scenario: Path = typer.Argument(..., help="情景文件 .toml"),
    village_id: str = typer.Argument(..., help="村庄代码 / village id"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
) -> None:
    """某个村为什么入选或落选，以及怎样才会改变 / why a village is in or out, and what would change it."""
    from analysis.whatif import explain_village
    from report.text import explanation_lines

    inputs, scores, selection = _solved(scenario, pool)
    if village_id not in set(inputs.pool.frame["village_id"]):
        fail(InputError("cli.invalid", [Problem("explain.unknown_village", value=village_id)]))
    echo(*explanation_lines(inputs.pool, selection, explain_village(inputs.pool, scores, selection, village_id)))


@app.command("preview")
def preview_command(
    scenario: Path = typer.Argument(..., help="情景文件 .toml"),
    county: str = typer.Option(..., "--county", help="县(市、区)名称 / county name"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    application: Path | None = typer.Option(None, "--application", help="本县申报文件，并入省级村庄库后预审 / the county's own file"),
) -> None:
    """县级预审：本县各村的资格、得分、排名与入选线的距离 / a county's villages under the scenario."""
    from analysis.preview import county_preview
    from baicun.pipeline import bind, outcome
    from contract.scenario import suggest
    from pool.merge import merge_application
    from pool.read import read_pool
    from report.text import preview_lines

    def with_county(inputs):
        counties = sorted(set(inputs.pool.frame["county"]))
        if application is not None:
            return bind(inputs.loaded, merge_application(inputs.pool, read_pool(application), county))
        if county not in counties:
            raise InputError("cli.invalid", [Problem("preview.unknown_county", value=county, params={"suggestion": suggest(county, counties)})])
        return inputs

    inputs, scores, selection = _solved(scenario, pool, with_county)
    result = outcome(inputs, scores, selection)
    echo(*preview_lines(result, county_preview(inputs.pool, scores, selection, county)))


@app.command("app")
def run_app(
    port: int = typer.Option(8501, help="端口"),
    address: str = typer.Option("127.0.0.1", help="监听地址（局域网共享用 0.0.0.0）"),
    db: str | None = DB_OPTION,
):
    """启动评审会用的网页界面（Streamlit，离线运行）；每次求解都存入运行记录（与命令行同一个数据库）。"""
    import subprocess

    root = Path(__file__).resolve().parents[1]
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(root / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--browser.gatherUsageStats",
        "false",
    ]
    environment = dict(os.environ, **({"BAICUN_DB": db} if db else {}))
    raise typer.Exit(subprocess.call(command, cwd=root, env=environment))


def main() -> None:
    try:
        app()
    except InputError as error:  # a bad input that escaped a command's own handling
        typer.echo(error.render(limit=200), err=True)
        sys.exit(EXIT_BAD_INPUT)
    except Exception:  # a bug: a short message for the user, the traceback in a file for the developers
        if os.environ.get("BAICUN_DEBUG"):
            raise
        log = Path(tempfile.gettempdir()) / "baicun-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        typer.echo(t("cli.internal_error", log=str(log)), err=True)
        sys.exit(EXIT_INTERNAL)
