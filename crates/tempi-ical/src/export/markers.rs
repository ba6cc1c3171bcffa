//! Breaks as all-day marker events, when the community asks for them (`break_markers = true`).
//!
//! A break is the absence of meetings, so by default the feeds say nothing about it. With markers
//! on, each break a feed's rhythms are subject to is one `VALUE=DATE` event over its dates
//! (`DTEND` the day after the last, RFC 5545 §3.6.1), `TRANSP:TRANSPARENT` so no one shows as
//! busy, with a UID made of its owner, its dates and its name (never a position in the file):
//! `break-<owner>-<first>-<last>-<hash of the name>@<community>.tempi`.

use chrono::{Days, NaiveDate};
use tempi_core::{Break, Community, Group, chrono};

use super::Scope;
use crate::text::Writer;

/// The marker events of `scope`'s feed: the community's breaks; for a group, its own and its
/// larger groups'; for a member, those of every group they are in (and its larger groups), and
/// their own. Empty when the community has markers off.
pub(super) fn write(community: &Community, scope: &Scope, stamp: &str) -> String {
    if !community.break_markers() {
        return String::new();
    }
    let mut list: Vec<(String, &Break)> =
        community.breaks().iter().map(|b| ("c".to_string(), b)).collect();
    let mut groups: Vec<&Group> = Vec::new();
    match scope {
        Scope::Community => {}
        Scope::Group(id) => groups.extend(community.groups().iter().filter(|g| g.id() == id)),
        Scope::Member(id) => groups.extend(
            community.groups().iter().filter(|g| g.direct_members().iter().any(|m| m == id)),
        ),
    }
    // Each group, then its larger groups (nearest first), each once.
    let mut chain: Vec<&Group> = Vec::new();
    for group in groups {
        let larger = community.ancestors(group.id()).into_iter().flatten();
        for g in std::iter::once(group).chain(larger) {
            if !chain.iter().any(|c| c.id() == g.id()) {
                chain.push(g);
            }
        }
    }
    for g in chain {
        list.extend(g.breaks().iter().map(|b| (format!("g.{}", g.id()), b)));
    }
    if let Scope::Member(id) = scope
        && let Some(m) = community.member(id)
    {
        list.extend(m.breaks().iter().map(|b| (format!("m.{id}"), b)));
    }
    let mut seen: Vec<String> = Vec::new();
    let mut writer = Writer::new();
    for (owner, b) in list {
        let uid = format!(
            "break-{owner}-{}-{}-{:08x}@{}.tempi",
            b.from().format("%Y%m%d"),
            b.to().format("%Y%m%d"),
            fnv1a(b.name()),
            community.id()
        );
        if seen.contains(&uid) {
            continue;
        }
        let end: NaiveDate = b.to().checked_add_days(Days::new(1)).unwrap_or(b.to());
        writer.raw("BEGIN", "VEVENT");
        writer.raw("UID", &uid);
        writer.raw("DTSTAMP", stamp);
        writer.line("DTSTART", &[("VALUE", "DATE")], &b.from().format("%Y%m%d").to_string());
        writer.line("DTEND", &[("VALUE", "DATE")], &end.format("%Y%m%d").to_string());
        writer.raw("SEQUENCE", "0");
        writer.text("SUMMARY", b.name());
        writer.text("DESCRIPTION", "A break: no meetings of these rhythms.");
        writer.raw("TRANSP", "TRANSPARENT");
        writer.raw("END", "VEVENT");
        seen.push(uid);
    }
    writer.finish()
}

/// FNV-1a over the name's bytes: a short, stable tag that keeps two breaks of one owner on the
/// same dates apart.
fn fnv1a(text: &str) -> u32 {
    text.bytes()
        .fold(0x811c_9dc5_u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use tempi_core::chrono::{DateTime, NaiveDate, NaiveTime, Utc};
    use tempi_core::chrono_tz::Europe::Berlin;
    use tempi_core::{Break, Category, Community, Group, Member, Rhythm, Scale, Window};

    use crate::export::{ExportOptions, Scope, feed};
    use crate::import::{self, Length, Start};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn community(markers: bool, swap: bool) -> Community {
        let mut b = Community::builder("c", "C", Berlin, date(2027, 1, 4));
        let winter = Break::new("Winter break", date(2027, 12, 20), date(2028, 1, 3));
        let founders = Break::day("Founders' day", date(2027, 6, 12));
        if swap {
            b.community_break(founders).community_break(winter);
        } else {
            b.community_break(winter).community_break(founders);
        }
        b.break_markers(markers);
        b.member(Member::new("ana", "Ana", Berlin).with_break(Break::new(
            "Sabbatical",
            date(2027, 7, 1),
            date(2027, 7, 31),
        )));
        b.member(Member::new("ben", "Ben", Berlin));
        b.group(
            Group::new("pod", "Pod", Scale::Range { min: 1, max: 2 })
                .members(["ana"])
                .with_break(Break::day("Pod pause", date(2027, 4, 6))),
        );
        b.group(Group::new("other", "Other", Scale::Range { min: 1, max: 2 }).members(["ben"]));
        b.rhythm(
            Rhythm::builder("weekly", "pod")
                .name("Weekly")
                .category(Category::Relational)
                .cadence("weekly on tue")
                .at_time(NaiveTime::from_hms_opt(19, 0, 0).unwrap())
                .length("1h")
                .build()
                .unwrap(),
        );
        b.build().unwrap().0
    }

    fn ics(c: &Community, scope: Scope) -> String {
        let plan = c.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
        let options = ExportOptions::new(DateTime::<Utc>::UNIX_EPOCH);
        feed(c, &plan, scope, &options).unwrap().ics
    }

    fn marker_uids(text: &str) -> Vec<&str> {
        text.lines().filter_map(|l| l.strip_prefix("UID:break-")).collect()
    }

    #[test]
    fn markers_are_off_by_default() {
        let c = community(false, false);
        for scope in [Scope::Community, Scope::Group("pod".into()), Scope::Member("ana".into())] {
            assert!(marker_uids(&ics(&c, scope)).is_empty());
        }
    }

    #[test]
    fn each_feed_marks_the_breaks_its_rhythms_are_subject_to() {
        let c = community(true, false);
        let community_feed = ics(&c, Scope::Community);
        assert_eq!(marker_uids(&community_feed).len(), 2);
        let pod = ics(&c, Scope::Group("pod".into()));
        assert_eq!(marker_uids(&pod).len(), 3);
        assert!(pod.contains("SUMMARY:Pod pause\r\n"));
        let ana = ics(&c, Scope::Member("ana".into()));
        assert_eq!(marker_uids(&ana).len(), 4);
        assert!(ana.contains("SUMMARY:Sabbatical\r\n"));
        // Ben's group has no break of its own, and Ana's is hers.
        assert_eq!(marker_uids(&ics(&c, Scope::Member("ben".into()))).len(), 2);
        // Escaped as TEXT.
        assert!(community_feed.contains("SUMMARY:Founders' day\r\n"));
        assert!(
            community_feed.contains("DTSTART;VALUE=DATE:20271220\r\nDTEND;VALUE=DATE:20280104\r\n")
        );
    }

    #[test]
    fn a_marker_reads_back_as_its_days_and_is_never_busy() {
        let c = community(true, false);
        let text = ics(&c, Scope::Member("ana".into()));
        let instances: Vec<_> =
            import::instances(text.as_bytes(), date(2027, 1, 1), date(2029, 1, 1))
                .unwrap()
                .map(Result::unwrap)
                .filter(|i| i.uid.starts_with("break-"))
                .collect();
        let days: Vec<(Start, Length, bool)> =
            instances.iter().map(|i| (i.start, i.length, i.busy)).collect();
        assert_eq!(
            days,
            [
                (Start::Date(date(2027, 12, 20)), Length::Days(15), false),
                (Start::Date(date(2027, 6, 12)), Length::Days(1), false),
                (Start::Date(date(2027, 4, 6)), Length::Days(1), false),
                (Start::Date(date(2027, 7, 1)), Length::Days(31), false),
            ]
        );
        // And the holiday reader reads them as the breaks they are.
        let read = import::holidays(text.as_bytes(), date(2027, 1, 1), date(2029, 1, 1)).unwrap();
        let winter = read.holidays.iter().find(|h| h.name == "Winter break").unwrap();
        assert_eq!((winter.first, winter.last), (date(2027, 12, 20), date(2028, 1, 3)));
    }

    #[test]
    fn uids_do_not_depend_on_the_order_breaks_are_listed_in() {
        let mut a = marker_uids(&ics(&community(true, false), Scope::Community))
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        let mut b = marker_uids(&ics(&community(true, true), Scope::Community))
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert!(a.iter().all(|uid| uid.ends_with("@c.tempi")), "{a:?}");
        assert!(a.contains(&format!(
            "c-20271220-20280103-{:08x}@c.tempi",
            super::fnv1a("Winter break")
        )));
    }
}
