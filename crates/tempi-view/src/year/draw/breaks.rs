//! Breaks in the picture: shaded spans behind the lanes. A community's break covers every lane
//! and the load chart; a group's covers its lane and its subgroups'; in a member's picture,
//! their own breaks cover every lane. Breaks are never load: the chart counts only the
//! occurrences that go ahead.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use tempi_core::time::resolve_local;
use tempi_core::{Break, Community, Group, Member};

use super::{Axis, Canvas, GROUP_GAP, GROUP_H, Lane, PLOT_X, n, row_height};
use crate::year::text::escape;

const BREAK_FILL: &str = "#efe6cf";

/// Shades every break over the lanes from `lanes_top` (and the community's over the chart).
pub(super) fn shade(
    canvas: &mut Canvas,
    community: &Community,
    axis: &Axis,
    lanes: &[Lane<'_>],
    lanes_top: f64,
    chart: (f64, f64),
    member: Option<&Member>,
) {
    let mut extents: Vec<(&Group, f64, f64)> = Vec::with_capacity(lanes.len());
    let mut y = lanes_top;
    for lane in lanes {
        let height = GROUP_H + lane.rows.iter().map(|r| row_height(r)).sum::<f64>();
        extents.push((lane.group, y, y + height));
        y += height + GROUP_GAP;
    }
    let bottom = extents.last().map_or(lanes_top, |(_, _, b)| *b);
    let zone = axis.zone;
    for b in community.breaks() {
        let title = format!("{} (community)", b.name());
        span(canvas, axis, zone, b, &title, lanes_top, bottom);
        span(canvas, axis, zone, b, &title, chart.0, chart.1);
    }
    for group in community.groups() {
        for b in group.breaks() {
            let title = format!("{} (group {})", b.name(), group.id());
            for (lane_group, top, end) in &extents {
                if inside(community, lane_group, group.id()) {
                    span(canvas, axis, zone, b, &title, *top, *end);
                }
            }
        }
    }
    if let Some(m) = member {
        for b in m.breaks() {
            let title = format!("{} ({})", b.name(), m.name());
            span(canvas, axis, m.zone(), b, &title, lanes_top, bottom);
        }
    }
}

/// Whether `group` is `ancestor` or lies inside it.
fn inside(community: &Community, group: &Group, ancestor: &str) -> bool {
    let mut at = Some(group);
    let mut steps = 0;
    while let Some(g) = at {
        if g.id() == ancestor {
            return true;
        }
        steps += 1;
        if steps > community.groups().len() {
            return false;
        }
        at = g.parent().and_then(|p| community.groups().iter().find(|x| x.id() == p));
    }
    false
}

/// One shaded span: the break's local dates in `zone`, from `top` to `bottom`.
#[allow(clippy::too_many_arguments, reason = "a span's geometry and its break")]
fn span(canvas: &mut Canvas, axis: &Axis, zone: Tz, b: &Break, title: &str, top: f64, bottom: f64) {
    let midnight = |date: NaiveDate| resolve_local(zone, date.and_time(NaiveTime::MIN)).to_utc();
    let x0 = axis.x(midnight(b.from()));
    let x1 = b.to().succ_opt().map_or(x0, |next| axis.x(midnight(next)));
    if x1 <= x0 || bottom <= top || x1 <= PLOT_X {
        return;
    }
    canvas.line(&format!(
        "<rect class=\"break\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{BREAK_FILL}\"><title>{}: {} to {}</title></rect>",
        n(x0),
        n(top),
        n(x1 - x0),
        n(bottom - top),
        escape(title),
        b.from(),
        b.to()
    ));
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use chrono::NaiveDate;
    use chrono_tz::Europe::Berlin;
    use tempi_core::{Break, Category, Community, Group, Member, Rhythm, Scale, Window};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A pod meeting one hour on Tuesdays through 2027, with the community's winter break, a
    /// group break in April and a member's own week off in June.
    fn community() -> Community {
        let mut b = Community::builder("c", "C", Berlin, date(2027, 1, 4));
        b.community_break(Break::new("Winter break", date(2027, 12, 20), date(2028, 1, 3)));
        b.member(Member::new("ana", "Ana", Berlin).with_break(Break::new(
            "Ana away",
            date(2027, 6, 7),
            date(2027, 6, 13),
        )));
        b.member(Member::new("ben", "Ben", Berlin));
        b.member(Member::new("cem", "Cem", Berlin));
        b.group(Group::new("all", "All", Scale::Range { min: 3, max: 3 }));
        b.group(
            Group::new("pod", "Pod", Scale::Pod)
                .members(["ana", "ben", "cem"])
                .part_of("all")
                .with_break(Break::new("Pod pause", date(2027, 4, 5), date(2027, 4, 11))),
        );
        b.rhythm(
            Rhythm::builder("weekly", "pod")
                .name("Weekly")
                .category(Category::Relational)
                .cadence("weekly on tue")
                .at("19:00")
                .length("1h")
                .build()
                .unwrap(),
        );
        b.build().unwrap().0
    }

    fn breaks_in(svg: &str) -> Vec<&str> {
        svg.lines().filter(|l| l.starts_with("<rect class=\"break\"")).collect()
    }

    #[test]
    fn breaks_are_shaded_and_never_load() {
        let c = community();
        let plan = c.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
        let picture = crate::year::picture(&c, &plan, None);
        let svg = picture.svg();
        let shaded = breaks_in(svg);
        // The winter break over the lanes and over the load chart; the pod's pause over its
        // lane only (All's lane is not inside Pod).
        assert_eq!(shaded.len(), 3, "{shaded:#?}");
        assert_eq!(
            shaded
                .iter()
                .filter(|l| l.contains("Winter break (community): 2027-12-20 to 2028-01-03"))
                .count(),
            2
        );
        assert!(
            shaded.iter().any(|l| l.contains("Pod pause (group pod): 2027-04-05 to 2027-04-11"))
        );
        // 52 Tuesdays from 5 January to 28 December; 6 April, 21 and 28 December are in breaks.
        assert!(svg.contains("49 h in rhythms"), "{}", picture.title());
        for week in ["2027-W14", "2027-W51", "2027-W52"] {
            assert!(!svg.contains(&format!("data-week=\"{week}\"")), "{week} has load");
        }
        assert!(svg.contains("data-week=\"2027-W50\" data-hours=\"1.0\""));
    }

    #[test]
    fn a_members_picture_shades_their_own_break() {
        let c = community();
        let plan = c.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
        let ana = c.member("ana").unwrap();
        let svg = crate::year::picture(&c, &plan, Some(ana)).svg().to_string();
        assert!(
            breaks_in(&svg).iter().any(|l| l.contains("Ana away (Ana): 2027-06-07 to 2027-06-13"))
        );
        // Her own week off: the pod meets on 8 June without her, so it is not in her load.
        assert!(!svg.contains("data-week=\"2027-W23\""));
        assert!(svg.contains("data-week=\"2027-W22\" data-hours=\"1.0\""));
    }
}
