//! Variable CRLs: `Crl::from_der` on every chunk, then a verification of a fixed, valid CMS
//! against up to four fuzzed CRLs, each (unless raw) signed by the target with the key of the
//! CA, the root or a delegated CRL issuer, so that mutated bodies get past the signature
//! check and reach the CRL, extension and revocation logic (scope, distribution points,
//! indirect entries, delta CRLs, reasons). The input format is in `crl_pki.rs`.
//!
//! Checked: nothing panics; `valid` agrees with `code`; the report does not change when the
//! same CRLs are verified again with a warm cache; and CRLs, whatever they hold, never make
//! the valid CMS fail for a reason other than revocation, validity or algorithms.
#![no_main]

#[path = "crl_pki.rs"]
mod crl_pki;

use std::sync::LazyLock;

use crl_pki::Pki;
use libfuzzer_sys::fuzz_target;
use signatures::Code;

static PKI: LazyLock<Pki> = LazyLock::new(Pki::new);

fuzz_target!(|data: &[u8]| {
    let Some((cold, warm)) = crl_pki::run(&PKI, data) else {
        return;
    };
    assert_eq!(cold.valid, cold.code == Code::Ok, "valid disagrees with code");
    assert_eq!(cold.to_json(), warm.to_json(), "the warm cache changed the report");
    // The CMS itself is valid: CRLs can only revoke it, leave it unknown, or find the
    // algorithms they use weak or unsupported.
    assert!(
        matches!(
            cold.code,
            Code::Ok
                | Code::Revoked
                | Code::RevocationUnknown
                | Code::WeakAlgorithm
                | Code::UnsupportedAlgorithm
                | Code::CertExpired
                | Code::CertNotYetValid
        ),
        "a CRL changed the verdict to {:?}: {}",
        cold.code,
        cold.to_json()
    );
});
