//! `raftsim shrink`: the smallest run found that still fails the same check as a link's run.

use std::time::Instant;

use raftsim_core::scenario::share::encode;
use raftsim_core::sim::shrink::{shrink, size, Shrunk};

use crate::args::ShrinkArgs;
use crate::exit::{self, Failure};
use crate::inputs;

/// Exit status when the link's run passes every check, so there is nothing to shrink.
const NOTHING_TO_SHRINK: u8 = 2;

/// Shrinks the link's run and prints each simplification kept and a link to the smallest run.
pub fn execute(args: &ShrinkArgs) -> Result<u8, Failure> {
    let decoded = inputs::share_link(&args.link, "shrink", "the run may differ from its author's")?;
    let started = Instant::now();
    let shrunk = shrink(&decoded.spec, args.runs.max(1)).map_err(|problem| Failure::new(problem, NOTHING_TO_SHRINK))?;
    println!("original: {}", size(&decoded.spec, &shrunk.original));
    print_shrunk(&shrunk, started.elapsed().as_secs_f64(), &args.base_url);
    Ok(exit::SUCCESS)
}

fn print_shrunk(shrunk: &Shrunk, seconds: f64, base_url: &str) {
    for step in &shrunk.steps {
        println!("  kept: {step}");
    }
    println!("smallest: {}", size(&shrunk.spec, &shrunk.violation));
    println!("  {}", shrunk.violation);
    println!("  {} runs in {:.1} s", shrunk.runs, seconds);
    println!("replay: {base_url}#{}", encode(&shrunk.spec));
}
