//! `raftsim`: the command-line face of raftsim-core.

use std::process::ExitCode;

const USAGE: &str = "\
usage: raftsim <command>

commands:
  version    print the engine version

exit status: 0 success, 3 bad arguments";

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    match arguments.first().map(String::as_str) {
        Some("version" | "--version" | "-V") => {
            println!("raftsim {}", raftsim_core::ENGINE_VERSION);
            ExitCode::SUCCESS
        }
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("raftsim: unknown command '{other}'\n\n{USAGE}");
            ExitCode::from(3)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(3)
        }
    }
}
