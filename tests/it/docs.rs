//! The examples in `docs/` are real: the minimal community file parses, and the example plan in
//! `docs/plan-json.md` is what `tempi plan --json` prints for that window today.

use std::path::Path;

use serde_json::Value;

use crate::tempi;

fn read_doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fenced code blocks of a Markdown text tagged `lang`.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let open = format!("```{lang}\n");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let end = body.find("```").expect("a closed code block");
        out.push(&body[..end]);
        rest = &body[end..];
    }
    out
}

#[test]
fn the_minimal_community_file_in_the_docs_is_valid() {
    let doc = read_doc("community-file.md");
    let minimal = blocks(&doc, "toml")[0];
    let loaded = tempi::file::parse(minimal, "docs/community-file.md")
        .unwrap_or_else(|e| panic!("the minimal file does not parse:\n{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.community.rhythms().len(), 1);
}

#[test]
fn the_example_plan_in_the_docs_is_real() {
    let doc = read_doc("plan-json.md");
    let example: Value = serde_json::from_str(blocks(&doc, "json").last().unwrap()).unwrap();
    let run = tempi(&["plan", "--from", "2027-09-06", "--to", "2027-09-12", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let actual: Value = serde_json::from_str(&run.stdout).unwrap();
    for key in ["community", "window", "conflicts", "warnings"] {
        assert_eq!(example[key], actual[key], "{key}");
    }
    // The example is trimmed: its occurrences are some of the real ones, in the same order.
    let real = actual["occurrences"].as_array().unwrap();
    let mut positions = Vec::new();
    for occ in example["occurrences"].as_array().unwrap() {
        let at = real.iter().position(|r| r == occ);
        positions.push(at.unwrap_or_else(|| panic!("not in the real plan: {occ:#}")));
    }
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}
