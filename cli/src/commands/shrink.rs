//! `raftsim shrink`: the smallest run found that still fails the same check as a link's run.

use std::time::Instant;

use raftsim_core::explore::export::rust_test;
use raftsim_core::explore::shrink::{shrink, size, Shrunk};
use raftsim_core::scenario::share::encode;

use crate::args::ShrinkArgs;
use crate::exit::{self, Failure};
use crate::inputs;
use crate::output::out;

/// Exit status when the link's run passes every check, so there is nothing to shrink.
const NOTHING_TO_SHRINK: u8 = 2;

/// Shrinks the link's run and prints each simplification kept and a link to the smallest run
/// (or, with `--rust-test`, the smallest run as a Rust test).
pub fn execute(args: &ShrinkArgs) -> Result<u8, Failure> {
    let decoded = inputs::share_link(&args.link, "shrink", "the run may differ from its author's")?;
    let started = Instant::now();
    let shrunk = shrink(&decoded.spec, args.runs.max(1)).map_err(|problem| Failure::new(problem, NOTHING_TO_SHRINK))?;
    if args.rust_test {
        out!("{}", rust_test(&shrunk.spec, Some(&shrunk.violation)).trim_end());
        return Ok(exit::SUCCESS);
    }
    out!("original: {}", size(&decoded.spec, &shrunk.original));
    print_shrunk(&shrunk, started.elapsed().as_secs_f64(), &args.base_url);
    Ok(exit::SUCCESS)
}

fn print_shrunk(shrunk: &Shrunk, seconds: f64, base_url: &str) {
    for step in &shrunk.steps {
        out!("  kept: {step}");
    }
    out!("smallest: {}", size(&shrunk.spec, &shrunk.violation));
    out!("  {}", shrunk.violation);
    out!("  {} runs in {:.1} s", shrunk.runs, seconds);
    out!("replay: {base_url}#{}", encode(&shrunk.spec));
}
