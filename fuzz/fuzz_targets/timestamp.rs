//! RFC 3161 timestamp tokens (`timestamp` module): arbitrary bytes as a token on their own
//! (`Verifier::verify_timestamp_token`), and the same bytes as byte edits inside the valid token
//! of a stamped CMS (`Verifier::verify`), so that mutations reach the checks behind the token's
//! signature, its TSA's path and its imprint. The PKI, TSA and stamped CMS are generated once
//! per process (fresh keys: a crash found through the edits reproduces in the same run only; the
//! raw-token half reproduces anywhere).
//!
//! Invariants: nothing panics, no token later than the caller's now is reported, and a signer
//! judged at a timestamp's time reports that token.
#![no_main]

use libfuzzer_sys::fuzz_target;
use signatures::testing::{CmsBuilder, SignerSpec, TestPki, TimestampSpec, cached_rsa_2048};
use signatures::{Options, TimeSource, Verifier};
use std::sync::OnceLock;
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2030-01-01 0:00 UTC);
const STAMPED_AT: OffsetDateTime = datetime!(2021-06-01 0:00 UTC);

struct Fixture {
    verifier: Verifier,
    cms: Vec<u8>,
    /// Where the token sits in `cms`.
    token: std::ops::Range<usize>,
    /// The signature value the token stamps.
    stamped: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let pki = TestPki::rsa();
        let leaf = pki
            .individual_sign("123456789011")
            .issued_by(&pki.intermediate);
        let tsa = pki.tsa(cached_rsa_2048(5)).issued_by(&pki.intermediate);
        let spec = TimestampSpec::new(&tsa, STAMPED_AT);
        let cms = CmsBuilder::new(b"test123")
            .certificate(&leaf)
            .signer(SignerSpec::new(&leaf).timestamp(spec.clone()))
            .build();
        let root = signatures::Certificate::from_der(&pki.root.der).expect("root");
        let intermediate =
            signatures::Certificate::from_der(&pki.intermediate.der).expect("intermediate");
        let verifier = Verifier::new(vec![root]).with_intermediates(vec![intermediate]);
        let report = verifier.verify(&cms, None, &Options::new(NOW));
        let timestamp = report.signers[0]
            .timestamps
            .first()
            .expect("the fixture's token is valid");
        let token = timestamp.token.clone();
        let start = cms
            .windows(token.len())
            .position(|w| w == token.as_slice())
            .expect("the token is in the CMS");
        // The signature value is the 256 bytes (RSA-2048) just before the unsigned attributes.
        let stamped = spec_signature(&cms, start);
        Fixture {
            verifier,
            cms,
            token: start..start + token.len(),
            stamped,
        }
    })
}

/// The signer's signature value: the OCTET STRING (RSA-2048: 04 82 01 00 + 256 bytes) that ends
/// where the unsigned attributes begin, found by searching back from the token.
fn spec_signature(cms: &[u8], token_start: usize) -> Vec<u8> {
    let header = [0x04, 0x82, 0x01, 0x00];
    let at = cms[..token_start]
        .windows(4)
        .rposition(|w| w == header)
        .expect("the signature value precedes the token");
    cms[at + 4..at + 4 + 256].to_vec()
}

fuzz_target!(|data: &[u8]| {
    let fixture = fixture();
    let options = Options::new(NOW);
    if let Ok((timestamp, _)) =
        fixture
            .verifier
            .verify_timestamp_token(data, Some(&fixture.stamped), &options)
    {
        assert!(timestamp.time <= NOW);
    }
    // The input as edits (two bytes of offset, one of value) inside the valid token.
    let mut cms = fixture.cms.clone();
    let length = fixture.token.len();
    for edit in data.chunks_exact(3).take(64) {
        let offset = usize::from(u16::from_be_bytes([edit[0], edit[1]])) % length;
        cms[fixture.token.start + offset] = edit[2];
    }
    let report = fixture.verifier.verify(&cms, None, &options);
    for signer in &report.signers {
        assert!(signer.timestamps.iter().all(|t| t.time <= NOW));
        if signer.time_source == TimeSource::Timestamp {
            assert_eq!(
                signer.timestamps.first().map(|t| t.time),
                Some(signer.validated_at)
            );
        }
    }
});
