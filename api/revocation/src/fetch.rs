//! The fetcher port, and its one implementation over HTTP.
//!
//! [`Fetcher`] is what the CRL and OCSP sources need of the network: a GET of a CRL, a POST of
//! an OCSP request (RFC 6960 Appendix A.1), each with a size limit. [`HttpFetcher`] implements
//! it on reqwest with rustls (no OpenSSL, no native TLS):
//! - a connect timeout, a read timeout (the server's silence, for the headers or between two
//!   parts of the body) and a timeout of the whole attempt (a trickle of bytes never trips the
//!   read timeout);
//! - `retries` retries after a failure that may pass (no connection, a timeout, HTTP 5xx, 408
//!   or 429), waiting `backoff_base`, then twice that, and so on; a failure that will not pass
//!   (another 4xx, a redirect, a body over the limit) is returned at once;
//! - the size limit enforced while the body streams in: a `Content-Length` over the limit is
//!   refused before reading, and the body is read chunk by chunk, stopping at the limit, so no
//!   more than the limit is ever held;
//! - redirects are never followed: a redirect could point anywhere, the server's own internal
//!   network included, and only configured URLs are fetched;
//! - when every attempt fails, one [`FetchError::AllAttemptsFailed`] says each attempt's
//!   cause.
//!
//! Proxies named by the environment (`HTTPS_PROXY`, `NO_PROXY`, …) are used, as reqwest does
//! by default: servers often reach the internet only through one.

use crate::config::HttpSettings;
use std::time::Duration;

/// The network, as the revocation sources see it.
#[async_trait::async_trait]
pub trait Fetcher: Send + Sync + std::fmt::Debug {
    /// GETs `url`; the body, when the answer is a 2xx of at most `limit` bytes.
    async fn get(&self, url: &str, limit: usize) -> Result<Vec<u8>, FetchError>;

    /// POSTs `body` as `content_type` to `url`; the body of the answer, when it is a 2xx of at
    /// most `limit` bytes.
    async fn post(
        &self,
        url: &str,
        content_type: &str,
        body: Vec<u8>,
        limit: usize,
    ) -> Result<Vec<u8>, FetchError>;
}

/// Why a fetch gave no body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Every attempt failed with a failure that may pass; `attempts` says each one's cause, in
    /// order.
    #[error("{url}: all {} attempts failed: {}", .attempts.len(), .attempts.join("; "))]
    AllAttemptsFailed {
        /// The URL fetched.
        url: String,
        /// Each attempt's cause, e.g. `HTTP 503`, `no answer within 10000 ms`.
        attempts: Vec<String>,
    },

    /// The server answered with a status that retrying will not change: a 4xx other than 408
    /// and 429, or a redirect (3xx), which is never followed.
    #[error("{url}: the server answered HTTP {status}{}", if (300..400).contains(.status) { " (a redirect, not followed)" } else { "" })]
    Refused {
        /// The URL fetched.
        url: String,
        /// The HTTP status.
        status: u16,
    },

    /// The body is larger than the limit; reading stopped there.
    #[error("{url}: the body is larger than {limit} bytes")]
    TooLarge {
        /// The URL fetched.
        url: String,
        /// The limit, in bytes.
        limit: usize,
    },

    /// The URL cannot be requested (configuration is checked first, so this is a bug or a
    /// fetcher used without it).
    #[error("{url}: not a URL that may be fetched: {reason}")]
    BadUrl {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },

    /// The HTTP client could not be built (its TLS configuration).
    #[error("the HTTP client: {0}")]
    Client(String),
}

/// [`Fetcher`] over reqwest with rustls.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    settings: HttpSettings,
}

impl HttpFetcher {
    /// A client with `settings`' timeouts, no redirects and no cookies.
    pub fn new(settings: &HttpSettings) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .read_timeout(settings.read_timeout)
            // A redirect could point anywhere; only configured URLs are fetched.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "registration-revocation/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(HttpFetcher {
            client,
            settings: settings.clone(),
        })
    }

    async fn fetch(
        &self,
        url: &str,
        limit: usize,
        request: impl Fn(&reqwest::Client, reqwest::Url) -> reqwest::RequestBuilder + Send + Sync,
    ) -> Result<Vec<u8>, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|e| FetchError::BadUrl {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl {
                url: url.to_owned(),
                reason: "only http and https are fetched".to_owned(),
            });
        }
        let attempts = self.settings.retries.saturating_add(1);
        let mut wait = self.settings.backoff_base;
        let mut causes = Vec::new();
        for attempt in 1..=attempts {
            let outcome = tokio::time::timeout(
                self.settings.attempt_timeout,
                self.attempt(url, limit, request(&self.client, parsed.clone())),
            )
            .await
            .unwrap_or_else(|_| {
                Err(Attempt::Passing(format!(
                    "not done within {} ms",
                    self.settings.attempt_timeout.as_millis()
                )))
            });
            match outcome {
                Ok(body) => {
                    if attempt > 1 {
                        tracing::debug!(url, attempt, "fetched after a retry");
                    }
                    return Ok(body);
                }
                Err(Attempt::Final(error)) => return Err(error),
                Err(Attempt::Passing(cause)) => {
                    tracing::debug!(url, attempt, cause = %cause, "fetch attempt failed");
                    causes.push(cause);
                    if attempt < attempts {
                        tokio::time::sleep(wait).await;
                        wait = wait.saturating_mul(2);
                    }
                }
            }
        }
        Err(FetchError::AllAttemptsFailed {
            url: url.to_owned(),
            attempts: causes,
        })
    }

    /// One attempt: the body, or a cause that may pass, or a failure to return at once.
    async fn attempt(
        &self,
        url: &str,
        limit: usize,
        request: reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, Attempt> {
        let mut response = request
            .send()
            .await
            .map_err(|e| Attempt::Passing(self.cause(&e)))?;
        let status = response.status();
        if !status.is_success() {
            let code = status.as_u16();
            return if status.is_server_error()
                || status == reqwest::StatusCode::REQUEST_TIMEOUT
                || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            {
                Err(Attempt::Passing(format!("HTTP {code}")))
            } else {
                Err(Attempt::Final(FetchError::Refused {
                    url: url.to_owned(),
                    status: code,
                }))
            };
        }
        let too_large = || {
            Attempt::Final(FetchError::TooLarge {
                url: url.to_owned(),
                limit,
            })
        };
        if response
            .content_length()
            .is_some_and(|length| usize::try_from(length).map_or(true, |length| length > limit))
        {
            return Err(too_large());
        }
        // Grown as the body arrives, never reserved from the (untrusted) Content-Length.
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Attempt::Passing(self.cause(&e)))?
        {
            if chunk.len() > limit.saturating_sub(body.len()) {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// A short cause; reqwest's own text repeats the URL, which the error already names.
    fn cause(&self, error: &reqwest::Error) -> String {
        if error.is_timeout() {
            let limit = if error.is_connect() {
                self.settings.connect_timeout
            } else {
                self.settings.read_timeout
            };
            format!("no answer within {} ms", millis(limit))
        } else if error.is_connect() {
            "could not connect".to_owned()
        } else if error.is_body() || error.is_decode() {
            "the body broke off".to_owned()
        } else {
            "the request failed".to_owned()
        }
    }
}

fn millis(d: Duration) -> u128 {
    d.as_millis()
}

/// How one attempt failed.
enum Attempt {
    /// May pass: retried while attempts remain.
    Passing(String),
    /// Will not pass: returned at once.
    Final(FetchError),
}

#[async_trait::async_trait]
impl Fetcher for HttpFetcher {
    async fn get(&self, url: &str, limit: usize) -> Result<Vec<u8>, FetchError> {
        self.fetch(url, limit, |client, url| client.get(url)).await
    }

    async fn post(
        &self,
        url: &str,
        content_type: &str,
        body: Vec<u8>,
        limit: usize,
    ) -> Result<Vec<u8>, FetchError> {
        self.fetch(url, limit, |client, url| {
            client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body.clone())
        })
        .await
    }
}
