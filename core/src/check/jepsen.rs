//! Reads Jepsen histories in the two formats of `shared/data/histories` (see its README):
//!
//! - Jepsen's log lines for a single register (the etcd test):
//!   `INFO  jepsen.util - <process> :<type> :<f> <value>`, the fields separated by a tab or any
//!   run of spaces (Jepsen writes both), where type is `invoke`, `ok`, `fail` or `info`, f is
//!   `read`, `write` or `cas`, and value is `nil`, an integer, `[from to]` or `:timed-out`;
//! - one EDN map per line for a key-value store:
//!   `{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}`, with `:get`,
//!   `:put`, `:append` and `:cas` (whose value is `["from" "to"]`).
//!
//! Meaning: `:ok` completes an operation; `:fail` means it did not take effect (it is dropped),
//! except a failed cas (in either format), which ran and found another value; `:info` means the outcome is unknown;
//! operations still open at the end are unknown too. Times are line numbers.
//!
//! The reader is strict: anything else is an error naming the line and what was expected. The
//! writers ([`write_kv_edn`], [`write_register_log`]) produce both formats, so histories the
//! simulator makes can be checked as files.

use std::collections::BTreeMap;

use super::linearizability::{Call, Operation, Return};

/// Which format a history was in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Jepsen log lines, one register.
    EtcdLog,
    /// EDN maps, a key-value store.
    KvEdn,
}

/// A line that does not read as the format says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The line, from 1.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

fn error<T>(line: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError { line, message: message.into() })
}

/// Reads a history in either format, chosen by its first non-blank line.
pub fn parse(text: &str) -> Result<(Format, Vec<Operation>), ParseError> {
    let first = text.lines().map(str::trim).find(|line| !line.is_empty());
    match first {
        Some(line) if line.starts_with("INFO") => Ok((Format::EtcdLog, parse_etcd_log(text)?)),
        Some(line) if line.starts_with('{') => Ok((Format::KvEdn, parse_kv_edn(text)?)),
        Some(_) => error(1, "expected a Jepsen log line (INFO  jepsen.util - ...) or an EDN map ({:process ...})"),
        None => error(1, "the history is empty"),
    }
}

/// The type of a history line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Invoke,
    Ok,
    Fail,
    Info,
}

fn kind(word: &str, line: usize) -> Result<Kind, ParseError> {
    match word {
        ":invoke" => Ok(Kind::Invoke),
        ":ok" => Ok(Kind::Ok),
        ":fail" => Ok(Kind::Fail),
        ":info" => Ok(Kind::Info),
        other => error(line, format!("expected a type of :invoke, :ok, :fail or :info, found {other:?}")),
    }
}

/// Pairs invocations with completions, per process.
#[derive(Default)]
struct Builder {
    operations: Vec<Option<Operation>>,
    open: BTreeMap<u64, usize>,
}

impl Builder {
    fn invoke(&mut self, process: u64, call: Call, line: usize) -> Result<(), ParseError> {
        if self.open.contains_key(&process) {
            return error(line, format!("process {process} invokes an operation while its previous one is still open"));
        }
        self.open.insert(process, self.operations.len());
        self.operations.push(Some(Operation {
            process,
            call,
            ret: Return::Unknown,
            invoke: line as u64,
            complete: None,
        }));
        Ok(())
    }

    /// The open operation of `process`, checked to be the same kind of call.
    fn open_call(&self, process: u64, f: &str, line: usize) -> Result<(usize, &Call), ParseError> {
        let Some(&position) = self.open.get(&process) else {
            return error(line, format!("process {process} completes an operation it never invoked"));
        };
        let call = &self.operations[position].as_ref().expect("open operations are kept").call;
        if call_name(call) != f {
            return error(line, format!("process {process} invoked {} but this completes {f}", call_name(call)));
        }
        Ok((position, call))
    }

    fn complete(&mut self, process: u64, position: usize, ret: Option<Return>, line: usize) {
        self.open.remove(&process);
        match ret {
            // Did not take effect: as if never invoked.
            None => self.operations[position] = None,
            Some(Return::Unknown) => {}
            Some(ret) => {
                let op = self.operations[position].as_mut().expect("open operations are kept");
                op.ret = ret;
                op.complete = Some(line as u64);
            }
        }
    }

    fn finish(self) -> Vec<Operation> {
        self.operations.into_iter().flatten().collect()
    }
}

fn call_name(call: &Call) -> &'static str {
    match call {
        Call::Get { .. } => "read",
        Call::Put { .. } => "write",
        Call::Append { .. } => "append",
        Call::Cas { .. } => "cas",
    }
}

// ---- Jepsen log lines (one register) ----

/// Reads Jepsen log lines of the etcd register test.
pub fn parse_etcd_log(text: &str) -> Result<Vec<Operation>, ParseError> {
    let mut builder = Builder::default();
    for (offset, raw) in text.lines().enumerate() {
        let line = offset + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let (process, kind, f, value) = split_log_line(raw, line)?;
        apply_log_line(&mut builder, process, kind, f, value, line)?;
    }
    Ok(builder.finish())
}

fn split_log_line(raw: &str, line: usize) -> Result<(u64, Kind, &str, &str), ParseError> {
    let rest = raw.strip_prefix("INFO").map(str::trim_start);
    let rest = rest.and_then(|rest| rest.strip_prefix("jepsen.util")).map(str::trim_start);
    let Some(rest) = rest.and_then(|rest| rest.strip_prefix('-')).map(str::trim_start) else {
        return error(line, "expected a line starting with \"INFO  jepsen.util - \"");
    };
    // Jepsen separates the fields with a tab or a run of spaces; the value is the rest of the
    // line, since a cas value has a space inside: `[1 2]`.
    let mut rest = rest;
    let mut fields = [""; 3];
    for (position, field) in fields.iter_mut().enumerate() {
        let Some((word, after)) = next_field(rest) else {
            let found = position + usize::from(!rest.trim().is_empty());
            return error(
                line,
                format!("expected 4 fields separated by tabs or spaces (process, type, f, value), found {found}"),
            );
        };
        (*field, rest) = (word, after);
    }
    let [process, kind_word, f] = fields;
    let value = rest.trim();
    if value.is_empty() {
        return error(line, "expected 4 fields separated by tabs or spaces (process, type, f, value), found 3");
    }
    let process = process
        .parse()
        .map_err(|_| ParseError { line, message: format!("expected a process number, found {process:?}") })?;
    Ok((process, kind(kind_word, line)?, f, value))
}

/// The first field of `text` (after any spaces or tabs) and what follows it.
fn next_field(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start_matches([' ', '\t']);
    let end = text.find([' ', '\t'])?;
    Some((&text[..end], &text[end..]))
}

fn integer(text: &str, line: usize) -> Result<i64, ParseError> {
    text.parse().map_err(|_| ParseError { line, message: format!("expected an integer, found {text:?}") })
}

fn cas_pair(text: &str, line: usize) -> Result<(String, String), ParseError> {
    let inner = text.strip_prefix('[').and_then(|rest| rest.strip_suffix(']'));
    let parts: Vec<&str> = inner.map(|inner| inner.split_whitespace().collect()).unwrap_or_default();
    let [from, to] = parts[..] else { return error(line, format!("expected a cas value [from to], found {text:?}")) };
    Ok((integer(from, line)?.to_string(), integer(to, line)?.to_string()))
}

fn apply_log_line(
    builder: &mut Builder,
    process: u64,
    kind: Kind,
    f: &str,
    value: &str,
    line: usize,
) -> Result<(), ParseError> {
    let key = String::new();
    if kind == Kind::Invoke {
        let call = match f {
            ":read" if value == "nil" => Call::Get { key },
            ":read" => return error(line, format!("expected a read to be invoked with nil, found {value:?}")),
            ":write" => Call::Put { key, value: integer(value, line)?.to_string() },
            ":cas" => {
                let (from, to) = cas_pair(value, line)?;
                Call::Cas { key, from, to }
            }
            other => return error(line, format!("expected f of :read, :write or :cas, found {other:?}")),
        };
        return builder.invoke(process, call, line);
    }
    let name = f.strip_prefix(':').unwrap_or(f);
    let (position, call) = builder.open_call(process, name, line)?;
    let ret = match (kind, call) {
        (Kind::Info, _) => Some(Return::Unknown),
        (Kind::Fail, Call::Cas { .. }) => Some(Return::Cas(false)),
        (Kind::Fail, _) => None,
        (Kind::Ok, Call::Get { .. }) if value == "nil" => Some(Return::Value(None)),
        (Kind::Ok, Call::Get { .. }) => Some(Return::Value(Some(integer(value, line)?.to_string()))),
        (Kind::Ok, Call::Put { .. }) => Some(Return::Done),
        (Kind::Ok, Call::Cas { .. }) => Some(Return::Cas(true)),
        (Kind::Ok, Call::Append { .. }) | (Kind::Invoke, _) => {
            unreachable!("no appends in a register log; invokes handled above")
        }
    };
    builder.complete(process, position, ret, line);
    Ok(())
}

// ---- EDN maps (key-value store) ----

/// A value in an EDN history map.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Edn {
    Integer(i64),
    Keyword(String),
    Text(String),
    Nil,
    /// `[...]`, as a cas's `["from" "to"]`.
    Vector(Vec<Edn>),
}

/// Reads EDN maps of a key-value history.
pub fn parse_kv_edn(text: &str) -> Result<Vec<Operation>, ParseError> {
    let mut builder = Builder::default();
    for (offset, raw) in text.lines().enumerate() {
        let line = offset + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let map = parse_edn_map(raw.trim(), line)?;
        apply_kv_map(&mut builder, &map, line)?;
    }
    Ok(builder.finish())
}

fn parse_edn_map(text: &str, line: usize) -> Result<BTreeMap<String, Edn>, ParseError> {
    let Some(inner) = text.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')) else {
        return error(line, "expected an EDN map in braces: {:process 0, :type :invoke, ...}");
    };
    let mut map = BTreeMap::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let Some(after_colon) = rest.strip_prefix(':') else {
            return error(line, format!("expected a keyword such as :process, found {:?}", truncate(rest)));
        };
        let name_end = after_colon.find(|character: char| character.is_whitespace()).unwrap_or(after_colon.len());
        let name = &after_colon[..name_end];
        let (value, remaining) = parse_edn_value(after_colon[name_end..].trim_start(), line)?;
        if map.insert(name.to_string(), value).is_some() {
            return error(line, format!("the key :{name} appears twice"));
        }
        rest = remaining.trim_start();
        if let Some(after_comma) = rest.strip_prefix(',') {
            rest = after_comma.trim_start();
            if rest.is_empty() {
                return error(line, "expected another key after the comma");
            }
        } else if !rest.is_empty() {
            return error(line, format!("expected a comma or the closing brace, found {:?}", truncate(rest)));
        }
    }
    Ok(map)
}

fn truncate(text: &str) -> String {
    text.chars().take(20).collect()
}

/// One EDN value at the start of `text`, and what follows it.
fn parse_edn_value(text: &str, line: usize) -> Result<(Edn, &str), ParseError> {
    if let Some(rest) = text.strip_prefix('"') {
        let mut value = String::new();
        let mut characters = rest.char_indices();
        while let Some((position, character)) = characters.next() {
            match character {
                '"' => return Ok((Edn::Text(value), &rest[position + 1..])),
                '\\' => match characters.next() {
                    Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    _ => return error(line, "expected an escape of \\\", \\\\, \\n or \\t in a string"),
                },
                other => value.push(other),
            }
        }
        return error(line, "a string is not closed");
    }
    if let Some(mut rest) = text.strip_prefix('[') {
        let mut items = Vec::new();
        loop {
            rest = rest.trim_start_matches([' ', ',']);
            if let Some(after) = rest.strip_prefix(']') {
                return Ok((Edn::Vector(items), after));
            }
            if rest.is_empty() || rest.starts_with('[') {
                return error(line, "a vector is not closed (or holds another vector)");
            }
            let (item, after) = parse_edn_value(rest, line)?;
            items.push(item);
            rest = after;
        }
    }
    let end = text.find([',', ' ', '}', ']']).unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    let value = match word {
        "nil" => Edn::Nil,
        _ if word.starts_with(':') && word.len() > 1 => Edn::Keyword(word[1..].to_string()),
        _ => Edn::Integer(word.parse().map_err(|_| ParseError {
            line,
            message: format!("expected a value (a string, an integer, a keyword or nil), found {word:?}"),
        })?),
    };
    Ok((value, rest))
}

fn apply_kv_map(builder: &mut Builder, map: &BTreeMap<String, Edn>, line: usize) -> Result<(), ParseError> {
    for name in map.keys() {
        if !["process", "type", "f", "key", "value"].contains(&name.as_str()) {
            return error(line, format!("unknown key :{name}; expected :process, :type, :f, :key and :value"));
        }
    }
    let field = |name: &str| map.get(name).ok_or(ParseError { line, message: format!("the key :{name} is missing") });
    let Edn::Integer(process) = field("process")? else { return error(line, ":process must be an integer") };
    let process =
        u64::try_from(*process).map_err(|_| ParseError { line, message: ":process must not be negative".into() })?;
    let Edn::Keyword(kind_word) = field("type")? else { return error(line, ":type must be a keyword") };
    let kind = kind(&format!(":{kind_word}"), line)?;
    let Edn::Keyword(f) = field("f")? else { return error(line, ":f must be a keyword") };
    let Edn::Text(key) = field("key")? else { return error(line, ":key must be a string") };
    let value = field("value")?;
    if kind == Kind::Invoke {
        let text = |what: &str| match value {
            Edn::Text(text) => Ok(text.clone()),
            _ => error(line, format!("a {what} is invoked with a string :value")),
        };
        let call = match f.as_str() {
            "get" if *value == Edn::Nil => Call::Get { key: key.clone() },
            "get" => return error(line, "a get is invoked with :value nil"),
            "put" => Call::Put { key: key.clone(), value: text("put")? },
            "append" => Call::Append { key: key.clone(), value: text("append")? },
            "cas" => match value {
                Edn::Vector(pair) => match pair.as_slice() {
                    [Edn::Text(from), Edn::Text(to)] => {
                        Call::Cas { key: key.clone(), from: from.clone(), to: to.clone() }
                    }
                    _ => return error(line, "a cas is invoked with :value [\"from\" \"to\"], two strings"),
                },
                _ => return error(line, "a cas is invoked with :value [\"from\" \"to\"], two strings"),
            },
            other => return error(line, format!("expected :f of :get, :put, :append or :cas, found :{other}")),
        };
        return builder.invoke(process, call, line);
    }
    let name = match f.as_str() {
        "get" => "read",
        "put" => "write",
        other => other,
    };
    let (position, call) = builder.open_call(process, name, line)?;
    if call.key() != key {
        return error(
            line,
            format!("process {process} invoked on key {:?} but this completes key {key:?}", call.key()),
        );
    }
    let ret = match (kind, call, value) {
        (Kind::Info, ..) => Some(Return::Unknown),
        // A failed cas ran and found another value, as in the log format.
        (Kind::Fail, Call::Cas { .. }, _) => Some(Return::Cas(false)),
        (Kind::Fail, ..) => None,
        (Kind::Ok, Call::Cas { .. }, _) => Some(Return::Cas(true)),
        (Kind::Ok, Call::Get { .. }, Edn::Text(seen)) => Some(Return::Value(Some(seen.clone()))),
        (Kind::Ok, Call::Get { .. }, Edn::Nil) => Some(Return::Value(None)),
        (Kind::Ok, Call::Get { .. }, _) => return error(line, "a completed get has a string or nil :value"),
        (Kind::Ok, ..) => Some(Return::Done),
        (Kind::Invoke, ..) => unreachable!("invokes handled above"),
    };
    builder.complete(process, position, ret, line);
    Ok(())
}

// ---- writing histories ----

/// The invocations and completions of `operations` as (time, completion?, operation) in the
/// order they are written: by time, and at equal times invocations first, so operations that
/// touch stay concurrent when read back (times become line numbers).
fn lines_in_order(operations: &[Operation]) -> Vec<(u64, bool, usize)> {
    let mut lines: Vec<(u64, bool, usize)> = Vec::with_capacity(operations.len() * 2);
    for (position, op) in operations.iter().enumerate() {
        lines.push((op.invoke, false, position));
        if let Some(complete) = op.complete {
            assert!(complete >= op.invoke, "an operation completes after its call");
            lines.push((complete, true, position));
        }
    }
    lines.sort_unstable();
    lines
}

/// Writes a key-value history as EDN maps, one line per invocation and completion, the form
/// [`parse_kv_edn`] reads. An unknown outcome is left open (the reader counts it unknown); a cas
/// that found another value is written `:fail`, as in the log format. Every operation of a
/// run's history can be written, so a run's history can be checked elsewhere and read back.
pub fn write_kv_edn(operations: &[Operation]) -> Result<String, String> {
    let mut text = String::new();
    for (_, completion, position) in lines_in_order(operations) {
        let op = &operations[position];
        let (f, key, value) = match &op.call {
            Call::Get { key } => ("get", key, None),
            Call::Put { key, value } => ("put", key, Some(edn_string(value))),
            Call::Append { key, value } => ("append", key, Some(edn_string(value))),
            Call::Cas { key, from, to } => ("cas", key, Some(format!("[{} {}]", edn_string(from), edn_string(to)))),
        };
        let value = match (&op.ret, completion, value) {
            (Return::Value(Some(seen)), true, _) => edn_string(seen),
            (Return::Value(None), true, _) | (_, _, None) => "nil".to_string(),
            (_, _, Some(written)) => written,
        };
        let kind = match (completion, &op.ret) {
            (false, _) => "invoke",
            (true, Return::Cas(false)) => "fail",
            (true, _) => "ok",
        };
        let key = edn_string(key);
        text.push_str(&format!("{{:process {}, :type :{kind}, :f :{f}, :key {key}, :value {value}}}\n", op.process));
    }
    Ok(text)
}

fn edn_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\t', "\\t"))
}

/// A key-value history of one key, without appends, as a register history the log format can
/// hold: each value numbered in the order it first appears (1, 2, ...), the empty value read as
/// nil (a missing key reads empty). Where the log could not say the same thing, the reason in
/// words: more than one key, an append, a compare-and-set from the empty value, or a write of it.
pub fn kv_as_register(operations: &[Operation]) -> Result<Vec<Operation>, String> {
    let mut keys: Vec<&str> = operations.iter().map(|op| op.call.key()).collect();
    keys.sort_unstable();
    keys.dedup();
    if keys.len() > 1 {
        return Err(format!("a Jepsen log holds one register, and this history has {} keys", keys.len()));
    }
    let mut numbers: BTreeMap<String, usize> = BTreeMap::new();
    let mut number = |value: &str, position: usize| -> Result<String, String> {
        if value.is_empty() {
            return Err(format!(
                "operation {position} writes or compares with the empty value, which a log cannot hold"
            ));
        }
        let next = numbers.len() + 1;
        Ok(numbers.entry(value.to_string()).or_insert(next).to_string())
    };
    let mut registers = Vec::with_capacity(operations.len());
    for (position, op) in operations.iter().enumerate() {
        let key = String::new();
        let call = match &op.call {
            Call::Get { .. } => Call::Get { key },
            Call::Put { value, .. } => Call::Put { key, value: number(value, position)? },
            Call::Cas { from, to, .. } => Call::Cas { key, from: number(from, position)?, to: number(to, position)? },
            Call::Append { .. } => {
                return Err(format!("operation {position} is an append, and a register has no append"))
            }
        };
        let ret = match &op.ret {
            Return::Value(Some(seen)) if !seen.is_empty() => Return::Value(Some(number(seen, position)?)),
            Return::Value(_) => Return::Value(None),
            other => other.clone(),
        };
        registers.push(Operation { call, ret, ..op.clone() });
    }
    Ok(registers)
}

/// Writes a register history as Jepsen log lines with the fields separated by runs of spaces,
/// as Jepsen's own logs often are: `INFO  jepsen.util - 3   :invoke :write  7`. Values must be
/// integers; a cas that returned false is written as `:fail`, as Jepsen does.
pub fn write_register_log(operations: &[Operation]) -> Result<String, String> {
    let mut text = String::new();
    for (_, completion, position) in lines_in_order(operations) {
        let op = &operations[position];
        let integer = |value: &str| {
            value.parse::<i64>().map_err(|_| format!("operation {position}: {value:?} is not an integer"))
        };
        let (f, value) = match (&op.call, &op.ret, completion) {
            (Call::Get { .. }, Return::Value(Some(seen)), true) => ("read", integer(seen)?.to_string()),
            (Call::Get { .. }, ..) => ("read", "nil".to_string()),
            (Call::Put { value, .. }, ..) => ("write", integer(value)?.to_string()),
            (Call::Cas { from, to, .. }, ..) => ("cas", format!("[{} {}]", integer(from)?, integer(to)?)),
            (Call::Append { .. }, ..) => return Err(format!("operation {position}: a register has no append")),
        };
        let kind = match (completion, &op.ret) {
            (false, _) => "invoke",
            (true, Return::Cas(false)) => "fail",
            (true, _) => "ok",
        };
        text.push_str(&format!("INFO  jepsen.util - {}   :{kind} :{f}  {value}\n", op.process));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_log_reads_with_its_meanings() {
        let log = "INFO  jepsen.util - 0\t:invoke\t:write\t3\n\
                   INFO  jepsen.util - 1\t:invoke\t:cas\t[3 4]\n\
                   INFO  jepsen.util - 0\t:ok\t:write\t3\n\
                   INFO  jepsen.util - 1\t:fail\t:cas\t[3 4]\n\
                   INFO  jepsen.util - 2\t:invoke\t:read\tnil\n\
                   INFO  jepsen.util - 3\t:invoke\t:write\t9\n\
                   INFO  jepsen.util - 3\t:info\t:write\t:timed-out\n";
        let (format, ops) = parse(log).unwrap();
        assert_eq!(format, Format::EtcdLog);
        assert_eq!(ops.len(), 4);
        assert_eq!((ops[0].ret.clone(), ops[0].complete), (Return::Done, Some(3)));
        assert_eq!(ops[1].ret, Return::Cas(false), "a failed cas ran and found another value");
        assert_eq!((ops[2].ret.clone(), ops[2].complete), (Return::Unknown, None), "open at the end");
        assert_eq!((ops[3].ret.clone(), ops[3].complete), (Return::Unknown, None), ":info is unknown");
    }

    #[test]
    fn log_fields_may_be_separated_by_any_run_of_spaces_or_tabs() {
        let log = "INFO  jepsen.util - 1   :invoke :write  3\n\
                   INFO jepsen.util -  1 \t:ok\t  :write 3  \n\
                   INFO  jepsen.util - 2\t:invoke :cas   [3 4]\n\
                   INFO  jepsen.util - 2 :ok :cas [3 4]\n";
        let (format, ops) = parse(log).unwrap();
        assert_eq!(format, Format::EtcdLog);
        assert_eq!(ops[0].call, Call::Put { key: String::new(), value: "3".into() });
        assert_eq!((ops[1].ret.clone(), ops[1].complete), (Return::Cas(true), Some(4)));
        for (text, expected) in [
            ("INFO  jepsen.util - 1   :invoke :write\n", "expected 4 fields separated by tabs or spaces"),
            ("INFO  jepsen.util - 1   :invoke\n", "found 2"),
            ("INFO  jepsen.util - 1   :invoke :write 3 4\n", "expected an integer"),
            ("INFO  jepsen.util - 1   :begin :write 3\n", "expected a type"),
        ] {
            let failure = parse(text).expect_err(text);
            assert_eq!(failure.line, 1, "{text:?}");
            assert!(failure.message.contains(expected), "{text:?}: {failure}");
        }
    }

    #[test]
    fn written_histories_read_back_as_they_were() {
        let put = Operation {
            process: 3,
            call: Call::Put { key: "k\"1".into(), value: "a b".into() },
            ret: Return::Done,
            invoke: 1,
            complete: Some(5),
        };
        let get = Operation {
            process: 4,
            call: Call::Get { key: "k\"1".into() },
            ret: Return::Value(Some("a b".into())),
            invoke: 5,
            complete: Some(7),
        };
        let open = Operation {
            process: 5,
            call: Call::Append { key: "k".into(), value: "x".into() },
            ret: Return::Unknown,
            invoke: 6,
            complete: None,
        };
        let cas = |from: &str, ret: Return, invoke: u64| Operation {
            process: 6 + invoke,
            call: Call::Cas { key: "k".into(), from: from.into(), to: "b\"c".into() },
            complete: (ret != Return::Unknown).then_some(invoke + 1),
            ret,
            invoke,
        };
        let written = [
            put.clone(),
            get.clone(),
            open.clone(),
            cas("", Return::Cas(true), 8),
            cas("a b", Return::Cas(false), 10),
            cas("x", Return::Unknown, 12),
        ];
        let (_, read) = parse(&write_kv_edn(&written).unwrap()).unwrap();
        let calls: Vec<(&Call, &Return)> = read.iter().map(|op| (&op.call, &op.ret)).collect();
        let expected: Vec<(&Call, &Return)> = written.iter().map(|op| (&op.call, &op.ret)).collect();
        assert_eq!(calls, expected, "every kind of call and outcome reads back, a failed cas too");
        assert!(read[1].invoke < read[0].complete.unwrap(), "touching operations stay concurrent");
        let register = Operation { call: Call::Put { key: String::new(), value: "x".into() }, ..put };
        assert!(write_register_log(&[register]).is_err(), "a register log holds integers");
    }

    #[test]
    fn an_edn_history_reads_and_failed_ops_are_dropped() {
        let text = r#"{:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
{:process 1, :type :invoke, :f :put, :key "1", :value "v"}
{:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
{:process 1, :type :fail, :f :put, :key "1", :value "v"}
{:process 2, :type :invoke, :f :get, :key "0", :value nil}
{:process 2, :type :ok, :f :get, :key "0", :value "x 0 0 y"}"#;
        let (format, ops) = parse(text).unwrap();
        assert_eq!(format, Format::KvEdn);
        assert_eq!(ops.len(), 2);
        assert_eq!(ops[1].ret, Return::Value(Some("x 0 0 y".into())));
    }

    #[test]
    fn malformed_lines_name_the_line_and_what_was_expected() {
        let cases = [
            ("INFO  jepsen.util - 0\t:invoke\t:write\tseven\n", 1, "expected an integer"),
            (
                "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n",
                2,
                "still open",
            ),
            ("INFO  jepsen.util - 0\t:ok\t:read\t1\n", 1, "never invoked"),
            ("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:write\t1\n", 2, "invoked read"),
            ("INFO  jepsen.util - 0\t:shrug\t:read\tnil\n", 1, "expected a type"),
            ("{:process 0, :type :invoke, :f :get, :key \"0\", :value nil, :extra 1}\n", 1, "unknown key :extra"),
            ("{:process 0, :type :invoke, :f :get, :key \"0\"}\n", 1, ":value is missing"),
            ("{:process 0 :type :invoke}\n", 1, "expected a comma"),
            ("{:process 0, :type :invoke, :f :get, :key \"0, :value nil}\n", 1, "not closed"),
            ("hello\n", 1, "expected a Jepsen log line"),
            ("", 1, "empty"),
        ];
        for (text, line, expected) in cases {
            let failure = parse(text).expect_err(text);
            assert_eq!(failure.line, line, "{text:?}: {failure}");
            assert!(failure.message.contains(expected), "{text:?}: {failure}");
        }
    }
}
