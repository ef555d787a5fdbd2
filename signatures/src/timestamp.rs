//! RFC 3161 timestamp tokens, as NCALayer adds them from the NCA TSA in the unsigned attribute
//! signatureTimeStampToken (RFC 3161 Appendix A): a token proves that the signer's signature
//! value existed at the token's genTime, the time the signer's path is then judged at.
//!
//! A token is a CMS SignedData over a TSTInfo (§2.4.2). It counts when all of these hold:
//! - the CMS has one signer whose signature (with signed attributes: content type TSTInfo and
//!   the message digest of the TSTInfo) verifies under a certificate of the pool;
//! - that certificate is named by the first ESSCertID of signingCertificate (RFC 2634 §5.4)
//!   or signingCertificateV2 (RFC 5035), by hash and, when given, by serial;
//! - it has the extended key usage timeStamping alone, critical (§2.3), and a valid path to a
//!   trust anchor at genTime, not revoked then;
//! - the message imprint is the hash of the signature value it stamps (Appendix A);
//! - genTime is not after the caller's now.
//!
//! SHA-1 is accepted in the message imprint and in ESSCertID (NCA's TSA uses it for both), with
//! a warning: a second preimage of SHA-1 is still out of reach, which is what these two need.
//! Every signature check is paid from the verification's [`Budget`].

use crate::algorithms::{self, digest_by_oid, signature_scheme};
use crate::budget::Budget;
use crate::cache::SignatureCache;
use crate::cert::{Certificate, serial_hex};
use crate::chain::{self, Pool};
use crate::cms::{self, SignedData, SignerIdentifier, SignerInfo};
use crate::der::{Reader, Tlv, integer_content, oid_to_string, tag};
use crate::error::Error;
use crate::name::Name;
use crate::oid;
use crate::report::{Timestamp, Warning};
use crate::revocation::{RevocationSource, Status, Subject};
use crate::times::rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Most tokens read per signer: NCALayer adds one; the rest are ignored with a warning.
pub(crate) const MAX_TOKENS: usize = 4;

/// What a token's verification needs of the verification it belongs to.
pub(crate) struct Env<'a> {
    pub pool: &'a Pool<'a>,
    pub cache: &'a SignatureCache,
    pub budget: &'a Budget,
    pub source: &'a dyn RevocationSource,
    /// The caller's current time: no token may be from later.
    pub now: OffsetDateTime,
}

/// A verified token.
pub(crate) struct Verified {
    pub timestamp: Timestamp,
    /// Findings that do not make it fail (SHA-1, the TSA's revocation not checked).
    pub warnings: Vec<Warning>,
    /// The certificates of the TSA's path whose revocation at the token's time is unknown
    /// (subjects): where revocation is required, a signature this token dates fails with
    /// `REVOCATION_UNKNOWN` for them, as for the signer's own path.
    pub unproven: Vec<String>,
}

/// The fields of a TSTInfo this crate uses (RFC 3161 §2.4.2).
#[derive(Debug)]
pub(crate) struct TstInfo<'a> {
    pub policy: String,
    pub imprint_algorithm: String,
    pub imprint: &'a [u8],
    pub serial: &'a [u8],
    pub gen_time: OffsetDateTime,
}

/// The tokens of a SignerInfo's signatureTimeStampToken attributes (every value of every
/// instance), as raw DER.
pub(crate) fn tokens<'a>(info: &SignerInfo<'a>) -> Vec<&'a [u8]> {
    info.unsigned_attributes
        .iter()
        .filter(|a| a.oid == oid::ATTR_TIMESTAMP_TOKEN)
        .flat_map(|a| a.values.iter().map(|v| v.raw))
        .collect()
}

/// The certificates a token carries (DER), for path building; empty when it cannot be read.
pub(crate) fn certificates(token: &[u8]) -> Vec<Vec<u8>> {
    let Ok(der) = crate::ber::to_der(token) else {
        return Vec::new();
    };
    match cms::parse(&der) {
        Ok(signed) => signed.certificates.iter().map(|c| c.to_vec()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Verifies `token`; with `stamped`, its imprint must be that value's hash (otherwise the
/// imprint is not checked, e.g. for a token given alone). `Err` says why it does not count.
pub(crate) fn verify(
    token: &[u8],
    stamped: Option<&[u8]>,
    env: &Env<'_>,
) -> Result<Verified, String> {
    let der = crate::ber::to_der(token).map_err(|e| e.to_string())?;
    let signed = cms::parse(&der).map_err(|e| e.to_string())?;
    if signed.content_type != oid::CT_TST_INFO {
        return Err(format!(
            "its content type is {}, not TSTInfo",
            signed.content_type
        ));
    }
    let [info] = signed.signers.as_slice() else {
        return Err("a timestamp token has exactly one signer (RFC 3161 §2.4.2)".to_owned());
    };
    let Some(content) = signed.content.as_deref() else {
        return Err("it carries no TSTInfo".to_owned());
    };
    let tst = parse_tst_info(content).map_err(|e| e.to_string())?;
    let mut warnings = Vec::new();
    if tst.gen_time > env.now {
        return Err(format!(
            "its time {} is later than now",
            rfc3339(tst.gen_time)
        ));
    }
    if let Some(stamped) = stamped {
        let actual = weak_tolerant_digest(
            &tst.imprint_algorithm,
            stamped,
            "the message imprint",
            &mut warnings,
        )?;
        if actual != tst.imprint {
            return Err(
                "its message imprint is not the hash of this signer's signature value".to_owned(),
            );
        }
    }
    let tsa = signer_certificate(&signed, info, content, env, &mut warnings)?;
    check_tsa_certificate(tsa)?;
    let unproven = check_tsa_path(tsa, tst.gen_time, env, &mut warnings)?;
    Ok(Verified {
        timestamp: Timestamp {
            time: tst.gen_time,
            tsa: tsa.subject.to_string(),
            tsa_serial_number: tsa.serial_hex(),
            policy: tst.policy,
            serial_number: serial_hex(tst.serial),
            imprint_algorithm: digest_name(&tst.imprint_algorithm),
            token: token.to_vec(),
        },
        warnings,
        unproven,
    })
}

fn digest_name(oid_text: &str) -> String {
    match digest_by_oid(oid_text, "") {
        Ok(d) => d.name.to_owned(),
        Err(_) if oid_text == oid::SHA1 => "SHA-1".to_owned(),
        Err(_) => oid_text.to_owned(),
    }
}

/// Hashes with the algorithm named, SHA-1 included (with a warning), for the message imprint
/// and ESSCertID.
fn weak_tolerant_digest(
    oid_text: &str,
    data: &[u8],
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<u8>, String> {
    if oid_text == oid::SHA1 {
        warnings.push(Warning {
            code: "TIMESTAMP_SHA1",
            message: format!("{what} of the timestamp token uses SHA-1 (accepted there)"),
        });
        return Ok(
            ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data)
                .as_ref()
                .to_vec(),
        );
    }
    let digest = digest_by_oid(oid_text, what).map_err(|e| e.to_string())?;
    digest
        .digest(data)
        .ok_or_else(|| format!("{what}: {} is not accepted", digest.name))
}

/// RFC 3161 §2.4.2: TSTInfo. A critical extension fails it (none is defined that this crate
/// could process).
pub(crate) fn parse_tst_info(bytes: &[u8]) -> Result<TstInfo<'_>, Error> {
    let mut outer = Reader::new(bytes);
    let mut tst = outer.read_nested(tag::SEQUENCE, "TSTInfo")?;
    outer.finish("TSTInfo")?;
    if tst.read_small_uint("TSTInfo version")? != 1 {
        return Err(Error::malformed("TSTInfo version is not 1"));
    }
    let policy = read_oid(&mut tst, "TSTInfo policy")?;
    let mut imprint = tst.read_nested(tag::SEQUENCE, "messageImprint")?;
    let algorithm = algorithms::AlgorithmIdentifier::parse(&mut imprint, "hashAlgorithm")?;
    let hashed = imprint.read(tag::OCTET_STRING, "hashedMessage")?.value;
    imprint.finish("messageImprint")?;
    let serial = integer_content(tst.read(tag::INTEGER, "TSTInfo serialNumber")?.value);
    let gen_time = tst.read(tag::GENERALIZED_TIME, "genTime")?;
    let gen_time = parse_generalized_time(gen_time.value)
        .ok_or_else(|| Error::malformed("TSTInfo genTime is not a valid GeneralizedTime"))?;
    tst.read_optional(tag::SEQUENCE)?; // accuracy
    tst.read_optional(0x01)?; // ordering
    tst.read_optional(tag::INTEGER)?; // nonce
    tst.read_optional(tag::context_constructed(0))?; // tsa
    if let Some(extensions) = tst.read_optional(tag::context_constructed(1))? {
        let mut list = extensions.contents(tst.depth())?;
        while !list.is_empty() {
            let mut extension = list.read_nested(tag::SEQUENCE, "TSTInfo extension")?;
            let id = read_oid(&mut extension, "TSTInfo extension")?;
            if let Some(critical) = extension.read_optional(0x01)?
                && critical.value != [0]
            {
                return Err(Error::malformed(format!(
                    "TSTInfo has an unsupported critical extension {id}"
                )));
            }
        }
    }
    tst.finish("TSTInfo")?;
    Ok(TstInfo {
        policy,
        imprint_algorithm: algorithm.oid,
        imprint: hashed,
        serial,
        gen_time,
    })
}

fn read_oid(reader: &mut Reader<'_>, what: &str) -> Result<String, Error> {
    let tlv = reader.read(tag::OID, what)?;
    oid_to_string(tlv.value)
        .ok_or_else(|| Error::malformed(format!("{what}: bad object identifier")))
}

/// RFC 3161 §2.4.2: `YYYYMMDDhhmmss[.s...]Z`, fraction without trailing zeros; the fraction
/// is dropped (times are reported to the second).
fn parse_generalized_time(value: &[u8]) -> Option<OffsetDateTime> {
    let text = std::str::from_utf8(value).ok()?.strip_suffix('Z')?;
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    if let Some(fraction) = fraction
        && (fraction.is_empty()
            || fraction.ends_with('0')
            || !fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| whole.get(range)?.parse::<u16>().ok();
    let month = Month::try_from(u8::try_from(number(4..6)?).ok()?).ok()?;
    let date = Date::from_calendar_date(
        i32::from(number(0..4)?),
        month,
        u8::try_from(number(6..8)?).ok()?,
    )
    .ok()?;
    let time = Time::from_hms(
        u8::try_from(number(8..10)?).ok()?,
        u8::try_from(number(10..12)?).ok()?,
        u8::try_from(number(12..14)?).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// The TSA's certificate: the one the SignerInfo names whose key verifies its signature over
/// signed attributes that bind the TSTInfo, and that signingCertificate(V2) names.
fn signer_certificate<'p>(
    signed: &SignedData<'_>,
    info: &SignerInfo<'_>,
    content: &[u8],
    env: &Env<'p>,
    warnings: &mut Vec<Warning>,
) -> Result<&'p Certificate, String> {
    let digest = digest_by_oid(
        &info.digest_algorithm.oid,
        "the timestamp's digest algorithm",
    )
    .map_err(|e| e.to_string())?;
    let scheme = signature_scheme(&info.signature_algorithm, "the timestamp's signature")
        .map_err(|e| e.to_string())?;
    if scheme.digest.is_some_and(|d| d.oid != digest.oid) {
        return Err("its digest and signature algorithms name different hashes".to_owned());
    }
    let Some((_, to_sign)) = &info.signed_attributes else {
        return Err("its signer has no signed attributes (RFC 3161 §2.4.1)".to_owned());
    };
    let content_type = info
        .attribute(oid::ATTR_CONTENT_TYPE)
        .filter(|v| v.tag == tag::OID)
        .and_then(|v| oid_to_string(v.value));
    if content_type.as_deref() != Some(signed.content_type.as_str()) {
        return Err("its content-type attribute is not TSTInfo".to_owned());
    }
    let claimed = info
        .attribute(oid::ATTR_MESSAGE_DIGEST)
        .filter(|v| v.tag == tag::OCTET_STRING)
        .map(|v| v.value);
    if claimed.is_none() || claimed != digest.digest(content).as_deref() {
        return Err("its message-digest attribute does not match the TSTInfo".to_owned());
    }
    let ess = EssCertId::from_attributes(info)?;
    let mut tried = false;
    for candidate in candidates(env.pool, &info.sid) {
        if !algorithms::digest_fits_key(digest, &candidate.public_key) {
            continue;
        }
        if !env.budget.signature_check() {
            return Err("the verification's budget of signature checks is spent".to_owned());
        }
        tried = true;
        let verified = algorithms::verify_signature(
            &scheme,
            digest,
            &candidate.public_key,
            to_sign,
            info.signature,
            "the timestamp's signature",
        )
        .map_err(|e| e.to_string())?;
        if verified {
            ess.matches(candidate, warnings)?;
            return Ok(candidate);
        }
    }
    Err(if tried {
        "its signature does not verify".to_owned()
    } else {
        "its TSA's certificate is neither in the token nor among the configured certificates"
            .to_owned()
    })
}

/// The certificates of the pool the SignerInfo names (RFC 5652 §5.3), configured first, then
/// by fingerprint.
fn candidates<'p>(pool: &Pool<'p>, sid: &SignerIdentifier<'_>) -> Vec<&'p Certificate> {
    let mut found: Vec<&Certificate> = match sid {
        SignerIdentifier::IssuerAndSerial { issuer, serial } => {
            let Ok(issuer) = Name::parse(issuer) else {
                return Vec::new();
            };
            pool.anchors
                .iter()
                .chain(&pool.intermediates)
                .copied()
                .filter(|c| c.serial == *serial && c.issuer == issuer)
                .collect()
        }
        SignerIdentifier::SubjectKeyId(id) => pool
            .anchors
            .iter()
            .chain(&pool.intermediates)
            .copied()
            .filter(|c| c.subject_key_id.as_deref() == Some(*id))
            .collect(),
    };
    found.sort_by_key(|c| c.fingerprint);
    found.dedup_by_key(|c| c.fingerprint);
    found
}

/// The first ESSCertID(v2) of the signed attributes: it names the TSA's certificate.
struct EssCertId<'a> {
    /// The hash algorithm's OID (SHA-1 for ESSCertID, SHA-256 by default for v2).
    algorithm: String,
    hash: &'a [u8],
    /// The serial of issuerSerial, when given.
    serial: Option<&'a [u8]>,
}

impl<'a> EssCertId<'a> {
    /// RFC 2634 §5.4 `SigningCertificate ::= SEQUENCE { certs SEQUENCE OF ESSCertID, ... }`,
    /// `ESSCertID ::= SEQUENCE { certHash OCTET STRING, issuerSerial IssuerSerial OPTIONAL }`;
    /// RFC 5035 §3 `ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash,
    /// issuerSerial OPTIONAL }`. Exactly one of the two attributes, once, with one value.
    fn from_attributes(info: &'a SignerInfo<'_>) -> Result<Self, String> {
        let Some((attributes, _)) = &info.signed_attributes else {
            return Err("no signed attributes".to_owned());
        };
        let found: Vec<_> = attributes
            .iter()
            .filter(|a| {
                a.oid == oid::ATTR_SIGNING_CERTIFICATE || a.oid == oid::ATTR_SIGNING_CERTIFICATE_V2
            })
            .collect();
        let [attribute] = found.as_slice() else {
            return Err(
                "it needs one signingCertificate or signingCertificateV2 attribute (RFC 3161 §2.4.1)"
                    .to_owned(),
            );
        };
        let [value] = attribute.values.as_slice() else {
            return Err("its signingCertificate attribute has more than one value".to_owned());
        };
        let v2 = attribute.oid == oid::ATTR_SIGNING_CERTIFICATE_V2;
        Self::parse(value, v2).map_err(|e| format!("its signingCertificate attribute: {e}"))
    }

    fn parse(value: &Tlv<'a>, v2: bool) -> Result<Self, Error> {
        if value.tag != tag::SEQUENCE {
            return Err(Error::malformed("SigningCertificate is not a SEQUENCE"));
        }
        let mut signing_certificate = value.contents(1)?;
        let mut certs = signing_certificate.read_nested(tag::SEQUENCE, "certs")?;
        let mut first = certs.read_nested(tag::SEQUENCE, "ESSCertID")?;
        let algorithm = if v2 && first.peek_tag() == Some(tag::SEQUENCE) {
            algorithms::AlgorithmIdentifier::parse(&mut first, "ESSCertIDv2 hashAlgorithm")?.oid
        } else if v2 {
            oid::SHA256.to_owned()
        } else {
            oid::SHA1.to_owned()
        };
        let hash = first.read(tag::OCTET_STRING, "certHash")?.value;
        let serial = match first.read_optional(tag::SEQUENCE)? {
            Some(issuer_serial) => {
                let mut reader = issuer_serial.contents(first.depth())?;
                reader.read(tag::SEQUENCE, "IssuerSerial issuer")?;
                let serial =
                    integer_content(reader.read(tag::INTEGER, "IssuerSerial serial")?.value);
                reader.finish("IssuerSerial")?;
                Some(serial)
            }
            None => None,
        };
        first.finish("ESSCertID")?;
        Ok(EssCertId {
            algorithm,
            hash,
            serial,
        })
    }

    fn matches(
        &self,
        certificate: &Certificate,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), String> {
        let actual =
            weak_tolerant_digest(&self.algorithm, certificate.der(), "ESSCertID", warnings)?;
        if actual != self.hash {
            return Err(
                "its signingCertificate attribute does not name the certificate that signed it"
                    .to_owned(),
            );
        }
        if self
            .serial
            .is_some_and(|s| s != certificate.serial.as_slice())
        {
            return Err("its signingCertificate attribute names another serial".to_owned());
        }
        Ok(())
    }
}

/// RFC 3161 §2.3: the TSA's certificate has the extended key usage timeStamping alone,
/// critical; its key usage, when present, allows signatures.
fn check_tsa_certificate(tsa: &Certificate) -> Result<(), String> {
    let only_timestamping = tsa
        .extended_key_usage
        .as_deref()
        .is_some_and(|purposes| purposes == [oid::EKU_TIME_STAMPING]);
    if !only_timestamping || !tsa.extended_key_usage_critical {
        return Err(format!(
            "the certificate of {} is not a TSA's (extended key usage timeStamping alone, critical, RFC 3161 §2.3)",
            tsa.subject
        ));
    }
    if tsa
        .key_usage
        .is_some_and(|ku| !ku.digital_signature && !ku.non_repudiation)
    {
        return Err(format!(
            "the key usage of {} does not allow signatures",
            tsa.subject
        ));
    }
    Ok(())
}

/// The TSA's path at the token's time: valid, to a trust anchor, not revoked then (RFC 3161
/// §4: the TSA's certificate must not have been revoked when the token was made). Its
/// revocation is judged like a signer's at a timestamp's time: only data issued at or after
/// the token's genTime proves it. A TSA whose revocation cannot be decided is accepted with a
/// warning, and those certificates are returned: where revocation is required, the signature
/// the token dates fails with `REVOCATION_UNKNOWN` for them (the TSA's certificate vouches for
/// the time the signer's path is judged at, so it needs the same proof).
fn check_tsa_path(
    tsa: &Certificate,
    at: OffsetDateTime,
    env: &Env<'_>,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<String>, String> {
    let paths = chain::build_paths(tsa, env.pool, env.cache, env.budget)
        .map_err(|e| format!("the TSA's certificate: {e}"))?;
    let mut first_problem = None;
    for path in &paths {
        if let Some(problem) = chain::validate(path, at).first() {
            first_problem.get_or_insert_with(|| problem.to_string());
            continue;
        }
        let Some(anchor) = path.anchor() else {
            continue;
        };
        let mut unchecked = Vec::new();
        let mut revoked = None;
        for pair in path.certificates.windows(2) {
            let [certificate, issuer] = pair else {
                continue;
            };
            let subject = Subject {
                certificate,
                issuer,
                anchor,
                timestamped: true,
            };
            match env.source.status(&subject, at, &mut Vec::new()) {
                Status::Good => {}
                Status::Revoked(e) => {
                    revoked.get_or_insert(e.to_string());
                }
                Status::Unknown => unchecked.push(certificate.subject.to_string()),
            }
        }
        if let Some(revoked) = revoked {
            first_problem.get_or_insert(format!("the TSA's path: {revoked}"));
            continue;
        }
        if !unchecked.is_empty() {
            warnings.push(Warning {
                code: "TIMESTAMP_REVOCATION_NOT_CHECKED",
                message: format!(
                    "no revocation data issued at or after the timestamp's time for: {}",
                    unchecked.join("; ")
                ),
            });
        }
        return Ok(unchecked);
    }
    Err(first_problem.unwrap_or_else(|| "the TSA's certificate has no valid path".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generalized_times_with_fractions() {
        let t = parse_generalized_time(b"20220918132014Z").map(rfc3339);
        assert_eq!(t.as_deref(), Some("2022-09-18T13:20:14Z"));
        let t = parse_generalized_time(b"20220918132014.25Z").map(rfc3339);
        assert_eq!(t.as_deref(), Some("2022-09-18T13:20:14Z"));
        for bad in [
            &b"20220918132014.250Z"[..],
            b"20220918132014.Z",
            b"2022091813201Z",
            b"20221318132014Z",
            b"20220918132014",
        ] {
            assert_eq!(parse_generalized_time(bad), None);
        }
    }
}
