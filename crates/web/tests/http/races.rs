//! Races with the losing path forced, not hoped for: another transaction holds the row (the
//! write lock on SQLite) while a handler that has already read it tries to write; the other
//! changes the row and commits; the handler's conditional write must then change nothing and
//! say so.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, DatabaseTransaction};

use crate::on_both_engines;
use crate::orgs::{account_id, acting, org_named};
use crate::records::stored_record;
use crate::support::*;

/// Takes the row of `table` (PostgreSQL: its row lock; SQLite: the database's write lock) in
/// a transaction that the test commits later.
async fn hold_row(app: &TestApp, table: &str, id: i64) -> DatabaseTransaction {
    let txn = app.state.store.begin().await.expect("begin");
    txn.execute_unprepared(&format!(
        "UPDATE {table} SET version = version WHERE id = {id}"
    ))
    .await
    .expect("take the row");
    txn
}

/// Waits until another connection waits for a lock. PostgreSQL shows it in pg_stat_activity,
/// so there the handler is known to have read and to stand at its write. SQLite shows no
/// waiter: there the wait is a fixed half second, and the handler's write still cannot pass
/// the held write lock, so the outcome is the same whichever way it went.
async fn until_a_writer_waits(app: &TestApp) {
    if app.state.store.engine() != "postgres" {
        tokio::time::sleep(Duration::from_millis(500)).await;
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let waiting = app
            .state
            .store
            .query_i64(
                "SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() \
                 AND wait_event_type = 'Lock'",
            )
            .await
            .expect("pg_stat_activity");
        if waiting > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the handler never reached its write"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

on_both_engines!(
    an_approval_whose_record_is_returned_meanwhile_changes_nothing,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let me = account_id(&app, "zhangwei").await;
        let id = stored_record(&app, me, yz, "submitted").await;
        let mut clerk = acting(&app, "yizhong", yz).await;
        let page = clerk.get(&format!("/org/records/{id}")).await;
        let version = page.input_value("version").expect("the form's version");

        let other = hold_row(&app, "ce_record", id).await;
        let path = format!("/org/records/{id}/decide");
        let decision = tokio::spawn(async move {
            let r = clerk
                .post(
                    &path,
                    &[
                        ("decision", "approve"),
                        ("recognised", "12"),
                        ("version", version.as_str()),
                    ],
                )
                .await;
            (clerk, r)
        });
        until_a_writer_waits(&app).await;
        // Another reviewer returns it, in the transaction that holds the row.
        other
            .execute_unprepared(&format!(
                "UPDATE ce_record SET state = 'returned', opinion = '请补充培训证明', \
                 version = version + 1 WHERE id = {id}"
            ))
            .await
            .expect("return");
        other.commit().await.expect("commit");

        let (mut clerk, answer) = decision.await.expect("the decision's task");
        answer.assert_redirect(&format!("/org/records/{id}"));
        clerk
            .get(&format!("/org/records/{id}"))
            .await
            .assert_contains("该记录在您打开后已有变动");
        let r = app.state.store.record(id).await.unwrap().expect("record");
        assert_eq!(
            r.state,
            domain::record::RecordState::Returned,
            "the other reviewer's decision stands"
        );
        assert_eq!(r.recognised_tenths, None, "no hours were recognised");
        let decided = app
            .state
            .store
            .review_trail(id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.step == "decide")
            .count();
        assert_eq!(decided, 0, "the losing approval left no trail row");
    }
);

on_both_engines!(
    a_return_whose_application_is_withdrawn_meanwhile_changes_nothing,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let id = crate::cycles::waiting_at_the_unit(&app, 1).await[0];
        let mut clerk = acting(&app, "yizhong", yz).await;
        clerk.get(&format!("/org/cycles/{id}")).await;
        let trail_before = app.state.store.cycle_trail(id).await.unwrap().len();

        let other = hold_row(&app, "cycle_check", id).await;
        let path = format!("/org/cycles/{id}/decide");
        let decision = tokio::spawn(async move {
            let r = clerk
                .post(
                    &path,
                    &[("decision", "return"), ("opinion", "请补充继续教育证明")],
                )
                .await;
            (clerk, r)
        });
        until_a_writer_waits(&app).await;
        // The applicant withdraws it, in the transaction that holds the row.
        other
            .execute_unprepared(&format!(
                "UPDATE cycle_check SET state = 'withdrawn', version = version + 1 WHERE id = {id}"
            ))
            .await
            .expect("withdraw");
        other.commit().await.expect("commit");

        let (mut clerk, answer) = decision.await.expect("the decision's task");
        assert!(answer.status.is_redirection(), "{}", answer.status);
        let page = clerk
            .get(answer.location.as_deref().unwrap_or("/org/cycles"))
            .await;
        page.assert_contains("该申请已被他人处理或已被申请人回收");
        let c = app.state.store.cycle(id).await.unwrap().expect("cycle");
        assert_eq!(
            c.state,
            domain::cycle::ApplicationState::Withdrawn,
            "the withdrawal stands"
        );
        assert_eq!(
            app.state.store.cycle_trail(id).await.unwrap().len(),
            trail_before,
            "the losing return left no trail row"
        );
    }
);
