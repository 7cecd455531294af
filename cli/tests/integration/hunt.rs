//! `raftsim hunt` is a function of its arguments: the thread count changes how fast it runs,
//! not which runs it takes, what they reach or what fails.

use std::process::Command;

/// Runs a guided hunt of 200 runs of figure8_commit in damage mode on `jobs` threads; returns
/// its JSON report without the wall-clock figures.
fn hunt(jobs: &str) -> serde_json::Value {
    let path = std::env::temp_dir().join(format!("raftsim-hunt-{}-{jobs}.json", std::process::id()));
    let status = Command::new(env!("CARGO_BIN_EXE_raftsim"))
        .args(["hunt", "--bug", "figure8_commit", "--checks", "damage", "--runs", "200", "--round", "16", "--quiet"])
        .args(["--jobs", jobs, "--json"])
        .arg(&path)
        .output()
        .expect("raftsim runs")
        .status;
    assert!(status.code().is_some_and(|code| code <= 1), "the hunt ran: {status}");
    let text = std::fs::read_to_string(&path).expect("the report was written");
    std::fs::remove_file(&path).expect("removable");
    let mut report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let object = report.as_object_mut().expect("an object");
    object.remove("wall_seconds");
    let timeline = object.remove("timeline").expect("a timeline");
    // After each round: runs and signatures, not seconds.
    let rounds: Vec<(u64, u64)> = timeline
        .as_array()
        .expect("rounds")
        .iter()
        .map(|round| (round[0].as_u64().expect("runs"), round[2].as_u64().expect("signatures")))
        .collect();
    object.insert("rounds".into(), serde_json::json!(rounds));
    for failure in object["failures"].as_array_mut().expect("failures") {
        failure.as_object_mut().expect("an object").remove("seconds");
    }
    report
}

#[test]
fn a_hunt_on_one_thread_and_on_two_takes_the_same_runs_and_finds_the_same_failures() {
    let one = hunt("1");
    let two = hunt("2");
    assert_eq!(one["runs"], 200);
    assert!(one["forked_runs"].as_u64().expect("a count") > 0, "the hunt forks: {one}");
    assert!(one["signatures"].as_u64().expect("a count") > 100, "{one}");
    assert!(!one["failures"].as_array().expect("failures").is_empty(), "the hunt finds Figure 8: {one}");
    assert_eq!(one, two);
}
