//! The dependency arrows of `ARCHITECTURE.md`, checked on the sources: `raft` imports nothing
//! else of the crate but `shared_vec`; `check` and `scenario` import neither `sim` nor each
//! other; `fingerprint` and `words` use only `raft`'s types and `shared_vec` nothing; the world
//! (`sim`) does not import its tools (`explore`), which nothing below them imports either. A
//! path against the arrows fails here with its file.

use std::path::{Path, PathBuf};

/// Each module and the modules of the crate it must not import.
const FORBIDDEN: [(&str, &[&str]); 7] = [
    ("raft", &["check", "scenario", "sim", "fingerprint", "words", "explore"]),
    ("check", &["scenario", "sim", "explore"]),
    ("scenario", &["check", "sim", "explore"]),
    ("fingerprint.rs", &["check", "scenario", "sim", "explore"]),
    ("shared_vec.rs", &["raft", "check", "scenario", "sim", "fingerprint", "words", "explore"]),
    ("words.rs", &["check", "scenario", "sim", "fingerprint", "shared_vec", "explore"]),
    ("sim", &["explore"]),
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

/// The crate modules a source names: the first name of each `crate::` path, every top-level
/// name of a `crate::{...}` group (across lines and nested groups), and the same after
/// `super::super::`, with line comments left out.
fn named_modules(text: &str) -> Vec<String> {
    let code: Vec<&str> = text.lines().map(|line| line.split("//").next().unwrap_or("")).collect();
    let code = code.join("\n");
    let mut names = Vec::new();
    for prefix in ["crate::", "super::super::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(prefix) {
            rest = &rest[at + prefix.len()..];
            match rest.strip_prefix('{') {
                Some(group) => names.extend(group_names(group)),
                None => names.push(first_word(rest)),
            }
        }
    }
    names.retain(|name| !name.is_empty());
    names
}

/// The top-level names of a `{...}` group, from just after its brace.
fn group_names(group: &str) -> Vec<String> {
    let (mut names, mut depth, mut start) = (Vec::new(), 0, 0);
    for (position, character) in group.char_indices() {
        match character {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(first_word(&group[start..position]));
                return names;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(first_word(&group[start..position]));
                start = position + 1;
            }
            _ => {}
        }
    }
    names
}

fn first_word(text: &str) -> String {
    text.trim_start().chars().take_while(|character| character.is_alphanumeric() || *character == '_').collect()
}

#[test]
fn the_scanner_sees_every_form_of_import() {
    let text = "use crate::{\n    raft::Node,\n    sim::{Event, World},\n};\nuse crate::check as c;\n// crate::scenario in a comment\nlet x = super::super::fingerprint::Fingerprint::default();";
    assert_eq!(named_modules(text), ["raft", "sim", "check", "fingerprint"]);
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
            for name in named_modules(&text) {
                if forbidden.contains(&name.as_str()) {
                    wrong.push(format!("{}: {module} names {name}", file.display()));
                }
            }
        }
    }
    assert_eq!(wrong, Vec::<String>::new());
}
