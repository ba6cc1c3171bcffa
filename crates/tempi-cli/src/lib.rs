//! The `tempi` command line: a thin shell over the tempi crates.
//!
//! [`run`] takes the arguments and two writers and returns the exit code, so tests drive the real
//! command without a process: see [`EXIT_CODES`].

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use tempi::file::{self, Diagnostic, Loaded, Severity};
use tempi::pipeline::{self, BusyFiles, BusyWarning};
use tempi::view::check;
use tempi::{Community, ExpandOptions, Window};

mod busy;
mod expand;
mod export;
mod pods;
mod progress;
mod serve;
mod slots;
mod year;

/// What each exit code means, as `--help` prints it.
pub const EXIT_CODES: &str = "Exit codes:
  0  success (warnings allowed)
  1  bad input: the community file, a calendar or a value has errors (printed on stderr);
     with --strict (check, plan), also a fixed-time rhythm outside an attendee's availability
  2  usage error: an unknown command or flag, or a missing or malformed argument
  3  nothing fits: `slots` found no time, or `pods` left a pod without a shared time
     (the answer, with the nearest misses, is still printed)";

/// The exit code when `slots` or `pods` finds nothing that fits.
pub const EXIT_NO_FIT: u8 = 3;

/// The bundled sample community, used when no file is given.
pub const SAMPLE_COMMUNITY: &str = include_str!("../../../examples/community.toml");
/// The name messages use for the bundled sample.
pub const SAMPLE_NAME: &str = "<bundled sample: examples/community.toml>";

#[derive(Debug, Parser)]
#[command(
    name = "tempi",
    version,
    about = "Turn a community's rhythms into a calendar people can trust",
    long_about = "Turn a community's rhythms into a calendar people can trust.\n\nWith no FILE, commands read the bundled sample community (examples/community.toml).",
    after_help = EXIT_CODES
)]
struct Cli {
    /// Print no warnings or notes on stderr; errors are still printed.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a community file: every error with file:line:col and a hint, and every fixed
    /// time checked against its members' availability.
    #[command(after_help = EXIT_CODES)]
    Check {
        /// The community file (TOML); `-` reads stdin. Omit it to check the bundled sample.
        file: Option<PathBuf>,
        /// Print one JSON object on stdout: `ok`, the community's counts, `errors` and
        /// `warnings` (each with file, line, col, severity, message), and `availability` (each
        /// with member, rhythm, reason, dates, summary, suggestion, message). Exit codes are
        /// unchanged.
        #[arg(long)]
        json: bool,
        /// Treat the availability warnings (a fixed-time rhythm outside a member's windows, on
        /// their away dates or in their busy calendars) as errors: exit code 1. They are checked
        /// over the window `tempi plan` uses by default (the calendar year of the community's
        /// start).
        #[arg(long)]
        strict: bool,
    },
    /// Expand a community's rhythms over a window: an agenda by month, JSON, feeds, a picture.
    #[command(after_help = EXIT_CODES)]
    Plan(PlanArgs),
    /// Print the busy intervals tempi reads from a calendar export (.ics).
    #[command(after_help = EXIT_CODES)]
    Busy(busy::BusyArgs),
    /// Print every occurrence of every event in a calendar (.ics) over [--from, --to).
    #[command(after_help = EXIT_CODES)]
    Expand(expand::ExpandArgs),
    /// Find meeting times across members' availability.
    #[command(after_help = EXIT_CODES)]
    Slots(slots::SlotsArgs),
    /// Propose pods: split members into small groups with a shared recurring time.
    #[command(after_help = EXIT_CODES)]
    Pods(pods::PodsArgs),
    /// Serve the feeds and a page per member at secret URLs, planned afresh as days pass.
    Serve(serve::ServeArgs),
    /// Print a shell completion script, e.g. `tempi completions bash > /etc/bash_completion.d/tempi`.
    Completions {
        /// The shell: bash, elvish, fish, powershell or zsh.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
struct PlanArgs {
    /// The community file (TOML); `-` reads stdin. Omit it to plan the bundled sample.
    file: Option<PathBuf>,
    /// Plan this calendar year (in the community's zone).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    year: Option<i32>,
    /// First day of the window (YYYY-MM-DD, community zone); without --to, a year from it.
    /// Default: the calendar year of the community's start.
    #[arg(long)]
    from: Option<String>,
    /// Last day of the window, inclusive (YYYY-MM-DD).
    #[arg(long, requires = "from")]
    to: Option<String>,
    /// Print one JSON object instead of the agenda (schema: docs/plan-json.md).
    #[arg(long)]
    json: bool,
    /// The most occurrences one rhythm may generate, counted from its start.
    #[arg(long, default_value_t = 50_000)]
    max_per_rhythm: usize,
    /// The most occurrences the whole plan may generate.
    #[arg(long, default_value_t = 5_000_000)]
    max_occurrences: usize,
    /// Write .ics feeds into DIR: the community's, one per group and one per member.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write the year at a glance as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write the year at a glance as one SVG image.
    #[arg(long, value_name = "FILE")]
    svg: Option<PathBuf>,
    /// Only this member's occurrences in the agenda, in their zone (unless --zone); with --html
    /// or --svg, draw their year: their groups and their load per week.
    #[arg(long, value_name = "ID")]
    member: Option<String>,
    /// Print the agenda's times in this zone (IANA name, e.g. America/New_York).
    #[arg(long, value_name = "ZONE")]
    zone: Option<String>,
    /// Treat the availability warnings (a fixed-time rhythm outside a member's windows, on
    /// their away dates or in their busy calendars) as errors: exit code 1, nothing written.
    #[arg(long)]
    strict: bool,
}

/// Runs the command line `args` (including the program name), writing to `out` and `err`;
/// a FILE given as `-` is read from the process's stdin. Returns the exit code.
pub fn run(args: Vec<OsString>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_with_input(args, &mut std::io::stdin().lock(), out, err)
}

/// [`run`], with `input` as what a FILE of `-` reads.
pub fn run_with_input(
    args: Vec<OsString>,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                err.write_all(text.as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
            return code;
        }
    };
    // Commands write only warnings and notes to `notes`; errors come back as a `Failure`.
    let mut sink = std::io::sink();
    let notes: &mut dyn Write = if cli.quiet { &mut sink } else { &mut *err };
    let progress = progress::Progress { enabled: !cli.quiet };
    let result = match cli.command {
        Command::Check { file, json: false, strict } => {
            check(file.as_deref(), strict, input, out, notes)
        }
        Command::Check { file, json: true, strict } => {
            check_json(file.as_deref(), strict, input, out)
        }
        Command::Plan(args) => plan(&args, progress, input, out, notes),
        Command::Busy(args) => busy::run(&args, input, out, notes),
        Command::Expand(args) => expand::run(&args, input, out, notes),
        Command::Slots(args) => slots::run(&args, progress, input, out, notes),
        Command::Pods(args) => pods::run(&args, progress, input, out, notes),
        Command::Serve(args) => serve::run(&args, cli.quiet, out, notes),
        Command::Completions { shell } => {
            // Generated into memory first: clap_complete panics when its writer fails.
            let mut script = Vec::new();
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "tempi", &mut script);
            out.write_all(&script).map_err(Failure::from)
        }
    };
    match result {
        Ok(()) => 0,
        Err(Failure::Reported) => 1,
        Err(Failure::NoFit) => EXIT_NO_FIT,
        Err(Failure::Quiet) => 0,
        Err(Failure::Located(message)) => {
            let _ = writeln!(err, "{message}");
            1
        }
        Err(Failure::Message(message)) => {
            let _ = writeln!(err, "error: {message}");
            1
        }
    }
}

pub(crate) enum Failure {
    /// The diagnostics were already written (on stderr, or in the JSON answer).
    Reported,
    /// Write this and fail.
    Message(String),
    /// Write this message, which already says where and `error:`, and fail.
    Located(String),
    /// Stop without a message or an error code (the output pipe closed).
    Quiet,
    /// The answer was written, and it is that nothing fits ([`EXIT_NO_FIT`]).
    NoFit,
}

impl Failure {
    /// A pipeline error for an id `flag` gave: an unknown id is prefixed with the flag.
    pub(crate) fn flagged(flag: &str) -> impl FnOnce(tempi::Error) -> Failure {
        move |error| match error {
            tempi::Error::UnknownGroup { .. } | tempi::Error::UnknownMember { .. } => {
                Failure::Message(format!("{flag}: {error}"))
            }
            _ => Failure::from(error),
        }
    }
}

impl From<tempi::Error> for Failure {
    fn from(error: tempi::Error) -> Failure {
        Failure::Message(error.to_string())
    }
}

/// Writes what the busy calendars' readers skipped or guessed.
pub(crate) fn write_busy_warnings(
    err: &mut dyn Write,
    warnings: &[BusyWarning],
) -> std::io::Result<()> {
    for warning in warnings {
        writeln!(err, "{warning}")?;
    }
    Ok(())
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            // `tempi plan | head`: the reader has all it wanted.
            return Failure::Quiet;
        }
        Failure::Message(format!("could not write output: {e}"))
    }
}

/// The name messages use for a community file read from stdin (`-`).
pub const STDIN_NAME: &str = "<stdin>";

/// Whether `path` is `-`, which means stdin.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// A calendar's bytes (`-`: from `input`) and the name messages use for it.
pub(crate) fn read_calendar(
    path: &Path,
    input: &mut dyn Read,
) -> Result<(String, Vec<u8>), Failure> {
    let shown = shown_name(Some(path));
    let bytes = if is_stdin(path) {
        pipeline::read_calendar(input, &shown)
    } else {
        pipeline::read_calendar_file(path, &shown)
    };
    match bytes {
        Ok(bytes) => Ok((shown, bytes)),
        Err(e @ tempi::Error::CalendarTooLarge { .. }) => Err(Failure::Located(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// A calendar reader's error, located at its line in `shown`.
pub(crate) fn calendar_failure(shown: &str, error: tempi::ical::Error) -> Failure {
    match error {
        tempi::ical::Error::Import { line, message } => {
            Failure::Located(format!("{shown}:{line}: error: {message}"))
        }
        other => Failure::Message(format!("{shown}: {other}")),
    }
}

fn read_source(path: Option<&Path>, input: &mut dyn Read) -> Result<(String, String), Failure> {
    let shown = shown_name(path);
    let text = match path {
        None => return Ok((SAMPLE_COMMUNITY.to_string(), shown)),
        Some(path) if is_stdin(path) => pipeline::read_community(input, &shown),
        Some(path) => pipeline::read_community_file(path, &shown),
    };
    match text {
        Ok(text) => Ok((text, shown)),
        // These two already say where and `error:`.
        Err(e @ (tempi::Error::TooLarge { .. } | tempi::Error::NotUtf8 { .. })) => {
            Err(Failure::Located(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn load(
    path: Option<&Path>,
    input: &mut dyn Read,
    err: &mut dyn Write,
) -> Result<Loaded, Failure> {
    let (text, shown) = read_source(path, input)?;
    match file::parse(&text, &shown) {
        Ok(loaded) => {
            write_diagnostics(err, &loaded.warnings)?;
            Ok(loaded)
        }
        Err(tempi::CoreError::File { errors, warnings }) => {
            // An error, not a note: returned, so that --quiet still prints it.
            Err(Failure::Located(check::file_errors(&errors, &warnings, &shown)))
        }
        Err(other) => Err(Failure::Message(other.to_string())),
    }
}

fn write_diagnostics(err: &mut dyn Write, list: &[Diagnostic]) -> std::io::Result<()> {
    for d in list {
        // Messages quote the file's text, which may hold control characters.
        writeln!(err, "{}", tempi::view::Safe(d))?;
    }
    Ok(())
}

/// The name messages use for the community file at `path`.
fn shown_name(path: Option<&Path>) -> String {
    match path {
        None => SAMPLE_NAME.to_string(),
        Some(p) if is_stdin(p) => STDIN_NAME.to_string(),
        Some(p) => p.display().to_string(),
    }
}

/// The availability check of `check` ([`pipeline::check_year`]). A file whose plan cannot be
/// made (a cap is passed) is still a valid file: the check is skipped with a note, and
/// `--strict` makes that an error.
fn check_availability(
    path: Option<&Path>,
    community: &Community,
    strict: bool,
    err: &mut dyn Write,
) -> Result<pipeline::AvailabilityReport, Failure> {
    match pipeline::check_year(community, &BusyFiles::beside(path))? {
        pipeline::YearCheck::Unplannable { year, error } if !strict => {
            let why = format!("the plan for {year} cannot be made: {error}");
            writeln!(err, "note: availability not checked: {why}")?;
            Ok(pipeline::AvailabilityReport::default())
        }
        pipeline::YearCheck::Unplannable { year, error } => Err(Failure::Message(format!(
            "--strict: availability cannot be checked: the plan for {year} cannot be made: {error}"
        ))),
        pipeline::YearCheck::Checked(report) => Ok(report),
        _ => Ok(pipeline::AvailabilityReport::default()),
    }
}

/// Under `--strict`, the problems as one error; else writes them to `err` as warnings.
fn report_availability(
    loaded: &Loaded,
    shown: &str,
    problems: &[tempi::solve::Unavailable],
    strict: bool,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    if problems.is_empty() {
        return Ok(());
    }
    if strict {
        let n = problems.len();
        let mut text = check::availability_lines(loaded, shown, problems, Severity::Error);
        text.push_str(&format!(
            "{n} availability error{} in {shown} (--strict); move the rhythm to a time that fits, or change the windows",
            if n == 1 { "" } else { "s" }
        ));
        return Err(Failure::Located(text));
    }
    let lines = check::availability_lines(loaded, shown, problems, Severity::Warning);
    err.write_all(lines.as_bytes())?;
    Ok(())
}

fn check(
    path: Option<&Path>,
    strict: bool,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let loaded = load(path, input, err)?;
    let report = check_availability(path, &loaded.community, strict, err)?;
    write_busy_warnings(err, &report.warnings)?;
    report_availability(&loaded, &shown_name(path), &report.problems, strict, err)?;
    let warnings = loaded.warnings.len() + report.problems.len();
    writeln!(out, "{}", check::summary(&loaded.community, warnings))?;
    Ok(())
}

/// `check --json`: the same verdict as one JSON object; nothing on stderr unless the file
/// cannot be read at all.
fn check_json(
    path: Option<&Path>,
    strict: bool,
    input: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let (text, shown) = read_source(path, input)?;
    let read = file::parse(&text, &shown);
    let problems = match &read {
        Ok(loaded) => {
            check_availability(path, &loaded.community, strict, &mut std::io::sink())?.problems
        }
        Err(_) => Vec::new(),
    };
    check::write_check_json_with(out, &read, &problems, strict)?;
    if read.is_err() || (strict && !problems.is_empty()) {
        return Err(Failure::Reported);
    }
    Ok(())
}

fn parse_day(text: &str, flag: &str) -> Result<NaiveDate, Failure> {
    tempi::time::parse_date(text).map_err(|e| Failure::Message(format!("{flag}: {e}")))
}

/// A window's error, naming `--from` and `--to`.
fn window_failure(error: tempi::Error) -> Failure {
    match error {
        tempi::Error::Backwards { from, to } => Failure::Message(format!(
            "--to {to} is before --from {from}; give a window that runs forwards"
        )),
        tempi::Error::YearFrom { from } => {
            Failure::Message(format!("--from {from}: a year from it is out of range"))
        }
        other => other.into(),
    }
}

/// `--from` and `--to` as dates, refusing a range that runs backwards (`busy`, `expand`).
pub(crate) fn date_range(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), Failure> {
    let (from, to) = (parse_day(from, "--from")?, parse_day(to, "--to")?);
    if to < from {
        return Err(window_failure(tempi::Error::Backwards { from, to }));
    }
    Ok((from, to))
}

fn window_for(args: &PlanArgs, community: &Community) -> Result<Window, Failure> {
    if let Some(year) = args.year {
        return Window::year(community.zone(), year).map_err(|e| Failure::Message(e.to_string()));
    }
    let from = args.from.as_deref().map(|d| parse_day(d, "--from")).transpose()?;
    let to = args.to.as_deref().map(|d| parse_day(d, "--to")).transpose()?;
    pipeline::window(community, from, to).map_err(window_failure)
}

/// A planning error, located at the rhythm it concerns when the file has it.
fn plan_failure(loaded: &Loaded, error: tempi::Error, args: &PlanArgs) -> Failure {
    let tempi::Error::Core(error) = error else { return error.into() };
    let rhythm = match &error {
        tempi::CoreError::TooManyOccurrences { rhythm, .. }
        | tempi::CoreError::Expansion { rhythm, .. } => Some(rhythm.as_str()),
        _ => None,
    };
    let shown = shown_name(args.file.as_deref());
    let message = match &error {
        tempi::CoreError::TooManyOccurrences { per_plan, .. } => {
            let flag = if *per_plan { "--max-occurrences" } else { "--max-per-rhythm" };
            format!("{error} (CLI: {flag})")
        }
        _ => error.to_string(),
    };
    match rhythm.and_then(|r| loaded.locate_rhythm(&shown, r)) {
        Some(place) => Failure::Located(format!("{place}: error: {message}")),
        None => Failure::Message(message),
    }
}

/// The agenda's `--zone` and `--member`; refused with `--json`, whose plan is always whole and
/// in UTC offsets.
fn agenda_options(
    args: &PlanArgs,
    community: &Community,
) -> Result<tempi::view::agenda::AgendaOptions, Failure> {
    let mut options = tempi::view::agenda::AgendaOptions::new();
    let picture = args.html.is_some() || args.svg.is_some();
    if args.json && (args.zone.is_some() || (args.member.is_some() && !picture)) {
        let flag = if args.zone.is_some() { "--zone" } else { "--member" };
        return Err(Failure::Message(format!(
            "{flag} shapes the text agenda (and --member the picture); the JSON always holds the whole plan: drop {flag} or --json"
        )));
    }
    if let Some(zone) = &args.zone {
        let zone =
            tempi::time::parse_zone(zone).map_err(|e| Failure::Message(format!("--zone: {e}")))?;
        options = options.zone(zone);
    }
    if let Some(id) = &args.member {
        let member = pipeline::member(community, id).map_err(Failure::flagged("--member"))?;
        options = options.member(member.id());
    }
    Ok(options)
}

fn plan(
    args: &PlanArgs,
    progress: progress::Progress,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    if let (Some(dir), None) = (&args.out, &args.file) {
        // Publishing the bundled sample to subscribers by accident is worse than an error.
        return Err(Failure::Message(format!(
            "--out publishes feeds for subscribers, so it needs the community FILE: `tempi plan FILE --out {}` (the bundled sample is examples/community.toml in tempi's repository)",
            dir.display()
        )));
    }
    let loaded = load(args.file.as_deref(), input, err)?;
    let window = window_for(args, &loaded.community)?;
    let agenda = agenda_options(args, &loaded.community)?;
    // Rhythms with `at = "auto"` get their times from the solver before anything is expanded.
    let busy = BusyFiles::beside(args.file.as_deref());
    let options =
        ExpandOptions::new().max_per_rhythm(args.max_per_rhythm).max_per_plan(args.max_occurrences);
    let checked = progress
        .waiting("planning", || {
            pipeline::plan_checked(loaded.community.clone(), window, options, &busy)
        })
        .map_err(|e| plan_failure(&loaded, e, args))?;
    let (planned, report) = (&checked.planned, &checked.availability);
    write_busy_warnings(err, &planned.warnings)?;
    for p in &planned.unplaced {
        let (rhythm, reason) = (&p.rhythm, &p.reason);
        writeln!(err, "warning: rhythm `{rhythm}` (at = \"auto\") could not be placed: {reason}")?;
    }
    write_busy_warnings(err, &report.warnings)?;
    let shown = shown_name(args.file.as_deref());
    report_availability(&loaded, &shown, &report.problems, args.strict, err)?;
    // Mixers: groups across pods at each occurrence of a `mix` rhythm, and their coverage.
    for report in &planned.mixers {
        writeln!(err, "note: {report}")?;
    }
    let (community, plan) = (&planned.community, &planned.plan);
    if let Some(dir) = &args.out {
        export::write_feeds(community, plan, dir, err)?;
    }
    if args.html.is_some() || args.svg.is_some() {
        year::write(
            community,
            plan,
            args.html.as_deref(),
            args.svg.as_deref(),
            args.member.as_deref(),
        )?;
    }
    if args.json {
        tempi::view::write_plan_json(out, community, plan, &loaded.warnings).map_err(
            |e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => Failure::Quiet,
                _ => Failure::Message(format!("could not write JSON: {e}")),
            },
        )?;
        writeln!(out)?;
    } else {
        tempi::view::agenda::write_agenda_with(out, community, plan, &loaded.warnings, &agenda)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
