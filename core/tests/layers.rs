//! The dependency arrows of `ARCHITECTURE.md`, checked on the sources: `raft` imports nothing
//! else of the crate but `shared_vec`; `check` and `scenario` import neither `sim` nor each
//! other; `fingerprint` and `shared_vec` are leaves. A `use` against the arrows fails here with
//! the file and the line.

use std::path::{Path, PathBuf};

/// Each module and the modules of the crate it must not import.
const FORBIDDEN: [(&str, &[&str]); 5] = [
    ("raft", &["check", "scenario", "sim", "fingerprint"]),
    ("check", &["scenario", "sim"]),
    ("scenario", &["check", "sim"]),
    ("fingerprint.rs", &["check", "scenario", "sim"]),
    ("shared_vec.rs", &["raft", "check", "scenario", "sim", "fingerprint"]),
];

fn sources(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path).expect("a source directory") {
        files.extend(sources(&entry.expect("an entry").path()));
    }
    files
}

#[test]
fn modules_import_only_along_the_arrows() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (module, forbidden) in FORBIDDEN {
        let files = sources(&root.join(module));
        assert!(!files.is_empty(), "{module} has sources");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            for (number, line) in text.lines().enumerate() {
                let grouped = line.split_once("crate::{").map_or("", |(_, rest)| rest);
                for other in forbidden {
                    let named =
                        |text: &str| text.split(|c: char| !c.is_alphanumeric() && c != '_').any(|word| word == *other);
                    if line.contains(&format!("crate::{other}::"))
                        || line.contains(&format!("crate::{other};"))
                        || named(grouped)
                    {
                        wrong.push(format!("{}:{}: {module} imports {other}", file.display(), number + 1));
                    }
                }
            }
        }
    }
    assert_eq!(wrong, Vec::<String>::new());
}
