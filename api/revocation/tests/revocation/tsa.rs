//! The RFC 3161 client against a local TSA that the test runs with a generated key: a token
//! over a signature value that the verifier accepts for that very value; a TSA that echoes
//! another nonce, refuses, hangs or answers garbage gives no token.

use crate::helpers::{NOW, Pki, parsed, tiny_http};
use revocation::{HttpFetcher, TimestampAuthority, TimestampError};
use signatures::testing::{CmsBuilder, SignerSpec, TimestampSpec, cached_rsa_2048};
use signatures::{Options, Verifier};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Reads a TimeStampReq's imprint and nonce the way a TSA does (test-side, so the client's
/// own encoder is not what checks it).
fn imprint_and_nonce(request: &[u8]) -> (Vec<u8>, Vec<u8>) {
    fn tlv(input: &[u8]) -> (u8, &[u8], &[u8]) {
        let (tag, length_byte) = (input[0], input[1]);
        let (length, header) = if length_byte < 0x80 {
            (usize::from(length_byte), 2)
        } else {
            let count = usize::from(length_byte & 0x7f);
            let length = input[2..2 + count]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (length, 2 + count)
        };
        (
            tag,
            &input[header..header + length],
            &input[header + length..],
        )
    }
    let (_, request, _) = tlv(request);
    let (_, _version, rest) = tlv(request);
    let (_, message_imprint, rest) = tlv(rest);
    let (_, _algorithm, imprint_rest) = tlv(message_imprint);
    let (_, imprint, _) = tlv(imprint_rest);
    let (tag, nonce, _) = tlv(rest);
    assert_eq!(tag, 0x02, "the request carries a nonce");
    (imprint.to_vec(), nonce.to_vec())
}

fn response(token: &[u8], status: u8) -> Vec<u8> {
    let status_info = signatures::testing::der::sequence(&[signatures::testing::der::integer_i64(
        i64::from(status),
    )]);
    if token.is_empty() {
        signatures::testing::der::sequence(&[status_info])
    } else {
        signatures::testing::der::sequence(&[status_info, token.to_vec()])
    }
}

/// A TSA: signs a TSTInfo over the request's imprint, echoing its nonce (or another).
struct LocalTsa {
    tsa: signatures::testing::Certificate,
    wrong_nonce: bool,
}

impl Respond for LocalTsa {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let (imprint, mut nonce) = imprint_and_nonce(&request.body);
        if self.wrong_nonce {
            nonce[0] ^= 0x01;
        }
        let token = TimestampSpec::new(&self.tsa, NOW)
            .given_imprint(&imprint)
            .nonce(&nonce)
            .token(&[]);
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/timestamp-reply")
            .set_body_bytes(response(&token, 0))
    }
}

struct Fixture {
    pki: Pki,
    tsa: signatures::testing::Certificate,
    /// A CMS signed by a test key, and its one signature value.
    signature_value: Vec<u8>,
}

fn fixture(name: &str) -> Fixture {
    let pki = Pki::new(name);
    let tsa = pki
        .pki
        .tsa(cached_rsa_2048(7))
        .issued_by(&pki.pki.intermediate);
    let leaf = pki.leaf();
    let cms = CmsBuilder::new(b"an application")
        .signer(SignerSpec::new(&leaf))
        .build();
    let values = signatures::signature_values(&cms).unwrap();
    assert_eq!(values.len(), 1);
    Fixture {
        pki,
        tsa,
        signature_value: values[0].clone(),
    }
}

fn client(server: &MockServer) -> TimestampAuthority {
    let fetcher = HttpFetcher::new(&tiny_http()).unwrap();
    TimestampAuthority::new(&format!("{}/tsa", server.uri()), Arc::new(fetcher)).unwrap()
}

#[tokio::test]
async fn a_local_tsa_stamps_a_signature_value_and_the_verifier_accepts_the_token() {
    let f = fixture("tsa-good");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tsa"))
        .and(header("content-type", "application/timestamp-query"))
        .respond_with(LocalTsa {
            tsa: f.tsa.clone(),
            wrong_nonce: false,
        })
        .expect(1)
        .mount(&server)
        .await;
    let token = client(&server).stamp(&f.signature_value).await.unwrap();
    let verifier =
        Verifier::new(vec![parsed(&f.pki.pki.root)]).with_intermediates(vec![f.pki.issuer()]);
    let (timestamp, _warnings) = verifier
        .verify_timestamp_token(&token, Some(&f.signature_value), &Options::new(NOW))
        .expect("the token stamps this signature value");
    assert_eq!(timestamp.time, NOW);
    // The same token does not stamp another value.
    assert!(
        verifier
            .verify_timestamp_token(&token, Some(b"another value"), &Options::new(NOW))
            .is_err()
    );
}

#[tokio::test]
async fn a_token_echoing_another_nonce_is_refused() {
    let f = fixture("tsa-nonce");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(LocalTsa {
            tsa: f.tsa.clone(),
            wrong_nonce: true,
        })
        .mount(&server)
        .await;
    assert_eq!(
        client(&server).stamp(&f.signature_value).await,
        Err(TimestampError::NonceMismatch)
    );
}

#[tokio::test]
async fn a_refusal_garbage_and_a_hang_give_no_token() {
    let f = fixture("tsa-bad");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tsa"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(response(&[], 2)))
        .mount(&server)
        .await;
    assert_eq!(
        client(&server).stamp(&f.signature_value).await,
        Err(TimestampError::Refused(2))
    );

    let garbage = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"not a response".to_vec()))
        .mount(&garbage)
        .await;
    assert_eq!(
        client(&garbage).stamp(&f.signature_value).await,
        Err(TimestampError::NotAResponse)
    );

    let hanging = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_bytes(response(&[], 0))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&hanging)
        .await;
    assert!(matches!(
        client(&hanging).stamp(&f.signature_value).await,
        Err(TimestampError::Fetch(_))
    ));
}

#[test]
fn only_http_urls_are_configured() {
    let fetcher = Arc::new(HttpFetcher::new(&tiny_http()).unwrap());
    assert!(matches!(
        TimestampAuthority::new("ldap://tsa.example", fetcher),
        Err(TimestampError::BadUrl(_))
    ));
}
