//! `eds-verify`: verifies a CMS signature file and prints a JSON report.
//!
//! ```text
//! eds-verify [--trust CERT_FILE]... [--intermediate CERT_FILE]... [--crl FILE]... \
//!            [--ocsp FILE [--ocsp-nonce HEX]]... [--evidence FILE]... \
//!            [--content FILE] [--at RFC3339_TIME] [--purpose sign|auth] [--require-revocation] SIGNATURE_FILE
//! eds-verify certificate [--trust CERT_FILE]... [--intermediate CERT_FILE]... [--crl FILE]... \
//!            [--ocsp FILE [--ocsp-nonce HEX]]... [--evidence FILE]... \
//!            [--at RFC3339_TIME] [--purpose sign|auth|any] [--require-revocation] CERT_FILE
//! ```
//! `--ocsp` takes a DER OCSPResponse the caller fetched (the tool fetches nothing);
//! `--ocsp-nonce` right after it gives the nonce (hex) sent in that response's request, which
//! the response must then carry (RFC 8954). `--evidence` hands back stored evidence to
//! re-check a decision without the network: an earlier report of this tool (JSON: the OCSP
//! responses it relied on, and the CRLs it names by SHA-256) or a CRL file kept beside it
//! (PEM or DER). Evidence is verified like the rest; what of it cannot be used is said in the
//! warnings, never an error. The
//! `certificate` form validates one certificate's path for a purpose (`CERT_FILE`, PEM or
//! DER: its first certificate, the others completing the path) and prints the same kind of
//! report, the holder as `signer`.
//! Exit status: 0 valid, 1 invalid (including a malformed signature file), 2 usage error or an
//! input file (other than the signature's own bytes) that cannot be read or parsed: a
//! certificate, CRL or OCSP response the caller names is configuration, and a mistake in it is
//! said at once rather than verified around. Two exceptions, being data rather than
//! configuration: a CRL that has a CRL's shape but cannot be read (`CRL_IGNORED`), and
//! `--evidence` CRL files, or responses inside a report, that cannot be read
//! (`EVIDENCE_IGNORED`), are warnings.
//!
//! Without `--at` the validation time is the system time: `main` reads the clock (the only
//! place in this crate that does) and passes it to the library as `Options::now`.

use signatures::{
    OcspResponse, Options, Purpose, StoredEvidence, Verifier, Warning, parse_rfc3339,
};
use std::io::Write;
use std::process::ExitCode;
use time::OffsetDateTime;

/// What `parse_arguments` returns for `--help`.
const HELP: &str = "\u{0}help";

const USAGE: &str = "usage: eds-verify [--trust CERT_FILE]... [--intermediate CERT_FILE]... [--crl FILE]... \
[--ocsp FILE [--ocsp-nonce HEX]]... [--evidence REPORT_OR_CRL_FILE]... [--content FILE] [--at RFC3339_TIME] \
[--purpose sign|auth] [--require-revocation] SIGNATURE_FILE
       eds-verify certificate [--trust CERT_FILE]... [--intermediate CERT_FILE]... [--crl FILE]... \
[--ocsp FILE [--ocsp-nonce HEX]]... [--evidence REPORT_OR_CRL_FILE]... [--at RFC3339_TIME] \
[--purpose sign|auth|any] [--require-revocation] CERT_FILE";

/// The parsed command line.
#[derive(Debug, Default)]
struct Arguments {
    trust: Vec<String>,
    intermediates: Vec<String>,
    crls: Vec<String>,
    /// `--ocsp` files, each with the nonce its request sent (`--ocsp-nonce`), if any.
    ocsp: Vec<(String, Option<Vec<u8>>)>,
    /// `--evidence` files: earlier reports (JSON) or CRLs kept as evidence.
    evidence: Vec<String>,
    /// The `certificate` form: validate the certificate file's path, no signature.
    certificate_mode: bool,
    content: Option<String>,
    /// `--at`: the forced validation time.
    at: Option<OffsetDateTime>,
    purpose: Option<Purpose>,
    require_revocation: bool,
    signature: Option<String>,
}

impl Arguments {
    /// The verification options, `now` being the current time (used when `--at` is absent).
    fn options(&self, now: OffsetDateTime) -> Options {
        Options {
            now,
            at: self.at,
            purpose: self.purpose,
            require_revocation: self.require_revocation,
            ocsp: signatures::OcspOptions::default(),
        }
    }
}

fn parse_arguments(args: impl Iterator<Item = String>) -> Result<Arguments, String> {
    let mut parsed = Arguments::default();
    let mut args = args.peekable();
    if args.peek().is_some_and(|first| first == "certificate") {
        args.next();
        parsed.certificate_mode = true;
    }
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--trust" => parsed.trust.push(value("--trust")?),
            "--intermediate" => parsed.intermediates.push(value("--intermediate")?),
            "--crl" => parsed.crls.push(value("--crl")?),
            "--ocsp" => parsed.ocsp.push((value("--ocsp")?, None)),
            "--ocsp-nonce" => {
                let text = value("--ocsp-nonce")?;
                let nonce = parse_hex(&text).ok_or_else(|| {
                    format!("--ocsp-nonce: {text:?} is not an even number of hex digits")
                })?;
                match parsed.ocsp.last_mut() {
                    Some((_, slot @ None)) => *slot = Some(nonce),
                    Some((file, Some(_))) => {
                        return Err(format!("--ocsp-nonce given twice for --ocsp {file}"));
                    }
                    None => {
                        return Err("--ocsp-nonce must follow the --ocsp it belongs to".to_owned());
                    }
                }
            }
            "--evidence" => parsed.evidence.push(value("--evidence")?),
            "--content" => parsed.content = Some(value("--content")?),
            "--at" => {
                let text = value("--at")?;
                let at = parse_rfc3339(&text)
                    .ok_or_else(|| format!("--at: {text:?} is not an RFC 3339 time"))?;
                parsed.at = Some(at);
            }
            "--purpose" => {
                let text = value("--purpose")?;
                if parsed.certificate_mode && text == "any" {
                    parsed.purpose = None;
                } else if parsed.certificate_mode {
                    let purpose = Purpose::parse(&text)
                        .ok_or_else(|| format!("--purpose: {text:?} is not sign, auth or any"))?;
                    parsed.purpose = Some(purpose);
                } else {
                    let purpose = Purpose::parse(&text)
                        .ok_or_else(|| format!("--purpose: {text:?} is not sign or auth"))?;
                    parsed.purpose = Some(purpose);
                }
            }
            "--require-revocation" => parsed.require_revocation = true,
            "-h" | "--help" => return Err(HELP.to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            file => {
                if parsed.signature.replace(file.to_owned()).is_some() {
                    return Err(if parsed.certificate_mode {
                        "more than one certificate file".to_owned()
                    } else {
                        "more than one signature file".to_owned()
                    });
                }
            }
        }
    }
    if parsed.certificate_mode && parsed.content.is_some() {
        return Err("--content does not apply to a certificate".to_owned());
    }
    if parsed.signature.is_none() {
        return Err(if parsed.certificate_mode {
            "no certificate file".to_owned()
        } else {
            "no signature file".to_owned()
        });
    }
    Ok(parsed)
}

/// Hex digits (either case, at least one octet) as bytes.
fn parse_hex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
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

fn run(arguments: Arguments, now: OffsetDateTime) -> Result<bool, String> {
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
    // A file that holds no CRL is a usage error; a CRL that cannot be read or used counts as
    // no CRL and is named in the report's warnings (CRL_IGNORED), never hiding the others.
    let mut crls = Vec::new();
    let mut ignored = Vec::new();
    for path in &arguments.crls {
        let bytes = read(path, "CRL")?;
        let file = Verifier::crl_file(&bytes, path).map_err(|e| e.to_string())?;
        crls.extend(file.crls);
        ignored.extend(file.ignored);
    }
    let mut ocsp = Vec::new();
    for (path, nonce) in &arguments.ocsp {
        let bytes = read(path, "OCSP response")?;
        let mut response =
            OcspResponse::from_der(&bytes).map_err(|e| format!("OCSP response {path}: {e}"))?;
        if let Some(nonce) = nonce {
            response = response.with_sent_nonce(nonce.clone());
        }
        ocsp.push(response.with_source(path.as_str()));
    }
    // Stored evidence: a report (JSON, an object) or a CRL file. A report that is not one is a
    // usage error; a CRL file that cannot be used is said in the warnings.
    let mut evidence = StoredEvidence::new();
    for path in &arguments.evidence {
        let bytes = read(path, "evidence")?;
        if bytes.trim_ascii_start().starts_with(b"{") {
            evidence
                .add_report_json(&bytes, path)
                .map_err(|e| e.to_string())?;
        } else {
            evidence.add_crls(&bytes, path);
        }
    }
    let mut options = arguments.options(now);
    options.ocsp.responses = ocsp;
    let verifier = Verifier::new(anchors)
        .with_intermediates(intermediates)
        .with_crls(crls);
    let crl_notes = || {
        ignored.iter().map(|note| Warning {
            code: "CRL_IGNORED",
            message: note.clone(),
        })
    };
    if arguments.certificate_mode {
        let path = arguments.signature.as_deref().unwrap_or_default();
        let mut certificates = load_certificates(&[path.to_owned()], "certificate")?;
        let certificate = certificates.remove(0);
        let mut report =
            verifier.verify_certificate_with(&certificate, &certificates, &options, &evidence);
        report.warnings.splice(0..0, crl_notes());
        return print(&report.to_json()).map(|()| report.valid);
    }
    let content = arguments
        .content
        .as_deref()
        .map(|p| read(p, "content"))
        .transpose()?;
    let signature_path = arguments.signature.as_deref().unwrap_or_default();
    let signature = read(signature_path, "signature file")?;

    let mut report = verifier.verify_with(&signature, content.as_deref(), &options, &evidence);
    for signer in &mut report.signers {
        signer.warnings.splice(0..0, crl_notes());
    }
    print(&report.to_json()).map(|()| report.valid)
}

fn print(json: &str) -> Result<(), String> {
    // A reader that closed the pipe early (`| head -c 1`) is not an error of ours.
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{json}")
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("writing the report: {error}"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let arguments = match parse_arguments(std::env::args().skip(1)) {
        Ok(arguments) => arguments,
        Err(message) if message == HELP => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            if !message.is_empty() {
                eprintln!("eds-verify: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // The current time, read only when no validation time is forced (with `--at` the run
    // depends on nothing but its inputs).
    #[allow(
        clippy::disallowed_methods,
        reason = "a command-line tool has no clock but the system's: without --at it validates \
                  at the current time, which the library never reads itself"
    )]
    let now = arguments.at.unwrap_or_else(OffsetDateTime::now_utc);
    match run(arguments, now) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("eds-verify: {message}");
            ExitCode::from(2)
        }
    }
}
