//! A spinner on stderr while a terminal waits: shown only when the work has run for two
//! seconds, stderr is a terminal and `--quiet` is off, and cleared when the work ends. Output
//! to pipes and files never changes.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use indicatif::ProgressBar;

/// How long work runs in silence before the spinner appears.
const DELAY: Duration = Duration::from_secs(2);

/// Whether a command may show progress (`--quiet` turns it off).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Progress {
    pub(crate) enabled: bool,
}

impl Progress {
    /// Runs `work` on this thread; if it takes longer than [`DELAY`], a spinner saying `what`
    /// turns on stderr until it ends.
    pub(crate) fn waiting<T>(self, what: &'static str, work: impl FnOnce() -> T) -> T {
        if !self.enabled || !std::io::stderr().is_terminal() {
            return work();
        }
        std::thread::scope(|scope| {
            let (done, finished) = mpsc::channel::<()>();
            scope.spawn(move || {
                // The sender is dropped when the work ends: Disconnected, not Timeout.
                if finished.recv_timeout(DELAY) != Err(RecvTimeoutError::Timeout) {
                    return;
                }
                let spinner = ProgressBar::new_spinner();
                spinner.set_message(what);
                spinner.enable_steady_tick(Duration::from_millis(120));
                let _ = finished.recv();
                spinner.finish_and_clear();
            });
            let result = work();
            drop(done);
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use super::Progress;

    #[test]
    fn the_work_runs_here_and_its_result_comes_back() {
        // An Rc is not Send: the work must run on the calling thread, spinner or not.
        let here = Rc::new(7);
        for enabled in [true, false] {
            let got = Progress { enabled }.waiting("testing", || *here * 6);
            assert_eq!(got, 42);
        }
    }
}
