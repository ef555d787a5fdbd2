//! Writes the `ocsp` target's seeds into `corpus/ocsp/` and prints each one's verdict:
//! `cargo run --example ocsp_seeds`.

use signatures::testing::ocsp::{CertIdHash, OcspStatus};
use std::path::PathBuf;
use time::Duration;
use time::macros::datetime;

#[path = "../fuzz_targets/ocsp_pki.rs"]
mod ocsp_pki;

fn main() -> std::io::Result<()> {
    let pki = ocsp_pki::Pki::new();
    let at = datetime!(2021-06-01 0:00 UTC);
    let seeds: Vec<(&str, u8, Vec<u8>)> = vec![
        ("good_ca", 0, pki.seed_body(pki.builder(0))),
        ("good_delegated", 1, pki.seed_body(pki.builder(1))),
        ("good_unauthorised", 2, pki.seed_body(pki.builder(2))),
        ("revoked", 0, pki.seed_body(pki.builder(0).status(OcspStatus::Revoked(at - Duration::days(1), Some(1))))),
        ("hold", 0, pki.seed_body(pki.builder(0).status(OcspStatus::Revoked(at - Duration::days(1), Some(6))))),
        ("not_issued", 1, pki.seed_body(pki.builder(1).status(OcspStatus::Revoked(datetime!(1970-01-01 0:00 UTC), Some(6))).extended_revoke().next_update(None))),
        ("unknown", 0, pki.seed_body(pki.builder(0).status(OcspStatus::Unknown))),
        ("sha1", 0, pki.seed_body(pki.builder(0).hash(CertIdHash::Sha1))),
        ("nonce", 0x10, pki.seed_body(pki.builder(0).nonce(ocsp_pki::NONCE))),
        ("by_key", 1, pki.seed_body(pki.builder(1).by_key())),
        ("no_next_update", 0, pki.seed_body(pki.builder(0).next_update(None))),
        ("raw", 3, pki.builder(1).build()),
    ];
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/ocsp");
    std::fs::create_dir_all(&dir)?;
    for (name, flags, body) in seeds {
        let mut data = vec![flags];
        data.extend(body);
        std::fs::write(dir.join(name), &data)?;
        if let Some((cold, _)) = ocsp_pki::run(&pki, &data) {
            println!("{name:<20} {:?}", cold.code);
        }
    }
    Ok(())
}
