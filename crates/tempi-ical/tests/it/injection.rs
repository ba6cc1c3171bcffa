//! Injection (issue 5 §4): names and texts full of line breaks, `BEGIN:VEVENT`, `END:VCALENDAR`,
//! `;` `,` `\` `"` and multi-byte characters placed across the 75-octet fold are exported, then
//! read by the third-party implementations the interop tests use (installed by
//! `scripts/ci-setup-interop.sh`). Python icalendar must parse every feed without an error or a
//! warning, find exactly the planned events and no other component or property, and decode
//! SUMMARY, DESCRIPTION, ATTENDEE CN
//! and X-WR-CALNAME to the input text, modulo the documented transformations (docs/feeds.md):
//! TEXT turns CR, LF and CRLF into one line break and drops other control characters; a parameter
//! turns DQUOTE into `'` and control characters into spaces. Python (recurring-ical-events),
//! ical.js and libical must each read the feeds without complaint and find exactly the planned
//! occurrences.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempi_core::chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use tempi_core::chrono_tz::Europe::Berlin;
use tempi_core::{Cadence, Category, Community, Group, Member, Plan, Rhythm, Scale, Window};
use tempi_ical::export::{self, ExportOptions, Feed, Scope};

use crate::interop::{Client, run};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The checker's Python, as in `interop.rs`: missing means the test fails and says what to run.
fn python() -> PathBuf {
    let python = workspace().join("interop/.venv/bin/python");
    assert!(
        python.exists(),
        "the interop checker is not installed: run `bash scripts/ci-setup-interop.sh` (it installs \
         the pinned Python icalendar + recurring-ical-events into interop/.venv); missing {}",
        python.display()
    );
    python
}

/// Reads each feed with Python icalendar and prints what it decoded, one record a line:
/// `FILE<TAB>KIND<TAB>HEX` (the value as UTF-8 in hex, so no byte of it can be misread).
const DECODE: &str = r#"
import sys, warnings, icalendar
def out(path, kind, value):
    sys.stdout.write(f"{path}\t{kind}\t{str(value).encode('utf-8').hex()}\n")
def errors(c):
    found = list(getattr(c, "errors", []) or [])
    for sub in c.subcomponents:
        found.extend(errors(sub))
    return found
failed = False
for path in sys.argv[1:]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            cal = icalendar.Calendar.from_ical(data)
        except Exception as e:
            out(path, "!ERROR", f"{type(e).__name__}: {e}"); failed = True; continue
        for e in errors(cal):
            out(path, "!ERROR", e); failed = True
        out(path, "CALPROPS", ",".join(sorted(set(cal.keys()))))
        out(path, "X-WR-CALNAME", cal.get("X-WR-CALNAME"))
        for sub in cal.subcomponents:
            if sub.name == "VTIMEZONE":
                for part in sub.subcomponents:
                    if part.name not in ("STANDARD", "DAYLIGHT") or part.subcomponents:
                        out(path, "COMPONENT", "VTIMEZONE/" + part.name)
                continue
            out(path, "COMPONENT", sub.name + "".join("/" + s.name for s in sub.subcomponents))
            if sub.name != "VEVENT":
                continue
            names = [k for k in sub.keys()]
            for k in names:
                vals = sub.get(k)
                n = len(vals) if isinstance(vals, list) else 1
                out(path, "PROP", f"{k}*{n}")
            organizer = sub.get("ORGANIZER")
            out(path, "EVENT", "\x00".join([str(sub.get("UID")), str(sub.get("SUMMARY")), str(sub.get("DESCRIPTION")), "" if organizer is None else str(organizer) + "\x01" + organizer.params.get("CN", "")]))
            attendees = sub.get("ATTENDEE")
            if attendees is not None:
                if not isinstance(attendees, list):
                    attendees = [attendees]
                for a in attendees:
                    out(path, "ATTENDEE", str(a) + "\x00" + a.params.get("CN", "") + "\x00" + a.params.get("ROLE", ""))
        for w in caught:
            out(path, "!ERROR", f"warning: {w.category.__name__}: {w.message}"); failed = True
sys.exit(1 if failed else 0)
"#;

fn hex_decode(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    String::from_utf8(bytes).unwrap()
}

/// What Python decoded, per file: (kind, value) in order.
fn decoded(files: &[PathBuf]) -> BTreeMap<PathBuf, Vec<(String, String)>> {
    let output =
        Command::new(python()).arg("-c").arg(DECODE).args(files).output().expect("run python");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut records: BTreeMap<PathBuf, Vec<(String, String)>> = BTreeMap::new();
    let mut errors = Vec::new();
    for line in stdout.lines() {
        let mut fields = line.split('\t');
        let (file, kind, value) =
            (fields.next().unwrap(), fields.next().unwrap(), hex_decode(fields.next().unwrap()));
        if kind == "!ERROR" {
            errors.push(format!("{file}: {value}"));
        }
        records.entry(PathBuf::from(file)).or_default().push((kind.to_string(), value));
    }
    assert!(
        output.status.success() && errors.is_empty(),
        "Python icalendar complained:\n{}\n{}",
        errors.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    records
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// The occurrences each interop client (Python, ical.js, libical; see `interop.rs`) finds: per
/// client, per file, its sorted `UID\tstart\tseconds` rows. Any error is a failure.
fn expanded(window: Window, files: &[PathBuf]) -> Vec<(Client, BTreeMap<PathBuf, Vec<String>>)> {
    [Client::Python, Client::IcalJs, Client::Libical]
        .into_iter()
        .map(|client| {
            let said = run(client, window, files);
            assert!(
                said.errors.is_empty() && said.broken.is_empty(),
                "{} failed on the injection feeds:\n{:#?}\n{:#?}",
                client.name(),
                said.errors,
                said.broken
            );
            (client, said.rows)
        })
        .collect()
}

/// Strings that try to break out of a value, and multi-byte runs that straddle octet 75 at
/// every offset (a 1-byte prefix of 0–3 octets shifts where each character falls).
fn tricky() -> Vec<String> {
    let mut list: Vec<String> = [
        "cr\rin the middle",
        "lf\nin the middle",
        "crlf\r\nin the middle",
        "x\r\nBEGIN:VEVENT\r\nUID:evil\r\nEND:VEVENT",
        "end\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR",
        "END:VCALENDAR",
        "semi;colon; and,comma,s",
        "back\\slash\\n not a newline\\",
        "double \"quotes\" and 'single'",
        "colon: value;X-EVIL=1:mailto:evil@example.org",
        "tab\tand\u{7}bell\u{0}nul\u{1b}esc",
        "Zoë \"Z\", Leiterin; A\\B\r\nBEGIN:VEVENT\rX",
        "\r\n leading break and space",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for ch in ['é', '☃', '𝄞'] {
        for pad in 0..4 {
            list.push(format!("{}{}", "x".repeat(pad), ch.to_string().repeat(160 / ch.len_utf8())));
        }
    }
    list
}

/// TEXT as a reader decodes it: every line break one `\n`, other control characters gone.
fn as_text(input: &str) -> String {
    let breaks = input.replace("\r\n", "\n").replace('\r', "\n");
    breaks.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect()
}

/// Decodes RFC 5545 TEXT escapes (`\\` `\;` `\,` `\n` `\N`).
fn unescape_text(raw: &str) -> String {
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

/// A parameter value as a reader decodes it: DQUOTE → `'`, control characters → space.
fn as_param(input: &str) -> String {
    input
        .chars()
        .map(|c| {
            if c == '"' {
                '\''
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// One member per tricky name, all in one group; one weekly rhythm per tricky name (each at its own day and hour)
/// with another one as its intention; the community and group are named trickily too.
fn community(variant: usize) -> (Community, Plan) {
    let names = tricky();
    let pick = |i: usize| names[(i + variant) % names.len()].clone();
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let mut builder = Community::builder(format!("inj{variant}"), pick(3), Berlin, start);
    let ids: Vec<String> = (0..names.len()).map(|i| format!("m{i}")).collect();
    for (i, id) in ids.iter().enumerate() {
        builder.member(Member::new(id, pick(i), Berlin).email(format!("{id}@example.org")));
    }
    builder.group(
        Group::new("everyone", pick(4), Scale::Range { min: 1, max: 100 }).members(ids.clone()),
    );
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    for i in 0..names.len() {
        builder.rhythm(
            Rhythm::builder(format!("r{i}"), "everyone")
                .name(pick(i))
                .category(Category::Relational)
                .timing(format!("weekly on {}", days[i % 7]).parse::<Cadence>().unwrap())
                // A day and hour of its own: no two rhythms clash, so none is cancelled.
                .at_time(NaiveTime::from_hms_opt(6 + 2 * (i / 7) as u32, 0, 0).unwrap())
                .length("1h")
                .build()
                .unwrap()
                .intention(pick(i + 7)),
        );
    }
    let (community, _) = builder.build().unwrap();
    let window =
        Window::days(Berlin, start, NaiveDate::from_ymd_opt(2027, 1, 31).unwrap()).unwrap();
    let plan = community.plan(window).unwrap();
    (community, plan)
}

/// Every physical line ends in CRLF, has at most 75 octets, holds no other CR or LF and is whole
/// UTF-8 by itself (no fold splits a character).
#[track_caller]
fn assert_lines_well_formed(name: &str, ics: &[u8]) {
    assert!(ics.ends_with(b"\r\n"), "{name}");
    let mut rest = ics;
    let mut n = 0;
    while !rest.is_empty() {
        let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let line = &rest[..end];
        n += 1;
        assert!(line.len() <= 75, "{name} line {n}: {} octets", line.len());
        assert!(!line.contains(&b'\r') && !line.contains(&b'\n'), "{name} line {n}: {line:?}");
        assert!(std::str::from_utf8(line).is_ok(), "{name} line {n} splits a character: {line:?}");
        rest = &rest[end + 2..];
    }
}

/// See: issue 5 §4.
#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn tricky_text_survives_a_third_party_reader_intact() {
    let dir = std::env::temp_dir().join(format!("tempi-injection-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
    let mut cases: Vec<(Community, Plan, Feed, PathBuf)> = Vec::new();
    for variant in 0..2 {
        let (community, plan) = community(variant);
        for feed in export::feeds(&community, &plan, &options).unwrap() {
            assert_lines_well_formed(&feed.id, feed.ics.as_bytes());
            let path = dir.join(format!("{variant}-{}.ics", feed.id));
            std::fs::write(&path, &feed.ics).unwrap();
            cases.push((community.clone(), plan.clone(), feed, path));
        }
    }
    let files: Vec<PathBuf> = cases.iter().map(|(_, _, _, p)| p.clone()).collect();
    let records = decoded(&files);
    let window = cases[0].1.window();
    let rows = expanded(window, &files);
    let allowed_event_props = [
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "RECURRENCE-ID",
        "RRULE",
        "SEQUENCE",
        "SUMMARY",
        "DESCRIPTION",
        "CATEGORIES",
        "ORGANIZER",
        "ATTENDEE",
        "STATUS",
        "TRANSP",
    ];
    for (community, plan, feed, path) in &cases {
        let shown = path.display();
        let got = &records[path];
        let of = |kind: &str| -> Vec<&str> {
            got.iter().filter(|(k, _)| k == kind).map(|(_, v)| v.as_str()).collect()
        };
        // The calendar: its own properties only, and the name as given.
        assert_eq!(
            of("CALPROPS"),
            ["CALSCALE,METHOD,PRODID,REFRESH-INTERVAL,VERSION,X-PUBLISHED-TTL,X-WR-CALNAME"],
            "{shown}"
        );
        // DIFFERENCE: Python icalendar (7.3.2) reads X- properties as `vUnknown` and does not
        // decode TEXT escapes in them; calendar apps treat X-WR-CALNAME as TEXT, so decode here.
        let calname: Vec<String> = of("X-WR-CALNAME").into_iter().map(unescape_text).collect();
        assert_eq!(calname, [as_text(&feed.name)], "{shown}");
        // Exactly the planned events: as many VEVENTs as tempi wrote (a master per rhythm, an
        // override per change of facilitator), no other component, and exactly the planned
        // occurrences (UID, start, length).
        let rhythms: Vec<&str> = match &feed.scope {
            Scope::Member(id) => community
                .rhythms()
                .iter()
                .filter(|r| community.attendees_of(r.id()).contains(&id.as_str()))
                .map(|r| r.id())
                .collect(),
            _ => community.rhythms().iter().map(|r| r.id()).collect(),
        };
        let written = feed.ics.split("\r\n").filter(|l| *l == "BEGIN:VEVENT").count();
        assert!(written >= rhythms.len(), "{shown}");
        assert_eq!(of("COMPONENT"), vec!["VEVENT"; written], "{shown}");
        let uids = export::occurrence_uids(community, plan);
        let mut want: Vec<String> = plan
            .occurrences()
            .iter()
            .zip(&uids)
            .filter(|(o, _)| o.is_active() && rhythms.contains(&&*o.rhythm))
            .map(|(o, uid)| {
                let start = stamp(o.start.with_timezone(&Utc));
                format!("{uid}\t{start}\t{}", (o.end - o.start).num_seconds())
            })
            .collect();
        want.sort();
        for (client, rows) in &rows {
            assert_eq!(rows[path], want, "{shown}: occurrences in {}", client.name());
        }
        assert!(want.len() >= 4 * rhythms.len(), "{shown}");
        // Every event has only its properties, each once (ATTENDEE once per attendee).
        for prop in of("PROP") {
            let (name, count) = prop.split_once('*').unwrap();
            assert!(allowed_event_props.contains(&name), "{shown}: extra property {name}");
            let expected = if name == "ATTENDEE" { community.members().len() } else { 1 };
            assert_eq!(count, expected.to_string(), "{shown}: {name}");
        }
        // SUMMARY, DESCRIPTION and ORGANIZER of each event, decoded, against its rhythm's text.
        let group = as_text(community.groups()[0].name());
        let events = of("EVENT");
        assert_eq!(events.len(), written, "{shown}");
        for event in events {
            let fields: Vec<&str> = event.split('\0').collect();
            let [uid, summary, description, organizer] = fields[..] else {
                panic!("{shown}: {fields:?}")
            };
            let id = uid.strip_suffix(&format!("@{}.tempi", community.id())).unwrap();
            let rhythm = community.rhythm(id).unwrap();
            assert_eq!(summary, as_text(rhythm.name()), "{shown}: SUMMARY of {id}");
            let intention = as_text(rhythm.intention_text().unwrap());
            let matches = community.members().iter().any(|facilitator| {
                let expected = format!(
                    "Facilitator: {}\nGroup: {group}\nIntention: {intention}",
                    as_text(facilitator.name())
                );
                description == expected.trim_end()
                    && organizer
                        == format!(
                            "mailto:{}\u{1}{}",
                            facilitator.email_address().unwrap(),
                            as_param(facilitator.name())
                        )
            });
            assert!(matches, "{shown}: {id}: DESCRIPTION {description:?}, ORGANIZER {organizer:?}");
        }
        // ATTENDEE: the address, CN with the documented changes, a role.
        let attendees = of("ATTENDEE");
        assert_eq!(attendees.len(), community.members().len() * written, "{shown}");
        for (n, value) in attendees.iter().enumerate() {
            let member = &community.members()[n % community.members().len()];
            let fields: Vec<&str> = value.split('\0').collect();
            assert_eq!(
                fields[..2],
                [
                    format!("mailto:{}", member.email_address().unwrap()).as_str(),
                    as_param(member.name()).as_str(),
                ],
                "{shown}: ATTENDEE {n}"
            );
            assert!(["CHAIR", "REQ-PARTICIPANT"].contains(&fields[2]), "{shown}: {value:?}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
