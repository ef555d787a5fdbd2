//! The `eds-verify` contract: arguments, exit statuses and the JSON report, checked against
//! `report.schema.json`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

#[path = "support/mod.rs"]
mod support;

use serde_json::Value;
use signatures::testing::{CmsBuilder, SignerSpec, TestPki, cms, crl};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::*;

/// A test's scratch folder, removed when the test ends (passed or failed).
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh directory for one test's files.
fn scratch() -> Scratch {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "eds-verify-test-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    Scratch(dir)
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("a scratch file");
    path.to_string_lossy().into_owned()
}

fn eds_verify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eds-verify"))
        .args(args)
        .output()
        .expect("eds-verify runs")
}

/// Parses stdout as the report and checks it against the schema.
fn report(output: &Output) -> Value {
    let report: Value = serde_json::from_slice(&output.stdout).expect("stdout is one JSON object");
    let schema: Value =
        serde_json::from_str(include_str!("../report.schema.json")).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report violates the schema: {errors:?}\n{report}"
    );
    report
}

struct Files {
    dir: Scratch,
    root: String,
    intermediate: String,
    pki: TestPki,
}

fn files() -> Files {
    let pki = TestPki::rsa();
    let dir = scratch();
    // The trust file holds two PEM certificates; the intermediate is DER.
    let other = TestPki::ec_p256();
    let root = write(
        &dir,
        "roots.pem",
        format!("{}{}", other.root.pem(), pki.root.pem()),
    );
    let intermediate = write(&dir, "intermediate.cer", &pki.intermediate.der);
    Files {
        dir,
        root,
        intermediate,
        pki,
    }
}

const AT_ARG: &str = "2021-06-01T00:00:00Z";

#[test]
fn a_valid_signature_exits_0_with_the_report() {
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let signature = write(&f.dir, "signed.p7s", signed_by(&leaf));
    let output = eds_verify(&[
        "--trust",
        &f.root,
        "--intermediate",
        &f.intermediate,
        "--at",
        AT_ARG,
        &signature,
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = report(&output);
    assert_eq!(report["valid"], true);
    assert_eq!(report["code"], "OK");
    let signer = &report["signers"][0];
    assert_eq!(signer["iin"], IIN);
    assert_eq!(signer["bin"], Value::Null);
    assert_eq!(signer["commonName"], "ТЕСТОВ ТЕСТ");
    let serial = signer["serialNumber"].as_str().expect("a serial");
    assert_eq!(
        serial,
        signatures::Certificate::from_der(&leaf.der)
            .expect("parses")
            .serial_hex()
    );
    assert_eq!(signer["chain"].as_array().map(Vec::len), Some(3));
    assert_eq!(signer["chain"][2]["subject"], signer["chain"][2]["issuer"]);
}

#[test]
fn without_at_the_validation_time_is_the_system_time() {
    // The one test that depends on real time, because the contract is about it: eds-verify
    // reads the system clock when `--at` is absent. The test reads no clock itself and relies
    // only on today being after 2022-01-18, when the test leaf expired.
    let f = files();
    let signature = write(&f.dir, "signed.p7s", signed_by(&rsa_signer(&f.pki)));
    let output = eds_verify(&[
        "--trust",
        &f.root,
        "--intermediate",
        &f.intermediate,
        &signature,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report = report(&output);
    assert_eq!(report["code"], "CERT_EXPIRED");
    let time = report["validationTime"]
        .as_str()
        .expect("a validation time");
    let time = signatures::parse_rfc3339(time).expect("RFC 3339");
    assert_eq!(time.nanosecond(), 0, "whole seconds");
}

#[test]
fn detached_content_pem_and_base64_inputs_are_accepted() {
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let der = CmsBuilder::new(CONTENT)
        .detached()
        .certificate(&leaf)
        .signer(SignerSpec::new(&leaf))
        .build();
    let content = write(&f.dir, "content.bin", CONTENT);
    for (name, bytes) in [
        ("pem", cms::pem(&der).into_bytes()),
        ("b64", cms::base64(&der).into_bytes()),
    ] {
        let signature = write(&f.dir, name, bytes);
        let base = [
            "--trust",
            &f.root,
            "--intermediate",
            &f.intermediate,
            "--at",
            AT_ARG,
        ];
        let with = eds_verify(&[&base[..], &["--content", &content, &signature]].concat());
        assert_eq!(with.status.code(), Some(0), "{name}");
        report(&with);
        let without = eds_verify(&[&base[..], &[signature.as_str()]].concat());
        assert_eq!(without.status.code(), Some(1), "{name}");
        assert_eq!(report(&without)["code"], "CONTENT_MISSING");
    }
}

#[test]
fn purpose_revocation_and_crl_options_work() {
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let signature = write(&f.dir, "signed.p7s", signed_by(&leaf));
    let leaf_crl = write(
        &f.dir,
        "nca.crl",
        f.pki
            .crl()
            .revoke(&leaf.serial, AT - time::Duration::days(1), None)
            .build(),
    );
    let root_crl = write(
        &f.dir,
        "root.crl",
        crl::pem(&signatures::testing::CrlBuilder::new(&f.pki.root).build()),
    );
    let base = [
        "--trust",
        f.root.as_str(),
        "--intermediate",
        f.intermediate.as_str(),
        "--at",
        AT_ARG,
    ];

    let auth = eds_verify(&[&base[..], &["--purpose", "auth", &signature]].concat());
    assert_eq!(auth.status.code(), Some(1));
    assert_eq!(report(&auth)["code"], "KEY_PURPOSE");

    let unknown = eds_verify(&[&base[..], &["--require-revocation", &signature]].concat());
    assert_eq!(report(&unknown)["code"], "REVOCATION_UNKNOWN");

    let revoked = eds_verify(
        &[
            &base[..],
            &[
                "--crl",
                &leaf_crl,
                "--crl",
                &root_crl,
                "--require-revocation",
                &signature,
            ],
        ]
        .concat(),
    );
    assert_eq!(revoked.status.code(), Some(1));
    let revoked = report(&revoked);
    assert_eq!(revoked["code"], "REVOKED");
    assert_eq!(
        revoked["signers"][0]["revocation"]["revokedAt"],
        "2021-05-31T00:00:00Z"
    );
}

#[test]
fn a_malformed_signature_file_is_invalid_not_a_usage_error() {
    let f = files();
    let garbage = write(&f.dir, "garbage.p7s", b"\x30\x82\xff\xffnot a signature");
    let output = eds_verify(&["--trust", &f.root, &garbage]);
    assert_eq!(output.status.code(), Some(1));
    let report = report(&output);
    assert_eq!(report["code"], "MALFORMED");
    assert_eq!(report["signers"], serde_json::json!([]));
}

#[test]
fn unreadable_inputs_and_bad_arguments_are_usage_errors() {
    let f = files();
    let signature = write(&f.dir, "signed.p7s", signed_by(&rsa_signer(&f.pki)));
    let not_a_cert = write(
        &f.dir,
        "not-a-cert.pem",
        "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n",
    );
    let missing = f.dir.join("missing").to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("missing trust file", vec!["--trust", &missing, &signature]),
        (
            "unparsable trust file",
            vec!["--trust", &not_a_cert, &signature],
        ),
        (
            "unparsable CRL",
            vec!["--trust", &f.root, "--crl", &f.root, &signature],
        ),
        (
            "missing content",
            vec!["--trust", &f.root, "--content", &missing, &signature],
        ),
        ("missing signature", vec!["--trust", &f.root, &missing]),
        (
            "bad time",
            vec!["--trust", &f.root, "--at", "yesterday", &signature],
        ),
        (
            "bad purpose",
            vec!["--trust", &f.root, "--purpose", "encrypt", &signature],
        ),
        ("unknown option", vec!["--frobnicate", &signature]),
        ("no signature file", vec!["--trust", &f.root]),
        ("two signature files", vec![&signature, &signature]),
        ("option without value", vec!["--trust"]),
    ];
    for (name, args) in cases {
        let output = eds_verify(&args);
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(
            output.stdout.is_empty(),
            "{name}: no report on a usage error"
        );
        assert!(!output.stderr.is_empty(), "{name}: the reason is on stderr");
    }
}

#[test]
fn the_nca_test_file_verifies_through_the_cli() {
    let Some(dir) = signatures::testing::nca_vectors() else {
        return;
    };
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let output = eds_verify(&[
        "--trust",
        &path("root_rsa_test.crt"),
        "--intermediate",
        &path("nca_rsa_test.crt"),
        "--crl",
        &path("nca_rsa_test.crl"),
        "--at",
        AT_ARG,
        &path("cms_attached_1signer_rsa_test123.p7s"),
    ]);
    assert_eq!(output.status.code(), Some(0));
    let single = report(&output);
    assert_eq!(single["signers"][0]["iin"], "123456789011");
    assert_eq!(single["signers"][0]["signingTime"], "2022-09-28T14:40:30Z");

    let output = eds_verify(&[
        "--trust",
        &path("root_rsa_test.crt"),
        "--intermediate",
        &path("nca_rsa_test.crt"),
        "--at",
        AT_ARG,
        &path("cms_attached_2signers_gost2015_rsa_test123.p7s"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let two = report(&output);
    // The GOST 2015 signer verifies, but its certificate chains to nothing configured.
    assert_eq!(two["code"], "UNTRUSTED_CHAIN");
    assert_eq!(two["signers"][1]["code"], "OK");

    // With its issuer as anchor and its CRL, at its signing time, the GOST signer is valid.
    let output = eds_verify(&[
        "--trust",
        &path("nca_gost2015_test.cer"),
        "--crl",
        &path("nca_gost2022_test.crl"),
        "--require-revocation",
        "--at",
        "2022-09-27T21:17:59Z",
        &path("cms_attached_2signers_gost2015_rsa_test123.p7s"),
    ]);
    let gost = report(&output);
    assert_eq!(gost["signers"][0]["code"], "OK", "{gost}");
    assert_eq!(
        gost["signers"][0]["signatureAlgorithm"],
        "GOST R 34.10-2015 (512 bits) with Streebog-512"
    );
}

#[test]
fn eds_sign_signs_like_ncalayer_and_eds_verify_accepts_it() {
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let key_pem = String::from_utf8(leaf.key.pkey().private_key_to_pem_pkcs8().unwrap()).unwrap();
    let key_file = write(&f.dir, "signer.pem", format!("{}{key_pem}", leaf.pem()));
    let content = write(&f.dir, "content.bin", CONTENT);
    let sign = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_eds-sign"))
            .args(args)
            .output()
            .expect("eds-sign runs")
    };
    let cases: [(&str, Vec<&str>, bool); 3] = [
        (
            "attached, bare base64",
            vec!["--key", &key_file, &content],
            false,
        ),
        (
            "detached, PEM armour",
            vec!["--key", &key_file, "--detached", "--armor", &content],
            true,
        ),
        (
            "decoded from --base64",
            vec!["--key", &key_file, "--base64", "dGVzdDEyMw=="],
            false,
        ),
    ];
    for (name, args, detached) in cases {
        let signed = sign(&args);
        assert!(
            signed.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&signed.stderr)
        );
        let output = String::from_utf8(signed.stdout).unwrap();
        assert_eq!(
            output.starts_with("-----BEGIN CMS-----"),
            args.contains(&"--armor"),
            "{name}"
        );
        let signature = write(&f.dir, "signed.out", output);
        let mut verify = vec![
            "--trust",
            f.root.as_str(),
            "--intermediate",
            f.intermediate.as_str(),
            "--at",
            AT_ARG,
        ];
        if detached {
            verify.extend(["--content", content.as_str()]);
        }
        verify.push(&signature);
        let verified = eds_verify(&verify);
        assert_eq!(
            verified.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&verified.stdout)
        );
    }
    let usage = sign(&["--key", &key_file]);
    assert_eq!(
        usage.status.code(),
        Some(2),
        "nothing to sign is a usage error"
    );
    let no_key = sign(&[&content]);
    assert_eq!(no_key.status.code(), Some(2));
}

#[test]
fn eds_sign_signs_with_gost_2015_keys_and_eds_verify_accepts_them() {
    let pki = TestPki::gost2015();
    let dir = scratch();
    let leaf = pki.individual_sign(IIN).issued_by(&pki.intermediate);
    let key_file = write(
        &dir,
        "gost.pem",
        format!("{}{}", leaf.pem(), leaf.key.private_key_pem()),
    );
    let content = write(&dir, "content.bin", CONTENT);
    let root = write(&dir, "root.pem", pki.root.pem());
    let intermediate = write(&dir, "intermediate.pem", pki.intermediate.pem());
    for detached in [false, true] {
        let mut args = vec!["--key", key_file.as_str()];
        if detached {
            args.push("--detached");
        }
        args.push(&content);
        let signed = Command::new(env!("CARGO_BIN_EXE_eds-sign"))
            .args(&args)
            .output()
            .expect("eds-sign runs");
        assert!(
            signed.status.success(),
            "{}",
            String::from_utf8_lossy(&signed.stderr)
        );
        let signature = write(&dir, "gost.p7s", signed.stdout);
        let mut verify = vec![
            "--trust",
            root.as_str(),
            "--intermediate",
            intermediate.as_str(),
            "--at",
            AT_ARG,
        ];
        if detached {
            verify.extend(["--content", content.as_str()]);
        }
        verify.push(&signature);
        let output = eds_verify(&verify);
        let verdict = report(&output);
        assert_eq!(output.status.code(), Some(0), "{verdict}");
        assert_eq!(
            verdict["signers"][0]["signatureAlgorithm"],
            "GOST R 34.10-2015 (512 bits) with Streebog-512"
        );
    }
}

/// Warnings of the first signer with this code.
fn warnings_with(report: &Value, code: &str) -> Vec<String> {
    report["signers"][0]["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|w| w["code"] == code)
        .filter_map(|w| w["message"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn an_unusable_crl_file_is_ignored_with_a_warning_and_never_hides_the_others() {
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let signature = write(&f.dir, "signed.p7s", signed_by(&leaf));
    let revoking = f
        .pki
        .crl()
        .revoke(&leaf.serial, AT - time::Duration::days(1), None)
        .build();
    let root_crl = write(
        &f.dir,
        "root.crl",
        crl::pem(&signatures::testing::CrlBuilder::new(&f.pki.root).build()),
    );
    // The signature BIT STRING is the last TLV: its first content octet is the unused-bits count.
    let mut unused_bits = revoking.clone();
    let position = unused_bits.len() - 257;
    assert_eq!(unused_bits[position], 0, "the unused-bits octet");
    unused_bits[position] = 1;
    let unused_bits = write(&f.dir, "unused-bits.crl", unused_bits);
    // Shaped like a CRL, but its thisUpdate is no time: it cannot be read.
    let mut unreadable = revoking.clone();
    let time_at = unreadable
        .windows(2)
        .position(|w| w == [0x17, 0x0d])
        .expect("a UTCTime");
    unreadable[time_at + 3] = b'X';
    let unreadable = write(&f.dir, "unreadable.crl", unreadable);
    let revoking = write(&f.dir, "revoking.crl", revoking);
    let base = [
        "--trust",
        f.root.as_str(),
        "--intermediate",
        f.intermediate.as_str(),
        "--at",
        AT_ARG,
    ];

    // The CRL with unused bits parses and is ignored as a CRL whose signature does not
    // verify: it counts as no CRL for the leaf, so revocation is unknown, not a usage error.
    let output = eds_verify(
        &[
            &base[..],
            &[
                "--crl",
                &unused_bits,
                "--crl",
                &root_crl,
                "--require-revocation",
                &signature,
            ],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    let required = report(&output);
    assert_eq!(required["code"], "REVOCATION_UNKNOWN");
    let ignored = warnings_with(&required, "CRL_IGNORED");
    assert!(
        ignored.iter().any(|m| m.contains("unused-bits.crl")),
        "{required}"
    );
    let output = eds_verify(
        &[
            &base[..],
            &["--crl", &unused_bits, "--crl", &root_crl, &signature],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(0));
    let optional = report(&output);
    assert!(
        warnings_with(&optional, "CRL_IGNORED")
            .iter()
            .any(|m| m.contains("unused-bits.crl")),
        "{optional}"
    );

    // An unreadable CRL, in any position, leaves the others in force: the leaf is revoked.
    for order in [
        [&unreadable, &unused_bits, &revoking, &root_crl],
        [&root_crl, &revoking, &unused_bits, &unreadable],
    ] {
        let crls: Vec<&str> = order
            .iter()
            .flat_map(|file| ["--crl", file.as_str()])
            .collect();
        let output =
            eds_verify(&[&base[..], &crls[..], &["--require-revocation", &signature]].concat());
        assert_eq!(output.status.code(), Some(1));
        let revoked = report(&output);
        assert_eq!(revoked["code"], "REVOKED", "{revoked}");
        let ignored = warnings_with(&revoked, "CRL_IGNORED");
        assert!(
            ignored.iter().any(|m| m.contains("unreadable.crl")),
            "{revoked}"
        );
    }

    // A file that is no CRL at all (a DER certificate) stays a usage error.
    let output = eds_verify(
        &[
            &base[..],
            &["--crl", &f.intermediate, "--crl", &root_crl, &signature],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

#[test]
fn help_exits_0_with_usage_on_stdout_and_a_usage_error_exits_2_with_it_on_stderr() {
    for binary in [
        env!("CARGO_BIN_EXE_eds-verify"),
        env!("CARGO_BIN_EXE_eds-sign"),
    ] {
        for flag in ["--help", "-h"] {
            let help = Command::new(binary).arg(flag).output().expect("runs");
            assert_eq!(help.status.code(), Some(0), "{binary} {flag}");
            assert!(String::from_utf8_lossy(&help.stdout).starts_with("usage:"));
        }
        let wrong = Command::new(binary)
            .arg("--frobnicate")
            .output()
            .expect("runs");
        assert_eq!(wrong.status.code(), Some(2), "{binary}");
        assert!(String::from_utf8_lossy(&wrong.stderr).contains("usage:"));
    }
}

#[test]
fn a_reader_that_closes_the_pipe_early_makes_no_panic() {
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let signature = write(&f.dir, "signed.p7s", signed_by(&leaf));
    let mut child = Command::new(env!("CARGO_BIN_EXE_eds-verify"))
        .args([
            "--trust",
            &f.root,
            "--intermediate",
            &f.intermediate,
            "--at",
            AT_ARG,
        ])
        .arg(&signature)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    // `| head -c 0`: the reading end is closed before the report is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn the_certificate_form_validates_a_path_for_a_purpose_with_ocsp() {
    use signatures::testing::ocsp::{OcspResponseBuilder, OcspStatus};
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let certificate = write(&f.dir, "leaf.pem", leaf.pem());
    let certificate_der = write(&f.dir, "leaf.cer", &leaf.der);
    let base = [
        "certificate",
        "--trust",
        f.root.as_str(),
        "--intermediate",
        f.intermediate.as_str(),
        "--at",
        AT_ARG,
    ];
    let valid = eds_verify(&[&base[..], &["--purpose", "sign", &certificate]].concat());
    assert_eq!(
        valid.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&valid.stderr)
    );
    let valid = report(&valid);
    assert_eq!(valid["code"], "OK");
    assert_eq!(valid["signer"]["iin"], "123456789011");
    assert_eq!(valid["chain"].as_array().map(Vec::len), Some(3));
    let any = eds_verify(&[&base[..], &["--purpose", "any", &certificate_der]].concat());
    assert_eq!(report(&any)["code"], "OK");
    let auth = eds_verify(&[&base[..], &["--purpose", "auth", &certificate]].concat());
    assert_eq!(auth.status.code(), Some(1));
    assert_eq!(report(&auth)["code"], "KEY_PURPOSE");

    let revoked = OcspResponseBuilder::new(&leaf, &f.pki.intermediate, &f.pki.intermediate)
        .status(OcspStatus::Revoked(AT - time::Duration::days(1), Some(1)))
        .build();
    let revoked = write(&f.dir, "revoked.ocsp", &revoked);
    let good_other = OcspResponseBuilder::new(
        &rsa_signer(&f.pki),
        &f.pki.intermediate,
        &f.pki.intermediate,
    )
    .build();
    let good_other = write(&f.dir, "other.ocsp", &good_other);
    let output = eds_verify(
        &[
            &base[..],
            &["--ocsp", &good_other, "--ocsp", &revoked, &certificate],
        ]
        .concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    let output = report(&output);
    assert_eq!(output["code"], "REVOKED");
    assert_eq!(output["revocation"]["reason"], "keyCompromise");
    assert_eq!(
        output["evidence"]["ocspResponses"].as_array().map(Vec::len),
        Some(1)
    );
    // The CMS form takes --ocsp too.
    let signature = write(&f.dir, "signed.p7s", signed_by(&leaf));
    let cms = eds_verify(&[
        "--trust",
        &f.root,
        "--intermediate",
        &f.intermediate,
        "--at",
        AT_ARG,
        "--ocsp",
        &revoked,
        &signature,
    ]);
    assert_eq!(report(&cms)["code"], "REVOKED");

    // Usage errors: an unreadable OCSP file, --content, no certificate file.
    let garbage = write(&f.dir, "garbage.ocsp", b"not an OCSP response");
    let bad = eds_verify(&[&base[..], &["--ocsp", &garbage, &certificate]].concat());
    assert_eq!(bad.status.code(), Some(2));
    let content = eds_verify(&[&base[..], &["--content", &certificate, &certificate]].concat());
    assert_eq!(content.status.code(), Some(2));
    let none = eds_verify(&base);
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn evidence_from_an_earlier_report_re_checks_a_decision_without_the_trust_stores_crls() {
    use signatures::testing::{CrlBuilder, TimestampSpec, cached_rsa_2048};
    use time::macros::datetime;
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let tsa = f.pki.tsa(cached_rsa_2048(5)).issued_by(&f.pki.intermediate);
    let signature = write(
        &f.dir,
        "stamped.p7s",
        CmsBuilder::new(CONTENT)
            .certificate(&leaf)
            .signer(SignerSpec::new(&leaf).timestamp(TimestampSpec::new(&tsa, AT)))
            .build(),
    );
    let issued = datetime!(2021-06-02 0:00 UTC);
    let week = Some(datetime!(2021-06-09 0:00 UTC));
    let intermediate_crl = write(
        &f.dir,
        "intermediate.crl",
        f.pki.crl().this_update(issued).next_update(week).build(),
    );
    let root_crl = write(
        &f.dir,
        "root.crl",
        CrlBuilder::new(&f.pki.root)
            .this_update(issued)
            .next_update(week)
            .build(),
    );
    let base = [
        "--trust",
        f.root.as_str(),
        "--intermediate",
        f.intermediate.as_str(),
        "--require-revocation",
    ];
    // Without --at the timestamp decides; the CRLs, issued after it, prove "not revoked".
    let first = eds_verify(
        &[
            &base[..],
            &["--crl", &intermediate_crl, "--crl", &root_crl, &signature],
        ]
        .concat(),
    );
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    assert_eq!(
        report(&first)["evidence"]["crls"].as_array().map(Vec::len),
        Some(2)
    );
    let kept = write(&f.dir, "first.json", &first.stdout);

    let without = eds_verify(&[&base[..], &[signature.as_str()]].concat());
    assert_eq!(without.status.code(), Some(1));
    assert_eq!(report(&without)["code"], "REVOCATION_UNKNOWN");
    // The report alone names its CRLs; the missing ones are said.
    let named = eds_verify(&[&base[..], &["--evidence", &kept, &signature]].concat());
    assert_eq!(named.status.code(), Some(1));
    let named = report(&named);
    assert!(
        !warnings_with(&named, "EVIDENCE_CRL_MISSING").is_empty(),
        "{named}"
    );
    // With the CRLs kept beside it, the decision holds again.
    let garbage = write(&f.dir, "garbage.bin", b"neither a report nor a CRL");
    let again = eds_verify(
        &[
            &base[..],
            &[
                "--evidence",
                &kept,
                "--evidence",
                &intermediate_crl,
                "--evidence",
                &root_crl,
                "--evidence",
                &garbage,
                &signature,
            ],
        ]
        .concat(),
    );
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let again = report(&again);
    assert!(
        !warnings_with(&again, "EVIDENCE_IGNORED").is_empty(),
        "{again}"
    );
    assert!(
        warnings_with(&again, "EVIDENCE_CRL_MISSING").is_empty(),
        "{again}"
    );
    // A JSON file that is not a report, or is unreadable, is a usage error.
    let not_a_report = write(&f.dir, "other.json", b"{\"valid\": true}");
    for file in [not_a_report.as_str(), "/nonexistent/report.json"] {
        let bad = eds_verify(&[&base[..], &["--evidence", file, &signature]].concat());
        assert_eq!(bad.status.code(), Some(2), "{file}");
    }
}

#[test]
fn ocsp_nonce_requires_the_response_to_carry_the_nonce_sent() {
    use signatures::testing::CrlBuilder;
    use signatures::testing::ocsp::OcspResponseBuilder;
    let f = files();
    let leaf = rsa_signer(&f.pki);
    let certificate = write(&f.dir, "leaf.pem", leaf.pem());
    let root_crl = write(&f.dir, "root.crl", CrlBuilder::new(&f.pki.root).build());
    let response = write(
        &f.dir,
        "nonce.ocsp",
        OcspResponseBuilder::new(&leaf, &f.pki.intermediate, &f.pki.intermediate)
            .nonce(&[0xca, 0xfe, 0x01])
            .build(),
    );
    let base = [
        "certificate",
        "--trust",
        f.root.as_str(),
        "--intermediate",
        f.intermediate.as_str(),
        "--crl",
        root_crl.as_str(),
        "--at",
        AT_ARG,
        "--require-revocation",
        "--ocsp",
        response.as_str(),
    ];
    let sent = eds_verify(&[&base[..], &["--ocsp-nonce", "CAFE01", &certificate]].concat());
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stdout)
    );
    let other = eds_verify(&[&base[..], &["--ocsp-nonce", "cafe02", &certificate]].concat());
    assert_eq!(other.status.code(), Some(1));
    let other = report(&other);
    assert_eq!(other["code"], "REVOCATION_UNKNOWN");
    assert!(
        other["warnings"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w["code"] == "OCSP_IGNORED"
                && w["message"].as_str().is_some_and(|m| m.contains("nonce")))),
        "{other}"
    );
    // Without --ocsp-nonce the nonce is not checked.
    assert_eq!(
        eds_verify(&[&base[..], &[certificate.as_str()]].concat())
            .status
            .code(),
        Some(0)
    );
    // Usage errors: bad hex, twice, or before any --ocsp.
    for args in [
        &["--ocsp-nonce", "cafe0", &certificate][..],
        &["--ocsp-nonce", "zz", &certificate],
        &["--ocsp-nonce", "01", "--ocsp-nonce", "02", &certificate],
    ] {
        let bad = eds_verify(&[&base[..], args].concat());
        assert_eq!(bad.status.code(), Some(2), "{args:?}");
    }
    let first = eds_verify(&[
        "certificate",
        "--ocsp-nonce",
        "01",
        "--ocsp",
        &response,
        &certificate,
    ]);
    assert_eq!(first.status.code(), Some(2));
}
