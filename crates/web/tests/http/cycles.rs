//! Cycle verification as an applicant and the reviewing levels go through it: the figures
//! before submitting, the chain from the unit up to the city HR bureau, a return and a
//! resubmission, a withdrawal, one open application at a time.

use crate::on_both_engines;
use crate::orgs::{acting, org_named, signed_in, todo};
#[allow(unused_imports)]
use crate::support::*;

/// A special approval's reason, for the cycles that fall short.
const SPECIAL: &str = "援藏三年，按规定特批";

fn apply_form(intent: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("promotion", "senior"),
        ("target_level", "fugao"),
        ("target_qualification", "中学高级教师"),
        ("discipline", "social"),
        ("qualification_date", "2020-09-01"),
        ("intent", intent),
    ]
}

async fn state(app: &TestApp, id: i64) -> (String, Option<i64>) {
    let c = app.state.store.cycle(id).await.unwrap().expect("cycle");
    (c.state.code().to_owned(), c.reviewer_id)
}

on_both_engines!(
    an_application_climbs_from_the_unit_to_the_city_and_is_approved,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let gzjy = org_named(&app, "广州市教育局").await.id;
        let gzhr = org_named(&app, "广州市人力资源和社会保障局").await.id;
        let mut person = signed_in(&app, "zhangwei").await;
        person
            .get("/me/cycles/new")
            .await
            .assert_contains("计算学时");

        // The figures before submitting: 2021–2025 (applied 2 March 2026), 5 × 90 hours.
        let r = person.post("/me/cycles/new", &apply_form("preview")).await;
        assert_eq!(r.status, 200);
        r.assert_contains("2021年—2025年");
        r.assert_contains("450.0");
        r.assert_contains("未达到周期验证要求");
        assert!(
            app.state
                .store
                .cycles_of(crate::orgs::account_id(&app, "zhangwei").await)
                .await
                .unwrap()
                .is_empty()
        );

        // Bad input next to its field.
        let mut bad = apply_form("submit");
        bad.retain(|(k, _)| *k != "qualification_date" && *k != "target_level");
        bad.push(("qualification_date", "2027-01-01"));
        bad.push(("target_level", "zhenggao"));
        let r = person.post("/me/cycles/new", &bad).await;
        r.assert_contains("现专业技术资格取得时间不能晚于今天");
        r.assert_contains("拟申报资格的级别不属于“中级晋升副高”");

        let r = person.post("/me/cycles/new", &apply_form("submit")).await;
        let id: i64 = r
            .location
            .as_deref()
            .and_then(|l| l.rsplit('/').next())
            .and_then(|s| s.parse().ok())
            .expect("the application's page");
        assert_eq!(state(&app, id).await, ("pending".into(), Some(yz)));
        // One open application at a time.
        person.get("/me/cycles/new").await;
        person
            .post("/me/cycles/new", &apply_form("submit"))
            .await
            .assert_contains("您已有一份未办结的周期验证申请");

        // The unit's initial review.
        let mut unit = acting(&app, "yizhong", yz).await;
        let waiting = app.state.store.cycle_todo_count(yz).await.unwrap();
        assert!(waiting >= 1);
        unit.get("/")
            .await
            .assert_contains(&todo("待审核的周期验证申请", waiting));
        unit.get("/org/cycles")
            .await
            .assert_contains("中学高级教师");
        let page = unit.get(&format!("/org/cycles/{id}")).await;
        page.assert_contains("申请时的学时情况");
        page.assert_contains("与申请时相同");
        unit.post(
            &format!("/org/cycles/{id}/decide"),
            &[("decision", "approve"), ("opinion", SPECIAL)],
        )
        .await;
        assert_eq!(state(&app, id).await, ("in_progress".into(), Some(gzjy)));
        // Once a level has acted, the applicant cannot take it back.
        person.post(&format!("/me/cycles/{id}/withdraw"), &[]).await;
        assert_eq!(state(&app, id).await.0, "in_progress");

        // The department returns it; the applicant resubmits; it starts again at the unit.
        let mut dept = acting(&app, "gzjy", gzjy).await;
        dept.get(&format!("/org/cycles/{id}")).await;
        dept.post(
            &format!("/org/cycles/{id}/decide"),
            &[("decision", "return"), ("opinion", "")],
        )
        .await
        .assert_contains("退案或不通过须填写审核意见");
        dept.post(
            &format!("/org/cycles/{id}/decide"),
            &[
                ("decision", "return"),
                ("opinion", "请补充2025年度的学时证明"),
            ],
        )
        .await;
        assert_eq!(state(&app, id).await.0, "returned");
        let mine = person.get(&format!("/me/cycles/{id}")).await;
        mine.assert_contains("待审(退案)");
        mine.assert_contains("请补充2025年度的学时证明");
        person.post(&format!("/me/cycles/{id}/resubmit"), &[]).await;
        assert_eq!(state(&app, id).await, ("pending".into(), Some(yz)));

        // Up the chain to the city, which is the last level.
        unit.post(
            &format!("/org/cycles/{id}/decide"),
            &[("decision", "approve"), ("opinion", SPECIAL)],
        )
        .await;
        dept.post(
            &format!("/org/cycles/{id}/decide"),
            &[("decision", "approve"), ("opinion", SPECIAL)],
        )
        .await;
        let at_city = app.state.store.cycle_todo_count(gzhr).await.unwrap();
        let mut city = acting(&app, "gzhr", gzhr).await;
        city.get("/")
            .await
            .assert_contains(&todo("待审核的周期验证申请", at_city));
        // A level that is not the one it waits at cannot decide it.
        unit.post(
            &format!("/org/cycles/{id}/decide"),
            &[("decision", "approve"), ("opinion", SPECIAL)],
        )
        .await;
        assert_eq!(state(&app, id).await, ("in_progress".into(), Some(gzhr)));
        city.get("/org/cycles").await;
        city.post(
            "/org/cycles/decide",
            &[
                ("cycle", &id.to_string()),
                ("decision", "approve"),
                ("opinion", SPECIAL),
            ],
        )
        .await;
        assert_eq!(state(&app, id).await, ("approved".into(), None));
        let steps: Vec<String> = app
            .state
            .store
            .cycle_trail(id)
            .await
            .unwrap()
            .into_iter()
            .map(|t| format!("{}:{}", t.step, t.result))
            .collect();
        assert_eq!(
            steps,
            [
                "submit:申请",
                "decide:通过（特批）",
                "decide:退案",
                "resubmit:重新送审",
                "decide:通过（特批）",
                "decide:通过（特批）",
                "decide:通过（特批）"
            ]
        );
        let page = person.get(&format!("/me/cycles/{id}")).await;
        page.assert_contains("通过");
        page.assert_contains("生成周期验证证书");

        // The approved verification's certificate, verifiable by anyone with its code.
        let r = person
            .post("/me/certificates/cycle", &[("cycle", &id.to_string())])
            .await;
        let account = crate::orgs::account_id(&app, "zhangwei").await;
        let cert = app
            .state
            .store
            .valid_certificate(
                account,
                domain::certificate::CertificateKind::Cycle,
                None,
                Some(id),
            )
            .await
            .unwrap()
            .expect("the cycle's certificate");
        r.assert_redirect(&format!("/me/certificates/{}", cert.id));
        person
            .get(&format!("/me/cycles/{id}"))
            .await
            .assert_contains(&format!("/me/certificates/{}", cert.id));
        let public = Client::new(&app)
            .get(&format!("/verify/{}", cert.code))
            .await;
        public.assert_contains("有效");
        public.assert_contains("2021年—2025年");
        public.assert_contains("张*");

        // Approved, the person may apply again; a new one can be withdrawn before any review.
        person.get("/me/cycles/new").await;
        let r = person.post("/me/cycles/new", &apply_form("submit")).await;
        let again: i64 = r
            .location
            .as_deref()
            .and_then(|l| l.rsplit('/').next())
            .and_then(|s| s.parse().ok())
            .expect("a second application");
        person
            .post(&format!("/me/cycles/{again}/withdraw"), &[])
            .await;
        assert_eq!(state(&app, again).await.0, "withdrawn");
        person
            .get(&format!("/me/cycles/{again}"))
            .await
            .assert_contains("待审(回收)");
        // The province queries its whole subtree and exports it.
        let gdhr = org_named(&app, "广东省人力资源和社会保障厅").await.id;
        let mut province = acting(&app, "gdhr", gdhr).await;
        province
            .get("/org/cycles/search?year=2025&state=approved")
            .await
            .assert_contains("中学高级教师");
        assert_eq!(province.get(&format!("/org/cycles/{id}")).await.status, 200);
        let bytes = province
            .get_bytes("/org/cycles/search.xlsx?year=2025&state=approved")
            .await;
        assert!(bytes.starts_with(b"PK"));
        // Another city's bureau sees nothing of it.
        let szhr = org_named(&app, "深圳市人力资源和社会保障局").await.id;
        let mut other = acting(&app, "szhr", szhr).await;
        assert_eq!(other.get(&format!("/org/cycles/{id}")).await.status, 404);
    }
);

/// The figures of a cycle 2021–2025 with no records, each year requiring 90 hours, as frozen.
pub fn empty_cycle_figures() -> String {
    serde_json::to_string(&domain::cycle::cycle_check(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        &domain::cycle::CycleYears {
            years: (2021..=2025).collect(),
            includes_current: false,
        },
        |_| Some(domain::hours::Hours::whole(90)),
        &[],
        &domain::cycle::CycleRules::default(),
    ))
    .unwrap()
}

/// A person's application to become 中学高级教师, submitted on 2 March 2026 for 2021–2025 with
/// `frozen` figures, waiting at the first organisation of `chain`.
pub async fn stored_cycle(app: &TestApp, person: i64, chain: &[i64], frozen: &str) -> i64 {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    app.state
        .store
        .create_cycle(
            &store::cycles::NewCycle {
                account_id: person,
                unit_id: chain[0],
                promotion: domain::cycle::Promotion::Senior,
                target_qualification: "中学高级教师",
                target_level: "fugao",
                discipline: "social",
                series_code: "zhongxiaoxue",
                qualification_date: chrono::NaiveDate::from_ymd_opt(2020, 9, 1).unwrap(),
                applied_on: day,
                year_from: 2021,
                year_to: 2025,
                includes_current: false,
                chain,
                frozen,
                met: false,
            },
            &store::cycles::CycleStep {
                step: "submit",
                org_id: None,
                actor_id: person,
                result: "申请",
                opinion: "",
            },
            app.state.now(),
        )
        .await
        .unwrap()
        .unwrap()
}

/// Applications of `n` new persons confirmed at 广州市第一中学, waiting at the unit, their
/// chain unit → 教育局 → 广州市人社局, with real figures frozen.
pub async fn waiting_at_the_unit(app: &TestApp, n: u32) -> Vec<i64> {
    let yz = org_named(app, "广州市第一中学").await.id;
    let gzjy = org_named(app, "广州市教育局").await.id;
    let gzhr = org_named(app, "广州市人力资源和社会保障局").await.id;
    let frozen = empty_cycle_figures();
    let mut ids = Vec::new();
    for i in 0..n {
        let p = crate::orgs::new_person(app, &format!("cyc{i}"), "冯子墨", 500 + i).await;
        app.state
            .store
            .request_binding(
                p,
                yz,
                domain::binding::BindingState::Confirmed,
                app.state.now(),
            )
            .await
            .unwrap()
            .unwrap();
        ids.push(stored_cycle(app, p, &[yz, gzjy, gzhr], &frozen).await);
    }
    ids
}

on_both_engines!(a_unit_decides_fifty_applications_in_one_batch, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let gzjy = org_named(&app, "广州市教育局").await.id;
    let ids = waiting_at_the_unit(&app, 50).await;
    let mut unit = acting(&app, "yizhong", yz).await;
    unit.get("/org/cycles").await;
    let id_text: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    let mut form: Vec<(&str, &str)> = id_text.iter().map(|i| ("cycle", i.as_str())).collect();
    form.push(("decision", "approve"));
    form.push(("opinion", "同意，报主管部门"));
    unit.post("/org/cycles/decide", &form).await;
    for id in &ids {
        assert_eq!(state(&app, *id).await, ("in_progress".into(), Some(gzjy)));
        let trail = app.state.store.cycle_trail(*id).await.unwrap();
        assert_eq!(trail.len(), 2, "申请 and one decision");
        assert_eq!(trail[1].opinion, "同意，报主管部门");
    }
    // The same batch again (a double click, or a stale page) decides nothing twice.
    unit.get("/org/cycles").await;
    unit.post("/org/cycles/decide", &form).await;
    for id in &ids {
        assert_eq!(app.state.store.cycle_trail(*id).await.unwrap().len(), 2);
    }
});

on_both_engines!(
    two_reviewers_at_once_and_a_withdraw_racing_a_review_change_it_once,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let ids = waiting_at_the_unit(&app, 2).await;
        let mut first = acting(&app, "yizhong", yz).await;
        let mut second = acting(&app, "yizhong", yz).await;
        first.get(&format!("/org/cycles/{}", ids[0])).await;
        second.get(&format!("/org/cycles/{}", ids[0])).await;
        let approve = format!("/org/cycles/{}/decide", ids[0]);
        let (a, b) = tokio::join!(
            first.post(&approve, &[("decision", "approve"), ("opinion", SPECIAL)]),
            second.post(
                &approve,
                &[("decision", "return"), ("opinion", "请补充材料")]
            ),
        );
        assert!(a.status.is_redirection() && b.status.is_redirection());
        let trail = app.state.store.cycle_trail(ids[0]).await.unwrap();
        assert_eq!(trail.len(), 2, "exactly one decision: {trail:?}");
        let (s, _) = state(&app, ids[0]).await;
        assert!(s == "in_progress" || s == "returned", "{s}");

        // The applicant withdraws while the unit approves: one of them wins, once.
        let c = app.state.store.cycle(ids[1]).await.unwrap().unwrap();
        let login = app
            .state
            .store
            .account(c.account_id)
            .await
            .unwrap()
            .unwrap()
            .login_name;
        let mut person = signed_in(&app, &login).await;
        person.get(&format!("/me/cycles/{}", ids[1])).await;
        first.get(&format!("/org/cycles/{}", ids[1])).await;
        let withdraw = format!("/me/cycles/{}/withdraw", ids[1]);
        let decide = format!("/org/cycles/{}/decide", ids[1]);
        let (w, d) = tokio::join!(
            person.post(&withdraw, &[]),
            first.post(&decide, &[("decision", "approve"), ("opinion", SPECIAL)]),
        );
        assert!(w.status.is_redirection() && d.status.is_redirection());
        let trail = app.state.store.cycle_trail(ids[1]).await.unwrap();
        assert_eq!(
            trail.len(),
            2,
            "exactly one of withdraw and approve: {trail:?}"
        );
        let (s, _) = state(&app, ids[1]).await;
        assert!(s == "withdrawn" || s == "in_progress", "{s}");
    }
);

on_both_engines!(
    a_short_cycle_is_approved_only_with_a_reason_at_each_level_printed_on_its_certificate,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let gzjy = org_named(&app, "广州市教育局").await.id;
        let gzhr = org_named(&app, "广州市人力资源和社会保障局").await.id;
        // No hours at all against 450: short.
        let ids = waiting_at_the_unit(&app, 2).await;
        let (id, other) = (ids[0], ids[1]);
        let mut unit = acting(&app, "yizhong", yz).await;
        let page = unit.get(&format!("/org/cycles/{id}")).await;
        page.assert_contains("须在审核意见中写明特批理由");

        // Without a reason, or with too short a one, nothing changes; the error is next to the
        // opinion and what was typed stays.
        let decide = format!("/org/cycles/{id}/decide");
        let r = unit.post(&decide, &[("decision", "approve")]).await;
        assert_eq!(r.status, 200);
        r.assert_contains(
            "<p class=\"error\" id=\"opinion-error\">该申请未达到周期验证要求，通过须在审核意见中填写特批理由（至少5个字）</p>",
        );
        let r = unit
            .post(&decide, &[("decision", "approve"), ("opinion", "同意")])
            .await;
        r.assert_contains("特批理由（至少5个字）");
        r.assert_contains(">同意</textarea>");
        assert_eq!(state(&app, id).await, ("pending".into(), Some(yz)));

        unit.post(
            &decide,
            &[("decision", "approve"), ("opinion", "援藏三年，按规定认定")],
        )
        .await;
        assert_eq!(state(&app, id).await, ("in_progress".into(), Some(gzjy)));

        // A batch without a reason refuses the short applications and names them.
        let mut dept = acting(&app, "gzjy", gzjy).await;
        dept.get("/org/cycles").await;
        let id_text = id.to_string();
        dept.post(
            "/org/cycles/decide",
            &[("cycle", id_text.as_str()), ("decision", "approve")],
        )
        .await;
        let queue = dept.get("/org/cycles").await;
        queue.assert_contains("未达到周期验证要求，未予通过：冯子墨");
        assert_eq!(state(&app, id).await, ("in_progress".into(), Some(gzjy)));
        dept.post(
            "/org/cycles/decide",
            &[
                ("cycle", id_text.as_str()),
                ("decision", "approve"),
                ("opinion", "同意特批，报市人社局"),
            ],
        )
        .await;
        assert_eq!(state(&app, id).await, ("in_progress".into(), Some(gzhr)));
        let mut city = acting(&app, "gzhr", gzhr).await;
        city.get(&format!("/org/cycles/{id}")).await;
        city.post(
            &format!("/org/cycles/{id}/decide"),
            &[("decision", "approve"), ("opinion", "经研究同意特批")],
        )
        .await;
        assert_eq!(state(&app, id).await, ("approved".into(), None));
        let trail: Vec<(String, String)> = app
            .state
            .store
            .cycle_trail(id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.step == "decide")
            .map(|t| (t.result, t.opinion))
            .collect();
        assert_eq!(
            trail,
            [
                ("通过（特批）".into(), "援藏三年，按规定认定".into()),
                ("通过（特批）".into(), "同意特批，报市人社局".into()),
                ("通过（特批）".into(), "经研究同意特批".into()),
            ]
        );
        // Returning or refusing still needs no special reason.
        unit.get(&format!("/org/cycles/{other}")).await;
        unit.post(
            &format!("/org/cycles/{other}/decide"),
            &[("decision", "return"), ("opinion", "请补充")],
        )
        .await;
        assert_eq!(state(&app, other).await.0, "returned");

        // The certificate says it passed by special approval, and why.
        let c = app.state.store.cycle(id).await.unwrap().unwrap();
        let login = app
            .state
            .store
            .account(c.account_id)
            .await
            .unwrap()
            .unwrap()
            .login_name;
        let mut person = signed_in(&app, &login).await;
        person.get(&format!("/me/cycles/{id}")).await;
        person
            .post("/me/certificates/cycle", &[("cycle", &id_text)])
            .await;
        let cert = app
            .state
            .store
            .valid_certificate(
                c.account_id,
                domain::certificate::CertificateKind::Cycle,
                None,
                Some(id),
            )
            .await
            .unwrap()
            .expect("the certificate");
        let facts: serde_json::Value = serde_json::from_str(&cert.facts).unwrap();
        assert_eq!(facts["result"], "通过（特批）");
        assert_eq!(
            facts["special"],
            "广州市第一中学：援藏三年，按规定认定；广州市教育局：同意特批，报市人社局；\
             广州市人力资源和社会保障局：经研究同意特批"
        );
        let text = crate::certificates::pdf_text(
            &person
                .get_bytes(&format!("/me/certificates/{}/pdf", cert.id))
                .await,
        );
        assert!(text.contains("通过（特批）"), "{text}");
        assert!(
            text.contains("特批说明") && text.contains("援藏三年，按规定认定"),
            "{text}"
        );
        // So do the person's certificate page and the public verification page.
        person
            .get(&format!("/me/certificates/{}", cert.id))
            .await
            .assert_contains("特批说明：广州市第一中学：援藏三年，按规定认定");
        let mut anyone = Client::new(&app);
        let public = anyone.get(&format!("/verify/{}", cert.code)).await;
        public.assert_contains("通过（特批）");
        public.assert_contains("<dt>特批说明</dt><dd>广州市第一中学：援藏三年，按规定认定");
    }
);
