//! The outer encodings signatures, certificates and CRLs arrive in: DER, PEM (one or many
//! blocks, RFC 7468) or bare base64 (what NCALayer's legacy API returns).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::borrow::Cow;

/// Largest input accepted, before any decoding. A CMS carrying a registration application and
/// a few certificate chains is tens of kilobytes; 16 MiB leaves room for scanned attachments
/// while bounding the work a hostile input can cause.
pub const MAX_INPUT_LEN: usize = 16 * 1024 * 1024;

/// Decodes a CMS given as DER, PEM (`CMS` or `PKCS7` label) or bare base64. `None` when the
/// input is none of these.
pub fn decode_cms(input: &[u8]) -> Option<Cow<'_, [u8]>> {
    if input.len() > MAX_INPUT_LEN {
        return None;
    }
    if input.first() == Some(&0x30) {
        return Some(Cow::Borrowed(input));
    }
    let text = std::str::from_utf8(input).ok()?;
    if text.contains("-----BEGIN") {
        return pem_blocks(text, &["CMS", "PKCS7"])
            .into_iter()
            .next()
            .map(Cow::Owned);
    }
    decode_base64(text).map(Cow::Owned)
}

/// Decodes base64 text, ignoring whitespace (NCALayer and e-mail clients wrap lines).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    STANDARD.decode(compact.as_bytes()).ok()
}

/// The payloads of every PEM block with one of the given labels, in order. A block whose
/// base64 is bad is skipped (the caller reports "no certificate found").
pub(crate) fn pem_blocks(text: &str, labels: &[&str]) -> Vec<Vec<u8>> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after_begin = rest.get(start + 11..).unwrap_or_default();
        let Some(label_end) = after_begin.find("-----") else {
            break;
        };
        let label = after_begin.get(..label_end).unwrap_or_default();
        let body_start = after_begin.get(label_end + 5..).unwrap_or_default();
        let end_marker = format!("-----END {label}-----");
        let Some(body_end) = body_start.find(&end_marker) else {
            break;
        };
        let body = body_start.get(..body_end).unwrap_or_default();
        if labels.contains(&label) {
            // RFC 7468 §5.2 allows explanatory headers in legacy files: drop "Key: value" lines.
            let base64: String = body.lines().filter(|line| !line.contains(':')).collect();
            if let Some(der) = decode_base64(&base64) {
                blocks.push(der);
            }
        }
        rest = body_start
            .get(body_end + end_marker.len()..)
            .unwrap_or_default();
    }
    blocks
}

/// Reads a file's worth of certificates or CRLs: every PEM block with one of `labels`, or the
/// whole input as one DER object.
pub(crate) fn der_objects(input: &[u8], labels: &[&str]) -> Vec<Vec<u8>> {
    match std::str::from_utf8(input) {
        Ok(text) if text.contains("-----BEGIN") => pem_blocks(text, labels),
        _ if input.first() == Some(&0x30) => vec![input.to_vec()],
        Ok(text) => decode_base64(text).into_iter().collect(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_three_forms() {
        let der = vec![0x30, 0x03, 0x02, 0x01, 0x01];
        let decoded = |input: &[u8]| decode_cms(input).map(Cow::into_owned);
        assert_eq!(decoded(&der), Some(der.clone()));
        let b64 = STANDARD.encode(&der);
        assert_eq!(decoded(b64.as_bytes()), Some(der.clone()));
        let pem = format!("-----BEGIN CMS-----\n{b64}\n-----END CMS-----\n");
        assert_eq!(decoded(pem.as_bytes()), Some(der.clone()));
        let pkcs7 = format!("-----BEGIN PKCS7-----\r\n{b64}\r\n-----END PKCS7-----");
        assert_eq!(decoded(pkcs7.as_bytes()), Some(der));
        assert_eq!(decode_cms(b"not base64 at all!"), None);
        assert_eq!(decode_cms(b""), None);
    }

    #[test]
    fn reads_several_pem_blocks_of_the_wanted_label() {
        let text = "junk\n-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n\
                    -----BEGIN X509 CRL-----\nMAE=\n-----END X509 CRL-----\n\
                    -----BEGIN CERTIFICATE-----\nMAI=\n-----END CERTIFICATE-----";
        assert_eq!(
            pem_blocks(text, &["CERTIFICATE"]),
            vec![vec![0x30, 0], vec![0x30, 2]]
        );
        assert_eq!(pem_blocks(text, &["X509 CRL"]), vec![vec![0x30, 1]]);
        assert!(pem_blocks("-----BEGIN CERTIFICATE-----\nMAA=", &["CERTIFICATE"]).is_empty());
    }
}
