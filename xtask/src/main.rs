//! `cargo xtask`: raftsim's build and test entry point, called by `./dev`.
//!
//! It reads `wasm-pack.toml` (the pinned wasm build and browser-test settings) and runs:
//! - `build-wasm`: wasm-pack build, then wasm-opt with the pinned flags, into `web/pkg`;
//! - `serve [--port N]`: build-wasm, then serve `web/` on 127.0.0.1;
//! - `test [STEP...]`: every check, or only the named steps, then one summary line.

mod serve;
mod settings;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use settings::Settings;

const USAGE: &str = "\
usage: cargo xtask <command>   (or ./dev <command>, which installs what is missing first)

commands:
  build-wasm           build the wasm module into the out_dir of wasm-pack.toml
  serve [--port N]     build-wasm, then serve web/ on http://127.0.0.1:N/ (default 8080)
  bench                the standard workload natively and in headless Chromium and Firefox
                       (wasm), with the ratios and the wasm size; then the page's figures
                       and the page left playing (bench long)
  bench long [EVENTS]  only the page left playing, to EVENTS (20M): wasm memory and events/s
                       with every panel open and closed at each million; the first frame on
                       a throttled network, and what each file costs
  test [STEP...]       run every test step, or only those named, in this order:
                       format lints native sweeps wasm browsers page
                       (lints: clippy natively and for wasm, then tsc --noEmit over web/js
                       against the generated d.ts, building the wasm first if it is stale;
                       native: cargo test, the quick tier; sweeps: the core's long tests;
                       page: the page's end-to-end tests in Chromium and Firefox)";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf();
    let settings = match Settings::load(&root) {
        Ok(settings) => settings,
        Err(problem) => return fail(&problem),
    };
    let result = match arguments.first().map(String::as_str) {
        Some("build-wasm") => build_wasm(&root, &settings),
        Some("serve") => serve_page(&root, &settings, &arguments[1..]),
        Some("bench") if arguments.get(1).is_some_and(|word| word == "long") => {
            build_wasm(&root, &settings).and_then(|()| bench_long_run(&root, &settings, arguments.get(2)))
        }
        Some("bench") => bench(&root, &settings),
        Some("test") => return run_tests(&root, &settings, &arguments[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("expected a command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => fail(&problem),
    }
}

fn fail(problem: &str) -> ExitCode {
    eprintln!("xtask: {problem}");
    ExitCode::FAILURE
}

/// Runs a command, echoing it; an error names the command and its exit status.
fn run(command: &mut Command) -> Result<(), String> {
    eprintln!("+ {}", describe(command));
    let status = command.status().map_err(|error| format!("cannot start {}: {error}", describe(command)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} failed ({status})", describe(command)))
    }
}

fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(command.get_args().map(|argument| argument.to_string_lossy().into_owned()));
    words.join(" ")
}

fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.current_dir(root);
    command
}

/// Finds a program: a path as it is, a bare name on PATH.
fn locate(program: &str) -> Result<PathBuf, String> {
    if program.contains('/') {
        let path = PathBuf::from(program);
        return if path.is_file() { Ok(path) } else { Err(format!("{program} is missing; ./dev installs it")) };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|directory| directory.join(program))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| format!("{program} is not on PATH; ./dev installs it"))
}

// ---- build-wasm ----

fn build_wasm(root: &Path, settings: &Settings) -> Result<(), String> {
    build_wasm_into(root, settings, &settings.out_dir(root), &[])
}

/// The wasm build of wasm-pack.toml into `out_dir`, with the wasm crate's `features` on.
fn build_wasm_into(root: &Path, settings: &Settings, out_dir: &Path, features: &[&str]) -> Result<(), String> {
    let build = &settings.build;
    let profile_flag = if build.profile == "release" { "--release" } else { "--dev" };
    let mut command = Command::new(locate("wasm-pack")?);
    command.current_dir(root);
    command.args(["build", "--no-pack", "--no-opt", "--mode", "no-install", "--target", &build.target, profile_flag]);
    command.arg("--out-dir").arg(out_dir).arg(settings.crate_dir(root));
    if !features.is_empty() {
        command.arg("--").arg("--features").arg(features.join(","));
    }
    run(&mut command)?;
    let module = wasm_module_path(out_dir)?;
    let wasm_opt = root.join(&build.wasm_opt_program);
    run(Command::new(locate(&wasm_opt.to_string_lossy())?).args(&build.wasm_opt).arg(&module).arg("-o").arg(&module))?;
    let (raw, gzipped) = module_sizes(&module)?;
    println!("wasm: {} is {raw} bytes, {gzipped} bytes gzipped", module.display());
    Ok(())
}

fn wasm_module_path(out_dir: &Path) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(out_dir).map_err(|error| format!("{}: {error}", out_dir.display()))?;
    entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| path.to_string_lossy().ends_with("_bg.wasm"))
        .ok_or_else(|| format!("no *_bg.wasm in {}", out_dir.display()))
}

fn module_sizes(module: &Path) -> Result<(u64, u64), String> {
    let raw = std::fs::metadata(module).map_err(|error| error.to_string())?.len();
    let gzip =
        Command::new("gzip").arg("-9").arg("-c").arg(module).output().map_err(|error| format!("gzip: {error}"))?;
    Ok((raw, gzip.stdout.len() as u64))
}

// ---- serve ----

fn serve_page(root: &Path, settings: &Settings, arguments: &[String]) -> Result<(), String> {
    let port = match arguments {
        [] => 8080,
        [flag, value] if flag == "--port" => {
            value.parse().map_err(|_| format!("--port takes a number, not '{value}'"))?
        }
        _ => return Err(format!("serve takes only --port N\n\n{USAGE}")),
    };
    build_wasm(root, settings)?;
    let listener = serve::bind(port)?;
    let address = listener.local_addr().map_err(|error| error.to_string())?;
    println!("raftsim: serving {} at http://{address}/ (Ctrl-C stops)", root.join("web").display());
    serve::run(listener, vec![("/".into(), root.join("web"))]);
    Ok(())
}

// ---- bench ----

/// The standard workload (5 nodes, default swarm, 3 clients, 10 s simulated, every check on)
/// natively, in headless Chromium and in headless Firefox (wasm), side by side: tests/bench/run.mjs
/// takes `ROUNDS` rounds, each running the same seeds on all three one after the other. The
/// browsers also run a second build of the module with the talc crate's allocator (`--features
/// talc`) in place of raftsim-alloc's, in the same rounds.
fn bench(root: &Path, settings: &Settings) -> Result<(), String> {
    const SEEDS: u32 = 40;
    const ROUNDS: u32 = 5;
    run(cargo(root).args(["build", "--release", "--quiet", "-p", "raftsim"]))?;
    build_wasm(root, settings)?;
    let talc_pkg = scratch(root, "talc-pkg")?;
    build_wasm_into(root, settings, &talc_pkg, &["talc"])?;
    let directory = scratch(root, "bench")?;
    let mut command = Command::new("node");
    command.current_dir(root).arg(root.join("tests/bench/run.mjs")).arg(root.join("target/release/raftsim"));
    command.arg(SEEDS.to_string()).arg(ROUNDS.to_string()).arg(&directory).arg(&talc_pkg);
    command.env("RAFTSIM_CHROMIUM", &settings.test.chromium);
    command.env("RAFTSIM_CHROMIUM_ARGS", settings.test.chromium_args.join(" "));
    command.env("RAFTSIM_FIREFOX", &settings.test.firefox);
    eprintln!("+ {}", describe(&command));
    let output = command.output().map_err(|error| format!("cannot start node: {error}"))?;
    if !output.status.success() {
        return Err(format!("the benchmark failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let figures = json_value(String::from_utf8_lossy(&output.stdout).trim())?;
    let engines = [
        ("native", "native"),
        ("Chromium", "chromium"),
        ("Chromium, talc", "chromium-talc"),
        ("Firefox", "firefox"),
        ("Firefox, talc", "firefox-talc"),
    ];
    let mut summaries = Vec::new();
    for (label, key) in engines {
        let samples = figures["samples"][key].as_array().ok_or_else(|| format!("no {key} samples: {figures}"))?;
        summaries.push((label, EngineSummary::of(samples)?));
    }
    let events = summaries[0].1.events;
    if let Some((label, _)) = summaries.iter().find(|(_, summary)| summary.events != events) {
        return Err(format!("{label} ran a different number of events than native: the engines disagree"));
    }
    let (raw, gzipped) = module_sizes(&wasm_module_path(&settings.out_dir(root))?)?;
    println!("standard workload: default scenario, 5 nodes, swarm faults, 3 clients, 10 s simulated, every check on, {SEEDS} seeds ({events} events), one core");
    println!(
        "  {ROUNDS} rounds, each running native, Chromium and Firefox in turn (browsers warmed up first); events/s:"
    );
    println!("                     best (wall)   median (wall)   best per CPU second   ratio to native (best wall, best CPU)");
    let native = summaries[0].1.clone();
    for (label, summary) in &summaries {
        let ratios = if *label == "native" {
            String::new()
        } else {
            format!(
                "{:>5.0}%, {:>4.0}%",
                100.0 * summary.best_wall / native.best_wall,
                100.0 * summary.best_cpu / native.best_cpu
            )
        };
        println!(
            "  {label:<16} {:>12.0}   {:>13.0}   {:>19.0}   {ratios}",
            summary.best_wall, summary.median_wall, summary.best_cpu
        );
    }
    if let Some(versions) = figures["versions"].as_object() {
        let names: Vec<String> = versions.values().filter_map(|version| version.as_str().map(String::from)).collect();
        println!("  browsers          {}", names.join(", "));
    }
    println!("  wasm module       {raw} bytes, {gzipped} bytes gzipped");
    let (raw, gzipped) = module_sizes(&wasm_module_path(&talc_pkg)?)?;
    println!("  with talc         {raw} bytes, {gzipped} bytes gzipped");
    compare_allocators(&summaries);
    bench_page(root, settings)?;
    bench_allocator_memory(root, settings, &talc_pkg)?;
    bench_long_run(root, settings, None)
}

/// The page left playing (tests/bench/long-run.mjs, headless Chromium): the default preset at
/// 9 nodes and 64 clients, as fast as it goes, to `events` (20M by default). Issue #27's bar:
/// at 20M events the wasm memory under 300 MB, and events/s with every panel open within 1.5×
/// of every panel closed.
fn bench_long_run(root: &Path, settings: &Settings, events: Option<&String>) -> Result<(), String> {
    let events = events.map_or("20000000", String::as_str);
    let mut command = Command::new("node");
    command.current_dir(root).arg("tests/bench/long-run.mjs").arg(root.join("web")).arg(events);
    command.env("RAFTSIM_CHROMIUM", &settings.test.chromium);
    command.env("RAFTSIM_CHROMIUM_ARGS", settings.test.chromium_args.join(" "));
    eprintln!("+ {}", describe(&command));
    let output = command.output().map_err(|error| format!("cannot start node: {error}"))?;
    if !output.status.success() {
        return Err(format!("the long-run benchmark failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    print_long_run(&json_value(String::from_utf8_lossy(&output.stdout).trim())?);
    Ok(())
}

fn print_long_run(figures: &serde_json::Value) {
    println!("page on a throttled network (10 Mbit/s, 40 ms round trip, cache off; headless Chromium):");
    for (label, key) in [("gzip", "first_frame_throttled"), ("uncompressed", "first_frame_throttled_uncompressed")] {
        let first = &figures[key];
        println!(
            "  first frame, {label:<12} median {} ms, worst {} ms of 3; {} bytes on the wire",
            first["median_ms"], first["worst_ms"], first["bytes_on_wire"]
        );
    }
    if let Some(files) = figures["transfer"].as_array() {
        let total: f64 = files.iter().filter_map(|file| file["gzipped"].as_f64()).sum();
        println!("  transfer          {:.0} KB gzipped in all; at 10 Mbit/s each costs:", total / 1e3);
        for file in files.iter().take(6) {
            let gzipped = file["gzipped"].as_f64().unwrap_or(0.0);
            println!(
                "    {:<28} {:>7.1} KB gzipped ({:>7.1} KB raw), {:>4.0} ms",
                file["file"].as_str().unwrap_or("?"),
                gzipped / 1e3,
                file["raw"].as_f64().unwrap_or(0.0) / 1e3,
                gzipped * 8.0 / 10e6 * 1e3
            );
        }
    }
    println!("page left playing: default preset, 9 nodes, 64 clients, as fast as it goes (headless Chromium):");
    println!("       events   wasm memory   events/s panels open   closed   ratio   frames/s open, closed");
    for milestone in figures["milestones"].as_array().into_iter().flatten() {
        let open = milestone["open"]["events_per_second"].as_f64().unwrap_or(f64::NAN);
        let closed = milestone["closed"]["events_per_second"].as_f64().unwrap_or(f64::NAN);
        println!(
            "  {:>11}   {:>8.1} MB   {:>19.0}   {:>6.0}   {:>5.2}   {}, {}",
            milestone["events"],
            milestone["wasm_memory_bytes"].as_f64().unwrap_or(f64::NAN) / 1e6,
            open,
            closed,
            closed / open,
            milestone["open"]["frames_per_second"],
            milestone["closed"]["frames_per_second"]
        );
    }
}

/// Talc's rates as a share of raftsim-alloc's, per browser, by best wall and best CPU.
fn compare_allocators(summaries: &[(&str, EngineSummary)]) {
    let find = |wanted: &str| summaries.iter().find(|(label, _)| *label == wanted).map(|(_, summary)| summary);
    println!("  talc against raftsim-alloc (its rate as a share of ours; over 100% is talc faster):");
    for browser in ["Chromium", "Firefox"] {
        if let (Some(ours), Some(talc)) = (find(browser), find(&format!("{browser}, talc"))) {
            println!(
                "    {browser:<14} best wall {:>5.1}%, median wall {:>5.1}%, best CPU {:>5.1}%",
                100.0 * talc.best_wall / ours.best_wall,
                100.0 * talc.median_wall / ours.median_wall,
                100.0 * talc.best_cpu / ours.best_cpu
            );
        }
    }
}

/// The page's wasm memory after 100k and 1M events with each allocator (tests/bench/page.mjs
/// --memory-only, in headless Chromium): web/ as it is, then web/ with the talc build as pkg/.
fn bench_allocator_memory(root: &Path, settings: &Settings, talc_pkg: &Path) -> Result<(), String> {
    let talc_web = scratch(root, "talc-web")?;
    for entry in std::fs::read_dir(root.join("web")).map_err(|error| error.to_string())? {
        let entry = entry.map_err(|error| error.to_string())?;
        let target = if entry.file_name() == "pkg" { talc_pkg.to_path_buf() } else { entry.path() };
        std::os::unix::fs::symlink(target, talc_web.join(entry.file_name())).map_err(|error| error.to_string())?;
    }
    println!("page's wasm memory by allocator (headless Chromium, the page bench's heavy run):");
    for (label, web) in [("raftsim-alloc", root.join("web")), ("talc", talc_web)] {
        let mut command = Command::new("node");
        command.current_dir(root).arg("tests/bench/page.mjs").arg(&web).arg("--memory-only");
        command.env("RAFTSIM_CHROMIUM", &settings.test.chromium);
        command.env("RAFTSIM_CHROMIUM_ARGS", settings.test.chromium_args.join(" "));
        eprintln!("+ {}", describe(&command));
        let output = command.output().map_err(|error| format!("cannot start node: {error}"))?;
        if !output.status.success() {
            return Err(format!("the memory benchmark failed: {}", String::from_utf8_lossy(&output.stderr)));
        }
        let page = json_value(String::from_utf8_lossy(&output.stdout).trim())?;
        let figures: Vec<String> = ["memory_start", "memory_100k", "memory_1m"]
            .iter()
            .map(|key| {
                let memory = &page[*key];
                let bytes = memory["wasm_memory_bytes"].as_f64().unwrap_or(f64::NAN);
                format!("{} events {:.1} MB", memory["events"], bytes / 1e6)
            })
            .collect();
        println!("  {label:<14} {}", figures.join(", "));
    }
    Ok(())
}

/// One engine's samples of the standard workload, summarised.
#[derive(Clone, Debug)]
struct EngineSummary {
    events: u64,
    best_wall: f64,
    median_wall: f64,
    best_cpu: f64,
}

impl EngineSummary {
    fn of(samples: &[serde_json::Value]) -> Result<EngineSummary, String> {
        let figure = |sample: &serde_json::Value, key: &str| {
            sample[key].as_f64().ok_or_else(|| format!("a benchmark sample has no {key}: {sample}"))
        };
        let mut wall =
            samples.iter().map(|sample| figure(sample, "events_per_second")).collect::<Result<Vec<_>, _>>()?;
        let cpu =
            samples.iter().map(|sample| figure(sample, "events_per_cpu_second")).collect::<Result<Vec<_>, _>>()?;
        let events = samples.first().map(|sample| figure(sample, "events")).transpose()?.ok_or("no samples")?;
        wall.sort_by(f64::total_cmp);
        Ok(EngineSummary {
            events: events as u64,
            best_wall: wall[wall.len() - 1],
            median_wall: wall[wall.len() / 2],
            best_cpu: cpu.iter().copied().fold(0.0, f64::max),
        })
    }
}

/// The page's own figures in headless Chromium (tests/bench/page.mjs): first frame, frame
/// times with 9 nodes under heavy traffic, memory at 100k and 1M events, transfer size, and
/// the time to a new frame after a step back or a scrubber jump on a 1M-event run.
fn bench_page(root: &Path, settings: &Settings) -> Result<(), String> {
    let mut command = Command::new("node");
    command.current_dir(root).arg("tests/bench/page.mjs").arg(root.join("web"));
    command.env("RAFTSIM_CHROMIUM", &settings.test.chromium);
    command.env("RAFTSIM_CHROMIUM_ARGS", settings.test.chromium_args.join(" "));
    eprintln!("+ {}", describe(&command));
    let output = command.output().map_err(|error| format!("cannot start node: {error}"))?;
    if !output.status.success() {
        return Err(format!("the page benchmark failed: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let page = json_value(String::from_utf8_lossy(&output.stdout).trim())?;
    print_page_figures(&page);
    Ok(())
}

fn print_page_figures(page: &serde_json::Value) {
    let megabytes =
        |value: &serde_json::Value| value.as_f64().map_or("n/a".into(), |bytes| format!("{:.1} MB", bytes / 1e6));
    println!("page in headless Chromium");
    let transfer = &page["transfer"];
    println!(
        "  transfer          {} bytes gzipped ({} raw): wasm + JS + CSS + HTML",
        transfer["gzipped_bytes"], transfer["raw_bytes"]
    );
    println!(
        "  first frame       {} ms after navigation (median of 5; worst {} ms)",
        page["first_frame"]["median_ms"], page["first_frame"]["worst_ms"]
    );
    println!("  frames, 9 nodes, 10 clients, 5% drops (work in the frame callback; interval between frames):");
    if let Some(speeds) = page["frames"].as_object() {
        for (speed, figures) in speeds {
            println!(
                "    {speed:<20} work median {} ms, p95 {} ms; interval median {} ms, p95 {} ms; {} of {} frames over 25 ms; {} events/s",
                figures["work_median_ms"],
                figures["work_p95_ms"],
                figures["interval_median_ms"],
                figures["interval_p95_ms"],
                figures["frames_over_25ms"],
                figures["frames"],
                figures["events_per_second"]
            );
        }
    }
    for key in ["memory_start", "memory_100k", "memory_1m"] {
        let memory = &page[key];
        println!(
            "  after {:>9} events: JS heap {}, wasm memory {}",
            memory["events"],
            megabytes(&memory["js_heap_bytes"]),
            megabytes(&memory["wasm_memory_bytes"])
        );
    }
    println!("  time to the next frame on a run of {} events:", page["events_at_jumps"]);
    if let Some(jumps) = page["time_to_frame_at_1m_events"].as_object() {
        for (jump, figures) in jumps {
            println!(
                "    {jump:<20} handler (the replay) {} ms; to the new frame median {} ms, worst {} ms",
                figures["handler_median_ms"], figures["frame_median_ms"], figures["frame_worst_ms"]
            );
        }
    }
}

fn json_value(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|error| format!("bad JSON from the benchmark: {error}: {text}"))
}

// ---- test ----

/// The steps in the order they run, cheapest first, so that a failure shows as early as it can:
/// on the shared two-core machine format took 1 s, lints 31 s, native 236 s (a cold build),
/// sweeps 100 to 250 s, wasm 93 s, browsers 227 s, page 390 s. The sweeps come right after the
/// native tests: they fail on what a change to the engine breaks most often.
const STEPS: [&str; 7] = ["format", "lints", "native", "sweeps", "wasm", "browsers", "page"];

fn run_tests(root: &Path, settings: &Settings, only: &[String]) -> ExitCode {
    if let Some(unknown) = only.iter().find(|step| !STEPS.contains(&step.as_str())) {
        return fail(&format!("unknown step '{unknown}'\n\n{USAGE}"));
    }
    let mut outcomes = Vec::new();
    for step in STEPS.iter().filter(|step| only.is_empty() || only.iter().any(|name| name == *step)) {
        eprintln!("\n=== {step}");
        let started = Instant::now();
        let result = match *step {
            "format" => run(cargo(root).args(["fmt", "--all", "--check"])),
            "lints" => lints(root, settings),
            "native" => native_tests(root),
            "wasm" => build_wasm(root, settings),
            "browsers" => browser_tests(root, settings),
            "page" => page_tests(root, settings),
            "sweeps" => sweep_tests(root),
            _ => unreachable!("steps are checked above"),
        };
        outcomes.push((*step, started.elapsed().as_secs_f64(), result));
    }
    eprintln!();
    for (step, seconds, result) in &outcomes {
        match result {
            Ok(()) => println!("step {step:<9} passed  {seconds:6.1} s"),
            Err(problem) => println!("step {step:<9} FAILED  {seconds:6.1} s  {problem}"),
        }
    }
    let failed = outcomes.iter().filter(|(_, _, result)| result.is_err()).count();
    println!("steps: {} passed, {failed} failed", outcomes.len() - failed);
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The packages the native steps build, always the same set: cargo unifies features over the
/// packages it builds, so another set (`-p raftsim-core`, say) would build the core again.
const NATIVE_PACKAGES: [&str; 3] = ["--workspace", "--exclude", "raftsim-wasm"];

/// The workspace's tests natively, the quick tier (the sweeps are a step of their own), and the
/// wasm crate's own unit tests (its layout geometry and named partitions are plain Rust); its
/// browser tests run in the browsers step.
fn native_tests(root: &Path) -> Result<(), String> {
    run(cargo(root).arg("test").args(NATIVE_PACKAGES))?;
    run(cargo(root).args(["test", "-p", "raftsim-wasm", "--lib"]))
}

/// The sweep tier: the core's test binary that plain `cargo test` leaves out (`test = false`),
/// with the native step's packages, so that it reuses that step's build of the core.
fn sweep_tests(root: &Path) -> Result<(), String> {
    run(cargo(root).arg("test").args(NATIVE_PACKAGES).args(["--test", "sweeps"]))
}

fn lints(root: &Path, settings: &Settings) -> Result<(), String> {
    run(cargo(root).args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    // `--all-targets` means the targets `cargo test` builds: not the sweeps (`test = false`).
    run(cargo(root).args(["clippy", "--workspace", "--test", "sweeps", "--", "-D", "warnings"]))?;
    // The wasm crate as the browser gets it, tests included.
    run(cargo(root)
        .args(["clippy", "-p", "raftsim-wasm", "--target", "wasm32-unknown-unknown", "--all-targets"])
        .args(["--", "-D", "warnings"]))?;
    type_check_page(root, settings)
}

/// `tsc --noEmit` over the page's JS (`// @ts-check` in every module), against the engine's
/// generated `raftsim_wasm.d.ts`: a field or method renamed in the wasm crate fails here with
/// the JS lines that still use the old name. The declarations are built first when missing or
/// older than the wasm crate's sources (they change only with those).
fn type_check_page(root: &Path, settings: &Settings) -> Result<(), String> {
    let declarations = settings.out_dir(root).join("raftsim_wasm.d.ts");
    if is_stale(&declarations, &root.join("wasm/src"))? {
        eprintln!("xtask: {} is missing or older than wasm/src: building the wasm first", declarations.display());
        build_wasm(root, settings)?;
    }
    let tsc = root.join("node_modules/.bin/tsc");
    run(Command::new(locate(&tsc.to_string_lossy())?).current_dir(root).args(["--noEmit", "-p", "web/jsconfig.json"]))
}

/// Whether `made` is missing or older than some file under `sources`.
fn is_stale(made: &Path, sources: &Path) -> Result<bool, String> {
    let Ok(made_at) = std::fs::metadata(made).and_then(|metadata| metadata.modified()) else { return Ok(true) };
    let mut directories = vec![sources.to_path_buf()];
    while let Some(directory) = directories.pop() {
        let entries = std::fs::read_dir(&directory).map_err(|error| format!("{}: {error}", directory.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                directories.push(path);
            } else if entry.metadata().and_then(|metadata| metadata.modified()).is_ok_and(|at| at > made_at) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// A scratch directory under `target/xtask`, emptied first.
fn scratch(root: &Path, name: &str) -> Result<PathBuf, String> {
    let directory = root.join("target/xtask").join(name);
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).map_err(|error| format!("{}: {error}", directory.display()))?;
    Ok(directory)
}

/// `wasm-pack test` in the pinned browsers, with the drivers and browser binaries of
/// wasm-pack.toml passed through a generated webdriver.json.
fn browser_tests(root: &Path, settings: &Settings) -> Result<(), String> {
    let test = &settings.test;
    let directory = scratch(root, "webdriver")?;
    let mut chromium_args = test.chromium_args.clone();
    chromium_args.push(format!("--user-data-dir={}", directory.join("chromium-profile").display()));
    let capabilities = format!(
        r#"{{"goog:chromeOptions": {{"binary": {chromium:?}, "args": {args}}}, "moz:firefoxOptions": {{"binary": {firefox:?}, "args": ["-headless"]}}}}"#,
        chromium = test.chromium,
        args = json_strings(&chromium_args),
        firefox = test.firefox,
    );
    let webdriver_json = directory.join("webdriver.json");
    std::fs::write(&webdriver_json, capabilities).map_err(|error| error.to_string())?;

    let mut command = Command::new(locate("wasm-pack")?);
    command.current_dir(root).args(["test", "--mode", "no-install"]);
    if test.headless {
        command.arg("--headless");
    }
    for browser in &test.browsers {
        match browser.as_str() {
            "chrome" => command.arg("--chrome").arg("--chromedriver").arg(locate(&test.chromedriver)?),
            _ => command.arg("--firefox").arg("--geckodriver").arg(locate(&test.geckodriver)?),
        };
    }
    if test.profile == "release" {
        command.arg("--release");
    }
    command.arg(settings.crate_dir(root));
    command.env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json);
    command.env("WASM_BINDGEN_TEST_TIMEOUT", test.timeout_seconds.to_string());
    run(&mut command)
}

fn json_strings(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|value| format!("{value:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// The page's end-to-end tests (`tests/e2e/*.test.mjs`, run by `node --test`): they serve
/// `web/` themselves and drive the browsers of wasm-pack.toml through puppeteer-core, Chromium
/// over CDP and Firefox over WebDriver BiDi, and the hunt's run the CLI (built first, passed as
/// RAFTSIM_CLI). Screenshots land in target/e2e/<browser>/.
fn page_tests(root: &Path, settings: &Settings) -> Result<(), String> {
    wasm_module_path(&settings.out_dir(root)).map_err(|problem| format!("{problem}: run the wasm step first"))?;
    // The hunt's tests run the command line on what the page found and exported (the native
    // step has usually built it already).
    run(cargo(root).args(["build", "--quiet", "-p", "raftsim"]))?;
    let _ = std::fs::remove_dir_all(root.join("target/e2e"));
    let mut command = Command::new("node");
    command.current_dir(root).args(["--test", "--test-reporter=spec", "tests/e2e/"]);
    command.env("RAFTSIM_CLI", root.join("target/debug/raftsim"));
    command.env("RAFTSIM_CHROMIUM", &settings.test.chromium);
    command.env("RAFTSIM_FIREFOX", &settings.test.firefox);
    command.env("RAFTSIM_CHROMIUM_ARGS", settings.test.chromium_args.join(" "));
    run(&mut command)?;
    println!("page: every case passed in Chromium and Firefox; screenshots in {}", root.join("target/e2e").display());
    Ok(())
}
