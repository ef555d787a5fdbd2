//! The small PKI of the `crl` fuzz target, shared with `examples/seed.rs` (which writes its
//! seed corpus): a P-256 root, an issuing CA, a delegated CRL issuer and one signer, with
//! fixed names and serials and no key identifiers, so that CRL bodies written with one run's
//! (random) keys still apply to another run's: the target signs each fuzzed body itself.
//!
//! Input of the target: one flags byte (bit 0: revocation required; bits 1-2: the validation
//! time, see [`TIMES`]; bit 3: the CRLs are also carried in the CMS), then up to [`MAX_CRLS`]
//! chunks, each `kind: u8, length: u16 (big-endian), bytes`. `kind & 3` says what the bytes
//! are: a TBSCertList to be signed by the issuing CA (0), the root (1) or the delegated CRL
//! issuer (2), or a whole CRL used as it is (3).

#![allow(dead_code, reason = "the target and the seed example use different parts")]

use signatures::testing::cert::{
    OID_CN, distribution_point_der, distribution_point_name_relative,
    distribution_point_name_uri,
};
use signatures::testing::crl::{OID_ISSUING_DISTRIBUTION_POINT, idp_der};
use signatures::testing::{
    Certificate, CertificateBuilder, CmsBuilder, CrlBuilder, Idp, KeyPair, KeyUsageBit, Name,
    Reason, SignerSpec, der,
};
use signatures::{Crl, Options, Report, Verifier};
use time::OffsetDateTime;
use time::macros::datetime;

/// Most CRLs one input holds.
pub const MAX_CRLS: usize = 4;
/// Validation times: inside every certificate's validity, before the CRLs' thisUpdate,
/// after their nextUpdate, and after every certificate expired.
pub const TIMES: [OffsetDateTime; 4] = [
    datetime!(2021-06-01 0:00 UTC),
    datetime!(2021-01-20 0:00 UTC),
    datetime!(2021-09-01 0:00 UTC),
    datetime!(2031-01-01 0:00 UTC),
];
/// The signer's serial.
pub const SIGNER_SERIAL: &[u8] = &[0x10, 0x01];
/// The issuing CA's serial.
pub const CA_SERIAL: &[u8] = &[0x20, 0x02];
/// The distribution point in the signer's certificate.
pub const CRL_URI: &str = "http://fuzz.test/ca.crl";

/// The PKI, built once per process.
#[derive(Debug)]
pub struct Pki {
    pub root: Certificate,
    pub ca: Certificate,
    pub delegated: Certificate,
    pub signer: Certificate,
    /// An attached CMS by the signer, carrying its certificate.
    pub cms: Vec<u8>,
}

impl Pki {
    pub fn new() -> Self {
        let ca_usage = [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign];
        let root = CertificateBuilder::new(
            Name::new().country("KZ").cn("FUZZ ROOT"),
            &KeyPair::ec_p256(),
        )
        .serial(&[0x01])
        .ca(None)
        .key_usage(&ca_usage)
        .no_subject_key_id()
        .self_signed();
        let ca = CertificateBuilder::new(
            Name::new().country("KZ").cn("FUZZ CA"),
            &KeyPair::ec_p256(),
        )
        .serial(CA_SERIAL)
        .ca(Some(0))
        .key_usage(&ca_usage)
        .no_subject_key_id()
        .issued_by(&root);
        let delegated = CertificateBuilder::new(
            Name::new().country("KZ").cn("FUZZ CRL ISSUER"),
            &KeyPair::ec_p256(),
        )
        .serial(&[0x30, 0x03])
        .key_usage(&[KeyUsageBit::CrlSign])
        .no_subject_key_id()
        .issued_by(&root);
        let signer = CertificateBuilder::new(
            Name::new()
                .cn("ТЕСТОВ ТЕСТ")
                .serial_number("IIN123456789011")
                .country("KZ"),
            &KeyPair::ec_p256(),
        )
        .serial(SIGNER_SERIAL)
        .validity(
            datetime!(2021-01-18 0:00 UTC),
            datetime!(2022-01-18 0:00 UTC),
        )
        .key_usage(&[KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation])
        .crl_distribution_point(CRL_URI)
        .crl_distribution_point_der(distribution_point_der(
            Some(distribution_point_name_relative(OID_CN, "partition 1")),
            Some(&Name::new().country("KZ").cn("FUZZ CRL ISSUER")),
        ))
        .issued_by(&ca);
        let cms = CmsBuilder::new(b"fuzz")
            .certificate(&signer)
            .signer(SignerSpec::new(&signer))
            .build();
        Pki {
            root,
            ca,
            delegated,
            signer,
            cms,
        }
    }

    /// The certificate whose key signs chunks of `kind` (0 to 2).
    pub fn issuer(&self, kind: u8) -> &Certificate {
        match kind {
            1 => &self.root,
            2 => &self.delegated,
            _ => &self.ca,
        }
    }

    /// A CRL: `tbs` signed with the key of [`Pki::issuer`]`(kind)`.
    pub fn sign(&self, kind: u8, tbs: &[u8]) -> Vec<u8> {
        let key = &self.issuer(kind).key;
        let scheme = key.default_scheme();
        let signature = key.sign(scheme, tbs);
        der::sequence(&[
            tbs.to_vec(),
            scheme.algorithm_identifier(),
            der::bit_string(&signature),
        ])
    }

    /// Seed inputs: named (flags, chunks) made from CRLs of every shape the verifier handles.
    pub fn seeds(&self) -> Vec<(&'static str, Vec<u8>)> {
        let at = datetime!(2021-05-01 0:00 UTC);
        let ca = || CrlBuilder::new(&self.ca).this_update(datetime!(2021-05-15 0:00 UTC));
        let root = CrlBuilder::new(&self.root)
            .this_update(datetime!(2021-05-15 0:00 UTC))
            .build();
        let revoked = ca()
            .number(7)
            .revoke(SIGNER_SERIAL, at, Some(Reason::KeyCompromise))
            .build();
        let held = ca()
            .number(7)
            .revoke(SIGNER_SERIAL, at, Some(Reason::CertificateHold))
            .build();
        let lift = ca()
            .number(8)
            .delta_of(7)
            .revoke(SIGNER_SERIAL, at, Some(Reason::RemoveFromCrl))
            .build();
        let partitioned = ca()
            .issuing_distribution_point(Idp {
                uri: Some(CRL_URI.to_owned()),
                only_user_certs: true,
                only_some_reasons: Some(vec![Reason::KeyCompromise, Reason::CaCompromise]),
                ..Idp::default()
            })
            .revoke(SIGNER_SERIAL, at, Some(Reason::KeyCompromise))
            .build();
        let indirect = CrlBuilder::new(&self.delegated)
            .this_update(datetime!(2021-05-15 0:00 UTC))
            .extension(
                OID_ISSUING_DISTRIBUTION_POINT,
                true,
                idp_der(distribution_point_name_relative(OID_CN, "partition 1"), true),
            )
            .revoke_with_issuer(SIGNER_SERIAL, at, None, &self.ca.subject)
            .build();
        let negative = ca()
            .revoke_integer_content(&[0xef, 0xfe], at, None)
            .revoke(CA_SERIAL, at, Some(Reason::Superseded))
            .build();
        let unknown_critical = ca()
            .extension("1.2.3.4", true, der::null())
            .build();
        let root_revokes_ca = CrlBuilder::new(&self.root)
            .this_update(datetime!(2021-05-15 0:00 UTC))
            .revoke(CA_SERIAL, at, Some(Reason::CaCompromise))
            .build();
        let uri_point = der::sequence(&[distribution_point_name_uri(CRL_URI)]);

        let chunk = |kind: u8, crl: &[u8]| -> Vec<u8> {
            let bytes = if kind == 3 {
                crl.to_vec()
            } else {
                tbs_of(crl).to_vec()
            };
            let mut out = vec![kind];
            out.extend_from_slice(&u16::try_from(bytes.len()).unwrap_or(u16::MAX).to_be_bytes());
            out.extend_from_slice(&bytes);
            out
        };
        let input = |flags: u8, chunks: &[Vec<u8>]| {
            let mut out = vec![flags];
            out.extend(chunks.iter().flatten());
            out
        };
        vec![
            ("revoked", input(1, &[chunk(0, &revoked), chunk(1, &root)])),
            ("held", input(1, &[chunk(0, &held), chunk(1, &root)])),
            (
                "held_then_lifted",
                input(1, &[chunk(0, &held), chunk(0, &lift), chunk(1, &root)]),
            ),
            (
                "partitioned",
                input(1, &[chunk(0, &partitioned), chunk(1, &root)]),
            ),
            (
                "indirect",
                input(1, &[chunk(2, &indirect), chunk(1, &root)]),
            ),
            ("negative_serial", input(0, &[chunk(0, &negative)])),
            ("unknown_critical", input(1, &[chunk(0, &unknown_critical)])),
            ("root_revokes_ca", input(1, &[chunk(1, &root_revokes_ca)])),
            ("embedded", input(1 | 8, &[chunk(0, &revoked)])),
            ("stale", input(1 | 4, &[chunk(0, &revoked), chunk(1, &root)])),
            ("raw", input(0, &[chunk(3, &revoked)])),
            // A distribution-points value where a CRL belongs: parsers must not care.
            ("not_a_crl", input(0, &[chunk(3, &uri_point)])),
        ]
    }
}

/// The TBSCertList of a DER CRL (its first element).
pub fn tbs_of(crl: &[u8]) -> &[u8] {
    let Some((_, body, _)) = der::read_tlv(crl) else {
        return &[];
    };
    match der::read_tlv(body) {
        Some((_, _, rest)) => body.get(..body.len() - rest.len()).unwrap_or_default(),
        None => &[],
    }
}

/// Runs one input (the format is at the top of this file): every chunk through
/// `Crl::from_der` and `Verifier::crls_from`, then the PKI's CMS verified against the CRLs
/// that parse, cold and warm. `None` when the input has no flags byte.
pub fn run(pki: &Pki, data: &[u8]) -> Option<(Report, Report)> {
    let (&flags, mut rest) = data.split_first()?;
    let mut ders: Vec<Vec<u8>> = Vec::new();
    while ders.len() < MAX_CRLS {
        let Some((&kind, after)) = rest.split_first() else {
            break;
        };
        let Some((length, after)) = after.split_first_chunk::<2>() else {
            break;
        };
        let length = usize::from(u16::from_be_bytes(*length)).min(after.len());
        let (bytes, after) = after.split_at(length);
        rest = after;
        let kind = kind & 3;
        // Every chunk is parsed as it is, whatever it is meant to be.
        let _ = Crl::from_der(bytes);
        let _ = Verifier::crls_from(bytes, "fuzz");
        ders.push(if kind == 3 {
            bytes.to_vec()
        } else {
            pki.sign(kind, bytes)
        });
    }
    let crls: Vec<Crl> = ders.iter().filter_map(|der| Crl::from_der(der).ok()).collect();
    let options = Options {
        at: Some(TIMES[usize::from((flags >> 1) & 3)]),
        require_revocation: flags & 1 != 0,
        ocsp: Default::default(),
        ..Options::new(datetime!(2030-01-01 0:00 UTC))
    };
    let cms = if flags & 8 != 0 {
        // Only CRLs that parse are carried (what the CMS does with one that does not is the
        // `verify` target's concern).
        ders.iter()
            .filter(|der| Crl::from_der(der).is_ok())
            .fold(CmsBuilder::new(b"fuzz").certificate(&pki.signer), |cms, der| {
                cms.crl(der.clone())
            })
            .signer(SignerSpec::new(&pki.signer))
            .build()
    } else {
        pki.cms.clone()
    };
    let parse = |c: &Certificate| {
        signatures::Certificate::from_der(&c.der).expect("a generated certificate parses")
    };
    let verifier = Verifier::new(vec![parse(&pki.root)])
        .with_intermediates(vec![parse(&pki.ca), parse(&pki.delegated)])
        .with_crls(crls);
    let cold = verifier.verify(&cms, None, &options);
    let warm = verifier.verify(&cms, None, &options);
    Some((cold, warm))
}
