//! Issue 11, "safe text": names in a community file can hold control characters. In the terminal
//! agenda a raw CR/LF would forge a line of its own and an ESC could clear the screen, so every
//! such character is shown escaped (`\r`, `\n`, `\u{1b}`), as the feeds, JSON and HTML already do.

use crate::{data, tempi};

#[test]
fn control_characters_in_names_are_escaped_in_the_agenda() {
    let maple = std::fs::read_to_string(data("good/maple.toml")).unwrap();
    // TOML basic strings: \r \n \u001b are the raw characters once parsed.
    let hostile = maple
        .replacen("name = \"Maple Street Community\"", "name = \"Maple \\u001b[2J Street\"", 1)
        .replacen(
            "name = \"Pod Maple weekly check-in\"",
            "name = \"Check-in\\r\\nx Mon 01 00:00-01:00  FORGED\"",
            1,
        );
    assert_ne!(hostile, maple);
    let dir = crate::files::scratch("safe-text-hostile");
    let path = dir.join("hostile.toml");
    std::fs::write(&path, &hostile).unwrap();

    let run = tempi(&[
        "plan".as_ref(),
        path.as_os_str(),
        "--from".as_ref(),
        "2027-01-04".as_ref(),
        "--to".as_ref(),
        "2027-01-31".as_ref(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\r'), "{:?}", run.stdout);
    assert!(run.stdout.starts_with("Maple \\u{1b}[2J Street — "), "{}", run.stdout);
    // The name stays on its occurrence's line; no line of its own starts with the forged text.
    assert!(run.stdout.lines().any(|l| l.contains("Check-in\\r\\nx Mon 01 00:00-01:00  FORGED")));
    assert!(!run.stdout.lines().any(|l| l.starts_with("x Mon 01 00:00-01:00  FORGED")));
    let _ = std::fs::remove_dir_all(&dir);
}
