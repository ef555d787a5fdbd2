//! Measures a hostile CMS built to make revocation checking expensive: many signers over the
//! same certificate, copies of the intermediate (more candidate paths) and many distinct CRLs
//! signed by a key that is not the CA's. Prints milliseconds per verification beside a normal
//! CMS; the verifier must stay within a few milliseconds.
//!
//! ```sh
//! cargo run --release -p signatures --example crl_amplification --features testing -- 64 128
//! ```
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a measurement script"
)]

use signatures::testing::{CmsBuilder, CrlBuilder, SignerSpec, TestPki, cached_rsa_2048};
use signatures::{Certificate, Options, Verifier};
use std::time::Instant;
use time::macros::datetime;

fn main() {
    let signers: usize = std::env::args().nth(1).map_or(64, |a| a.parse().unwrap());
    let crls: usize = std::env::args().nth(2).map_or(128, |a| a.parse().unwrap());
    let pki = TestPki::rsa();
    let leaf = pki
        .individual_sign("123456789011")
        .issued_by(&pki.intermediate);
    let attacker = cached_rsa_2048(5);
    // CRLs naming the intermediate and the root as issuers, signed by a key the attacker holds.
    // Distinct CRLs (their numbers differ), so deduplication alone cannot help.
    let fake = |issuer, number| {
        CrlBuilder::new(issuer)
            .number(number)
            .this_update(datetime!(2021-01-01 0:00 UTC))
            .next_update(Some(datetime!(2030-01-01 0:00 UTC)))
            .signed_by(attacker)
            .build()
    };
    let mut b = CmsBuilder::new(b"x").certificate(&leaf);
    for _ in 0..3 {
        b = b.certificate(&pki.intermediate);
    } // 4 candidate paths
    for i in 0..crls {
        b = b.crl(if i % 2 == 0 {
            fake(&pki.intermediate, i as u64)
        } else {
            fake(&pki.root, i as u64)
        });
    }
    for _ in 0..signers {
        b = b.signer(SignerSpec::new(&leaf));
    }
    let cms = b.build();
    let normal = CmsBuilder::new(b"x")
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    let verifier = Verifier::new(vec![Certificate::from_der(&pki.root.der).unwrap()])
        .with_intermediates(vec![Certificate::from_der(&pki.intermediate.der).unwrap()]);
    for (name, at) in [
        ("leaf valid  ", datetime!(2021-06-01 0:00 UTC)),
        ("leaf expired", datetime!(2023-01-01 0:00 UTC)),
    ] {
        let options = Options::new(at);
        for (label, bytes) in [("normal ", &normal), ("crafted", &cms)] {
            verifier.verify(bytes, None, &options);
            let n = 5;
            let t = Instant::now();
            let mut code = None;
            for _ in 0..n {
                code = Some(verifier.verify(bytes, None, &options).code);
            }
            println!(
                "{name} {label} {:>7} bytes: {:>10.3} ms/verify ({:?})",
                bytes.len(),
                t.elapsed().as_secs_f64() * 1e3 / n as f64,
                code.unwrap()
            );
        }
    }
}
