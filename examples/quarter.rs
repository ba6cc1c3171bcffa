//! Build a small community in code, expand a quarter, and print it.
//!
//! Run with `cargo run -p tempi --example quarter`.

#![allow(clippy::print_stdout, reason = "an example prints its result")]

use tempi::chrono::{NaiveDate, NaiveTime};
use tempi::chrono_tz::{America, Asia, Europe};
use tempi::{
    Cadence, Category, ClashScope, Commitment, Community, Group, Member, Renewal, Rhythm, Role,
    Scale, Status, Window,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).ok_or("bad date")?;
    let at = |h, m| NaiveTime::from_hms_opt(h, m, 0).ok_or("bad time");

    let mut builder =
        Community::builder("tidewater", "Tidewater Cooperative", Europe::Berlin, start);
    builder
        .member(Member::new("amara", "Amara", Europe::Berlin))
        .member(Member::new("bea", "Bea", America::New_York))
        .member(Member::new("chen", "Chen", Asia::Singapore))
        .member(Member::new("dara", "Dara", Europe::Dublin))
        .member(Member::new("eli", "Eli", America::Chicago));
    builder.group(Group::new("tidewater", "Tidewater", Scale::Range { min: 4, max: 15 })).group(
        Group::new("pod-one", "Pod One", Scale::Pod)
            .members(["amara", "bea", "chen", "dara", "eli"])
            .part_of("tidewater"),
    );

    // A two-day gathering on the first Saturday of February.
    builder.rhythm(Rhythm::new(
        "gathering",
        "Winter gathering",
        "tidewater",
        Category::Relational,
        "first sat of february".parse::<Cadence>()?,
        at(10, 0)?,
        "1d8h".parse()?,
    ));
    // Weekly for six weeks, then a retrospective; renewed once; skips the gathering's week.
    builder.rhythm(
        Rhythm::new(
            "pod-one-weekly",
            "Pod One check-in",
            "pod-one",
            Category::Relational,
            "weekly on wed".parse::<Cadence>()?,
            at(18, 0)?,
            "75m".parse()?,
        )
        .commitment(Commitment {
            meetings: 6,
            retrospective: Some("2h".parse()?),
            renewal: Renewal::Times(1),
        })
        .roles(vec![Role::rotating("facilitator"), Role::rotating("timekeeper")])
        .except("gathering", ClashScope::Week),
    );

    let (community, warnings) = builder.build()?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let from = NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("bad date")?;
    let to = NaiveDate::from_ymd_opt(2027, 3, 31).ok_or("bad date")?;
    let plan = community.plan(Window::days(community.zone(), from, to)?)?;

    for occ in plan.occurrences() {
        let when = occ.start.format("%a %Y-%m-%d %H:%M %Z");
        let cycle = occ.cycle.map(|c| format!(" [{c}]")).unwrap_or_default();
        let who: Vec<String> =
            occ.roles.iter().map(|r| format!("{} {}", r.role, r.member)).collect();
        match &occ.status {
            Status::Cancelled { reason } => {
                println!("{when}  {}{cycle}  cancelled: {reason}", occ.rhythm)
            }
            _ => println!("{when}  {}{cycle}  {}", occ.rhythm, who.join(", ")),
        }
    }
    Ok(())
}
