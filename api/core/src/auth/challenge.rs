//! The sign-in challenge: canonical JSON bytes (RFC 8785) that a person signs with an
//! authentication key, and the same content as readable Kazakh and Russian text, since NCALayer
//! shows the signer nothing.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};
use signatures::rfc3339;
use time::OffsetDateTime;

/// The `type` of a sign-in challenge.
pub const CHALLENGE_TYPE: &str = "registration-kz/sign-in";

/// A challenge's content.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub audience: String,
    pub origin: String,
    pub nonce: String,
    pub issued_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl Challenge {
    /// A challenge with a fresh 32-byte nonce.
    pub fn new(
        audience: &str,
        origin: &str,
        issued_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<Self, ring::error::Unspecified> {
        Ok(Challenge {
            audience: audience.to_owned(),
            origin: origin.to_owned(),
            nonce: URL_SAFE_NO_PAD.encode(super::tokens::random_bytes::<32>()?),
            issued_at,
            expires_at,
        })
    }

    /// The bytes to sign: RFC 8785 canonical JSON. Every value is a string (no numbers whose
    /// serialisation could differ), keys are ASCII and sorted, and there is no whitespace, so
    /// `serde_json`'s compact output of a sorted map is the canonical form.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut map = Map::new();
        map.insert("audience".to_owned(), Value::String(self.audience.clone()));
        map.insert(
            "expiresAt".to_owned(),
            Value::String(rfc3339(self.expires_at)),
        );
        map.insert(
            "issuedAt".to_owned(),
            Value::String(rfc3339(self.issued_at)),
        );
        map.insert("nonce".to_owned(), Value::String(self.nonce.clone()));
        map.insert("origin".to_owned(), Value::String(self.origin.clone()));
        map.insert("type".to_owned(), Value::String(CHALLENGE_TYPE.to_owned()));
        // serde_json's Map is a BTreeMap (no `preserve_order` feature): keys come out sorted.
        serde_json::to_vec(&Value::Object(map)).unwrap_or_default()
    }

    /// The same content for a person to read, in Kazakh and Russian.
    pub fn text(&self) -> String {
        let origin = if self.origin.is_empty() {
            "—"
        } else {
            &self.origin
        };
        format!(
            "{audience} қызметіне ЭЦҚ арқылы кіру. Сұрау көзі: {origin}. Берілді: {issued}. Жарамды: {expires} дейін. Бір реттік код: {nonce}.\n\
             Вход в сервис {audience} с помощью ЭЦП. Источник запроса: {origin}. Выдан: {issued}. Действителен до: {expires}. Одноразовый код: {nonce}.",
            audience = self.audience,
            issued = rfc3339(self.issued_at),
            expires = rfc3339(self.expires_at),
            nonce = self.nonce,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_payload_is_canonical_json_with_sorted_keys() {
        let challenge = Challenge {
            audience: "registration.kz".to_owned(),
            origin: "https://app.example".to_owned(),
            nonce: "abc".to_owned(),
            issued_at: datetime!(2026-01-01 10:00 UTC),
            expires_at: datetime!(2026-01-01 10:05 UTC),
        };
        assert_eq!(
            String::from_utf8(challenge.canonical_bytes()).unwrap(),
            r#"{"audience":"registration.kz","expiresAt":"2026-01-01T10:05:00Z","issuedAt":"2026-01-01T10:00:00Z","nonce":"abc","origin":"https://app.example","type":"registration-kz/sign-in"}"#
        );
        let text = challenge.text();
        assert!(text.contains("abc") && text.contains("Вход") && text.contains("кіру"));
    }

    #[test]
    fn nonces_differ() {
        let now = time::macros::datetime!(2026-12-01 10:00 UTC);
        let a = Challenge::new("a", "", now, now).unwrap();
        let b = Challenge::new("a", "", now, now).unwrap();
        assert_ne!(a.nonce, b.nonce);
    }
}
