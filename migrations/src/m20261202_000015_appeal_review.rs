//! Appeals reviewed, decided and complained of (issue 16, second part):
//!
//! - `event.application_id` becomes nullable (an appeal or a complaint need not concern an
//!   application) and `event.body_bin` names the body that handles the event's subject (what an
//!   integrator's scope is checked against, and which officers read it);
//! - the appeal row learns where it is handled (referral), its decision, its deemed refusal
//!   (both the end of the term and the instant it was applied), its extension, and, for a
//!   complaint (a row of the same table, `procedure = 'COMPLAINT'`), what it is against, when
//!   the person learned of it, the restoration of a missed filing term, and the body that hears
//!   it;
//! - a deadline can be superseded (by a referral or an extension) without being moved: the new
//!   term is a row of its own.
//!
//! SQLite cannot drop a NOT NULL: the event table is rebuilt in this migration's transaction
//! with its foreign keys deferred, and the rows are inserted back under their own ids (which
//! settles the deferred checks of `event_audience` and `notification_read`).

use crate::shared::{add_columns, drop_columns};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

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
    BodyBin,
}

#[derive(DeriveIden)]
enum Appeal {
    Table,
    Procedure,
    HandlingBodyBin,
    ReferredAt,
    Outcome,
    DecisionReason,
    DecidedAt,
    DecidedBy,
    DecisionSignatureId,
    TermEndedAt,
    DeemedRefusedAt,
    ExtensionReason,
    ExtendedAt,
    ExtendedBy,
    Against,
    TargetId,
    LearnedAt,
    Late,
    RestorationReason,
    Restoration,
    HearingBodyBin,
    ForwardedAt,
    ActCancelled,
}

#[derive(DeriveIden)]
enum AppealDeadline {
    Table,
    SupersededAt,
}

/// The event table as migration 000007 made it, with `application_id` nullable and
/// `body_bin` added when `reviewed` (SQLite's rebuild, both ways).
fn event_table(reviewed: bool) -> TableCreateStatement {
    let mut application = ColumnDef::new(Event::ApplicationId);
    application.uuid();
    if reviewed {
        application.null();
    } else {
        application.not_null();
    }
    let mut table = Table::create();
    table
        .table(Event::Table)
        .col(
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
        .col(application)
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
        );
    if reviewed {
        table.col(ColumnDef::new(Event::BodyBin).string_len(12).null());
    }
    table.to_owned()
}

/// The columns both shapes of the event table have.
const EVENT_COLUMNS: &str = r#""id", "public_id", "entity_kind", "entity_id", "application_id", "from_status", "to_status", "actor_role", "actor_person_id", "at", "sequence", "sequenced_at""#;

/// SQLite: rebuilds the event table in the new shape, keeping every row under its id. The
/// foreign keys of `event_audience` and `notification_read` are deferred to the commit, when
/// the rows are back.
async fn rebuild_sqlite_events(manager: &SchemaManager<'_>, reviewed: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared("PRAGMA defer_foreign_keys = ON")
        .await?;
    db.execute_unprepared(r#"CREATE TABLE "event_before_000015" AS SELECT * FROM "event""#)
        .await?;
    db.execute_unprepared(r#"DROP TABLE "event""#).await?;
    manager.create_table(event_table(reviewed)).await?;
    db.execute_unprepared(&format!(
        r#"INSERT INTO "event" ({EVENT_COLUMNS}) SELECT {EVENT_COLUMNS} FROM "event_before_000015" ORDER BY "id""#
    ))
    .await?;
    db.execute_unprepared(r#"DROP TABLE "event_before_000015""#)
        .await?;
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
        .await
}

#[derive(DeriveMigrationName)]
pub struct Migration;

// The signatures are the trait's, as `async_trait` spells them (it cannot take `'_` here).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// One transaction on every backend: the SQLite rebuild must not be seen half done.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match db.get_database_backend() {
            DbBackend::Sqlite => rebuild_sqlite_events(manager, true).await?,
            _ => {
                db.execute_unprepared(
                    r#"ALTER TABLE "event" ALTER COLUMN "application_id" DROP NOT NULL"#,
                )
                .await?;
                add_columns(
                    manager,
                    Event::Table,
                    vec![
                        ColumnDef::new(Event::BodyBin)
                            .string_len(12)
                            .null()
                            .to_owned(),
                    ],
                )
                .await?;
            }
        }
        let text = |c: Appeal| ColumnDef::new(c).text().null().to_owned();
        let at = |c: Appeal| {
            ColumnDef::new(c)
                .timestamp_with_time_zone()
                .null()
                .to_owned()
        };
        let uuid = |c: Appeal| ColumnDef::new(c).uuid().null().to_owned();
        add_columns(
            manager,
            Appeal::Table,
            vec![
                ColumnDef::new(Appeal::Procedure)
                    .text()
                    .not_null()
                    .default("APPEAL")
                    .to_owned(),
                text(Appeal::HandlingBodyBin),
                at(Appeal::ReferredAt),
                text(Appeal::Outcome),
                text(Appeal::DecisionReason),
                at(Appeal::DecidedAt),
                uuid(Appeal::DecidedBy),
                uuid(Appeal::DecisionSignatureId),
                at(Appeal::TermEndedAt),
                at(Appeal::DeemedRefusedAt),
                text(Appeal::ExtensionReason),
                at(Appeal::ExtendedAt),
                uuid(Appeal::ExtendedBy),
                text(Appeal::Against),
                uuid(Appeal::TargetId),
                at(Appeal::LearnedAt),
                ColumnDef::new(Appeal::Late)
                    .boolean()
                    .not_null()
                    .default(false)
                    .to_owned(),
                text(Appeal::RestorationReason),
                text(Appeal::Restoration),
                text(Appeal::HearingBodyBin),
                at(Appeal::ForwardedAt),
                ColumnDef::new(Appeal::ActCancelled)
                    .boolean()
                    .not_null()
                    .default(false)
                    .to_owned(),
            ],
        )
        .await?;
        add_columns(
            manager,
            AppealDeadline::Table,
            vec![
                ColumnDef::new(AppealDeadline::SupersededAt)
                    .timestamp_with_time_zone()
                    .null()
                    .to_owned(),
            ],
        )
        .await?;
        // The reviewers' lists and the expiry task read by the handling body and the status.
        crate::shared::index(
            manager,
            "ix_appeal_handling_body",
            Appeal::Table,
            vec![
                Appeal::Procedure.into_iden(),
                Appeal::HandlingBodyBin.into_iden(),
            ],
            false,
        )
        .await
    }

    /// Back to 000014's shape: the events without an application (appeals', complaints') are
    /// deleted with their audience and read marks, as the old shape cannot hold them.
    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_appeal_handling_body")
                    .table(Appeal::Table)
                    .to_owned(),
            )
            .await?;
        drop_columns(
            manager,
            AppealDeadline::Table,
            vec![AppealDeadline::SupersededAt.into_iden()],
        )
        .await?;
        drop_columns(
            manager,
            Appeal::Table,
            vec![
                Appeal::Procedure.into_iden(),
                Appeal::HandlingBodyBin.into_iden(),
                Appeal::ReferredAt.into_iden(),
                Appeal::Outcome.into_iden(),
                Appeal::DecisionReason.into_iden(),
                Appeal::DecidedAt.into_iden(),
                Appeal::DecidedBy.into_iden(),
                Appeal::DecisionSignatureId.into_iden(),
                Appeal::TermEndedAt.into_iden(),
                Appeal::DeemedRefusedAt.into_iden(),
                Appeal::ExtensionReason.into_iden(),
                Appeal::ExtendedAt.into_iden(),
                Appeal::ExtendedBy.into_iden(),
                Appeal::Against.into_iden(),
                Appeal::TargetId.into_iden(),
                Appeal::LearnedAt.into_iden(),
                Appeal::Late.into_iden(),
                Appeal::RestorationReason.into_iden(),
                Appeal::Restoration.into_iden(),
                Appeal::HearingBodyBin.into_iden(),
                Appeal::ForwardedAt.into_iden(),
                Appeal::ActCancelled.into_iden(),
            ],
        )
        .await?;
        let db = manager.get_connection();
        for table in ["notification_read", "event_audience"] {
            db.execute_unprepared(&format!(
                r#"DELETE FROM "{table}" WHERE "event_id" IN (SELECT "id" FROM "event" WHERE "application_id" IS NULL)"#
            ))
            .await?;
        }
        db.execute_unprepared(r#"DELETE FROM "event" WHERE "application_id" IS NULL"#)
            .await?;
        match db.get_database_backend() {
            DbBackend::Sqlite => rebuild_sqlite_events(manager, false).await,
            _ => {
                db.execute_unprepared(
                    r#"ALTER TABLE "event" ALTER COLUMN "application_id" SET NOT NULL"#,
                )
                .await?;
                drop_columns(manager, Event::Table, vec![Event::BodyBin.into_iden()]).await
            }
        }
    }
}
