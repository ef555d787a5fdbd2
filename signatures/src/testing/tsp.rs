//! RFC 3161 timestamp tokens and TSA certificates: a token is a CMS over a TSTInfo, signed by
//! a TSA whose certificate has the extended key usage timeStamping alone, critical.
//!
//! ```ignore
//! let tsa = pki.tsa().issued_by(&pki.intermediate);
//! let cms = CmsBuilder::new(b"hello")
//!     .certificate(&leaf)
//!     .signer(SignerSpec::new(&leaf).timestamp(TimestampSpec::new(&tsa, genTime)))
//!     .build();
//! ```

use time::OffsetDateTime;

use super::cert::{self, Certificate, CertificateBuilder, KeyUsageBit, Name};
use super::cms::{CmsBuilder, SignerSpec};
use super::der;
use super::keys::{Digest, KeyPair};
use super::nca::TestPki;

/// id-ct-TSTInfo.
pub const OID_TST_INFO: &str = "1.2.840.113549.1.9.16.1.4";
/// id-aa-signatureTimeStampToken (unsigned attribute).
pub const OID_ATTR_TIMESTAMP_TOKEN: &str = "1.2.840.113549.1.9.16.2.14";
/// id-aa-signingCertificate (ESSCertID, SHA-1).
pub const OID_ATTR_SIGNING_CERTIFICATE: &str = "1.2.840.113549.1.9.16.2.12";
/// id-aa-signingCertificateV2 (ESSCertIDv2).
pub const OID_ATTR_SIGNING_CERTIFICATE_V2: &str = "1.2.840.113549.1.9.16.2.47";
/// id-kp-timeStamping.
pub const OID_EKU_TIME_STAMPING: &str = "1.3.6.1.5.5.7.3.8";
/// The NCA TSA's policy (as in the vectors' tsp_token.bin).
pub const POLICY_NCA_TSA: &str = "1.2.398.3.3.2.6.1";

/// How the token names its TSA's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EssVersion {
    /// signingCertificate: ESSCertID with a SHA-1 hash (as NCA's TSA writes it).
    V1,
    /// signingCertificateV2: ESSCertIDv2 with SHA-256 (the default algorithm, omitted).
    V2,
    /// Neither (an invalid token).
    None,
}

/// A timestamp token to build, with knobs to get each field wrong.
#[must_use = "a builder does nothing until it is used"]
#[derive(Debug, Clone)]
pub struct TimestampSpec {
    tsa: Certificate,
    gen_time: OffsetDateTime,
    policy: String,
    imprint_digest: Digest,
    wrong_imprint: bool,
    ess: EssVersion,
    ess_certificate: Option<Certificate>,
    corrupt_signature: bool,
    extra_certificates: Vec<Certificate>,
    include_tsa_certificate: bool,
    serial: u64,
    /// The message imprint as a TSA receives it (the hash only), instead of one computed
    /// from the stamped value.
    given_imprint: Option<Vec<u8>>,
    nonce: Option<Vec<u8>>,
}

impl TimestampSpec {
    /// A token from `tsa` at `gen_time`, policy [`POLICY_NCA_TSA`], SHA-256 imprint,
    /// signingCertificateV2, carrying the TSA's certificate.
    pub fn new(tsa: &Certificate, gen_time: OffsetDateTime) -> Self {
        Self {
            tsa: tsa.clone(),
            gen_time,
            policy: POLICY_NCA_TSA.to_owned(),
            imprint_digest: Digest::Sha256,
            wrong_imprint: false,
            ess: EssVersion::V2,
            ess_certificate: None,
            corrupt_signature: false,
            extra_certificates: Vec::new(),
            include_tsa_certificate: true,
            serial: 1,
            given_imprint: None,
            nonce: None,
        }
    }

    /// Stamps this imprint (the hash a TimeStampReq carries) as given, as a TSA does: the
    /// stamped value passed to [`TimestampSpec::token`] is then not hashed.
    pub fn given_imprint(mut self, imprint: &[u8]) -> Self {
        self.given_imprint = Some(imprint.to_vec());
        self
    }

    /// The TSTInfo's nonce (RFC 3161 §2.4.2: the request's, echoed), as unsigned big-endian.
    pub fn nonce(mut self, nonce: &[u8]) -> Self {
        self.nonce = Some(nonce.to_vec());
        self
    }

    /// The TSA policy OID.
    pub fn policy(mut self, oid: &str) -> Self {
        self.policy = oid.to_owned();
        self
    }

    /// The hash of the message imprint.
    pub fn imprint_digest(mut self, digest: Digest) -> Self {
        self.imprint_digest = digest;
        self
    }

    /// Stamps the hash of something else than the signature value.
    pub fn wrong_imprint(mut self) -> Self {
        self.wrong_imprint = true;
        self
    }

    /// Which signing-certificate attribute to write.
    pub fn ess(mut self, version: EssVersion) -> Self {
        self.ess = version;
        self
    }

    /// Names this certificate in the signing-certificate attribute instead of the TSA's.
    pub fn ess_certificate(mut self, certificate: &Certificate) -> Self {
        self.ess_certificate = Some(certificate.clone());
        self
    }

    /// Flips a bit of the TSA's signature.
    pub fn corrupt_signature(mut self) -> Self {
        self.corrupt_signature = true;
        self
    }

    /// Adds a certificate to the token (e.g. the TSA's issuer).
    pub fn certificate(mut self, certificate: &Certificate) -> Self {
        self.extra_certificates.push(certificate.clone());
        self
    }

    /// Leaves the TSA's certificate out of the token (it must then be configured).
    pub fn without_tsa_certificate(mut self) -> Self {
        self.include_tsa_certificate = false;
        self
    }

    /// The token's serial number.
    pub fn serial(mut self, serial: u64) -> Self {
        self.serial = serial;
        self
    }

    /// The TSTInfo (RFC 3161 §2.4.2) over `stamped` (the signer's signature value).
    pub fn tst_info(&self, stamped: &[u8]) -> Vec<u8> {
        let mut imprint = self
            .given_imprint
            .clone()
            .unwrap_or_else(|| self.imprint_digest.compute(stamped));
        if self.wrong_imprint
            && let Some(first) = imprint.first_mut()
        {
            *first ^= 0x01;
        }
        let mut fields = vec![
            der::integer_i64(1),
            der::oid(&self.policy),
            der::sequence(&[
                self.imprint_digest.algorithm_identifier(),
                der::octet_string(&imprint),
            ]),
            der::integer_unsigned(&self.serial.to_be_bytes()),
            der::generalized_time(self.gen_time),
        ];
        if let Some(nonce) = &self.nonce {
            fields.push(der::integer_unsigned(nonce));
        }
        der::sequence(&fields)
    }

    /// The TimeStampToken (DER ContentInfo) over `stamped`.
    pub fn token(&self, stamped: &[u8]) -> Vec<u8> {
        let named = self.ess_certificate.as_ref().unwrap_or(&self.tsa);
        let mut signer = SignerSpec::new(&self.tsa);
        match self.ess {
            EssVersion::V1 => {
                let id = der::sequence(&[der::octet_string(&Digest::Sha1.compute(&named.der))]);
                signer = signer.extra_signed_attribute(
                    OID_ATTR_SIGNING_CERTIFICATE,
                    der::sequence(&[der::sequence(&[id])]),
                );
            }
            EssVersion::V2 => {
                let id = der::sequence(&[
                    der::octet_string(&Digest::Sha256.compute(&named.der)),
                    der::sequence(&[
                        cert::general_names_directory(&named.issuer),
                        named.serial_der.clone(),
                    ]),
                ]);
                signer = signer.extra_signed_attribute(
                    OID_ATTR_SIGNING_CERTIFICATE_V2,
                    der::sequence(&[der::sequence(&[id])]),
                );
            }
            EssVersion::None => {}
        }
        if self.corrupt_signature {
            signer = signer.corrupt_signature();
        }
        let mut cms = CmsBuilder::new(&self.tst_info(stamped)).content_type(OID_TST_INFO);
        if self.include_tsa_certificate {
            cms = cms.certificate(&self.tsa);
        }
        for extra in &self.extra_certificates {
            cms = cms.certificate(extra);
        }
        cms.signer(signer).build()
    }
}

impl TestPki {
    /// A TSA certificate like the NCA TSA's: extended key usage timeStamping alone, critical,
    /// key usage digitalSignature + nonRepudiation, validity 2020-01-01..2030-01-01, with the
    /// CRL distribution point. Finish with `.issued_by(&pki.intermediate)`.
    pub fn tsa(&self, key: &KeyPair) -> CertificateBuilder {
        let eku = der::sequence(&[der::oid(OID_EKU_TIME_STAMPING)]);
        CertificateBuilder::new(
            Name::new()
                .cn("СЕРВИС МЕТКИ ВРЕМЕНИ")
                .country("KZ")
                .organization("АО \"ТЕСТ\""),
            key,
        )
        .validity(
            time::macros::datetime!(2020-01-01 0:00 UTC),
            time::macros::datetime!(2030-01-01 0:00 UTC),
        )
        .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation])
        .extension("2.5.29.37", true, eku)
        .crl_distribution_point(&self.crl_uri)
    }
}
