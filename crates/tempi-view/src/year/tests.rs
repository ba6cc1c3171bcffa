use super::text::{escape, fit, width};

#[test]
fn escapes_every_markup_character() {
    assert_eq!(
        escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;"
    );
    // Characters XML 1.0 forbids are dropped, not passed through.
    assert_eq!(escape("a\u{0}b\u{1b}c"), "abc");
    assert_eq!(escape("Sol Martínez 日本"), "Sol Martínez 日本");
}

#[test]
fn fit_shortens_with_an_ellipsis_and_never_exceeds_the_budget() {
    assert_eq!(fit("Pod Lumen", 11.0, false, 200.0), "Pod Lumen");
    let long = "Stewards prepare the quarterly planning with everyone who wants to come";
    let short = fit(long, 11.0, false, 120.0);
    assert!(short.ends_with('…'), "{short}");
    assert!(width(&short, 11.0, false) <= 120.0);
    assert_eq!(fit("WWWW", 11.0, false, 1.0), "");
}

#[test]
fn wide_characters_count_as_wide() {
    assert!(width("日本語", 10.0, false) > width("abc", 10.0, false));
    assert!(width("W", 10.0, true) > width("W", 10.0, false));
}
