use super::*;

#[test]
fn uids_never_collide_across_communities() {
    assert_ne!(base_uid("b.c", "a"), base_uid("c", "a.b"));
}

#[test]
fn durations_are_exact() {
    assert_eq!(duration(90 * 60), "PT90M");
    assert_eq!(duration(54 * 3600), "PT3240M");
    assert_eq!(duration(61), "PT61S");
}

#[test]
fn a_span_over_a_dst_change_crosses_it() {
    let zone = chrono_tz::America::New_York;
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    // 2027-03-14 07:00Z is the spring-forward instant.
    assert!(crosses_span(zone, at("2027-03-14T05:00:00Z"), at("2027-03-14T08:00:00Z")));
    assert!(!crosses_span(zone, at("2027-03-14T08:00:00Z"), at("2027-03-16T08:00:00Z")));
    // Three days across it, sampled every six hours.
    assert!(crosses_span(zone, at("2027-03-12T08:00:00Z"), at("2027-03-15T08:00:00Z")));
}

#[test]
fn ambiguous_walls_are_the_gap_and_the_overlap() {
    let zone = chrono_tz::America::New_York;
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let walls = ambiguous_walls(zone, at("2027-01-01T00:00:00Z"), at("2028-01-01T00:00:00Z"));
    let wall = |s: &str| s.parse::<NaiveDateTime>().unwrap();
    // 02:00–03:00 skipped on 14 March, 01:00–02:00 twice on 7 November (the US rule).
    assert_eq!(
        walls,
        vec![
            (wall("2027-03-14T02:00:00"), wall("2027-03-14T03:00:00")),
            (wall("2027-11-07T01:00:00"), wall("2027-11-07T02:00:00")),
        ]
    );
}
