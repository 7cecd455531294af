//! The command line's tests, one binary: each runs the `raftsim` binary cargo built for the
//! tests (`CARGO_BIN_EXE_raftsim`). `cargo test -p raftsim --test integration hunt::` runs one
//! module.

mod closed_stdout;
mod hunt;
mod tours;
