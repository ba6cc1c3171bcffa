//! Debian's Chromium, headless, for the tests that look at a page as a person would: the year
//! picture (`tests/it/picture.rs`) and `tempi serve`'s pages
//! (`crates/tempi-cli/tests/it/serve_browser.rs`). One copy, included by both with
//! `#[path = …] mod browser;`; each uses a part of it.
//!
//! Install Chromium with `scripts/ci-setup-browser.sh` (CI runs it before the tests); without it
//! these helpers fail and say so, never pass silently.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's chromium, or a failure that says how to install it.
pub(crate) fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "chromium is not installed: run `bash scripts/ci-setup-browser.sh` as root (CI runs it before the tests)"
    );
}

/// `file://` and the path: a URL for [`run_chromium`].
pub(crate) fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Runs chromium headless on `url` with `extra` flags in the profile directory `profile`;
/// returns its standard output.
pub(crate) fn run_chromium(profile: &Path, extra: &[String], url: &str) -> String {
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--force-color-profile=srgb",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("cannot start chromium: {e}"));
    assert!(
        output.status.success(),
        "chromium failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A decoded screenshot, RGBA.
pub(crate) struct Screenshot {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) rgba: Vec<u8>,
    /// The PNG file's size in bytes.
    pub(crate) bytes: u64,
}

impl Screenshot {
    /// Chromium's screenshot of `url` at `width`×`height`, written to `dir/name` (profile in
    /// `dir/profile`) and decoded.
    pub(crate) fn take(dir: &Path, name: &str, url: &str, width: u32, height: u32) -> Screenshot {
        let png = dir.join(name);
        let _ = std::fs::remove_file(&png);
        run_chromium(
            &dir.join("profile"),
            &[format!("--screenshot={}", png.display()), format!("--window-size={width},{height}")],
            url,
        );
        let bytes = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
        let file = std::fs::File::open(&png)
            .unwrap_or_else(|e| panic!("no screenshot at {}: {e}", png.display()));
        let decoder = png::Decoder::new(std::io::BufReader::new(file));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buffer).unwrap();
        buffer.truncate(info.buffer_size());
        let rgba = match info.color_type {
            png::ColorType::Rgba => buffer,
            png::ColorType::Rgb => buffer.chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
            other => panic!("unexpected PNG colour type {other:?}"),
        };
        Screenshot { width: info.width as usize, height: info.height as usize, rgba, bytes }
    }

    /// The colour at (`x`, `y`), in CSS pixels from the top left.
    pub(crate) fn pixel(&self, x: f64, y: f64) -> [u8; 3] {
        let (x, y) = (x.floor() as usize, y.floor() as usize);
        assert!(x < self.width && y < self.height, "({x}, {y}) is outside the screenshot");
        let i = (y * self.width + x) * 4;
        [self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]]
    }

    /// How many pixels have the colour `rgb`.
    pub(crate) fn count(&self, rgb: [u8; 3]) -> usize {
        self.rgba.chunks(4).filter(|p| p[..3] == rgb).count()
    }
}
