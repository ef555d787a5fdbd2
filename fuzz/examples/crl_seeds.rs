//! Prints the verdict of every input of the `crl` target's corpus (or of the files given):
//! `cargo run --example crl_seeds [-- FILE...]`. A quick check that the seeds reach the
//! revocation logic (`revoked` is REVOKED, `held_then_lifted` is OK, …), and a way to run a
//! corpus without libFuzzer.

use std::path::PathBuf;

#[path = "../fuzz_targets/crl_pki.rs"]
mod crl_pki;

fn main() -> std::io::Result<()> {
    let mut files: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if files.is_empty() {
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/crl");
        for entry in std::fs::read_dir(corpus)? {
            files.push(entry?.path());
        }
        files.sort();
    }
    let pki = crl_pki::Pki::new();
    for file in files {
        let data = std::fs::read(&file)?;
        match crl_pki::run(&pki, &data) {
            Some((cold, warm)) => {
                assert_eq!(cold.to_json(), warm.to_json(), "{}", file.display());
                println!("{:<24} {:?}", file.display().to_string().rsplit('/').next().unwrap_or_default(), cold.code);
            }
            None => println!("{}: empty", file.display()),
        }
    }
    Ok(())
}
