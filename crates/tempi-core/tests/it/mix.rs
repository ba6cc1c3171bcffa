//! `mix = { size, across }` on rhythms: read, validated with located errors, and the pods a
//! mix rhythm cuts across.

use tempi_core::file;
use tempi_core::{Mix, Scale};

const SAMPLE: &str = include_str!("../../../../examples/community.toml");

/// The sample with one more rhythm: monthly mixers of the whole congregation.
fn with_mixers(group: &str, mix: &str) -> String {
    format!(
        "{SAMPLE}\n[[rhythms]]\nid = \"mixers\"\nname = \"Mixers\"\ngroup = \"{group}\"\ncategory = \"relational\"\ncadence = \"monthly\"\nat = \"12:00\"\nlength = \"1h\"\nmix = {mix}\n"
    )
}

fn errors(text: &str) -> Vec<String> {
    match file::parse(text, "c.toml") {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics().iter().map(ToString::to_string).collect(),
    }
}

/// The line of the appended `mix = ` key (the last line of the text).
fn mix_line(text: &str) -> usize {
    text.lines().count()
}

#[test]
fn a_mix_rhythm_reads_and_finds_its_pods() {
    let text = with_mixers("riverbend", "{ size = 3, across = \"pods\" }");
    let loaded = file::parse(&text, "c.toml").unwrap_or_else(|e| panic!("{e:?}"));
    let c = &loaded.community;
    let rhythm = c.rhythm("mixers").unwrap();
    assert_eq!(rhythm.mix(), Some(&Mix::new(3)));
    let pods = c.mix_pods("mixers");
    // Every member of the congregation attends; each is found in the first group at the pod
    // scale (pod, crew, home group, or a range like 4..6) in file order that lists them.
    assert_eq!(pods.len(), 20);
    let pod_of = |m: &str| pods.iter().find(|(id, _)| *id == m).and_then(|(_, p)| *p);
    assert_eq!(pod_of("ana"), Some("pod-lumen"));
    assert_eq!(pod_of("hugo"), Some("pod-ceiba")); // scale = "crew"
    assert_eq!(pod_of("mei"), Some("pod-harbour")); // scale = "home group"
    assert_eq!(pod_of("grace"), Some("pod-ceiba")); // also a steward; pod-ceiba comes first
    assert_eq!(pod_of("farid"), Some("stewards")); // scale = "4..6" sits at the pod scale
    assert!(c.mix_pods("lumen-weekly").is_empty());
}

#[test]
fn across_takes_scale_words_singular_or_plural() {
    assert_eq!(Mix::parse_across("pods").ok(), Some(Scale::Pod));
    assert_eq!(Mix::parse_across("crew").ok(), Some(Scale::Pod));
    assert_eq!(Mix::parse_across("circles").ok(), Some(Scale::Circle));
    let error = Mix::parse_across("teams").unwrap_err();
    assert!(matches!(error, tempi_core::Error::Value { kind: tempi_core::ValueKind::Scale, .. }));
    assert!(error.to_string().contains("`teams` is not a scale"), "{error}");
}

#[test]
fn bad_mix_values_get_located_errors_with_a_fix() {
    let text = with_mixers("riverbend", "{ size = 1 }");
    let line = mix_line(&text);
    // `mix = { size = 1 }`: the value 1 is at column 16.
    assert_eq!(
        errors(&text),
        vec![format!(
            "c.toml:{line}:16: error: `size = 1`: a mixer needs 2 or more people; use e.g. `mix = {{ size = 4, across = \"pods\" }}`"
        )]
    );
    let text = with_mixers("riverbend", "{ size = 4, across = \"teams\" }");
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with(&format!("c.toml:{line}:")), "{found:?}");
    assert!(found[0].contains("`teams` is not a scale"), "{found:?}");
    let text = with_mixers("riverbend", "{ size = 4, colour = \"red\" }");
    assert!(errors(&text).iter().any(|e| e.contains("colour")), "{:?}", errors(&text));
}

#[test]
fn mixing_a_group_without_pods_is_an_error_that_says_what_to_add() {
    let text = with_mixers("pod-lumen", "{ size = 2 }");
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains(
            "rhythm `mixers` mixes across pod scale groups, but group `pod-lumen` has none"
        ),
        "{found:?}"
    );
    // Across circles: the congregation has none either.
    let text = with_mixers("riverbend", "{ size = 4, across = \"circles\" }");
    assert!(errors(&text).iter().any(|e| e.contains("across circle scale groups")));
}
