//! `Certificate::from_der` and `Crl::from_der` on arbitrary bytes, and the PEM/base64 file
//! readers (`Verifier::certificates_from`, `Verifier::crls_from`) for input that is not DER.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signatures::{Certificate, Crl, Verifier};

fuzz_target!(|data: &[u8]| {
    if let Ok(certificate) = Certificate::from_der(data) {
        let _ = (
            certificate.subject(),
            certificate.serial_hex(),
            certificate.der().len(),
        );
    }
    if let Ok(crl) = Crl::from_der(data) {
        let _ = crl.issuer();
    }
    // For DER input these would only repeat the two calls above.
    if data.first() != Some(&0x30) {
        let _ = Verifier::certificates_from(data, "fuzz");
        let _ = Verifier::crls_from(data, "fuzz");
    }
});
