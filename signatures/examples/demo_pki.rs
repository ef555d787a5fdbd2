//! Generates the demo PKI under `demo/pki/`: test-only hierarchies shaped like NCA RK's, with
//! keys for the demo people (whose IINs match the demo data set). Nothing here is trusted
//! outside the development profile.
//!
//! - RSA: `root.pem` → `intermediate.pem` → `<name>.sign.pem` and `<name>.auth.pem`, a signing
//!   and an authentication key each (as NCA RK issues RSA keys).
//! - GOST 2015-512: `root.gost.pem` → `intermediate.gost.pem` → `<name>.gost.pem`, one key each
//!   that both signs documents and signs in (as NCA RK issues GOST 2015 keys: keyUsage
//!   digitalSignature, nonRepudiation and keyEncipherment, EKU emailProtection and the role,
//!   policy 1.2.398.3.3.2). Signing with it needs the `testing` feature's signer (`eds-sign`
//!   built with `--features testing`).
//!
//! Keys are random and the CAs' private keys are not kept, so a hierarchy is written whole or
//! not at all: one whose files all exist is kept byte for byte, one with none of them is
//! written, one with only some of them is an error (nothing is written; delete its files, or
//! pass `--force`, which rewrites every hierarchy).
//!
//! ```sh
//! cargo run -p signatures --example demo_pki --features testing -- demo/pki [--force]
//! ```
#![allow(
    clippy::expect_used,
    reason = "a generator script: stop with a message on failure"
)]

use signatures::testing::{Certificate, CertificateBuilder, KeyPair, KeyUsageBit, Name, nca};
use std::path::{Path, PathBuf};
use time::macros::datetime;

/// Valid from 2025 to 2035, so the demo keeps working for years.
const NOT_BEFORE: time::OffsetDateTime = datetime!(2025-01-01 0:00 UTC);
const NOT_AFTER: time::OffsetDateTime = datetime!(2035-01-01 0:00 UTC);

struct Person {
    file: &'static str,
    iin: &'static str,
    surname: &'static str,
    given: &'static str,
    patronymic: &'static str,
    /// For an officer: the BIN and role of the body.
    organisation: Option<(&'static str, &'static str)>,
}

const PEOPLE: &[Person] = &[
    Person {
        file: "aigerim",
        iin: "871008401427",
        surname: "СЕЙТОВА",
        given: "АЙГЕРІМ",
        patronymic: "БОЛАТҚЫЗЫ",
        organisation: None,
    },
    Person {
        file: "nurlan",
        iin: "760212350620",
        surname: "ОМАРОВ",
        given: "НҰРЛАН",
        patronymic: "СЕРІКҰЛЫ",
        organisation: None,
    },
    Person {
        file: "dana",
        iin: "061211600012",
        surname: "ОМАРОВА",
        given: "ДАНА",
        patronymic: "НҰРЛАНҚЫЗЫ",
        organisation: None,
    },
    Person {
        file: "officer",
        iin: "850315300019",
        surname: "ЖАНДОСОВ",
        given: "ЕРЛАН",
        patronymic: "АСҚАРҰЛЫ",
        organisation: Some(("940140000385", nca::ROLE_EMPLOYEE)),
    },
];

/// One CA hierarchy of the demo PKI and the end-entity files it issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hierarchy {
    Rsa,
    Gost2015,
}

impl Hierarchy {
    const ALL: [Hierarchy; 2] = [Hierarchy::Rsa, Hierarchy::Gost2015];

    fn name(self) -> &'static str {
        match self {
            Hierarchy::Rsa => "RSA",
            Hierarchy::Gost2015 => "GOST 2015-512",
        }
    }

    /// The root's and the intermediate's file names.
    fn ca_files(self) -> [&'static str; 2] {
        match self {
            Hierarchy::Rsa => ["root.pem", "intermediate.pem"],
            Hierarchy::Gost2015 => ["root.gost.pem", "intermediate.gost.pem"],
        }
    }

    /// The kinds of key a person gets (`<name>.<kind>.pem`).
    fn kinds(self) -> &'static [&'static str] {
        match self {
            Hierarchy::Rsa => &["sign", "auth"],
            Hierarchy::Gost2015 => &["gost"],
        }
    }

    /// Every file of the hierarchy.
    fn files(self) -> Vec<String> {
        let mut files: Vec<String> = self.ca_files().iter().map(|f| (*f).to_owned()).collect();
        for person in PEOPLE {
            for kind in self.kinds() {
                files.push(format!("{}.{kind}.pem", person.file));
            }
        }
        files
    }

    fn new_key(self) -> KeyPair {
        match self {
            Hierarchy::Rsa => KeyPair::rsa(2048),
            Hierarchy::Gost2015 => KeyPair::gost2015_512(),
        }
    }
}

/// What [`generate`] did with a hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Written,
    Kept,
}

fn write(dir: &Path, name: &str, contents: &str) -> Result<(), String> {
    std::fs::write(dir.join(name), contents)
        .map_err(|e| format!("{}: {e}", dir.join(name).display()))
}

/// The subject of a person's certificates, in NCA RK's order: CN, SURNAME, SERIALNUMBER, C,
/// (O, OU for an organisation's key,) GIVENNAME.
fn person_name(person: &Person) -> Name {
    let mut name = Name::new()
        .cn(&format!("{} {}", person.surname, person.given))
        .surname(person.surname)
        .serial_number(&format!("IIN{}", person.iin))
        .country("KZ");
    if let Some((bin, _)) = person.organisation {
        name = name
            .organization("ДЕМО ВЕДОМСТВО")
            .org_unit(&format!("BIN{bin}"));
    }
    name.given_name(person.patronymic)
}

/// The root and intermediate of a hierarchy.
fn certification_authorities(hierarchy: Hierarchy) -> (Certificate, Certificate) {
    let ca_usage = [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign];
    match hierarchy {
        Hierarchy::Rsa => {
            let root = CertificateBuilder::new(
                Name::new().cn("DEMO ROOT (NOT NCA RK)").country("KZ"),
                &hierarchy.new_key(),
            )
            .validity(NOT_BEFORE, NOT_AFTER)
            .ca(None)
            .key_usage(&ca_usage)
            .self_signed();
            let intermediate = CertificateBuilder::new(
                Name::new().country("KZ").cn("DEMO NCA (NOT NCA RK)"),
                &hierarchy.new_key(),
            )
            .validity(NOT_BEFORE, NOT_AFTER)
            .ca(Some(0))
            .key_usage(&ca_usage)
            .policies(&[nca::POLICY_NCA_CA])
            .issued_by(&root);
            (root, intermediate)
        }
        // Like NCA RK's GOST 2015 CAs ("НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022" →
        // "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022"): CN then C, GOST 2015-512 keys signing
        // with Streebog-512, the intermediate with policy 1.2.398.3.3.2. Unlike NCA RK's, the
        // demo intermediate has pathLenConstraint 0: it issues end entities only.
        Hierarchy::Gost2015 => {
            let root = CertificateBuilder::new(
                Name::new()
                    .cn("DEMO ROOT GOST 2015 (NOT NCA RK)")
                    .country("KZ"),
                &hierarchy.new_key(),
            )
            .validity(NOT_BEFORE, NOT_AFTER)
            .ca(None)
            .key_usage(&ca_usage)
            .self_signed();
            let intermediate = CertificateBuilder::new(
                Name::new()
                    .cn("DEMO NCA GOST 2015 (NOT NCA RK)")
                    .country("KZ"),
                &hierarchy.new_key(),
            )
            .validity(NOT_BEFORE, NOT_AFTER)
            .ca(Some(0))
            .key_usage(&ca_usage)
            .policies(&[nca::POLICY_GOST2015])
            .issued_by(&root);
            (root, intermediate)
        }
    }
}

/// A person's certificate of `kind` (see [`Hierarchy::kinds`]) for `key`, unsigned yet.
fn leaf(person: &Person, kind: &str, key: &KeyPair) -> CertificateBuilder {
    let role_ekus: Vec<&str> = match person.organisation {
        Some((_, role)) => vec![nca::EKU_LEGAL_ENTITY, role],
        None => vec![nca::EKU_INDIVIDUAL],
    };
    let (usage, purpose_eku): (&[KeyUsageBit], &str) = match kind {
        "sign" => (
            &[KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation],
            nca::EKU_EMAIL_PROTECTION,
        ),
        "auth" => (
            &[KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment],
            nca::EKU_CLIENT_AUTH,
        ),
        _ => (&nca::COMBINED_KEY_USAGE, nca::EKU_EMAIL_PROTECTION),
    };
    let mut ekus = vec![purpose_eku];
    ekus.extend(&role_ekus);
    let builder = CertificateBuilder::new(person_name(person), key)
        .validity(NOT_BEFORE, NOT_AFTER)
        .key_usage(usage)
        .ext_key_usage(&ekus);
    if kind == "gost" {
        builder.policies(&[nca::POLICY_GOST2015])
    } else {
        builder
    }
}

/// Writes every hierarchy that has none of its files in `dir`, keeps every one that has all of
/// them (`force`: rewrites all). A hierarchy with only some of its files is an error, before
/// anything is written.
fn generate(dir: &Path, force: bool) -> Result<Vec<(Hierarchy, Outcome)>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut plan = Vec::new();
    for hierarchy in Hierarchy::ALL {
        let files = hierarchy.files();
        let missing: Vec<&String> = files.iter().filter(|f| !dir.join(f).exists()).collect();
        let outcome = if force || missing.len() == files.len() {
            Outcome::Written
        } else if missing.is_empty() {
            Outcome::Kept
        } else {
            let missing: Vec<&str> = missing.iter().map(|f| f.as_str()).collect();
            return Err(format!(
                "the {} hierarchy in {} is incomplete (missing {}); its CA keys are not kept, \
                 so it cannot be completed: delete its files to make it anew, or pass --force \
                 to rewrite the whole demo PKI",
                hierarchy.name(),
                dir.display(),
                missing.join(", ")
            ));
        };
        plan.push((hierarchy, outcome));
    }
    for &(hierarchy, outcome) in &plan {
        if outcome == Outcome::Kept {
            continue;
        }
        let (root, intermediate) = certification_authorities(hierarchy);
        let [root_file, intermediate_file] = hierarchy.ca_files();
        write(dir, root_file, &root.pem())?;
        write(dir, intermediate_file, &intermediate.pem())?;
        for person in PEOPLE {
            for kind in hierarchy.kinds() {
                let key = hierarchy.new_key();
                let certificate = leaf(person, kind, &key).issued_by(&intermediate);
                write(
                    dir,
                    &format!("{}.{kind}.pem", person.file),
                    &format!("{}{}", certificate.pem(), key.private_key_pem()),
                )?;
            }
        }
    }
    Ok(plan)
}

fn main() -> std::process::ExitCode {
    let mut force = false;
    let mut dir = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--force" => force = true,
            flag if flag.starts_with("--") => {
                eprintln!("demo_pki: unknown option {flag}\nusage: demo_pki [DIR] [--force]");
                return std::process::ExitCode::from(2);
            }
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let dir = dir.unwrap_or_else(|| PathBuf::from("demo/pki"));
    match generate(&dir, force) {
        Ok(plan) => {
            for (hierarchy, outcome) in plan {
                let what = match outcome {
                    Outcome::Written => "written",
                    Outcome::Kept => "kept (all its files exist)",
                };
                println!("{} hierarchy {what} in {}", hierarchy.name(), dir.display());
            }
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("demo_pki: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::indexing_slicing,
        clippy::panic,
        reason = "a test stops with a message on the first broken expectation"
    )]

    use super::*;
    use signatures::testing::{CmsBuilder, SignerSpec};
    use signatures::{Code, Options, Purpose, Role, Verifier};
    use std::collections::BTreeMap;

    /// A time inside every demo certificate's validity.
    const AT: time::OffsetDateTime = datetime!(2026-06-01 0:00 UTC);

    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "demo-pki-{name}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            Scratch(dir)
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .expect("a folder")
            .map(|entry| {
                let entry = entry.expect("an entry");
                (
                    entry.file_name().to_string_lossy().into_owned(),
                    std::fs::read(entry.path()).expect("readable"),
                )
            })
            .collect()
    }

    fn of(files: &BTreeMap<String, Vec<u8>>, hierarchy: Hierarchy) -> BTreeMap<String, Vec<u8>> {
        let names = hierarchy.files();
        files
            .iter()
            .filter(|(name, _)| names.contains(name))
            .map(|(name, bytes)| (name.clone(), bytes.clone()))
            .collect()
    }

    /// Signs `content` with the certificate and key of a demo PEM file, as `eds-sign` does.
    fn sign(pem: &[u8], content: &[u8]) -> Vec<u8> {
        let key = KeyPair::from_private_key_pem(pem).expect("a private key");
        let der = openssl::x509::X509::from_pem(pem)
            .and_then(|c| c.to_der())
            .expect("a certificate");
        let certificate = Certificate::from_der(&der, key).expect("a readable certificate");
        CmsBuilder::new(content)
            .certificate(&certificate)
            .signer(SignerSpec::new(&certificate))
            .build()
    }

    fn verifier(dir: &Path, hierarchy: Hierarchy) -> Verifier {
        let [root, intermediate] = hierarchy.ca_files().map(|file| {
            let bytes = std::fs::read(dir.join(file)).expect("a CA file");
            Verifier::certificates_from(&bytes, file).expect("certificates")
        });
        Verifier::new(root).with_intermediates(intermediate)
    }

    fn options(purpose: Purpose) -> Options {
        Options {
            purpose: Some(purpose),
            at: Some(AT),
            ..Options::new(AT)
        }
    }

    /// Every person's GOST key chains to the GOST demo root and serves both purposes, with the
    /// person's IIN (and the officer's BIN and role); it does not chain to the RSA root.
    fn check_gost_keys(dir: &Path) {
        let gost = verifier(dir, Hierarchy::Gost2015);
        let rsa = verifier(dir, Hierarchy::Rsa);
        for person in PEOPLE {
            let pem = std::fs::read(dir.join(format!("{}.gost.pem", person.file))).expect("a key");
            let cms = sign(&pem, b"demo");
            for purpose in [Purpose::Sign, Purpose::Auth] {
                let report = gost.verify(&cms, None, &options(purpose));
                assert!(
                    report.valid,
                    "{} {purpose:?}: {}",
                    person.file,
                    report.to_json()
                );
                let signer = &report.signers[0];
                assert_eq!(
                    signer.signature_algorithm,
                    "GOST R 34.10-2015 (512 bits) with Streebog-512"
                );
                assert_eq!(signer.digest_algorithm, "Streebog-512");
                assert_eq!(signer.signer.iin.as_deref(), Some(person.iin));
                assert_eq!(signer.signer.purposes, [Purpose::Sign, Purpose::Auth]);
                assert_eq!(signer.signer.policies, [nca::POLICY_GOST2015]);
                match person.organisation {
                    None => assert_eq!(signer.signer.roles, [Role::Individual]),
                    Some((bin, _)) => {
                        assert_eq!(signer.signer.bin.as_deref(), Some(bin));
                        assert_eq!(signer.signer.roles, [Role::LegalEntity, Role::Employee]);
                    }
                }
            }
            let report = rsa.verify(&cms, None, &options(Purpose::Sign));
            assert_eq!(report.code, Code::UntrustedChain, "{}", person.file);
        }
    }

    /// The RSA keys keep their two purposes apart, as before the GOST hierarchy.
    fn check_rsa_keys(dir: &Path) {
        let rsa = verifier(dir, Hierarchy::Rsa);
        for person in PEOPLE {
            for (kind, serves, refused) in [
                ("sign", Purpose::Sign, Purpose::Auth),
                ("auth", Purpose::Auth, Purpose::Sign),
            ] {
                let pem =
                    std::fs::read(dir.join(format!("{}.{kind}.pem", person.file))).expect("a key");
                let cms = sign(&pem, b"demo");
                let report = rsa.verify(&cms, None, &options(serves));
                assert!(report.valid, "{} {kind}: {}", person.file, report.to_json());
                assert_eq!(report.signers[0].signer.iin.as_deref(), Some(person.iin));
                let report = rsa.verify(&cms, None, &options(refused));
                assert_eq!(report.code, Code::KeyPurpose, "{} {kind}", person.file);
            }
        }
    }

    #[test]
    fn the_repository_demo_pki_signs_with_both_hierarchies() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/pki");
        check_gost_keys(&dir);
        check_rsa_keys(&dir);
        let mut expected: Vec<String> = Hierarchy::ALL.iter().flat_map(|h| h.files()).collect();
        expected.sort();
        let present: Vec<String> = contents(&dir).into_keys().collect();
        assert_eq!(
            present, expected,
            "demo/pki holds exactly the generated files"
        );
    }

    #[test]
    fn complete_hierarchies_are_kept_and_missing_ones_written() {
        let scratch = Scratch::new("keep");
        let dir = &scratch.0;
        let written = generate(dir, false).expect("generated");
        assert_eq!(
            written,
            [
                (Hierarchy::Rsa, Outcome::Written),
                (Hierarchy::Gost2015, Outcome::Written)
            ]
        );
        check_gost_keys(dir);
        check_rsa_keys(dir);
        let first = contents(dir);

        // Run again: nothing changes.
        let kept = generate(dir, false).expect("kept");
        assert_eq!(
            kept,
            [
                (Hierarchy::Rsa, Outcome::Kept),
                (Hierarchy::Gost2015, Outcome::Kept)
            ]
        );
        assert_eq!(contents(dir), first);

        // Without the GOST hierarchy (a demo PKI from before it): only GOST is written, the RSA
        // files stay byte-identical, and the new keys are new.
        for file in Hierarchy::Gost2015.files() {
            std::fs::remove_file(dir.join(file)).expect("removed");
        }
        let added = generate(dir, false).expect("added");
        assert_eq!(
            added,
            [
                (Hierarchy::Rsa, Outcome::Kept),
                (Hierarchy::Gost2015, Outcome::Written)
            ]
        );
        let second = contents(dir);
        assert_eq!(of(&second, Hierarchy::Rsa), of(&first, Hierarchy::Rsa));
        for (name, bytes) in of(&second, Hierarchy::Gost2015) {
            assert_ne!(Some(&bytes), first.get(&name), "{name} is new");
        }
        check_gost_keys(dir);
    }

    #[test]
    fn an_incomplete_hierarchy_is_refused_and_force_rewrites_everything() {
        let scratch = Scratch::new("partial");
        let dir = &scratch.0;
        generate(dir, false).expect("generated");
        std::fs::remove_file(dir.join("dana.gost.pem")).expect("removed");
        let before = contents(dir);
        let error = generate(dir, false).expect_err("incomplete");
        assert!(error.contains("GOST 2015-512"), "{error}");
        assert!(error.contains("missing dana.gost.pem"), "{error}");
        assert_eq!(contents(dir), before, "nothing written");

        generate(dir, true).expect("rewritten");
        let after = contents(dir);
        assert_eq!(after.len(), before.len() + 1);
        for (name, bytes) in &before {
            assert_ne!(Some(bytes), after.get(name), "{name} is rewritten");
        }
        check_gost_keys(dir);
        check_rsa_keys(dir);
    }
}
