//! Distinguished names and X.509 v3 certificates.

use openssl::x509::X509;
use time::OffsetDateTime;
use time::macros::datetime;

use super::der;
use super::keys::{Digest, KeyPair, SignatureScheme};

/// commonName.
pub const OID_CN: &str = "2.5.4.3";
/// surname.
pub const OID_SURNAME: &str = "2.5.4.4";
/// serialNumber (NCA puts "IIN…" here).
pub const OID_SERIAL_NUMBER: &str = "2.5.4.5";
/// countryName.
pub const OID_COUNTRY: &str = "2.5.4.6";
/// organizationName.
pub const OID_ORGANIZATION: &str = "2.5.4.10";
/// organizationalUnitName (NCA puts "BIN…" here).
pub const OID_ORG_UNIT: &str = "2.5.4.11";
/// givenName (NCA puts the patronymic here).
pub const OID_GIVEN_NAME: &str = "2.5.4.42";

/// emailAddress (PKCS #9), an IA5String.
pub const OID_EMAIL: &str = "1.2.840.113549.1.9.1";

/// id-ce-subjectAltName.
pub const OID_SUBJECT_ALT_NAME: &str = "2.5.29.17";
/// id-ce-subjectKeyIdentifier.
pub const OID_SUBJECT_KEY_ID: &str = "2.5.29.14";
/// id-ce-keyUsage.
pub const OID_KEY_USAGE: &str = "2.5.29.15";
/// id-ce-basicConstraints.
pub const OID_BASIC_CONSTRAINTS: &str = "2.5.29.19";
/// id-ce-nameConstraints.
pub const OID_NAME_CONSTRAINTS: &str = "2.5.29.30";
/// id-ce-cRLDistributionPoints.
pub const OID_CRL_DISTRIBUTION_POINTS: &str = "2.5.29.31";
/// id-ce-certificatePolicies.
pub const OID_CERTIFICATE_POLICIES: &str = "2.5.29.32";
/// id-ce-authorityKeyIdentifier.
pub const OID_AUTHORITY_KEY_ID: &str = "2.5.29.35";
/// id-ce-extKeyUsage.
pub const OID_EXT_KEY_USAGE: &str = "2.5.29.37";
/// id-ce-freshestCRL.
pub const OID_FRESHEST_CRL: &str = "2.5.29.46";

/// One attribute of a [`Name`]: its type and its already encoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Attribute {
    oid: String,
    value_der: Vec<u8>,
}

/// An X.501 Name: an ordered list of RDNs, each holding one attribute.
///
/// Values are UTF8String, as in NCA's certificates, except serialNumber and
/// countryName, which X.520 makes PrintableString.
#[must_use = "Name methods return the extended name"]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Name {
    rdns: Vec<Attribute>,
}

impl Name {
    /// The empty name.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an RDN with the attribute `oid` as a UTF8String.
    pub fn attr(self, oid: &str, value: &str) -> Self {
        self.attr_der(oid, der::utf8_string(value))
    }

    /// Appends an RDN with the attribute `oid` whose value is the encoded `value_der`
    /// (any string type, or a wrong one).
    pub fn attr_der(mut self, oid: &str, value_der: Vec<u8>) -> Self {
        self.rdns.push(Attribute {
            oid: oid.to_owned(),
            value_der,
        });
        self
    }

    /// Appends commonName.
    pub fn cn(self, value: &str) -> Self {
        self.attr(OID_CN, value)
    }

    /// Appends surname.
    pub fn surname(self, value: &str) -> Self {
        self.attr(OID_SURNAME, value)
    }

    /// Appends serialNumber (PrintableString), e.g. `"IIN123456789011"`.
    pub fn serial_number(self, value: &str) -> Self {
        self.attr_der(OID_SERIAL_NUMBER, der::printable_string(value))
    }

    /// Appends countryName (PrintableString).
    pub fn country(self, value: &str) -> Self {
        self.attr_der(OID_COUNTRY, der::printable_string(value))
    }

    /// Appends givenName.
    pub fn given_name(self, value: &str) -> Self {
        self.attr(OID_GIVEN_NAME, value)
    }

    /// Appends organizationName.
    pub fn organization(self, value: &str) -> Self {
        self.attr(OID_ORGANIZATION, value)
    }

    /// Appends emailAddress (IA5String).
    pub fn email(self, value: &str) -> Self {
        self.attr_der(OID_EMAIL, der::ia5_string(value))
    }

    /// Appends organizationalUnitName, e.g. `"BIN123456789021"`.
    pub fn org_unit(self, value: &str) -> Self {
        self.attr(OID_ORG_UNIT, value)
    }

    /// Reads a DER `Name` whose RDNs hold one attribute each (as [`Name::to_der`] writes
    /// them, and NCA RK's certificates have): `None` for anything else.
    pub fn from_der(name: &[u8]) -> Option<Self> {
        let (tag, mut rest, after) = der::read_tlv(name)?;
        if tag != 0x30 || !after.is_empty() {
            return None;
        }
        let mut out = Name::new();
        while !rest.is_empty() {
            let (set_tag, set, next) = der::read_tlv(rest)?;
            let (seq_tag, attribute, set_rest) = der::read_tlv(set)?;
            if set_tag != 0x31 || seq_tag != 0x30 || !set_rest.is_empty() {
                return None;
            }
            let (oid_tag, oid, value) = der::read_tlv(attribute)?;
            let (_, _, value_rest) = der::read_tlv(value)?;
            if oid_tag != 0x06 || !value_rest.is_empty() {
                return None;
            }
            out = out.attr_der(&crate::der::oid_to_string(oid)?, value.to_vec());
            rest = next;
        }
        Some(out)
    }

    /// The DER `Name` (RDNSequence).
    pub fn to_der(&self) -> Vec<u8> {
        let rdns: Vec<Vec<u8>> = self
            .rdns
            .iter()
            .map(|attribute| {
                der::set(&[der::sequence(&[
                    der::oid(&attribute.oid),
                    attribute.value_der.clone(),
                ])])
            })
            .collect();
        der::sequence(&rdns)
    }
}

/// A GeneralName (RFC 5280 §4.2.1.6), for subjectAltName and name constraints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeneralName {
    /// `rfc822Name [1]`: an e-mail address (in a constraint: a mailbox, host or `.domain`).
    Rfc822(String),
    /// `dNSName [2]`.
    Dns(String),
    /// `directoryName [4]`.
    Directory(Name),
    /// `uniformResourceIdentifier [6]` (in a constraint: a host or `.domain`).
    Uri(String),
    /// `iPAddress [7]`: 4 or 16 octets in a name, address and mask (8 or 32) in a constraint.
    Ip(Vec<u8>),
    /// Any other form, already encoded (e.g. `registeredID [8]`, `otherName [0]`).
    Encoded(Vec<u8>),
}

impl GeneralName {
    /// The DER GeneralName (context-tagged: implicit for strings, explicit for Name).
    pub fn to_der(&self) -> Vec<u8> {
        match self {
            Self::Rfc822(text) => der::implicit(1, false, der::ia5_string(text)),
            Self::Dns(text) => der::implicit(2, false, der::ia5_string(text)),
            Self::Directory(name) => der::explicit(4, name.to_der()),
            Self::Uri(text) => der::implicit(6, false, der::ia5_string(text)),
            Self::Ip(bytes) => der::implicit(7, false, der::octet_string(bytes)),
            Self::Encoded(bytes) => bytes.clone(),
        }
    }
}

/// The bits of the KeyUsage extension (RFC 5280 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "the names are RFC 5280's")]
pub enum KeyUsageBit {
    DigitalSignature = 0,
    NonRepudiation = 1,
    KeyEncipherment = 2,
    DataEncipherment = 3,
    KeyAgreement = 4,
    KeyCertSign = 5,
    CrlSign = 6,
    EncipherOnly = 7,
    DecipherOnly = 8,
}

/// An encoded Extension: `SEQUENCE { extnID, critical DEFAULT FALSE, extnValue }`.
/// DER omits `critical` when it is FALSE.
pub fn extension(oid: &str, critical: bool, value_der: &[u8]) -> Vec<u8> {
    let mut fields = vec![der::oid(oid)];
    if critical {
        fields.push(der::boolean(true));
    }
    fields.push(der::octet_string(value_der));
    der::sequence(&fields)
}

/// GeneralNames holding one directoryName (`[4]`, explicit because Name is a CHOICE).
pub fn general_names_directory(name: &Name) -> Vec<u8> {
    der::sequence(&[der::explicit(4, name.to_der())])
}

/// A GeneralName uniformResourceIdentifier (`[6] IMPLICIT IA5String`).
pub fn general_name_uri(uri: &str) -> Vec<u8> {
    der::implicit(6, false, der::ia5_string(uri))
}

/// A DistributionPointName `[0] fullName` holding one URI, as the `[0]`-tagged field of
/// a DistributionPoint or an IssuingDistributionPoint (explicit: the type is a CHOICE).
pub fn distribution_point_name_uri(uri: &str) -> Vec<u8> {
    let full_name = der::implicit(0, true, der::sequence(&[general_name_uri(uri)]));
    der::explicit(0, full_name)
}

/// A DistributionPointName `[0] fullName` holding one directoryName, as the `[0]`-tagged
/// field of a DistributionPoint or an IssuingDistributionPoint.
pub fn distribution_point_name_directory(name: &Name) -> Vec<u8> {
    der::explicit(0, der::implicit(0, true, general_names_directory(name)))
}

/// A DistributionPointName `[1] nameRelativeToCRLIssuer` holding one attribute `oid` (a
/// UTF8String `value`), as the `[0]`-tagged field of a DistributionPoint or an
/// IssuingDistributionPoint.
pub fn distribution_point_name_relative(oid: &str, value: &str) -> Vec<u8> {
    let rdn = der::set(&[der::sequence(&[der::oid(oid), der::utf8_string(value)])]);
    der::explicit(0, der::implicit(1, true, rdn))
}

/// A DistributionPoint from an encoded `[0]` distributionPoint field (see
/// [`distribution_point_name_uri`], [`distribution_point_name_directory`],
/// [`distribution_point_name_relative`]) and an optional cRLIssuer directoryName.
pub fn distribution_point_der(name_field: Option<Vec<u8>>, crl_issuer: Option<&Name>) -> Vec<u8> {
    let mut fields: Vec<Vec<u8>> = name_field.into_iter().collect();
    if let Some(issuer) = crl_issuer {
        fields.push(der::implicit(2, true, general_names_directory(issuer)));
    }
    der::sequence(&fields)
}

/// A DistributionPoint with an optional URI and an optional cRLIssuer.
fn distribution_point(uri: Option<&str>, crl_issuer: Option<&Name>) -> Vec<u8> {
    let mut fields = Vec::new();
    if let Some(uri) = uri {
        fields.push(distribution_point_name_uri(uri));
    }
    if let Some(issuer) = crl_issuer {
        fields.push(der::implicit(2, true, general_names_directory(issuer)));
    }
    der::sequence(&fields)
}

/// The RFC 5280 §4.2.1.2 method 1 key identifier: SHA-1 of the subjectPublicKey bits.
pub fn key_identifier(key: &KeyPair) -> Vec<u8> {
    Digest::Sha1.compute(&key.public_key_bits())
}

/// Wraps a signed TBS structure: `SEQUENCE { tbs, signatureAlgorithm, signature }`.
pub(super) fn sign_tbs(tbs: Vec<u8>, scheme: SignatureScheme, key: &KeyPair) -> Vec<u8> {
    let signature = key.sign(scheme, &tbs);
    der::sequence(&[
        tbs,
        scheme.algorithm_identifier(),
        der::bit_string(&signature),
    ])
}

/// PEM armour with 64-column base64 lines.
pub(super) fn pem_armor(label: &str, der: &[u8]) -> String {
    let base64 = openssl::base64::encode_block(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    // Base64 text is ASCII, so splitting its bytes keeps valid UTF-8.
    for line in base64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// What to do about the SubjectKeyIdentifier extension.
#[derive(Debug, Clone)]
enum SubjectKeyIdChoice {
    /// SHA-1 of the public key (the default).
    Computed,
    /// A given value.
    Given(Vec<u8>),
    /// No extension.
    Omitted,
}

/// A certificate made by [`CertificateBuilder`], with what tests need to refer to it.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// The DER encoding.
    pub der: Vec<u8>,
    /// The subject's key pair.
    pub key: KeyPair,
    /// The subject name.
    pub subject: Name,
    /// The issuer name as written in the certificate.
    pub issuer: Name,
    /// The serial number bytes as given to (or drawn by) the builder (the INTEGER contents
    /// when set with [`CertificateBuilder::serial_integer_content`]); otherwise encode with
    /// [`der::integer_unsigned`].
    pub serial: Vec<u8>,
    /// The serial number's INTEGER exactly as written in the certificate (the issuerAndSerial
    /// of a SignerInfo copies it).
    pub serial_der: Vec<u8>,
    /// The SubjectKeyIdentifier, when the certificate has one.
    pub subject_key_id: Option<Vec<u8>>,
}

impl Certificate {
    /// The PEM encoding (`-----BEGIN CERTIFICATE-----`).
    pub fn pem(&self) -> String {
        pem_armor("CERTIFICATE", &self.der)
    }

    /// A certificate made elsewhere (e.g. by `examples/demo_pki.rs`), with its subject's key,
    /// so that a [`super::CmsBuilder`] can sign with it: reads the serial, issuer and subject
    /// (RDNs of one attribute each). `None` when the DER is not such a certificate.
    pub fn from_der(certificate: &[u8], key: KeyPair) -> Option<Self> {
        let (_, content, _) = der::read_tlv(certificate)?;
        let (_, tbs, _) = der::read_tlv(content)?;
        let mut members = Vec::new();
        let mut rest = tbs;
        while !rest.is_empty() {
            let (tag, value, next) = der::read_tlv(rest)?;
            members.push((tag, value, &rest[..rest.len() - next.len()]));
            rest = next;
        }
        // [0] version, serial, signature, issuer, validity, subject, …
        let skip = usize::from(members.first()?.0 == 0xa0);
        let (_, serial, serial_der) = *members.get(skip)?;
        let (_, _, issuer) = *members.get(skip + 2)?;
        let (_, _, subject) = *members.get(skip + 4)?;
        Some(Certificate {
            der: certificate.to_vec(),
            key,
            subject: Name::from_der(subject)?,
            issuer: Name::from_der(issuer)?,
            serial: serial.to_vec(),
            serial_der: serial_der.to_vec(),
            subject_key_id: None,
        })
    }

    /// Parses the certificate with OpenSSL (handy for cross-checks).
    pub fn x509(&self) -> X509 {
        X509::from_der(&self.der).expect("OpenSSL cannot parse a generated certificate")
    }
}

/// Builds an X.509 v3 certificate field by field.
///
/// Defaults: version 3, a random positive 16-byte serial, validity 2020-01-01 to
/// 2030-01-01 UTC, a SubjectKeyIdentifier computed from the key, an
/// AuthorityKeyIdentifier taken from the issuer's SKI, and no other extension.
/// Extensions are written in a fixed order: basicConstraints, keyUsage, extKeyUsage,
/// certificatePolicies, nameConstraints, cRLDistributionPoints, freshestCRL,
/// subjectKeyIdentifier, authorityKeyIdentifier, then those added with
/// [`CertificateBuilder::extension`] in call order.
#[must_use = "a builder does nothing until it is used"]
#[derive(Debug, Clone)]
pub struct CertificateBuilder {
    subject: Name,
    key: KeyPair,
    serial: Vec<u8>,
    /// Whether `serial` is the INTEGER's contents as they are to be written (sign included).
    serial_is_content: bool,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
    basic_constraints: Option<Vec<u8>>,
    key_usage: Option<Vec<u8>>,
    ext_key_usage: Option<Vec<u8>>,
    policies: Option<Vec<u8>>,
    name_constraints: Option<Vec<u8>>,
    crl_distribution_points: Vec<Vec<u8>>,
    freshest_crl: Vec<Vec<u8>>,
    subject_key_id: SubjectKeyIdChoice,
    authority_key_id: bool,
    extra_extensions: Vec<Vec<u8>>,
    scheme: Option<SignatureScheme>,
    issuer_name_override: Option<Name>,
    public_key_override: Option<Vec<u8>>,
}

impl CertificateBuilder {
    /// Starts a certificate for `subject` holding the public half of `key`.
    pub fn new(subject: Name, key: &KeyPair) -> Self {
        let mut serial = [0u8; 16];
        openssl::rand::rand_bytes(&mut serial).expect("OpenSSL has no randomness");
        // Clear the sign bit so the INTEGER is positive, and set the next one so it stays
        // 16 bytes long (no leading zero byte to strip).
        serial[0] = (serial[0] & 0x7f) | 0x40;
        Self {
            subject,
            key: key.clone(),
            serial: serial.to_vec(),
            serial_is_content: false,
            not_before: datetime!(2020-01-01 0:00 UTC),
            not_after: datetime!(2030-01-01 0:00 UTC),
            basic_constraints: None,
            key_usage: None,
            ext_key_usage: None,
            policies: None,
            name_constraints: None,
            crl_distribution_points: Vec::new(),
            freshest_crl: Vec::new(),
            subject_key_id: SubjectKeyIdChoice::Computed,
            authority_key_id: true,
            extra_extensions: Vec::new(),
            scheme: None,
            issuer_name_override: None,
            public_key_override: None,
        }
    }

    /// Sets the serial number (big-endian magnitude bytes).
    pub fn serial(mut self, bytes: &[u8]) -> Self {
        self.serial = bytes.to_vec();
        self.serial_is_content = false;
        self
    }

    /// Sets the serial number's INTEGER contents exactly as written, e.g. `[0xff, 0x01]` for
    /// the (non-conforming, but seen in the wild) negative serial -255.
    pub fn serial_integer_content(mut self, content: &[u8]) -> Self {
        self.serial = content.to_vec();
        self.serial_is_content = true;
        self
    }

    /// Sets notBefore and notAfter.
    pub fn validity(mut self, not_before: OffsetDateTime, not_after: OffsetDateTime) -> Self {
        self.not_before = not_before;
        self.not_after = not_after;
        self
    }

    /// Makes a CA: critical basicConstraints with cA TRUE and an optional
    /// pathLenConstraint.
    pub fn ca(mut self, path_len: Option<u32>) -> Self {
        let mut fields = vec![der::boolean(true)];
        if let Some(path_len) = path_len {
            fields.push(der::integer_i64(i64::from(path_len)));
        }
        self.basic_constraints = Some(extension(
            OID_BASIC_CONSTRAINTS,
            true,
            &der::sequence(&fields),
        ));
        self
    }

    /// Adds a non-critical basicConstraints with cA FALSE (an empty SEQUENCE, since cA
    /// defaults to FALSE).
    pub fn basic_constraints_ca_false(mut self) -> Self {
        self.basic_constraints = Some(extension(OID_BASIC_CONSTRAINTS, false, &der::sequence(&[])));
        self
    }

    /// Adds a critical keyUsage with exactly `bits` set.
    pub fn key_usage(mut self, bits: &[KeyUsageBit]) -> Self {
        let bits: Vec<usize> = bits.iter().map(|&bit| bit as usize).collect();
        self.key_usage = Some(extension(
            OID_KEY_USAGE,
            true,
            &der::bit_string_flags(&bits),
        ));
        self
    }

    /// Adds a non-critical extKeyUsage listing `oids`.
    pub fn ext_key_usage(mut self, oids: &[&str]) -> Self {
        let purposes: Vec<Vec<u8>> = oids.iter().map(|oid| der::oid(oid)).collect();
        self.ext_key_usage = Some(extension(
            OID_EXT_KEY_USAGE,
            false,
            &der::sequence(&purposes),
        ));
        self
    }

    /// Adds a non-critical certificatePolicies with one PolicyInformation (no
    /// qualifiers) per OID.
    pub fn policies(mut self, oids: &[&str]) -> Self {
        let policies: Vec<Vec<u8>> = oids
            .iter()
            .map(|oid| der::sequence(&[der::oid(oid)]))
            .collect();
        self.policies = Some(extension(
            OID_CERTIFICATE_POLICIES,
            false,
            &der::sequence(&policies),
        ));
        self
    }

    /// Sets the SubjectKeyIdentifier: `None` restores the default (SHA-1 of the public
    /// key bits), `Some` writes the given value.
    pub fn subject_key_id(mut self, key_id: Option<Vec<u8>>) -> Self {
        self.subject_key_id = match key_id {
            Some(key_id) => SubjectKeyIdChoice::Given(key_id),
            None => SubjectKeyIdChoice::Computed,
        };
        self
    }

    /// Leaves out the SubjectKeyIdentifier (certificates issued by this one then get no
    /// AuthorityKeyIdentifier either).
    pub fn no_subject_key_id(mut self) -> Self {
        self.subject_key_id = SubjectKeyIdChoice::Omitted;
        self
    }

    /// Leaves out the AuthorityKeyIdentifier.
    pub fn no_authority_key_id(mut self) -> Self {
        self.authority_key_id = false;
        self
    }

    /// Adds a critical nameConstraints whose subtrees are directoryNames. An empty list
    /// leaves its field out.
    pub fn name_constraints(self, permitted: &[Name], excluded: &[Name]) -> Self {
        let directory = |names: &[Name]| -> Vec<GeneralName> {
            names.iter().cloned().map(GeneralName::Directory).collect()
        };
        self.general_name_constraints(&directory(permitted), &directory(excluded))
    }

    /// Adds a critical nameConstraints with subtrees of any form. An empty list leaves its
    /// field out.
    pub fn general_name_constraints(
        self,
        permitted: &[GeneralName],
        excluded: &[GeneralName],
    ) -> Self {
        // GeneralSubtree ::= SEQUENCE { base, minimum [0] DEFAULT 0, maximum [1] OPTIONAL }:
        // only the base is written.
        let subtrees = |names: &[GeneralName]| -> Vec<Vec<u8>> {
            names
                .iter()
                .map(|name| der::sequence(&[name.to_der()]))
                .collect()
        };
        self.encoded_name_constraints(&subtrees(permitted), &subtrees(excluded))
    }

    /// Adds a critical nameConstraints from encoded GeneralSubtrees (e.g. with a minimum or
    /// maximum, which RFC 5280 forbids). An empty list leaves its field out.
    pub fn encoded_name_constraints(mut self, permitted: &[Vec<u8>], excluded: &[Vec<u8>]) -> Self {
        let subtrees = |subtrees: &[Vec<u8>]| der::sequence(subtrees);
        let mut fields = Vec::new();
        if !permitted.is_empty() {
            fields.push(der::implicit(0, true, subtrees(permitted)));
        }
        if !excluded.is_empty() {
            fields.push(der::implicit(1, true, subtrees(excluded)));
        }
        self.name_constraints = Some(extension(
            OID_NAME_CONSTRAINTS,
            true,
            &der::sequence(&fields),
        ));
        self
    }

    /// Adds a non-critical subjectAltName holding `names` (written after the other
    /// extensions, in call order with [`CertificateBuilder::extension`]).
    pub fn subject_alt_names(self, names: &[GeneralName]) -> Self {
        let names: Vec<Vec<u8>> = names.iter().map(GeneralName::to_der).collect();
        self.extension(OID_SUBJECT_ALT_NAME, false, der::sequence(&names))
    }

    /// Adds a DistributionPoint with a URI to the (non-critical) cRLDistributionPoints;
    /// repeated calls add more points.
    pub fn crl_distribution_point(mut self, uri: &str) -> Self {
        self.crl_distribution_points
            .push(distribution_point(Some(uri), None));
        self
    }

    /// Adds a DistributionPoint with an optional URI and a cRLIssuer (`[2]` GeneralNames
    /// with a directoryName), as for indirect CRLs.
    pub fn crl_distribution_point_with_issuer(
        mut self,
        uri: Option<&str>,
        crl_issuer: &Name,
    ) -> Self {
        self.crl_distribution_points
            .push(distribution_point(uri, Some(crl_issuer)));
        self
    }

    /// Adds an encoded DistributionPoint (see [`distribution_point_der`]) to the
    /// (non-critical) cRLDistributionPoints.
    pub fn crl_distribution_point_der(mut self, point: Vec<u8>) -> Self {
        self.crl_distribution_points.push(point);
        self
    }

    /// Adds a DistributionPoint with a URI to the (non-critical) freshestCRL, which
    /// points at delta CRLs.
    pub fn freshest_crl(mut self, uri: &str) -> Self {
        self.freshest_crl.push(distribution_point(Some(uri), None));
        self
    }

    /// Adds an arbitrary extension with the encoded `value_der` as its extnValue. It is
    /// appended even when another extension has the same OID (to test duplicates).
    pub fn extension(mut self, oid: &str, critical: bool, value_der: Vec<u8>) -> Self {
        self.extra_extensions
            .push(extension(oid, critical, &value_der));
        self
    }

    /// Sets the signature scheme (default: the issuer key's
    /// [`KeyPair::default_scheme`]).
    pub fn signature_scheme(mut self, scheme: SignatureScheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// Writes `name` as the issuer instead of the issuer's subject (the signature is
    /// still made with the issuer's key), for negative tests.
    pub fn issuer_name_override(mut self, name: Name) -> Self {
        self.issuer_name_override = Some(name);
        self
    }

    /// Writes `spki_der` as the SubjectPublicKeyInfo instead of the key's (e.g. an RSA key
    /// too large to generate, see [`super::keys::rsa_spki`]); the key pair still signs
    /// whatever this certificate is said to sign.
    pub fn public_key_override(mut self, spki_der: Vec<u8>) -> Self {
        self.public_key_override = Some(spki_der);
        self
    }

    /// Signs the certificate with its own key; issuer name = subject name.
    pub fn self_signed(self) -> Certificate {
        let key = self.key.clone();
        let issuer = self.subject.clone();
        let own_key_id = self.resolved_subject_key_id();
        self.build(&key, issuer, own_key_id)
    }

    /// Signs the certificate with `issuer`'s key; issuer name = `issuer`'s subject.
    pub fn issued_by(self, issuer: &Certificate) -> Certificate {
        self.build(
            &issuer.key,
            issuer.subject.clone(),
            issuer.subject_key_id.clone(),
        )
    }

    fn resolved_subject_key_id(&self) -> Option<Vec<u8>> {
        match &self.subject_key_id {
            SubjectKeyIdChoice::Computed => Some(key_identifier(&self.key)),
            SubjectKeyIdChoice::Given(key_id) => Some(key_id.clone()),
            SubjectKeyIdChoice::Omitted => None,
        }
    }

    fn build(
        self,
        issuer_key: &KeyPair,
        issuer_name: Name,
        issuer_key_id: Option<Vec<u8>>,
    ) -> Certificate {
        let subject_key_id = self.resolved_subject_key_id();
        let issuer_name = self.issuer_name_override.clone().unwrap_or(issuer_name);
        let scheme = self.scheme.unwrap_or_else(|| issuer_key.default_scheme());

        let mut extensions: Vec<Vec<u8>> = [
            &self.basic_constraints,
            &self.key_usage,
            &self.ext_key_usage,
            &self.policies,
            &self.name_constraints,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        if !self.crl_distribution_points.is_empty() {
            extensions.push(extension(
                OID_CRL_DISTRIBUTION_POINTS,
                false,
                &der::sequence(&self.crl_distribution_points),
            ));
        }
        if !self.freshest_crl.is_empty() {
            extensions.push(extension(
                OID_FRESHEST_CRL,
                false,
                &der::sequence(&self.freshest_crl),
            ));
        }
        if let Some(key_id) = &subject_key_id {
            extensions.push(extension(
                OID_SUBJECT_KEY_ID,
                false,
                &der::octet_string(key_id),
            ));
        }
        if let (true, Some(key_id)) = (self.authority_key_id, &issuer_key_id) {
            // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, … }
            let aki = der::sequence(&[der::implicit(0, false, der::octet_string(key_id))]);
            extensions.push(extension(OID_AUTHORITY_KEY_ID, false, &aki));
        }
        extensions.extend(self.extra_extensions.iter().cloned());

        let serial_der = if self.serial_is_content {
            der::tlv(0x02, &self.serial)
        } else {
            der::integer_unsigned(&self.serial)
        };
        let mut tbs_fields = vec![
            der::explicit(0, der::integer_i64(2)), // v3
            serial_der.clone(),
            scheme.algorithm_identifier(),
            issuer_name.to_der(),
            der::sequence(&[der::time(self.not_before), der::time(self.not_after)]),
            self.subject.to_der(),
            self.public_key_override
                .clone()
                .unwrap_or_else(|| self.key.spki_der()),
        ];
        if !extensions.is_empty() {
            tbs_fields.push(der::explicit(3, der::sequence(&extensions)));
        }
        let der = sign_tbs(der::sequence(&tbs_fields), scheme, issuer_key);

        Certificate {
            der,
            key: self.key,
            subject: self.subject,
            issuer: issuer_name,
            serial: self.serial,
            serial_der,
            subject_key_id,
        }
    }
}
