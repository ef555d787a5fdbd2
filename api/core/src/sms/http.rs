//! The HTTP gateway: each message is one request to an SMS operator's API, built from a body
//! template, with a timeout per attempt and retries with exponential backoff when the gateway
//! fails (no connection, a timeout, HTTP 5xx or 429). A refusal (any other 4xx, or a redirect,
//! which is never followed) is not retried. Errors and log lines name the host and the status
//! only: never the URL's path or query, the body, the auth header, the text or the code.

use super::{SmsError, SmsGateway, SmsMessage, mask_phone};
use std::time::Duration;

/// A value that must not be printed (the auth header's value): `Debug` shows `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue(***)")
    }
}

/// The request's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpMethod {
    Post,
    Put,
    /// The rendered template (form-encoded) becomes the URL's query; there is no body.
    Get,
}

impl HttpMethod {
    /// `POST`, `PUT` or `GET`, in any case.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_uppercase().as_str() {
            "POST" => Some(HttpMethod::Post),
            "PUT" => Some(HttpMethod::Put),
            "GET" => Some(HttpMethod::Get),
            _ => None,
        }
    }
}

/// How the body is encoded, and so how placeholders are escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    /// `application/json`: values are escaped as the inside of a JSON string.
    Json,
    /// `application/x-www-form-urlencoded`: values are percent-encoded.
    Form,
}

impl ContentType {
    /// The media type, as sent in `Content-Type`.
    pub fn media_type(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::Form => "application/x-www-form-urlencoded",
        }
    }

    /// `application/json` or `application/x-www-form-urlencoded`.
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "application/json" => Some(ContentType::Json),
            "application/x-www-form-urlencoded" => Some(ContentType::Form),
            _ => None,
        }
    }

    /// The template used when none is configured.
    pub fn default_template(self) -> &'static str {
        match self {
            ContentType::Json => r#"{"phone":"{phone}","text":"{text}"}"#,
            ContentType::Form => "phone={phone}&text={text}",
        }
    }
}

/// The gateway's settings. `Debug` leaves out the URL (its query may carry a key), the template
/// and the auth header.
#[derive(Clone)]
pub struct HttpGatewayConfig {
    /// `http://` or `https://`.
    pub url: String,
    pub method: HttpMethod,
    pub content_type: ContentType,
    /// A header sent with every request, e.g. (`Authorization`, `Bearer …`).
    pub auth_header: Option<(String, SecretValue)>,
    /// The body, with `{phone}` and `{text}` replaced by the message's values, escaped for the
    /// content type (write the JSON string's quotes in the template: `"to":"{phone}"`).
    pub body_template: String,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// How many times a failed attempt is repeated (so `retries + 1` attempts at most).
    pub retries: u32,
    /// The wait before the first retry; it doubles before each next one.
    pub backoff: Duration,
}

impl std::fmt::Debug for HttpGatewayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGatewayConfig")
            .field("method", &self.method)
            .field("content_type", &self.content_type)
            .field("auth_header", &self.auth_header.as_ref().map(|_| "***"))
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

/// The HTTP gateway. `Debug` names its host only.
#[derive(Clone)]
pub struct HttpGateway {
    config: HttpGatewayConfig,
    url: reqwest::Url,
    host: String,
    auth: Option<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    client: reqwest::Client,
}

impl std::fmt::Debug for HttpGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpGateway")
            .field("host", &self.host)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl HttpGateway {
    /// Checks the settings and builds the client.
    pub fn new(config: HttpGatewayConfig) -> Result<Self, SmsError> {
        let url = reqwest::Url::parse(&config.url)
            .map_err(|e| SmsError::Configuration(format!("the URL is not a URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(SmsError::Configuration(
                "the URL must be http:// or https://".to_owned(),
            ));
        }
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => {
                return Err(SmsError::Configuration("the URL has no host".to_owned()));
            }
        };
        for placeholder in ["{phone}", "{text}"] {
            if !config.body_template.contains(placeholder) {
                return Err(SmsError::Configuration(format!(
                    "the body template has no {placeholder}"
                )));
            }
        }
        if config.method == HttpMethod::Get && config.content_type != ContentType::Form {
            return Err(SmsError::Configuration(
                "GET sends the template as the URL's query: the content type must be \
                 application/x-www-form-urlencoded"
                    .to_owned(),
            ));
        }
        if config.timeout.is_zero() {
            return Err(SmsError::Configuration(
                "the timeout must be positive".to_owned(),
            ));
        }
        let auth = match &config.auth_header {
            Some((name, value)) => {
                let name = reqwest::header::HeaderName::from_bytes(name.trim().as_bytes())
                    .map_err(|_| {
                        SmsError::Configuration("the auth header's name is not valid".to_owned())
                    })?;
                let mut value = reqwest::header::HeaderValue::from_str(value.expose().trim())
                    // Not the value: it is the secret.
                    .map_err(|_| {
                        SmsError::Configuration("the auth header's value is not valid".to_owned())
                    })?;
                value.set_sensitive(true);
                Some((name, value))
            }
            None => None,
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A redirect would re-send (or drop) the message elsewhere: it is a refusal.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SmsError::Configuration(format!("the HTTP client: {e}")))?;
        Ok(HttpGateway {
            config,
            url,
            host,
            auth,
            client,
        })
    }

    /// The gateway's host (and port), as errors and logs name it.
    pub fn host(&self) -> &str {
        &self.host
    }

    fn request(&self, message: &SmsMessage) -> reqwest::RequestBuilder {
        let rendered = render(
            &self.config.body_template,
            self.config.content_type,
            &message.phone,
            &message.text,
        );
        let mut builder = match self.config.method {
            HttpMethod::Get => {
                let mut url = self.url.clone();
                let query = match url.query() {
                    Some(existing) if !existing.is_empty() => format!("{existing}&{rendered}"),
                    _ => rendered,
                };
                url.set_query(Some(&query));
                self.client.get(url)
            }
            HttpMethod::Post | HttpMethod::Put => {
                let builder = if self.config.method == HttpMethod::Post {
                    self.client.post(self.url.clone())
                } else {
                    self.client.put(self.url.clone())
                };
                builder
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        self.config.content_type.media_type(),
                    )
                    .body(rendered)
            }
        };
        if let Some((name, value)) = &self.auth {
            builder = builder.header(name.clone(), value.clone());
        }
        builder
    }

    /// One attempt: Ok, or whether it may be retried and why it failed (host-free, secret-free).
    async fn attempt(&self, message: &SmsMessage) -> Result<(), Attempt> {
        match self.request(message).send().await {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    Ok(())
                } else if status.is_server_error()
                    || status == reqwest::StatusCode::TOO_MANY_REQUESTS
                {
                    Err(Attempt::Retry(format!("HTTP {}", status.as_u16())))
                } else {
                    Err(Attempt::Refused(status.as_u16()))
                }
            }
            Err(error) if error.is_timeout() => Err(Attempt::Retry(format!(
                "no answer within {} ms",
                self.config.timeout.as_millis()
            ))),
            Err(error) if error.is_connect() => Err(Attempt::Retry("could not connect".to_owned())),
            // reqwest's own text names the whole URL, which may carry a key: not used.
            Err(_) => Err(Attempt::Retry("the request failed".to_owned())),
        }
    }
}

enum Attempt {
    Retry(String),
    Refused(u16),
}

#[async_trait::async_trait]
impl SmsGateway for HttpGateway {
    async fn send(&self, message: &SmsMessage) -> Result<(), SmsError> {
        let attempts = self.config.retries.saturating_add(1);
        let mut wait = self.config.backoff;
        let mut attempt = 1;
        loop {
            match self.attempt(message).await {
                Ok(()) => {
                    tracing::info!(
                        host = %self.host,
                        phone = %mask_phone(&message.phone),
                        attempt,
                        "SMS sent"
                    );
                    return Ok(());
                }
                Err(Attempt::Refused(status)) => {
                    tracing::warn!(
                        host = %self.host,
                        phone = %mask_phone(&message.phone),
                        status,
                        "the SMS gateway refused the message"
                    );
                    return Err(SmsError::Refused {
                        host: self.host.clone(),
                        status,
                    });
                }
                Err(Attempt::Retry(reason)) if attempt < attempts => {
                    tracing::warn!(
                        host = %self.host,
                        attempt,
                        reason = %reason,
                        retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "the SMS gateway failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                    attempt += 1;
                }
                Err(Attempt::Retry(reason)) => {
                    tracing::warn!(
                        host = %self.host,
                        phone = %mask_phone(&message.phone),
                        attempts,
                        reason = %reason,
                        "the SMS gateway failed on every attempt"
                    );
                    return Err(SmsError::Failed {
                        host: self.host.clone(),
                        attempts,
                        reason,
                    });
                }
            }
        }
    }
}

/// The template with `{phone}` and `{text}` replaced, in one pass (a value that contains a
/// placeholder is not replaced again), each escaped for `content_type`.
fn render(template: &str, content_type: ContentType, phone: &str, text: &str) -> String {
    let escape = |value: &str| match content_type {
        ContentType::Json => json_string_inside(value),
        ContentType::Form => form_encode(value),
    };
    let mut out = String::with_capacity(template.len() + text.len() * 3);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        if let Some(after) = from.strip_prefix("{phone}") {
            out.push_str(&escape(phone));
            rest = after;
        } else if let Some(after) = from.strip_prefix("{text}") {
            out.push_str(&escape(text));
            rest = after;
        } else {
            out.push('{');
            rest = from.get(1..).unwrap_or_default();
        }
    }
    out.push_str(rest);
    out
}

/// `value` as the inside of a JSON string (without the quotes).
fn json_string_inside(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or_default()
        .to_owned()
}

/// `value` encoded as `application/x-www-form-urlencoded` does (the URL standard's
/// `application/x-www-form-urlencoded` serializer): UTF-8, space as `+`.
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_values_are_escaped_inside_their_string() {
        let body = render(
            r#"{"to":"{phone}","msg":"{text}","n":{"x":1}}"#,
            ContentType::Json,
            "+77011234567",
            "a \"quoted\" \\ line\nқазақша {phone}",
        );
        let parsed: serde_json::Value = serde_json::from_str(&body).expect("valid JSON");
        assert_eq!(parsed["to"], "+77011234567");
        assert_eq!(parsed["msg"], "a \"quoted\" \\ line\nқазақша {phone}");
        assert_eq!(parsed["n"]["x"], 1);
    }

    #[test]
    fn form_values_are_percent_encoded() {
        let body = render(
            "to={phone}&msg={text}",
            ContentType::Form,
            "+77011234567",
            "1 2&3=қ",
        );
        assert_eq!(body, "to=%2B77011234567&msg=1+2%263%3D%D2%9B");
    }

    #[test]
    fn bad_settings_are_refused_without_the_secret() {
        let config = HttpGatewayConfig {
            url: "https://sms.example.kz/send".to_owned(),
            method: HttpMethod::Post,
            content_type: ContentType::Json,
            auth_header: Some((
                "Authorization".to_owned(),
                SecretValue::new("Bearer s3cret\u{7f}x"),
            )),
            body_template: ContentType::Json.default_template().to_owned(),
            timeout: Duration::from_secs(1),
            retries: 0,
            backoff: Duration::ZERO,
        };
        let error = HttpGateway::new(config.clone()).expect_err("a newline in a header");
        assert!(!error.to_string().contains("s3cret"), "{error}");
        assert!(!format!("{config:?}").contains("s3cret"));
        for (url, template) in [
            ("ftp://sms.example.kz", "{phone}{text}"),
            ("not a url", "{phone}{text}"),
            ("https://sms.example.kz", "{text}"),
            ("https://sms.example.kz", "{phone}"),
        ] {
            let config = HttpGatewayConfig {
                url: url.to_owned(),
                body_template: template.to_owned(),
                auth_header: None,
                ..config.clone()
            };
            assert!(
                matches!(HttpGateway::new(config), Err(SmsError::Configuration(_))),
                "{url} {template}"
            );
        }
    }
}
