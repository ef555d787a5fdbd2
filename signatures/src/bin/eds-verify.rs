//! `eds-verify`: verifies a CMS signature file and prints a JSON report.
//!
//! ```text
//! eds-verify [--trust CERT_FILE]... [--intermediate CERT_FILE]... [--crl FILE]... [--content FILE] \
//!            [--at RFC3339_TIME] [--purpose sign|auth] [--require-revocation] SIGNATURE_FILE
//! ```
//! Exit status: 0 valid, 1 invalid (including a malformed signature file), 2 usage error or an
//! input file (other than the signature's own bytes) that cannot be read or parsed.

use signatures::{Options, Purpose, Verifier, parse_rfc3339};
use std::process::ExitCode;

const USAGE: &str = "usage: eds-verify [--trust CERT_FILE]... [--intermediate CERT_FILE]... [--crl FILE]... \
[--content FILE] [--at RFC3339_TIME] [--purpose sign|auth] [--require-revocation] SIGNATURE_FILE";

/// The parsed command line.
#[derive(Debug, Default)]
struct Arguments {
    trust: Vec<String>,
    intermediates: Vec<String>,
    crls: Vec<String>,
    content: Option<String>,
    options: Options,
    signature: Option<String>,
}

fn parse_arguments(mut args: impl Iterator<Item = String>) -> Result<Arguments, String> {
    let mut parsed = Arguments::default();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--trust" => parsed.trust.push(value("--trust")?),
            "--intermediate" => parsed.intermediates.push(value("--intermediate")?),
            "--crl" => parsed.crls.push(value("--crl")?),
            "--content" => parsed.content = Some(value("--content")?),
            "--at" => {
                let text = value("--at")?;
                let at = parse_rfc3339(&text)
                    .ok_or_else(|| format!("--at: {text:?} is not an RFC 3339 time"))?;
                parsed.options.at = Some(at);
            }
            "--purpose" => {
                let text = value("--purpose")?;
                let purpose = Purpose::parse(&text)
                    .ok_or_else(|| format!("--purpose: {text:?} is not sign or auth"))?;
                parsed.options.purpose = Some(purpose);
            }
            "--require-revocation" => parsed.options.require_revocation = true,
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file => {
                if parsed.signature.replace(file.to_owned()).is_some() {
                    return Err("more than one signature file".to_owned());
                }
            }
        }
    }
    if parsed.signature.is_none() {
        return Err("no signature file".to_owned());
    }
    Ok(parsed)
}

fn read(path: &str, what: &str) -> Result<Vec<u8>, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("{what} {path}: {e}"))?;
    if metadata.len() > signatures::MAX_INPUT_LEN as u64 {
        return Err(format!(
            "{what} {path}: larger than {} bytes",
            signatures::MAX_INPUT_LEN
        ));
    }
    std::fs::read(path).map_err(|e| format!("{what} {path}: {e}"))
}

fn run(arguments: Arguments) -> Result<bool, String> {
    let load_certificates = |paths: &[String], what: &str| -> Result<Vec<_>, String> {
        let mut all = Vec::new();
        for path in paths {
            let bytes = read(path, what)?;
            all.extend(
                Verifier::certificates_from(&bytes, &format!("{what} {path}"))
                    .map_err(|e| e.to_string())?,
            );
        }
        Ok(all)
    };
    let anchors = load_certificates(&arguments.trust, "trust anchor")?;
    let intermediates = load_certificates(&arguments.intermediates, "intermediate")?;
    let mut crls = Vec::new();
    for path in &arguments.crls {
        let bytes = read(path, "CRL")?;
        crls.extend(
            Verifier::crls_from(&bytes, &format!("CRL {path}")).map_err(|e| e.to_string())?,
        );
    }
    let content = arguments
        .content
        .as_deref()
        .map(|p| read(p, "content"))
        .transpose()?;
    let signature_path = arguments.signature.as_deref().unwrap_or_default();
    let signature = read(signature_path, "signature file")?;

    let verifier = Verifier::new(anchors)
        .with_intermediates(intermediates)
        .with_crls(crls);
    let report = verifier.verify(&signature, content.as_deref(), &arguments.options);
    println!("{}", report.to_json());
    Ok(report.valid)
}

fn main() -> ExitCode {
    let arguments = match parse_arguments(std::env::args().skip(1)) {
        Ok(arguments) => arguments,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("eds-verify: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(arguments) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("eds-verify: {message}");
            ExitCode::from(2)
        }
    }
}
