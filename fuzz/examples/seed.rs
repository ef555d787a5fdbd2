//! Writes the fuzz targets' trust store (`trust/`) and seed corpora (`corpus/verify/`,
//! `corpus/certificate/`), from a freshly generated test PKI. The keys are random, so the
//! trust store and the generated seeds are always written together.
//!
//! `cargo run --example seed -- --crl-only` writes only `corpus/crl/` (the `crl` target
//! signs its CRLs with a PKI of its own, so its seeds need no trust store).
//!
//! `cargo run --example seed [-- NCA_TEST_VECTORS_DIR]`: with a directory, its `*.p7s`,
//! `*.crt`, `*.cer` and `*.crl` files are copied into the corpora as well (the corpora are
//! git-ignored; never commit those files).

use std::fs;
use std::path::{Path, PathBuf};

use signatures::testing::cms;
use signatures::testing::crl::Reason;
use signatures::testing::nca::{EKU_EMAIL_PROTECTION, ROLE_CEO};
use signatures::testing::{
    Certificate, CmsBuilder, Digest, SignatureScheme, SignerSpec, TestPki, crl,
};
use time::macros::datetime;

#[path = "../fuzz_targets/crl_pki.rs"]
mod crl_pki;

const SIGNING_TIME: time::OffsetDateTime = datetime!(2021-05-31 12:00 UTC);
const CONTENT: &[u8] = br#"{"iin":"123456789011","address":"Astana"}"#;

/// The fuzz target's flag bits (see `fuzz_targets/verify.rs`).
const DETACHED: u8 = 1;
const AT_NCA: u8 = 1 << 1;
const PURPOSE_SIGN: u8 = 1 << 3;
const PURPOSE_AUTH: u8 = 2 << 3;
const REQUIRE_REVOCATION: u8 = 1 << 5;

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // `--crl-only`: the `crl` target's seeds alone (its PKI is its own: trust/ is untouched).
    if std::env::args().nth(1).as_deref() == Some("--crl-only") {
        return seed_crl(&root);
    }
    let trust = root.join("trust");
    let verify = root.join("corpus/verify");
    let certificate = root.join("corpus/certificate");
    for dir in [&trust, &verify, &certificate] {
        fs::create_dir_all(dir)?;
    }

    for (name, pki) in [("rsa", TestPki::rsa()), ("ec", TestPki::ec_p256())] {
        seed_pki(name, &pki, &trust, &verify, &certificate)?;
    }

    seed_crl(&root)?;

    if let Some(nca) = std::env::args().nth(1) {
        copy_nca(Path::new(&nca), &verify, &certificate)?;
    }
    println!(
        "wrote {}, {} and {}",
        trust.display(),
        verify.display(),
        certificate.display()
    );
    Ok(())
}

/// The `crl` target's seeds (`corpus/crl/`): CRL bodies that its own PKI signs at run time.
fn seed_crl(root: &Path) -> std::io::Result<()> {
    let crl_corpus = root.join("corpus/crl");
    fs::create_dir_all(&crl_corpus)?;
    for (name, input) in crl_pki::Pki::new().seeds() {
        fs::write(crl_corpus.join(name), input)?;
    }
    println!("wrote {}", crl_corpus.display());
    Ok(())
}

fn seed_pki(
    name: &str,
    pki: &TestPki,
    trust: &Path,
    verify: &Path,
    certificate: &Path,
) -> std::io::Result<()> {
    let issue =
        |builder: signatures::testing::CertificateBuilder| builder.issued_by(&pki.intermediate);
    let sign = issue(pki.individual_sign("123456789011"));
    let auth = issue(pki.individual_auth("123456789011"));
    let ceo = issue(pki.legal_entity_sign("123456789011", "123456789021", ROLE_CEO));
    let revoked = issue(pki.individual_sign("123456789012"));
    let held = issue(pki.individual_sign("123456789013"));
    let no_eku = issue(
        pki.individual_sign("123456789014")
            .ext_key_usage(&[EKU_EMAIL_PROTECTION]),
    );

    // The trust store's CRLs: one revoked and one held certificate; for RSA a delta CRL
    // lifts the hold.
    let complete = pki
        .crl()
        .number(1)
        .revoke(
            &revoked.serial,
            datetime!(2021-03-01 0:00 UTC),
            Some(Reason::KeyCompromise),
        )
        .revoke(
            &held.serial,
            datetime!(2021-03-01 0:00 UTC),
            Some(Reason::CertificateHold),
        )
        .build();
    fs::write(trust.join(format!("{name}_root.der")), &pki.root.der)?;
    fs::write(
        trust.join(format!("{name}_intermediate.der")),
        &pki.intermediate.der,
    )?;
    fs::write(trust.join(format!("{name}.crl")), &complete)?;
    let mut crls = vec![("crl", complete)];
    if name == "rsa" {
        let delta = pki
            .crl()
            .number(2)
            .delta_of(1)
            .revoke(
                &held.serial,
                datetime!(2021-04-01 0:00 UTC),
                Some(Reason::RemoveFromCrl),
            )
            .build();
        fs::write(trust.join("rsa_delta.crl"), &delta)?;
        crls.push(("delta_crl", delta));
    }

    let attached = |leaf: &Certificate| {
        CmsBuilder::new(CONTENT)
            .certificate(leaf)
            .signer(SignerSpec::new(leaf).signing_time(SIGNING_TIME))
    };
    let basic = attached(&sign).build();
    let mut seeds: Vec<(&str, u8, Vec<u8>)> = vec![
        ("attached", 0, basic.clone()),
        ("attached_purpose_sign", PURPOSE_SIGN, basic.clone()),
        (
            "attached_require_revocation",
            REQUIRE_REVOCATION,
            basic.clone(),
        ),
        ("attached_at_later", AT_NCA, basic.clone()),
        ("pem", 0, cms::pem(&basic).into_bytes()),
        ("base64", 0, cms::base64(&basic).into_bytes()),
        (
            "attached_chain_and_crl",
            0,
            attached(&sign)
                .certificate(&pki.intermediate)
                .crl(crls[0].1.clone())
                .build(),
        ),
        ("auth_purpose_auth", PURPOSE_AUTH, attached(&auth).build()),
        (
            "ceo_subject_key_id",
            PURPOSE_SIGN,
            CmsBuilder::new(CONTENT)
                .certificate(&ceo)
                .signer(SignerSpec::new(&ceo).sid_subject_key_id())
                .build(),
        ),
        ("revoked", 0, attached(&revoked).build()),
        ("held", 0, attached(&held).build()),
        ("no_role_eku", 0, attached(&no_eku).build()),
        (
            "two_signers",
            0,
            attached(&sign)
                .certificate(&ceo)
                .signer(SignerSpec::new(&ceo).signing_time(SIGNING_TIME))
                .build(),
        ),
        (
            "no_signed_attributes",
            0,
            CmsBuilder::new(CONTENT)
                .certificate(&sign)
                .signer(SignerSpec::new(&sign).no_signed_attributes())
                .build(),
        ),
    ];
    let detached = CmsBuilder::new(CONTENT)
        .detached()
        .certificate(&sign)
        .signer(SignerSpec::new(&sign).signing_time(SIGNING_TIME))
        .build();
    let mut with_content = vec![u8::try_from(CONTENT.len()).unwrap_or(u8::MAX)];
    with_content.extend_from_slice(CONTENT);
    with_content.extend_from_slice(&detached);
    seeds.push(("detached", DETACHED, with_content));
    if name == "rsa" {
        let pss = SignatureScheme::RsaPss {
            digest: Digest::Sha256,
            salt_len: 32,
        };
        seeds.push((
            "pss",
            0,
            CmsBuilder::new(CONTENT)
                .certificate(&sign)
                .signer(SignerSpec::new(&sign).scheme(pss))
                .build(),
        ));
        seeds.push((
            "rsa_encryption_oid",
            0,
            CmsBuilder::new(CONTENT)
                .certificate(&sign)
                .signer(SignerSpec::new(&sign).signature_algorithm_rsa_encryption())
                .build(),
        ));
    } else {
        seeds.push((
            "ecdsa_sha384",
            0,
            CmsBuilder::new(CONTENT)
                .certificate(&sign)
                .signer(SignerSpec::new(&sign).scheme(SignatureScheme::Ecdsa(Digest::Sha384)))
                .build(),
        ));
    }
    for (seed, flags, bytes) in seeds {
        let mut input = vec![flags];
        input.extend_from_slice(&bytes);
        fs::write(verify.join(format!("{name}_{seed}")), input)?;
    }

    for (seed, cert) in [
        ("root", &pki.root),
        ("intermediate", &pki.intermediate),
        ("sign", &sign),
        ("auth", &auth),
        ("ceo", &ceo),
    ] {
        fs::write(certificate.join(format!("{name}_{seed}.der")), &cert.der)?;
    }
    fs::write(certificate.join(format!("{name}_sign.pem")), sign.pem())?;
    for (seed, der) in &crls {
        fs::write(certificate.join(format!("{name}_{seed}.der")), der)?;
        fs::write(
            certificate.join(format!("{name}_{seed}.pem")),
            crl::pem(der),
        )?;
    }
    Ok(())
}

/// Copies NCA RK's test vectors into the corpora: CMS files with the flags their content
/// and signing time need, certificates and CRLs as they are.
fn copy_nca(dir: &Path, verify: &Path, certificate: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()).map(str::to_owned) else {
            continue;
        };
        let bytes = fs::read(&path)?;
        if file.ends_with(".p7s") {
            let mut input = if file.contains("detached") {
                // The detached content is the 7 bytes "test123" (see the vectors' README).
                let mut input = vec![AT_NCA | DETACHED, 7];
                input.extend_from_slice(b"test123");
                input
            } else {
                vec![AT_NCA]
            };
            input.extend_from_slice(&bytes);
            fs::write(verify.join(format!("nca_{file}")), input)?;
        } else if [".crt", ".cer", ".crl"]
            .iter()
            .any(|ext| file.ends_with(ext))
        {
            fs::write(certificate.join(format!("nca_{file}")), bytes)?;
        }
    }
    Ok(())
}
