//! BER outside the signed attributes (RFC 5652 allows it): indefinite lengths and constructed
//! strings are read; signed attributes must have been received in DER. One CMS is made by
//! `openssl cms -sign -stream` at test time, the others re-encoded here from generated DER.

use crate::support::*;
use signatures::testing::der;
use signatures::testing::{self, TestPki};
use signatures::{Code, decode_cms, encapsulated_content};
use std::path::PathBuf;
use std::process::Command;

/// The path of tags, from ContentInfo down, of the signed attributes (`[0] IMPLICIT SET`).
const SIGNED_ATTRIBUTES: &[u8] = &[0x30, 0xa0, 0x30, 0x31, 0x30, 0xa0];
/// The path of tags of the eContent OCTET STRING.
const E_CONTENT: &[u8] = &[0x30, 0xa0, 0x30, 0x30, 0xa0, 0x04];

/// Re-encodes DER as BER: every constructed element with an indefinite length, except those
/// for which `keep(path)` holds (left as they are) and the signed attributes when
/// `definite_attributes` is set (a definite length around converted attributes), and the
/// eContent OCTET STRING as a constructed string of 3-octet segments.
fn to_ber(input: &[u8], path: &mut Vec<u8>, keep: &dyn Fn(&[u8]) -> bool) -> Vec<u8> {
    to_ber_with(input, path, keep, false)
}

fn to_ber_with(
    input: &[u8],
    path: &mut Vec<u8>,
    keep: &dyn Fn(&[u8]) -> bool,
    definite_attributes: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let (tag, contents, after) = der::read_tlv(rest).expect("generated DER");
        rest = after;
        path.push(tag);
        if keep(path) {
            out.extend(der::tlv(tag, contents));
        } else if definite_attributes && path.as_slice() == SIGNED_ATTRIBUTES {
            out.extend(der::tlv(
                tag,
                &to_ber_with(contents, path, keep, definite_attributes),
            ));
        } else if tag & 0x20 != 0 {
            out.extend([tag, 0x80]);
            out.extend(to_ber_with(contents, path, keep, definite_attributes));
            out.extend([0, 0]);
        } else if path.as_slice() == E_CONTENT {
            out.extend([0x24, 0x80]);
            for segment in contents.chunks(3) {
                out.extend(der::tlv(0x04, segment));
            }
            out.extend([0, 0]);
        } else {
            out.extend(der::tlv(tag, contents));
        }
        path.pop();
    }
    out
}

#[test]
fn indefinite_lengths_and_segmented_content_outside_the_signed_attributes_verify() {
    let pki = TestPki::rsa();
    let der = signed_by(&rsa_signer(&pki));
    let ber = to_ber(&der, &mut Vec::new(), &|path| {
        path.starts_with(SIGNED_ATTRIBUTES)
    });
    assert_eq!(ber[1], 0x80, "the outer length is indefinite");
    assert_ne!(ber, der);
    let verifier = verifier(&pki);
    assert_code(&verifier.verify(&ber, None, &at(AT)), Code::Ok);
    assert_code(&verifier.verify(&ber, Some(CONTENT), &at(AT)), Code::Ok);
    assert_eq!(
        encapsulated_content(&ber).expect("readable"),
        Some(CONTENT.to_vec())
    );
    // Bare base64, as NCALayer returns it, of the BER.
    let base64 = testing::cms::base64(&ber);
    assert_eq!(decode_cms(base64.as_bytes()).as_deref(), Some(&ber[..]));
    assert_code(&verifier.verify(base64.as_bytes(), None, &at(AT)), Code::Ok);

    // Detached, in BER.
    let leaf = rsa_signer(&pki);
    let detached = testing::CmsBuilder::new(CONTENT)
        .detached()
        .certificate(&leaf)
        .signer(testing::SignerSpec::new(&leaf))
        .build();
    let detached = to_ber(&detached, &mut Vec::new(), &|path| {
        path.starts_with(SIGNED_ATTRIBUTES)
    });
    assert_eq!(encapsulated_content(&detached).expect("readable"), None);
    assert_code(
        &verifier.verify(&detached, None, &at(AT)),
        Code::ContentMissing,
    );
    assert_code(
        &verifier.verify(&detached, Some(CONTENT), &at(AT)),
        Code::Ok,
    );
    assert_code(
        &verifier.verify(&detached, Some(b"other"), &at(AT)),
        Code::DigestMismatch,
    );
}

#[test]
fn signed_attributes_that_are_not_der_are_malformed() {
    let pki = TestPki::rsa();
    let der = signed_by(&rsa_signer(&pki));
    // Everything indefinite, the signed attributes too.
    let all = to_ber(&der, &mut Vec::new(), &|_| false);
    let report = verifier(&pki).verify(&all, None, &at(AT));
    assert_code(&report, Code::Malformed);
    assert!(
        report.message.contains("signed attributes"),
        "{}",
        report.message
    );
    assert!(encapsulated_content(&all).is_err());
    // The signed attributes with a definite length, the attributes in them indefinite.
    let one = to_ber_with(
        &der,
        &mut Vec::new(),
        &|path| path.len() > SIGNED_ATTRIBUTES.len() + 1,
        true,
    );
    assert_eq!(
        encapsulated_content(&one).expect_err("not DER").code(),
        Code::Malformed
    );
    assert_code(&verifier(&pki).verify(&one, None, &at(AT)), Code::Malformed);
}

#[test]
fn a_carried_crl_that_is_not_ber_inside_is_left_to_its_own_parser() {
    // Found by the fuzz target `crl`: a CRL whose TBS signature algorithm holds a zero tag
    // (not BER) where x509-parser reads only what it needs made the whole CMS MALFORMED. Its
    // definite length bounds it, so it is kept as it is and judged by the CRL parser alone.
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let crl = pki.crl().build();
    let (_, body, _) = der::read_tlv(&crl).expect("a CRL");
    let (_, tbs_contents, after) = der::read_tlv(body).expect("a TBS");
    let tbs = &body[..body.len() - after.len()];
    assert!(!tbs_contents.is_empty());
    // sha256WithRSAEncryption's NULL parameters become a zero tag.
    let tbs = patch(
        tbs,
        &[0x01, 0x01, 0x0b, 0x05, 0x00],
        &[0x01, 0x01, 0x0b, 0x00, 0x00],
    );
    let scheme = pki.intermediate.key.default_scheme();
    let odd = der::sequence(&[
        tbs.clone(),
        scheme.algorithm_identifier(),
        der::bit_string(&pki.intermediate.key.sign(scheme, &tbs)),
    ]);
    assert!(
        signatures::Crl::from_der(&odd).is_ok(),
        "the CRL parser accepts it"
    );
    let der = testing::CmsBuilder::new(CONTENT)
        .certificate(&leaf)
        .crl(odd)
        .signer(testing::SignerSpec::new(&leaf))
        .build();
    let ber = to_ber(&der, &mut Vec::new(), &|path| {
        path.starts_with(SIGNED_ATTRIBUTES) || path == [0x30, 0xa0, 0x30, 0xa1, 0x30]
    });
    for cms in [der, ber] {
        let report = verifier(&pki).verify(&cms, None, &at(AT));
        assert_ne!(report.code, Code::Malformed, "{}", report.to_json());
    }
}

/// A scratch directory for one test's files, removed when it is dropped.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("signatures-ber-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    Scratch(dir)
}

/// Signs `CONTENT` with `openssl cms -sign -stream` (BER: indefinite lengths, the content in
/// a constructed OCTET STRING), with or without `-nodetach`.
fn openssl_stream_sign(leaf: &testing::Certificate, attached: bool) -> Vec<u8> {
    let dir = scratch(if attached { "nodetach" } else { "default" });
    let (content, certificate, key, out) = (
        dir.join("content"),
        dir.join("signer.pem"),
        dir.join("signer.key"),
        dir.join("cms.der"),
    );
    std::fs::write(&content, CONTENT).expect("write");
    std::fs::write(&certificate, leaf.pem()).expect("write");
    let key_pem = leaf
        .key
        .pkey()
        .private_key_to_pem_pkcs8()
        .expect("the key as PEM");
    std::fs::write(&key, key_pem).expect("write");
    let mut command = Command::new("openssl");
    command.args([
        "cms", "-sign", "-stream", "-binary", "-md", "sha256", "-outform", "DER",
    ]);
    if attached {
        command.arg("-nodetach");
    }
    command
        .arg("-in")
        .arg(&content)
        .arg("-signer")
        .arg(&certificate)
        .arg("-inkey")
        .arg(&key)
        .arg("-out")
        .arg(&out);
    let status = command.status().expect("openssl runs");
    assert!(status.success(), "openssl cms -sign failed");
    let cms = std::fs::read(&out).expect("openssl wrote the CMS");
    drop(dir);
    cms
}

#[test]
fn openssl_streaming_signatures_verify() {
    let pki = TestPki::rsa();
    let leaf = rsa_signer(&pki);
    let verifier = verifier(&pki);

    let attached = openssl_stream_sign(&leaf, true);
    assert_eq!(
        attached.get(1),
        Some(&0x80),
        "-stream writes indefinite lengths"
    );
    assert!(
        attached.windows(2).any(|w| w == [0x24, 0x80]),
        "-stream writes the content as a constructed OCTET STRING"
    );
    assert_code(&verifier.verify(&attached, None, &at(AT)), Code::Ok);
    assert_eq!(
        encapsulated_content(&attached).expect("readable"),
        Some(CONTENT.to_vec())
    );
    assert_eq!(decode_cms(&attached).as_deref(), Some(&attached[..]));

    // Without -nodetach, streamed DER output still carries the content (OpenSSL writes
    // it into the stream): it verifies the same way.
    let streamed = openssl_stream_sign(&leaf, false);
    assert_eq!(streamed.get(1), Some(&0x80));
    assert_code(
        &verifier.verify(&streamed, Some(CONTENT), &at(AT)),
        Code::Ok,
    );
}
