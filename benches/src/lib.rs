//! tempi's criterion benchmarks live in `benches/plan.rs`; this library is empty.
//!
//! ```text
//! cargo bench -p tempi-bench              # the full run
//! cargo bench -p tempi-bench -- --test    # the CI smoke run: each bench once
//! ```
//!
//! The 20,000-member organisation they plan comes from `examples/synth.rs`, which the bench
//! includes as a module. Results and the machine they came from: `BENCHMARKS.md`.
