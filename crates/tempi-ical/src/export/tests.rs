use super::*;

#[test]
fn uids_never_collide_across_communities() {
    assert_ne!(base_uid("b.c", "a"), base_uid("c", "a.b"));
}

#[test]
fn scratch_layout() {
    let text = include_str!("../../../../examples/community.toml");
    let loaded = tempi_core::file::parse(text, "community.toml").unwrap();
    let c = &loaded.community;
    let plan = c.plan(tempi_core::Window::year(c.zone(), 2027).unwrap()).unwrap();
    let layout = Layout::new(c, &plan);
    for (r, s) in c.rhythms().iter().zip(&layout.series) {
        eprintln!(
            "{} {:?}",
            r.id(),
            s.iter().map(|x| (&x.form, x.carried.len(), x.exdates.len())).collect::<Vec<_>>()
        );
    }
    let r = c.rhythm("ceiba-weekly").unwrap();
    let Timing::Cadence(cad) = r.timing() else { panic!() };
    let rule = Rule::from_rule(cad.as_rule().unwrap());
    eprintln!(
        "{:?} {:?}",
        rule,
        rule.starts(
            None,
            "2027-01-07T19:00:00".parse().unwrap(),
            "2027-03-07T19:00:00".parse().unwrap(),
            100
        )
    );
}
