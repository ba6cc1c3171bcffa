//! Generates a synthetic organisation as a community file (TOML) on stdout, for benchmarks and
//! load tests.
//!
//! ```text
//! cargo run --release -p tempi --example synth -- --members 20000 --seed 1 > org.toml
//! cargo run --release -p tempi-cli --bin tempi -- check org.toml
//! cargo run --release -p tempi-cli --bin tempi -- plan org.toml --year 2027
//! ```
//!
//! `--members N` (default 20000, at least 5) and `--seed S` (default 1). The same arguments always
//! print the same file: the only randomness is a built-in splitmix64 generator.
//!
//! The shape, scaled to N (the numbers are for 20,000 members):
//!
//! - **4,000 pods** of 5, each with a weekly check-in on its own weekday, time and zone: a 6-week
//!   commitment closing with a retrospective, a rotating facilitator and timekeeper, and the
//!   retreat week off (`except = [{ rhythm = "annual-retreat", scope = "week" }]`).
//! - **400 circles** of 10 pods (about 50 people) meeting fortnightly. Each circle also lists two
//!   members of a neighbouring circle directly, so those people sit in two circles.
//! - **40 congregations** of 10 circles (about 500 people), with a quarterly planning day (a
//!   friendly cadence such as "first sat of every quarter" or the equivalent RRULE). Each lists
//!   five of the circle-linking members directly, so they belong to three groups directly.
//! - **One network** of all congregations, with a three-day annual retreat
//!   ("2nd fri of september", 2d6h).
//!
//! Members live in 12 IANA zones on six continents; each congregation is rooted in one of three
//! regions (Europe & Africa, the Americas, Asia-Pacific) and about one member in ten lives
//! elsewhere. Groups whose size is outside their named scale (a 50-person "circle") get an explicit
//! size range instead, so `tempi check` prints no size warnings.
//!
//! The benchmarks (`benches/benches/plan.rs`) include this file as a module and call [`generate`].

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::process::ExitCode;

/// The organisation's size when `--members` is not given.
pub const DEFAULT_MEMBERS: usize = 20_000;
/// The seed when `--seed` is not given.
pub const DEFAULT_SEED: u64 = 1;
/// The smallest organisation generated: one pod.
pub const MIN_MEMBERS: usize = 5;

const POD_SIZE: usize = 5;
const PODS_PER_CIRCLE: usize = 10;
const CIRCLES_PER_CONGREGATION: usize = 10;
/// Members of a neighbouring circle that each circle lists directly.
const LINKS_PER_CIRCLE: usize = 2;
/// Members each congregation lists directly (chosen among its circles' links).
const ELDERS_PER_CONGREGATION: usize = 5;

/// A region: the zones its members mostly live in.
#[derive(Debug, Clone, Copy, Default)]
struct Region {
    name: &'static str,
    zones: &'static [&'static str],
}

const REGIONS: [Region; 3] = [
    Region {
        name: "Europe & Africa",
        zones: &[
            "Europe/London",
            "Europe/Berlin",
            "Europe/Madrid",
            "Africa/Lagos",
            "Africa/Nairobi",
        ],
    },
    Region {
        name: "Americas",
        zones: &["America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo"],
    },
    Region { name: "Asia-Pacific", zones: &["Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney"] },
];

const ALL_ZONES: [&str; 12] = [
    "Europe/London",
    "Europe/Berlin",
    "Europe/Madrid",
    "Africa/Lagos",
    "Africa/Nairobi",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
];

const FIRST_NAMES: [&str; 32] = [
    "Ana", "Bram", "Chiara", "Dawit", "Elin", "Farid", "Grace", "Hugo", "Isabela", "Jamal", "Kai",
    "Leilani", "Mei", "Nikhil", "Olivia", "Priya", "Quinn", "Rangi", "Sol", "Tomás", "Ugo", "Vera",
    "Wanjiru", "Xavier", "Yara", "Zoë", "Amara", "Björn", "Chen", "Dara", "Émile", "Fatima",
];

const LAST_NAMES: [&str; 32] = [
    "Souza",
    "de Vries",
    "Russo",
    "Bekele",
    "Nyström",
    "Haddad",
    "Okafor",
    "Lambert",
    "Costa",
    "Carter",
    "Müller",
    "Kahale",
    "Tanaka",
    "Rao",
    "Chen",
    "Sharma",
    "Walker",
    "Parata",
    "Martínez",
    "Herrera",
    "Adeyemi",
    "Kowalski",
    "Mwangi",
    "Dubois",
    "Silva",
    "Nakamura",
    "Andersen",
    "Ibrahim",
    "O'Neill",
    "García",
    "Novak",
    "Kim",
];

const AVAILABILITY: [&str; 6] = [
    "mon-fri 18:00-22:00",
    "mon-thu 19:00-21:30",
    "tue-fri 17:30-21:00",
    "sat,sun 09:00-13:00",
    "mon-fri 07:00-09:00",
    "wed 18:00-22:00",
];

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const EVENING_TIMES: [&str; 6] = ["18:00", "18:30", "19:00", "19:30", "20:00", "20:30"];
const MORNING_TIMES: [&str; 4] = ["09:00", "09:30", "10:00", "10:30"];
const POD_LENGTHS: [&str; 3] = ["60m", "75m", "90m"];

/// splitmix64: tiny, fast, and good enough to vary a synthetic file.
/// (The solver benches draw their busy intervals from it too.)
#[derive(Debug, Clone)]
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        let wide = (u128::from(self.next()) * n as u128) >> 64;
        usize::try_from(wide).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy + Default>(&mut self, list: &[T]) -> T {
        list.get(self.below(list.len())).copied().unwrap_or_default()
    }
}

/// `0..total` split into `parts` contiguous ranges whose sizes differ by at most one.
fn split(total: usize, parts: usize, index: usize) -> std::ops::Range<usize> {
    let parts = parts.max(1);
    (index * total / parts)..((index + 1) * total / parts)
}

/// The named scale if `size` fits it, else an explicit size range around `size`.
fn scale_for(name: &str, min: usize, max: usize, size: usize) -> String {
    if (min..=max).contains(&size) {
        return name.to_string();
    }
    let low = (size * 9 / 10 / 10 * 10).max(1);
    let high = (size * 11 / 10).div_ceil(10) * 10;
    format!("{low}..{}", high.max(size))
}

/// The organisation's structure, before it is written out.
struct Org {
    members: usize,
    pods: usize,
    circles: usize,
    congregations: usize,
}

impl Org {
    fn new(members: usize) -> Org {
        let members = members.max(MIN_MEMBERS);
        let pods = (members / POD_SIZE).max(1);
        let circles = pods.div_ceil(PODS_PER_CIRCLE);
        let congregations = circles.div_ceil(CIRCLES_PER_CONGREGATION);
        Org { members, pods, circles, congregations }
    }

    fn pod_members(&self, pod: usize) -> std::ops::Range<usize> {
        split(self.members, self.pods, pod)
    }

    fn circle_pods(&self, circle: usize) -> std::ops::Range<usize> {
        split(self.pods, self.circles, circle)
    }

    fn congregation_circles(&self, congregation: usize) -> std::ops::Range<usize> {
        split(self.circles, self.congregations, congregation)
    }

    fn circle_members(&self, circle: usize) -> std::ops::Range<usize> {
        let pods = self.circle_pods(circle);
        self.pod_members(pods.start).start..self.pod_members(pods.end.saturating_sub(1)).end
    }

    fn congregation_members(&self, congregation: usize) -> std::ops::Range<usize> {
        let circles = self.congregation_circles(congregation);
        self.circle_members(circles.start).start
            ..self.circle_members(circles.end.saturating_sub(1)).end
    }

    fn congregation_of_circle(&self, circle: usize) -> usize {
        (0..self.congregations)
            .find(|k| self.congregation_circles(*k).contains(&circle))
            .unwrap_or(0)
    }

    /// The neighbouring circle in the same congregation, if there is one.
    fn neighbour(&self, circle: usize) -> Option<usize> {
        let siblings = self.congregation_circles(self.congregation_of_circle(circle));
        let count = siblings.len();
        (count > 1).then(|| siblings.start + (circle - siblings.start + 1) % count)
    }
}

fn member_id(m: usize) -> String {
    format!("m{:05}", m + 1)
}

fn pod_id(p: usize) -> String {
    format!("pod-{:04}", p + 1)
}

fn circle_id(c: usize) -> String {
    format!("circle-{:03}", c + 1)
}

fn congregation_id(k: usize) -> String {
    format!("cong-{:02}", k + 1)
}

fn region_of(congregation: usize) -> Region {
    REGIONS.get(congregation % REGIONS.len()).copied().unwrap_or_default()
}

fn quoted_list(ids: &[String]) -> String {
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Generates an organisation of `members` people (at least 5) as a community file. The same
/// arguments always give the same text.
pub fn generate(members: usize, seed: u64) -> String {
    let org = Org::new(members);
    // About 190 bytes per member, pod and circle lines included.
    let mut out = String::with_capacity(org.members * 200 + 4096);
    // Writing to a String cannot fail.
    let _ = write_org(&mut out, &org, seed);
    out
}

fn write_org(out: &mut String, org: &Org, seed: u64) -> fmt::Result {
    let mut rng = Rng(seed);

    // Who each circle links in from its neighbour, and which of them each congregation lists.
    let mut links: Vec<Vec<usize>> = vec![Vec::new(); org.circles];
    for (circle, list) in links.iter_mut().enumerate() {
        let Some(neighbour) = org.neighbour(circle) else { continue };
        let pods = org.circle_pods(neighbour);
        for pod in pods.take(LINKS_PER_CIRCLE) {
            let range = org.pod_members(pod);
            list.push(range.start + rng.below(range.len()));
        }
    }
    let elders: Vec<Vec<usize>> = (0..org.congregations)
        .map(|k| {
            let circles = org.congregation_circles(k);
            let mut list: Vec<usize> =
                circles.clone().filter_map(|c| links.get(c)?.first().copied()).collect();
            if list.is_empty() {
                list = circles.map(|c| org.circle_members(c).start).collect();
            }
            list.truncate(ELDERS_PER_CONGREGATION);
            list
        })
        .collect();

    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        out,
        "# A synthetic organisation: {}, {}, {}, {}, one network.",
        count(org.members, "member", "members"),
        count(org.pods, "pod", "pods"),
        count(org.circles, "circle", "circles"),
        count(org.congregations, "congregation", "congregations"),
    )?;
    writeln!(
        out,
        "# Generated by `cargo run --release -p tempi --example synth -- --members {} --seed {seed}`.",
        org.members
    )?;
    writeln!(out)?;
    writeln!(out, "[community]")?;
    writeln!(out, "id = \"synth-org\"")?;
    writeln!(out, "name = \"Synthetic Organisation ({} members)\"", org.members)?;
    writeln!(out, "zone = \"Europe/Berlin\"")?;
    writeln!(out, "start = \"2027-01-04\"")?;

    // Members, congregation by congregation: most live in their congregation's region.
    for k in 0..org.congregations {
        let region = region_of(k);
        for m in org.congregation_members(k) {
            let zone = if rng.chance(10) { rng.pick(&ALL_ZONES) } else { rng.pick(region.zones) };
            writeln!(out, "\n[[members]]")?;
            writeln!(out, "id = \"{}\"", member_id(m))?;
            writeln!(out, "name = \"{} {}\"", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES))?;
            writeln!(out, "zone = \"{zone}\"")?;
            if rng.chance(50) {
                writeln!(out, "email = \"{}@synth.example\"", member_id(m))?;
            }
            if rng.chance(30) {
                writeln!(out, "availability = [\"{}\"]", rng.pick(&AVAILABILITY))?;
            }
        }
    }

    // Groups: the network, congregations, circles, pods.
    writeln!(out, "\n[[groups]]")?;
    writeln!(out, "id = \"network\"")?;
    writeln!(out, "name = \"The whole network\"")?;
    writeln!(out, "scale = \"{}\"", scale_for("network", 20, usize::MAX, org.members))?;
    for k in 0..org.congregations {
        let size = org.congregation_members(k).len();
        let direct: Vec<String> =
            elders.get(k).into_iter().flatten().map(|m| member_id(*m)).collect();
        writeln!(out, "\n[[groups]]")?;
        writeln!(out, "id = \"{}\"", congregation_id(k))?;
        writeln!(out, "name = \"Congregation {} ({})\"", k + 1, region_of(k).name)?;
        writeln!(out, "scale = \"{}\"", scale_for("congregation", 20, 250, size))?;
        writeln!(out, "members = {}", quoted_list(&direct))?;
        writeln!(out, "part_of = \"network\"")?;
    }
    for c in 0..org.circles {
        let linked = links.get(c).map_or(&[][..], Vec::as_slice);
        let size = org.circle_members(c).len() + linked.len();
        let direct: Vec<String> = linked.iter().map(|m| member_id(*m)).collect();
        writeln!(out, "\n[[groups]]")?;
        writeln!(out, "id = \"{}\"", circle_id(c))?;
        writeln!(out, "name = \"Circle {}\"", c + 1)?;
        writeln!(out, "scale = \"{}\"", scale_for("circle", 8, 30, size))?;
        if !direct.is_empty() {
            writeln!(out, "members = {}", quoted_list(&direct))?;
        }
        writeln!(out, "part_of = \"{}\"", congregation_id(org.congregation_of_circle(c)))?;
    }
    for c in 0..org.circles {
        for p in org.circle_pods(c) {
            let members: Vec<String> = org.pod_members(p).map(member_id).collect();
            writeln!(out, "\n[[groups]]")?;
            writeln!(out, "id = \"{}\"", pod_id(p))?;
            writeln!(out, "name = \"Pod {}\"", p + 1)?;
            writeln!(out, "scale = \"{}\"", scale_for("pod", 3, 8, members.len()))?;
            writeln!(out, "members = {}", quoted_list(&members))?;
            writeln!(out, "part_of = \"{}\"", circle_id(c))?;
        }
    }

    // Rhythms, slowest first.
    writeln!(out, "\n[[rhythms]]")?;
    writeln!(out, "id = \"annual-retreat\"")?;
    writeln!(out, "name = \"Annual retreat of the whole network\"")?;
    writeln!(out, "group = \"network\"")?;
    writeln!(out, "category = \"relational\"")?;
    writeln!(out, "cadence = \"2nd fri of september\"")?;
    writeln!(out, "at = \"10:00\"")?;
    writeln!(out, "length = \"2d6h\"")?;
    writeln!(
        out,
        "roles = [{{ role = \"host\", member = \"{}\" }}, \"facilitator\"]",
        member_id(0)
    )?;
    writeln!(out, "presence = \"60%\"")?;
    writeln!(
        out,
        "intention = \"Three days together: rest, reflect, and recommit to each other.\""
    )?;

    for k in 0..org.congregations {
        let region = region_of(k);
        let ordinal = rng.pick(&[("first", "1"), ("second", "2")]);
        let day = rng.pick(&[("sat", "SA"), ("sun", "SU")]);
        let cadence = if k % 2 == 0 {
            format!("{} {} of every quarter", ordinal.0, day.0)
        } else {
            format!("FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY={}{}", ordinal.1, day.1)
        };
        writeln!(out, "\n[[rhythms]]")?;
        writeln!(out, "id = \"{}-planning\"", congregation_id(k))?;
        writeln!(out, "name = \"Congregation {} quarterly planning\"", k + 1)?;
        writeln!(out, "group = \"{}\"", congregation_id(k))?;
        writeln!(out, "category = \"planning\"")?;
        writeln!(out, "cadence = \"{cadence}\"")?;
        writeln!(out, "at = \"{}\"", rng.pick(&["13:00", "14:00", "15:00"]))?;
        writeln!(out, "zone = \"{}\"", rng.pick(region.zones))?;
        writeln!(out, "length = \"3h\"")?;
        writeln!(out, "roles = [\"facilitator\", \"timekeeper\"]")?;
        writeln!(out, "presence = \"50%\"")?;
        writeln!(out, "except = [{{ rhythm = \"annual-retreat\", scope = \"span\" }}]")?;
    }

    for c in 0..org.circles {
        let region = region_of(org.congregation_of_circle(c));
        let weekday = rng.pick(&WEEKDAYS[..5]);
        let cadence = if c % 2 == 0 {
            format!("fortnightly on {weekday}")
        } else {
            format!("every 2 weeks on {weekday}")
        };
        writeln!(out, "\n[[rhythms]]")?;
        writeln!(out, "id = \"{}-gathering\"", circle_id(c))?;
        writeln!(out, "name = \"Circle {} fortnightly gathering\"", c + 1)?;
        writeln!(out, "group = \"{}\"", circle_id(c))?;
        writeln!(out, "category = \"working\"")?;
        writeln!(out, "cadence = \"{cadence}\"")?;
        writeln!(out, "at = \"{}\"", rng.pick(&EVENING_TIMES))?;
        writeln!(out, "zone = \"{}\"", rng.pick(region.zones))?;
        writeln!(out, "length = \"2h\"")?;
        writeln!(out, "roles = [\"facilitator\"]")?;
        writeln!(out, "presence = \"40%\"")?;
        writeln!(out, "except = [{{ rhythm = \"annual-retreat\", scope = \"week\" }}]")?;
    }

    for c in 0..org.circles {
        let region = region_of(org.congregation_of_circle(c));
        for p in org.circle_pods(c) {
            let weekday = rng.pick(&WEEKDAYS);
            let at = if matches!(weekday, "sat" | "sun") {
                rng.pick(&MORNING_TIMES)
            } else {
                rng.pick(&EVENING_TIMES)
            };
            writeln!(out, "\n[[rhythms]]")?;
            writeln!(out, "id = \"{}-checkin\"", pod_id(p))?;
            writeln!(out, "name = \"Pod {} weekly check-in\"", p + 1)?;
            writeln!(out, "group = \"{}\"", pod_id(p))?;
            writeln!(out, "category = \"relational\"")?;
            writeln!(out, "cadence = \"weekly on {weekday}\"")?;
            writeln!(out, "at = \"{at}\"")?;
            writeln!(out, "zone = \"{}\"", rng.pick(region.zones))?;
            writeln!(out, "length = \"{}\"", rng.pick(&POD_LENGTHS))?;
            writeln!(out, "commitment = {{ meetings = 6, retrospective = \"2h\" }}")?;
            writeln!(out, "roles = [\"facilitator\", \"timekeeper\"]")?;
            writeln!(out, "presence = 3")?;
            writeln!(out, "except = [{{ rhythm = \"annual-retreat\", scope = \"week\" }}]")?;
        }
    }
    Ok(())
}

fn usage() -> String {
    format!(
        "usage: synth [--members N] [--seed S] > org.toml\n  --members N  people in the organisation (default {DEFAULT_MEMBERS}, at least {MIN_MEMBERS})\n  --seed S     seed for the deterministic generator (default {DEFAULT_SEED})"
    )
}

/// The parsed command line: `Ok(None)` means help was asked for.
fn parse_args(args: &[String]) -> Result<Option<(usize, u64)>, String> {
    let mut members = DEFAULT_MEMBERS;
    let mut seed = DEFAULT_SEED;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_string())),
            None => (arg.as_str(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| rest.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--members" => {
                let text = value("--members")?;
                members = text
                    .parse()
                    .map_err(|_| format!("--members: `{text}` is not a whole number"))?;
                if members < MIN_MEMBERS {
                    return Err(format!("--members must be at least {MIN_MEMBERS}, not {members}"));
                }
            }
            "--seed" => {
                let text = value("--seed")?;
                seed =
                    text.parse().map_err(|_| format!("--seed: `{text}` is not a whole number"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some((members, seed)))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (members, seed) = match parse_args(&args) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            eprintln!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("synth: {message}\n{}", usage());
            return ExitCode::from(2);
        }
    };
    let text = generate(members, seed);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("synth: could not write: {e}");
            ExitCode::FAILURE
        }
    }
}
