//! Generates the demo PKI under `demo/pki/`: a test-only root and intermediate shaped like
//! NCA RK's, and signing and authentication keys for the demo people (whose IINs match the
//! demo data set). Nothing here is trusted outside the development profile.
//!
//! ```sh
//! cargo run -p signatures --example demo_pki --features testing -- demo/pki
//! ```
#![allow(
    clippy::expect_used,
    reason = "a generator script: stop with a message on failure"
)]

use signatures::testing::{CertificateBuilder, KeyPair, KeyUsageBit, Name, nca};
use std::path::PathBuf;
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

fn write(dir: &std::path::Path, name: &str, contents: &str) {
    std::fs::write(dir.join(name), contents).expect("the output folder is writable");
}

fn key_pem(key: &KeyPair) -> String {
    String::from_utf8(key.pkey().private_key_to_pem_pkcs8().expect("PKCS#8")).expect("PEM is text")
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "demo/pki".to_owned()),
    );
    std::fs::create_dir_all(&dir).expect("the output folder");
    let ca_usage = [KeyUsageBit::KeyCertSign, KeyUsageBit::CrlSign];
    let root = CertificateBuilder::new(
        Name::new().cn("DEMO ROOT (NOT NCA RK)").country("KZ"),
        &KeyPair::rsa(2048),
    )
    .validity(NOT_BEFORE, NOT_AFTER)
    .ca(None)
    .key_usage(&ca_usage)
    .self_signed();
    let intermediate = CertificateBuilder::new(
        Name::new().country("KZ").cn("DEMO NCA (NOT NCA RK)"),
        &KeyPair::rsa(2048),
    )
    .validity(NOT_BEFORE, NOT_AFTER)
    .ca(Some(0))
    .key_usage(&ca_usage)
    .policies(&[nca::POLICY_NCA_CA])
    .issued_by(&root);
    write(&dir, "root.pem", &root.pem());
    write(&dir, "intermediate.pem", &intermediate.pem());

    for person in PEOPLE {
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
        let name = name.given_name(person.patronymic);
        let role_ekus: Vec<&str> = match person.organisation {
            Some((_, role)) => vec![nca::EKU_LEGAL_ENTITY, role],
            None => vec![nca::EKU_INDIVIDUAL],
        };
        for (kind, usage, purpose_eku) in [
            (
                "sign",
                [KeyUsageBit::DigitalSignature, KeyUsageBit::NonRepudiation],
                nca::EKU_EMAIL_PROTECTION,
            ),
            (
                "auth",
                [KeyUsageBit::DigitalSignature, KeyUsageBit::KeyEncipherment],
                nca::EKU_CLIENT_AUTH,
            ),
        ] {
            let key = KeyPair::rsa(2048);
            let mut ekus = vec![purpose_eku];
            ekus.extend(&role_ekus);
            let certificate = CertificateBuilder::new(name.clone(), &key)
                .validity(NOT_BEFORE, NOT_AFTER)
                .key_usage(&usage)
                .ext_key_usage(&ekus)
                .issued_by(&intermediate);
            write(
                &dir,
                &format!("{}.{kind}.pem", person.file),
                &format!("{}{}", certificate.pem(), key_pem(&key)),
            );
        }
    }
    println!("demo PKI written to {}", dir.display());
}
