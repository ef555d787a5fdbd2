//! OCSP (RFC 6960): requests to build, and responses the caller fetched and hands in.
//!
//! The verifier never fetches anything: a caller sends [`request`] to the responder named in
//! a certificate's authorityInfoAccess, and passes the response back in
//! [`Options::ocsp`](crate::Options). A response is relied on only when (RFC 6960 §3.2,
//! §4.2.2.2):
//! - its signature verifies (paid from the verification's budget) with the key of a
//!   responder that is the issuing CA itself, or a delegated responder certified directly by
//!   the target's issuer with the id-kp-OCSPSigning EKU, valid when the response was
//!   produced; a delegated responder without id-pkix-ocsp-nocheck must itself be not revoked
//!   by a current CRL (by CRL only: no OCSP response vouches for its own responder);
//! - its CertID names the certificate (issuer name hash, issuer key hash, serial); SHA-1
//!   CertIDs, common among responders, are accepted (hashing names is not a signature);
//! - its nonce is the one sent, when the caller says it sent one (RFC 8954);
//! - it is current at the validation time: its nextUpdate is not passed, or without a
//!   nextUpdate its thisUpdate is at most [`OcspOptions::max_age`] old.
//!
//! A response whose status is revoked with reason certificateHold, revocation time
//! 1970-01-01 and the extended-revoke extension means "this certificate was never issued"
//! (RFC 6960 §2.2): it is `REVOKED`, permanently, never a hold.

use crate::algorithms::{self, AlgorithmIdentifier, check_algorithm, signed_object_scheme};
use crate::budget::Budget;
use crate::cache::SignatureCache;
use crate::cert::Certificate;
use crate::chain::{self, Link, Pool};
use crate::crl::{CERTIFICATE_HOLD, REMOVE_FROM_CRL, reason_name};
use crate::der::{Reader, Tlv, encode_length, integer_content, tag};
use crate::error::Error;
use crate::name::Name;
use crate::revocation::{RevocationSource, Status, Subject};
use crate::times::{parse_asn1_time, rfc3339};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use time::{Duration, OffsetDateTime};

/// id-pkix-ocsp-basic (RFC 6960 §4.2.1).
const BASIC_RESPONSE: &str = "1.3.6.1.5.5.7.48.1.1";
/// id-pkix-ocsp-nonce (RFC 6960 §4.4.1, RFC 8954).
const NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
/// id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
const NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
/// id-pkix-ocsp-extended-revoke (RFC 6960 §4.4.8).
const EXTENDED_REVOKE: &str = "1.3.6.1.5.5.7.48.1.9";
/// id-kp-OCSPSigning (RFC 5280 §4.2.1.12).
const EKU_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
/// id-pkix-ocsp-crl and archive cutoff: informational response extensions.
const INFORMATIONAL: &[&str] = &["1.3.6.1.5.5.7.48.1.3", "1.3.6.1.5.5.7.48.1.6"];

/// SHA-1 (CertID only, RFC 6960 §4.1.1) and SHA-256 AlgorithmIdentifiers.
const SHA1_ALGORITHM: &[u8] = &[
    0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00,
];
const SHA256_ALGORITHM: &[u8] = &[
    0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
];

/// Longest nonce accepted in a response (RFC 8954 §2.1: 1 to 32 octets; some responders use
/// more, so a little room).
const MAX_NONCE_LEN: usize = 128;
/// Most SingleResponses read from one response: responders answer one certificate per
/// request, a few at most.
const MAX_SINGLE_RESPONSES: usize = 64;
/// Most certificates read from one response.
const MAX_RESPONSE_CERTIFICATES: usize = 8;
/// How far in the future of the caller's clock a thisUpdate may be (clock skew).
const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);

/// The hash of a CertID (RFC 6960 §4.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertIdHash {
    /// SHA-1: what most responders expect; a CertID is not a signature, so it is not weak here.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl CertIdHash {
    fn algorithm(self) -> &'static [u8] {
        match self {
            CertIdHash::Sha1 => SHA1_ALGORITHM,
            CertIdHash::Sha256 => SHA256_ALGORITHM,
        }
    }

    fn by_oid(oid: &str) -> Option<Self> {
        match oid {
            crate::oid::SHA1 => Some(CertIdHash::Sha1),
            crate::oid::SHA256 => Some(CertIdHash::Sha256),
            _ => None,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        let algorithm = match self {
            CertIdHash::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            CertIdHash::Sha256 => &ring::digest::SHA256,
        };
        ring::digest::digest(algorithm, data).as_ref().to_vec()
    }
}

/// What the caller says of OCSP in a verification.
#[derive(Debug, Clone)]
pub struct OcspOptions {
    /// The responses the caller fetched (or kept as evidence), each with the nonce it sent.
    pub responses: Vec<OcspResponse>,
    /// How old a response without nextUpdate may be at the validation time (RFC 6960 §4.2.2.1
    /// leaves it to local policy). NCA RK's responder sets no nextUpdate.
    pub max_age: Duration,
}

impl Default for OcspOptions {
    /// No responses; a response without nextUpdate counts for an hour after its thisUpdate.
    fn default() -> Self {
        OcspOptions {
            responses: Vec::new(),
            max_age: Duration::hours(1),
        }
    }
}

/// An OCSP request (RFC 6960 §4.1.1) for `certificate` issued by `issuer`, unsigned, with
/// a nonce extension (RFC 8954: the extension's value is the DER of an OCTET STRING holding
/// the nonce) when one is given. DER, ready to POST as `application/ocsp-request`.
pub fn request(
    certificate: &Certificate,
    issuer: &Certificate,
    hash: CertIdHash,
    nonce: Option<&[u8]>,
) -> Vec<u8> {
    let cert_id = sequence(&[
        hash.algorithm().to_vec(),
        tlv(tag::OCTET_STRING, &hash.digest(&issuer.subject.raw)),
        tlv(tag::OCTET_STRING, &hash.digest(&issuer.public_key.key_bits)),
        tlv(tag::INTEGER, &certificate.serial),
    ]);
    let request_list = sequence(&[sequence(&[cert_id])]);
    let mut tbs = vec![request_list];
    if let Some(nonce) = nonce {
        let extension = sequence(&[
            tlv(tag::OID, &oid_content(NONCE)),
            tlv(tag::OCTET_STRING, &tlv(tag::OCTET_STRING, nonce)),
        ]);
        tbs.push(tlv(tag::context_constructed(2), &sequence(&[extension])));
    }
    sequence(&[sequence(&tbs)])
}

fn tlv(tag_byte: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag_byte];
    encode_length(content.len(), &mut out);
    out.extend_from_slice(content);
    out
}

fn sequence(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &parts.concat())
}

/// The contents of a dotted OID known to be valid (the constants above).
fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').filter_map(|a| a.parse().ok()).collect();
    let mut out = Vec::new();
    let (Some(&first), Some(&second)) = (arcs.first(), arcs.get(1)) else {
        return out;
    };
    for arc in std::iter::once(first * 40 + second).chain(arcs.iter().skip(2).copied()) {
        let mut bytes = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            bytes.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        out.extend(bytes.iter().rev());
    }
    out
}

/// How a responder names itself (RFC 6960 §4.2.1).
#[derive(Debug, Clone)]
enum ResponderId {
    ByName(Name),
    /// SHA-1 of the responder's public key BIT STRING value.
    ByKey(Vec<u8>),
}

/// A certificate status (RFC 6960 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CertStatus {
    Good,
    Revoked {
        at: OffsetDateTime,
        reason: Option<u8>,
    },
    Unknown,
}

/// One SingleResponse.
#[derive(Debug, Clone)]
struct SingleResponse {
    /// `None` for a hash other than SHA-1 and SHA-256 (the response then names nothing).
    hash: Option<CertIdHash>,
    issuer_name_hash: Vec<u8>,
    issuer_key_hash: Vec<u8>,
    /// INTEGER contents, sign kept.
    serial: Vec<u8>,
    status: CertStatus,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    unsupported_critical: Option<String>,
}

/// A parsed OCSPResponse (RFC 6960 §4.2.1) with a successful status and a basic response.
#[derive(Debug, Clone)]
pub struct OcspResponse {
    der: Vec<u8>,
    /// The exact ResponseData bytes, over which the responder signed (in `basic`).
    tbs: Range<usize>,
    basic: Vec<u8>,
    responder: ResponderId,
    produced_at: OffsetDateTime,
    responses: Vec<SingleResponse>,
    /// The nonce the response carries (the inner OCTET STRING's contents, RFC 8954).
    nonce: Option<Vec<u8>>,
    extended_revoke: bool,
    unsupported_critical: Option<String>,
    signature_algorithm: AlgorithmIdentifier,
    signature: Vec<u8>,
    signature_unused_bits: bool,
    certificates: Vec<Certificate>,
    /// The nonce the caller sent in its request, if any: the response must carry it.
    sent_nonce: Option<Vec<u8>>,
    source: Option<String>,
}

impl OcspResponse {
    /// Parses a DER OCSPResponse. A response whose status is not `successful` carries no
    /// revocation data and is an error here, saying the status.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let mut outer = Reader::new(der);
        let mut response = outer.read_nested(tag::SEQUENCE, "OCSP response")?;
        outer.finish("OCSP response")?;
        let status = response.read(0x0a, "OCSP response status")?;
        match status.value {
            [0] => {}
            [code] => {
                let name = match code {
                    1 => "malformedRequest",
                    2 => "internalError",
                    3 => "tryLater",
                    5 => "sigRequired",
                    6 => "unauthorized",
                    _ => "an unknown status",
                };
                return Err(Error::malformed(format!(
                    "the OCSP responder answered {name}: no revocation data"
                )));
            }
            _ => return Err(Error::malformed("OCSP response status: bad ENUMERATED")),
        }
        let mut bytes = response.read_nested(tag::context_constructed(0), "responseBytes")?;
        response.finish("OCSP response")?;
        let mut bytes_seq = bytes.read_nested(tag::SEQUENCE, "responseBytes")?;
        bytes.finish("responseBytes")?;
        let kind = bytes_seq.read(tag::OID, "responseType")?;
        if crate::der::oid_to_string(kind.value).as_deref() != Some(BASIC_RESPONSE) {
            return Err(Error::malformed(
                "OCSP response: not a basic response (id-pkix-ocsp-basic)",
            ));
        }
        let basic = bytes_seq.read(tag::OCTET_STRING, "OCSP response")?.value;
        bytes_seq.finish("responseBytes")?;
        let mut parsed = parse_basic(basic)?;
        parsed.der = der.to_vec();
        Ok(parsed)
    }

    /// The same response, with the nonce the caller sent in its request: the response is
    /// relied on only if it carries that nonce.
    pub fn with_sent_nonce(mut self, nonce: impl Into<Vec<u8>>) -> Self {
        self.sent_nonce = Some(nonce.into());
        self
    }

    /// The same response, saying where it came from (a file) in the notes of reports.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The DER OCSPResponse, as received.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// When the responder signed it: the time the revocation data was issued.
    pub fn produced_at(&self) -> OffsetDateTime {
        self.produced_at
    }

    fn tbs(&self) -> &[u8] {
        self.basic.get(self.tbs.clone()).unwrap_or_default()
    }

    fn describe(&self) -> String {
        let responder = match &self.responder {
            ResponderId::ByName(name) => name.to_string(),
            ResponderId::ByKey(hash) => format!("key {}", crate::name::hex(hash)),
        };
        match &self.source {
            Some(source) => format!("the OCSP response {source} (of {responder})"),
            None => format!(
                "the OCSP response of {responder} produced at {}",
                rfc3339(self.produced_at)
            ),
        }
    }
}

/// BasicOCSPResponse (RFC 6960 §4.2.1).
fn parse_basic(basic: &[u8]) -> Result<OcspResponse, Error> {
    let mut outer = Reader::new(basic);
    let mut seq = outer.read_nested(tag::SEQUENCE, "BasicOCSPResponse")?;
    outer.finish("BasicOCSPResponse")?;
    let tbs_tlv = seq.read(tag::SEQUENCE, "tbsResponseData")?;
    let signature_algorithm = AlgorithmIdentifier::parse(&mut seq, "OCSP signature algorithm")?;
    let (signature, signature_unused_bits) = match seq
        .read(tag::BIT_STRING, "OCSP signature")?
        .value
        .split_first()
    {
        Some((0, bits)) => (bits.to_vec(), false),
        Some((1..=7, bits)) if !bits.is_empty() => (bits.to_vec(), true),
        _ => return Err(Error::malformed("OCSP signature: bad bit string")),
    };
    let mut certificates = Vec::new();
    if let Some(certs) = seq.read_optional(tag::context_constructed(0))? {
        let mut explicit = certs.contents(seq.depth())?;
        let mut list = explicit.read_nested(tag::SEQUENCE, "OCSP certificates")?;
        explicit.finish("OCSP certificates")?;
        while !list.is_empty() {
            if certificates.len() >= MAX_RESPONSE_CERTIFICATES {
                return Err(Error::malformed("OCSP response: too many certificates"));
            }
            let raw = list.read(tag::SEQUENCE, "OCSP certificate")?.raw;
            certificates.push(Certificate::from_der(raw)?);
        }
    }
    seq.finish("BasicOCSPResponse")?;
    let tbs_start = (tbs_tlv.raw.as_ptr() as usize).wrapping_sub(basic.as_ptr() as usize);

    let mut data = tbs_tlv.contents(0)?;
    if let Some(version) = data.read_optional(tag::context_constructed(0))?
        && version
            .contents(data.depth())?
            .read_small_uint("OCSP version")?
            != 0
    {
        return Err(Error::malformed("OCSP response: unknown version"));
    }
    let responder = match data.peek_tag() {
        Some(0xa1) => {
            let mut byname = data.read_nested(0xa1, "responderID")?;
            let name = Name::parse(byname.read(tag::SEQUENCE, "responderID")?.raw)?;
            byname.finish("responderID")?;
            ResponderId::ByName(name)
        }
        Some(0xa2) => {
            let mut bykey = data.read_nested(0xa2, "responderID")?;
            let hash = bykey.read(tag::OCTET_STRING, "responderID")?.value.to_vec();
            bykey.finish("responderID")?;
            ResponderId::ByKey(hash)
        }
        _ => {
            return Err(Error::malformed(
                "OCSP responderID: neither byName nor byKey",
            ));
        }
    };
    let produced_at = generalized_time(data.read(tag::GENERALIZED_TIME, "producedAt")?)?;
    let mut list = data.read_nested(tag::SEQUENCE, "OCSP responses")?;
    let mut responses = Vec::new();
    while !list.is_empty() {
        if responses.len() >= MAX_SINGLE_RESPONSES {
            return Err(Error::malformed("OCSP response: too many responses"));
        }
        let mut single = list.read_nested(tag::SEQUENCE, "SingleResponse")?;
        responses.push(parse_single(&mut single)?);
    }
    let mut nonce = None;
    let mut extended_revoke = false;
    let mut unsupported_critical = None;
    if let Some(extensions) = data.read_optional(tag::context_constructed(1))? {
        for (id, critical, value) in parse_extensions(extensions, data.depth())? {
            match id.as_str() {
                NONCE => {
                    // RFC 8954 §2.1: the value is an OCTET STRING; older responders put the
                    // bare nonce, which is then compared as it is.
                    let mut inner = Reader::new(value);
                    let bytes = match inner.read_optional(tag::OCTET_STRING) {
                        Ok(Some(octets)) if inner.is_empty() => octets.value,
                        _ => value,
                    };
                    if bytes.len() > MAX_NONCE_LEN {
                        return Err(Error::malformed("OCSP nonce: too long"));
                    }
                    nonce = Some(bytes.to_vec());
                }
                EXTENDED_REVOKE => {
                    // RFC 6960 §4.4.8: the value is NULL.
                    if value != [tag::NULL, 0] {
                        return Err(Error::malformed("OCSP extended-revoke: not NULL"));
                    }
                    extended_revoke = true;
                }
                other if critical && !INFORMATIONAL.contains(&other) => {
                    unsupported_critical = Some(id.clone());
                }
                _ => {}
            }
        }
    }
    data.finish("tbsResponseData")?;
    Ok(OcspResponse {
        der: Vec::new(),
        tbs: tbs_start..tbs_start + tbs_tlv.raw.len(),
        basic: basic.to_vec(),
        responder,
        produced_at,
        responses,
        nonce,
        extended_revoke,
        unsupported_critical,
        signature_algorithm,
        signature,
        signature_unused_bits,
        certificates,
        sent_nonce: None,
        source: None,
    })
}

fn parse_single(single: &mut Reader<'_>) -> Result<SingleResponse, Error> {
    let mut cert_id = single.read_nested(tag::SEQUENCE, "CertID")?;
    let hash_algorithm = AlgorithmIdentifier::parse(&mut cert_id, "CertID hash algorithm")?;
    let issuer_name_hash = cert_id
        .read(tag::OCTET_STRING, "issuerNameHash")?
        .value
        .to_vec();
    let issuer_key_hash = cert_id
        .read(tag::OCTET_STRING, "issuerKeyHash")?
        .value
        .to_vec();
    let serial = integer_content(cert_id.read(tag::INTEGER, "CertID serial")?.value).to_vec();
    cert_id.finish("CertID")?;
    let status = match single.peek_tag() {
        Some(0x80) => {
            if !single.read_any()?.value.is_empty() {
                return Err(Error::malformed("OCSP good status: not NULL"));
            }
            CertStatus::Good
        }
        Some(0xa1) => {
            let mut info = single.read_nested(0xa1, "RevokedInfo")?;
            let at = generalized_time(info.read(tag::GENERALIZED_TIME, "revocationTime")?)?;
            let reason = match info.read_optional(tag::context_constructed(0))? {
                Some(explicit) => {
                    let mut inner = explicit.contents(info.depth())?;
                    let reason = inner.read(0x0a, "revocationReason")?;
                    inner.finish("revocationReason")?;
                    match reason.value {
                        [code] if *code <= 10 && *code != 7 => Some(*code),
                        _ => return Err(Error::malformed("OCSP revocationReason: unknown")),
                    }
                }
                None => None,
            };
            info.finish("RevokedInfo")?;
            CertStatus::Revoked { at, reason }
        }
        Some(0x82) => {
            if !single.read_any()?.value.is_empty() {
                return Err(Error::malformed("OCSP unknown status: not NULL"));
            }
            CertStatus::Unknown
        }
        _ => return Err(Error::malformed("OCSP certStatus: unknown choice")),
    };
    let this_update = generalized_time(single.read(tag::GENERALIZED_TIME, "thisUpdate")?)?;
    let next_update = match single.read_optional(tag::context_constructed(0))? {
        Some(explicit) => {
            let mut inner = explicit.contents(single.depth())?;
            let t = generalized_time(inner.read(tag::GENERALIZED_TIME, "nextUpdate")?)?;
            inner.finish("nextUpdate")?;
            Some(t)
        }
        None => None,
    };
    let mut unsupported_critical = None;
    if let Some(extensions) = single.read_optional(tag::context_constructed(1))? {
        for (id, critical, _) in parse_extensions(extensions, single.depth())? {
            if critical {
                unsupported_critical = Some(id);
            }
        }
    }
    single.finish("SingleResponse")?;
    Ok(SingleResponse {
        hash: CertIdHash::by_oid(&hash_algorithm.oid),
        issuer_name_hash,
        issuer_key_hash,
        serial,
        status,
        this_update,
        next_update,
        unsupported_critical,
    })
}

/// One extension: (OID, critical, extnValue contents).
type Extension<'a> = (String, bool, &'a [u8]);

/// `[n] EXPLICIT Extensions` (RFC 5280 §4.1).
fn parse_extensions<'a>(explicit: Tlv<'a>, depth: usize) -> Result<Vec<Extension<'a>>, Error> {
    let mut outer = explicit.contents(depth)?;
    let mut list = outer.read_nested(tag::SEQUENCE, "extensions")?;
    outer.finish("extensions")?;
    let mut out: Vec<Extension<'a>> = Vec::new();
    while !list.is_empty() {
        let mut extension = list.read_nested(tag::SEQUENCE, "extension")?;
        let id = crate::der::oid_to_string(extension.read(tag::OID, "extension")?.value)
            .ok_or_else(|| Error::malformed("extension: bad object identifier"))?;
        let critical = match extension.read_optional(0x01)? {
            Some(flag) => match flag.value {
                [0xff] => true,
                // DER (X.690 §11.5): a FALSE default is never encoded, but some encoders do.
                [0x00] => false,
                _ => return Err(Error::malformed("extension: bad BOOLEAN")),
            },
            None => false,
        };
        let value = extension.read(tag::OCTET_STRING, "extension value")?.value;
        extension.finish("extension")?;
        if out.iter().any(|(seen, _, _)| *seen == id) {
            return Err(Error::malformed(format!("duplicate extension {id}")));
        }
        out.push((id, critical, value));
    }
    Ok(out)
}

fn generalized_time(t: Tlv<'_>) -> Result<OffsetDateTime, Error> {
    parse_asn1_time(t.tag, t.value).ok_or_else(|| Error::malformed("OCSP: bad GeneralizedTime"))
}

/// What one response said of one certificate, once verified.
enum Said {
    /// Not revoked at the validation time, and current.
    Good,
    /// Revoked (or never issued, or on hold while current) at the validation time.
    Revoked(Error, crate::report::Revocation),
    /// Nothing usable.
    Nothing,
}

/// A revocation source over the caller's OCSP responses. Delegated responders without
/// nocheck are checked against `crls`.
pub(crate) struct OcspSource<'a> {
    /// The caller's responses (`Options::ocsp`), then those of stored evidence handed back.
    responses: Vec<&'a OcspResponse>,
    /// How old a response without nextUpdate may be.
    max_age: Duration,
    pool: &'a Pool<'a>,
    cache: &'a SignatureCache,
    budget: &'a Budget,
    /// The caller's clock, against which thisUpdate may not be in the future.
    now: OffsetDateTime,
    /// Response signatures checked in this verification: (response index, responder) → valid.
    checked: RefCell<HashMap<(usize, [u8; 32]), bool>>,
    /// The responses relied on (indexes into `responses`).
    relied: RefCell<Vec<usize>>,
    /// Revocation records of revoked verdicts, by the certificate's fingerprint.
    pub revocations: RefCell<HashMap<[u8; 32], crate::report::Revocation>>,
    /// The certificates (by fingerprint) whose status came from a response naming them by a
    /// SHA-1 CertID, for a warning on the signers whose paths hold them.
    sha1_cert_ids: RefCell<HashSet<[u8; 32]>>,
}

impl std::fmt::Debug for OcspSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcspSource")
            .field("responses", &self.responses.len())
            .finish()
    }
}

impl<'a> OcspSource<'a> {
    /// A source over the caller's responses in `options` and those of `evidence` (stored
    /// evidence handed back), all verified alike.
    pub fn new(
        options: &'a OcspOptions,
        evidence: &'a [OcspResponse],
        pool: &'a Pool<'a>,
        cache: &'a SignatureCache,
        budget: &'a Budget,
        now: OffsetDateTime,
    ) -> Self {
        // A response given twice (by the caller and again as evidence) is one response.
        let mut seen = HashSet::new();
        let responses = options
            .responses
            .iter()
            .chain(evidence.iter().take(crate::evidence::MAX_EVIDENCE_ITEMS))
            .filter(|r| seen.insert(crate::cert::sha256(&r.der)))
            .collect();
        OcspSource {
            responses,
            max_age: options.max_age,
            pool,
            cache,
            budget,
            now,
            checked: RefCell::default(),
            relied: RefCell::default(),
            revocations: RefCell::default(),
            sha1_cert_ids: RefCell::default(),
        }
    }

    /// The status of `subject` at `at` from the responses; `crls` checks delegated
    /// responders without nocheck.
    pub fn status(
        &self,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        crls: &dyn RevocationSource,
        notes: &mut Vec<String>,
    ) -> Status {
        let mut good = false;
        let mut revoked: Option<(Error, crate::report::Revocation)> = None;
        for (index, &response) in self.responses.iter().enumerate() {
            for single in &response.responses {
                let Some(hash) = single.hash else {
                    continue;
                };
                if !names(single, hash, subject) {
                    continue;
                }
                if self.budget.exhausted() {
                    return Status::Unknown;
                }
                match self.judge(index, response, single, subject, at, crls, notes) {
                    Said::Good => {
                        good = true;
                        self.rely(index, hash, subject.certificate);
                    }
                    Said::Revoked(e, record) => {
                        self.rely(index, hash, subject.certificate);
                        let earlier = revoked
                            .as_ref()
                            .is_none_or(|(_, r)| record.revoked_at < r.revoked_at);
                        if earlier {
                            revoked = Some((e, record));
                        }
                    }
                    Said::Nothing => {}
                }
            }
        }
        match revoked {
            Some((e, record)) => {
                self.revocations
                    .borrow_mut()
                    .insert(subject.certificate.fingerprint, record);
                Status::Revoked(e)
            }
            None if good => Status::Good,
            None => Status::Unknown,
        }
    }

    /// Whether the status of `certificate` came from a response naming it by a SHA-1 CertID.
    pub fn relied_on_sha1(&self, certificate: &Certificate) -> bool {
        self.sha1_cert_ids
            .borrow()
            .contains(&certificate.fingerprint)
    }

    /// The responses relied on, as evidence, in the order they were given.
    pub fn relied_responses(&self) -> Vec<crate::report::OcspEvidence> {
        let mut relied = self.relied.borrow().clone();
        relied.sort_unstable();
        relied
            .into_iter()
            .filter_map(|i| self.responses.get(i).copied())
            .map(|r| crate::report::OcspEvidence {
                produced_at: r.produced_at,
                responder: match &r.responder {
                    ResponderId::ByName(name) => name.to_string(),
                    ResponderId::ByKey(hash) => format!("key {}", crate::name::hex(hash)),
                },
                response: r.der.clone(),
            })
            .collect()
    }

    fn rely(&self, index: usize, hash: CertIdHash, certificate: &Certificate) {
        let mut relied = self.relied.borrow_mut();
        if !relied.contains(&index) {
            relied.push(index);
        }
        if hash == CertIdHash::Sha1 {
            self.sha1_cert_ids
                .borrow_mut()
                .insert(certificate.fingerprint);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn judge(
        &self,
        index: usize,
        response: &OcspResponse,
        single: &SingleResponse,
        subject: &Subject<'_>,
        at: OffsetDateTime,
        crls: &dyn RevocationSource,
        notes: &mut Vec<String>,
    ) -> Said {
        let ignored = |why: String, notes: &mut Vec<String>| {
            notes.push(format!("{} was ignored: {why}", response.describe()));
            Said::Nothing
        };
        if let Some(oid) = response
            .unsupported_critical
            .as_ref()
            .or(single.unsupported_critical.as_ref())
        {
            return ignored(
                format!("it has an unsupported critical extension {oid}"),
                notes,
            );
        }
        // RFC 8954 §3: a response to a request with a nonce must carry the same nonce.
        if let Some(sent) = &response.sent_nonce
            && response.nonce.as_ref() != Some(sent)
        {
            return ignored(
                "its nonce is not the one sent in the request".to_owned(),
                notes,
            );
        }
        if let Err(why) = self.authenticate(index, response, subject, crls) {
            return ignored(why, notes);
        }
        // RFC 6960 §4.2.2.1: times.
        if single.this_update > self.now + MAX_CLOCK_SKEW {
            return ignored(
                format!(
                    "its thisUpdate {} is in the future",
                    rfc3339(single.this_update)
                ),
                notes,
            );
        }
        if single.next_update.is_some_and(|n| n < single.this_update) {
            return ignored("its nextUpdate is before its thisUpdate".to_owned(), notes);
        }
        let current = match single.next_update {
            Some(next) => next >= at,
            None => at <= single.this_update + self.max_age,
        };
        let certificate = subject.certificate;
        let stale = |notes: &mut Vec<String>| {
            let why = match single.next_update {
                Some(next) => format!(
                    "it is stale: its nextUpdate {} is before the validation time {}",
                    rfc3339(next),
                    rfc3339(at)
                ),
                None => format!(
                    "it is stale: it has no nextUpdate and its thisUpdate {} is more than {} s before the validation time {}",
                    rfc3339(single.this_update),
                    self.max_age.whole_seconds(),
                    rfc3339(at)
                ),
            };
            ignored(why, notes)
        };
        match single.status {
            CertStatus::Revoked {
                at: revoked_at,
                reason,
            } if revoked_at <= at => {
                let not_issued = response.extended_revoke
                    && reason == Some(CERTIFICATE_HOLD)
                    && revoked_at == OffsetDateTime::UNIX_EPOCH;
                let permanent = !matches!(reason, Some(CERTIFICATE_HOLD | REMOVE_FROM_CRL));
                if !(not_issued || permanent || current) {
                    return stale(notes);
                }
                let reason = if not_issued {
                    "notIssued".to_owned()
                } else {
                    reason_name(reason).to_owned()
                };
                let record = crate::report::Revocation {
                    subject: certificate.subject.to_string(),
                    revoked_at,
                    reason: reason.clone(),
                };
                let error = if not_issued {
                    Error::NotIssued {
                        subject: certificate.subject.to_string(),
                        serial: certificate.serial_hex(),
                    }
                } else {
                    Error::Revoked {
                        subject: certificate.subject.to_string(),
                        serial: certificate.serial_hex(),
                        revoked_at,
                        reason,
                    }
                };
                Said::Revoked(error, record)
            }
            // At a timestamp's time only data issued at or after it proves "not revoked".
            CertStatus::Good | CertStatus::Revoked { .. }
                if subject.timestamped && response.produced_at < at =>
            {
                ignored(
                    format!(
                        "it was produced at {}, before the timestamp's time {}",
                        rfc3339(response.produced_at),
                        rfc3339(at)
                    ),
                    notes,
                )
            }
            CertStatus::Good | CertStatus::Revoked { .. } if current => Said::Good,
            CertStatus::Good | CertStatus::Revoked { .. } => stale(notes),
            CertStatus::Unknown => ignored(
                "the responder does not know the certificate (status unknown)".to_owned(),
                notes,
            ),
        }
    }

    /// RFC 6960 §4.2.2.2: the response's signature verifies with the key of an authorised
    /// responder for `subject`'s issuer. `Err` says why not.
    fn authenticate(
        &self,
        index: usize,
        response: &OcspResponse,
        subject: &Subject<'_>,
        crls: &dyn RevocationSource,
    ) -> Result<(), String> {
        let what = || format!("the signature of {}", response.describe());
        let (scheme, digest) =
            signed_object_scheme(&response.signature_algorithm, what).map_err(|e| e.to_string())?;
        if response.signature_unused_bits {
            return Err("its signature is a BIT STRING with unused bits".to_owned());
        }
        let issuer = subject.issuer;
        let mut candidates: Vec<&Certificate> = response
            .certificates
            .iter()
            .chain(std::iter::once(issuer))
            .chain(self.pool.anchors.iter().copied())
            .chain(self.pool.intermediates.iter().copied())
            .filter(|c| match &response.responder {
                ResponderId::ByName(name) => c.subject == *name,
                ResponderId::ByKey(hash) => {
                    CertIdHash::Sha1.digest(&c.public_key.key_bits) == *hash
                }
            })
            .collect();
        candidates.sort_by_key(|c| c.fingerprint);
        candidates.dedup_by_key(|c| c.fingerprint);
        if candidates.is_empty() {
            return Err("no certificate of its responder is known".to_owned());
        }
        let mut why = None;
        for responder in candidates {
            if let Err(e) = self.authorised(responder, response, subject, crls) {
                why.get_or_insert(e);
                continue;
            }
            if let Err(e) = check_algorithm(&scheme, digest, &responder.public_key, &what()) {
                why.get_or_insert(e.to_string());
                continue;
            }
            let key = (index, responder.fingerprint);
            let known = self.checked.borrow().get(&key).copied();
            let verified = match known {
                Some(verified) => verified,
                None if !self.budget.signature_check() => {
                    return Err("the verification's budget is spent".to_owned());
                }
                None => {
                    let verified = algorithms::verify_signature(
                        &scheme,
                        digest,
                        &responder.public_key,
                        response.tbs(),
                        &response.signature,
                        "",
                    )
                    .unwrap_or(false);
                    self.checked.borrow_mut().insert(key, verified);
                    verified
                }
            };
            if verified {
                return Ok(());
            }
            why.get_or_insert("its signature does not verify".to_owned());
        }
        Err(why.unwrap_or_else(|| "its signature does not verify".to_owned()))
    }

    /// Whether `responder` may answer for certificates of `subject.issuer`: the issuer itself
    /// (same name and key), or a delegated responder (RFC 6960 §4.2.2.2).
    fn authorised(
        &self,
        responder: &Certificate,
        response: &OcspResponse,
        subject: &Subject<'_>,
        crls: &dyn RevocationSource,
    ) -> Result<(), String> {
        let issuer = subject.issuer;
        if responder.subject == issuer.subject && responder.key_hash == issuer.key_hash {
            return Ok(());
        }
        let name = responder.subject.to_string();
        if responder.issuer != issuer.subject {
            return Err(format!(
                "its responder {name} is not certified by the certificate's issuer {}",
                issuer.subject
            ));
        }
        let has_eku = responder
            .extended_key_usage
            .as_deref()
            .is_some_and(|list| list.iter().any(|o| o == EKU_OCSP_SIGNING));
        if !has_eku {
            return Err(format!(
                "its responder {name} lacks the OCSPSigning extended key usage"
            ));
        }
        if responder
            .key_usage
            .is_some_and(|ku| !ku.digital_signature && !ku.non_repudiation)
        {
            return Err(format!("its responder {name} may not sign (keyUsage)"));
        }
        if let Some(oid) = responder.unsupported_critical.first() {
            return Err(format!(
                "its responder {name} has an unsupported critical extension {oid}"
            ));
        }
        let produced = response.produced_at;
        if produced < responder.not_before || produced > responder.not_after {
            return Err(format!(
                "its responder {name} was not valid when the response was produced"
            ));
        }
        match chain::check_link(issuer, responder, self.cache, self.budget) {
            Link::Verified => {}
            Link::Algorithm(e) => return Err(e.to_string()),
            Link::Exhausted => return Err("the verification's budget is spent".to_owned()),
            Link::Invalid => {
                return Err(format!(
                    "its responder {name} is not signed by the certificate's issuer"
                ));
            }
        }
        if has_nocheck(responder) {
            return Ok(());
        }
        // Without nocheck, the responder's own revocation, by CRL only.
        let link = Subject {
            certificate: responder,
            issuer,
            ..*subject
        };
        match crls.status(&link, produced, &mut Vec::new()) {
            Status::Good => Ok(()),
            Status::Revoked(_) => Err(format!("its responder {name} is revoked")),
            Status::Unknown => Err(format!(
                "its responder {name} has no id-pkix-ocsp-nocheck and no current CRL covers it"
            )),
        }
    }
}

/// Whether the certificate carries id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
fn has_nocheck(certificate: &Certificate) -> bool {
    use x509_parser::prelude::FromDer;
    x509_parser::certificate::X509Certificate::from_der(certificate.der())
        .map(|(_, x509)| {
            x509.extensions()
                .iter()
                .any(|e| e.oid.to_id_string() == NOCHECK)
        })
        .unwrap_or(false)
}

/// Whether the CertID names `subject` (RFC 6960 §4.1.1).
fn names(single: &SingleResponse, hash: CertIdHash, subject: &Subject<'_>) -> bool {
    single.serial == subject.certificate.serial
        && single.issuer_name_hash == hash.digest(&subject.certificate.issuer.raw)
        && single.issuer_key_hash == hash.digest(&subject.issuer.public_key.key_bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_contents_encode_like_der() {
        assert_eq!(
            oid_content(NONCE),
            [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02]
        );
        assert_eq!(
            crate::der::oid_to_string(&oid_content("2.16.840.1.101.3.4.2.1")).as_deref(),
            Some("2.16.840.1.101.3.4.2.1")
        );
    }

    #[test]
    fn garbage_is_malformed_never_a_panic() {
        for bytes in [
            &[][..],
            &[0x30, 0x03, 0x0a, 0x01, 0x00],
            &[0x30, 0x03, 0x0a, 0x01, 0x03],
            &[0x30, 0x05, 0x0a, 0x01, 0x00, 0xa0, 0x00],
        ] {
            assert!(OcspResponse::from_der(bytes).is_err());
        }
    }
}
