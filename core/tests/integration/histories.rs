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
