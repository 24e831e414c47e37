//! Background jobs a crash interrupted: a running job holds a short lease renewed by its
//! worker's heartbeat, and any server's timer puts it back in the queue once the lease ran
//! out; a certificate batch run again counts the certificates its interrupted run issued.

use chrono::Duration;

use crate::on_both_engines;
use crate::orgs::{acting, org_named};
#[allow(unused_imports)]
use crate::support::*;

on_both_engines!(
    a_job_whose_lease_ran_out_is_queued_again_within_a_minute,
    |app| {
        let store = &app.state.store;
        let id = store
            .create_job(
                "noop",
                "{}",
                domain::job::JobState::Queued,
                "",
                1,
                None,
                app.state.now(),
            )
            .await
            .unwrap();
        // A worker claims it (its first beat), and its server is killed.
        let claimed = store
            .claim_job(app.state.now())
            .await
            .unwrap()
            .expect("claimed");
        assert_eq!((claimed.id, claimed.state.code()), (id, "running"));
        let state = || async { store.job(id).await.unwrap().expect("the job").state };

        // Twenty seconds on, the lease still holds: no server takes it from its worker.
        app.clock.advance(Duration::seconds(20));
        assert_eq!(
            jxjy_web::jobs::requeue_interrupted(&app.state)
                .await
                .unwrap(),
            0
        );
        assert_eq!(state().await, domain::job::JobState::Running);

        // A worker that beats keeps it, however long the job runs.
        store.job_heartbeat(id, app.state.now()).await.unwrap();
        app.clock.advance(Duration::seconds(20));
        assert_eq!(
            jxjy_web::jobs::requeue_interrupted(&app.state)
                .await
                .unwrap(),
            0
        );
        assert_eq!(state().await, domain::job::JobState::Running);

        // Forty seconds after the last beat, the job is taken to have died and queued again.
        app.clock.advance(Duration::seconds(20));
        assert_eq!(
            jxjy_web::jobs::requeue_interrupted(&app.state)
                .await
                .unwrap(),
            1
        );
        assert_eq!(state().await, domain::job::JobState::Queued);
        let again = store
            .claim_job(app.state.now())
            .await
            .unwrap()
            .expect("claimed again");
        assert_eq!(again.id, id);
    }
);

fn key(n: u8) -> String {
    format!("{n:02x}").repeat(16)
}

on_both_engines!(
    a_batch_run_again_after_a_crash_counts_what_it_issued_before,
    |app| {
        with_demo(&app).await;
        // The batch starts after the demo's certificates were issued.
        app.clock.advance(Duration::minutes(10));
        let store = &app.state.store;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let clerk = crate::orgs::account_id(&app, "yizhong").await;
        let mut unit = acting(&app, "yizhong", yz).await;
        let staff = store
            .staff_certificates(
                &store::records::StaffYearFilter {
                    within: yz,
                    year: 2025,
                    page: 1,
                    per_page: 200,
                    ..Default::default()
                },
                true,
            )
            .await
            .unwrap();
        let without: Vec<i64> = staff
            .items
            .iter()
            .filter(|r| r.certificate_id.is_none())
            .map(|r| r.account_id)
            .collect();
        assert!(
            without.len() >= 3,
            "staff without a 2025 certificate: {without:?}"
        );
        let held_before = staff.total as usize - without.len();

        // The batch was claimed by a worker, which issued two certificates before its server was
        // killed: the row is left running with its last beat.
        let id = store
            .create_job(
                jxjy_web::certificates::batch::KIND,
                r#"{"year":2025}"#,
                domain::job::JobState::Queued,
                "",
                clerk,
                Some(yz),
                app.state.now(),
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .claim_job(app.state.now())
                .await
                .unwrap()
                .map(|j| j.id),
            Some(id)
        );
        unit.get("/org/certificates?year=2025").await;
        for (n, account) in without.iter().take(2).enumerate() {
            let a = account.to_string();
            unit.post(
                "/org/certificates/print",
                &[
                    ("account", &a),
                    ("year", "2025"),
                    ("form_key", &key(n as u8 + 1)),
                ],
            )
            .await;
            assert!(
                store
                    .valid_certificate(
                        *account,
                        domain::certificate::CertificateKind::Year,
                        Some(2025),
                        None
                    )
                    .await
                    .unwrap()
                    .is_some()
            );
        }

        // Forty seconds later a server's timer queues it again and a worker finishes it.
        app.clock.advance(Duration::seconds(40));
        assert_eq!(
            jxjy_web::jobs::requeue_interrupted(&app.state)
                .await
                .unwrap(),
            1
        );
        jxjy_web::jobs::drain(&app.state).await;
        let job = store.job(id).await.unwrap().expect("the job");
        assert_eq!(job.state, domain::job::JobState::Done, "{}", job.error);

        let page = unit.get(&format!("/org/certificates/batch/{id}")).await;
        page.assert_contains(&format!("共 {} 份证书", staff.total));
        // Every certificate the batch issued, before and after the crash, is counted once.
        page.assert_contains(&format!("本次新生成 {} 份", without.len()));
        let zip = unit
            .get_bytes(&format!("/org/certificates/batch/{id}/zip"))
            .await;
        let archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a ZIP");
        assert_eq!(archive.len(), held_before + without.len());
    }
);
