//! Certificate revocation lists (RFC 5280 §5), parsed once into an owned form.

use crate::algorithms::AlgorithmIdentifier;
use crate::cert::to_datetime;
use crate::der::{Reader, integer_content, tag};
use crate::error::Error;
use crate::extensions::{self, GeneralName, IssuingDistributionPoint};
use crate::name::Name;
use crate::oid;
use std::collections::HashMap;
use std::ops::Range;
use time::OffsetDateTime;
use x509_parser::prelude::FromDer;

/// CRL extensions this crate processes (RFC 5280 §5.2); another critical one makes the CRL
/// unusable (§5.2: "must not use the list").
const PROCESSED_CRL_EXTENSIONS: &[&str] = &[
    oid::EXT_AUTHORITY_KEY_ID,
    oid::EXT_ISSUER_ALT_NAME,
    oid::EXT_CRL_NUMBER,
    oid::EXT_DELTA_CRL_INDICATOR,
    oid::EXT_ISSUING_DISTRIBUTION_POINT,
    oid::EXT_FRESHEST_CRL,
    oid::EXT_AUTHORITY_INFO_ACCESS,
];

/// CRL entry extensions this crate processes (RFC 5280 §5.3).
const PROCESSED_ENTRY_EXTENSIONS: &[&str] = &[
    oid::EXT_REASON_CODE,
    oid::EXT_INVALIDITY_DATE,
    oid::EXT_CERTIFICATE_ISSUER,
    "2.5.29.23", // holdInstructionCode: informational
];

/// The reason code `removeFromCRL` (RFC 5280 §5.3.1): in a delta CRL, it lifts a hold.
pub(crate) const REMOVE_FROM_CRL: u8 = 8;
/// The reason code `certificateHold`.
pub(crate) const CERTIFICATE_HOLD: u8 = 6;

/// One revoked certificate.
#[derive(Debug, Clone)]
pub(crate) struct RevokedEntry {
    pub revoked_at: OffsetDateTime,
    pub reason: Option<u8>,
    /// The invalidityDate entry extension (RFC 5280 §5.3.2): when the key is known or
    /// suspected to have been compromised, possibly before `revoked_at`.
    pub invalidity_date: Option<OffsetDateTime>,
    /// The issuer of the revoked certificate, as an index into [`Crl::certificate_issuers`]:
    /// the CRL issuer (index 0), unless an indirect CRL's certificateIssuer entry extension
    /// (RFC 5280 §5.3.3) named another. An index, so that no entry copies a name: a CRL with a
    /// large issuer name and many entries costs the name once.
    pub certificate_issuer: usize,
}

/// A parsed CRL.
#[derive(Debug, Clone)]
pub struct Crl {
    pub(crate) der: Vec<u8>,
    tbs: Range<usize>,
    pub(crate) signature_algorithm: AlgorithmIdentifier,
    pub(crate) signature: Vec<u8>,
    pub(crate) issuer: Name,
    pub(crate) this_update: OffsetDateTime,
    pub(crate) next_update: Option<OffsetDateTime>,
    pub(crate) number: Option<Vec<u8>>,
    /// For a delta CRL: the BaseCRLNumber of its deltaCRLIndicator (RFC 5280 §5.2.4).
    pub(crate) delta_base: Option<Vec<u8>>,
    pub(crate) authority_key_id: Option<Vec<u8>>,
    pub(crate) issuing_distribution_point: Option<IssuingDistributionPoint>,
    pub(crate) issuer_alt_names: Vec<GeneralName>,
    /// Entries by the serial of the revoked certificate, as INTEGER contents (sign kept).
    pub(crate) entries: HashMap<Vec<u8>, Vec<RevokedEntry>>,
    /// The issuers that entries name: the CRL issuer first, then each certificateIssuer of an
    /// indirect CRL (one per extension, however many entries follow it).
    pub(crate) certificate_issuers: Vec<Name>,
    /// A critical extension (of the CRL or an entry) this crate does not process.
    pub(crate) unsupported_critical: Option<String>,
    /// Whether the signature BIT STRING has unused bits (the signature then never verifies).
    pub(crate) signature_unused_bits: bool,
    /// Where the CRL came from (a file name), for the notes that say why it was ignored.
    pub(crate) source: Option<String>,
}

impl Crl {
    /// Parses one DER CRL.
    pub fn from_der(der: &[u8]) -> Result<Self, Error> {
        let mut outer = Reader::new(der);
        let mut envelope = outer.read_nested(tag::SEQUENCE, "CRL")?;
        outer.finish("CRL")?;
        let tbs_tlv = envelope.read(tag::SEQUENCE, "tbsCertList")?;
        let signature_algorithm =
            AlgorithmIdentifier::parse(&mut envelope, "CRL signature algorithm")?;
        // A signature BIT STRING with unused bits is no signature of whole octets: the CRL
        // parses (so one bad CRL never makes the others unusable) and is then refused as a
        // CRL whose signature does not verify.
        let (signature, signature_unused_bits) = match envelope
            .read(tag::BIT_STRING, "CRL signature")?
            .value
            .split_first()
        {
            Some((0, bits)) => (bits.to_vec(), false),
            Some((1..=7, bits)) if !bits.is_empty() => (bits.to_vec(), true),
            _ => return Err(Error::malformed("CRL signature: bad bit string")),
        };
        envelope.finish("CRL")?;
        let tbs_start = (tbs_tlv.raw.as_ptr() as usize).wrapping_sub(der.as_ptr() as usize);

        // x509-parser refuses such a BIT STRING: it reads a copy whose unused-bits octet is
        // zero (the TBSCertList it reads is the same).
        let patched;
        let readable = if signature_unused_bits {
            let unused_bits_at = der.len() - signature.len() - 1;
            let mut copy = der.to_vec();
            if let Some(octet) = copy.get_mut(unused_bits_at) {
                *octet = 0;
            }
            patched = copy;
            &patched[..]
        } else {
            der
        };
        let (rest, crl) =
            x509_parser::revocation_list::CertificateRevocationList::from_der(readable)
                .map_err(|e| Error::malformed(format!("CRL: {e}")))?;
        if !rest.is_empty() {
            return Err(Error::malformed("CRL: trailing data"));
        }
        let list = &crl.tbs_cert_list;
        let issuer = Name::parse(list.issuer.as_raw())?;
        let mut parsed = Crl {
            der: der.to_vec(),
            tbs: tbs_start..tbs_start + tbs_tlv.raw.len(),
            signature_algorithm,
            signature,
            issuer: issuer.clone(),
            this_update: to_datetime(list.this_update.timestamp())?,
            next_update: list
                .next_update
                .map(|t| to_datetime(t.timestamp()))
                .transpose()?,
            number: None,
            delta_base: None,
            authority_key_id: None,
            issuing_distribution_point: None,
            issuer_alt_names: Vec::new(),
            entries: HashMap::new(),
            certificate_issuers: Vec::new(),
            unsupported_critical: None,
            signature_unused_bits,
            source: None,
        };
        for extension in list.extensions() {
            let id = extension.oid.to_id_string();
            match id.as_str() {
                oid::EXT_CRL_NUMBER => {
                    parsed.number = Some(extensions::parse_crl_number(extension.value)?)
                }
                oid::EXT_DELTA_CRL_INDICATOR => {
                    parsed.delta_base = Some(extensions::parse_crl_number(extension.value)?);
                }
                oid::EXT_ISSUING_DISTRIBUTION_POINT => {
                    parsed.issuing_distribution_point = Some(
                        extensions::parse_issuing_distribution_point(extension.value)?,
                    );
                }
                oid::EXT_ISSUER_ALT_NAME => {
                    parsed.issuer_alt_names = extensions::parse_general_names(extension.value)?;
                }
                oid::EXT_AUTHORITY_KEY_ID => {
                    if let x509_parser::extensions::ParsedExtension::AuthorityKeyIdentifier(aki) =
                        extension.parsed_extension()
                    {
                        parsed.authority_key_id = aki.key_identifier.as_ref().map(|k| k.0.to_vec());
                    }
                }
                _ => {}
            }
            if extension.critical && !PROCESSED_CRL_EXTENSIONS.contains(&id.as_str()) {
                parsed.unsupported_critical = Some(id);
            }
        }

        // RFC 5280 §5.3.3: in an indirect CRL, a certificateIssuer entry extension names the
        // issuer for that entry and every following one until the next such extension.
        parsed.certificate_issuers.push(issuer);
        let mut current_issuer = 0;
        for entry in &list.revoked_certificates {
            for extension in entry.extensions() {
                let id = extension.oid.to_id_string();
                if id == oid::EXT_CERTIFICATE_ISSUER {
                    let names = extensions::parse_general_names(extension.value)?;
                    let named = names
                        .into_iter()
                        .find_map(|n| match n {
                            GeneralName::Directory(name) => Some(name),
                            _ => None,
                        })
                        .ok_or_else(|| {
                            Error::malformed("CRL certificate issuer has no directory name")
                        })?;
                    if parsed.certificate_issuers.get(current_issuer) != Some(&named) {
                        current_issuer = parsed.certificate_issuers.len();
                        parsed.certificate_issuers.push(named);
                    }
                }
                if extension.critical && !PROCESSED_ENTRY_EXTENSIONS.contains(&id.as_str()) {
                    parsed.unsupported_critical = Some(id);
                }
            }
            let reason = entry.reason_code().map(|(_, code)| code.0);
            parsed
                .entries
                // RFC 5280 §5.1.2.6: matched as encoded, a negative serial included.
                .entry(integer_content(entry.raw_serial()).to_vec())
                .or_default()
                .push(RevokedEntry {
                    revoked_at: to_datetime(entry.revocation_date.timestamp())?,
                    reason,
                    invalidity_date: entry
                        .invalidity_date()
                        .map(|(_, t)| to_datetime(t.timestamp()))
                        .transpose()?,
                    certificate_issuer: current_issuer,
                });
        }
        Ok(parsed)
    }

    /// The same CRL, saying where it came from (e.g. its file) in the notes of reports that
    /// ignore it.
    pub fn with_source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The exact TBSCertList bytes, over which the issuer signed.
    pub(crate) fn tbs(&self) -> &[u8] {
        self.der.get(self.tbs.clone()).unwrap_or_default()
    }

    /// Whether this is a delta CRL.
    pub(crate) fn is_delta(&self) -> bool {
        self.delta_base.is_some()
    }

    /// The CRL's DER, exactly as parsed: what a verification that relied on it keeps as
    /// evidence.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// When the CRL was issued.
    pub fn this_update(&self) -> OffsetDateTime {
        self.this_update
    }

    /// When the next CRL is due: after it, this one no longer counts as revocation data.
    pub fn next_update(&self) -> Option<OffsetDateTime> {
        self.next_update
    }

    /// The issuer, as readable text.
    pub fn issuer(&self) -> String {
        self.issuer.to_string()
    }
}

/// Whether `der` has the shape of a CRL (RFC 5280 §5.1: a SEQUENCE of a TBSCertList, an
/// AlgorithmIdentifier and a BIT STRING, the TBSCertList holding an optional version, the
/// signature algorithm, the issuer and then thisUpdate, a time), whatever its contents. A
/// certificate differs: its fourth TBS field is the validity, a SEQUENCE.
pub(crate) fn has_crl_shape(der: &[u8]) -> bool {
    let shape = || -> Result<bool, Error> {
        let mut outer = Reader::new(der);
        let mut envelope = outer.read_nested(tag::SEQUENCE, "CRL")?;
        let mut tbs = envelope.read_nested(tag::SEQUENCE, "tbsCertList")?;
        envelope.read(tag::SEQUENCE, "CRL signature algorithm")?;
        envelope.read(tag::BIT_STRING, "CRL signature")?;
        tbs.read_optional(tag::INTEGER)?;
        tbs.read(tag::SEQUENCE, "CRL signature algorithm")?;
        tbs.read(tag::SEQUENCE, "CRL issuer")?;
        Ok(matches!(tbs.peek_tag(), Some(0x17 | 0x18)))
    };
    shape().unwrap_or(false)
}

/// The name of a CRL reason code (RFC 5280 §5.3.1), as reports show it.
pub(crate) fn reason_name(code: Option<u8>) -> &'static str {
    match code {
        None | Some(0) => "unspecified",
        Some(1) => "keyCompromise",
        Some(2) => "cACompromise",
        Some(3) => "affiliationChanged",
        Some(4) => "superseded",
        Some(5) => "cessationOfOperation",
        Some(6) => "certificateHold",
        Some(8) => "removeFromCRL",
        Some(9) => "privilegeWithdrawn",
        Some(10) => "aACompromise",
        Some(_) => "unknown",
    }
}
