//! Integration tests for tempi-solve.
//!
//! Modules:
//! - `reference`: property tests against an independent brute-force reference (one-off and
//!   recurring) over small random inputs.
//! - `dst`: scenarios across DST with members in America/New_York, Europe/Berlin,
//!   Australia/Sydney and Asia/Kolkata, with answers derived by hand from tz facts.
//! - `plan`: whole-plan placement and pod formation.
//! - `fit`: the availability check against a minute-by-minute brute force (property test).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod bounds;
mod cadence;
mod dst;
mod fit;
mod mix;
mod plan;
mod reference;
