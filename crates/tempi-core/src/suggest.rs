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

/// The message for an id that names nothing: `unknown member `anna`; did you mean `ana`?`, or
/// the known ids (the first eight) when none is close, or that there are none. `kind` is the
/// singular noun (`member`, `group`, `rhythm`). The one wording the community-file checks, the
/// pipeline and the CLI share.
pub fn unknown<S: AsRef<str>>(kind: &str, id: &str, known: &[S]) -> String {
    let close = closest(id, known.iter().map(AsRef::as_ref));
    match close.as_slice() {
        [] if known.is_empty() => format!("unknown {kind} `{id}`: there are no {kind}s defined"),
        [] => {
            let mut text = known.iter().take(8).map(AsRef::as_ref).collect::<Vec<_>>().join(", ");
            if known.len() > 8 {
                text.push_str(&format!(" and {} more", known.len() - 8));
            }
            format!("unknown {kind} `{id}`; known {kind}s: {text}")
        }
        close => format!("unknown {kind} `{id}`{}", DidYouMean(close)),
    }
}

/// `; did you mean `x`?` or `; did you mean one of: x, y?` for close names, nothing for none.
#[derive(Debug, Clone, Copy)]
pub struct DidYouMean<'a>(pub &'a [String]);

impl std::fmt::Display for DidYouMean<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            [] => Ok(()),
            [one] => write!(f, "; did you mean `{one}`?"),
            many => write!(f, "; did you mean one of: {}?", many.join(", ")),
        }
    }
}

/// Whether Windows treats a file named `<id>.<anything>` as a device: the part before the first
/// dot is CON, PRN, AUX, NUL, COM0–9 or LPT0–9, in any case. Ids name feed files, so these are
/// refused everywhere (feed sets are copied between systems).
pub fn is_windows_device_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or(id).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
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
    fn device_names_are_every_windows_reserved_stem() {
        // Microsoft's "Naming Files, Paths, and Namespaces": CON, PRN, AUX, NUL, COM0-COM9,
        // LPT0-LPT9, also with an extension, in any case.
        for id in ["con", "PRN", "aux.x", "nul.ics", "com0", "COM9", "lpt0", "Lpt5.pod"] {
            assert!(super::is_windows_device_name(id), "{id}");
        }
        for id in ["console", "com10", "comx", "lpt", "nul-1", "pod.con"] {
            assert!(!super::is_windows_device_name(id), "{id}");
        }
    }

    #[test]
    fn unknown_ids_name_the_close_ones_or_the_known_ones() {
        let known = ["ana", "bo", "chen"];
        assert_eq!(
            super::unknown("member", "anna", &known),
            "unknown member `anna`; did you mean `ana`?"
        );
        assert_eq!(
            super::unknown("group", "zzz", &known),
            "unknown group `zzz`; known groups: ana, bo, chen"
        );
        assert_eq!(
            super::unknown::<&str>("rhythm", "x", &[]),
            "unknown rhythm `x`: there are no rhythms defined"
        );
    }

    #[test]
    fn suggests_nothing_for_nonsense() {
        let got = super::closest("zzzzqqqq", ["ana", "bo", "chen"].into_iter());
        assert!(got.is_empty());
    }
}
