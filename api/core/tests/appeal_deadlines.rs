//! Stored appeal deadlines and the calendar's versions: a term counted on data that changed is
//! recomputed only by the operator's explicit command, which keeps the old term (superseded)
//! and stores the new one; a term counted on current data, or one that ends on a day the head
//! chose, is left alone.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

mod common;

use entities::{appeal, appeal_deadline};
use registration_core::calendar::{Calendar, WorkingHours};
use registration_core::service::appeals::deadlines::{self, DeadlineKind};
use registration_core::{Clock, ManualClock};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::sync::Arc;
use time::macros::{date, datetime};
use uuid::Uuid;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/calendar/data");

fn file(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

/// The bundled calendar with 2025's file at version 2 (same days): what an operator's edit of
/// the year's data looks like to the stored terms.
fn edited_calendar() -> Calendar {
    let names = [
        "kz-2023.json",
        "kz-2024.json",
        "kz-2025.json",
        "kz-2026.json",
        "kz-2027.json",
    ];
    let texts: Vec<(String, String)> = names
        .iter()
        .map(|name| {
            let text = file(name);
            let text = if *name == "kz-2025.json" {
                text.replacen("\"version\": 1", "\"version\": 2", 1)
            } else {
                text
            };
            ((*name).to_owned(), text)
        })
        .collect();
    let years: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    Calendar::from_files(&file("law.json"), &years).expect("the edited calendar")
}

async fn an_appeal(db: &sea_orm::DatabaseConnection, number: &str) -> Uuid {
    let id = Uuid::new_v4();
    appeal::ActiveModel {
        id: Set(id),
        number: Set(number.to_owned()),
        applicant_person_id: Set(Uuid::new_v4()),
        kind: Set("PERSON".to_owned()),
        full_name: Set("Серикова Айгерим".to_owned()),
        iin: Set(Some("871008401427".to_owned())),
        bin: Set(None),
        postal_address: Set(Some("г. Астана".to_owned())),
        body_bin: Set("940140000385".to_owned()),
        essence: Set("Суть".to_owned()),
        appeal_date: Set(date!(2025 - 03 - 03)),
        application_id: Set(None),
        status: Set("RECEIVED".to_owned()),
        version: Set(2),
        created_at: Set(datetime!(2025-03-03 05:00 UTC)),
        received_at: Set(Some(datetime!(2025-03-03 05:00 UTC))),
        receipt_number: Set(Some(format!("R-{number}"))),
        receiver_name: Set(Some("Оператор".to_owned())),
        receiver_position: Set(Some("оператор".to_owned())),
        missing: Set("[]".to_owned()),
        signature_id: Set(None),
        procedure: Set("APPEAL".to_owned()),
        handling_body_bin: Set(Some("940140000385".to_owned())),
        referred_at: Set(None),
        outcome: Set(None),
        decision_reason: Set(None),
        decided_at: Set(None),
        decided_by: Set(None),
        decision_signature_id: Set(None),
        term_ended_at: Set(None),
        deemed_refused_at: Set(None),
        extension_reason: Set(None),
        extended_at: Set(None),
        extended_by: Set(None),
        against: Set(None),
        target_id: Set(None),
        learned_at: Set(None),
        late: Set(false),
        restoration_reason: Set(None),
        restoration: Set(None),
        hearing_body_bin: Set(None),
        forwarded_at: Set(None),
        act_cancelled: Set(false),
    }
    .insert(db)
    .await
    .expect("an appeal");
    id
}

#[tokio::test]
async fn only_terms_counted_on_changed_data_are_recomputed_and_the_old_one_is_kept() {
    let clock = Arc::new(ManualClock::new(datetime!(2025-03-10 05:00 UTC)));
    let db = common::database(false, &clock).await;
    let bundled = Calendar::bundled().unwrap();
    let hours = WorkingHours::default();
    let received = datetime!(2025-03-03 05:00 UTC);
    // Counted on 2025/v1 (the bundled data): a decision term and a referral term.
    let first = an_appeal(&db, "25-AAAA-0001").await;
    let decision = deadlines::count(&bundled, hours, DeadlineKind::Decision, received, 15);
    deadlines::store(&db, first, &decision).await.unwrap();
    let referral = deadlines::count(&bundled, hours, DeadlineKind::Referral, received, 3);
    deadlines::store(&db, first, &referral).await.unwrap();
    // A term that ends on the head's day (an extension): not counted in days.
    let second = an_appeal(&db, "25-AAAA-0002").await;
    let extended = deadlines::ending_on(
        &bundled,
        DeadlineKind::Decision,
        received,
        date!(2025 - 04 - 30),
        true,
    );
    deadlines::store(&db, second, &extended).await.unwrap();

    // On the bundled calendar nothing is stale: nothing changes.
    let none = deadlines::recompute_stale(&db, &bundled, hours, 5, clock.now())
        .await
        .unwrap();
    assert_eq!(none, []);

    let edited = edited_calendar();
    let changed = deadlines::recompute_stale(&db, &edited, hours, 5, clock.now())
        .await
        .unwrap();
    assert_eq!(changed.len(), 2, "{changed:?}");
    for line in &changed {
        assert_eq!(line.appeal, "25-AAAA-0001");
        assert_eq!(line.old_calendar_version, "kz-2025/v1");
        assert_eq!(line.new_calendar_version, "kz-2025/v2");
        // The same days, so the same end: only the version moved.
        assert_eq!(line.old_due_at, line.new_due_at);
    }
    let rows = appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::AppealId.eq(first))
        .order_by_asc(appeal_deadline::Column::Kind)
        .order_by_asc(appeal_deadline::Column::SupersededAt)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 4, "two kept, two new");
    let superseded: Vec<_> = rows.iter().filter(|r| r.superseded_at.is_some()).collect();
    assert_eq!(superseded.len(), 2);
    assert!(
        superseded
            .iter()
            .all(|r| r.calendar_version == "kz-2025/v1")
    );
    let running: Vec<_> = rows.iter().filter(|r| r.superseded_at.is_none()).collect();
    assert!(running.iter().all(|r| r.calendar_version == "kz-2025/v2"));
    // The extension's term stands as the head set it.
    let kept = appeal_deadline::Entity::find()
        .filter(appeal_deadline::Column::AppealId.eq(second))
        .all(&db)
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].superseded_at, None);
    // Running again on the edited calendar finds nothing more to do.
    let again = deadlines::recompute_stale(&db, &edited, hours, 5, clock.now())
        .await
        .unwrap();
    assert_eq!(again, []);
}
