//! Every labelled Jepsen history in `../shared/data/histories` gets its expected verdict.
//! The data is read where it lies (beside the repository), never copied in.

use std::path::PathBuf;

use raftsim_core::check::jepsen::{parse, Format};
use raftsim_core::check::linearizability::model::{Kv, Register};
use raftsim_core::check::linearizability::{check, Options, Verdict};

fn histories_dir() -> PathBuf {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/histories");
    assert!(
        directory.join("labels.tsv").is_file(),
        "the labelled histories belong at {}: clone the project with shared/ beside it",
        directory.display()
    );
    directory
}

#[test]
fn every_labelled_history_gets_its_expected_verdict() {
    let directory = histories_dir();
    let labels = std::fs::read_to_string(directory.join("labels.tsv")).expect("labels.tsv");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for row in labels.lines().filter(|row| !row.trim().is_empty()) {
        let (file, label) = row.split_once('\t').unwrap_or_else(|| panic!("labels.tsv row {row:?} has no tab"));
        let expected = match label.trim() {
            "linearizable" => Verdict::Linearizable,
            "not-linearizable" => Verdict::NotLinearizable,
            other => panic!("unknown label {other:?} for {file}"),
        };
        let text = std::fs::read_to_string(directory.join(file)).unwrap_or_else(|error| panic!("{file}: {error}"));
        let (format, operations) = parse(&text).unwrap_or_else(|error| panic!("{file}: {error}"));
        let result = match format {
            Format::EtcdLog => check(&Register, &operations, Options::default()),
            Format::KvEdn => check(&Kv, &operations, Options::default()),
        }
        .expect("the model accepts every operation");
        if result.verdict != expected {
            wrong.push(format!("{file}: expected {expected:?}, got {:?}", result.verdict));
        }
        if result.verdict == Verdict::NotLinearizable {
            assert!(
                result.counterexample.is_some_and(|example| !example.cannot_go_next.is_empty()),
                "{file}: a 'no' comes with ops that cannot go next"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 64, "every labelled history was checked");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A run's client history written as EDN (every call, a compare-and-set too) reads back as the
/// same operations and gets the same verdict: what the page's export promises, for a run that
/// is linearizable and for the same history with one stale read injected.
#[test]
fn a_runs_history_written_as_edn_reads_back_with_its_verdict() {
    use raftsim_core::check::jepsen::write_kv_edn;
    use raftsim_core::check::linearizability::{from_history, Call};
    use raftsim_core::explore::histories::with_stale_read;
    use raftsim_core::scenario::preset;
    use raftsim_core::sim::World;

    let mut world = World::new(preset("default").expect("the default preset")).expect("a valid scenario");
    while world.history().ops.len() < 300 && world.step() {}
    let operations = from_history(world.history());
    assert!(operations.iter().any(|op| matches!(op.call, Call::Cas { .. })), "the default mix has cas");
    let stale = with_stale_read(&operations, "0").expect("key 0 has a read to make stale");
    for (history, expected) in [(operations, Verdict::Linearizable), (stale, Verdict::NotLinearizable)] {
        let written = write_kv_edn(&history).expect("every call can be written");
        let (format, read) = parse(&written).expect("the writer's output reads");
        assert_eq!(format, Format::KvEdn);
        let shape = |ops: &[raftsim_core::check::linearizability::Operation]| {
            ops.iter().map(|op| (op.process, op.call.clone(), op.ret.clone())).collect::<Vec<_>>()
        };
        assert_eq!(shape(&read), shape(&history), "the same operations, in the same order");
        let original = check(&Kv, &history, Options::default()).expect("kv judges all").verdict;
        let reread = check(&Kv, &read, Options::default()).expect("kv judges all").verdict;
        assert_eq!((original, reread), (expected, expected));
    }
}

/// A run's history of one key, gets and puts, written as a Jepsen log reads back as a register
/// history with the verdict the key-value check gives the run; a history the log cannot hold
/// (several keys, appends) is refused with the reason.
#[test]
fn a_register_shaped_runs_history_written_as_a_log_reads_back_with_its_verdict() {
    use raftsim_core::check::jepsen::{kv_as_register, write_register_log};
    use raftsim_core::check::linearizability::from_history;
    use raftsim_core::explore::histories::with_stale_read;
    use raftsim_core::scenario::preset;
    use raftsim_core::sim::World;

    let run = |keys: u32, mix: [u32; 4]| {
        let mut scenario = preset("calm-election").expect("a preset");
        scenario.workload.keys = keys;
        scenario.workload.mix = mix;
        let mut world = World::new(scenario).expect("a valid scenario");
        while world.history().ops.len() < 200 && world.step() {}
        from_history(world.history())
    };
    let operations = run(1, [1, 1, 0, 0]);
    let stale = with_stale_read(&operations, "0").expect("a read to make stale");
    for (history, expected) in [(operations, Verdict::Linearizable), (stale, Verdict::NotLinearizable)] {
        let log = write_register_log(&kv_as_register(&history).expect("one key, gets and puts")).expect("integers");
        let (format, read) = parse(&log).expect("the writer's output reads");
        assert_eq!((format, read.len()), (Format::EtcdLog, history.len()));
        let original = check(&Kv, &history, Options::default()).expect("kv judges all").verdict;
        let reread = check(&Register, &read, Options::default()).expect("a register judges all").verdict;
        assert_eq!((original, reread), (expected, expected));
    }
    let refused = kv_as_register(&run(3, [1, 1, 1, 0])).expect_err("three keys and appends");
    assert!(refused.contains("one register"), "{refused}");
}
