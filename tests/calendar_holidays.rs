//! The working-day calendar against a real peer: the Kazakhstan module of the PyPI package
//! `holidays` (pinned with hashes in `tools/holidays/requirements.txt`; `.ci/run` installs it
//! into `tools/holidays/.venv`). The lines `registration-api calendar YEAR` prints for 2023 to
//! 2025 are written to files and `tools/holidays/compare.py` compares them day by day: a
//! disagreement not listed in the year's data file (with its legal source) fails the test.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

#[path = "api/helpers.rs"]
#[allow(dead_code, reason = "this binary uses a part of the helpers")]
mod helpers;

use helpers::*;
use registration_core::calendar;
use std::path::Path;
use std::process::Command;

#[test]
fn the_calendar_agrees_with_the_holidays_package_for_2023_to_2025() {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/holidays");
    let python = tools.join(".venv/bin/python");
    let missing = (!python.is_file()).then(|| {
        format!(
            "the holidays package is not installed: run `python3 -m venv {venv} && {venv}/bin/pip install --require-hashes -r {requirements}`",
            venv = tools.join(".venv").display(),
            requirements = tools.join("requirements.txt").display(),
        )
    });
    if !peer_available("the comparison with the holidays package", missing) {
        return;
    }
    let lines = Path::new(env!("CARGO_TARGET_TMPDIR")).join("calendar-lines");
    std::fs::create_dir_all(&lines).unwrap();
    for year in [2023, 2024, 2025] {
        let mut text = calendar::year_lines(year).unwrap().join("\n");
        text.push('\n');
        std::fs::write(lines.join(format!("kz-{year}.jsonl")), text).unwrap();
    }
    let output = Command::new(&python)
        .arg(tools.join("compare.py"))
        .arg("--lines-dir")
        .arg(&lines)
        .output()
        .expect("python runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "compare.py exited {}:\n{report}{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("compare: 1096 days"), "{report}");
}
