//! Layout and drawing: the year picture as one SVG document.
//!
//! Every position is computed here in SVG user units (one unit is one CSS pixel at natural
//! size), and every number is printed with one decimal, so the output is byte-for-byte stable.
//! Every mark carries `data-*` attributes (rhythm, start, status, category, box) and every label
//! a `data-fit` box it must stay inside, which the tests check against a real browser.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use tempi_core::{Category, Community, Group, Member, Occurrence, Plan, Rhythm, Status};

use crate::year::text::{self, escape};

mod breaks;

/// The drawn year: an SVG element with its title and natural width (see [`picture`](super::picture)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// The `<svg>` element, without an XML declaration.
    pub(crate) svg: String,
    /// What the picture shows, for the page's `<title>`.
    pub(crate) title: String,
    /// The natural width in pixels.
    pub(crate) width: u32,
}

const MARGIN: f64 = 16.0;
const LABEL_W: f64 = 300.0;
const PLOT_W: f64 = 1168.0;
const WIDTH: f64 = MARGIN + LABEL_W + PLOT_W + MARGIN;
const PLOT_X: f64 = MARGIN + LABEL_W;
const PLOT_END: f64 = PLOT_X + PLOT_W;
const ROW_H: f64 = 22.0;
const CYCLE_ROW_H: f64 = 32.0;
const GROUP_H: f64 = 24.0;
const GROUP_GAP: f64 = 8.0;
const INDENT: f64 = 14.0;
const MIN_MARK_W: f64 = 5.0;
const LABEL_SIZE: f64 = 11.0;
const SMALL_SIZE: f64 = 8.5;
const CHART_H: f64 = 96.0;
const INK: &str = "#1f2328";
const MUTED: &str = "#57606a";
const FONT: &str = "sans-serif";

/// The categories in legend and stacking order.
const CATEGORIES: [Category; 4] =
    [Category::Relational, Category::Planning, Category::Working, Category::Learning];

/// The colour of a category: the Okabe–Ito palette, which stays distinct under the common
/// colour-vision deficiencies (Okabe & Ito, "Color Universal Design", 2002).
pub(crate) fn colour(category: Category) -> &'static str {
    match category {
        Category::Relational => "#E69F00",
        Category::Planning => "#0072B2",
        Category::Working => "#009E73",
        Category::Learning => "#CC79A7",
    }
}

fn category_index(category: Category) -> usize {
    match category {
        Category::Relational => 0,
        Category::Planning => 1,
        Category::Working => 2,
        Category::Learning => 3,
    }
}

/// A number for the SVG, with one decimal.
fn n(value: f64) -> String {
    let value = if value.abs() < 0.05 { 0.0 } else { value };
    format!("{value:.1}")
}

/// Hours for people: "1.5", "12".
fn hours(value: f64) -> String {
    if value >= 10.0 || (value - value.round()).abs() < 0.05 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// The time axis: instants to x positions, in the community's zone.
struct Axis {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Tz,
    px_per_second: f64,
}

impl Axis {
    fn new(plan: &Plan, zone: Tz) -> Axis {
        let window = plan.window();
        let seconds = (window.end() - window.start()).num_seconds().max(1) as f64;
        Axis { start: window.start(), end: window.end(), zone, px_per_second: PLOT_W / seconds }
    }

    fn x(&self, instant: DateTime<Utc>) -> f64 {
        let seconds = (instant - self.start).num_seconds() as f64;
        (PLOT_X + seconds * self.px_per_second).clamp(PLOT_X, PLOT_END)
    }

    /// The x of local midnight starting `date` in the community's zone.
    fn x_date(&self, date: NaiveDate) -> f64 {
        self.x(tempi_core::time::resolve_local(self.zone, date.and_time(NaiveTime::MIN)).to_utc())
    }

    fn first_day(&self) -> NaiveDate {
        self.start.with_timezone(&self.zone).date_naive()
    }

    /// The last day in the window.
    fn last_day(&self) -> NaiveDate {
        (self.end - Duration::seconds(1)).with_timezone(&self.zone).date_naive()
    }

    fn px_per_day(&self) -> f64 {
        self.px_per_second * 86_400.0
    }
}

/// One group's lane: its place in the nesting and the rhythms drawn in it.
struct Lane<'a> {
    group: &'a Group,
    depth: usize,
    rows: Vec<&'a Rhythm>,
    roster: usize,
}

fn lanes<'a>(community: &'a Community, member: Option<&Member>) -> Vec<Lane<'a>> {
    let mut lanes = Vec::new();
    for (group, depth) in community.groups_in_tree_order() {
        let Some(members) = community.roster(group.id()) else { continue };
        if let Some(member) = member
            && !members.contains(member.id())
        {
            continue;
        }
        let rows = community
            .rhythms()
            .iter()
            .filter(|r| r.group() == group.id())
            .filter(|r| member.is_none_or(|m| community.attendees_of(r.id()).contains(&m.id())))
            .collect();
        lanes.push(Lane { group, depth, rows, roster: members.len() });
    }
    lanes
}

/// The SVG being written, with helpers for the few shapes it uses.
struct Canvas {
    out: String,
}

impl Canvas {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A label on the hours chart's axis, right-aligned left of the plot at height `y`, in the
    /// `width` left of the plot.
    fn axis_label(&mut self, y: f64, label: &str, width: f64) {
        let fit = [PLOT_X - width, y - 8.0, PLOT_X, y + 6.0];
        self.text(PLOT_X - 6.0, y + 3.0, SMALL_SIZE, false, "end", MUTED, label, fit);
    }

    /// A label that must stay inside `fit` (x0, y0, x1, y1); `max` is the width it may take.
    #[allow(clippy::too_many_arguments, reason = "a label is eight small facts")]
    fn text(
        &mut self,
        x: f64,
        y: f64,
        size: f64,
        bold: bool,
        anchor: &str,
        fill: &str,
        content: &str,
        fit: [f64; 4],
    ) {
        let [x0, y0, x1, y1] = fit;
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        let anchor =
            if anchor == "start" { String::new() } else { format!(" text-anchor=\"{anchor}\"") };
        self.line(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\"{weight}{anchor} fill=\"{fill}\" data-fit=\"{} {} {} {}\">{}</text>",
            n(x),
            n(y),
            n(size),
            n(x0),
            n(y0),
            n(x1),
            n(y1),
            escape(content)
        ));
    }
}

fn member_name<'a>(community: &'a Community, id: &'a str) -> &'a str {
    community.member(id).map_or(id, Member::name)
}

fn when(start: DateTime<Tz>, end: DateTime<Tz>) -> String {
    let same_day = start.date_naive() == end.date_naive()
        || (end.time() == NaiveTime::MIN
            && end.date_naive() == start.date_naive().succ_opt().unwrap_or(start.date_naive()));
    if same_day {
        format!(
            "{}–{} {}",
            start.format("%a %-d %b %Y, %H:%M"),
            end.format("%H:%M"),
            start.timezone().name()
        )
    } else {
        format!(
            "{} – {} {}",
            start.format("%a %-d %b %Y %H:%M"),
            end.format("%a %-d %b %H:%M"),
            start.timezone().name()
        )
    }
}

/// How many hours of load one all-day day counts for in the weekly chart: a day of engagement
/// (docs/year.md), not 24 hours of meetings.
pub(crate) const ALL_DAY_HOURS: f64 = 8.0;

/// When an all-day occurrence is: its dates, no times or zone.
fn all_day_when(first: NaiveDate, days: u32) -> String {
    if days <= 1 {
        return format!("{} (all day)", first.format("%a %-d %b %Y"));
    }
    let last = first + Duration::days(i64::from(days) - 1);
    format!(
        "{} – {} (all day, {days} days)",
        first.format("%a %-d %b %Y"),
        last.format("%a %-d %b %Y")
    )
}

/// The tooltip of one mark: what, when (in every zone that matters), who, and why not.
/// A mix rhythm's mixers in a tooltip: the member's own group in their picture, else how many
/// groups of what sizes.
fn mixer_note(community: &Community, occ: &Occurrence, member: Option<&Member>) -> Option<String> {
    let sizes = occ.mixers.iter().map(|g| g.len());
    let (least, most) = (sizes.clone().min()?, sizes.max()?);
    if let Some(member) = member {
        let own = occ.mixers.iter().find(|g| g.iter().any(|m| &**m == member.id()));
        return Some(match own {
            Some(group) => {
                let names: Vec<&str> = group
                    .iter()
                    .filter(|m| &***m != member.id())
                    .map(|m| member_name(community, m))
                    .collect();
                format!("Mixer with {}", names.join(", "))
            }
            None => "No mixer this time (cannot come)".to_string(),
        });
    }
    let span = if least == most { least.to_string() } else { format!("{least}–{most}") };
    Some(format!("Mixers: {} groups of {span}", occ.mixers.len()))
}

fn tooltip(community: &Community, occ: &Occurrence, member: Option<&Member>) -> String {
    let rhythm = community.rhythm(&occ.rhythm);
    let name = rhythm.map_or(&*occ.rhythm, Rhythm::name);
    let group = community.group(&occ.group).map_or(&*occ.group, Group::name);
    let mut lines = vec![name.to_string(), format!("{group} · {}", occ.category.as_str())];
    let rhythm_zone = occ.start.timezone();
    if let Some((first, days)) = occ.days() {
        lines.push(all_day_when(first, days));
    } else {
        lines.push(when(occ.start, occ.end));
    }
    let zone = community.zone();
    if occ.all_day {
        // Dates are the same dates in every zone: nothing to convert.
    } else if zone != rhythm_zone {
        lines.push(format!(
            "= {} (community time)",
            when(occ.start.with_timezone(&zone), occ.end.with_timezone(&zone))
        ));
    }
    if let Some(member) = member
        && !occ.all_day
        && member.zone() != rhythm_zone
        && member.zone() != zone
    {
        let member_zone = member.zone();
        lines.push(format!(
            "= {} ({}'s time)",
            when(occ.start.with_timezone(&member_zone), occ.end.with_timezone(&member_zone)),
            member.name()
        ));
    }
    if let Some(facilitator) = occ.facilitator() {
        lines.push(format!("Facilitator: {}", member_name(community, facilitator)));
    }
    let others: Vec<String> = occ
        .roles
        .iter()
        .filter(|r| &*r.role != "facilitator")
        .map(|r| format!("{}: {}", r.role, member_name(community, &r.member)))
        .collect();
    if !others.is_empty() {
        lines.push(others.join(", "));
    }
    if let Some(cycle) = occ.cycle {
        lines.push(format!("Commitment {cycle}"));
    }
    lines.extend(mixer_note(community, occ, member));
    match &occ.status {
        Status::Scheduled => {}
        Status::Cancelled { reason } => lines.push(format!("CANCELLED: {reason}")),
        Status::Shifted { from, reason } => {
            lines.push(format!("SHIFTED from {}: {reason}", from.format("%a %-d %b %H:%M")))
        }
        _ => {}
    }
    lines.join("\n")
}

/// Draws the picture of `plan`; with `member`, only that person's groups, rhythms and load.
pub(crate) fn picture(community: &Community, plan: &Plan, member: Option<&Member>) -> Picture {
    let zone = community.zone();
    let axis = Axis::new(plan, zone);
    let lanes = lanes(community, member);
    let occurrences: Vec<&Occurrence> = plan
        .occurrences()
        .iter()
        .filter(|o| member.is_none_or(|m| o.attendees.iter().any(|a| &**a == m.id())))
        .collect();
    let mut by_rhythm: BTreeMap<&str, Vec<&Occurrence>> = BTreeMap::new();
    for occ in &occurrences {
        by_rhythm.entry(&occ.rhythm).or_default().push(occ);
    }

    let (first, last) = (axis.first_day(), axis.last_day());
    let period = if first.month() == 1
        && first.day() == 1
        && last.month() == 12
        && last.day() == 31
        && first.year() == last.year()
    {
        first.year().to_string()
    } else {
        format!("{} to {}", first.format("%-d %b %Y"), last.format("%-d %b %Y"))
    };
    let title = match member {
        None => format!("{} — {period} at a glance", community.name()),
        Some(m) => format!("{}'s {period} in {}", m.name(), community.name()),
    };
    let load = Load::of(&axis, &occurrences);

    let mut body = Canvas { out: String::new() };
    // Header: title, summary, legend.
    body.text(
        MARGIN,
        30.0,
        20.0,
        true,
        "start",
        INK,
        &text::fit(&title, 20.0, true, WIDTH - 2.0 * MARGIN),
        [MARGIN, 8.0, WIDTH - MARGIN, 38.0],
    );
    let summary = summary(community, &occurrences, &lanes, &load, member);
    body.text(
        MARGIN,
        52.0,
        12.0,
        false,
        "start",
        MUTED,
        &text::fit(&summary, 12.0, false, WIDTH - 2.0 * MARGIN),
        [MARGIN, 38.0, WIDTH - MARGIN, 60.0],
    );
    let legend_bottom = legend(&mut body, 66.0, member.is_some());

    // Axis: months and ISO weeks.
    let axis_top = legend_bottom + 10.0;
    let lanes_top = axis_top + 36.0;
    let lanes_height: f64 = lanes
        .iter()
        .map(|lane| GROUP_H + GROUP_GAP + lane.rows.iter().map(|r| row_height(r)).sum::<f64>())
        .sum();
    let lanes_bottom = lanes_top + lanes_height;
    let chart_top = lanes_bottom + 30.0;
    let chart_bottom = chart_top + CHART_H;
    let height = chart_bottom + 34.0;

    let mut grid = Canvas { out: String::new() };
    breaks::shade(
        &mut grid,
        community,
        &axis,
        &lanes,
        lanes_top,
        (chart_top, chart_bottom),
        member,
    );
    months(&mut grid, &axis, axis_top, lanes_bottom, chart_top, chart_bottom);
    weeks(&mut grid, &axis, axis_top + 20.0, lanes_top, lanes_bottom);

    // Lanes.
    let mut y = lanes_top;
    for lane in &lanes {
        y = draw_lane(&mut body, community, &axis, lane, &by_rhythm, y, member);
    }
    if lanes.is_empty() {
        body.text(
            PLOT_X,
            lanes_top + 16.0,
            LABEL_SIZE,
            false,
            "start",
            MUTED,
            "no groups to draw",
            [PLOT_X, lanes_top, PLOT_END, lanes_top + 24.0],
        );
    }
    load.draw(&mut body, &axis, chart_top, member);

    let mut svg = String::new();
    svg.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\" role=\"img\" aria-labelledby=\"tempi-title tempi-desc\" data-marks=\"{}\">\n",
        occurrences.len(),
        w = n(WIDTH),
        h = n(height),
    ));
    svg.push_str(&format!("<title id=\"tempi-title\">{}</title>\n", escape(&title)));
    svg.push_str(&format!("<desc id=\"tempi-desc\">{}</desc>\n", escape(&summary)));
    svg.push_str(&format!(
        "<defs><marker id=\"tempi-arrow\" viewBox=\"0 0 6 6\" refX=\"5\" refY=\"3\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"{INK}\"/></marker></defs>\n"
    ));
    svg.push_str(&format!(
        "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
        n(WIDTH),
        n(height)
    ));
    svg.push_str(&grid.out);
    svg.push_str(&body.out);
    svg.push_str("</svg>\n");
    Picture { svg, title, width: WIDTH as u32 }
}

fn summary(
    community: &Community,
    occurrences: &[&Occurrence],
    lanes: &[Lane<'_>],
    load: &Load,
    member: Option<&Member>,
) -> String {
    let (mut cancelled, mut shifted) = (0, 0);
    for occ in occurrences {
        match occ.status {
            Status::Scheduled => {}
            Status::Cancelled { .. } => cancelled += 1,
            Status::Shifted { .. } => shifted += 1,
            _ => {}
        }
    }
    let groups = lanes.len();
    let mut parts = vec![
        format!("{} occurrences ({} cancelled, {} shifted)", occurrences.len(), cancelled, shifted),
        format!("{groups} group{}", if groups == 1 { "" } else { "s" }),
    ];
    parts.push(format!("{} h in rhythms", hours(load.total())));
    if let Some((week, value)) = load.busiest() {
        parts.push(format!("busiest week W{:02} ({} h)", week.iso_week().week(), hours(value)));
    }
    parts.push(format!("dates in {}", community.zone().name()));
    if let Some(member) = member
        && member.zone() != community.zone()
    {
        parts.push(format!("tooltips add {}'s time ({})", member.name(), member.zone().name()));
    } else {
        parts.push("hover a mark for details".to_string());
    }
    parts.join(" · ")
}

/// The legend; returns its bottom edge.
fn legend(canvas: &mut Canvas, top: f64, for_member: bool) -> f64 {
    canvas.line("<g id=\"legend\">");
    let mut x = MARGIN;
    let mut y = top;
    let baseline = |y: f64| y + 11.0;
    let mut advance =
        |canvas: &mut Canvas, gap: f64, label: &str, symbol: &dyn Fn(&mut Canvas, f64, f64)| {
            x += gap;
            let label_width = text::width(label, LABEL_SIZE, false);
            let item_width = 24.0 + label_width + 18.0;
            if x + item_width > WIDTH - MARGIN {
                x = MARGIN;
                y += 20.0;
            }
            symbol(canvas, x, y);
            canvas.text(
                x + 22.0,
                baseline(y),
                LABEL_SIZE,
                false,
                "start",
                INK,
                label,
                [x + 20.0, y - 2.0, x + item_width, y + 16.0],
            );
            x += item_width;
        };
    for category in CATEGORIES {
        let fill = colour(category);
        advance(canvas, 0.0, category.as_str(), &|c: &mut Canvas, x, y| {
            c.line(&format!(
                "<rect class=\"swatch\" data-category=\"{}\" x=\"{}\" y=\"{}\" width=\"16\" height=\"14\" rx=\"2\" fill=\"{fill}\"/>",
                category.as_str(),
                n(x),
                n(y)
            ));
        });
    }
    let grey = "#8c959f";
    advance(canvas, 12.0, "meeting", &|c: &mut Canvas, x, y| {
        c.line(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"5\" height=\"10\" rx=\"1\" fill=\"{grey}\"/>",
            n(x + 6.0),
            n(y + 2.0)
        ));
    });
    advance(canvas, 0.0, "several days", &|c: &mut Canvas, x, y| {
        c.line(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"14\" rx=\"2\" fill=\"{grey}\"/>",
            n(x),
            n(y)
        ));
    });
    advance(canvas, 0.0, "cancelled", &|c: &mut Canvas, x, y| {
        c.line(&format!("<rect x=\"{}\" y=\"{}\" width=\"5\" height=\"10\" rx=\"1\" fill=\"#ffffff\" stroke=\"{grey}\" stroke-width=\"1.4\"/>", n(x + 6.0), n(y + 2.0)));
    });
    advance(canvas, 0.0, "shifted (arrow from its usual time)", &|c: &mut Canvas, x, y| {
        c.line(&format!("<path d=\"M{},{} H{}\" stroke=\"{INK}\" stroke-width=\"1\" marker-end=\"url(#tempi-arrow)\"/>", n(x), n(y + 1.5), n(x + 10.0)));
        c.line(&format!("<rect x=\"{}\" y=\"{}\" width=\"5\" height=\"10\" rx=\"1\" fill=\"{grey}\" stroke=\"{INK}\" stroke-width=\"1.2\" stroke-dasharray=\"2 1.5\"/>", n(x + 11.0), n(y + 3.0)));
    });
    advance(canvas, 0.0, "retrospective", &|c: &mut Canvas, x, y| {
        c.line(&format!("<path d=\"{}\" fill=\"{grey}\"/>", diamond(x + 8.0, y + 7.0)));
    });
    advance(canvas, 0.0, "commitment cycle", &|c: &mut Canvas, x, y| {
        c.line(&format!(
            "<path d=\"M{},{} v4 H{} v-4\" fill=\"none\" stroke=\"{MUTED}\" stroke-width=\"1.2\"/>",
            n(x),
            n(y + 4.0),
            n(x + 18.0)
        ));
    });
    if for_member {
        advance(canvas, 0.0, "holds a role", &|c: &mut Canvas, x, y| {
            c.line(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"2.2\" fill=\"{INK}\"/>",
                n(x + 8.0),
                n(y + 3.0)
            ));
            c.line(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"5\" height=\"8\" rx=\"1\" fill=\"{grey}\"/>",
                n(x + 5.5),
                n(y + 6.0)
            ));
        });
    }
    canvas.line("</g>");
    y + 18.0
}

fn diamond(cx: f64, cy: f64) -> String {
    format!(
        "M{},{} L{},{} L{},{} L{},{} Z",
        n(cx),
        n(cy - 6.0),
        n(cx + 5.0),
        n(cy),
        n(cx),
        n(cy + 6.0),
        n(cx - 5.0),
        n(cy)
    )
}

fn row_height(rhythm: &Rhythm) -> f64 {
    if rhythm.commitment_terms().is_some() { CYCLE_ROW_H } else { ROW_H }
}

/// Month bands with names, and the month lines through lanes and chart.
fn months(
    canvas: &mut Canvas,
    axis: &Axis,
    top: f64,
    lanes_bottom: f64,
    chart_top: f64,
    chart_bottom: f64,
) {
    let mut month = axis.first_day().with_day(1).unwrap_or(axis.first_day());
    let mut index = 0_u32;
    while month <= axis.last_day() {
        let next = month.checked_add_months(chrono::Months::new(1)).unwrap_or(axis.last_day());
        let x0 = axis.x_date(month.max(axis.first_day()));
        let x1 = axis.x_date(next);
        if next <= month || x1 <= x0 {
            break;
        }
        let shade = if index.is_multiple_of(2) { "#f6f8fa" } else { "#ffffff" };
        canvas.line(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{shade}\"/>",
            n(x0),
            n(top),
            n(x1 - x0),
            n(lanes_bottom - top)
        ));
        let long = month.format("%B").to_string();
        let label = if text::width(&long, LABEL_SIZE, true) + 8.0 <= x1 - x0 {
            long
        } else {
            month.format("%b").to_string()
        };
        if text::width(&label, LABEL_SIZE, true) + 4.0 <= x1 - x0 {
            canvas.text(
                (x0 + x1) / 2.0,
                top + 13.0,
                LABEL_SIZE,
                true,
                "middle",
                INK,
                &label,
                [x0, top, x1, top + 18.0],
            );
        }
        canvas.line(&format!(
            "<path d=\"M{x},{} V{} M{x},{} V{}\" stroke=\"#d0d7de\" stroke-width=\"1\"/>",
            n(top),
            n(lanes_bottom),
            n(chart_top),
            n(chart_bottom),
            x = n(x0)
        ));
        month = next;
        index += 1;
    }
}

/// ISO week numbers, and a faint line at every Monday through the lanes.
fn weeks(canvas: &mut Canvas, axis: &Axis, top: f64, lanes_top: f64, lanes_bottom: f64) {
    let first = axis.first_day();
    let mut monday = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let show_numbers = axis.px_per_day() * 7.0 >= 14.0;
    while monday <= axis.last_day() {
        let next = monday + Duration::days(7);
        let x0 = axis.x_date(monday.max(first));
        let x1 = axis.x_date(next);
        if monday >= first {
            canvas.line(&format!(
                "<path d=\"M{x},{} V{}\" stroke=\"#eaeef2\" stroke-width=\"1\"/>",
                n(top + 12.0),
                n(lanes_bottom),
                x = n(x0)
            ));
        }
        let label = format!("{}", monday.iso_week().week());
        if show_numbers && text::width(&label, SMALL_SIZE, false) + 2.0 <= x1 - x0 {
            canvas.text(
                (x0 + x1) / 2.0,
                top + 10.0,
                SMALL_SIZE,
                false,
                "middle",
                MUTED,
                &label,
                [x0, top - 2.0, x1, lanes_top],
            );
        }
        monday = next;
    }
    canvas.text(
        PLOT_X - 6.0,
        top + 10.0,
        SMALL_SIZE,
        false,
        "end",
        MUTED,
        "ISO week",
        [MARGIN, top - 2.0, PLOT_X, lanes_top],
    );
}

fn draw_lane(
    canvas: &mut Canvas,
    community: &Community,
    axis: &Axis,
    lane: &Lane<'_>,
    by_rhythm: &BTreeMap<&str, Vec<&Occurrence>>,
    top: f64,
    member: Option<&Member>,
) -> f64 {
    let indent = MARGIN + lane.depth as f64 * INDENT;
    let group = lane.group;
    let rows_height: f64 = lane.rows.iter().map(|r| row_height(r)).sum();
    canvas.line(&format!(
        "<g class=\"lane\" data-group=\"{}\" data-depth=\"{}\" data-box=\"{} {} {} {}\">",
        escape(group.id()),
        lane.depth,
        n(indent),
        n(top),
        n(WIDTH - MARGIN - indent),
        n(GROUP_H + rows_height)
    ));
    // The header band, and a rail down the left that shows what is nested in what.
    let depth_shade = ["#dde3ea", "#e6ebf0", "#eef1f5", "#f3f5f8"];
    let shade = depth_shade.get(lane.depth.min(3)).copied().unwrap_or("#f3f5f8");
    canvas.line(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{shade}\"/>",
        n(indent),
        n(top + 2.0),
        n(WIDTH - MARGIN - indent),
        n(GROUP_H - 4.0)
    ));
    canvas.line(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"3\" height=\"{}\" fill=\"#afb8c1\"/>",
        n(indent),
        n(top + 2.0),
        n(GROUP_H - 4.0 + rows_height)
    ));
    let name_max = LABEL_W + PLOT_W * 0.5 - (indent - MARGIN);
    let name = text::fit(group.name(), 12.0, true, name_max);
    let name_x = indent + 9.0;
    canvas.text(
        name_x,
        top + 16.0,
        12.0,
        true,
        "start",
        INK,
        &name,
        [indent, top, WIDTH - MARGIN, top + GROUP_H],
    );
    let facts = format!(
        "{} · {} member{}",
        group.scale(),
        lane.roster,
        if lane.roster == 1 { "" } else { "s" }
    );
    let facts_x = name_x + text::width(&name, 12.0, true) + 12.0;
    let facts = text::fit(&facts, LABEL_SIZE, false, WIDTH - MARGIN - 6.0 - facts_x);
    if !facts.is_empty() {
        canvas.text(
            facts_x,
            top + 16.0,
            LABEL_SIZE,
            false,
            "start",
            MUTED,
            &facts,
            [indent, top, WIDTH - MARGIN, top + GROUP_H],
        );
    }
    let mut y = top + GROUP_H;
    for rhythm in &lane.rows {
        let height = row_height(rhythm);
        let list = by_rhythm.get(rhythm.id()).map_or(&[][..], Vec::as_slice);
        draw_row(canvas, community, axis, rhythm, list, indent + 8.0, y, height, member);
        y += height;
    }
    canvas.line("</g>");
    y + GROUP_GAP
}

#[allow(clippy::too_many_arguments, reason = "one row's geometry and its data")]
fn draw_row(
    canvas: &mut Canvas,
    community: &Community,
    axis: &Axis,
    rhythm: &Rhythm,
    list: &[&Occurrence],
    left: f64,
    top: f64,
    height: f64,
    member: Option<&Member>,
) {
    let category = rhythm.category();
    canvas.line(&format!(
        "<g class=\"row\" data-rhythm=\"{}\" data-box=\"{} {} {} {}\">",
        escape(rhythm.id()),
        n(left),
        n(top),
        n(WIDTH - MARGIN - left),
        n(height)
    ));
    canvas.line(&format!(
        "<path d=\"M{},{} H{}\" stroke=\"#eaeef2\" stroke-width=\"1\"/>",
        n(left),
        n(top + height - 0.5),
        n(PLOT_END)
    ));
    // The label: a category swatch and the name, shortened to fit the label column.
    canvas.line(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\" rx=\"1.5\" fill=\"{}\"/>",
        n(left),
        n(top + 5.0),
        colour(category)
    ));
    let label_x = left + 13.0;
    let max = PLOT_X - 8.0 - label_x;
    let label = text::fit(rhythm.name(), LABEL_SIZE, false, max);
    let active = list.iter().filter(|o| o.is_active()).count();
    canvas.line(&format!(
        "<g><title>{}</title>",
        escape(&format!(
            "{}\n{} · {} · {} this window",
            rhythm.name(),
            category.as_str(),
            rhythm.length(),
            if active == list.len() {
                format!("{active} meetings")
            } else {
                format!("{active} meetings, {} cancelled", list.len() - active)
            }
        ))
    ));
    canvas.text(
        label_x,
        top + 13.0,
        LABEL_SIZE,
        false,
        "start",
        INK,
        &label,
        [left, top, PLOT_X - 4.0, top + height],
    );
    canvas.line("</g>");
    if list.is_empty() {
        canvas.text(
            PLOT_X + 6.0,
            top + 13.0,
            SMALL_SIZE,
            false,
            "start",
            MUTED,
            "no meetings in this window",
            [PLOT_X, top, PLOT_END, top + height],
        );
    }
    if rhythm.commitment_terms().is_some() {
        cycles(canvas, axis, rhythm, list, top);
    }
    for (index, occ) in list.iter().enumerate() {
        mark(canvas, community, axis, occ, top, member);
        // A multi-day event gets its dates beside the bar, where the row has room.
        if occ.end - occ.start >= Duration::hours(20) {
            let x = axis.x(occ.end.to_utc()).max(axis.x(occ.start.to_utc()) + MIN_MARK_W) + 4.0;
            let room_end =
                list.get(index + 1).map_or(PLOT_END, |next| axis.x(next.start.to_utc()) - 2.0);
            let dates = format!("{} – {}", occ.start.format("%a %-d"), occ.end.format("%a %-d %b"));
            if x + text::width(&dates, SMALL_SIZE + 1.0, false) <= room_end {
                canvas.text(
                    x,
                    top + 13.0,
                    SMALL_SIZE + 1.0,
                    false,
                    "start",
                    INK,
                    &dates,
                    [x - 1.0, top, room_end, top + height],
                );
            }
        }
    }
    canvas.line("</g>");
}

/// One cycle's extent: left and right x, first start, last end, meetings before the retrospective.
type CycleSpan = (f64, f64, DateTime<Tz>, DateTime<Tz>, u32);

/// A bracket under each commitment cycle, from its first meeting to its retrospective.
fn cycles(canvas: &mut Canvas, axis: &Axis, rhythm: &Rhythm, list: &[&Occurrence], top: f64) {
    let mut spans: BTreeMap<u32, CycleSpan> = BTreeMap::new();
    for occ in list {
        let Some(cycle) = occ.cycle else { continue };
        let x0 = axis.x(occ.start.to_utc());
        let x1 = axis.x(occ.end.to_utc()).max(x0 + MIN_MARK_W);
        let entry =
            spans.entry(cycle.number).or_insert((x0, x1, occ.start, occ.end, cycle.meetings));
        entry.0 = entry.0.min(x0);
        entry.1 = entry.1.max(x1);
        entry.2 = entry.2.min(occ.start);
        entry.3 = entry.3.max(occ.end);
    }
    for (number, (x0, x1, first, last, meetings)) in spans {
        let y = top + 17.0;
        canvas.line(&format!(
            "<g class=\"cycle\" data-cycle=\"{number}\"><title>{}</title>",
            escape(&format!(
                "{}: cycle {number}, {meetings} meetings and a retrospective\n{} – {}",
                rhythm.name(),
                first.format("%a %-d %b"),
                last.format("%a %-d %b %Y")
            ))
        ));
        canvas.line(&format!(
            "<path d=\"M{},{} v4 H{} v-4\" fill=\"none\" stroke=\"{MUTED}\" stroke-width=\"1.2\"/>",
            n(x0 + 0.5),
            n(y),
            n(x1 - 0.5)
        ));
        let label = number.to_string();
        if text::width(&label, SMALL_SIZE, false) + 2.0 <= x1 - x0 {
            canvas.text(
                (x0 + x1) / 2.0,
                y + 12.5,
                SMALL_SIZE,
                false,
                "middle",
                MUTED,
                &label,
                [x0 - 1.0, top, x1 + 1.0, top + CYCLE_ROW_H],
            );
        }
        canvas.line("</g>");
    }
}

/// One occurrence: a tick, a bar when it lasts most of a day or more, a diamond for a
/// retrospective; hollow when cancelled, dashed with an arrow from its usual time when shifted.
fn mark(
    canvas: &mut Canvas,
    community: &Community,
    axis: &Axis,
    occ: &Occurrence,
    top: f64,
    member: Option<&Member>,
) {
    let x0 = axis.x(occ.start.to_utc());
    let x1 = axis.x(occ.end.to_utc());
    let long = occ.end - occ.start >= Duration::hours(20);
    let width = (x1 - x0).max(MIN_MARK_W);
    // A meeting on the window's last evening still shows whole.
    let x0 = x0.min(PLOT_END - width);
    let colour = colour(occ.category);
    let paint = match &occ.status {
        Status::Scheduled => format!("fill=\"{colour}\""),
        Status::Cancelled { .. } => {
            format!("fill=\"#ffffff\" stroke=\"{colour}\" stroke-width=\"1.4\"")
        }
        Status::Shifted { .. } => {
            format!(
                "fill=\"{colour}\" stroke=\"{INK}\" stroke-width=\"1.2\" stroke-dasharray=\"2 1.5\""
            )
        }
        _ => format!("fill=\"{colour}\""),
    };
    if let Status::Shifted { from, .. } = &occ.status {
        let from_x = axis.x(from.to_utc());
        if (from_x - x0).abs() > 3.0 {
            let to_x = if from_x < x0 { x0 - 1.0 } else { x0 + width + 1.0 };
            canvas.line(&format!(
                "<path class=\"shift\" d=\"M{},{} H{}\" stroke=\"{INK}\" stroke-width=\"1\" marker-end=\"url(#tempi-arrow)\"/>",
                n(from_x), n(top + 2.0), n(to_x)
            ));
        }
    }
    let retrospective = occ.cycle.is_some_and(|c| c.retrospective);
    let (bx, by, bw, bh) = if retrospective {
        let cx = x0 + width / 2.0;
        (cx - 5.0, top + 3.0, 10.0, 12.0)
    } else if long {
        (x0, top + 2.0, width, 14.0)
    } else {
        (x0, top + 4.0, width, 10.0)
    };
    let data = format!(
        "class=\"mark\" data-rhythm=\"{}\" data-start=\"{}\" data-status=\"{}\" data-category=\"{}\" data-shape=\"{}\" data-box=\"{} {} {} {}\"",
        escape(&occ.rhythm),
        occ.start.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        occ.status.as_str(),
        occ.category.as_str(),
        if retrospective {
            "diamond"
        } else if long {
            "bar"
        } else {
            "tick"
        },
        n(bx),
        n(by),
        n(bw),
        n(bh)
    );
    let title = escape(&tooltip(community, occ, member));
    if retrospective {
        canvas.line(&format!(
            "<path {data} d=\"{}\" {paint}><title>{title}</title></path>",
            diamond(bx + 5.0, by + 6.0)
        ));
    } else {
        canvas.line(&format!(
            "<rect {data} x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" {paint}><title>{title}</title></rect>",
            n(bx), n(by), n(bw), n(bh), if long { "2" } else { "1" }
        ));
    }
    if let Some(member) = member
        && occ.is_active()
        && occ.roles.iter().any(|r| &*r.member == member.id())
    {
        canvas.line(&format!(
            "<circle class=\"role\" cx=\"{}\" cy=\"{}\" r=\"2\" fill=\"{INK}\"/>",
            n(bx + bw / 2.0),
            n(top + 1.0)
        ));
    }
}

/// Hours in rhythms per ISO week (weeks by the community's calendar), by category.
struct Load {
    weeks: Vec<(NaiveDate, [f64; 4])>,
}

impl Load {
    fn of(axis: &Axis, occurrences: &[&Occurrence]) -> Load {
        let first = axis.first_day();
        let first_monday =
            first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
        let mut weeks = Vec::new();
        let mut monday = first_monday;
        while monday <= axis.last_day() {
            weeks.push((monday, [0.0; 4]));
            monday += Duration::days(7);
        }
        for occ in occurrences.iter().filter(|o| o.is_active()) {
            let day = occ.start.with_timezone(&axis.zone).date_naive();
            let index = usize::try_from((day - first_monday).num_days() / 7).unwrap_or(usize::MAX);
            let hours = match occ.days() {
                // An all-day day is a day of engagement, not 24 hours of meetings.
                Some((_, days)) => f64::from(days) * ALL_DAY_HOURS,
                None => (occ.end - occ.start).num_minutes() as f64 / 60.0,
            };
            if let Some(slot) =
                weeks.get_mut(index).and_then(|(_, by)| by.get_mut(category_index(occ.category)))
            {
                *slot += hours;
            }
        }
        Load { weeks }
    }

    fn total(&self) -> f64 {
        self.weeks.iter().map(|(_, by)| by.iter().sum::<f64>()).sum()
    }

    fn busiest(&self) -> Option<(NaiveDate, f64)> {
        self.weeks
            .iter()
            .map(|(monday, by)| (*monday, by.iter().sum::<f64>()))
            .filter(|(_, total)| *total > 0.0)
            .fold(None, |best: Option<(NaiveDate, f64)>, (monday, total)| match best {
                Some((_, value)) if value >= total => best,
                _ => Some((monday, total)),
            })
    }

    /// The median of the weeks that have any rhythm: a typical week.
    fn typical(&self) -> f64 {
        let mut totals: Vec<f64> =
            self.weeks.iter().map(|(_, by)| by.iter().sum::<f64>()).filter(|t| *t > 0.0).collect();
        totals.sort_by(f64::total_cmp);
        match totals.len() {
            0 => 0.0,
            len if len % 2 == 1 => totals.get(len / 2).copied().unwrap_or(0.0),
            len => {
                let low = totals.get(len / 2 - 1).copied().unwrap_or(0.0);
                let high = totals.get(len / 2).copied().unwrap_or(0.0);
                (low + high) / 2.0
            }
        }
    }

    fn draw(&self, canvas: &mut Canvas, axis: &Axis, top: f64, member: Option<&Member>) {
        let typical = self.typical();
        let busiest = self.busiest().map_or(0.0, |(_, value)| value);
        // The scale stops at three typical weeks so a retreat does not flatten every other week;
        // taller bars are cut with a break and labelled with their value.
        let top_value = nice(busiest.min((typical * 3.0).max(2.0)).max(1.0));
        let busy_line = typical * 1.5;
        let bottom = top + CHART_H;
        let scale = CHART_H / top_value;
        canvas.line(&format!(
            "<g id=\"load\" data-typical=\"{}\" data-top=\"{}\">",
            n(typical),
            n(top_value)
        ));
        let heading = match member {
            None => "Hours in rhythms per week".to_string(),
            Some(m) => format!("{}'s hours per week", m.name()),
        };
        let heading_fit = [MARGIN, top - 14.0, PLOT_X - 40.0, top + 14.0];
        let heading = text::fit(&heading, 12.0, true, heading_fit[2] - MARGIN);
        canvas.text(MARGIN, top + 8.0, 12.0, true, "start", INK, &heading, heading_fit);
        let notes = [
            if member.is_some() {
                "meetings they attend, by category"
            } else {
                "all groups, by category"
            },
            "outlined: over 1.5 × a typical week",
        ];
        for (i, note) in notes.iter().enumerate() {
            let y = top + 26.0 + 14.0 * i as f64;
            canvas.text(
                MARGIN,
                y,
                SMALL_SIZE + 1.0,
                false,
                "start",
                MUTED,
                &text::fit(note, SMALL_SIZE + 1.0, false, PLOT_X - 50.0 - MARGIN),
                [MARGIN, y - 12.0, PLOT_X - 40.0, y + 4.0],
            );
        }
        for (value, y) in [(0.0, bottom), (top_value, top)] {
            canvas.axis_label(y, &format!("{} h", hours(value)), 40.0);
        }
        canvas.line(&format!(
            "<path d=\"M{},{} H{}\" stroke=\"#d0d7de\" stroke-width=\"1\"/>",
            n(PLOT_X),
            n(bottom + 0.5),
            n(PLOT_END)
        ));
        for (monday, by) in &self.weeks {
            let total: f64 = by.iter().sum();
            if total <= 0.0 {
                continue;
            }
            let x0 = axis.x_date((*monday).max(axis.first_day()));
            let x1 = axis.x_date(*monday + Duration::days(7));
            let width = (x1 - x0 - 2.0).max(1.0);
            let x = x0 + 1.0;
            let busy = typical > 0.0 && total > busy_line && total >= typical + 1.0;
            let parts: Vec<String> = CATEGORIES
                .iter()
                .zip(by.iter())
                .filter(|(_, value)| **value > 0.0)
                .map(|(category, value)| format!("{} {} h", category.as_str(), hours(*value)))
                .collect();
            let week = monday.iso_week();
            canvas.line(&format!(
                "<g class=\"week\" data-week=\"{}-W{:02}\" data-hours=\"{}\"{}><title>{}</title>",
                week.year(),
                week.week(),
                n(total),
                if busy { " data-busy=\"true\"" } else { "" },
                escape(&format!(
                    "Week {} ({} – {}): {} h{}\n{}",
                    week.week(),
                    monday.format("%-d %b"),
                    (*monday + Duration::days(6)).format("%-d %b %Y"),
                    hours(total),
                    if busy { ", over 1.5 × a typical week" } else { "" },
                    parts.join(", ")
                ))
            ));
            let mut y = bottom;
            for (category, value) in CATEGORIES.iter().zip(by.iter()) {
                if *value <= 0.0 || y <= top {
                    continue;
                }
                let h = (value * scale).min(y - top);
                canvas.line(&format!(
                    "<rect class=\"load\" data-category=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                    category.as_str(), n(x), n(y - h), n(width), n(h), colour(*category)
                ));
                y -= h;
            }
            let cut = total > top_value;
            if busy {
                canvas.line(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"{INK}\" stroke-width=\"1.2\"/>",
                    n(x), n(y), n(width), n(bottom - y)
                ));
            }
            if cut {
                canvas.line(&format!(
                    "<path d=\"M{},{} l{},-4 M{},{} l{},-4\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>",
                    n(x - 1.0), n(top + 10.0), n(width + 2.0), n(x - 1.0), n(top + 14.0), n(width + 2.0)
                ));
            }
            if cut || busy {
                let label = hours(total);
                if text::width(&label, SMALL_SIZE, true) <= x1 - x0 + 4.0 {
                    canvas.text(
                        (x0 + x1) / 2.0,
                        y - 3.0,
                        SMALL_SIZE,
                        true,
                        "middle",
                        INK,
                        &label,
                        [x0 - 3.0, top - 16.0, x1 + 3.0, bottom],
                    );
                }
            }
            canvas.line("</g>");
        }
        if typical > 0.0 {
            let y = bottom - (typical * scale).min(CHART_H);
            canvas.line(&format!(
                "<path class=\"typical\" d=\"M{},{} H{}\" stroke=\"{MUTED}\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>",
                n(PLOT_X), n(y), n(PLOT_END)
            ));
            canvas.axis_label(y, &format!("typical {} h", hours(typical)), 80.0);
        }
        canvas.line("</g>");
    }
}

/// The smallest "round" number at or above `value`: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten.
fn nice(value: f64) -> f64 {
    let mut power = 1.0;
    while power * 10.0 < value {
        power *= 10.0;
    }
    while power > value && power > 0.1 {
        power /= 10.0;
    }
    for step in [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if step * power >= value {
            return step * power;
        }
    }
    value
}
