//! CMS SignedData (RFC 5652), attached or detached, with any number of signers.

use time::OffsetDateTime;

use super::cert::{self, Certificate};
use super::der;
use super::keys::{Digest, KeyPair, SignatureScheme};

/// id-data.
pub const OID_DATA: &str = "1.2.840.113549.1.7.1";
/// id-signedData.
pub const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
/// rsaEncryption.
pub const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
/// id-contentType (signed attribute).
pub const OID_ATTR_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
/// id-messageDigest (signed attribute).
pub const OID_ATTR_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
/// id-signingTime (signed attribute).
pub const OID_ATTR_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";

/// One signer of a [`CmsBuilder`], with knobs to get each field wrong.
#[must_use = "a builder does nothing until it is used"]
#[derive(Debug, Clone)]
pub struct SignerSpec {
    cert: Certificate,
    signing_key: Option<KeyPair>,
    scheme: Option<SignatureScheme>,
    digest: Option<Digest>,
    signature_algorithm_rsa_encryption: bool,
    sid_subject_key_id: bool,
    signed_attributes: bool,
    signing_time: Option<OffsetDateTime>,
    message_digest_override: Option<Vec<u8>>,
    content_type_attr_override: Option<String>,
    extra_signed_attributes: Vec<Vec<u8>>,
    corrupt_signature: bool,
    content_override: Option<Vec<u8>>,
    unsigned_attributes: Vec<Vec<u8>>,
    timestamps: Vec<super::tsp::TimestampSpec>,
}

impl SignerSpec {
    /// A signer identified by `cert` and signing with `cert.key`, with signed attributes
    /// (contentType, messageDigest) and no signingTime.
    pub fn new(cert: &Certificate) -> Self {
        Self {
            cert: cert.clone(),
            signing_key: None,
            scheme: None,
            digest: None,
            signature_algorithm_rsa_encryption: false,
            sid_subject_key_id: false,
            signed_attributes: true,
            signing_time: None,
            message_digest_override: None,
            content_type_attr_override: None,
            extra_signed_attributes: Vec::new(),
            corrupt_signature: false,
            content_override: None,
            unsigned_attributes: Vec::new(),
            timestamps: Vec::new(),
        }
    }

    /// Adds an unsigned attribute with one value (DER), written after the timestamps.
    pub fn unsigned_attribute(mut self, oid: &str, value_der: Vec<u8>) -> Self {
        self.unsigned_attributes.push(attribute(oid, value_der));
        self
    }

    /// Adds a signatureTimeStampToken attribute (RFC 3161 Appendix A): the token is made
    /// over this signer's signature value when the CMS is built. One attribute per token.
    pub fn timestamp(mut self, token: super::tsp::TimestampSpec) -> Self {
        self.timestamps.push(token);
        self
    }

    /// Sets the signature scheme (default: the signing key's
    /// [`KeyPair::default_scheme`]).
    pub fn scheme(mut self, scheme: SignatureScheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// Sets the digestAlgorithm and the hash of the messageDigest attribute (default:
    /// the scheme's digest). The signature itself always uses the scheme's digest, so a
    /// different value here makes a mismatched SignerInfo.
    pub fn digest(mut self, digest: Digest) -> Self {
        self.digest = Some(digest);
        self
    }

    /// Writes signatureAlgorithm as plain rsaEncryption with NULL parameters, as
    /// OpenSSL's CMS does; the signature is still made with the scheme.
    pub fn signature_algorithm_rsa_encryption(mut self) -> Self {
        self.signature_algorithm_rsa_encryption = true;
        self
    }

    /// Identifies the signer by `[0]` subjectKeyIdentifier (SignerInfo version 3)
    /// instead of issuerAndSerialNumber (version 1).
    ///
    /// The certificate must have a SubjectKeyIdentifier (checked at build time).
    pub fn sid_subject_key_id(mut self) -> Self {
        self.sid_subject_key_id = true;
        self
    }

    /// Signs the content directly, without signed attributes.
    pub fn no_signed_attributes(mut self) -> Self {
        self.signed_attributes = false;
        self
    }

    /// Adds a signingTime attribute.
    pub fn signing_time(mut self, t: OffsetDateTime) -> Self {
        self.signing_time = Some(t);
        self
    }

    /// Writes `digest` as the messageDigest attribute instead of the real hash.
    pub fn message_digest_override(mut self, digest: Vec<u8>) -> Self {
        self.message_digest_override = Some(digest);
        self
    }

    /// Writes `oid` as the contentType attribute instead of the eContentType.
    pub fn content_type_attr_override(mut self, oid: &str) -> Self {
        self.content_type_attr_override = Some(oid.to_owned());
        self
    }

    /// Adds a signed attribute `oid` with the single encoded value `value_der`.
    pub fn extra_signed_attribute(mut self, oid: &str, value_der: Vec<u8>) -> Self {
        self.extra_signed_attributes.push(attribute(oid, value_der));
        self
    }

    /// Flips a bit of the signature value after signing.
    pub fn corrupt_signature(mut self) -> Self {
        self.corrupt_signature = true;
        self
    }

    /// Signs with `key` instead of the certificate's key. The default scheme then
    /// follows this key's type.
    pub fn signed_key(mut self, key: &KeyPair) -> Self {
        self.signing_key = Some(key.clone());
        self
    }

    /// Computes this signer's messageDigest (or, without signed attributes, its
    /// signature) over `bytes` instead of the builder's content.
    pub fn content_override(mut self, bytes: &[u8]) -> Self {
        self.content_override = Some(bytes.to_vec());
        self
    }

    fn signing_key(&self) -> &KeyPair {
        self.signing_key.as_ref().unwrap_or(&self.cert.key)
    }

    fn resolved_scheme(&self) -> SignatureScheme {
        self.scheme
            .unwrap_or_else(|| self.signing_key().default_scheme())
    }

    fn resolved_digest(&self) -> Digest {
        self.digest
            .unwrap_or_else(|| self.resolved_scheme().digest())
    }

    /// SignerInfo version: 3 for a subjectKeyIdentifier sid, 1 otherwise.
    fn version(&self) -> i64 {
        if self.sid_subject_key_id { 3 } else { 1 }
    }

    /// The DER SignerInfo for `content` of type `content_type`.
    fn to_der(&self, content: &[u8], content_type: &str) -> Vec<u8> {
        let scheme = self.resolved_scheme();
        let digest = self.resolved_digest();
        let content = self.content_override.as_deref().unwrap_or(content);

        let sid = if self.sid_subject_key_id {
            let key_id = self
                .cert
                .subject_key_id
                .as_deref()
                .expect("sid_subject_key_id() needs a certificate with a SubjectKeyIdentifier");
            der::implicit(0, false, der::octet_string(key_id))
        } else {
            der::sequence(&[self.cert.issuer.to_der(), self.cert.serial_der.clone()])
        };

        let mut fields = vec![
            der::integer_i64(self.version()),
            sid,
            digest.algorithm_identifier(),
        ];
        let mut signature = if self.signed_attributes {
            let signed_attributes = self.signed_attributes(content, content_type, digest);
            // RFC 5652 §5.4: the signature covers the attributes as an explicit SET OF
            // (tag 0x31); in the SignerInfo they are written as [0] IMPLICIT.
            let signature = self.signing_key().sign(scheme, &signed_attributes);
            fields.push(der::implicit(0, true, signed_attributes));
            signature
        } else {
            self.signing_key().sign(scheme, content)
        };
        if self.corrupt_signature {
            let last = signature.last_mut().expect("a signature is never empty");
            *last ^= 0x01;
        }

        let signature_algorithm = if self.signature_algorithm_rsa_encryption {
            der::sequence(&[der::oid(OID_RSA_ENCRYPTION), der::null()])
        } else {
            scheme.algorithm_identifier()
        };
        fields.push(signature_algorithm);
        fields.push(der::octet_string(&signature));
        let mut unsigned: Vec<Vec<u8>> = self
            .timestamps
            .iter()
            .map(|t| attribute(super::tsp::OID_ATTR_TIMESTAMP_TOKEN, t.token(&signature)))
            .collect();
        unsigned.extend(self.unsigned_attributes.iter().cloned());
        if !unsigned.is_empty() {
            fields.push(der::implicit(1, true, der::set_unsorted(&unsigned)));
        }
        der::sequence(&fields)
    }

    /// The signed attributes as a DER SET OF (sorted), tag 0x31.
    fn signed_attributes(&self, content: &[u8], content_type: &str, digest: Digest) -> Vec<u8> {
        let content_type = self
            .content_type_attr_override
            .as_deref()
            .unwrap_or(content_type);
        let message_digest = self
            .message_digest_override
            .clone()
            .unwrap_or_else(|| digest.compute(content));

        let mut attributes = vec![attribute(OID_ATTR_CONTENT_TYPE, der::oid(content_type))];
        if let Some(t) = self.signing_time {
            attributes.push(attribute(OID_ATTR_SIGNING_TIME, der::time(t)));
        }
        attributes.push(attribute(
            OID_ATTR_MESSAGE_DIGEST,
            der::octet_string(&message_digest),
        ));
        attributes.extend(self.extra_signed_attributes.iter().cloned());
        der::set(&attributes)
    }
}

/// An Attribute with one value: `SEQUENCE { attrType, SET { value } }`.
fn attribute(oid: &str, value_der: Vec<u8>) -> Vec<u8> {
    der::sequence(&[der::oid(oid), der::set(&[value_der])])
}

/// Builds a DER ContentInfo holding a SignedData.
///
/// SignedData version: 3 when any signer uses a subjectKeyIdentifier sid or the
/// eContentType is not id-data (RFC 5652 §5.1), else 1. digestAlgorithms is the DER
/// set of the signers' distinct digest AlgorithmIdentifiers (NULL parameters).
/// Certificates and SignerInfos keep their insertion order.
#[must_use = "a builder does nothing until it is used"]
#[derive(Debug, Clone)]
pub struct CmsBuilder {
    content: Vec<u8>,
    detached: bool,
    content_type: String,
    certificates: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
    signers: Vec<SignerSpec>,
}

impl CmsBuilder {
    /// Starts a SignedData over `content` (encapsulated unless [`CmsBuilder::detached`]).
    pub fn new(content: &[u8]) -> Self {
        Self {
            content: content.to_vec(),
            detached: false,
            content_type: OID_DATA.to_owned(),
            certificates: Vec::new(),
            crls: Vec::new(),
            signers: Vec::new(),
        }
    }

    /// Leaves out eContent: the content is signed but not carried.
    pub fn detached(mut self) -> Self {
        self.detached = true;
        self
    }

    /// Sets eContentType (default id-data); the contentType attribute follows it.
    pub fn content_type(mut self, oid: &str) -> Self {
        self.content_type = oid.to_owned();
        self
    }

    /// Adds a certificate to the `certificates [0]` set.
    pub fn certificate(mut self, cert: &Certificate) -> Self {
        self.certificates.push(cert.der.clone());
        self
    }

    /// Adds a DER CRL to the `crls [1]` set.
    pub fn crl(mut self, crl_der: Vec<u8>) -> Self {
        self.crls.push(crl_der);
        self
    }

    /// Adds a signer; SignerInfos are written in call order.
    pub fn signer(mut self, signer: SignerSpec) -> Self {
        self.signers.push(signer);
        self
    }

    /// The DER ContentInfo.
    pub fn build(&self) -> Vec<u8> {
        let any_v3_signer = self.signers.iter().any(|signer| signer.version() == 3);
        let version = if any_v3_signer || self.content_type != OID_DATA {
            3
        } else {
            1
        };

        let mut digest_algorithms: Vec<Vec<u8>> = self
            .signers
            .iter()
            .map(|signer| signer.resolved_digest().algorithm_identifier())
            .collect();
        digest_algorithms.sort();
        digest_algorithms.dedup();

        let mut encap_content_info = vec![der::oid(&self.content_type)];
        if !self.detached {
            encap_content_info.push(der::explicit(0, der::octet_string(&self.content)));
        }

        let mut signed_data = vec![
            der::integer_i64(version),
            der::set(&digest_algorithms),
            der::sequence(&encap_content_info),
        ];
        // Insertion order is kept (not DER-sorted) so tests control which comes first.
        if !self.certificates.is_empty() {
            signed_data.push(der::implicit(
                0,
                true,
                der::set_unsorted(&self.certificates),
            ));
        }
        if !self.crls.is_empty() {
            signed_data.push(der::implicit(1, true, der::set_unsorted(&self.crls)));
        }
        let signer_infos: Vec<Vec<u8>> = self
            .signers
            .iter()
            .map(|signer| signer.to_der(&self.content, &self.content_type))
            .collect();
        signed_data.push(der::set_unsorted(&signer_infos));

        der::sequence(&[
            der::oid(OID_SIGNED_DATA),
            der::explicit(0, der::sequence(&signed_data)),
        ])
    }
}

/// The PEM encoding of a DER CMS (`-----BEGIN CMS-----`).
pub fn pem(der: &[u8]) -> String {
    cert::pem_armor("CMS", der)
}

/// Bare single-line base64, as NCALayer returns a CMS.
pub fn base64(der: &[u8]) -> String {
    openssl::base64::encode_block(der)
}
