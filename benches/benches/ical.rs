//! Reading busy time from a large calendar export: a generated 20,000-event calendar (2,000 of
//! them recurring, several zones incl. Windows names, folded descriptions, attendees, alarms;
//! about 24 MB) imported over one year, and exporting the sample's feeds.
//!
//! ```text
//! cargo bench -p tempi-bench --bench ical
//! cargo bench -p tempi-bench --bench ical -- --test   # the CI smoke run
//! ```
//!
//! The generated file is also written to `target/bench-ical-20k.ics`, so third-party tools can be
//! timed on the same bytes (`interop/time-busy.py`). Results: `BENCHMARKS.md`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tempi::chrono::{Duration as Span, NaiveDate, TimeZone, Utc};
use tempi::ical::{export, import};
use tempi::{Window, file};

const EVENTS: usize = 20_000;
const RECURRING: usize = 2_000;

/// A deterministic calendar shaped like a busy person's export from several clients.
pub fn generate() -> String {
    let zones = [
        ("Europe/Berlin", "Europe/Berlin"),
        ("America/New_York", "America/New_York"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("Australia/Sydney", "Australia/Sydney"),
    ];
    let mut out = String::with_capacity(25 << 20);
    out.push_str("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tempi//bench//EN\r\n");
    for (tzid, _) in zones {
        // Minimal VTIMEZONE blocks: the importer resolves these names itself.
        let _ = write!(
            out,
            "BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        );
    }
    let base = NaiveDate::from_ymd_opt(2026, 1, 5).and_then(|d| d.and_hms_opt(8, 0, 0));
    let Some(base) = base else { return out };
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let filler = "Agenda: review the notes from last time, decide who takes which action, \
                  and leave ten minutes for questions. Bring your numbers; we will go through \
                  them one by one, with coffee. Ünïcödé and 日本語 too. ";
    for i in 0..EVENTS {
        let tzid = zones.get((next() % zones.len() as u64) as usize).map_or("UTC", |z| z.0);
        let start = base + Span::minutes(((next() % (700 * 24 * 4)) * 15) as i64);
        let minutes = 30 + (next() % 6) * 15;
        let end = start + Span::minutes(minutes as i64);
        let _ = write!(
            out,
            "BEGIN:VEVENT\r\nUID:event-{i}@bench.example\r\nDTSTAMP:20251201T000000Z\r\n"
        );
        let _ = write!(out, "DTSTART;TZID=\"{tzid}\":{}\r\n", start.format("%Y%m%dT%H%M%S"));
        let _ = write!(out, "DTEND;TZID=\"{tzid}\":{}\r\n", end.format("%Y%m%dT%H%M%S"));
        if i < RECURRING {
            let rule = match i % 4 {
                0 => "FREQ=WEEKLY;BYDAY=MO,WE".to_string(),
                1 => "FREQ=DAILY;INTERVAL=2".to_string(),
                2 => "FREQ=MONTHLY;BYDAY=-1FR".to_string(),
                _ => "FREQ=WEEKLY;INTERVAL=2;UNTIL=20271231T000000Z".to_string(),
            };
            let _ = write!(out, "RRULE:{rule}\r\n");
            let _ = write!(
                out,
                "EXDATE;TZID=\"{tzid}\":{}\r\n",
                (start + Span::days(14)).format("%Y%m%dT%H%M%S")
            );
        }
        let _ = write!(out, "SUMMARY:Meeting {i}\\, room {}\r\n", next() % 40);
        // A long description, folded at 75 octets as clients write it.
        let mut description = String::from("DESCRIPTION:");
        for _ in 0..3 {
            description.push_str(filler);
        }
        let mut line = String::new();
        let mut count = 0;
        for ch in description.chars() {
            if count + ch.len_utf8() > 75 {
                out.push_str(&line);
                out.push_str("\r\n ");
                line.clear();
                count = 1;
            }
            line.push(ch);
            count += ch.len_utf8();
        }
        out.push_str(&line);
        out.push_str("\r\n");
        for a in 0..4 {
            let _ = write!(
                out,
                "ATTENDEE;CN=Person {a};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:p{a}@bench.example\r\n"
            );
        }
        if next() % 10 == 0 {
            out.push_str("TRANSP:TRANSPARENT\r\n");
        }
        out.push_str("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT10M\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\nEND:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// The importer on a ~24 MB, 20,000-event export over 2027: the goal is to beat libical (0.8 s)
/// in less memory than its 185 MiB.
fn import_20k(c: &mut Criterion) {
    let calendar = generate();
    let target =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-ical-20k.ics");
    let _ = std::fs::write(&target, &calendar);
    let zone = tempi::chrono_tz::Europe::Berlin;
    let Ok(window) = Window::year(zone, 2027) else { return };
    let mut group = c.benchmark_group("ical");
    group.throughput(Throughput::Bytes(calendar.len() as u64));
    group.bench_function("import_20k_events_year", |b| {
        b.iter(|| {
            import::busy(black_box(calendar.as_bytes()), zone, window).map(|busy| busy.events.len())
        })
    });
    group.finish();
}

/// The 1,000-rule portable set: one VEVENT per rule in five zones, rules in the portable subset
/// (docs/feeds.md) mixing DAILY, WEEKLY with one to three days, fortnightly, MONTHLY by day and by
/// ordinal weekday, YEARLY; about 220 kB, about 830,000 occurrences over 2027–2036. Also written
/// to `target/bench-ical-rules.ics` for the peers.
pub fn generate_rules() -> String {
    let zones = [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "America/Sao_Paulo",
    ];
    let rules = [
        "FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=WEEKLY;BYDAY=TU",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        "FREQ=MONTHLY;BYDAY=2TU",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=WEEKLY;BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        "FREQ=WEEKLY;BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=DAILY;INTERVAL=3",
        "FREQ=WEEKLY;BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
        "FREQ=MONTHLY;BYDAY=2TU",
    ];
    let mut out =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tempi//bench rules//EN\r\n");
    for i in 0..1000usize {
        let zone = zones.get(i % zones.len()).copied().unwrap_or("UTC");
        let (day, hour, minute) = (4 + i % 28, 7 + i % 12, (i % 4) * 15);
        let rule = rules.get(i % rules.len()).copied().unwrap_or("FREQ=DAILY");
        let _ = write!(
            out,
            "BEGIN:VEVENT\r\nUID:rule-{i}@bench.example\r\nDTSTAMP:20261201T000000Z\r\n\
             DTSTART;TZID={zone}:202701{day:02}T{hour:02}{minute:02}00\r\n\
             DTEND;TZID={zone}:202701{day:02}T{:02}{minute:02}00\r\n\
             RRULE:{rule}\r\nSUMMARY:Rhythm {i}\r\nEND:VEVENT\r\n",
            hour + 1
        );
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// `import::instances` over the 1,000-rule set for ten years and over the 20k export for a
/// year, each occurrence formatted as `tempi expand` prints it (into a reused buffer).
fn expand(c: &mut Criterion) {
    let rules = generate_rules();
    let target =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench-ical-rules.ics");
    let _ = std::fs::write(&target, &rules);
    let export = generate();
    let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or_default();
    let run = |bytes: &[u8], from, to| {
        let mut buffer = Vec::with_capacity(1 << 16);
        let mut count = 0usize;
        if let Ok(instances) = import::instances(bytes, from, to) {
            for instance in instances.flatten() {
                instance.write_line(&mut buffer);
                count += 1;
                if buffer.len() > 1 << 16 {
                    buffer.clear();
                }
            }
        }
        count
    };
    let occurrences = run(rules.as_bytes(), day(2027), day(2037)) as u64;
    let mut group = c.benchmark_group("ical");
    group.throughput(Throughput::Elements(occurrences));
    group.bench_function("expand_1000_rules_10y", |b| {
        b.iter(|| run(black_box(rules.as_bytes()), day(2027), day(2037)))
    });
    group.throughput(Throughput::Bytes(export.len() as u64));
    group.bench_function("expand_20k_events_year", |b| {
        b.iter(|| run(black_box(export.as_bytes()), day(2027), day(2028)))
    });
    group.finish();
}

/// Exporting every feed of the bundled sample for a year (32 feeds).
fn export_sample(c: &mut Criterion) {
    let Ok(loaded) = file::parse(include_str!("../../examples/community.toml"), "community.toml")
    else {
        return;
    };
    let community = loaded.community;
    let Ok(plan) = Window::year(community.zone(), 2027).and_then(|w| community.plan(w)) else {
        return;
    };
    let options = export::ExportOptions::new(Utc.timestamp_opt(0, 0).single().unwrap_or_default());
    c.bench_function("ical/export_sample_feeds_year", |b| {
        b.iter(|| export::feeds(black_box(&community), &plan, &options).map(|f| f.len()))
    });
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
}

criterion_group! {
    name = benches;
    config = config();
    targets = import_20k, expand, export_sample
}
criterion_main!(benches);
