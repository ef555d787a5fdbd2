//! The event outbox: every status change of an application, a consent, a registration, an
//! appeal or a complaint writes an event, in the
//! transaction of the change ([`record`]), with who may see it (its audience). The events make
//! the personal account's notifications (see [`crate::service::notifications`]) and, with the
//! event-feed issue, the integrators' feed.
//!
//! # Why a sequence, and why one relay assigns it
//!
//! The insert order (`event.id`) is not the commit order: a transaction that inserted event 101
//! may commit after the one that inserted event 102. A reader that pages by `id` and passes 102
//! while 101 is still uncommitted never sees 101. So no reader ever pages by `id`: the public
//! order is `event.sequence`, which one relay ([`relay::run_once`]) assigns to events only once
//! they are committed (its statement cannot see the others), in the order it finds them, under
//! a lock that makes it the only relay at that moment. A late commit is seen by a later run and
//! gets a higher sequence than everything already sequenced. Each run assigns its numbers in one
//! transaction, so a reader sees a run's numbers all at once or not at all: whenever a reader
//! sees sequence `n`, every sequence below `n` is visible too.
//!
//! - PostgreSQL: the relay's transaction takes `pg_try_advisory_xact_lock` first, on the one
//!   connection the transaction holds; another instance's relay that finds the lock taken does
//!   nothing this round. The lock ends with the transaction, so it can never outlive (or be lost
//!   unnoticed with) its connection.
//! - SQLite: one writer at a time; the numbering is one statement, atomic by itself.

use crate::context::ServiceContext;
use crate::domain::ActorRole;
use crate::service::InternalError;
use entities::enums::{AudienceKind, EventEntityKind};
use entities::{application, event, event_audience};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Set,
    Statement, TransactionTrait,
};
use time::OffsetDateTime;
use uuid::Uuid;

/// What changed status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// An application.
    Application,
    /// An owner's (or an administration's) consent to an application.
    Consent,
    /// A registration, entered or ended.
    Registration,
    /// An appeal in the administrative procedure.
    Appeal,
    /// A complaint against an act, an action or an inaction.
    Complaint,
}

impl From<EntityKind> for EventEntityKind {
    fn from(kind: EntityKind) -> Self {
        match kind {
            EntityKind::Application => EventEntityKind::Application,
            EntityKind::Consent => EventEntityKind::Consent,
            EntityKind::Registration => EventEntityKind::Registration,
            EntityKind::Appeal => EventEntityKind::Appeal,
            EntityKind::Complaint => EventEntityKind::Complaint,
        }
    }
}

impl From<EventEntityKind> for EntityKind {
    fn from(kind: EventEntityKind) -> Self {
        match kind {
            EventEntityKind::Application => EntityKind::Application,
            EventEntityKind::Consent => EntityKind::Consent,
            EventEntityKind::Registration => EntityKind::Registration,
            EventEntityKind::Appeal => EntityKind::Appeal,
            EventEntityKind::Complaint => EntityKind::Complaint,
        }
    }
}

/// One party who may see an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Audience {
    /// A person, by id (the applicant, who has signed in).
    Person(Uuid),
    /// A person, by IIN, whether or not they have ever signed in (the person being registered,
    /// an owner).
    Iin(String),
    /// An organisation, by BIN (a hostel's administration).
    Bin(String),
}

impl Audience {
    /// How the party is stored.
    pub fn stored(&self) -> (AudienceKind, String) {
        match self {
            Audience::Person(id) => (AudienceKind::Person, id.to_string()),
            Audience::Iin(iin) => (AudienceKind::Iin, iin.clone()),
            Audience::Bin(bin) => (AudienceKind::Bin, bin.clone()),
        }
    }
}

/// A status change, to be written as an event.
#[derive(Debug, Clone)]
pub struct EventDraft {
    /// What changed status.
    pub entity: EntityKind,
    /// Its id.
    pub entity_id: Uuid,
    /// The application it concerns (the entity itself for an application); `None` for an
    /// appeal or a complaint that concerns none.
    pub application_id: Option<Uuid>,
    /// The body that handles the subject, when one does.
    pub body: Option<String>,
    /// The previous status, as stored (`ActiveEnum::to_value()`, e.g. `"PENDING"`); `None` for
    /// a creation.
    pub from: Option<String>,
    /// The new status, as stored (e.g. `"GIVEN"`).
    pub to: String,
    /// Who made the change.
    pub actor_role: ActorRole,
    /// The person who made it, when a person did.
    pub actor_person: Option<Uuid>,
    /// Who may see it. Duplicates are written once.
    pub audience: Vec<Audience>,
    /// When (the service's clock).
    pub at: OffsetDateTime,
}

/// Writes an event and its audience on `db`: the transaction of the status change it records,
/// so that the event exists exactly when the change does. Its sequence is left to the relay.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    draft: EventDraft,
) -> Result<event::Model, sea_orm::DbErr> {
    let written = event::ActiveModel {
        public_id: Set(Uuid::new_v4()),
        entity_kind: Set(draft.entity.into()),
        entity_id: Set(draft.entity_id),
        application_id: Set(draft.application_id),
        from_status: Set(draft.from),
        to_status: Set(draft.to),
        actor_role: Set(draft.actor_role.into()),
        actor_person_id: Set(draft.actor_person),
        at: Set(draft.at),
        sequence: Set(None),
        sequenced_at: Set(None),
        body_bin: Set(draft.body),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut parties: Vec<(AudienceKind, String)> = Vec::new();
    for party in &draft.audience {
        let stored = party.stored();
        if !parties.contains(&stored) {
            parties.push(stored);
        }
    }
    if !parties.is_empty() {
        event_audience::Entity::insert_many(parties.into_iter().map(|(kind, value)| {
            event_audience::ActiveModel {
                event_id: Set(written.id),
                kind: Set(kind),
                value: Set(value),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(written)
}

/// Who sees an application's events: the person who files it and the person it registers.
/// Owners and administrations see the events of their consents, whose audience names them.
pub fn application_audience(application: &application::Model) -> Vec<Audience> {
    let mut audience = vec![Audience::Person(application.applicant_person_id)];
    if let Some(subject) = &application.subject_iin {
        audience.push(Audience::Iin(subject.clone()));
    }
    audience
}

/// The parties a signed-in person reads as: their person id, their IIN and, for a session that
/// acts for an organisation (signed in with a legal entity's key: an officer of a body, or the
/// administration of an organisation that consents), that BIN.
pub fn viewer_audience(viewer: &crate::auth::viewer::SignedIn) -> Vec<Audience> {
    let mut parties = vec![
        Audience::Person(viewer.person_id),
        Audience::Iin(viewer.iin.clone()),
    ];
    if let Some(bin) = &viewer.acting_for {
        parties.push(Audience::Bin(bin.clone()));
    }
    parties
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_viewer_reads_as_person_iin_and_the_bin_it_acts_for() {
        let mut viewer = crate::auth::viewer::SignedIn {
            session_id: Uuid::new_v4(),
            person_id: Uuid::new_v4(),
            iin: "871008401427".to_owned(),
            officer_of: None,
            acting_for: None,
            auth_method: entities::enums::AuthMethod::Eds,
        };
        assert_eq!(
            viewer_audience(&viewer),
            [
                Audience::Person(viewer.person_id),
                Audience::Iin("871008401427".to_owned())
            ]
        );
        viewer.acting_for = Some("940140000385".to_owned());
        assert_eq!(
            viewer_audience(&viewer).last(),
            Some(&Audience::Bin("940140000385".to_owned()))
        );
        assert_eq!(
            Audience::Person(viewer.person_id).stored(),
            (AudienceKind::Person, viewer.person_id.to_string())
        );
    }
}

/// The relay that assigns the public sequence, in commit order.
pub mod relay {
    use super::*;

    /// The advisory lock key of the relay (`"evrelay1"` in ASCII): one relay at a time across
    /// every instance on the same PostgreSQL database.
    pub const LOCK_KEY: i64 = 0x6576_7265_6c61_7931;

    /// How many events one run sequences at most; a longer backlog takes several runs.
    pub const BATCH: u64 = 1000;

    /// What one run did.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct Sequenced {
        /// Whether this run was the relay (held the lock); another instance's relay was
        /// running when not.
        pub leader: bool,
        /// How many events got their sequence.
        pub events: u64,
    }

    /// Assigns the next sequence numbers, in the order of their insert, to at most [`BATCH`]
    /// committed events that have none. Safe to run on every instance at once: on PostgreSQL
    /// only the holder of the advisory lock numbers; on SQLite the statement is atomic.
    #[tracing::instrument(skip_all)]
    pub async fn run_once(ctx: &ServiceContext) -> Result<Sequenced, InternalError> {
        stamped(&ctx.db, || ctx.clock.now()).await
    }

    /// [`run_once`] on a database connection (a pool: each instance has its own), stamping
    /// `sequenced_at` with `now`.
    pub async fn sequence(
        db: &DatabaseConnection,
        now: OffsetDateTime,
    ) -> Result<Sequenced, InternalError> {
        stamped(db, move || now).await
    }

    /// The clock is read once the relay holds its lock, just before numbering: a reading taken
    /// before waiting for the pool and the lock would stamp rows that committed meanwhile with
    /// a time before their own `at` (seen under load: up to 1.8 s).
    async fn stamped(
        db: &DatabaseConnection,
        clock: impl FnOnce() -> OffsetDateTime,
    ) -> Result<Sequenced, InternalError> {
        let backend = db.get_database_backend();
        let txn = db.begin().await?;
        if backend == DatabaseBackend::Postgres {
            let row = txn
                .query_one_raw(Statement::from_sql_and_values(
                    backend,
                    "SELECT pg_try_advisory_xact_lock($1) AS leader",
                    [LOCK_KEY.into()],
                ))
                .await?;
            let leader = row
                .map(|row| row.try_get::<bool>("", "leader"))
                .transpose()?
                .unwrap_or(false);
            if !leader {
                txn.rollback().await?;
                return Ok(Sequenced {
                    leader: false,
                    events: 0,
                });
            }
        }
        let placeholder = |n: usize| match backend {
            DatabaseBackend::Postgres => format!("${n}"),
            _ => "?".to_owned(),
        };
        // DOMAIN: insert order is not commit order; only committed rows get a sequence, after
        // every sequence already given.
        let sql = format!(
            "UPDATE event SET sequence = numbered.next_sequence, sequenced_at = {} \
             FROM (SELECT id, (SELECT COALESCE(MAX(sequence), 0) FROM event) \
                          + ROW_NUMBER() OVER (ORDER BY id) AS next_sequence \
                   FROM event WHERE sequence IS NULL ORDER BY id LIMIT {}) AS numbered \
             WHERE event.id = numbered.id",
            placeholder(1),
            placeholder(2),
        );
        let batch = i64::try_from(BATCH).unwrap_or(i64::MAX);
        let now = clock();
        let result = txn
            .execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [now.into(), batch.into()],
            ))
            .await?;
        txn.commit().await?;
        let events = result.rows_affected();
        if events > 0 {
            tracing::debug!(events, "events sequenced");
        }
        Ok(Sequenced {
            leader: true,
            events,
        })
    }
}

/// A page of every party's events in the public order, after `after` (a sequence): what the
/// event feed reads. Never skips an event: see the module's documentation.
pub async fn page_after<C: ConnectionTrait>(
    db: &C,
    after: Option<i64>,
    limit: u64,
) -> Result<Vec<event::Model>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut query = event::Entity::find().filter(event::Column::Sequence.is_not_null());
    if let Some(after) = after {
        query = query.filter(event::Column::Sequence.gt(after));
    }
    query
        .order_by_asc(event::Column::Sequence)
        .limit(limit)
        .all(db)
        .await
}
