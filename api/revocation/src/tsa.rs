//! An RFC 3161 client: asks a configured time-stamping authority for a token over a signature
//! value, so that a signature received without one (NCALayer adds the NCA TSA's only when the
//! frontend asks) still gets a trusted time that later checks can rely on.
//!
//! The request (§2.4.1) carries a SHA-256 message imprint of the stamped value, a fresh
//! 128-bit nonce and `certReq` (so the token carries the TSA's certificate and verifies on
//! its own); the answer (§2.4.2) must be granted and echo the nonce. Only the configured URL
//! is asked. The token itself — its signature, the TSA's certificate and path, the imprint —
//! is the verifier's to judge (`signatures::Verifier::verify_timestamp_token`): this module
//! only gets it and checks that it answers this request.

use crate::der::{BOOLEAN, GENERALIZED_TIME, INTEGER, OCTET_STRING, OID, Reader, SEQUENCE, Tlv};
use crate::fetch::{FetchError, Fetcher};
use std::sync::Arc;

const NULL: u8 = 0x05;
const SET: u8 = 0x31;
const EXPLICIT_0: u8 = 0xa0;

/// The contents of id-sha256, 2.16.840.1.101.3.4.2.1 (RFC 5754 §2.2).
const SHA256_OID: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];

/// The media types of RFC 3161 §3.4 (HTTP transport).
const QUERY_TYPE: &str = "application/timestamp-query";

/// Largest answer accepted: a token is a CMS with the TSA's certificate and perhaps its
/// chain, a few KiB; NCA's are under 8 KiB.
pub const MAX_TIMESTAMP_RESPONSE_BYTES: usize = 64 * 1024;

/// Why no token was obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TimestampError {
    /// The configured URL is not an http or https URL.
    #[error("the TSA URL must be http or https: {0}")]
    BadUrl(String),
    /// The request failed (after the fetcher's retries).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The TSA answered, but not a TimeStampResp.
    #[error("the TSA's answer is not a TimeStampResp (RFC 3161 §2.4.2)")]
    NotAResponse,
    /// The TSA refused (`status` other than granted or grantedWithMods).
    #[error("the TSA refused the request: status {0}")]
    Refused(u8),
    /// The token does not answer this request: its nonce is not the one sent.
    #[error("the token's nonce is not the request's")]
    NonceMismatch,
}

/// A time-stamping authority at a configured URL.
#[derive(Debug, Clone)]
pub struct TimestampAuthority {
    url: String,
    fetcher: Arc<dyn Fetcher>,
}

impl TimestampAuthority {
    /// The TSA at `url`, asked through `fetcher` (its timeouts, retries and no redirects).
    pub fn new(url: &str, fetcher: Arc<dyn Fetcher>) -> Result<Self, TimestampError> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(TimestampError::BadUrl(url.to_owned()));
        }
        Ok(TimestampAuthority {
            url: url.to_owned(),
            fetcher,
        })
    }

    /// The URL asked.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A token over `stamped` (a signer's signature value, RFC 3161 Appendix A): DER, a CMS
    /// `ContentInfo`, to be verified by the caller against the same value.
    pub async fn stamp(&self, stamped: &[u8]) -> Result<Vec<u8>, TimestampError> {
        let imprint = ring::digest::digest(&ring::digest::SHA256, stamped);
        let nonce = fresh_nonce();
        let request = request(imprint.as_ref(), &nonce);
        let answer = self
            .fetcher
            .post(&self.url, QUERY_TYPE, request, MAX_TIMESTAMP_RESPONSE_BYTES)
            .await?;
        let token = granted_token(&answer)?;
        if token_nonce(token).as_deref() != Some(nonce.as_slice()) {
            return Err(TimestampError::NonceMismatch);
        }
        Ok(token.to_vec())
    }
}

/// 128 random bits, as a positive INTEGER's contents (the top bit clear, so no leading zero
/// octet is needed and the TSA echoes exactly these octets). The nonce only has to be
/// unpredictable (§2.4.1); a failing system generator leaves it all zero rather than failing
/// the request, and the token is still bound to its imprint.
fn fresh_nonce() -> Vec<u8> {
    use ring::rand::SecureRandom;
    let mut nonce = [0u8; 16];
    let _ = ring::rand::SystemRandom::new().fill(&mut nonce);
    nonce[0] &= 0x7f;
    nonce[0] |= 0x01;
    nonce.to_vec()
}

/// One DER TLV with a definite length.
fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let length = contents.len();
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let octets: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | octets.len() as u8);
        out.extend(octets);
    }
    out.extend_from_slice(contents);
    out
}

/// The TimeStampReq (RFC 3161 §2.4.1): version 1, a SHA-256 imprint, the nonce, certReq.
fn request(imprint: &[u8], nonce: &[u8]) -> Vec<u8> {
    let algorithm = tlv(SEQUENCE, &[tlv(OID, SHA256_OID), tlv(NULL, &[])].concat());
    let message_imprint = tlv(SEQUENCE, &[algorithm, tlv(OCTET_STRING, imprint)].concat());
    tlv(
        SEQUENCE,
        &[
            tlv(INTEGER, &[1]),
            message_imprint,
            tlv(INTEGER, nonce),
            tlv(BOOLEAN, &[0xff]),
        ]
        .concat(),
    )
}

/// The token of a granted TimeStampResp (status 0 granted or 1 grantedWithMods, §2.4.2).
fn granted_token(answer: &[u8]) -> Result<&[u8], TimestampError> {
    let mut top = Reader::new(answer);
    let response = top.read(SEQUENCE).ok_or(TimestampError::NotAResponse)?;
    if !top.is_empty() {
        return Err(TimestampError::NotAResponse);
    }
    let mut fields = Reader::new(response.value);
    let status_info = fields.read(SEQUENCE).ok_or(TimestampError::NotAResponse)?;
    let status = Reader::new(status_info.value)
        .read(INTEGER)
        .ok_or(TimestampError::NotAResponse)?;
    let code = match status.value {
        [code] => *code,
        _ => return Err(TimestampError::NotAResponse),
    };
    if code > 1 {
        return Err(TimestampError::Refused(code));
    }
    let token = fields.read(SEQUENCE).ok_or(TimestampError::NotAResponse)?;
    Ok(token.whole)
}

/// The nonce of the TSTInfo a token carries (`None`: none, or not readable).
fn token_nonce(token: &[u8]) -> Option<Vec<u8>> {
    // ContentInfo { contentType, [0] EXPLICIT SignedData }
    let content_info = Reader::new(token).read(SEQUENCE)?;
    let mut content_info = Reader::new(content_info.value);
    content_info.read(OID)?;
    let explicit = content_info.read(EXPLICIT_0)?;
    // SignedData { version, digestAlgorithms, encapContentInfo, … }
    let signed_data = Reader::new(explicit.value).read(SEQUENCE)?;
    let mut signed_data = Reader::new(signed_data.value);
    signed_data.read(INTEGER)?;
    signed_data.read(SET)?;
    let encapsulated = signed_data.read(SEQUENCE)?;
    let mut encapsulated = Reader::new(encapsulated.value);
    encapsulated.read(OID)?;
    let e_content = encapsulated.read(EXPLICIT_0)?;
    let tst_info = Reader::new(e_content.value).read(OCTET_STRING)?;
    // TSTInfo { version, policy, messageImprint, serialNumber, genTime, accuracy OPTIONAL,
    //           ordering DEFAULT FALSE, nonce OPTIONAL, … }
    let tst_info = Reader::new(tst_info.value).read(SEQUENCE)?;
    let mut fields = Reader::new(tst_info.value);
    fields.read(INTEGER)?;
    fields.read(OID)?;
    fields.read(SEQUENCE)?;
    fields.read(INTEGER)?;
    fields.read(GENERALIZED_TIME)?;
    fields.optional(SEQUENCE)?;
    fields.optional(BOOLEAN)?;
    let nonce: Option<Tlv<'_>> = fields.optional(INTEGER)?;
    nonce.map(|n| n.value.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_der_of_rfc_3161() {
        let imprint = [7u8; 32];
        let nonce = [0x11u8; 16];
        let der = request(&imprint, &nonce);
        // SEQUENCE { INTEGER 1, SEQUENCE { SEQUENCE { OID sha256, NULL }, OCTET STRING },
        //            INTEGER nonce, BOOLEAN TRUE }
        assert_eq!(der[0], SEQUENCE);
        let mut top = Reader::new(&der);
        let request = top.read(SEQUENCE).unwrap();
        assert!(top.is_empty());
        let mut fields = Reader::new(request.value);
        assert_eq!(fields.read(INTEGER).unwrap().value, [1]);
        let imprint_field = fields.read(SEQUENCE).unwrap();
        let mut imprint_fields = Reader::new(imprint_field.value);
        let algorithm = imprint_fields.read(SEQUENCE).unwrap();
        assert_eq!(
            Reader::new(algorithm.value).read(OID).unwrap().value,
            SHA256_OID
        );
        assert_eq!(imprint_fields.read(OCTET_STRING).unwrap().value, imprint);
        assert_eq!(fields.read(INTEGER).unwrap().value, nonce);
        assert_eq!(fields.read(BOOLEAN).unwrap().value, [0xff]);
        assert!(fields.is_empty());
    }

    #[test]
    fn nonces_are_positive_and_fresh() {
        let (a, b) = (fresh_nonce(), fresh_nonce());
        assert_eq!(a.len(), 16);
        assert!(a[0] & 0x80 == 0 && a[0] != 0);
        assert_ne!(a, b);
    }

    #[test]
    fn refusals_and_garbage_are_told_apart() {
        // status rejection (2), no token
        let rejected = tlv(SEQUENCE, &tlv(SEQUENCE, &tlv(INTEGER, &[2])));
        assert_eq!(granted_token(&rejected), Err(TimestampError::Refused(2)));
        assert_eq!(granted_token(b"garbage"), Err(TimestampError::NotAResponse));
        let granted_without_token = tlv(SEQUENCE, &tlv(SEQUENCE, &tlv(INTEGER, &[0])));
        assert_eq!(
            granted_token(&granted_without_token),
            Err(TimestampError::NotAResponse)
        );
        assert_eq!(token_nonce(b"garbage"), None);
    }

    #[test]
    fn long_lengths_are_encoded_in_the_long_form() {
        let long = tlv(OCTET_STRING, &[0u8; 300]);
        assert_eq!(&long[..4], &[OCTET_STRING, 0x82, 0x01, 0x2c]);
    }
}
