//! One module per subcommand. Each has an `execute` that takes the subcommand's arguments and
//! returns its exit status, or the `Failure` that stopped it.

pub mod bench;
pub mod bench_bugs;
pub mod bench_history;
pub mod check_history;
pub mod hunt;
pub mod merge;
pub mod replay;
pub mod run;
pub mod shrink;
pub mod sweep;

use crate::args::Command;
use crate::exit::Failure;

/// Runs the command; `Ok` holds its exit status.
pub fn dispatch(command: Command) -> Result<u8, Failure> {
    match command {
        Command::Sweep(args) => sweep::execute(&args),
        Command::BenchBugs(args) => bench_bugs::execute(&args),
        Command::Hunt(args) => hunt::execute(&args),
        Command::Merge(args) => merge::execute(&args),
        Command::Replay(args) => replay::execute(&args),
        Command::Shrink(args) => shrink::execute(&args),
        Command::CheckHistory(args) => check_history::execute(&args),
        Command::BenchHistory(args) => bench_history::execute(&args),
        Command::Run(args) => run::execute(&args),
        Command::Bench(args) => bench::execute(&args),
    }
}
