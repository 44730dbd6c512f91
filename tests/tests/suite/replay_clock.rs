//! The executor's replay clock on a real database, SQLite or PostgreSQL: commands are stamped
//! with the replayed time, then with the system clock once it has caught up; and a replayed
//! command behind an entry another writer has already made is refused and writes nothing.

use chrono::{Duration, Utc};
use cordtrace_domain::identity::commands::NewUser;
use cordtrace_domain::identity::{Password, PrintedName, Username};
use cordtrace_domain::ids::UserId;
use cordtrace_domain::{Actor, Role, Roles, Timestamp};
use cordtrace_store::commands::users::RegisterUser;
use cordtrace_store::executor::{ClockError, ReplayClock};
use cordtrace_store::{CommandError, Database, Executor};
use cordtrace_tests::{PASSWORD, TestDatabase, all_entries};

async fn migrated(database: &TestDatabase) -> Database {
    let store = Database::connect(database.url())
        .await
        .expect("the database opens");
    store.migrate().await.expect("the migrations apply");
    store
}

/// Registers `username` as the system.
async fn register(
    executor: &Executor,
    username: &str,
    password_hash: &str,
) -> Result<(), CommandError> {
    let username = Username::parse(username).expect("a valid username");
    executor
        .execute(
            Actor::System,
            RegisterUser {
                new: NewUser {
                    user_id: UserId::from_uuid(uuid::Uuid::now_v7()),
                    printed_name: PrintedName::parse(&format!("Test {username}"))
                        .expect("a valid name"),
                    username,
                    roles: Roles::new([Role::Auditor]).expect("a role"),
                    must_change_password: false,
                },
                password_hash: password_hash.to_owned(),
            },
        )
        .await
        .map(|_| ())
}

async fn password_hash() -> String {
    let username = Username::parse("replay.one").expect("a valid username");
    let password = Password::new(PASSWORD.to_owned(), &username).expect("a valid password");
    cordtrace_store::auth::password::hash(password)
        .await
        .expect("hashing works")
}

fn ago(days: i64) -> Timestamp {
    Timestamp::from_datetime(Utc::now() - Duration::days(days))
}

#[tokio::test]
async fn entries_carry_the_replayed_time_then_the_system_clock() {
    let database = TestDatabase::create().await.expect("a test database");
    let store = migrated(&database).await;
    let hash = password_hash().await;
    let (start, later) = (ago(10), ago(5));
    let clock = ReplayClock::starting_at(start).expect("a start in the past");
    let (executor, writer) = Executor::start_replaying(store.clone(), clock.clone());

    register(&executor, "replay.one", &hash)
        .await
        .expect("recorded");
    clock.advance_to(later).expect("forward");
    register(&executor, "replay.two", &hash)
        .await
        .expect("recorded");
    clock.catch_up();
    let caught_up = Timestamp::from_datetime(Utc::now());
    register(&executor, "replay.three", &hash)
        .await
        .expect("recorded");
    drop(executor);
    writer.await.expect("the writer stops");

    let recorded: Vec<_> = all_entries(&store)
        .await
        .iter()
        .map(|entry| entry.body().recorded_at.as_datetime())
        .collect();
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0], start.as_datetime());
    assert_eq!(recorded[1], later.as_datetime());
    assert!(recorded[2] >= caught_up.as_datetime(), "{recorded:?}");
    store.close().await.expect("the database closes");
    database.drop_database().await.expect("dropped");
}

#[tokio::test]
async fn a_replayed_command_behind_the_ledger_is_refused_and_writes_nothing() {
    let database = TestDatabase::create().await.expect("a test database");
    let store = migrated(&database).await;
    let hash = password_hash().await;
    // Another writer, on the system clock, records an entry now.
    let (live, live_writer) = Executor::start(store.clone());
    register(&live, "live.one", &hash).await.expect("recorded");

    let clock = ReplayClock::starting_at(ago(30)).expect("a start in the past");
    let (replaying, replay_writer) = Executor::start_replaying(store.clone(), clock);
    let refused = register(&replaying, "replay.one", &hash)
        .await
        .expect_err("refused");
    assert!(
        matches!(
            refused,
            CommandError::Clock(ClockError::BehindLedger { .. })
        ),
        "{refused:?}"
    );
    assert_eq!(all_entries(&store).await.len(), 1, "nothing was written");

    drop((live, replaying));
    live_writer.await.expect("the writer stops");
    replay_writer.await.expect("the writer stops");
    store.close().await.expect("the database closes");
    database.drop_database().await.expect("dropped");
}
