//! The `ocsp` target's PKI and input format, shared with `examples/ocsp_seeds.rs`.
//!
//! Input: a flags byte, then the body. Flags bits 0-1: 0 the body is a ResponseData signed
//! by the CA (the target's issuer), 1 signed by the delegated responder (OCSPSigning,
//! nocheck, its certificate carried), 2 signed by an unauthorised responder (no OCSPSigning),
//! 3 the body is a whole OCSPResponse used raw. Bits 2-3 pick the validation time; bit 4 says
//! a nonce `fuzz-nonce` was sent. In a ResponseData, the 32 bytes 0xBB… stand for the SHA-256
//! of the CA's key (the keys are drawn per process), so seeds keep matching the CertID.
#![allow(dead_code, reason = "the target and the seeds example use different parts")]

use signatures::testing::ocsp::{OcspResponseBuilder, responder};
use signatures::testing::{CertificateBuilder, KeyPair, KeyUsageBit, Name, der};
use signatures::{CertificateReport, OcspResponse, Options, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;

pub const KEY_HASH_PLACEHOLDER: [u8; 32] = [0xbb; 32];
pub const NONCE: &[u8] = b"fuzz-nonce";
const TIMES: [OffsetDateTime; 4] = [
    datetime!(2021-06-01 0:00 UTC),
    datetime!(2021-06-01 12:00 UTC),
    datetime!(2021-06-03 0:00 UTC),
    datetime!(2019-01-01 0:00 UTC),
];

pub struct Pki {
    pub root: signatures::testing::Certificate,
    pub ca: signatures::testing::Certificate,
    pub delegated: signatures::testing::Certificate,
    pub unauthorised: signatures::testing::Certificate,
    pub leaf: signatures::testing::Certificate,
    /// SHA-256 of the CA's public key bits (what the placeholder stands for).
    pub key_hash: [u8; 32],
    verifier: Verifier,
    leaf_parsed: signatures::Certificate,
}

impl Pki {
    pub fn new() -> Self {
        let ca_usage = [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign];
        let root = CertificateBuilder::new(Name::new().country("KZ").cn("FUZZ ROOT"), &KeyPair::ec_p256())
            .serial(&[0x01])
            .ca(None)
            .key_usage(&ca_usage)
            .self_signed();
        let ca = CertificateBuilder::new(Name::new().country("KZ").cn("FUZZ CA"), &KeyPair::ec_p256())
            .serial(&[0x02])
            .ca(Some(0))
            .key_usage(&ca_usage)
            .issued_by(&root);
        let delegated = responder(&ca, &KeyPair::ec_p256(), true, true);
        let unauthorised = responder(&ca, &KeyPair::ec_p256(), false, true);
        let leaf = CertificateBuilder::new(Name::new().country("KZ").cn("FUZZ LEAF"), &KeyPair::ec_p256())
            .serial(&[0x42, 0x42])
            .key_usage(&[KeyUsageBit::DigitalSignature])
            .issued_by(&ca);
        let parse = |c: &signatures::testing::Certificate| {
            signatures::Certificate::from_der(&c.der).expect("a generated certificate parses")
        };
        let key_hash: [u8; 32] = signatures::testing::Digest::Sha256
            .compute(&ca.key.public_key_bits())
            .try_into()
            .expect("SHA-256 is 32 bytes");
        let verifier = Verifier::new(vec![parse(&root)]).with_intermediates(vec![parse(&ca)]);
        let leaf_parsed = parse(&leaf);
        Pki { root, ca, delegated, unauthorised, leaf, key_hash, verifier, leaf_parsed }
    }

    fn signer(&self, kind: u8) -> &signatures::testing::Certificate {
        match kind {
            1 => &self.delegated,
            2 => &self.unauthorised,
            _ => &self.ca,
        }
    }

    /// A whole OCSPResponse around `tbs` (a ResponseData), signed by [`Pki::signer`]`(kind)`,
    /// carrying its certificate.
    pub fn wrap(&self, kind: u8, tbs: &[u8]) -> Vec<u8> {
        let signer = self.signer(kind);
        let scheme = signer.key.default_scheme();
        let signature = signer.key.sign(scheme, tbs);
        let basic = der::sequence(&[
            tbs.to_vec(),
            scheme.algorithm_identifier(),
            der::bit_string(&signature),
            der::explicit(0, der::sequence(&[signer.der.clone()])),
        ]);
        let bytes = der::sequence(&[der::oid("1.3.6.1.5.5.7.48.1.1"), der::octet_string(&basic)]);
        der::sequence(&[der::enumerated(0), der::explicit(0, bytes)])
    }

    /// The response a builder makes, its ResponseData with the placeholder for the key hash.
    pub fn seed_body(&self, builder: OcspResponseBuilder) -> Vec<u8> {
        let response = builder.build();
        let tbs = response_data(&response).expect("a built response has a ResponseData");
        replace(&tbs, &self.key_hash, &KEY_HASH_PLACEHOLDER)
    }

    pub fn builder(&self, signer: u8) -> OcspResponseBuilder {
        OcspResponseBuilder::new(&self.leaf, &self.ca, self.signer(signer))
    }
}

/// The ResponseData of a DER OCSPResponse (for seeds).
fn response_data(response: &[u8]) -> Option<Vec<u8>> {
    let (_, outer, _) = der::read_tlv(response)?;
    let (_, _status, rest) = der::read_tlv(outer).map(|(t, v, r)| (t, v, r))?;
    let (_, explicit, _) = der::read_tlv(rest)?;
    let (_, bytes, _) = der::read_tlv(explicit)?;
    let (_, _oid, rest) = der::read_tlv(bytes)?;
    let (_, basic, _) = der::read_tlv(rest)?;
    let (_, basic_seq, _) = der::read_tlv(basic)?;
    let (tag, value, _) = der::read_tlv(basic_seq)?;
    let mut tbs = vec![tag];
    tbs.extend(der::length(value.len()));
    tbs.extend_from_slice(value);
    Some(tbs)
}

pub fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack.get(i..i + from.len()) == Some(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// Runs one input: the body through `OcspResponse::from_der` (as it is, and wrapped), then
/// the leaf verified with the response, cold and warm. `None` without a flags byte.
pub fn run(pki: &Pki, data: &[u8]) -> Option<(CertificateReport, CertificateReport)> {
    let (&flags, body) = data.split_first()?;
    let _ = OcspResponse::from_der(body);
    let kind = flags & 3;
    let der = if kind == 3 {
        body.to_vec()
    } else {
        pki.wrap(kind, &replace(body, &KEY_HASH_PLACEHOLDER, &pki.key_hash))
    };
    let mut options = Options {
        at: Some(TIMES[usize::from((flags >> 2) & 3)]),
        ..Options::new(datetime!(2021-06-01 6:00 UTC))
    };
    if let Ok(mut response) = OcspResponse::from_der(&der) {
        if flags & 0x10 != 0 {
            response = response.with_sent_nonce(NONCE);
        }
        options.ocsp.responses = vec![response];
    }
    pki.verifier.clear_cache();
    let cold = pki.verifier.verify_certificate(&pki.leaf_parsed, &[], &options);
    let warm = pki.verifier.verify_certificate(&pki.leaf_parsed, &[], &options);
    Some((cold, warm))
}
