//! The event outbox: a row per status change of an application or a consent, written in the
//! change's own transaction; who may see it (`event_audience`); and which a person has read
//! (`notification_read`). `event.id` auto-increments (the insert order, never public);
//! `event.sequence` is the public order, null until the relay assigns it in commit order, and
//! unique so that no two rows ever share one.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    PublicId,
    EntityKind,
    EntityId,
    ApplicationId,
    FromStatus,
    ToStatus,
    ActorRole,
    ActorPersonId,
    At,
    Sequence,
    SequencedAt,
}

#[derive(DeriveIden)]
enum EventAudience {
    Table,
    EventId,
    Kind,
    Value,
}

#[derive(DeriveIden)]
enum NotificationRead {
    Table,
    EventId,
    PersonId,
    ReadAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Event::Table)
                    .col(
                        // `integer PRIMARY KEY AUTOINCREMENT` on SQLite, `bigserial` on
                        // PostgreSQL.
                        ColumnDef::new(Event::Id)
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(Event::PublicId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Event::EntityKind).string_len(16).not_null())
                    .col(ColumnDef::new(Event::EntityId).uuid().not_null())
                    .col(ColumnDef::new(Event::ApplicationId).uuid().not_null())
                    .col(ColumnDef::new(Event::FromStatus).string_len(24).null())
                    .col(ColumnDef::new(Event::ToStatus).string_len(24).not_null())
                    .col(ColumnDef::new(Event::ActorRole).string_len(16).not_null())
                    .col(ColumnDef::new(Event::ActorPersonId).uuid().null())
                    .col(
                        ColumnDef::new(Event::At)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Event::Sequence).big_integer().null())
                    .col(
                        ColumnDef::new(Event::SequencedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        // Readers page by sequence; the relay finds the unsequenced rows (NULLs are distinct,
        // so the unique index admits any number of them).
        manager
            .create_index(
                Index::create()
                    .name("ux_event_sequence")
                    .table(Event::Table)
                    .col(Event::Sequence)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_event_entity")
                    .table(Event::Table)
                    .col(Event::EntityKind)
                    .col(Event::EntityId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(EventAudience::Table)
                    .col(
                        ColumnDef::new(EventAudience::EventId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(EventAudience::Kind).string_len(8).not_null())
                    .col(
                        ColumnDef::new(EventAudience::Value)
                            .string_len(40)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(EventAudience::EventId)
                            .col(EventAudience::Kind)
                            .col(EventAudience::Value),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_event_audience_event")
                            .from(EventAudience::Table, EventAudience::EventId)
                            .to(Event::Table, Event::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // A party's notifications: by (kind, value), then the event.
        manager
            .create_index(
                Index::create()
                    .name("ix_event_audience_party")
                    .table(EventAudience::Table)
                    .col(EventAudience::Kind)
                    .col(EventAudience::Value)
                    .col(EventAudience::EventId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(NotificationRead::Table)
                    .col(
                        ColumnDef::new(NotificationRead::EventId)
                            .big_integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(NotificationRead::PersonId).uuid().not_null())
                    .col(
                        ColumnDef::new(NotificationRead::ReadAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(NotificationRead::PersonId)
                            .col(NotificationRead::EventId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_read_event")
                            .from(NotificationRead::Table, NotificationRead::EventId)
                            .to(Event::Table, Event::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            NotificationRead::Table.into_iden(),
            EventAudience::Table.into_iden(),
            Event::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
