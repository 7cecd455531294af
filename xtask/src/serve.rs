//! A small static file server for `web/`, bound to 127.0.0.1 only. It serves `.wasm` as
//! `application/wasm` (which streaming compilation requires) and never anything outside `web/`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

/// Binds 127.0.0.1:`port` (0 picks a free port) and returns the listener.
pub fn bind(port: u16) -> Result<TcpListener, String> {
    TcpListener::bind(("127.0.0.1", port))
        .map_err(|error| format!("cannot listen on 127.0.0.1:{port} ({error}); pick another with --port N"))
}

/// URL prefixes and the directories they serve, longest prefix first wins.
pub type Mounts = Vec<(String, PathBuf)>;

/// Serves the mounted directories until the process ends, one thread per connection.
pub fn run(listener: TcpListener, mounts: Mounts) {
    for stream in listener.incoming().flatten() {
        let mounts = mounts.clone();
        std::thread::spawn(move || {
            let _ = answer(stream, &mounts);
        });
    }
}

/// The directory and the path within it that a request target falls under.
fn mount_for<'a>(mounts: &'a Mounts, target: &'a str) -> Option<(&'a Path, &'a str)> {
    mounts
        .iter()
        .filter(|(prefix, _)| target.starts_with(prefix.as_str()))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(prefix, directory)| (directory.as_path(), &target[prefix.len()..]))
}

fn answer(mut stream: TcpStream, mounts: &Mounts) -> std::io::Result<()> {
    let mut request_line = String::new();
    let mut reader = BufReader::new(stream.try_clone()?);
    reader.read_line(&mut request_line)?;
    // Read and discard the headers.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }
    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", b"GET only\n", method == "HEAD");
    }
    let Some(path) = mount_for(mounts, target).and_then(|(root, rest)| resolve(root, rest)) else {
        return respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "HEAD");
    };
    match std::fs::read(&path) {
        Ok(body) => respond(&mut stream, "200 OK", content_type(&path), &body, method == "HEAD"),
        Err(_) => respond(&mut stream, "404 Not Found", "text/plain", b"not found\n", method == "HEAD"),
    }
}

/// Maps a request target to a file under `root`; `None` for anything that would leave it.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|component| !matches!(component, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|extension| extension.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8], head_only: bool) -> std::io::Result<()> {
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(resolve(root, "/../Cargo.toml").is_none());
        assert!(resolve(root, "/src/../../Cargo.toml").is_none());
        assert!(resolve(root, "/Cargo.toml?x=1").is_some());
        assert!(resolve(root, "/missing.txt").is_none());
    }

    #[test]
    fn the_longest_mount_wins() {
        let mounts: Mounts = vec![("/".into(), PathBuf::from("web")), ("/bench/".into(), PathBuf::from("tests/bench"))];
        assert_eq!(mount_for(&mounts, "/bench/index.html").unwrap(), (Path::new("tests/bench"), "index.html"));
        assert_eq!(mount_for(&mounts, "/pkg/x.js").unwrap(), (Path::new("web"), "pkg/x.js"));
    }

    #[test]
    fn wasm_is_served_as_application_wasm() {
        assert_eq!(content_type(Path::new("pkg/raftsim_wasm_bg.wasm")), "application/wasm");
    }
}
