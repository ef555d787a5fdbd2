//! The configuration: which CAs, which URLs and files, what is required, and the HTTP limits.
//!
//! Read from JSON ([`RevocationConfig::from_json`]) by walking a `serde_json::Value`, so that
//! every error names the field it is about (`cas[0].crl_urls[1]: …`), unknown fields included
//! (a misspelt `ocsp_ur1` must not silently mean "no OCSP"). Values are checked here once;
//! the rest of the crate relies on them: URLs are absolute `http`/`https` URLs without
//! credentials, durations and sizes lie within the bounds below.
//!
//! Only these URLs are ever fetched. The CRL distribution points and authorityInfoAccess URLs
//! of certificates carried in a CMS are never used: a signer chooses them, and following them
//! would let anyone who can submit a signature make the server request any address (its own
//! internal network included).

use crate::error::RevocationError;
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::time::Duration;

/// Most CAs in one configuration. NCA RK runs a handful (RSA and GOST, production and test).
const MAX_CAS: usize = 64;
/// Most CRL URLs, and most CRL files, of one CA (a full and a delta CRL, per key generation).
const MAX_SOURCES_PER_CA: usize = 16;
/// Longest URL accepted (browsers and servers commonly stop at 8 KiB; a CRL URL is short).
const MAX_URL_LEN: usize = 2048;
/// Longest timeout, backoff or margin accepted: beyond it a value is a mistake (hours for a
/// timeout), not a choice.
const MAX_WAIT: Duration = Duration::from_secs(10 * 60);
/// Longest `ocsp_max_age`: a week, as long as CAs commonly make an OCSP response valid.
const MAX_OCSP_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
/// Longest `crl_refresh_margin`: a CRL is commonly issued for one to seven days.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(7 * 24 * 3600);
/// Most retries: more only multiplies the wait of a verification.
const MAX_RETRIES: u32 = 10;
/// Bounds of the body limits.
const MIN_BODY_LIMIT: usize = 1024;
const MAX_CRL_LIMIT: usize = 256 * 1024 * 1024;
const MAX_OCSP_LIMIT: usize = 1024 * 1024;

/// Everything this crate needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationConfig {
    /// The CAs whose certificates may be checked, each with its sources.
    pub cas: Vec<CaSources>,
    /// Which sources must answer (see [`Requirement`]). Default `EITHER`.
    pub requirement: Requirement,
    /// Timeouts, retries and size limits of every fetch.
    pub http: HttpSettings,
    /// How long an OCSP response is used after its thisUpdate, at most, even when its
    /// nextUpdate is later; a response without nextUpdate is used that long. Default one hour:
    /// the verifier's own default (`signatures::OcspOptions::max_age`), so that a cached
    /// response is never one the verifier would call stale. NCA RK's responder sets no
    /// nextUpdate.
    pub ocsp_max_age: Duration,
    /// How long before a CRL's nextUpdate the next one is fetched. Default one hour: CAs
    /// commonly publish the next CRL well before the current one's nextUpdate (RFC 5280 §5.1.2.5
    /// lets them issue one before), and an hour leaves room for several retries before
    /// the held CRL stops counting.
    pub crl_refresh_margin: Duration,
}

/// One CA and where its revocation data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaSources {
    /// A name for logs and `/readyz`, unique in the configuration.
    pub name: String,
    /// The CA's own certificate (PEM or DER, one certificate). A certificate belongs to this CA
    /// when its issuer certificate has this one's subject and public key: the pair an OCSP
    /// CertID identifies an issuer by (RFC 6960 §4.1.1), and the one thing a forger cannot
    /// copy. A name alone could be copied by anyone into a CA of their own, and the names of
    /// successive key generations of one CA are often the same.
    pub ca_certificate: PathBuf,
    /// CRLs to download, each a single DER CRL (RFC 5280 §4.2.1.13).
    pub crl_urls: Vec<String>,
    /// CRL files on disk (PEM or DER), re-read when they change.
    pub crl_files: Vec<PathBuf>,
    /// The OCSP responder to ask about this CA's certificates (RFC 6960 Appendix A: HTTP POST).
    pub ocsp_url: Option<String>,
}

/// Which revocation sources must answer for a verification to count as checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Requirement {
    /// An OCSP response is required.
    Ocsp,
    /// A CRL is required.
    Crl,
    /// Either is enough.
    Either,
    /// Neither is required: without one, the verification carries a warning.
    None,
}

impl Requirement {
    /// `OCSP`, `CRL`, `EITHER` or `NONE`, in any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "OCSP" => Some(Requirement::Ocsp),
            "CRL" => Some(Requirement::Crl),
            "EITHER" => Some(Requirement::Either),
            "NONE" => Some(Requirement::None),
            _ => None,
        }
    }

    /// The configuration's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Ocsp => "OCSP",
            Requirement::Crl => "CRL",
            Requirement::Either => "EITHER",
            Requirement::None => "NONE",
        }
    }
}

/// How every fetch is bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSettings {
    /// How long a TCP (and TLS) connection may take to open. Default 5 s: a responder that
    /// has not accepted a connection by then is down or unreachable, and a verification waits
    /// for it.
    pub connect_timeout: Duration,
    /// How long the server may stay silent, waiting for the headers or between two parts of
    /// the body. Default 10 s: long enough for a responder under load, short enough that a
    /// hung one fails a verification within a user's patience.
    pub read_timeout: Duration,
    /// How long one attempt may take in all, however steadily the bytes trickle in (a server
    /// sending a byte every few seconds never trips `read_timeout`). Default 60 s: a 32 MiB
    /// CRL at a modest 1 MB/s.
    pub attempt_timeout: Duration,
    /// How many times a failed attempt is repeated (so `retries + 1` attempts at most).
    /// Default 2, as the SMS gateway's: one blip is absorbed, an outage is reported quickly.
    pub retries: u32,
    /// The wait before the first retry; it doubles before each next one. Default 500 ms.
    pub backoff_base: Duration,
    /// The largest CRL read, in bytes. Default 32 MiB: a revoked entry is some 40 to 60 bytes
    /// of DER, so this holds over half a million revocations, far beyond a national CA's
    /// full CRL, while bounding what one download may make the server hold.
    pub max_crl_bytes: usize,
    /// The largest OCSP response read, in bytes. Default 64 KiB: a response is one
    /// SingleResponse and a few certificates (the verifier reads at most 8 of them).
    pub max_ocsp_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(5),
            read_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(60),
            retries: 2,
            backoff_base: Duration::from_millis(500),
            max_crl_bytes: 32 * 1024 * 1024,
            max_ocsp_bytes: 64 * 1024,
        }
    }
}

/// The default of [`RevocationConfig::ocsp_max_age`].
pub const DEFAULT_OCSP_MAX_AGE: Duration = Duration::from_secs(3600);
/// The default of [`RevocationConfig::crl_refresh_margin`].
pub const DEFAULT_CRL_REFRESH_MARGIN: Duration = Duration::from_secs(3600);

impl RevocationConfig {
    /// A configuration with no CA, requirement `EITHER` and the defaults.
    pub fn new(cas: Vec<CaSources>) -> Self {
        RevocationConfig {
            cas,
            requirement: Requirement::Either,
            http: HttpSettings::default(),
            ocsp_max_age: DEFAULT_OCSP_MAX_AGE,
            crl_refresh_margin: DEFAULT_CRL_REFRESH_MARGIN,
        }
    }

    /// Reads the JSON form (docs/revocation.md); relative paths stay relative to the process's
    /// working directory. Every error names its field.
    pub fn from_json(text: &str) -> Result<Self, RevocationError> {
        let value: Value = serde_json::from_str(text).map_err(|e| RevocationError::Config {
            field: "(the document)".to_owned(),
            reason: format!("not JSON: {e}"),
        })?;
        let top = object(&value, "(the document)")?;
        allow_only(
            top,
            "",
            &[
                "cas",
                "requirement",
                "http",
                "ocsp_max_age",
                "crl_refresh_margin",
            ],
        )?;
        let mut config = RevocationConfig::new(Vec::new());
        if let Some(value) = top.get("requirement") {
            let text = string(value, "requirement")?;
            config.requirement = Requirement::parse(text)
                .ok_or_else(|| invalid("requirement", "expected OCSP, CRL, EITHER or NONE"))?;
        }
        if let Some(value) = top.get("ocsp_max_age") {
            config.ocsp_max_age = duration(value, "ocsp_max_age", Duration::ZERO, MAX_OCSP_AGE)?;
            if config.ocsp_max_age.is_zero() {
                return Err(invalid("ocsp_max_age", "must be longer than zero"));
            }
        }
        if let Some(value) = top.get("crl_refresh_margin") {
            config.crl_refresh_margin = duration(
                value,
                "crl_refresh_margin",
                Duration::ZERO,
                MAX_REFRESH_MARGIN,
            )?;
        }
        if let Some(value) = top.get("http") {
            config.http = http_settings(value)?;
        }
        let cas = match top.get("cas") {
            Some(value) => array(value, "cas")?,
            None => {
                return Err(invalid(
                    "cas",
                    "missing: list the CAs (it may be empty: [])",
                ));
            }
        };
        if cas.len() > MAX_CAS {
            return Err(invalid("cas", &format!("more than {MAX_CAS} CAs")));
        }
        for (i, ca) in cas.iter().enumerate() {
            config.cas.push(ca_sources(ca, &format!("cas[{i}]"))?);
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks what [`RevocationConfig::from_json`] checks, for a configuration built in code:
    /// unique names, `http`/`https` URLs, bounded durations and sizes.
    pub fn validate(&self) -> Result<(), RevocationError> {
        if self.cas.len() > MAX_CAS {
            return Err(invalid("cas", &format!("more than {MAX_CAS} CAs")));
        }
        check_range(
            self.ocsp_max_age,
            "ocsp_max_age",
            Duration::from_millis(1),
            MAX_OCSP_AGE,
        )?;
        check_range(
            self.crl_refresh_margin,
            "crl_refresh_margin",
            Duration::ZERO,
            MAX_REFRESH_MARGIN,
        )?;
        self.http.validate()?;
        let mut names = std::collections::HashSet::new();
        for (i, ca) in self.cas.iter().enumerate() {
            let field = format!("cas[{i}]");
            if ca.name.trim().is_empty() {
                return Err(invalid(&format!("{field}.name"), "must not be empty"));
            }
            if ca.name.len() > 200 {
                return Err(invalid(&format!("{field}.name"), "longer than 200 bytes"));
            }
            if !names.insert(ca.name.as_str()) {
                return Err(invalid(
                    &format!("{field}.name"),
                    &format!("{:?} names another CA too", ca.name),
                ));
            }
            if ca.crl_urls.len() > MAX_SOURCES_PER_CA || ca.crl_files.len() > MAX_SOURCES_PER_CA {
                return Err(invalid(
                    &field,
                    &format!("more than {MAX_SOURCES_PER_CA} CRL URLs or files"),
                ));
            }
            let mut urls = std::collections::HashSet::new();
            for (j, url) in ca.crl_urls.iter().enumerate() {
                let field = format!("{field}.crl_urls[{j}]");
                check_url(url, &field)?;
                if !urls.insert(url.as_str()) {
                    return Err(invalid(&field, "listed twice"));
                }
            }
            if let Some(url) = &ca.ocsp_url {
                check_url(url, &format!("{field}.ocsp_url"))?;
            }
        }
        Ok(())
    }
}

impl HttpSettings {
    /// Checks the bounds; `field` paths start with `http.`.
    pub fn validate(&self) -> Result<(), RevocationError> {
        let positive = Duration::from_millis(1);
        check_range(
            self.connect_timeout,
            "http.connect_timeout",
            positive,
            MAX_WAIT,
        )?;
        check_range(self.read_timeout, "http.read_timeout", positive, MAX_WAIT)?;
        check_range(
            self.attempt_timeout,
            "http.attempt_timeout",
            positive,
            MAX_WAIT,
        )?;
        check_range(
            self.backoff_base,
            "http.backoff_base",
            Duration::ZERO,
            MAX_WAIT,
        )?;
        if self.retries > MAX_RETRIES {
            return Err(invalid("http.retries", &format!("at most {MAX_RETRIES}")));
        }
        if !(MIN_BODY_LIMIT..=MAX_CRL_LIMIT).contains(&self.max_crl_bytes) {
            return Err(invalid(
                "http.max_crl_bytes",
                &format!("expected {MIN_BODY_LIMIT} to {MAX_CRL_LIMIT}"),
            ));
        }
        if !(MIN_BODY_LIMIT..=MAX_OCSP_LIMIT).contains(&self.max_ocsp_bytes) {
            return Err(invalid(
                "http.max_ocsp_bytes",
                &format!("expected {MIN_BODY_LIMIT} to {MAX_OCSP_LIMIT}"),
            ));
        }
        Ok(())
    }
}

fn http_settings(value: &Value) -> Result<HttpSettings, RevocationError> {
    let map = object(value, "http")?;
    allow_only(
        map,
        "http.",
        &[
            "connect_timeout",
            "read_timeout",
            "attempt_timeout",
            "retries",
            "backoff_base",
            "max_crl_bytes",
            "max_ocsp_bytes",
        ],
    )?;
    let mut http = HttpSettings::default();
    if let Some(v) = map.get("connect_timeout") {
        http.connect_timeout = duration(v, "http.connect_timeout", Duration::ZERO, MAX_WAIT)?;
    }
    if let Some(v) = map.get("read_timeout") {
        http.read_timeout = duration(v, "http.read_timeout", Duration::ZERO, MAX_WAIT)?;
    }
    if let Some(v) = map.get("attempt_timeout") {
        http.attempt_timeout = duration(v, "http.attempt_timeout", Duration::ZERO, MAX_WAIT)?;
    }
    if let Some(v) = map.get("backoff_base") {
        http.backoff_base = duration(v, "http.backoff_base", Duration::ZERO, MAX_WAIT)?;
    }
    if let Some(v) = map.get("retries") {
        http.retries = u32::try_from(whole_number(v, "http.retries")?)
            .map_err(|_| invalid("http.retries", &format!("at most {MAX_RETRIES}")))?;
    }
    if let Some(v) = map.get("max_crl_bytes") {
        http.max_crl_bytes = usize::try_from(whole_number(v, "http.max_crl_bytes")?)
            .map_err(|_| invalid("http.max_crl_bytes", "too large"))?;
    }
    if let Some(v) = map.get("max_ocsp_bytes") {
        http.max_ocsp_bytes = usize::try_from(whole_number(v, "http.max_ocsp_bytes")?)
            .map_err(|_| invalid("http.max_ocsp_bytes", "too large"))?;
    }
    http.validate()?;
    Ok(http)
}

fn ca_sources(value: &Value, field: &str) -> Result<CaSources, RevocationError> {
    let map = object(value, field)?;
    allow_only(
        map,
        &format!("{field}."),
        &[
            "name",
            "ca_certificate",
            "crl_urls",
            "crl_files",
            "ocsp_url",
        ],
    )?;
    let required = |key: &str| {
        map.get(key)
            .ok_or_else(|| invalid(&format!("{field}.{key}"), "missing"))
    };
    let name = string(required("name")?, &format!("{field}.name"))?.to_owned();
    let ca_certificate = PathBuf::from(string(
        required("ca_certificate")?,
        &format!("{field}.ca_certificate"),
    )?);
    let strings = |key: &str| -> Result<Vec<String>, RevocationError> {
        let Some(value) = map.get(key) else {
            return Ok(Vec::new());
        };
        let list = array(value, &format!("{field}.{key}"))?;
        if list.len() > MAX_SOURCES_PER_CA {
            return Err(invalid(
                &format!("{field}.{key}"),
                &format!("more than {MAX_SOURCES_PER_CA} entries"),
            ));
        }
        list.iter()
            .enumerate()
            .map(|(i, item)| string(item, &format!("{field}.{key}[{i}]")).map(str::to_owned))
            .collect()
    };
    let crl_urls = strings("crl_urls")?;
    let crl_files = strings("crl_files")?
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let ocsp_url = match map.get("ocsp_url") {
        None | Some(Value::Null) => None,
        Some(value) => Some(string(value, &format!("{field}.ocsp_url"))?.to_owned()),
    };
    Ok(CaSources {
        name,
        ca_certificate,
        crl_urls,
        crl_files,
        ocsp_url,
    })
}

/// An absolute `http` or `https` URL with a host and no credentials. LDAP and FTP URLs, which
/// RFC 5280 §4.2.1.13 also allows in distribution points, are refused: NCA RK publishes over
/// HTTP, and each scheme more is a client more to keep safe. Credentials are refused because
/// URLs are shown in logs and in `/readyz`.
fn check_url(url: &str, field: &str) -> Result<(), RevocationError> {
    if url.len() > MAX_URL_LEN {
        return Err(invalid(field, &format!("longer than {MAX_URL_LEN} bytes")));
    }
    let parsed =
        reqwest::Url::parse(url).map_err(|e| invalid(field, &format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(
            field,
            &format!(
                "only http and https URLs are fetched, not {}",
                parsed.scheme()
            ),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid(field, "the URL names no host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid(
            field,
            "the URL carries credentials, which would be shown in logs and /readyz",
        ));
    }
    Ok(())
}

fn check_range(
    value: Duration,
    field: &str,
    min: Duration,
    max: Duration,
) -> Result<(), RevocationError> {
    if value < min || value > max {
        return Err(invalid(
            field,
            &format!("expected {} to {}", show_duration(min), show_duration(max)),
        ));
    }
    Ok(())
}

/// A duration as written in the configuration: a whole number and a unit, `ms`, `s`, `m`,
/// `h` or `d` (`500ms`, `10s`, `1h`).
fn duration(
    value: &Value,
    field: &str,
    min: Duration,
    max: Duration,
) -> Result<Duration, RevocationError> {
    let text = string(value, field)?.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let expected = "expected a whole number and a unit (ms, s, m, h or d), e.g. \"10s\"";
    let number: u64 = digits.parse().map_err(|_| invalid(field, expected))?;
    let millis_per_unit: u64 = match unit.trim() {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(invalid(field, expected)),
    };
    let millis = number
        .checked_mul(millis_per_unit)
        .ok_or_else(|| invalid(field, "too long"))?;
    let parsed = Duration::from_millis(millis);
    check_range(parsed, field, min, max)?;
    Ok(parsed)
}

fn show_duration(d: Duration) -> String {
    let millis = d.as_millis();
    if !millis.is_multiple_of(1000) || millis == 0 {
        format!("{millis}ms")
    } else {
        format!("{}s", millis / 1000)
    }
}

fn object<'a>(value: &'a Value, field: &str) -> Result<&'a Map<String, Value>, RevocationError> {
    value
        .as_object()
        .ok_or_else(|| invalid(field, "expected an object"))
}

fn array<'a>(value: &'a Value, field: &str) -> Result<&'a Vec<Value>, RevocationError> {
    value
        .as_array()
        .ok_or_else(|| invalid(field, "expected a list"))
}

fn string<'a>(value: &'a Value, field: &str) -> Result<&'a str, RevocationError> {
    value
        .as_str()
        .ok_or_else(|| invalid(field, "expected a string"))
}

fn whole_number(value: &Value, field: &str) -> Result<u64, RevocationError> {
    value
        .as_u64()
        .ok_or_else(|| invalid(field, "expected a whole number"))
}

fn allow_only(
    map: &Map<String, Value>,
    prefix: &str,
    known: &[&str],
) -> Result<(), RevocationError> {
    match map.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(invalid(
            &format!("{prefix}{key}"),
            &format!("unknown field (known: {})", known.join(", ")),
        )),
        None => Ok(()),
    }
}

fn invalid(field: &str, reason: &str) -> RevocationError {
    RevocationError::Config {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}
