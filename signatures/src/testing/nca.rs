//! A ready-made PKI shaped like NCA RK's: a root, an issuing intermediate, and builders
//! of end-entity certificates and CRLs like theirs.

use time::macros::datetime;

use super::cert::{Certificate, CertificateBuilder, KeyUsageBit, Name};
use super::crl::CrlBuilder;
use super::keys::{KeyPair, cached_ec_p256, cached_gost2004, cached_gost2015_512, cached_rsa_2048};

/// NCA's policy OID of its issuing CA.
pub const POLICY_NCA_CA: &str = "1.2.398.3.3.1.1";
/// Policy of a legal entity's signing certificate.
pub const POLICY_LEGAL_ENTITY_SIGN: &str = "1.2.398.3.3.2.1";
/// Policy of an individual's signing certificate.
pub const POLICY_INDIVIDUAL_SIGN: &str = "1.2.398.3.3.2.3";
/// Policy of an individual's authentication certificate.
pub const POLICY_INDIVIDUAL_AUTH: &str = "1.2.398.3.3.2.4";
/// The one policy NCA RK's GOST 2015 certificates carry, its CAs' included (1.2.398.3.3.2).
pub const POLICY_GOST2015: &str = "1.2.398.3.3.2";
/// Extended key usage marking an individual.
pub const EKU_INDIVIDUAL: &str = "1.2.398.3.3.4.1.1";
/// Extended key usage marking a legal entity's employee.
pub const EKU_LEGAL_ENTITY: &str = "1.2.398.3.3.4.1.2";
/// Role of a legal entity's first head (CEO), to pass as `role_oid`.
pub const ROLE_CEO: &str = "1.2.398.3.3.4.1.2.1";
/// Holder role: an employee of the legal entity.
pub const ROLE_EMPLOYEE: &str = "1.2.398.3.3.4.1.2.5";
/// A person who may sign for the legal entity.
pub const ROLE_MAY_SIGN: &str = "1.2.398.3.3.4.1.2.2";
/// id-kp-emailProtection.
pub const EKU_EMAIL_PROTECTION: &str = "1.3.6.1.5.5.7.3.4";
/// id-kp-clientAuth.
pub const EKU_CLIENT_AUTH: &str = "1.3.6.1.5.5.7.3.2";
/// The keyUsage of NCA RK's GOST 2015 end-entity keys (a critical digitalSignature,
/// nonRepudiation and keyEncipherment): one key that both signs documents and signs in, where
/// RSA and GOST 2004 holders get two.
pub const COMBINED_KEY_USAGE: [KeyUsageBit; 3] = [
    KeyUsageBit::DigitalSignature,
    KeyUsageBit::NonRepudiation,
    KeyUsageBit::KeyEncipherment,
];

/// Key cache slots: the root, the intermediate and end entities get distinct keys.
const ROOT_SLOT: usize = 0;
const INTERMEDIATE_SLOT: usize = 1;
const LEAF_SLOT: usize = 2;

/// A two-level test PKI: a self-signed root and an intermediate that issues
/// end-entity certificates and CRLs.
#[derive(Debug, Clone)]
pub struct TestPki {
    /// The self-signed root CA.
    pub root: Certificate,
    /// The issuing CA (pathLenConstraint 0), issued by the root.
    pub intermediate: Certificate,
    /// The key end-entity certificates are made for.
    pub leaf_key: KeyPair,
    /// The CRL distribution point written into end-entity certificates.
    pub crl_uri: String,
}

impl TestPki {
    /// The RSA-2048 PKI ("НЕГІЗГІ КО TEST (RSA)" → "ҰКО 3.0 (RSA TEST)").
    pub fn rsa() -> Self {
        Self::build(
            "RSA",
            cached_rsa_2048(ROOT_SLOT),
            cached_rsa_2048(INTERMEDIATE_SLOT),
            cached_rsa_2048(LEAF_SLOT),
            "http://test.pki.gov.kz/crl/nca_rsa_test.crl",
        )
    }

    /// The same PKI with P-256 keys and ECDSA-SHA256 signatures
    /// ("НЕГІЗГІ КО TEST (EC)" → "ҰКО 3.0 (EC TEST)").
    pub fn ec_p256() -> Self {
        Self::build(
            "EC",
            cached_ec_p256(ROOT_SLOT),
            cached_ec_p256(INTERMEDIATE_SLOT),
            cached_ec_p256(LEAF_SLOT),
            "http://test.pki.gov.kz/crl/nca_ec_test.crl",
        )
    }

    /// The PKI with GOST R 34.10-2015 512-bit keys on NCA RK's parameter set, signing with
    /// Streebog-512 ("НЕГІЗГІ КО TEST (GOST 2015)" → "ҰКО 3.0 (GOST 2015 TEST)"): how NCA RK
    /// has issued keys since April 2024. Its signer is for tests only (see [`super::gost`]).
    pub fn gost2015() -> Self {
        Self::build(
            "GOST 2015",
            cached_gost2015_512(ROOT_SLOT),
            cached_gost2015_512(INTERMEDIATE_SLOT),
            cached_gost2015_512(LEAF_SLOT),
            "http://test.pki.gov.kz/crl/nca_gost2015_test.crl",
        )
    }

    /// The PKI with GOST 34.310-2004 keys on CryptoPro-A, signing with GOST 34.311-95
    /// ("НЕГІЗГІ КО TEST (GOST)" → "ҰКО 3.0 (GOST TEST)").
    pub fn gost2004() -> Self {
        Self::build(
            "GOST",
            cached_gost2004(ROOT_SLOT),
            cached_gost2004(INTERMEDIATE_SLOT),
            cached_gost2004(LEAF_SLOT),
            "http://test.pki.gov.kz/crl/nca_gost_test.crl",
        )
    }

    fn build(
        algorithm: &str,
        root_key: &KeyPair,
        intermediate_key: &KeyPair,
        leaf_key: &KeyPair,
        crl_uri: &str,
    ) -> Self {
        let ca_usage = [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign];
        let root = CertificateBuilder::new(
            Name::new()
                .cn(&format!("НЕГІЗГІ КО TEST ({algorithm})"))
                .country("KZ"),
            root_key,
        )
        .validity(
            datetime!(2018-07-05 0:00 UTC),
            datetime!(2038-06-30 0:00 UTC),
        )
        .ca(None)
        .key_usage(&ca_usage)
        .self_signed();
        let intermediate = CertificateBuilder::new(
            Name::new()
                .cn(&format!("ҰКО 3.0 ({algorithm} TEST)"))
                .country("KZ"),
            intermediate_key,
        )
        .validity(
            datetime!(2019-03-15 0:00 UTC),
            datetime!(2029-03-13 0:00 UTC),
        )
        .ca(Some(0))
        .key_usage(&ca_usage)
        .policies(&[POLICY_NCA_CA])
        .issued_by(&root);
        Self {
            root,
            intermediate,
            leaf_key: leaf_key.clone(),
            crl_uri: crl_uri.to_owned(),
        }
    }

    /// The subject of an individual: CN, SURNAME, SERIALNUMBER "IIN…", C, GIVENNAME.
    fn individual_name(iin: &str) -> Name {
        Name::new()
            .cn("ТЕСТОВ ТЕСТ")
            .surname("ТЕСТОВ")
            .serial_number(&format!("IIN{iin}"))
            .country("KZ")
            .given_name("ТЕСТОВИЧ")
    }

    /// What every end-entity certificate shares: validity 2021-01-18..2022-01-18 and
    /// the CRL distribution point.
    fn end_entity(&self, subject: Name) -> CertificateBuilder {
        CertificateBuilder::new(subject, &self.leaf_key)
            .validity(
                datetime!(2021-01-18 0:00 UTC),
                datetime!(2022-01-18 0:00 UTC),
            )
            .crl_distribution_point(&self.crl_uri)
    }

    /// An individual's signing certificate (digitalSignature + nonRepudiation); finish
    /// with `.issued_by(&pki.intermediate)`.
    pub fn individual_sign(&self, iin: &str) -> CertificateBuilder {
        self.end_entity(Self::individual_name(iin))
            .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation])
            .ext_key_usage(&[EKU_EMAIL_PROTECTION, EKU_INDIVIDUAL])
            .policies(&[POLICY_INDIVIDUAL_SIGN])
    }

    /// An individual's authentication certificate (digitalSignature +
    /// keyEncipherment); finish with `.issued_by(&pki.intermediate)`.
    pub fn individual_auth(&self, iin: &str) -> CertificateBuilder {
        self.end_entity(Self::individual_name(iin))
            .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment])
            .ext_key_usage(&[EKU_CLIENT_AUTH, EKU_INDIVIDUAL])
            .policies(&[POLICY_INDIVIDUAL_AUTH])
    }

    /// A legal entity employee's signing certificate with O "ТОО TEST", OU "BIN…" and
    /// the role `role_oid` (e.g. [`ROLE_CEO`]) among the extended key usages; finish with
    /// `.issued_by(&pki.intermediate)`.
    pub fn legal_entity_sign(&self, iin: &str, bin: &str, role_oid: &str) -> CertificateBuilder {
        let subject = Name::new()
            .cn("ТЕСТОВ ТЕСТ")
            .surname("ТЕСТОВ")
            .serial_number(&format!("IIN{iin}"))
            .country("KZ")
            .organization("ТОО TEST")
            .org_unit(&format!("BIN{bin}"))
            .given_name("ТЕСТОВИЧ");
        self.end_entity(subject)
            .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation])
            .ext_key_usage(&[EKU_EMAIL_PROTECTION, EKU_LEGAL_ENTITY, role_oid])
            .policies(&[POLICY_LEGAL_ENTITY_SIGN])
    }

    /// An individual's combined key as NCA RK issues GOST 2015 keys (see
    /// `individual_valid_2015_gost.p12` in the vectors): [`COMBINED_KEY_USAGE`], EKU
    /// emailProtection and the individual's role, policy [`POLICY_GOST2015`]. It serves both
    /// `sign` and `auth`. Finish with `.issued_by(&pki.intermediate)`.
    pub fn individual_combined(&self, iin: &str) -> CertificateBuilder {
        self.end_entity(Self::individual_name(iin))
            .key_usage(&COMBINED_KEY_USAGE)
            .ext_key_usage(&[EKU_EMAIL_PROTECTION, EKU_INDIVIDUAL])
            .policies(&[POLICY_GOST2015])
    }

    /// A legal entity employee's combined key, as NCA RK issues GOST 2015 keys (see
    /// `ceo_revoked_2015.p12`): like [`TestPki::legal_entity_sign`] with
    /// [`COMBINED_KEY_USAGE`] and policy [`POLICY_GOST2015`]. Finish with
    /// `.issued_by(&pki.intermediate)`.
    pub fn legal_entity_combined(
        &self,
        iin: &str,
        bin: &str,
        role_oid: &str,
    ) -> CertificateBuilder {
        self.legal_entity_sign(iin, bin, role_oid)
            .key_usage(&COMBINED_KEY_USAGE)
            .policies(&[POLICY_GOST2015])
    }

    /// A CRL of the intermediate, thisUpdate 2021-06-01, nextUpdate 2022-12-01.
    pub fn crl(&self) -> CrlBuilder {
        CrlBuilder::new(&self.intermediate)
            .this_update(datetime!(2021-06-01 0:00 UTC))
            .next_update(Some(datetime!(2022-12-01 0:00 UTC)))
    }
}
