//! How a command ends: its exit status, and the one place a failure is printed, so that every
//! command words its errors the same way (`raftsim <command>: <problem>`) and scripts can
//! rely on the statuses `raftsim --help` documents.

use std::fmt::Display;
use std::process::ExitCode;

/// Exit status: the command did its work and every check passed.
pub const SUCCESS: u8 = 0;
/// Exit status: a check failed (a violation, a hunt that gave up, a history that is not
/// linearizable).
pub const CHECK_FAILED: u8 = 1;
/// Exit status: no answer (a budget ran out before a check could decide), which is not a pass.
pub const UNKNOWN: u8 = 2;
/// Exit status: bad input (arguments, files, links).
pub const BAD_INPUT: u8 = 3;

/// The exit status of a command whose only verdict is whether some check failed.
pub fn status(check_failed: bool) -> u8 {
    if check_failed {
        CHECK_FAILED
    } else {
        SUCCESS
    }
}

/// Why a command stopped without its usual output: what to tell the user, and the exit status.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    pub problem: String,
    pub status: u8,
}

impl Failure {
    pub fn new(problem: impl Display, status: u8) -> Failure {
        Failure { problem: problem.to_string(), status }
    }

    /// The usual failure: input the command cannot use.
    pub fn bad_input(problem: impl Display) -> Failure {
        Failure::new(problem, BAD_INPUT)
    }
}

/// The helpers that read arguments, files and links say what is wrong as a `String`; every
/// such problem is bad input, so `?` turns it into one.
impl From<String> for Failure {
    fn from(problem: String) -> Failure {
        Failure::bad_input(problem)
    }
}

/// Prints a line about `command` on stderr: a failure, or a warning the command goes on after.
pub fn say(command: &str, message: impl Display) {
    eprintln!("raftsim {command}: {message}");
}

/// The process's exit code for a command's outcome, printing the problem if it failed.
pub fn finish(command: &str, outcome: Result<u8, Failure>) -> ExitCode {
    match outcome {
        Ok(status) => ExitCode::from(status),
        Err(failure) => {
            say(command, &failure.problem);
            ExitCode::from(failure.status)
        }
    }
}
