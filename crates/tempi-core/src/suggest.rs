//! "Did you mean …?" suggestions for misspelt names and ids, the one measure tempi uses.

/// Up to three candidates closest to `given`, best first, or none if nothing is close.
pub fn closest<'a>(given: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let given_lower = given.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .map(|candidate| {
            let score = strsim::jaro_winkler(&given_lower, &candidate.to_ascii_lowercase());
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    // Offer only the names about as close as the best one: one clear match reads as one.
    let best = scored.first().map_or(0.0, |(score, _)| *score);
    scored
        .into_iter()
        .filter(|(score, _)| *score >= best - 0.03)
        .take(3)
        .map(|(_, name)| name.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_the_intended_zone_first() {
        let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
        let got = super::closest("Europe/Berln", names);
        assert_eq!(got.first().map(String::as_str), Some("Europe/Berlin"));
    }

    #[test]
    fn suggests_nothing_for_nonsense() {
        let got = super::closest("zzzzqqqq", ["ana", "bo", "chen"].into_iter());
        assert!(got.is_empty());
    }
}
