//! OCSP responses (RFC 6960): `OcspResponse::from_der` on every input, then one certificate
//! verified with the response, which (unless raw) the target signs with the key of the
//! target's issuer, a delegated responder or an unauthorised one, so that mutated bodies get
//! past the signature check and reach CertID, status, time, nonce and extension handling.
//! The input format is in `ocsp_pki.rs`.
//!
//! Checked: nothing panics; `valid` agrees with `code`; a warm cache changes nothing; and a
//! response, whatever it holds, can only leave the certificate valid or revoke it (a
//! response never makes the path fail otherwise: unusable ones are ignored with a warning).
#![no_main]

#[path = "ocsp_pki.rs"]
mod ocsp_pki;

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ocsp_pki::Pki;
use signatures::Code;

static PKI: LazyLock<Pki> = LazyLock::new(Pki::new);

fuzz_target!(|data: &[u8]| {
    let Some((cold, warm)) = ocsp_pki::run(&PKI, data) else {
        return;
    };
    assert_eq!(cold.valid, cold.code == Code::Ok, "valid disagrees with code");
    assert_eq!(cold.to_json(), warm.to_json(), "the warm cache changed the report");
    assert!(
        matches!(cold.code, Code::Ok | Code::Revoked | Code::CertNotYetValid),
        "a response changed the verdict to {:?}: {}",
        cold.code,
        cold.to_json()
    );
});
