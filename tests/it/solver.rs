//! `tempi slots`, `tempi pods` and `tempi plan` with `at = "auto"` (the solver issue).

use crate::tempi;

#[test]
fn slots_json_follows_the_documented_schema() {
    let run = tempi(&[
        "slots",
        "--members",
        "ana,bram,chiara",
        "--duration",
        "60m",
        "--from",
        "2027-01-04",
        "--to",
        "2027-01-08",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["kind"], "one-off");
    let first = &value["candidates"][0];
    for key in ["start", "end", "attendees", "missing", "score"] {
        assert!(!first[key].is_null(), "candidate has no `{key}`");
    }
    assert!(first["start"].as_str().unwrap().ends_with("+00:00"));
    assert!(first["attendees"][0]["local"].is_string());
    assert!(first["score"]["total"].is_i64());
}

#[test]
fn slots_recurring_lists_local_times_and_is_deterministic() {
    let args = [
        "slots",
        "--members",
        "ana,bram,chiara",
        "--duration",
        "60m",
        "--repeat",
        "weekly",
        "--count",
        "6",
    ];
    let run = tempi(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Europe/Lisbon"), "{}", run.stdout);
    assert_eq!(run.stdout, tempi(&args).stdout);
}

#[test]
fn slots_errors_say_what_would_fix_them() {
    let run = tempi(&["slots", "--members", "anna", "--duration", "60m"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("error: --members: unknown member `anna`"), "{}", run.stderr);
    let run = tempi(&["slots", "--members", "ana", "--duration", "sixty"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("error: --duration"), "{}", run.stderr);
}

#[test]
fn pods_split_a_group() {
    let run = tempi(&["pods", "--group", "riverbend", "--size", "4..6", "--json"]);
    // 3: some of the sample's pods (three continents) share no weekly time (`tempi --help`).
    assert_eq!(run.code, 3, "{}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let pods = value["pods"].as_array().unwrap();
    let members: usize = pods.iter().map(|p| p["members"].as_array().unwrap().len()).sum();
    assert_eq!(members, 20);
    assert!(pods.iter().all(|p| (4..=6).contains(&p["members"].as_array().unwrap().len())));
}

#[test]
fn plan_places_auto_rhythms_and_warns_about_the_rest() {
    let text =
        include_str!("../../examples/community.toml").replace("at = \"19:00\"", "at = \"auto\"");
    let dir = crate::files::scratch("solver-auto");
    let path = dir.join("auto.toml");
    std::fs::write(&path, text).unwrap();
    let run = tempi(&[
        std::ffi::OsStr::new("plan"),
        path.as_os_str(),
        "--from".as_ref(),
        "2027-01-04".as_ref(),
        "--to".as_ref(),
        "2027-02-28".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("(at = \"auto\") could not be placed") || !run.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
