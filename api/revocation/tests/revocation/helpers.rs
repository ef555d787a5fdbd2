//! What every test needs: a test PKI with its CA certificate on disk, configurations with tiny
//! timeouts, CRLs and OCSP responses, and a responder that echoes the request's nonce.

use revocation::{CaSources, HttpSettings, RevocationConfig, RevocationSources};
use signatures::testing::ocsp::OcspResponseBuilder;
use signatures::testing::{self, TestPki};
use std::path::PathBuf;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use time::OffsetDateTime;
use time::macros::datetime;
use wiremock::{Request, Respond, ResponseTemplate};

/// The tests' "now": after the test CRLs' and responses' thisUpdate (2021-06-01).
pub const NOW: OffsetDateTime = datetime!(2021-06-01 01:00 UTC);

/// A folder of its own for one test.
pub fn scratch(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "revocation-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The RSA test PKI, its intermediate (the CA) written as PEM.
pub struct Pki {
    pub pki: TestPki,
    pub ca_file: PathBuf,
    pub dir: PathBuf,
}

impl Pki {
    pub fn new(name: &str) -> Self {
        Self::of(TestPki::rsa(), name)
    }

    pub fn of(pki: TestPki, name: &str) -> Self {
        let dir = scratch(name);
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, pki.intermediate.pem()).unwrap();
        Pki { pki, ca_file, dir }
    }

    /// A fresh end-entity certificate of the CA (a random serial).
    pub fn leaf(&self) -> testing::Certificate {
        self.pki
            .individual_sign("123456789011")
            .issued_by(&self.pki.intermediate)
    }

    pub fn issuer(&self) -> signatures::Certificate {
        parsed(&self.pki.intermediate)
    }

    /// A CRL of the CA issued at `this_update`, valid for a day.
    pub fn crl(&self, this_update: OffsetDateTime, number: u64) -> Vec<u8> {
        testing::CrlBuilder::new(&self.pki.intermediate)
            .this_update(this_update)
            .next_update(Some(this_update + time::Duration::days(1)))
            .number(number)
            .build()
    }

    /// A good OCSP response about `leaf`, signed by the CA (thisUpdate 2021-06-01 00:00,
    /// nextUpdate a day later).
    pub fn response(&self, leaf: &testing::Certificate) -> OcspResponseBuilder {
        OcspResponseBuilder::new(leaf, &self.pki.intermediate, &self.pki.intermediate)
    }

    /// The root as a CA of its own (its CRL covers the intermediate).
    pub fn root_ca(&self, crl_urls: Vec<String>) -> CaSources {
        let file = self.dir.join("root.pem");
        std::fs::write(&file, self.pki.root.pem()).unwrap();
        CaSources {
            name: "ROOT RSA TEST".to_owned(),
            ca_certificate: file,
            crl_urls,
            crl_files: Vec::new(),
            ocsp_url: None,
        }
    }

    pub fn ca(&self, crl_urls: Vec<String>, ocsp_url: Option<String>) -> CaSources {
        CaSources {
            name: "NCA RSA TEST".to_owned(),
            ca_certificate: self.ca_file.clone(),
            crl_urls,
            crl_files: Vec::new(),
            ocsp_url,
        }
    }
}

pub fn parsed(certificate: &testing::Certificate) -> signatures::Certificate {
    signatures::Certificate::from_der(&certificate.der).unwrap()
}

/// Timeouts of 200 ms, one retry after 10 ms: a failing case costs well under a second.
pub fn tiny_http() -> HttpSettings {
    HttpSettings {
        connect_timeout: Duration::from_millis(200),
        read_timeout: Duration::from_millis(200),
        attempt_timeout: Duration::from_secs(2),
        retries: 1,
        backoff_base: Duration::from_millis(10),
        max_crl_bytes: 64 * 1024,
        max_ocsp_bytes: 16 * 1024,
    }
}

pub fn config(cas: Vec<CaSources>) -> RevocationConfig {
    let mut config = RevocationConfig::new(cas);
    config.http = tiny_http();
    config.ocsp_max_age = Duration::from_secs(2 * 3600);
    config
}

pub fn sources(cas: Vec<CaSources>) -> RevocationSources {
    RevocationSources::from_config(config(cas)).unwrap()
}

/// The nonce of a DER OCSP request as `signatures::ocsp_request` writes it: the 32 octets
/// after the nonce extension's OCTET STRING (34) holding an OCTET STRING (32).
pub fn request_nonce(body: &[u8]) -> Option<Vec<u8>> {
    let marker = [0x04, 0x22, 0x04, 0x20];
    let at = body.windows(4).position(|w| w == marker)?;
    body.get(at + 4..at + 36).map(<[u8]>::to_vec)
}

/// Answers each request with `response` carrying the request's own nonce.
pub struct EchoNonce(pub OcspResponseBuilder);

impl Respond for EchoNonce {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match request_nonce(&request.body) {
            Some(nonce) => ResponseTemplate::new(200)
                .insert_header("content-type", "application/ocsp-response")
                .set_body_bytes(self.0.clone().nonce(&nonce).build()),
            None => ResponseTemplate::new(400),
        }
    }
}
