//! Sending one-time passwords by SMS: the port ([`SmsGateway`]), the message every code goes out
//! in ([`otp_text`]), and two implementations. [`DevOutbox`] keeps messages in a table for
//! development (`registration-api dev-outbox` prints them): it is the only plain copy of a code,
//! and it is deleted once the code has expired. [`HttpGateway`] posts them to an operator's HTTP
//! API, with a timeout and retries.
//!
//! Neither a code nor the text that carries it is ever logged: log lines name the gateway's
//! host, the HTTP status and the phone number masked.

mod http;
pub(crate) mod outbox;

pub use http::{ContentType, HttpGateway, HttpGatewayConfig, HttpMethod, SecretValue};
pub use outbox::{DevOutbox, OutboxEntry};

use time::OffsetDateTime;

/// The most UTF-16 code units two concatenated UCS-2 SMS segments carry (67 each, after the
/// concatenation header).
pub const MAX_TEXT_UNITS: usize = 134;

/// Sends SMS messages.
#[async_trait::async_trait]
pub trait SmsGateway: Send + Sync + std::fmt::Debug {
    /// Sends one message; Err when the gateway refused or failed after its retries.
    async fn send(&self, message: &SmsMessage) -> Result<(), SmsError>;
}

/// One message to one phone.
///
/// `Debug` masks the phone and leaves out the text and the code, since values reach logs
/// through `Debug`.
#[derive(Clone)]
pub struct SmsMessage {
    /// E.164, `+77011234567`.
    pub phone: String,
    /// What the phone shows ([`otp_text`]).
    pub text: String,
    /// The code, kept only by the development outbox (the only plain copy there is).
    pub code: Option<String>,
    /// When the code expires: the outbox deletes the message then.
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for SmsMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsMessage")
            .field("phone", &mask_phone(&self.phone))
            .field("text", &"***")
            .field("code", &self.code.as_ref().map(|_| "***"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What a one-time password is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsPurpose<'a> {
    /// Signing in.
    Login,
    /// Signing an application, named by its number (`26-5GKP-GRZK`).
    Sign { application_number: &'a str },
    /// Signing an appeal (or, with `complaint`, a complaint), named by its number.
    SignAppeal { number: &'a str, complaint: bool },
}

/// The message that carries `code`, in Kazakh then Russian: the code first (so that phones
/// offer to copy it), what it is for, and "do not tell anyone" in both languages. At most
/// [`MAX_TEXT_UNITS`] UTF-16 units, two UCS-2 segments: an application number too long for
/// that is named once, then not at all.
pub fn otp_text(code: &str, purpose: SmsPurpose<'_>) -> String {
    let candidates = match purpose {
        SmsPurpose::Login => vec![format!(
            "{code} — кіру коды. Ешкімге айтпаңыз! Код для входа. Никому не сообщайте!"
        )],
        SmsPurpose::SignAppeal { number, complaint } => {
            let (kk, ru) = if complaint {
                ("шағымға", "жалобы")
            } else {
                ("өтінішке", "обращения")
            };
            vec![
                format!(
                    "{code} — {number} {kk} қол қою коды. Ешкімге айтпаңыз! \
                     Код подписи {ru} {number}. Никому не сообщайте!"
                ),
                format!(
                    "{code} — {kk} қол қою коды. Ешкімге айтпаңыз! \
                     Код подписи {ru}. Никому не сообщайте!"
                ),
            ]
        }
        SmsPurpose::Sign { application_number } => vec![
            format!(
                "{code} — {application_number} өтінішіне қол қою коды. Ешкімге айтпаңыз! \
                 Код подписи заявления {application_number}. Никому не сообщайте!"
            ),
            format!(
                "{code} — {application_number} өтінішіне қол қою коды. Ешкімге айтпаңыз! \
                 Код подписи заявления. Никому не сообщайте!"
            ),
            format!(
                "{code} — өтінішке қол қою коды. Ешкімге айтпаңыз! \
                 Код подписи заявления. Никому не сообщайте!"
            ),
        ],
    };
    let mut last = String::new();
    for text in candidates {
        if utf16_units(&text) <= MAX_TEXT_UNITS {
            return text;
        }
        last = text;
    }
    // Only a code of some eighty characters gets here; a code is six digits.
    last.chars()
        .scan(0, |units, c| {
            *units += c.len_utf16();
            (*units <= MAX_TEXT_UNITS).then_some(c)
        })
        .collect()
}

/// How many UTF-16 code units (UCS-2 characters, as an SMS counts them) `text` is.
pub fn utf16_units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// A phone number as logs may show it: `+7701***4567`.
pub fn mask_phone(phone: &str) -> String {
    phone
        .chars()
        .enumerate()
        .map(|(i, c)| if (5..8).contains(&i) { '*' } else { c })
        .collect()
}

/// Why a message was not sent. The texts name the gateway's host and the HTTP status, never the
/// body, its template, the auth header, the code or the message's text.
#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    /// The gateway's settings cannot work (a bad URL, header or template).
    #[error("SMS gateway settings: {0}")]
    Configuration(String),
    /// The gateway answered with a status that retrying will not change (4xx, 3xx).
    #[error("the SMS gateway at {host} refused the message: HTTP {status}")]
    Refused { host: String, status: u16 },
    /// The gateway failed (5xx, timeout, no connection) on every attempt.
    #[error("the SMS gateway at {host} failed after {attempts} attempt(s): {reason}")]
    Failed {
        host: String,
        attempts: u32,
        reason: String,
    },
    /// The development outbox could not store or read messages.
    #[error("SMS outbox: {0}")]
    Storage(String),
}

impl From<sea_orm::DbErr> for SmsError {
    fn from(error: sea_orm::DbErr) -> Self {
        SmsError::Storage(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Application numbers are `YY-XXXX-XXXX`: twelve characters.
    const LONGEST_NUMBER: &str = "26-WWWW-WWWW";

    fn assert_shape(text: &str, code: &str) {
        assert!(
            utf16_units(text) <= MAX_TEXT_UNITS,
            "{} units: {text}",
            utf16_units(text)
        );
        assert!(text.starts_with(code), "the code first: {text}");
        assert!(text.contains("Ешкімге айтпаңыз"), "kk warning: {text}");
        assert!(text.contains("Никому не сообщайте"), "ru warning: {text}");
        assert_eq!(text.matches(code).count(), 1, "the code once: {text}");
    }

    #[test]
    fn a_login_code_comes_first_with_its_purpose_and_the_warning_in_both_languages() {
        let text = otp_text("482913", SmsPurpose::Login);
        assert_shape(&text, "482913");
        assert!(text.contains("кіру коды"), "kk purpose: {text}");
        assert!(text.contains("Код для входа"), "ru purpose: {text}");
    }

    #[test]
    fn a_signing_code_names_the_application_in_both_languages_within_two_segments() {
        for code in ["482913", "48291377"] {
            let text = otp_text(
                code,
                SmsPurpose::Sign {
                    application_number: LONGEST_NUMBER,
                },
            );
            assert_shape(&text, code);
            assert_eq!(text.matches(LONGEST_NUMBER).count(), 2, "{text}");
            assert!(text.contains("қол қою коды"), "kk purpose: {text}");
            assert!(text.contains("Код подписи заявления"), "ru purpose: {text}");
        }
    }

    #[test]
    fn an_appeal_or_a_complaint_is_named_as_such_with_its_number() {
        let appeal = otp_text(
            "123456",
            SmsPurpose::SignAppeal {
                number: "26-K7QF-2M9X",
                complaint: false,
            },
        );
        assert_shape(&appeal, "123456");
        assert!(
            appeal.contains("Код подписи обращения 26-K7QF-2M9X"),
            "{appeal}"
        );
        assert!(!appeal.contains("входа"), "not a sign-in code: {appeal}");
        let complaint = otp_text(
            "123456",
            SmsPurpose::SignAppeal {
                number: "26-K7QF-2M9X",
                complaint: true,
            },
        );
        assert!(
            complaint.contains("Код подписи жалобы 26-K7QF-2M9X"),
            "{complaint}"
        );
        assert!(complaint.contains("шағымға қол қою коды"), "{complaint}");
    }

    #[test]
    fn an_overlong_number_is_dropped_rather_than_overflowing_two_segments() {
        let number = "26-".to_owned() + &"Ж".repeat(60);
        let text = otp_text(
            "482913",
            SmsPurpose::Sign {
                application_number: &number,
            },
        );
        assert_shape(&text, "482913");
        let code = "9".repeat(200);
        let text = otp_text(&code, SmsPurpose::Login);
        assert_eq!(utf16_units(&text), MAX_TEXT_UNITS);
    }

    #[test]
    fn units_are_utf16_not_bytes_or_chars() {
        assert_eq!(utf16_units("қ"), 1);
        assert_eq!(utf16_units("😀"), 2);
        assert_eq!(utf16_units("abc"), 3);
    }

    #[test]
    fn debug_shows_neither_the_code_nor_the_text() {
        let message = SmsMessage {
            phone: "+77011234567".to_owned(),
            text: otp_text("482913", SmsPurpose::Login),
            code: Some("482913".to_owned()),
            expires_at: time::macros::datetime!(2026-12-01 10:00 UTC),
        };
        let debug = format!("{message:?}");
        assert!(!debug.contains("482913"), "{debug}");
        assert!(!debug.contains("1234567"), "{debug}");
        assert!(debug.contains("+7701***4567"), "{debug}");
    }
}

/// The SMS that tells an owner a consent waits for them, in Kazakh and Russian: at most
/// [`MAX_TEXT_UNITS`] UTF-16 units for a 12-character application number.
pub fn consent_text(application_number: &str) -> String {
    // DOMAIN: the owner is told by SMS that a consent waits
    format!(
        "{application_number} өтінішіне тіркелуге келісіміңіз күтілуде. \
         Ожидается ваше согласие на регистрацию по заявлению {application_number}."
    )
}

#[cfg(test)]
mod consent_text_tests {
    use super::*;

    #[test]
    fn the_consent_sms_fits_two_segments_and_names_the_application_in_both_languages() {
        let text = consent_text("26-5GKP-GRZK");
        assert!(utf16_units(&text) <= MAX_TEXT_UNITS, "{text}");
        assert_eq!(text.matches("26-5GKP-GRZK").count(), 2);
        assert!(text.contains("келісім") && text.contains("согласие"));
    }
}
