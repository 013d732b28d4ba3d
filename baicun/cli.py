"""The ``baicun`` command line. Every command only parses options, calls the pipeline and prints; no rule lives here."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import traceback
from contextlib import contextmanager
from pathlib import Path

import typer

from contract.errors import InputError, Problem
from contract.texts import set_language, t

app = typer.Typer(
    rich_markup_mode=None,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="百村遴选 baicun — 村庄遴选决策支持 / village selection decision support",
)
pool_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="村庄库：校验、生成 / pool: check, generate")
app.add_typer(pool_app, name="pool")

# SPEC §4: 0 a list, 1 infeasible, 2 bad input, 3 failed the independent check, 4 internal, 5 time limit without a list
EXIT_INFEASIBLE, EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_TIME_LIMIT = 1, 2, 3, 4, 5
# The reader of stdout stopped reading (`| head`): what a shell reports for a program ended by SIGPIPE (128 + 13),
# never 1, which means infeasible
EXIT_PIPE_CLOSED = 141
LANGUAGES = ("zh", "en")


@app.callback()
def _options(lang: str = typer.Option("zh", "--lang", help="输出语言 zh|en / language of messages")) -> None:
    if lang not in LANGUAGES:
        say("\n".join(t("cli.bad_lang", language, value=lang, choices=" / ".join(LANGUAGES)) for language in LANGUAGES))
        raise typer.Exit(EXIT_BAD_INPUT)
    set_language(lang)


# Files this command has written completely (each by an atomic rename): an internal error that happens later must
# not claim that nothing was written.
WRITTEN: list[Path] = []


def fail(error: InputError, report: Path | None = None) -> None:
    """Bad input: the whole report on stderr (and optionally to a CSV), exit code 2, nothing written elsewhere."""
    say(error.render(limit=200))
    if report is not None:
        from report.problems import write_problem_report

        write_problem_report(error.problems, report)
        WRITTEN.append(report)
    raise typer.Exit(EXIT_BAD_INPUT)


def say(text: str) -> None:
    """One report on stderr, as plain text (control characters in user text made visible)."""
    from report.escape import terminal_plain

    typer.echo(terminal_plain(text), err=True)


def no_solution(selection) -> int:
    """The status and the diagnosis of a scenario without a shortlist, on stderr; the exit code it calls for."""
    from report.status import status_text

    say("\n".join([t("solve.no_solution", status=status_text(selection))] + [p.render() for p in selection.diagnosis]))
    return {"time_limit": EXIT_TIME_LIMIT, "error": EXIT_INTERNAL}.get(selection.status, EXIT_INFEASIBLE)


def echo(*items) -> None:
    """Print text lines and rich tables to stdout. A line is printed as ``rich.text.Text`` (``report.escape``):
    user text in it is never read as console markup."""
    from rich.console import Console

    from report.escape import terminal

    console = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 250)
    console.on_broken_pipe = _raise_broken_pipe  # rich would exit with 1, which here means infeasible
    with to_stdout():
        for item in items:
            console.print(terminal(item) if isinstance(item, str) else item)


def emit_json(value, **options) -> None:
    """One JSON object on stdout (``report.escape.json_text``: valid JSON whatever the numbers)."""
    from report.escape import json_text

    with to_stdout():
        typer.echo(json_text(value, **options))


def _raise_broken_pipe() -> None:
    raise BrokenPipeError


@contextmanager
def to_stdout():
    """Writing to stdout; a reader that has stopped reading (``| head``) ends the command quietly with
    ``EXIT_PIPE_CLOSED`` — files already written stay written. stdout then points at the null device, so that
    Python's final flush does not fail again (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    try:
        yield
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_PIPE_CLOSED) from None


def written(path: Path) -> Path:
    WRITTEN.append(path)
    return path


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
    from report.sheets import check_outputs
    from report.text import pool_summary_lines

    try:
        check_outputs([report] if report else [], (".csv", ".xlsx"), pool_path=file, option="--report")
    except InputError as error:
        fail(error)
    try:
        pool = read_pool(file, encoding=encoding, sheet=sheet, header_row=header_row, region=region)
    except InputError as error:
        fail(error, report)
    if report is not None:
        from report.problems import write_problem_report

        write_problem_report([], written(report))  # a clean run's report: the header, no problems
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
    from report.sheets import check_outputs

    try:
        check_outputs(out, (".csv", ".xlsx"))
    except InputError as error:
        fail(error)
    frame = generate_national(villages, seed) if national else generate_pool(villages=villages, seed=seed)
    for path in out:
        write_pool(frame, path, headers)
        written(path)
    echo(t("generate.done", villages=len(frame), files="、".join(str(p) for p in out)))


# --- the expert panel ---------------------------------------------------------------------------------------------

review_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="专家评审：评分表模板、汇总、一致性 / expert panel: template, aggregate, agreement"
)
app.add_typer(review_app, name="review")


def _scenario_and_pool(scenario: Path | None, pool: Path | None):
    """(loaded scenario or None, pool): the pool from --pool, else from the scenario's ``pool``."""
    from contract.scenario import load_scenario
    from pool.read import read_pool

    loaded = load_scenario(scenario) if scenario is not None else None
    path = pool or (loaded.pool_path() if loaded else None)
    if path is None:
        raise InputError("cli.invalid", [Problem("review.need_pool")])
    return loaded, read_pool(path, region=loaded.scenario.region if loaded else None)


@review_app.command("template")
def review_template(
    out: Path = typer.Option(..., "--out", help="输出 .xlsx / the blank score sheet"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件 / pool file"),
    scenario: Path | None = typer.Option(
        None, "--scenario", help="情景文件：只列符合资格的村，并附权重判断表 / only eligible villages, plus weight sheets"
    ),
    expert: str | None = typer.Option(None, "--expert", help="专家编号（预先填好）/ the expert's id, filled in"),
    panel: Path | None = typer.Option(None, "--panel", help="专家名单：把该专家所在地区的村标为回避 / grey the expert's own place"),
) -> None:
    """写出专家评分表模板（中文表头，每村一行，评分单元格限 0–100）/ write an expert's blank score sheet."""
    from baicun.pipeline import review_villages
    from report.review import write_template
    from review.panel import read_panel

    try:
        loaded, the_pool = _scenario_and_pool(scenario, pool)
        villages = review_villages(the_pool, loaded)
        barred: set[str] = set()
        if panel is not None and expert:
            places = read_panel(panel, the_pool).homes.get(expert, ())
            barred = {v for place in places for v in the_pool.frame.loc[place.villages(the_pool.frame), "village_id"]}
    except InputError as error:
        fail(error)
    criteria = loaded.scenario.scoring.criteria if loaded else None
    write_template(out, villages, expert=expert, criteria=criteria, barred=barred, sample=the_pool.is_sample)
    echo(t("review.template_done", villages=len(villages), file=str(out), barred=len(barred)))


@review_app.command("sample")
def review_sample(
    scenario: Path = typer.Argument(..., help="情景文件 .toml"),
    out_dir: Path = typer.Option(..., "--out-dir", help="输出文件夹 / folder for the sheets and the panel list"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    seed: int = typer.Option(2024, "--seed", help="随机种子 / random seed"),
) -> None:
    """生成合成的专家评审示例（示例数据）：7 位专家的评分表和专家名单 / write a synthetic panel (sample data)."""
    from baicun.pipeline import write_sample_panel

    try:
        loaded, the_pool = _scenario_and_pool(scenario, pool)
        written = write_sample_panel(loaded, the_pool, out_dir, seed)
    except InputError as error:
        fail(error)
    echo(t("review.sample_done", count=len(written) - 1, folder=str(out_dir)))


@review_app.command("aggregate")
def review_aggregate(
    scenario: Path = typer.Argument(..., help="情景文件 .toml（[review] 给出汇总规则、评分表和专家名单）"),
    sheets: list[Path] = typer.Argument(None, help="专家评分表 .xlsx/.csv 或其所在文件夹（覆盖情景中的 sheets）"),
    panel: Path | None = typer.Option(None, "--panel", help="专家名单（覆盖情景中的 panel）"),
    rule: str | None = typer.Option(None, "--rule", help="mean | trimmed_mean | median"),
    standardize: bool | None = typer.Option(None, "--standardize/--no-standardize", help="先按专家标准化 / z-score per expert first"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    out: Path | None = typer.Option(None, "--out", help="汇总后的村庄库 .xlsx / .csv"),
    report: Path | None = typer.Option(None, "--report", help="评审报告 .xlsx"),
    as_json: bool = typer.Option(False, "--json", help="在标准输出打印一个 JSON 对象 / print one JSON object"),
) -> None:
    """汇总专家评分：回避、去掉最高最低分、一致性与离群专家 / aggregate the panel's scores."""
    import json

    from baicun.pipeline import panel_weights, review_agreement, reviewed
    from contract.scenario import ReviewRules, sheet_files
    from report.review import review_json, review_lines, write_review_report, write_reviewed_pool

    if rule is not None and rule not in ("mean", "trimmed_mean", "median"):
        fail(InputError("cli.invalid", [Problem("cli.bad_choice", column="--rule", value=rule, params={"choices": "mean, trimmed_mean, median"})]))
    try:
        loaded, the_pool = _scenario_and_pool(scenario, pool)
        base = loaded.scenario.review or ReviewRules()
        rules = base.model_copy(update={k: v for k, v in (("rule", rule), ("standardize", standardize)) if v is not None})
        given = sheet_files([str(p) for p in sheets or []], Path.cwd(), panel) or loaded.review_paths()[0]
        if not given:
            raise InputError("cli.invalid", [Problem("review.no_sheets")])
        result_pool, result = reviewed(loaded, the_pool, given, panel, rules)
        weights = panel_weights(given, loaded)
    except InputError as error:
        fail(error)
    agreement = review_agreement(result, rules)
    if out is not None:
        write_reviewed_pool(out, result_pool)
    if report is not None:
        write_review_report(report, the_pool, result, agreement, weights)
    if as_json:
        with to_stdout():
            typer.echo(json.dumps(review_json(result, agreement, weights), ensure_ascii=False))
        return
    echo(*review_lines(result, agreement, weights), *[t("solve.written", file=str(p)) for p in (out, report) if p is not None])


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
    out: list[Path] = typer.Option([], "--out", help="输出 .xlsx、.csv 或会议摘要 .pdf（可多次给出）/ output file(s)"),
    as_json: bool = typer.Option(False, "--json", help="在标准输出打印一个 JSON 对象 / print one JSON object"),
    headers: str = typer.Option("zh", "--headers", help="输出文件表头语言 zh|en / header language of output files"),
    backend: str | None = typer.Option(None, "--backend", help="highs | cbc | cpsat"),
    time_limit: float | None = typer.Option(None, "--time-limit", help="求解时限（秒）/ time limit in seconds"),
    prices: bool | None = typer.Option(None, "--prices/--no-prices", help="计算各规则的代价（逐条去掉重解；默认在符合资格村不超过 2 万时计算）"),
    save: bool = typer.Option(False, "--save", help="保存为运行记录 / save the run"),
    label: str = typer.Option("", "--label", help="运行记录的标签 / label of the saved run"),
    db: str | None = typer.Option(None, "--db", help="运行记录数据库：文件路径或 SQLAlchemy URL / run database"),
    map_picture: bool = typer.Option(False, "--map/--no-map", help="Excel 中加“地图”图片页（与网页下载相同）/ a map picture sheet in the workbook"),
) -> None:
    """求解一个遴选情景 / run one selection. Exit 0 a list, 1 infeasible, 2 bad input, 3 failed the independent
    check, 4 internal error, 5 no list within the time limit."""
    import time

    from baicun.pipeline import check_outputs, load_inputs, outcome, solve
    from report.files import OUTPUT_SUFFIXES, write_output
    from report.tables import summary_json
    from report.text import selection_lines
    from solver.solve import CheckFailed

    started = time.perf_counter()
    bad = [
        Problem("cli.bad_choice", column=o, value=v, params={"choices": c})
        for o, v, c in (("--headers", headers, "zh, en"), ("--backend", backend, "highs, cbc, cpsat"))
        if v is not None and v not in c.split(", ")
    ]
    bad += [Problem("cli.bad_time_limit", column="--time-limit", value=str(time_limit))] if time_limit is not None and not time_limit > 0 else []
    if bad:
        fail(InputError("cli.invalid", bad))
    try:
        check_outputs(out, OUTPUT_SUFFIXES, scenario, pool)
        inputs = load_inputs(scenario, pool, solving=True, backend=backend)
        scores, selection = solve(inputs, backend=backend, time_limit=time_limit, db=db)
    except InputError as error:
        fail(error)
    except CheckFailed as error:
        say(t("solve.check_failed", detail="; ".join(p.render() for p in error.problems)))
        raise typer.Exit(EXIT_CHECK_FAILED) from None
    result = outcome(inputs, scores, selection, prices=prices, stable=None)
    if not selection.found:
        code = no_solution(selection)
        if as_json:
            emit_json(summary_json(result, time.perf_counter() - started))
        raise typer.Exit(code)
    try:
        for path in sorted(out, key=lambda p: p.suffix.lower() != ".pdf"):  # the PDF, which needs a font, first:
            write_output(result, path, headers, map_picture)  # without one nothing at all is written
            written(path)
    except InputError as error:
        fail(error)
    saved = _save(result, pool or inputs.loaded.pool_path(), label, db) if save else None
    if as_json:
        emit_json(summary_json(result, time.perf_counter() - started))
    else:
        echo(*selection_lines(result), *[t("solve.written", file=str(p)) for p in out], *([saved] if saved else []))


def _save(result, pool_path, label: str, db: str | None) -> str:
    from store.runs import open_store, run_fields, save_run

    engine = open_store(db)
    run_id = save_run(engine, run_fields(result, pool_path, label))
    return t("run.saved", id=run_id, db=engine.url.render_as_string(hide_password=True))


# --- run history and comparison ------------------------------------------------------------------------------

runs_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="运行记录：列表、查看、重现 / saved runs: list, show, rerun")
app.add_typer(runs_app, name="runs")
DB_OPTION = typer.Option(None, "--db", help="运行记录数据库：文件路径或 SQLAlchemy URL（默认用户数据目录）")


@runs_app.command("list")
def runs_list(db: str | None = DB_OPTION, limit: int = typer.Option(50, "--limit")) -> None:
    """列出运行记录 / list saved runs."""
    from report.text import runs_table
    from store.runs import intact, list_runs, open_store

    records = list_runs(open_store(db), limit)
    if not records:
        echo(t("run.none"))
        return
    echo(runs_table(records, [intact(r) for r in records]))


def _stored_run(run_id: int, db: str | None):
    from store.runs import get_run, open_store

    record = get_run(open_store(db), run_id)
    if record is None:
        fail(InputError("cli.invalid", [Problem("run.unknown", value=str(run_id))]))
    return record


@runs_app.command("show")
def runs_show(
    run_id: int = typer.Argument(...),
    db: str | None = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="在标准输出打印一个 JSON 对象（全部字段）/ print one JSON object"),
) -> None:
    """显示一次运行的全部记录（先用村庄库和情景复核）：各项、入选村、情景原文 / show one run, after re-checking it."""
    from baicun.pipeline import verified_run
    from report.text import run_lines
    from store.runs import as_dict, intact

    record = _stored_run(run_id, db)
    try:
        verified_run(record)
    except InputError as error:
        fail(error)
    if as_json:
        emit_json(as_dict(record), indent=1)
        return
    echo(*run_lines(record, intact(record)))


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
    from baicun.pipeline import check_outputs, comparison_item
    from report.compare import compare, write_comparison
    from report.text import comparison_lines

    if len(items) < 2:
        fail(InputError("cli.invalid", [Problem("cli.compare_two")]))
    try:
        check_outputs([out] if out else [], (".xlsx",))
        comparison = compare([comparison_item(item, db) for item in items])
    except InputError as error:
        fail(error)
    if out is not None:
        write_comparison(comparison, out)
        written(out)
    echo(*comparison_lines(comparison), *([t("solve.written", file=str(out))] if out else []))


@app.command("robustness", short_help="权重稳健性：权重范围内的稳定性证明，或扰动抽样分析 / weight robustness: proofs or sampling")
def robustness_command(
    scenario: Path = typer.Argument(..., help="情景文件 .toml"),
    samples: int | None = typer.Option(
        None, "--samples", min=0, help="样本数（稳定性分析默认 1000，扰动抽样分析默认 200）/ number of weight samples"
    ),
    seed: int | None = typer.Option(None, "--seed", help="随机种子 / random seed"),
    method: str | None = typer.Option(None, "--method", help="扰动抽样分析：dirichlet | uniform（不给出权重范围时默认 dirichlet）"),
    spread: float | None = typer.Option(None, "--spread", help="dirichlet：集中度（默认 50，越大扰动越小）；uniform：相对幅度（默认 0.2）"),
    relative: float | None = typer.Option(None, "--relative", help="权重范围：各权重 ±x（0.05 即 ±5%）/ every weight ± this fraction"),
    interval: list[str] = typer.Option([], "--interval", help="权重区间 指标=下限:上限（可多次给出）/ criterion=low:high"),
    order: list[str] = typer.Option([], "--order", help="权重顺序 指标>指标>…（可多次给出）/ criterion>criterion>…"),
    time_budget: float | None = typer.Option(None, "--time-budget", min=0.1, help="证明的时间预算（秒，默认 10）/ seconds for the proofs"),
    intervals: bool = typer.Option(True, "--intervals/--no-intervals", help="计算各指标权重的稳定区间 / stability interval per criterion"),
    workers: int = typer.Option(2, "--workers", min=1, help="并行进程数 / worker processes"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    out: Path | None = typer.Option(None, "--out", help="导出 .xlsx / export"),
    as_json: bool = typer.Option(False, "--json", help="在标准输出打印一个 JSON 对象 / print one JSON object"),
) -> None:
    """权重稳健性。给出权重范围（--relative/--interval/--order 或情景中的 [robustness]）时：证明每个村在范围内的
    任意权重下都入选、都不入选或取决于权重，只对后者抽样，并给出各指标的稳定区间；
    否则为扰动抽样分析（按 Dirichlet 或均匀分布扰动权重、逐次重解、统计入选频率）。
    / weight robustness: proofs over a weight region, or the perturbation sampling study."""
    from report.sheets import check_outputs

    if method is not None and method not in ("dirichlet", "uniform"):
        fail(InputError("cli.invalid", [Problem("cli.bad_choice", column="--method", value=method, params={"choices": "dirichlet, uniform"})]))
    spec = _region_option(relative, interval, order)
    try:
        check_outputs([out] if out else [], (".xlsx",), scenario, pool)
    except InputError as error:
        fail(error)
    inputs, scores, selection = _solved(scenario, pool)
    if method is None and (spec is not None or inputs.scenario.robustness is not None):
        _stability(inputs, scores, selection, spec, samples, seed, time_budget, intervals, workers, out, as_json)
        return
    _sampling(inputs, scores, selection, samples or 200, 1 if seed is None else seed, method or "dirichlet", spread, workers, out, as_json)


def _region_option(relative: float | None, interval: list[str], order: list[str]):
    """The weight region written on the command line (None when none is), as the scenario's [robustness] is."""
    from contract.scenario import scenario_from_dict

    if relative is None and not interval and not order:
        return None
    data: dict = {}
    problems = []
    if relative is not None:
        data["relative"] = relative
    for text in interval:
        name, _, span = text.partition("=")
        low, _, high = span.partition(":")
        try:
            data.setdefault("intervals", {})[name.strip()] = [float(low), float(high)]
        except ValueError:
            problems.append(Problem("robustness.bad_interval", column="--interval", value=text))
    for text in order:
        chain = [c.strip() for c in text.replace("≥", ">").split(">") if c.strip()]
        if len(chain) < 2:
            problems.append(Problem("robustness.bad_order", column="--order", value=text))
        data.setdefault("order", []).append(chain)
    if problems:
        fail(InputError("cli.invalid", problems))
    try:
        return scenario_from_dict({"scoring": {"weights": {"x": 1}}, "robustness": data}, "--relative/--interval/--order").robustness
    except InputError as error:
        fail(error)


def _stability(inputs, scores, selection, spec, samples, seed, time_budget, intervals, workers, out, as_json) -> None:
    from rich.console import Console
    from rich.progress import Progress

    from baicun.pipeline import stability_study
    from report.stability import stability_json, stability_lines, write_stability

    count = spec.samples if spec is not None and samples is None else samples
    if count is None:
        count = inputs.scenario.robustness.samples if inputs.scenario.robustness is not None else 1000
    total = count + (len(scores.weights.values) if intervals else 0)
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(t("stab.progress"), total=total)
        try:
            study = stability_study(
                inputs,
                scores,
                selection,
                spec,
                samples=count,
                seed=seed,
                time_budget=time_budget,
                workers=workers,
                intervals=intervals,
                progress=lambda: bar.advance(task),
            )
        except InputError as error:
            fail(error)
    _report(out, as_json, lambda path: write_stability(study, path), lambda: stability_json(study), lambda: stability_lines(inputs.pool, study))


def _sampling(inputs, scores, selection, samples, seed, method, spread, workers, out, as_json) -> None:
    """The earlier study: perturb the weights (Dirichlet or uniform), re-solve each, count frequencies."""
    from rich.console import Console
    from rich.progress import Progress

    from analysis.robustness import robustness
    from report.robustness import robustness_json, robustness_lines, write_robustness

    spread = spread if spread is not None else (50.0 if method == "dirichlet" else 0.2)
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(t("robust.progress"), total=samples)
        study = robustness(inputs.pool, scores, selection, samples, seed, method, spread, workers, lambda: bar.advance(task))
    _report(out, as_json, lambda path: write_robustness(study, path), lambda: robustness_json(study), lambda: robustness_lines(inputs.pool, study))


def _report(out: Path | None, as_json: bool, write, as_object, lines) -> None:
    """A study's three outputs, as every study command gives them: the workbook (``--out``), then one JSON object
    (``--json``) or the terminal lines with where the workbook went."""
    if out is not None:
        write(out)
        written(out)
    if as_json:
        emit_json(as_object())
        return
    echo(*lines(), *([t("solve.written", file=str(out))] if out else []))


# --- explain and preview --------------------------------------------------------------------------------------


def _solved(scenario: Path, pool: Path | None, adjust=None):
    """Load (then ``adjust`` the inputs, if given), score and solve, reporting bad input (exit 2) and
    infeasibility (exit 1) the same way as ``solve``."""
    from baicun.pipeline import load_inputs, solve
    from solver.solve import CheckFailed

    try:
        inputs = load_inputs(scenario, pool, solving=True)
        if adjust is not None:
            inputs = adjust(inputs)
        scores, selection = solve(inputs)
    except InputError as error:
        fail(error)
    except CheckFailed as error:
        say(t("solve.check_failed", detail="; ".join(p.render() for p in error.problems)))
        raise typer.Exit(EXIT_CHECK_FAILED) from None
    if not selection.found:
        raise typer.Exit(no_solution(selection))
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
    county: str = typer.Option(..., "--county", help="县(市、区)：名称、县级代码（6 位）或 市/县 / county name, 6-digit code or city/county"),
    pool: Path | None = typer.Option(None, "--pool", help="村庄库文件（覆盖情景中的 pool）"),
    application: Path | None = typer.Option(None, "--application", help="本县申报文件，并入省级村庄库后预审 / the county's own file"),
) -> None:
    """县级预审：本县各村的资格、得分、排名与入选线的距离 / a county's villages under the scenario."""
    from baicun.pipeline import county as county_preview
    from baicun.pipeline import county_named, outcome, with_application
    from report.text import preview_lines

    chosen = {}

    def with_county(inputs):
        chosen["county"] = county_named(inputs, county) if application is None else _application_county(inputs, county, application)
        return with_application(inputs, application, chosen["county"]) if application is not None else inputs

    inputs, scores, selection = _solved(scenario, pool, with_county)
    result = outcome(inputs, scores, selection, stable=None)
    echo(*preview_lines(result, county_preview(result, chosen["county"])))


def _application_county(inputs, county: str, application: Path) -> str:
    """The county an application is for: named in the provincial pool, or (a county new to the pool) as the
    application names it."""
    from baicun.pipeline import county_named
    from pool.read import read_pool

    try:
        return county_named(inputs, county)
    except InputError:
        own = read_pool(application, region=inputs.loaded.scenario.region)
        if county in set(own.frame["county"]) or county in set(own.frame["county_place"]):
            return county
        raise


# --- a server for the province: users, audit trail, serve --------------------------------------------------------

users_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True, help="服务器用户：添加、列表、解锁 / server users: add, list, unlock")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="用户名"),
    role: str = typer.Option(..., "--role", help="panel（省级评审）| county（县级，须 --county）| viewer（只读）"),
    county: str | None = typer.Option(None, "--county", help="县级用户所属县的 6 位代码，如 220182"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="从标准输入读一行作为密码（脚本用）"),
    db: str | None = DB_OPTION,
) -> None:
    """添加一个用户（密码以 argon2id 散列保存）/ add a user (the password is kept as an argon2id hash)."""
    from store.access import add_user
    from store.audit import record
    from store.runs import open_store

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(t("user.password_prompt"), hide_input=True, confirmation_prompt=True)
    engine = open_store(db)
    try:
        account = add_user(engine, name, password, role, county)
    except InputError as error:
        fail(error)
    record(engine, _os_user(), "cli", "user_add", {"name": account.name, "role": account.role, "county": account.county})
    echo(t("user.added", name=account.name, role=t(f"role.{account.role}"), county=account.county or "—"))


@users_app.command("list")
def users_list(db: str | None = DB_OPTION) -> None:
    """列出用户、角色、所属县、是否被锁定 / list users, roles, counties and locks."""
    import pandas as pd

    from report.tables import column_name
    from report.text import table_of
    from store.access import users
    from store.runs import open_store

    rows = [
        {"user": a.name, "role": t(f"role.{a.role}"), "county": a.county or "", "failures": failures, "locked_until": until or ""}
        for a, failures, until in users(open_store(db))
    ]
    echo(table_of(pd.DataFrame(rows).rename(columns=column_name)) if rows else t("user.none"))


@users_app.command("unlock")
def users_unlock(name: str = typer.Argument(...), db: str | None = DB_OPTION) -> None:
    """解除因多次登录失败造成的锁定 / lift a lock-out after repeated failed sign-ins."""
    from store.access import unlock
    from store.audit import record
    from store.runs import open_store

    engine = open_store(db)
    if not unlock(engine, name):
        fail(InputError("cli.invalid", [Problem("user.unknown", value=name)]))
    record(engine, _os_user(), "cli", "user_unlock", {"name": name})
    echo(t("user.unlocked", name=name))


def _os_user() -> str:
    import getpass

    return getpass.getuser()


@app.command("audit")
def audit_command(
    db: str | None = DB_OPTION,
    limit: int = typer.Option(100, "--limit"),
    user: str | None = typer.Option(None, "--user", help="只列这个用户的"),
    action: str | None = typer.Option(None, "--action", help="只列这一种操作（solve、rule、publish、sign_in …）"),
    as_json: bool = typer.Option(False, "--json", help="每行一个 JSON 对象"),
) -> None:
    """审计记录：谁在何时登录、求解、改规则（含改动）、上传、发布 / the audit trail, newest first."""
    import json

    import pandas as pd

    from report.tables import column_name
    from report.text import table_of
    from store.audit import events
    from store.runs import open_store

    found = events(open_store(db), limit, user, action)
    if as_json:
        for e in found:
            emit_json(
                {"id": e.id, "at": e.at.isoformat(), "user": e.user, "role": e.role, "action": e.action} | {"run_id": e.run_id, "detail": e.detail}
            )
        return
    if not found:
        echo(t("audit.none"))
        return
    rows = [
        {
            "entry": e.id,
            "time": e.at.strftime("%Y-%m-%d %H:%M:%S"),
            "user": e.user,
            "role": e.role,
            "action": t(f"audit.{e.action}"),
            "run": e.run_id or "",
            "detail": json.dumps(e.detail, ensure_ascii=False)[:200],
        }
        for e in found
    ]
    echo(table_of(pd.DataFrame(rows).rename(columns=column_name)))


@app.command("serve")
def serve(
    db: str | None = typer.Option(None, "--db", help="共享数据库：postgresql://用户@主机/库（多人用），或 SQLite 文件（默认）"),
    address: str = typer.Option("127.0.0.1", "--address", help="监听地址（内网服务器填本机内网地址或 0.0.0.0）"),
    port: int = typer.Option(8501, "--port"),
) -> None:
    """多人使用的网页服务：登录、角色（省级评审 / 县级 / 只读）、审计记录 / the app for many users: sign-in, roles, audit."""
    from store.runs import database_url, open_store

    url = database_url(db) if db else None
    open_store(url)  # tables made (and the database reachable) before the first browser arrives
    raise typer.Exit(_streamlit(port, address, dict(os.environ, BAICUN_SERVER="1", **({"BAICUN_DB": url} if url else {}))))


@app.command("app")
def run_app(
    port: int = typer.Option(8501, help="端口"),
    address: str = typer.Option("127.0.0.1", help="监听地址（局域网共享用 0.0.0.0）"),
    db: str | None = DB_OPTION,
):
    """启动评审会用的网页界面（Streamlit，离线运行）；每次求解都存入运行记录（与命令行同一个数据库）。"""
    raise typer.Exit(_streamlit(port, address, dict(os.environ, **({"BAICUN_DB": db} if db else {}))))


def _streamlit(port: int, address: str, environment: dict) -> int:
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
    if os.name == "posix":  # streamlit becomes this process: stopping `baicun serve` stops the server, no orphan
        os.chdir(root)
        os.execve(sys.executable, command, environment)
    with subprocess.Popen(command, cwd=root, env=environment) as server:
        try:
            return server.wait()
        finally:
            server.terminate()  # Windows: the server ends with this command


def lang_first(argv: list[str]) -> list[str]:
    """``--lang X`` is an option of ``baicun`` itself; given after the command (``baicun pool check f.csv --lang
    en``), as people write it, it is moved in front of the command rather than refused. Nothing after ``--``."""
    end = argv.index("--") if "--" in argv else len(argv)
    front, rest, i = [], [], 0
    while i < end:
        if argv[i] == "--lang" and i + 1 < end:
            front += argv[i : i + 2]
            i += 2
            continue
        (front if argv[i].startswith("--lang=") else rest).append(argv[i])
        i += 1
    return front + rest + argv[end:]


def main() -> None:
    sys.argv[1:] = lang_first(sys.argv[1:])
    try:
        _main()
    except SystemExit as done:
        highs = sys.modules.get("solver.backends.highs")
        if highs is not None and highs.abandoned_runs():  # see solver.backends.highs.abandoned_runs
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(done.code if isinstance(done.code, int) else 0)
        raise
    finally:
        # Every object alive now lives until exit: moved to the collector's permanent generation, the collections
        # that run while the interpreter shuts down skip them. That shutdown took 0.16 s after pandas and 0.25 s
        # after pandas + pandera — a sixth of `pool check` (bench/bench_commands.py). atexit handlers and the
        # closing of files still run as usual (https://docs.python.org/3/library/gc.html#gc.freeze).
        gc.freeze()


def _main() -> None:
    try:
        app()
    except InputError as error:  # a bad input that escaped a command's own handling
        say(error.render(limit=200))
        sys.exit(EXIT_BAD_INPUT)
    except Exception:  # a bug: a short message for the user, the traceback in a file for the developers
        if os.environ.get("BAICUN_DEBUG"):
            raise
        log = Path(tempfile.gettempdir()) / "baicun-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        if WRITTEN:
            say(t("cli.internal_error_after_write", log=str(log), files="、".join(str(p) for p in WRITTEN)))
        else:
            say(t("cli.internal_error", log=str(log)))
        sys.exit(EXIT_INTERNAL)
