//! The JSON configuration: the documented example, defaults, and errors that name the field.

use revocation::{HttpSettings, Requirement, RevocationConfig, RevocationError};
use std::time::Duration;

const EXAMPLE: &str = r#"{
  "requirement": "OCSP",
  "ocsp_max_age": "30m",
  "crl_refresh_margin": "2h",
  "http": {
    "connect_timeout": "3s",
    "read_timeout": "8s",
    "attempt_timeout": "45s",
    "retries": 3,
    "backoff_base": "250ms",
    "max_crl_bytes": 16777216,
    "max_ocsp_bytes": 32768
  },
  "cas": [
    {
      "name": "NCA RK RSA",
      "ca_certificate": "/etc/registration/pki/nca_rsa.pem",
      "crl_urls": ["http://crl.pki.gov.kz/nca_rsa.crl", "http://crl.pki.gov.kz/nca_d_rsa.crl"],
      "crl_files": ["/var/lib/registration/crl/nca_rsa_extra.crl"],
      "ocsp_url": "http://ocsp.pki.gov.kz"
    },
    {
      "name": "NCA RK GOST",
      "ca_certificate": "/etc/registration/pki/nca_gost.pem",
      "crl_urls": ["https://crl.pki.gov.kz/nca_gost2022.crl"]
    }
  ]
}"#;

#[test]
fn the_example_reads_as_written() {
    let config = RevocationConfig::from_json(EXAMPLE).unwrap();
    assert_eq!(config.requirement, Requirement::Ocsp);
    assert_eq!(config.ocsp_max_age, Duration::from_secs(30 * 60));
    assert_eq!(config.crl_refresh_margin, Duration::from_secs(2 * 3600));
    assert_eq!(
        config.http,
        HttpSettings {
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(8),
            attempt_timeout: Duration::from_secs(45),
            retries: 3,
            backoff_base: Duration::from_millis(250),
            max_crl_bytes: 16 * 1024 * 1024,
            max_ocsp_bytes: 32 * 1024,
        }
    );
    assert_eq!(config.cas.len(), 2);
    assert_eq!(config.cas[0].crl_urls.len(), 2);
    assert_eq!(config.cas[0].crl_files.len(), 1);
    assert_eq!(
        config.cas[0].ocsp_url.as_deref(),
        Some("http://ocsp.pki.gov.kz")
    );
    assert_eq!(config.cas[1].ocsp_url, None);
    assert!(config.cas[1].crl_files.is_empty());
}

#[test]
fn omitted_fields_take_the_documented_defaults() {
    let config = RevocationConfig::from_json(r#"{"cas": []}"#).unwrap();
    assert_eq!(config, RevocationConfig::new(Vec::new()));
    assert_eq!(config.requirement, Requirement::Either);
    assert_eq!(config.ocsp_max_age, Duration::from_secs(3600));
    assert_eq!(config.crl_refresh_margin, Duration::from_secs(3600));
    let http = HttpSettings::default();
    assert_eq!(http.connect_timeout, Duration::from_secs(5));
    assert_eq!(http.read_timeout, Duration::from_secs(10));
    assert_eq!(http.attempt_timeout, Duration::from_secs(60));
    assert_eq!(http.retries, 2);
    assert_eq!(http.backoff_base, Duration::from_millis(500));
    assert_eq!(http.max_crl_bytes, 32 * 1024 * 1024);
    assert_eq!(http.max_ocsp_bytes, 64 * 1024);
}

fn field_of(json: &str) -> (String, String) {
    match RevocationConfig::from_json(json) {
        Err(RevocationError::Config { field, reason }) => (field, reason),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

fn ca(extra: &str) -> String {
    format!(r#"{{"cas": [{{"name": "A", "ca_certificate": "a.pem"{extra}}}]}}"#)
}

#[test]
fn errors_name_the_field() {
    let cases = [
        (ca(r#", "ocsp_ur1": "http://x""#), "cas[0].ocsp_ur1", "unknown field"),
        (ca(r#", "crl_urls": ["http://a/1.crl", "ldap://a/2.crl"]"#), "cas[0].crl_urls[1]", "only http and https"),
        (ca(r#", "crl_urls": ["file:///etc/passwd"]"#), "cas[0].crl_urls[0]", "only http and https"),
        (ca(r#", "ocsp_url": "http://user:pw@ocsp.example""#), "cas[0].ocsp_url", "credentials"),
        (ca(r#", "ocsp_url": "not a url""#), "cas[0].ocsp_url", "not a URL"),
        (ca(r#", "crl_urls": ["http://a/1.crl", "http://a/1.crl"]"#), "cas[0].crl_urls[1]", "twice"),
        (ca(r#", "crl_urls": "http://a/1.crl""#), "cas[0].crl_urls", "expected a list"),
        (r#"{"cas": [{"name": "A"}]}"#.to_owned(), "cas[0].ca_certificate", "missing"),
        (
            r#"{"cas": [{"name": "A", "ca_certificate": "a"}, {"name": "A", "ca_certificate": "b"}]}"#.to_owned(),
            "cas[1].name",
            "another CA",
        ),
        (r#"{"cas": [], "requirement": "SOMETIMES"}"#.to_owned(), "requirement", "EITHER"),
        (r#"{"cas": [], "http": {"retries": "three"}}"#.to_owned(), "http.retries", "whole number"),
        (r#"{"cas": [], "http": {"retries": 11}}"#.to_owned(), "http.retries", "at most 10"),
        (r#"{"cas": [], "http": {"read_timeout": "10"}}"#.to_owned(), "http.read_timeout", "unit"),
        (r#"{"cas": [], "http": {"read_timeout": "0s"}}"#.to_owned(), "http.read_timeout", "expected"),
        (r#"{"cas": [], "http": {"connect_timeout": "2h"}}"#.to_owned(), "http.connect_timeout", "expected"),
        (r#"{"cas": [], "http": {"max_crl_bytes": 10}}"#.to_owned(), "http.max_crl_bytes", "expected"),
        (r#"{"cas": [], "ocsp_max_age": "0s"}"#.to_owned(), "ocsp_max_age", "zero"),
        (r#"{"cas": [], "colour": "blue"}"#.to_owned(), "colour", "unknown field"),
        (r#"{}"#.to_owned(), "cas", "missing"),
        (r#"{"cas": [],"#.to_owned(), "(the document)", "not JSON"),
    ];
    for (json, field, reason) in cases {
        let (got_field, got_reason) = field_of(&json);
        assert_eq!(got_field, field, "{json}");
        assert!(got_reason.contains(reason), "{json}: {got_reason}");
    }
}

#[test]
fn requirements_parse_in_any_case() {
    assert_eq!(Requirement::parse("OCSP"), Some(Requirement::Ocsp));
    assert_eq!(Requirement::parse("crl"), Some(Requirement::Crl));
    assert_eq!(Requirement::parse(" Either "), Some(Requirement::Either));
    assert_eq!(Requirement::parse("NONE"), Some(Requirement::None));
    assert_eq!(Requirement::parse("BOTH"), None);
    for r in [
        Requirement::Ocsp,
        Requirement::Crl,
        Requirement::Either,
        Requirement::None,
    ] {
        assert_eq!(Requirement::parse(r.as_str()), Some(r));
    }
}

#[test]
fn a_missing_ca_certificate_is_named() {
    let config = RevocationConfig::from_json(&ca("")).unwrap();
    let error = revocation::RevocationSources::from_config(config).unwrap_err();
    assert!(
        matches!(error, RevocationError::CaCertificate { ref ca, .. } if ca == "A"),
        "{error}"
    );
}
