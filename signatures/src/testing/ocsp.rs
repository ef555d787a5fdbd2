//! OCSP responses (RFC 6960 §4.2.1) and responder certificates for tests: every field can be
//! set, including wrong ones (another certificate's CertID, a stale nextUpdate, a wrong
//! nonce, a corrupted signature).

use super::cert::{self, Certificate, CertificateBuilder, KeyUsageBit, Name};
use super::der;
use super::keys::{KeyPair, SignatureScheme};
use time::OffsetDateTime;
use time::macros::datetime;

/// id-kp-OCSPSigning.
pub const EKU_OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";
/// id-pkix-ocsp-nocheck.
pub const OID_NOCHECK: &str = "1.3.6.1.5.5.7.48.1.5";
const OID_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
const OID_NONCE: &str = "1.3.6.1.5.5.7.48.1.2";
const OID_EXTENDED_REVOKE: &str = "1.3.6.1.5.5.7.48.1.9";

/// A delegated responder's certificate issued by `issuer`: keyUsage digitalSignature, with
/// the OCSPSigning EKU when `ocsp_signing` and id-pkix-ocsp-nocheck when `nocheck`.
pub fn responder(
    issuer: &Certificate,
    key: &KeyPair,
    ocsp_signing: bool,
    nocheck: bool,
) -> Certificate {
    let mut builder = CertificateBuilder::new(Name::new().cn("OCSP RESPONDER").country("KZ"), key)
        .key_usage(&[KeyUsageBit::DigitalSignature]);
    if ocsp_signing {
        builder = builder.ext_key_usage(&[EKU_OCSP_SIGNING]);
    }
    if nocheck {
        builder = builder.extension(OID_NOCHECK, false, der::null());
    }
    builder.issued_by(issuer)
}

/// A certificate's status in a response.
#[derive(Debug, Clone, Copy)]
pub enum OcspStatus {
    /// good
    Good,
    /// revoked at a time, with a CRL reason code when given
    Revoked(OffsetDateTime, Option<u8>),
    /// unknown
    Unknown,
}

/// The hash of the CertID.
#[derive(Debug, Clone, Copy)]
pub enum CertIdHash {
    /// SHA-1
    Sha1,
    /// SHA-256
    Sha256,
}

/// Builds an OCSPResponse for one certificate.
///
/// Defaults: SHA-256 CertID, status good, producedAt = thisUpdate = 2021-06-01 00:00 UTC,
/// nextUpdate a day later, responder by name, no nonce, the signer's certificate included.
#[must_use = "a builder does nothing until it is used"]
#[derive(Debug, Clone)]
pub struct OcspResponseBuilder {
    serial_der: Vec<u8>,
    issuer_name_der: Vec<u8>,
    issuer_key_bits: Vec<u8>,
    hash: CertIdHash,
    status: OcspStatus,
    produced_at: OffsetDateTime,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    nonce: Option<Vec<u8>>,
    extended_revoke: bool,
    by_key: bool,
    signer: Certificate,
    signing_key: KeyPair,
    certificates: Vec<Certificate>,
    corrupt_signature: bool,
}

impl OcspResponseBuilder {
    /// A response about `target` (issued by `issuer`), signed by `signer` (the issuer itself
    /// or a responder).
    pub fn new(target: &Certificate, issuer: &Certificate, signer: &Certificate) -> Self {
        Self {
            serial_der: target.serial_der.clone(),
            issuer_name_der: issuer.subject.to_der(),
            issuer_key_bits: issuer.key.public_key_bits(),
            hash: CertIdHash::Sha256,
            status: OcspStatus::Good,
            produced_at: datetime!(2021-06-01 0:00 UTC),
            this_update: datetime!(2021-06-01 0:00 UTC),
            next_update: Some(datetime!(2021-06-02 0:00 UTC)),
            nonce: None,
            extended_revoke: false,
            by_key: false,
            signer: signer.clone(),
            signing_key: signer.key.clone(),
            certificates: vec![signer.clone()],
            corrupt_signature: false,
        }
    }

    /// Sets the CertID hash.
    pub fn hash(mut self, hash: CertIdHash) -> Self {
        self.hash = hash;
        self
    }

    /// Sets the status.
    pub fn status(mut self, status: OcspStatus) -> Self {
        self.status = status;
        self
    }

    /// Sets producedAt and thisUpdate.
    pub fn this_update(mut self, t: OffsetDateTime) -> Self {
        self.produced_at = t;
        self.this_update = t;
        self
    }

    /// Sets nextUpdate (`None`: absent).
    pub fn next_update(mut self, t: Option<OffsetDateTime>) -> Self {
        self.next_update = t;
        self
    }

    /// Adds a nonce extension (RFC 8954: an OCTET STRING in the extension's value).
    pub fn nonce(mut self, nonce: &[u8]) -> Self {
        self.nonce = Some(nonce.to_vec());
        self
    }

    /// Adds the extended-revoke extension (RFC 6960 §4.4.8).
    pub fn extended_revoke(mut self) -> Self {
        self.extended_revoke = true;
        self
    }

    /// Names the responder by the SHA-1 of its key rather than by name.
    pub fn by_key(mut self) -> Self {
        self.by_key = true;
        self
    }

    /// Signs with another key (the response then does not verify with the signer's).
    pub fn signed_by(mut self, key: &KeyPair) -> Self {
        self.signing_key = key.clone();
        self
    }

    /// Replaces the certificates carried in the response.
    pub fn certificates(mut self, certificates: &[Certificate]) -> Self {
        self.certificates = certificates.to_vec();
        self
    }

    /// Flips a bit of the signature.
    pub fn corrupt_signature(mut self) -> Self {
        self.corrupt_signature = true;
        self
    }

    /// The DER OCSPResponse.
    pub fn build(&self) -> Vec<u8> {
        type Hash = fn(&[u8]) -> Vec<u8>;
        let (algorithm, digest): (Vec<u8>, Hash) = match self.hash {
            CertIdHash::Sha1 => (
                der::sequence(&[der::oid("1.3.14.3.2.26"), der::null()]),
                |d| openssl::sha::sha1(d).to_vec(),
            ),
            CertIdHash::Sha256 => (
                der::sequence(&[der::oid("2.16.840.1.101.3.4.2.1"), der::null()]),
                |d| openssl::sha::sha256(d).to_vec(),
            ),
        };
        let cert_id = der::sequence(&[
            algorithm,
            der::octet_string(&digest(&self.issuer_name_der)),
            der::octet_string(&digest(&self.issuer_key_bits)),
            self.serial_der.clone(),
        ]);
        let status = match self.status {
            OcspStatus::Good => vec![0x80, 0x00],
            OcspStatus::Unknown => vec![0x82, 0x00],
            OcspStatus::Revoked(at, reason) => {
                let mut fields = vec![der::generalized_time(at)];
                if let Some(reason) = reason {
                    fields.push(der::explicit(0, der::enumerated(i64::from(reason))));
                }
                der::tlv(0xa1, &fields.concat())
            }
        };
        let mut single = vec![cert_id, status, der::generalized_time(self.this_update)];
        if let Some(next) = self.next_update {
            single.push(der::explicit(0, der::generalized_time(next)));
        }
        let responder = if self.by_key {
            let hash = openssl::sha::sha1(&self.signer.key.public_key_bits());
            der::tlv(0xa2, &der::octet_string(&hash))
        } else {
            der::tlv(0xa1, &self.signer.subject.to_der())
        };
        let mut data = vec![
            responder,
            der::generalized_time(self.produced_at),
            der::sequence(&[der::sequence(&single)]),
        ];
        let mut extensions = Vec::new();
        if let Some(nonce) = &self.nonce {
            extensions.push(cert::extension(OID_NONCE, false, &der::octet_string(nonce)));
        }
        if self.extended_revoke {
            extensions.push(cert::extension(OID_EXTENDED_REVOKE, false, &der::null()));
        }
        if !extensions.is_empty() {
            data.push(der::explicit(1, der::sequence(&extensions)));
        }
        let tbs = der::sequence(&data);
        let scheme: SignatureScheme = self.signing_key.default_scheme();
        let mut signature = self.signing_key.sign(scheme, &tbs);
        if self.corrupt_signature {
            let last = signature.len() - 1;
            signature[last] ^= 1;
        }
        let mut basic = vec![
            tbs,
            scheme.algorithm_identifier(),
            der::bit_string(&signature),
        ];
        if !self.certificates.is_empty() {
            let certs: Vec<Vec<u8>> = self.certificates.iter().map(|c| c.der.clone()).collect();
            basic.push(der::explicit(0, der::sequence(&certs)));
        }
        let basic = der::sequence(&basic);
        let bytes = der::sequence(&[der::oid(OID_BASIC), der::octet_string(&basic)]);
        der::sequence(&[der::enumerated(0), der::explicit(0, bytes)])
    }
}
