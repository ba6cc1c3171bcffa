//! Build a small community in code, expand a quarter, and print it.
//!
//! Run with `cargo run -p tempi --example quarter`.

#![allow(clippy::print_stdout, reason = "an example prints its result")]

use tempi::chrono::NaiveDate;
use tempi::chrono_tz::{America, Asia, Europe};
use tempi::{
    Category, ClashScope, Commitment, Community, Group, Member, Renewal, Rhythm, Role, Scale,
    Status, Window,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).ok_or("bad date")?;

    let mut builder =
        Community::builder("tidewater", "Tidewater Cooperative", Europe::Berlin, start);
    builder
        .member(Member::new("amara", "Amara", Europe::Berlin).available("mon-fri 17:00-21:00")?)
        .member(Member::new("bea", "Bea", America::New_York).available("mon-fri 09:00-17:00")?)
        .member(Member::new("chen", "Chen", Asia::Singapore).available("mon-sat 08:00-23:00")?)
        .member(Member::new("dara", "Dara", Europe::Dublin))
        .member(Member::new("eli", "Eli", America::Chicago));
    builder.group(Group::new("tidewater", "Tidewater", Scale::Range { min: 4, max: 15 })).group(
        Group::new("pod-one", "Pod One", Scale::Pod)
            .members(["amara", "bea", "chen", "dara", "eli"])
            .part_of("tidewater"),
    );

    // A two-day gathering on the first Saturday of February.
    builder.rhythm(
        Rhythm::builder("gathering", "tidewater")
            .name("Winter gathering")
            .category(Category::Relational)
            .cadence("first sat of february")
            .at("10:00")
            .length("1d8h")
            .build()?,
    );
    // Weekly for six weeks, then a retrospective; renewed once; skips the gathering's week.
    builder.rhythm(
        Rhythm::builder("pod-one-weekly", "pod-one")
            .name("Pod One check-in")
            .cadence("weekly on wed")
            .at("18:00")
            .length("75m")
            .build()?
            .commitment(Commitment::new(6).retrospective("2h".parse()?).renewal(Renewal::Times(1)))
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
