//! X.509 certificates (RFC 5280 §4), parsed once into an owned form that path validation uses.
//!
//! `x509-parser` reads the TBSCertificate; the outer envelope (the exact TBS bytes, the
//! signature algorithm and value) and the extensions path validation depends on are read here,
//! so the verifier never re-parses a certificate it already holds.

use crate::algorithms::{AlgorithmIdentifier, PublicKey};
use crate::der::{Reader, integer_content, tag};
use crate::error::Error;
use crate::extensions::{self, DistributionPoint, GeneralName};
use crate::name::Name;
use crate::name_constraints::{self, NameConstraints};
use crate::oid;
use std::ops::Range;
use time::OffsetDateTime;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::FromDer;

/// KeyUsage bits (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyUsage {
    pub digital_signature: bool,
    pub non_repudiation: bool,
    pub key_encipherment: bool,
    pub key_cert_sign: bool,
    pub crl_sign: bool,
}

/// BasicConstraints (RFC 5280 §4.2.1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BasicConstraints {
    pub ca: bool,
    pub path_len: Option<u32>,
}

/// A parsed certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub(crate) der: Vec<u8>,
    /// SHA-256 of the DER: the identity of the certificate in caches and loop checks.
    pub(crate) fingerprint: [u8; 32],
    tbs: Range<usize>,
    pub(crate) signature_algorithm: AlgorithmIdentifier,
    pub(crate) signature: Vec<u8>,
    /// The serial number's INTEGER contents, sign kept ([`integer_content`]).
    pub(crate) serial: Vec<u8>,
    pub(crate) issuer: Name,
    pub(crate) subject: Name,
    pub(crate) not_before: OffsetDateTime,
    pub(crate) not_after: OffsetDateTime,
    pub(crate) public_key: PublicKey,
    /// SHA-256 of the SubjectPublicKeyInfo: the issuer half of a link-cache key.
    pub(crate) key_hash: [u8; 32],
    pub(crate) version: u32,
    pub(crate) basic_constraints: Option<BasicConstraints>,
    pub(crate) key_usage: Option<KeyUsage>,
    pub(crate) extended_key_usage: Option<Vec<String>>,
    /// Whether the extKeyUsage extension is critical (RFC 3161 §2.3 requires it of a TSA).
    pub(crate) extended_key_usage_critical: bool,
    pub(crate) policies: Vec<String>,
    pub(crate) subject_key_id: Option<Vec<u8>>,
    pub(crate) authority_key_id: Option<Vec<u8>>,
    pub(crate) subject_alt_names: Vec<GeneralName>,
    pub(crate) issuer_alt_names: Vec<GeneralName>,
    pub(crate) name_constraints: Option<NameConstraints>,
    pub(crate) crl_distribution_points: Vec<DistributionPoint>,
    pub(crate) freshest_crl: Vec<DistributionPoint>,
    /// Critical extensions this crate does not process (RFC 5280 §4.2: such a certificate
    /// must be rejected).
    pub(crate) unsupported_critical: Vec<String>,
}

/// Extensions whose semantics this crate implements (or that cannot change a verdict, like
/// informational pointers), and so may be critical.
const PROCESSED_EXTENSIONS: &[&str] = &[
    oid::EXT_SUBJECT_KEY_ID,
    oid::EXT_KEY_USAGE,
    oid::EXT_SUBJECT_ALT_NAME,
    oid::EXT_ISSUER_ALT_NAME,
    oid::EXT_BASIC_CONSTRAINTS,
    oid::EXT_NAME_CONSTRAINTS,
    oid::EXT_CRL_DISTRIBUTION_POINTS,
    // Certificate policies are reported, not processed (RFC 5280 §6.1.3 d-f come later); a
    // critical policies extension is accepted as if the caller's initial policy set were
    // any-policy, which is what §6.1.1 (c) permits.
    oid::EXT_CERTIFICATE_POLICIES,
    oid::EXT_AUTHORITY_KEY_ID,
    oid::EXT_EXTENDED_KEY_USAGE,
    oid::EXT_FRESHEST_CRL,
    oid::EXT_AUTHORITY_INFO_ACCESS,
];

impl Certificate {
    /// Parses one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        // The envelope: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
        let mut outer = Reader::new(der);
        let mut cert = outer.read_nested(tag::SEQUENCE, "certificate")?;
        outer.finish("certificate")?;
        let tbs_tlv = cert.read(tag::SEQUENCE, "tbsCertificate")?;
        let signature_algorithm =
            AlgorithmIdentifier::parse(&mut cert, "certificate signature algorithm")?;
        let signature = bit_string(cert.read(tag::BIT_STRING, "certificate signature")?.value)?;
        cert.finish("certificate")?;
        let tbs_start = offset_in(der, tbs_tlv.raw)?;

        let (rest, x509) = x509_parser::certificate::X509Certificate::from_der(der)
            .map_err(|e| Error::malformed(format!("certificate: {e}")))?;
        if !rest.is_empty() {
            return Err(Error::malformed("certificate: trailing data"));
        }
        let tbs = &x509.tbs_certificate;
        // RFC 5280 §4.1.1.2: the two signature algorithm fields must match.
        let inner_algorithm = AlgorithmIdentifier::parse(
            &mut Reader::new(tbs_signature_algorithm(tbs_tlv.value)?),
            "certificate signature algorithm",
        )?;
        if inner_algorithm != signature_algorithm {
            return Err(Error::malformed(
                "certificate: signature algorithm differs inside and outside the TBS",
            ));
        }

        let spki = tbs.subject_pki.raw;
        let (spki_algorithm, key_bits) = parse_spki(spki)?;
        let public_key = PublicKey::from_spki(spki, &spki_algorithm, &key_bits);

        let mut certificate = Certificate {
            fingerprint: sha256(der),
            der: der.to_vec(),
            tbs: tbs_start..tbs_start + tbs_tlv.raw.len(),
            signature_algorithm,
            signature,
            serial: integer_content(tbs.raw_serial()).to_vec(),
            issuer: Name::parse(tbs.issuer.as_raw())?,
            subject: Name::parse(tbs.subject.as_raw())?,
            not_before: to_datetime(tbs.validity.not_before.timestamp())?,
            not_after: to_datetime(tbs.validity.not_after.timestamp())?,
            public_key,
            key_hash: sha256(spki),
            version: tbs.version.0,
            basic_constraints: None,
            key_usage: None,
            extended_key_usage: None,
            extended_key_usage_critical: false,
            policies: Vec::new(),
            subject_key_id: None,
            authority_key_id: None,
            subject_alt_names: Vec::new(),
            issuer_alt_names: Vec::new(),
            name_constraints: None,
            crl_distribution_points: Vec::new(),
            freshest_crl: Vec::new(),
            unsupported_critical: Vec::new(),
        };
        certificate.read_extensions(tbs.extensions())?;
        Ok(certificate)
    }

    fn read_extensions(
        &mut self,
        extensions: &[x509_parser::extensions::X509Extension<'_>],
    ) -> Result<(), Error> {
        let mut seen: Vec<String> = Vec::new();
        for extension in extensions {
            let id = extension.oid.to_id_string();
            // RFC 5280 §4.2: a certificate must not include more than one instance of an extension.
            if seen.contains(&id) {
                return Err(Error::malformed(format!(
                    "certificate: duplicate extension {id}"
                )));
            }
            let malformed = |e: &dyn std::fmt::Display| {
                Error::malformed(format!("certificate extension {id}: {e}"))
            };
            if let ParsedExtension::ParseError { error } = extension.parsed_extension() {
                return Err(malformed(error));
            }
            match (id.as_str(), extension.parsed_extension()) {
                (oid::EXT_BASIC_CONSTRAINTS, ParsedExtension::BasicConstraints(bc)) => {
                    self.basic_constraints = Some(BasicConstraints {
                        ca: bc.ca,
                        path_len: bc.path_len_constraint,
                    });
                }
                (oid::EXT_KEY_USAGE, ParsedExtension::KeyUsage(ku)) => {
                    self.key_usage = Some(KeyUsage {
                        digital_signature: ku.digital_signature(),
                        non_repudiation: ku.non_repudiation(),
                        key_encipherment: ku.key_encipherment(),
                        key_cert_sign: ku.key_cert_sign(),
                        crl_sign: ku.crl_sign(),
                    });
                }
                (oid::EXT_EXTENDED_KEY_USAGE, _) => {
                    self.extended_key_usage_critical = extension.critical;
                    self.extended_key_usage = Some(extensions::parse_oid_sequence(
                        extension.value,
                        "extended key usage",
                    )?);
                }
                (oid::EXT_CERTIFICATE_POLICIES, ParsedExtension::CertificatePolicies(policies)) => {
                    self.policies = policies
                        .iter()
                        .map(|p| p.policy_id.to_id_string())
                        .collect();
                }
                (oid::EXT_SUBJECT_KEY_ID, ParsedExtension::SubjectKeyIdentifier(id)) => {
                    self.subject_key_id = Some(id.0.to_vec());
                }
                (oid::EXT_AUTHORITY_KEY_ID, ParsedExtension::AuthorityKeyIdentifier(aki)) => {
                    self.authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
                }
                (oid::EXT_SUBJECT_ALT_NAME, _) => {
                    self.subject_alt_names = extensions::parse_general_names(extension.value)?;
                }
                (oid::EXT_ISSUER_ALT_NAME, _) => {
                    self.issuer_alt_names = extensions::parse_general_names(extension.value)?;
                }
                (oid::EXT_NAME_CONSTRAINTS, _) => {
                    // Every form, read here (RFC 5280 §4.2.1.10; `name_constraints`).
                    self.name_constraints = Some(name_constraints::parse(extension.value)?);
                }
                (oid::EXT_CRL_DISTRIBUTION_POINTS, _) => {
                    self.crl_distribution_points =
                        extensions::parse_distribution_points(extension.value)?;
                }
                (oid::EXT_FRESHEST_CRL, _) => {
                    self.freshest_crl = extensions::parse_distribution_points(extension.value)?;
                }
                _ => {}
            }
            if extension.critical && !PROCESSED_EXTENSIONS.contains(&id.as_str()) {
                self.unsupported_critical.push(id.clone());
            }
            seen.push(id);
        }
        Ok(())
    }

    /// The exact TBSCertificate bytes, over which the issuer signed.
    pub(crate) fn tbs(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The subject, as readable text.
    pub fn subject(&self) -> String {
        self.subject.to_string()
    }

    /// The serial number, lowercase hex of its unsigned value without leading zeros.
    pub fn serial_hex(&self) -> String {
        serial_hex(&self.serial)
    }

    /// Whether subject and issuer are the same name (RFC 5280 §6.1: "self-issued").
    pub(crate) fn is_self_issued(&self) -> bool {
        self.subject == self.issuer
    }

    /// Whether this certificate says it is a CA.
    pub(crate) fn is_ca(&self) -> bool {
        self.basic_constraints.is_some_and(|bc| bc.ca)
    }
}

/// Lowercase hex of a serial's INTEGER contents without leading zeros (not even a leading zero
/// nibble): the form reports use, so that a serial compares as text. A (non-conforming)
/// negative serial shows its two's-complement octets as encoded, e.g. `ff01` for -255.
pub(crate) fn serial_hex(serial: &[u8]) -> String {
    let hex = crate::name::hex(serial);
    match hex.trim_start_matches('0') {
        "" => "0".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

fn bit_string(value: &[u8]) -> Result<Vec<u8>, Error> {
    match value.split_first() {
        Some((0, bits)) => Ok(bits.to_vec()),
        _ => Err(Error::malformed(
            "bit string with unused bits where none are allowed",
        )),
    }
}

/// Finds where `part` (a sub-slice of `whole`) starts.
fn offset_in(whole: &[u8], part: &[u8]) -> Result<usize, Error> {
    let start = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    if start
        .checked_add(part.len())
        .is_some_and(|end| end <= whole.len())
    {
        Ok(start)
    } else {
        Err(Error::malformed("internal offset error"))
    }
}

/// The TBSCertificate's own `signature` AlgorithmIdentifier (after the version and serial).
fn tbs_signature_algorithm(tbs: &[u8]) -> Result<&[u8], Error> {
    let mut reader = Reader::new(tbs);
    reader.read_optional(tag::context_constructed(0))?;
    reader.read(tag::INTEGER, "serial number")?;
    Ok(reader.read(tag::SEQUENCE, "signature algorithm")?.raw)
}

/// Splits a SubjectPublicKeyInfo into its algorithm and key bits.
pub(crate) fn parse_spki(spki: &[u8]) -> Result<(AlgorithmIdentifier, Vec<u8>), Error> {
    let mut outer = Reader::new(spki);
    let mut seq = outer.read_nested(tag::SEQUENCE, "subject public key info")?;
    let algorithm = AlgorithmIdentifier::parse(&mut seq, "public key algorithm")?;
    let key = bit_string(seq.read(tag::BIT_STRING, "public key")?.value)?;
    seq.finish("subject public key info")?;
    Ok((algorithm, key))
}

pub(crate) fn to_datetime(timestamp: i64) -> Result<OffsetDateTime, Error> {
    OffsetDateTime::from_unix_timestamp(timestamp)
        .map_err(|_| Error::malformed("time out of range"))
}

pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, data).as_ref());
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn serials_print_without_leading_zeros() {
        assert_eq!(super::serial_hex(&[0x0f, 0xf0]), "ff0");
        assert_eq!(super::serial_hex(&[0x42, 0x01]), "4201");
        assert_eq!(super::serial_hex(&[]), "0");
    }
}
