//! The `tempi` command. All the work happens in [`tempi_cli::run`].

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Not locked for the whole run: the progress spinner writes to stderr from its own thread.
    let mut err = std::io::stderr();
    let code = tempi_cli::run(args, &mut out, &mut err);
    // A closed pipe (`tempi plan | head`) is not an error worth reporting.
    let _ = out.flush();
    ExitCode::from(code)
}
