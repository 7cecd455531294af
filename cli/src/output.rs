//! The one way the commands write to stdout: [`out!`], a `println!` that ends the process
//! quietly when stdout is closed.
//!
//! Rust ignores SIGPIPE, so once a reader such as `head` has gone, a write fails with
//! `BrokenPipe`, and `println!` turns that into a panic with a backtrace. A reader that stops
//! early got what it asked for, so `raftsim replay LINK | head` exits at once with status 0,
//! as `head` users expect (the shell's 141 would read as a failure in `set -o pipefail`
//! scripts); the status then no longer says whether a check failed, which a script that needs
//! it reads from a whole run, or from `sweep --json`. Any other write error (a full disk) is reported, with the bad-input status: the
//! output cannot go where it was sent. `main.rs` denies `clippy::print_stdout`, so a stray
//! `println!` cannot bring the panic back.

use std::fmt::Arguments;
use std::io::{self, Write};

use crate::exit;

/// `println!` for the commands: writes one line to stdout, and ends the process quietly if
/// stdout is closed (see the module's documentation).
macro_rules! out {
    () => {
        $crate::output::line(format_args!(""))
    };
    ($($argument:tt)*) => {
        $crate::output::line(format_args!($($argument)*))
    };
}
pub(crate) use out;

/// Writes `text` and a newline to stdout; see [`out!`].
pub fn line(text: Arguments) {
    let written = writeln!(io::stdout().lock(), "{text}");
    if let Some(status) = stop(written) {
        std::process::exit(i32::from(status));
    }
}

/// Whether a write's outcome ends the process, and with which status: `None` to go on, the
/// success status for a closed reader, bad input (with a message) for any other error.
fn stop(written: io::Result<()>) -> Option<u8> {
    match written {
        Ok(()) => None,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Some(exit::SUCCESS),
        Err(error) => {
            eprintln!("raftsim: cannot write to stdout: {error}");
            Some(exit::BAD_INPUT)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_reader_ends_quietly_and_other_errors_fail() {
        assert_eq!(stop(Ok(())), None);
        assert_eq!(stop(Err(io::ErrorKind::BrokenPipe.into())), Some(exit::SUCCESS));
        assert_eq!(stop(Err(io::Error::other("disk full"))), Some(exit::BAD_INPUT));
    }
}
