//! `raftsim`: the command-line face of raftsim-core. `args` says what the command line
//! accepts, `commands` holds one module per subcommand, and `exit` turns each command's outcome
//! into the documented exit status; `output` is how they print.

// Everything on stdout goes through `output::out!`, which ends quietly when the reader has gone.
#![deny(clippy::print_stdout)]

mod args;
mod commands;
mod exit;
mod inputs;
mod output;
mod panics;

use std::process::ExitCode;

fn main() -> ExitCode {
    let (command_name, command) = match args::parse() {
        Ok(parsed) => parsed,
        Err(code) => return code,
    };
    exit::finish(&command_name, commands::dispatch(command))
}
