//! X.509 v2 certificate revocation lists.

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::cert::{
    self, Certificate, Name, distribution_point_name_uri, extension, general_names_directory,
};
use super::der;
use super::keys::{KeyPair, SignatureScheme};

/// id-ce-cRLNumber.
pub const OID_CRL_NUMBER: &str = "2.5.29.20";
/// id-ce-cRLReasons (the reasonCode entry extension).
pub const OID_REASON_CODE: &str = "2.5.29.21";
/// id-ce-deltaCRLIndicator.
pub const OID_DELTA_CRL_INDICATOR: &str = "2.5.29.27";
/// id-ce-issuingDistributionPoint.
pub const OID_ISSUING_DISTRIBUTION_POINT: &str = "2.5.29.28";
/// id-ce-certificateIssuer (entry extension of indirect CRLs).
pub const OID_CERTIFICATE_ISSUER: &str = "2.5.29.29";

/// Revocation reasons (RFC 5280 §5.3.1); the discriminant is the reasonCode ENUMERATED
/// value (7 is unused). The ReasonFlags bit is different for some reasons: see
/// [`Reason::flag_bit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "the names are RFC 5280's")]
pub enum Reason {
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
    RemoveFromCrl = 8,
    PrivilegeWithdrawn = 9,
    AaCompromise = 10,
}

impl Reason {
    /// The bit of this reason in a ReasonFlags BIT STRING (onlySomeReasons, a
    /// DistributionPoint's reasons), or `None` for removeFromCRL, which has none.
    ///
    /// The bits equal the reasonCode values up to certificateHold (6), but ReasonFlags has
    /// no gap where reasonCode skips 7 and has no removeFromCRL: privilegeWithdrawn is
    /// bit 7 and aACompromise bit 8 (RFC 5280 §4.2.1.13), against codes 9 and 10.
    pub fn flag_bit(self) -> Option<usize> {
        match self {
            Self::RemoveFromCrl => None,
            Self::PrivilegeWithdrawn => Some(7),
            Self::AaCompromise => Some(8),
            other => Some(other as usize),
        }
    }
}

/// The issuingDistributionPoint extension's fields. `Default` is all absent/FALSE.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Idp {
    /// distributionPoint `[0]` as a fullName with one URI.
    pub uri: Option<String>,
    /// onlyContainsUserCerts `[1]`.
    pub only_user_certs: bool,
    /// onlyContainsCACerts `[2]`.
    pub only_ca_certs: bool,
    /// onlySomeReasons `[3]`, written as ReasonFlags with [`Reason::flag_bit`]; listing
    /// [`Reason::RemoveFromCrl`], which has no flag, panics at encoding.
    pub only_some_reasons: Option<Vec<Reason>>,
    /// indirectCRL `[4]`.
    pub indirect_crl: bool,
}

impl Idp {
    /// The DER IssuingDistributionPoint; BOOLEANs that are FALSE are omitted (their
    /// DEFAULT), as DER requires.
    ///
    /// # Panics
    /// When onlySomeReasons lists [`Reason::RemoveFromCrl`].
    pub fn to_der(&self) -> Vec<u8> {
        let mut fields = Vec::new();
        if let Some(uri) = &self.uri {
            fields.push(distribution_point_name_uri(uri));
        }
        if self.only_user_certs {
            fields.push(der::implicit(1, false, der::boolean(true)));
        }
        if self.only_ca_certs {
            fields.push(der::implicit(2, false, der::boolean(true)));
        }
        if let Some(reasons) = &self.only_some_reasons {
            let bits: Vec<usize> = reasons
                .iter()
                .map(|reason| {
                    reason
                        .flag_bit()
                        .expect("removeFromCRL has no ReasonFlags bit")
                })
                .collect();
            fields.push(der::implicit(3, false, der::bit_string_flags(&bits)));
        }
        if self.indirect_crl {
            fields.push(der::implicit(4, false, der::boolean(true)));
        }
        der::sequence(&fields)
    }
}

/// An IssuingDistributionPoint with an encoded `[0]` distributionPoint field (see
/// [`super::cert::distribution_point_name_directory`] and
/// [`super::cert::distribution_point_name_relative`]) and the indirectCRL flag: the value to
/// add with [`CrlBuilder::extension`] as a critical [`OID_ISSUING_DISTRIBUTION_POINT`].
pub fn idp_der(name_field: Vec<u8>, indirect_crl: bool) -> Vec<u8> {
    let mut fields = vec![name_field];
    if indirect_crl {
        fields.push(der::implicit(4, false, der::boolean(true)));
    }
    der::sequence(&fields)
}

/// One revokedCertificates entry.
#[derive(Debug, Clone)]
struct RevokedEntry {
    serial: Vec<u8>,
    /// Whether `serial` is the INTEGER's contents as written (sign included).
    serial_is_content: bool,
    revocation_date: OffsetDateTime,
    extensions: Vec<Vec<u8>>,
}

/// What to write as nextUpdate.
#[derive(Debug, Clone, Copy)]
enum NextUpdate {
    /// thisUpdate + 30 days.
    Default,
    /// A given time, or none at all.
    Given(Option<OffsetDateTime>),
}

/// Builds a v2 CRL signed with the issuer's key.
///
/// Defaults: issuer name = the issuer certificate's subject, an AuthorityKeyIdentifier
/// from its SKI, thisUpdate 2021-06-01 00:00 UTC, nextUpdate 30 days later, cRLNumber 1,
/// nothing revoked. CRL extensions are written as: authorityKeyIdentifier, cRLNumber,
/// issuingDistributionPoint, deltaCRLIndicator, then those added with
/// [`CrlBuilder::extension`].
#[must_use = "a builder does nothing until it is used"]
#[derive(Debug, Clone)]
pub struct CrlBuilder {
    issuer_name: Name,
    issuer_key_id: Option<Vec<u8>>,
    signing_key: KeyPair,
    scheme: Option<SignatureScheme>,
    this_update: OffsetDateTime,
    next_update: NextUpdate,
    number: u64,
    entries: Vec<RevokedEntry>,
    idp: Option<Idp>,
    delta_base: Option<u64>,
    extra_extensions: Vec<Vec<u8>>,
}

impl CrlBuilder {
    /// Starts a CRL issued by `issuer`.
    pub fn new(issuer: &Certificate) -> Self {
        Self {
            issuer_name: issuer.subject.clone(),
            issuer_key_id: issuer.subject_key_id.clone(),
            signing_key: issuer.key.clone(),
            scheme: None,
            this_update: datetime!(2021-06-01 0:00 UTC),
            next_update: NextUpdate::Default,
            number: 1,
            entries: Vec::new(),
            idp: None,
            delta_base: None,
            extra_extensions: Vec::new(),
        }
    }

    /// Sets thisUpdate.
    pub fn this_update(mut self, t: OffsetDateTime) -> Self {
        self.this_update = t;
        self
    }

    /// Sets nextUpdate; `None` leaves the field out.
    pub fn next_update(mut self, t: Option<OffsetDateTime>) -> Self {
        self.next_update = NextUpdate::Given(t);
        self
    }

    /// Sets the cRLNumber.
    pub fn number(mut self, number: u64) -> Self {
        self.number = number;
        self
    }

    /// Revokes `serial` (big-endian magnitude bytes, as in [`Certificate::serial`]) at
    /// `at`, with a reasonCode entry extension when `reason` is given.
    pub fn revoke(mut self, serial: &[u8], at: OffsetDateTime, reason: Option<Reason>) -> Self {
        let mut extensions = Vec::new();
        if let Some(reason) = reason {
            extensions.push(extension(
                OID_REASON_CODE,
                false,
                &der::enumerated(reason as i64),
            ));
        }
        self.entries.push(RevokedEntry {
            serial: serial.to_vec(),
            serial_is_content: false,
            revocation_date: at,
            extensions,
        });
        self
    }

    /// Like [`CrlBuilder::revoke`], with the serial given as the INTEGER's contents exactly
    /// as written (e.g. `[0xff, 0x01]`, the negative serial -255).
    pub fn revoke_integer_content(
        mut self,
        content: &[u8],
        at: OffsetDateTime,
        reason: Option<Reason>,
    ) -> Self {
        self = self.revoke(content, at, reason);
        if let Some(entry) = self.entries.last_mut() {
            entry.serial_is_content = true;
        }
        self
    }

    /// Like [`CrlBuilder::revoke`], adding the critical certificateIssuer entry extension
    /// naming `certificate_issuer` (for indirect CRLs).
    pub fn revoke_with_issuer(
        self,
        serial: &[u8],
        at: OffsetDateTime,
        reason: Option<Reason>,
        certificate_issuer: &Name,
    ) -> Self {
        self.revoke(serial, at, reason).entry_extension_on_last(
            OID_CERTIFICATE_ISSUER,
            true,
            general_names_directory(certificate_issuer),
        )
    }

    /// Adds a critical issuingDistributionPoint.
    pub fn issuing_distribution_point(mut self, idp: Idp) -> Self {
        self.idp = Some(idp);
        self
    }

    /// Makes this a delta CRL of the base CRL numbered `base_number` (critical
    /// deltaCRLIndicator).
    pub fn delta_of(mut self, base_number: u64) -> Self {
        self.delta_base = Some(base_number);
        self
    }

    /// Adds an arbitrary CRL extension.
    pub fn extension(mut self, oid: &str, critical: bool, value_der: Vec<u8>) -> Self {
        self.extra_extensions
            .push(extension(oid, critical, &value_der));
        self
    }

    /// Adds an arbitrary extension to the most recently revoked entry.
    ///
    /// # Panics
    /// When nothing has been revoked yet.
    pub fn entry_extension_on_last(
        mut self,
        oid: &str,
        critical: bool,
        value_der: Vec<u8>,
    ) -> Self {
        let entry = self
            .entries
            .last_mut()
            .expect("entry_extension_on_last() needs a revoke() before it");
        entry.extensions.push(extension(oid, critical, &value_der));
        self
    }

    /// Sets the signature scheme (default: the signing key's
    /// [`KeyPair::default_scheme`]).
    pub fn signature_scheme(mut self, scheme: SignatureScheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// Signs with `key` instead of the issuer's key (for wrong-key tests).
    pub fn signed_by(mut self, key: &KeyPair) -> Self {
        self.signing_key = key.clone();
        self
    }

    /// The DER CertificateList.
    pub fn build(&self) -> Vec<u8> {
        let scheme = self
            .scheme
            .unwrap_or_else(|| self.signing_key.default_scheme());

        let mut tbs_fields = vec![
            der::integer_i64(1), // v2
            scheme.algorithm_identifier(),
            self.issuer_name.to_der(),
            der::time(self.this_update),
        ];
        let next_update = match self.next_update {
            NextUpdate::Default => Some(self.this_update + Duration::days(30)),
            NextUpdate::Given(t) => t,
        };
        if let Some(next_update) = next_update {
            tbs_fields.push(der::time(next_update));
        }
        // revokedCertificates is left out rather than written empty (RFC 5280 §5.1.2.6).
        if !self.entries.is_empty() {
            let entries: Vec<Vec<u8>> = self.entries.iter().map(RevokedEntry::to_der).collect();
            tbs_fields.push(der::sequence(&entries));
        }

        let mut extensions = Vec::new();
        if let Some(key_id) = &self.issuer_key_id {
            let aki = der::sequence(&[der::implicit(0, false, der::octet_string(key_id))]);
            extensions.push(extension(cert::OID_AUTHORITY_KEY_ID, false, &aki));
        }
        extensions.push(extension(
            OID_CRL_NUMBER,
            false,
            &der::integer_unsigned(&self.number.to_be_bytes()),
        ));
        if let Some(idp) = &self.idp {
            extensions.push(extension(
                OID_ISSUING_DISTRIBUTION_POINT,
                true,
                &idp.to_der(),
            ));
        }
        if let Some(base) = self.delta_base {
            extensions.push(extension(
                OID_DELTA_CRL_INDICATOR,
                true,
                &der::integer_unsigned(&base.to_be_bytes()),
            ));
        }
        extensions.extend(self.extra_extensions.iter().cloned());
        tbs_fields.push(der::explicit(0, der::sequence(&extensions)));

        cert::sign_tbs(der::sequence(&tbs_fields), scheme, &self.signing_key)
    }
}

impl RevokedEntry {
    fn to_der(&self) -> Vec<u8> {
        let serial = if self.serial_is_content {
            der::tlv(0x02, &self.serial)
        } else {
            der::integer_unsigned(&self.serial)
        };
        let mut fields = vec![serial, der::time(self.revocation_date)];
        if !self.extensions.is_empty() {
            fields.push(der::sequence(&self.extensions));
        }
        der::sequence(&fields)
    }
}

/// The PEM encoding of a DER CRL (`-----BEGIN X509 CRL-----`).
pub fn pem(der: &[u8]) -> String {
    cert::pem_armor("X509 CRL", der)
}
