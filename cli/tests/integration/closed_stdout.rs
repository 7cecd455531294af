//! `raftsim ... | head`: a command whose reader goes away early ends quietly with status 0,
//! not with a panic and a backtrace.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use raftsim_core::scenario::share::encode;
use raftsim_core::scenario::{preset, RunSpec};

/// Runs `raftsim` with `arguments`, reads the first line of its output, closes the pipe and
/// checks that the command then ended quietly with status 0. The commands given print far more
/// than a pipe holds (64 KiB on Linux), so they do write after the reader has gone.
fn closes_early(arguments: &[&str], first_line_start: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("raftsim starts");
    let mut reader = BufReader::new(child.stdout.take().expect("piped"));
    let mut first_line = String::new();
    reader.read_line(&mut first_line).expect("a first line");
    assert!(first_line.starts_with(first_line_start), "{first_line}");
    drop(reader);
    let output = child.wait_with_output().expect("raftsim ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "raftsim {arguments:?}: {:?}\n{stderr}", output.status);
    assert!(stderr.is_empty(), "raftsim {arguments:?} said on stderr:\n{stderr}");
}

#[test]
fn replay_into_a_closed_pipe_exits_quietly() {
    let scenario = preset("calm-election").expect("a preset");
    let spec = RunSpec { scenario, actions: Vec::new(), stop_at_event: Some(20_000), stop_at_us: None };
    // 10,000 events of about 80 bytes each.
    closes_early(&["replay", &encode(&spec), "--context", "10000"], "calm-election seed 1");
}

#[test]
fn sweep_into_a_closed_pipe_exits_quietly() {
    // Every seed fails, and each failure prints its replay link (kilobytes each).
    let arguments =
        ["sweep", "--scenario", "bug-stale_append_truncates", "--seeds", "1..200", "--quiet", "--jobs", "1"];
    closes_early(&arguments, "200 seeds of bug-stale_append_truncates");
}
