//! Golden protocol traces, in the style of etcd-raft's `testdata/`: each file under
//! `core/tests/testdata/` is a script of commands, each followed by `----` and the output it
//! must produce. Run with `RAFTSIM_REWRITE=1` to rewrite the expected output after an
//! intended change, then review the diff.
//!
//! Commands (node ids are 1-based):
//! - `cluster nodes=N [prevote=on|off] [checkquorum=on|off] [window=N] [batch=N]`
//! - `election N`, `heartbeat N`, `checkquorum N`: fire that armed timer on node N
//! - `stabilize`: make writes durable (unless `persist-mode manual`) and deliver until quiet
//! - `deliver [COUNT]`: deliver the oldest COUNT messages (default 1)
//! - `persist N`, `persist-mode auto|manual`
//! - `propose N CLIENT SEQ put K V | get K | append K V | cas K FROM TO`
//! - `crash N`, `restart N`, `isolate N`, `heal`, `drop-in-flight`, `status`

use std::path::{Path, PathBuf};

use crate::common::{config, Cluster};
use raftsim_core::raft::{Config, Op, Timer};

/// One piece of a script file: text kept as it is (comments, blank lines) or a test case.
enum Chunk {
    Text(String),
    Case { command: String, line: usize, expected: Vec<String> },
}

fn parse(text: &str, path: &Path) -> Vec<Chunk> {
    let lines: Vec<&str> = text.lines().collect();
    let mut chunks = Vec::new();
    let mut position = 0;
    while position < lines.len() {
        let line = lines[position];
        if line.trim().is_empty() || line.starts_with('#') {
            chunks.push(Chunk::Text(line.to_string()));
            position += 1;
            continue;
        }
        let separator = lines.get(position + 1).copied();
        assert_eq!(separator, Some("----"), "{}:{}: a command must be followed by ----", path.display(), position + 1);
        let mut expected = Vec::new();
        let mut cursor = position + 2;
        while cursor < lines.len() && !lines[cursor].trim().is_empty() {
            expected.push(lines[cursor].to_string());
            cursor += 1;
        }
        chunks.push(Chunk::Case { command: line.to_string(), line: position + 1, expected });
        position = cursor;
    }
    chunks
}

/// The script interpreter: one cluster per file, replaced by each `cluster` command.
struct Interpreter {
    cluster: Option<Cluster>,
}

impl Interpreter {
    fn cluster(&mut self) -> &mut Cluster {
        self.cluster.as_mut().expect("the script must start with a cluster command")
    }

    fn run(&mut self, command: &str) -> Vec<String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let node = |position: usize| -> u32 {
            words
                .get(position)
                .and_then(|word| word.parse().ok())
                .unwrap_or_else(|| panic!("'{command}': node id expected"))
        };
        match words[0] {
            "cluster" => {
                let (count, template) = cluster_options(&words[1..]);
                self.cluster = Some(Cluster::new(count, &template));
                return self.cluster().status();
            }
            "election" => self.cluster().fire(node(1), Timer::Election),
            "heartbeat" => self.cluster().fire(node(1), Timer::Heartbeat),
            "checkquorum" => self.cluster().fire(node(1), Timer::CheckQuorum),
            "lease" => self.cluster().fire(node(1), Timer::Lease),
            "stabilize" => self.cluster().stabilize(),
            "deliver" => {
                let count = words.get(1).map_or(1, |word| word.parse().expect("deliver COUNT"));
                for _ in 0..count {
                    self.cluster().deliver_one();
                }
            }
            "persist" => {
                self.cluster().persist(node(1));
            }
            "persist-mode" => self.cluster().auto_persist = words.get(1) == Some(&"auto"),
            "propose" => {
                let client = words[2].parse().expect("client id");
                let seq = words[3].parse().expect("request number");
                let op = parse_op(&words[4..]).unwrap_or_else(|| panic!("'{command}': bad operation"));
                self.cluster().propose_with_seq(node(1), client, seq, op);
            }
            "crash" => self.cluster().crash(node(1)),
            "restart" => self.cluster().restart(node(1)),
            "isolate" => self.cluster().isolate(node(1)),
            "heal" => self.cluster().heal(),
            "drop-in-flight" => self.cluster().drop_in_flight(),
            "status" => return self.cluster().status(),
            other => panic!("unknown command '{other}'"),
        }
        self.cluster().take_transcript()
    }
}

fn cluster_options(words: &[&str]) -> (u32, Config) {
    let mut count = 3;
    let mut template = config(&[1]);
    for word in words {
        let (key, value) = word.split_once('=').unwrap_or_else(|| panic!("option '{word}' is not key=value"));
        let on = value == "on";
        match key {
            "nodes" => count = value.parse().expect("nodes=N"),
            "prevote" => template.protocol.prevote = on,
            "checkquorum" => template.protocol.check_quorum = on,
            "window" => template.protocol.inflight_appends_max = value.parse().expect("window=N"),
            "batch" => template.protocol.entries_per_append_max = value.parse().expect("batch=N"),
            other => panic!("unknown cluster option '{other}'"),
        }
    }
    (count, template)
}

fn parse_op(words: &[&str]) -> Option<Op> {
    let text = |position: usize| words.get(position).map(|word| word.to_string());
    Some(match *words.first()? {
        "get" => Op::Get { key: text(1)? },
        "put" => Op::Put { key: text(1)?, value: text(2)? },
        "append" => Op::Append { key: text(1)?, value: text(2)? },
        "cas" => Op::Cas { key: text(1)?, from: text(2)?, to: text(3)? },
        _ => return None,
    })
}

fn render(chunks: &[Chunk], outputs: &[Vec<String>]) -> String {
    let mut text = String::new();
    let mut outputs = outputs.iter();
    for chunk in chunks {
        match chunk {
            Chunk::Text(line) => text.push_str(line),
            Chunk::Case { command, .. } => {
                text.push_str(command);
                text.push_str("\n----");
                for line in outputs.next().expect("one output per case") {
                    text.push('\n');
                    text.push_str(line);
                }
            }
        }
        text.push('\n');
    }
    text
}

fn run_file(path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).expect("readable test data");
    let chunks = parse(&text, path);
    let mut interpreter = Interpreter { cluster: None };
    let mut outputs = Vec::new();
    let mut failures = Vec::new();
    for chunk in &chunks {
        let Chunk::Case { command, line, expected } = chunk else { continue };
        let mut actual = interpreter.run(command);
        if actual.is_empty() {
            actual.push("ok".to_string());
        }
        if &actual != expected {
            failures.push(format!(
                "{}:{line}: {command}\n--- expected\n{}\n--- actual\n{}",
                path.display(),
                expected.join("\n"),
                actual.join("\n")
            ));
        }
        outputs.push(actual);
    }
    if std::env::var_os("RAFTSIM_REWRITE").is_some() {
        std::fs::write(path, render(&chunks, &outputs)).expect("rewrite test data");
        return Ok(());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

fn testdata_files() -> Vec<PathBuf> {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testdata");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
        .expect("core/tests/testdata exists")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn golden_protocol_traces() {
    let files = testdata_files();
    assert!(files.len() >= 5, "the golden scripts are missing");
    let failures: Vec<String> = files.iter().filter_map(|path| run_file(path).err()).collect();
    assert!(
        failures.is_empty(),
        "{}\n\n(rerun with RAFTSIM_REWRITE=1 to accept, then review the diff)",
        failures.join("\n\n")
    );
}
