//! GOST against an independent implementation: OpenSSL's GOST engine (Debian's
//! `libengine-gost-openssl`, which `.ci/run` installs), driven through the `openssl` command.
//!
//! The engine writes TC26's encodings (RFC 9215): the key's OCTET STRING is x‖y little-endian,
//! as NCA RK's, under TC26 OIDs; a signature is s‖r big-endian, the byte reversal of NCA RK's
//! r‖s little-endian. `pkeyutl` signs a digest we compute (Streebog confirmed by `openssl dgst
//! -md_gost12_512`); the tests map the OIDs and the byte order and verify, both ways. (Not
//! `openssl cms -sign`: OpenSSL 3.0's CMS with engine digests is fragile.)
//!
//! Without the engine these tests say so once and do not run; with `REAL_PEERS_REQUIRED=1` a
//! missing engine fails them.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

use signatures::testing::der;
use signatures::testing::gost::{self, Curve, Hash, gost_engine};
use signatures::{Certificate, Code, Options, Verifier};
use std::path::{Path, PathBuf};
use std::process::Command;
use time::macros::datetime;

/// A scratch folder of its own for each test, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("gost-engine-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }

    fn write(&self, file: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(file);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `openssl <args> -engine gost`, returning its stdout.
fn openssl(args: &[&str], paths: &[&Path]) -> Vec<u8> {
    let mut command = Command::new("openssl");
    command.args(args);
    for path in paths {
        command.arg(path);
    }
    let output = command.output().expect("the openssl command runs");
    assert!(
        output.status.success(),
        "openssl {args:?} {paths:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// An engine key: (private key PEM path, SubjectPublicKeyInfo DER in TC26's form).
fn engine_key(scratch: &Scratch, algorithm: &str, paramset: &str) -> (PathBuf, Vec<u8>) {
    let key = scratch.path(&format!("{algorithm}-{paramset}.pem"));
    openssl(
        &[
            "genpkey",
            "-engine",
            "gost",
            "-algorithm",
            algorithm,
            "-pkeyopt",
            &format!("paramset:{paramset}"),
            "-out",
        ],
        &[&key],
    );
    let spki = openssl(
        &[
            "pkey", "-engine", "gost", "-pubout", "-outform", "DER", "-in",
        ],
        &[&key],
    );
    (key, spki)
}

/// The x‖y of a SubjectPublicKeyInfo: the OCTET STRING inside its BIT STRING.
fn key_octets(spki: &[u8]) -> Vec<u8> {
    let (_, content, _) = der::read_tlv(spki).unwrap();
    let (_, _, rest) = der::read_tlv(content).unwrap();
    let (tag, bits, _) = der::read_tlv(rest).unwrap();
    assert_eq!(tag, der::TAG_BIT_STRING);
    let (tag, octets, _) = der::read_tlv(&bits[1..]).unwrap();
    assert_eq!(tag, 0x04);
    octets.to_vec()
}

/// The engine's signature (s‖r big-endian) of `digest`, as NCA RK writes it (r‖s
/// little-endian).
fn engine_sign(scratch: &Scratch, key: &Path, digest: &[u8]) -> Vec<u8> {
    let input = scratch.write("digest.bin", digest);
    let mut signature = openssl(
        &["pkeyutl", "-engine", "gost", "-sign", "-inkey"],
        &[key, Path::new("-in"), &input],
    );
    signature.reverse();
    signature
}

/// Whether the engine accepts our signature (r‖s little-endian, turned into its s‖r big-endian).
fn engine_verifies(scratch: &Scratch, spki: &[u8], digest: &[u8], signature: &[u8]) -> bool {
    let public = scratch.write("public.der", spki);
    let input = scratch.write("digest.bin", digest);
    let mut reversed = signature.to_vec();
    reversed.reverse();
    let sigfile = scratch.write("signature.bin", &reversed);
    Command::new("openssl")
        .args([
            "pkeyutl", "-engine", "gost", "-verify", "-pubin", "-keyform", "DER", "-inkey",
        ])
        .arg(&public)
        .arg("-in")
        .arg(&input)
        .arg("-sigfile")
        .arg(&sigfile)
        .output()
        .expect("the openssl command runs")
        .status
        .success()
}

#[test]
fn streebog_agrees_with_the_engine() {
    if !gost_engine() {
        return;
    }
    let scratch = Scratch::new("dgst");
    for len in [0usize, 1, 63, 64, 65, 127, 128, 1000] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let file = scratch.write("data.bin", &data);
        for (md, hash) in [
            ("-md_gost12_512", Hash::Streebog512),
            ("-md_gost12_256", Hash::Streebog256),
        ] {
            let engine = openssl(&["dgst", "-engine", "gost", md, "-binary"], &[&file]);
            assert_eq!(hash.compute(&data), engine, "{md} over {len} bytes");
        }
    }
}

/// Every curve of the module, as the engine names its parameter sets, with the hash of its
/// key size (GOST 34.311-95 for the 2001 key: the engine's own md_gost94 uses the CryptoPro
/// S-box, not NCA RK's test S-box, so only the signature is compared there).
const CASES: [(&str, &str, Curve, Hash); 8] = [
    ("gost2012_512", "A", Curve::Tc26_512A, Hash::Streebog512),
    ("gost2012_512", "B", Curve::Tc26_512B, Hash::Streebog512),
    ("gost2012_512", "C", Curve::Tc26_512C, Hash::Streebog512),
    ("gost2012_256", "TCA", Curve::Tc26_256A, Hash::Streebog256),
    ("gost2012_256", "A", Curve::CryptoProA, Hash::Streebog256),
    ("gost2012_256", "B", Curve::CryptoProB, Hash::Streebog256),
    ("gost2012_256", "C", Curve::CryptoProC, Hash::Streebog256),
    ("gost2001", "A", Curve::CryptoProA, Hash::Gost94),
];

#[test]
fn engine_signatures_verify_here_and_ours_verify_there() {
    if !gost_engine() {
        return;
    }
    let scratch = Scratch::new("curves");
    for (algorithm, paramset, curve, hash) in CASES {
        let name = format!("{algorithm} paramset {paramset} ({})", curve.name());
        let (key, spki) = engine_key(&scratch, algorithm, paramset);
        let public = key_octets(&spki);
        assert_eq!(public.len(), 2 * curve.size(), "{name}");
        let digest = hash.compute(name.as_bytes());

        // The engine signs, we verify; one flipped bit anywhere fails.
        let signature = engine_sign(&scratch, &key, &digest);
        assert!(
            gost::verify_digest(curve, &public, &digest, &signature),
            "{name}"
        );
        for bit in [
            0,
            8 * curve.size() - 1,
            8 * curve.size(),
            16 * curve.size() - 1,
        ] {
            let mut bad = signature.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(
                !gost::verify_digest(curve, &public, &digest, &bad),
                "{name}: bit {bit}"
            );
        }
        let mut other = digest.clone();
        other[0] ^= 1;
        assert!(
            !gost::verify_digest(curve, &public, &other, &signature),
            "{name}"
        );
        // The engine's own order (s‖r big-endian) is not NCA RK's.
        let mut engine_order = signature.clone();
        engine_order.reverse();
        assert!(
            !gost::verify_digest(curve, &public, &digest, &engine_order),
            "{name}"
        );

        // We sign (the test PKI's signer), the engine verifies.
        let d = gost::private_key(curve);
        let ours = gost::public_key(curve, &d);
        let our_spki = [&spki[..spki.len() - public.len()], &ours[..]].concat();
        let signature = gost::sign_digest(curve, &d, &digest);
        assert!(
            engine_verifies(&scratch, &our_spki, &digest, &signature),
            "{name}"
        );
        let mut bad = signature.clone();
        bad[5] ^= 0x20;
        assert!(
            !engine_verifies(&scratch, &our_spki, &digest, &bad),
            "{name}"
        );
    }
}

/// NCA RK's form of an engine key: its x‖y under NCA's key OID and parameter set.
fn nca_spki(key_oid: &str, paramset: &str, digest_oid: &str, xy: &[u8]) -> Vec<u8> {
    der::sequence(&[
        der::sequence(&[
            der::oid(key_oid),
            der::sequence(&[der::oid(paramset), der::oid(digest_oid)]),
        ]),
        der::bit_string(&der::octet_string(xy)),
    ])
}

/// A self-signed certificate around `spki`, signed by the engine key with `signature_oid`
/// (NCA RK writes NULL parameters there), hashing its TBS with `hash`.
fn engine_certificate(
    scratch: &Scratch,
    key: &Path,
    spki: Vec<u8>,
    signature_oid: &str,
    hash: Hash,
) -> Vec<u8> {
    let algorithm = der::sequence(&[der::oid(signature_oid), der::null()]);
    let name = der::sequence(&[der::set(&[der::sequence(&[
        der::oid("2.5.4.3"),
        der::utf8_string("GOST ENGINE TEST"),
    ])])]);
    let tbs = der::sequence(&[
        der::explicit(0, der::integer_i64(2)),
        der::integer_i64(0x1234),
        algorithm.clone(),
        name.clone(),
        der::sequence(&[
            der::utc_time(datetime!(2024-01-01 0:00 UTC)),
            der::utc_time(datetime!(2034-01-01 0:00 UTC)),
        ]),
        name,
        spki,
    ]);
    let signature = engine_sign(scratch, key, &hash.compute(&tbs));
    der::sequence(&[tbs, algorithm, der::bit_string(&signature)])
}

/// An attached CMS over `content` without signed attributes (RFC 5652 §5.4: the signature
/// covers the content itself), its signature made by the engine.
fn engine_cms(
    scratch: &Scratch,
    key: &Path,
    certificate: &[u8],
    content: &[u8],
    (digest_oid, signature_oid, hash): (&str, &str, Hash),
) -> Vec<u8> {
    let (_, tbs_and_rest, _) = der::read_tlv(certificate).unwrap();
    let (_, tbs, _) = der::read_tlv(tbs_and_rest).unwrap();
    // issuer = the 4th member of the TBS, serial the 2nd.
    let mut rest = tbs;
    let mut members = Vec::new();
    while let Some((_, _, after)) = der::read_tlv(rest) {
        members.push(&rest[..rest.len() - after.len()]);
        rest = after;
    }
    let sid = der::sequence(&[members[3].to_vec(), members[1].to_vec()]);
    let signature = engine_sign(scratch, key, &hash.compute(content));
    let signer_info = der::sequence(&[
        der::integer_i64(1),
        sid,
        der::sequence(&[der::oid(digest_oid)]),
        der::sequence(&[der::oid(signature_oid)]),
        der::octet_string(&signature),
    ]);
    let signed_data = der::sequence(&[
        der::integer_i64(1),
        der::set(&[der::sequence(&[der::oid(digest_oid)])]),
        der::sequence(&[
            der::oid("1.2.840.113549.1.7.1"),
            der::explicit(0, der::octet_string(content)),
        ]),
        der::implicit(0, true, der::set(&[certificate.to_vec()])),
        der::set(&[signer_info]),
    ]);
    der::sequence(&[
        der::oid("1.2.840.113549.1.7.2"),
        der::explicit(0, signed_data),
    ])
}

#[test]
fn engine_keys_in_nca_form_sign_certificates_and_cms_that_the_verifier_accepts() {
    if !gost_engine() {
        return;
    }
    let scratch = Scratch::new("nca-form");
    let options = Options {
        at: Some(datetime!(2025-01-01 0:00 UTC)),
        ..Options::new(datetime!(2030-01-01 0:00 UTC))
    };
    // (engine algorithm and paramset, NCA key OID and paramset, digest and signature OIDs)
    let cases = [
        (
            ("gost2012_512", "A"),
            ("1.2.398.3.10.1.1.2.2", "1.2.398.3.10.1.1.2.2.1"),
            (
                "1.2.398.3.10.1.3.3",
                "1.2.398.3.10.1.1.2.3.2",
                Hash::Streebog512,
            ),
        ),
        (
            ("gost2001", "A"),
            ("1.2.398.3.10.1.1.1.1", "1.2.398.3.10.1.1.1.1.1"),
            ("1.2.398.3.10.1.3.1", "1.2.398.3.10.1.1.1.2", Hash::Gost94),
        ),
    ];
    for ((algorithm, paramset), (key_oid, nca_set), scheme) in cases {
        let (key, engine_spki) = engine_key(&scratch, algorithm, paramset);
        let spki = nca_spki(key_oid, nca_set, scheme.0, &key_octets(&engine_spki));
        let certificate = engine_certificate(&scratch, &key, spki, scheme.1, scheme.2);
        let anchor = Certificate::from_der(&certificate).expect("the certificate parses");
        let verifier = Verifier::new(vec![anchor]);
        let cms = engine_cms(&scratch, &key, &certificate, b"test123", scheme);
        let report = verifier.verify(&cms, None, &options);
        assert_eq!(report.code, Code::Ok, "{algorithm}: {}", report.to_json());

        // A flipped bit in the signer's signature (the CMS's last byte).
        let mut flipped = cms.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x80;
        let report = verifier.verify(&flipped, None, &options);
        assert_eq!(
            report.code,
            Code::SignatureInvalid,
            "{algorithm}: {}",
            report.to_json()
        );

        // The same certificate under the engine's own (TC26) OIDs is not NCA RK's.
        let tc26 = engine_certificate(&scratch, &key, engine_spki, scheme.1, scheme.2);
        let verifier = Verifier::new(vec![Certificate::from_der(&tc26).expect("parses")]);
        let cms = engine_cms(&scratch, &key, &tc26, b"test123", scheme);
        let report = verifier.verify(&cms, None, &options);
        assert_eq!(
            report.code,
            Code::UnsupportedAlgorithm,
            "{algorithm}: {}",
            report.to_json()
        );
    }
}
