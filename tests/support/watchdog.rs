//! A hang guard for the tests of bounded work (hostile rules, runaway recurrences): such a test
//! asserts what bounds the work (the cap's error, the bounded count), and runs it under
//! [`guarded`] so that a real hang fails the test instead of stalling the run. It is no timing
//! test: the limit is far beyond any honest run of a debug build on a loaded machine. How fast
//! the work is belongs in `benches/`.
//!
//! One copy, included with `#[path = …] mod watchdog;` by the test crates that need it.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::mpsc;
use std::time::Duration;

/// How long a guarded call may run before it counts as a hang: ten minutes, as for the CLI's
/// kill-point runs. A bounded run can take a minute and more in a debug build on a loaded 2-core
/// machine (the two-million-instance import cap did: 60 s was too tight), and the bound itself
/// is asserted by each test.
pub(crate) const HANG: Duration = Duration::from_secs(600);

/// Runs `f` on its own thread and returns what it returns (a panic in it is this caller's
/// panic); fails if it is still running after [`HANG`].
#[track_caller]
pub(crate) fn guarded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(HANG) {
        Ok(Ok(value)) => value,
        Ok(Err(panic)) => resume_unwind(panic),
        Err(_) => panic!("{what} still runs after {HANG:?}: a hang, not a bounded run"),
    }
}
