//! `raftsim run --preset <tour>` prints the tour's captions in the order the run reaches them,
//! each with its event and time, and `--json` lists them.

use std::process::Command;

fn run(arguments: &[&str]) -> (String, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_raftsim")).args(arguments).output().expect("raftsim runs");
    (String::from_utf8(output.stdout).expect("utf-8"), output.status.code().expect("an exit status"))
}

#[test]
fn a_tour_prints_its_captions_in_order_with_events_and_times() {
    let (text, status) = run(&["run", "--preset", "tour-figure8"]);
    assert_eq!(status, 0, "the correct protocol passes:\n{text}");
    assert!(text.contains("guided tour: Figure 8"), "{text}");
    let headers: Vec<&str> = text.lines().filter(|line| line.trim_start().starts_with('[')).collect();
    assert_eq!(headers.len(), 12, "{text}");
    assert!(headers[0].contains("[1/12] event 0 at 0.0000 s (the start of the run):"), "{}", headers[0]);
    assert!(
        headers[2].contains("(S2 holds index 2 of term 1)"),
        "each caption says what it is pinned to: {}",
        headers[2]
    );
    let events: Vec<u64> = headers
        .iter()
        .map(|line| {
            line.split("event ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .expect("an event")
                .parse()
                .expect("a number")
        })
        .collect();
    assert!(events.windows(2).all(|pair| pair[0] < pair[1]), "{events:?}");
    assert!(text.contains("Yet S1's commit index stays at 0"), "{text}");
}

#[test]
fn a_bug_tour_ends_at_its_check_and_json_lists_the_captions() {
    let (text, status) = run(&["run", "--scenario", "bug-vote_before_durable", "--json"]);
    assert_eq!(status, 1, "the bug fails a check");
    let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let captions = report["captions"].as_array().expect("a list");
    assert_eq!(report["tour"]["total"], captions.len());
    let last = captions.last().expect("captions");
    assert_eq!(last["event"], report["violation"]["event"]);
    assert!(last["text"].as_str().expect("text").starts_with("VoteDurableInv fires"));
    let (plain, _) = run(&["run", "--scenario", "calm-election", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&plain).expect("JSON");
    assert_eq!(report["captions"], serde_json::json!([]), "no tour, no captions");
    assert!(report["tour"].is_null());
}
