//! Opaque global IDs (Relay): base64url of `Type:uuid`. The UUIDs are random (v4), so IDs are
//! neither sequential nor guessable, and the type prefix lets `node(id)` dispatch.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// The global ID of an object of `kind`.
pub fn encode(kind: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// The kind and UUID inside a global ID, if it is one.
pub fn decode(id: &str) -> Option<(String, Uuid)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (kind, uuid) = text.split_once(':')?;
    Some((kind.to_owned(), Uuid::parse_str(uuid).ok()?))
}

/// The UUID inside a global ID of the expected kind.
pub fn decode_kind(id: &str, kind: &str) -> Option<Uuid> {
    decode(id).filter(|(k, _)| k == kind).map(|(_, uuid)| uuid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_others() {
        let uuid = Uuid::new_v4();
        let id = encode("Person", uuid);
        assert_eq!(decode_kind(&id, "Person"), Some(uuid));
        assert_eq!(decode_kind(&id, "AuthChallenge"), None);
        assert_eq!(decode("not-an-id"), None);
        assert_eq!(decode(&URL_SAFE_NO_PAD.encode("Person:xyz")), None);
    }
}
