//! `Verifier::verify` on arbitrary bytes, against a fixed trust store (the test PKI in
//! `fuzz/trust/`, written by `examples/seed.rs`).
//!
//! Input: one flags byte, then the signature bytes (DER, PEM or base64).
//! - bit 0: detached content is given; it follows the flags as one length byte and that
//!   many bytes, before the signature;
//! - bits 1-2: the validation time (see `TIMES`);
//! - bits 3-4: the purpose: none, sign, auth, none;
//! - bit 5: require revocation;
//! - bit 6: the validation time is passed as `Options::now` with no `at` (otherwise it is the
//!   forced `at`, and `now` is [`NOW`]).
//!
//! Each input is verified twice, with the link-signature cache emptied and then warm; the
//! two reports must be identical, and `valid` must agree with `code`.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use signatures::{Certificate, Code, Crl, Options, Purpose, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| {
    let cert = |der: &[u8]| Certificate::from_der(der).expect("a trust/ certificate parses");
    let crl = |der: &[u8]| Crl::from_der(der).expect("a trust/ CRL parses");
    Verifier::new(vec![
        cert(include_bytes!("../trust/rsa_root.der")),
        cert(include_bytes!("../trust/ec_root.der")),
    ])
    .with_intermediates(vec![
        cert(include_bytes!("../trust/rsa_intermediate.der")),
        cert(include_bytes!("../trust/ec_intermediate.der")),
    ])
    .with_crls(vec![
        crl(include_bytes!("../trust/rsa.crl")),
        crl(include_bytes!("../trust/rsa_delta.crl")),
        crl(include_bytes!("../trust/ec.crl")),
    ])
});

/// Validation times: inside the test PKI's validity, the NCA test vectors' signing time,
/// before and after every certificate's validity.
const TIMES: [OffsetDateTime; 4] = [
    datetime!(2021-06-01 0:00 UTC),
    datetime!(2022-09-28 12:00 UTC),
    datetime!(2017-01-01 0:00 UTC),
    datetime!(2040-01-01 0:00 UTC),
];

/// The caller's current time when the validation time is forced with `at` (fixed: the target
/// never reads the clock).
const NOW: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (content, signature) = if flags & 1 != 0 {
        let Some((&len, rest)) = rest.split_first() else {
            return;
        };
        let Some((content, signature)) = rest.split_at_checked(usize::from(len)) else {
            return;
        };
        (Some(content), signature)
    } else {
        (None, rest)
    };
    let time = TIMES[usize::from((flags >> 1) & 3)];
    let (now, at) = if flags & 0x40 != 0 {
        (time, None)
    } else {
        (NOW, Some(time))
    };
    let options = Options {
        now,
        at,
        purpose: match (flags >> 3) & 3 {
            1 => Some(Purpose::Sign),
            2 => Some(Purpose::Auth),
            _ => None,
        },
        require_revocation: flags & 0x20 != 0,
        ocsp: Default::default(),
    };
    VERIFIER.clear_cache();
    let cold = VERIFIER.verify(signature, content, &options);
    let warm = VERIFIER.verify(signature, content, &options);
    assert_eq!(
        cold.valid,
        cold.code == Code::Ok,
        "valid disagrees with code"
    );
    assert_eq!(
        cold.to_json(),
        warm.to_json(),
        "the warm cache changed the report"
    );
});
