//! `eds-sign`: a development tool that signs like NCALayer does, with a test key from a PEM
//! file (certificate and private key), so the API can be tried without NCALayer.
//!
//! ```text
//! eds-sign --key KEY_AND_CERT.pem [--detached] [--armor] (--base64 DATA | FILE)
//! ```
//! `--base64 DATA` signs the bytes DATA encodes (NCALayer's `decode: true`). The output is bare
//! base64 of the DER CMS (the legacy API's form), or `-----BEGIN CMS-----` with `--armor` (the
//! 2022 API's form). Exit status 2 on a usage error. Never use it with real keys.
//!
//! RSA and EC keys are signed by OpenSSL (`CMS_sign`). GOST keys (PKCS#8 with NCA RK's OIDs,
//! as `examples/demo_pki.rs` and the test PKI write them: GOST 2015-512 or GOST 2004) need the
//! `testing` feature (`cargo run -p signatures --features testing --bin eds-sign`): their
//! signer is the test PKI's, which is not constant-time. A GOST CMS carries the signed
//! attributes content-type and message-digest, without signing-time.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::pkey::PKey;
use openssl::x509::X509;
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str =
    "usage: eds-sign --key KEY_AND_CERT.pem [--detached] [--armor] (--base64 DATA | FILE)";

fn run(args: Vec<String>) -> Result<String, String> {
    let mut key_file = None;
    let mut detached = false;
    let mut armor = false;
    let mut data: Option<Vec<u8>> = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--key" => key_file = Some(args.next().ok_or("--key needs a file")?),
            "--detached" => detached = true,
            "--armor" => armor = true,
            "--base64" => {
                let text = args.next().ok_or("--base64 needs data")?;
                data = Some(
                    STANDARD
                        .decode(text.trim())
                        .map_err(|e| format!("--base64: {e}"))?,
                );
            }
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file => data = Some(std::fs::read(file).map_err(|e| format!("{file}: {e}"))?),
        }
    }
    let key_file = key_file.ok_or("no --key")?;
    let data = data.ok_or("nothing to sign")?;
    let pem = std::fs::read(&key_file).map_err(|e| format!("{key_file}: {e}"))?;
    let certificate =
        X509::from_pem(&pem).map_err(|e| format!("{key_file}: no certificate: {e}"))?;
    let cms = match PKey::private_key_from_pem(&pem) {
        Ok(key) => {
            let mut flags = CMSOptions::BINARY;
            if detached {
                flags |= CMSOptions::DETACHED;
            }
            CmsContentInfo::sign(Some(&certificate), Some(&key), None, Some(&data), flags)
                .and_then(|cms| cms.to_der())
                .map_err(|e| format!("signing failed: {e}"))?
        }
        Err(e) => sign_gost(&pem, &certificate, &data, detached)
            .map_err(|gost| format!("{key_file}: no private key: {e}; {gost}"))?,
    };
    let body = STANDARD.encode(cms);
    if armor {
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .filter_map(|chunk| std::str::from_utf8(chunk).ok())
            .collect();
        Ok(format!(
            "-----BEGIN CMS-----\n{}\n-----END CMS-----",
            lines.join("\n")
        ))
    } else {
        Ok(body)
    }
}

/// Signs with a GOST key in NCA RK's PKCS#8 form, like NCALayer (signed attributes, the
/// signer's certificate carried).
#[cfg(feature = "testing")]
fn sign_gost(
    pem: &[u8],
    certificate: &X509,
    data: &[u8],
    detached: bool,
) -> Result<Vec<u8>, String> {
    use signatures::testing::{Certificate, CmsBuilder, KeyPair, SignerSpec};
    let key = KeyPair::from_private_key_pem(pem).ok_or("not a GOST key either")?;
    let der = certificate
        .to_der()
        .map_err(|e| format!("certificate: {e}"))?;
    let certificate = Certificate::from_der(&der, key).ok_or("the certificate cannot be read")?;
    let mut builder = CmsBuilder::new(data)
        .certificate(&certificate)
        .signer(SignerSpec::new(&certificate));
    if detached {
        builder = builder.detached();
    }
    Ok(builder.build())
}

#[cfg(not(feature = "testing"))]
fn sign_gost(_: &[u8], _: &X509, _: &[u8], _: bool) -> Result<Vec<u8>, String> {
    Err("GOST keys need eds-sign built with --features testing".to_owned())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(args) {
        Ok(output) => {
            // A reader that closed the pipe early is not an error of ours.
            let _ = writeln!(std::io::stdout().lock(), "{output}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("eds-sign: {message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
