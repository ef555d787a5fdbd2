//! The development outbox: messages go to the `sms_outbox` table instead of a phone, for
//! `registration-api dev-outbox` to print. It is the only plain copy of a code, so
//! [`DevOutbox::purge_expired`] (run by the maintenance task) deletes each message once its code
//! has expired.

use super::{SmsError, SmsGateway, SmsMessage, mask_phone};
use crate::clock::Clock;
use entities::sms_outbox;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::sync::Arc;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The development outbox.
#[derive(Debug, Clone)]
pub struct DevOutbox {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
}

/// One stored message.
#[derive(Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub phone: String,
    pub text: String,
    pub code: Option<String>,
    pub sent_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for OutboxEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxEntry")
            .field("phone", &mask_phone(&self.phone))
            .field("sent_at", &self.sent_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl OutboxEntry {
    /// The line `dev-outbox` prints: `{"phone", "text", "code", "sentAt"}` (RFC 3339 time).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "phone": self.phone,
            "text": self.text,
            "code": self.code,
            "sentAt": self.sent_at.format(&Rfc3339).unwrap_or_default(),
        })
    }
}

impl From<sms_outbox::Model> for OutboxEntry {
    fn from(row: sms_outbox::Model) -> Self {
        OutboxEntry {
            phone: row.phone,
            text: row.text,
            code: row.code,
            sent_at: row.sent_at,
            expires_at: row.expires_at,
        }
    }
}

impl DevOutbox {
    /// An outbox in `db`, stamping messages with `clock`.
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>) -> Self {
        DevOutbox { db, clock }
    }

    /// The messages not yet purged, oldest first; only those to `phone` when given.
    pub async fn list(&self, phone: Option<&str>) -> Result<Vec<OutboxEntry>, SmsError> {
        let mut query = sms_outbox::Entity::find();
        if let Some(phone) = phone {
            query = query.filter(sms_outbox::Column::Phone.eq(phone));
        }
        let rows = query
            .order_by_asc(sms_outbox::Column::SentAt)
            .order_by_asc(sms_outbox::Column::Id)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(OutboxEntry::from).collect())
    }

    /// Deletes the messages whose code expired before `now`; returns how many.
    pub async fn purge_expired(&self, now: OffsetDateTime) -> Result<u64, SmsError> {
        purge_expired(&self.db, now).await.map_err(SmsError::from)
    }
}

/// Deletes the outbox messages whose code expired before `now` (the maintenance task's part).
pub(crate) async fn purge_expired(
    db: &DatabaseConnection,
    now: OffsetDateTime,
) -> Result<u64, sea_orm::DbErr> {
    Ok(sms_outbox::Entity::delete_many()
        .filter(sms_outbox::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected)
}

#[async_trait::async_trait]
impl SmsGateway for DevOutbox {
    async fn send(&self, message: &SmsMessage) -> Result<(), SmsError> {
        sms_outbox::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            phone: Set(message.phone.clone()),
            text: Set(message.text.clone()),
            code: Set(message.code.clone()),
            sent_at: Set(self.clock.now()),
            expires_at: Set(message.expires_at),
        }
        .insert(&self.db)
        .await?;
        tracing::info!(
            phone = %mask_phone(&message.phone),
            "SMS kept in the development outbox (registration-api dev-outbox prints it)"
        );
        Ok(())
    }
}
