//! The bundled files themselves: all of them parse, and none is left out of the bundle.

use super::*;

#[test]
fn every_bundled_file_parses_and_holds_together() {
    let calendar = Calendar::bundled().unwrap();
    assert_eq!(
        calendar.years_with_data().collect::<Vec<_>>(),
        [2023, 2024, 2025, 2026, 2027]
    );
}

#[test]
fn every_file_in_the_data_folder_is_bundled() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/calendar/data");
    let mut on_disk: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "law.json")
        .collect();
    on_disk.sort();
    let bundled: Vec<&str> = BUNDLED_YEARS.iter().map(|(name, _)| *name).collect();
    assert_eq!(on_disk, bundled);
}
