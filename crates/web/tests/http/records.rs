//! CE records as persons and unit operators go through them: declare, submit, return, correct,
//! resubmit, approve, withdraw, the internal flow, batch decisions, declaring for staff,
//! corrections, and the annual figures that follow every change; with the races.

use crate::on_both_engines;
use crate::orgs::{account_id, acting, new_person, org_named, signed_in};
#[allow(unused_imports)]
use crate::support::*;
use domain::roles::{Role, Roles};
use store::records::{NewRecord, RecordFields, Step};

/// A record of 2026 (12 hours over two January days) stored straight in `state`.
pub async fn stored_record(app: &TestApp, account: i64, unit: i64, state: &str) -> i64 {
    record_of(
        app,
        account,
        unit,
        state,
        "professional",
        120,
        "课堂教学改革研修",
    )
    .await
}

pub async fn record_of(
    app: &TestApp,
    account: i64,
    unit: i64,
    state: &str,
    category: &str,
    tenths: i64,
    course: &str,
) -> i64 {
    let d = |day| chrono::NaiveDate::from_ymd_opt(2026, 1, day).expect("date");
    let fields = RecordFields {
        year: 2026,
        category: domain::record::Category::from_code(category).expect("a category code"),
        declaration: domain::record::DeclarationType::Training,
        course_name: course.into(),
        study_form: "面授".into(),
        institution_id: None,
        institution_name: "广东继续教育培训中心".into(),
        start_date: d(12),
        end_date: d(12 + (tenths / 60).max(1) as u32 - 1).max(d(13)),
        claimed_tenths: tenths,
        matches_specialty: category != "elective",
        main_author: false,
        passed: true,
        content: String::new(),
        location: String::new(),
        remarks: String::new(),
    };
    record_with(app, account, unit, state, &fields).await
}

/// An approved record of `year` (in its June), with `tenths` recognised.
pub async fn record_in_year(
    app: &TestApp,
    account: i64,
    unit: i64,
    year: i32,
    category: &str,
    tenths: i64,
) -> i64 {
    let d = |day| chrono::NaiveDate::from_ymd_opt(year, 6, day).expect("date");
    let fields = RecordFields {
        year,
        category: domain::record::Category::from_code(category).expect("a category code"),
        declaration: domain::record::DeclarationType::Training,
        course_name: format!("{year}年度补充学习"),
        study_form: "面授".into(),
        institution_id: None,
        institution_name: "广东继续教育培训中心".into(),
        start_date: d(2),
        end_date: d(2 + (tenths / 60).max(1) as u32 - 1),
        claimed_tenths: tenths,
        matches_specialty: category != "elective",
        main_author: false,
        passed: true,
        content: String::new(),
        location: String::new(),
        remarks: String::new(),
    };
    record_with(app, account, unit, "approved", &fields).await
}

pub async fn record_with(
    app: &TestApp,
    account: i64,
    unit: i64,
    state: &str,
    fields: &RecordFields,
) -> i64 {
    app.state
        .store
        .create_record(
            &NewRecord {
                fields,
                account_id: account,
                unit_id: unit,
                declared_by: account,
                declared_for_org: None,
                source: domain::record::RecordSource::Own,
                state: domain::record::RecordState::from_code(state).expect("a state code"),
                recognised_tenths: (state == "approved").then_some(fields.claimed_tenths),
                import_key: None,
            },
            &Step {
                step: if state == "draft" { "create" } else { "submit" },
                org_id: None,
                actor_id: account,
                result: "",
                opinion: "",
                recognised_tenths: None,
            },
            app.state.now(),
        )
        .await
        .expect("record")
        .expect("no import key")
}

/// The form of a valid record of this year, with `changes` over it.
fn form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = vec![
        ("year", "2026"),
        ("category", "professional"),
        ("declaration", "training"),
        ("course_name", "新课标教学设计研修"),
        ("study_form", "面授"),
        ("institution_name", "广州市教育研究院"),
        ("start_date", "2026-01-12"),
        ("end_date", "2026-01-13"),
        ("claimed", "12"),
        ("matches_specialty", "1"),
        ("passed", "1"),
        ("intent", "draft"),
    ];
    for (k, v) in changes {
        f.retain(|(key, _)| key != k);
        f.push((k, v));
    }
    f
}

fn id_from(location: &Option<String>) -> i64 {
    location
        .as_deref()
        .and_then(|l| l.rsplit('/').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a record page: {location:?}"))
}

async fn state_of(app: &TestApp, id: i64) -> String {
    app.state
        .store
        .record(id)
        .await
        .unwrap()
        .expect("record")
        .state
        .code()
        .to_owned()
}

async fn trail_steps(app: &TestApp, id: i64) -> Vec<(String, String)> {
    app.state
        .store
        .review_trail(id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.step, t.result))
        .collect()
}

/// The 2026 row of the person's verification page, as text.
async fn year_row(c: &mut Client, year: i32) -> String {
    let page = c.get("/me/verification").await;
    let body = page.body;
    let start = body
        .find(&format!("/me/records?year={year}\">{year}</a>"))
        .unwrap_or_else(|| panic!("a row for {year}"));
    let end = body[start..]
        .find("</tr>")
        .map(|e| start + e)
        .expect("row end");
    body[start..end].to_owned()
}

on_both_engines!(draft_submit_return_edit_resubmit_approve, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let mut person = signed_in(&app, "zhangwei").await;
    // The demo gives zhangwei 30 approved public hours this year, and 24 waiting.
    let before = year_row(&mut person, 2026).await;
    assert!(
        before.contains(">30.0<") && before.contains("未达标"),
        "{before}"
    );
    assert!(before.contains("总学时差 60.0"), "{before}");

    person
        .get("/me/records/new")
        .await
        .assert_contains("保存并申报");
    let r = person.post("/me/records/new", &form(&[])).await;
    let id = id_from(&r.location);
    assert_eq!(state_of(&app, id).await, "draft");
    person
        .get(&format!("/me/records/{id}"))
        .await
        .assert_contains("已暂存");

    person.post(&format!("/me/records/{id}/submit"), &[]).await;
    assert_eq!(state_of(&app, id).await, "submitted");

    let mut clerk = acting(&app, "yizhong", yz).await;
    clerk
        .get("/org/records")
        .await
        .assert_contains("新课标教学设计研修");
    clerk.get(&format!("/org/records/{id}")).await;
    // Returning needs an opinion; without one nothing changes.
    clerk
        .post(
            &format!("/org/records/{id}/decide"),
            &[("decision", "return"), ("opinion", "")],
        )
        .await;
    clerk
        .get(&format!("/org/records/{id}"))
        .await
        .assert_contains("请填写退回修改的意见");
    assert_eq!(state_of(&app, id).await, "submitted");
    clerk
        .post(
            &format!("/org/records/{id}/decide"),
            &[("decision", "return"), ("opinion", "请补充结业证书")],
        )
        .await;
    assert_eq!(state_of(&app, id).await, "returned");

    // The declarer sees it on the home page and on the form, corrects and resubmits.
    person
        .get("/")
        .await
        .assert_contains(&crate::orgs::todo("退回待修改的学时记录", 1));
    let edit = person.get(&format!("/me/records/{id}/edit")).await;
    edit.assert_contains("请补充结业证书");
    assert_eq!(
        edit.input_value("course_name").as_deref(),
        Some("新课标教学设计研修")
    );
    let version = app.state.store.record(id).await.unwrap().unwrap().version;
    let v = version.to_string();
    person
        .post(
            &format!("/me/records/{id}/edit"),
            &form(&[("version", &v), ("claimed", "11.5"), ("intent", "submit")]),
        )
        .await;
    assert_eq!(state_of(&app, id).await, "submitted");

    // More than claimed is refused; fewer is recognised.
    clerk.get(&format!("/org/records/{id}")).await;
    clerk
        .post(
            &format!("/org/records/{id}/decide"),
            &[("decision", "approve"), ("recognised", "12")],
        )
        .await;
    clerk
        .get(&format!("/org/records/{id}"))
        .await
        .assert_contains("认定学时不能超过申报学时");
    clerk
        .post(
            &format!("/org/records/{id}/decide"),
            &[
                ("decision", "approve"),
                ("recognised", "10"),
                ("opinion", "同意"),
            ],
        )
        .await;
    let rec = app.state.store.record(id).await.unwrap().unwrap();
    assert_eq!(
        (rec.state.code(), rec.recognised_tenths),
        ("approved", Some(100))
    );

    let after = year_row(&mut person, 2026).await;
    assert!(
        after.contains(">10.0<") && after.contains(">40.0<"),
        "{after}"
    );
    assert!(after.contains("总学时差 50.0"), "{after}");
    assert_eq!(
        trail_steps(&app, id).await,
        vec![
            ("create".into(), "暂存".into()),
            ("submit".into(), "送审".into()),
            ("decide".into(), "不同意并退案".into()),
            ("submit".into(), "送审".into()),
            ("decide".into(), "同意".into()),
        ]
    );
    let page = person.get(&format!("/me/records/{id}")).await;
    page.assert_contains("同意（认定 10.0 学时）");
    page.assert_contains("广州市第一中学");
});

on_both_engines!(
    bad_input_is_named_next_to_its_field_and_nothing_is_stored,
    |app| {
        with_demo(&app).await;
        let me = account_id(&app, "zhangwei").await;
        let mut person = signed_in(&app, "zhangwei").await;
        let count = |app: &TestApp| {
            let store = app.state.store.clone();
            async move {
                store
                    .records(&store::records::RecordFilter {
                        account_id: Some(me),
                        per_page: 1,
                        ..Default::default()
                    })
                    .await
                    .unwrap()
                    .total
            }
        };
        let before = count(&app).await;
        person.get("/me/records/new").await;
        for (changes, message) in [
            (vec![("end_date", "2026-01-10")], "结束日期不能早于开始日期"),
            (
                vec![("claimed", "13")],
                "申报学时超过了培训天数可折算的学时（每天6学时）",
            ),
            (vec![("claimed", "7.25")], "学时"),
            (
                vec![
                    ("year", "2027"),
                    ("start_date", "2027-01-12"),
                    ("end_date", "2027-01-13"),
                ],
                "申报年度不能晚于今年",
            ),
            (
                vec![
                    ("year", "2024"),
                    ("start_date", "2024-01-12"),
                    ("end_date", "2024-01-13"),
                ],
                "2024年度的学时应于2025-01-31前登记，已过登记期限",
            ),
            (
                vec![("start_date", "2026-13-40")],
                "日期格式应为 2026-03-01",
            ),
            (
                vec![("category", "elective"), ("matches_specialty", "1")],
                "选修科目应为与本专业不对口的内容",
            ),
            (
                vec![("declaration", "patent"), ("claimed", "20")],
                "第一作者28学时，其他作者14学时",
            ),
            (vec![("course_name", "  ")], "请填写课程（项目）名称"),
        ] {
            let r = person.post("/me/records/new", &form(&changes)).await;
            assert_eq!(r.status, 200, "{changes:?} shows the form again");
            let expected = message.replace("2026-03-01", "2024-03-01");
            r.assert_contains(&expected);
            // What was typed stays in the form.
            assert_eq!(
                r.input_value("institution_name").as_deref(),
                Some("广州市教育研究院")
            );
        }
        assert_eq!(count(&app).await, before, "nothing was stored");
    }
);

on_both_engines!(a_withdraw_before_review_and_none_after, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let mut person = signed_in(&app, "zhangwei").await;
    person.get("/me/records/new").await;
    let r = person
        .post("/me/records/new", &form(&[("intent", "submit")]))
        .await;
    let id = id_from(&r.location);
    assert_eq!(state_of(&app, id).await, "submitted");
    person
        .post(&format!("/me/records/{id}/withdraw"), &[])
        .await;
    assert_eq!(state_of(&app, id).await, "draft");
    person.post(&format!("/me/records/{id}/submit"), &[]).await;
    let mut clerk = acting(&app, "yizhong", yz).await;
    clerk
        .post(
            &format!("/org/records/{id}/decide"),
            &[("decision", "approve"), ("recognised", "12")],
        )
        .await;
    person
        .post(&format!("/me/records/{id}/withdraw"), &[])
        .await;
    person
        .get(&format!("/me/records/{id}"))
        .await
        .assert_contains("只有已送审、尚未审核的记录才能回收");
    assert_eq!(state_of(&app, id).await, "approved");
    // An approved record cannot be deleted by its declarer either.
    person.post(&format!("/me/records/{id}/delete"), &[]).await;
    assert_eq!(state_of(&app, id).await, "approved");
    // A draft can.
    let draft = stored_record(&app, account_id(&app, "zhangwei").await, yz, "draft").await;
    person
        .post(&format!("/me/records/{draft}/delete"), &[])
        .await;
    assert_eq!(state_of(&app, draft).await, "deleted");
    assert_eq!(
        trail_steps(&app, draft).await.last().cloned(),
        Some(("delete".to_owned(), "申报人删除".to_owned())),
        "the step is kept"
    );
    person
        .get(&format!("/me/records/{draft}"))
        .await
        .assert_contains("该记录已删除");
    person
        .post(&format!("/me/records/{draft}/submit"), &[])
        .await;
    assert_eq!(state_of(&app, draft).await, "deleted");
    assert!(
        !person
            .get("/me/records")
            .await
            .body
            .contains(&format!("/me/records/{draft}\""))
    );
});

on_both_engines!(
    two_reviewers_at_once_and_a_withdraw_racing_an_approval_change_once,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let me = account_id(&app, "zhangwei").await;
        let reviewer = new_person(&app, "yz_rev", "马文涛", 11).await;
        app.state
            .store
            .invite_member(
                yz,
                reviewer,
                Roles::default().with(Role::Reviewer).bits(),
                None,
                domain::roles::MembershipState::Active,
                app.state.now(),
            )
            .await
            .unwrap();
        let mut a = acting(&app, "yizhong", yz).await;
        let mut b = acting(&app, "yz_rev", yz).await;
        let mut person = signed_in(&app, "zhangwei").await;
        for round in 0..3 {
            let id = stored_record(&app, me, yz, "submitted").await;
            let approve = [("decision", "approve"), ("recognised", "12")];
            let path = format!("/org/records/{id}/decide");
            let withdraw = format!("/me/records/{id}/withdraw");
            if round == 2 {
                let (x, y) = tokio::join!(a.post(&path, &approve), person.post(&withdraw, &[]));
                assert!(
                    x.status.is_redirection() && y.status.is_redirection(),
                    "{} {} {}",
                    x.status,
                    y.status,
                    if x.status.is_redirection() {
                        &y.body
                    } else {
                        &x.body
                    }
                );
            } else {
                let (x, y) = tokio::join!(a.post(&path, &approve), b.post(&path, &approve));
                assert!(
                    x.status.is_redirection() && y.status.is_redirection(),
                    "{} {} {}",
                    x.status,
                    y.status,
                    if x.status.is_redirection() {
                        &y.body
                    } else {
                        &x.body
                    }
                );
            }
            let steps = trail_steps(&app, id).await;
            let changes = steps.iter().filter(|(s, _)| s != "submit").count();
            assert_eq!(changes, 1, "exactly one change in round {round}: {steps:?}");
            let state = state_of(&app, id).await;
            assert!(
                state == "approved" || (round == 2 && state == "draft"),
                "{state}"
            );
        }
    }
);

on_both_engines!(batch_approval_of_a_hundred_records, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let me = account_id(&app, "zhangwei").await;
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids.push(stored_record(&app, me, yz, "submitted").await.to_string());
    }
    let mut clerk = acting(&app, "yizhong", yz).await;
    clerk
        .get("/org/records")
        .await
        .assert_contains("全选本页待审");
    let mut fields: Vec<(&str, &str)> = ids.iter().map(|i| ("record", i.as_str())).collect();
    fields.push(("decision", "approve"));
    fields.push(("opinion", "情况属实，同意认定"));
    clerk.post("/org/records/decide", &fields).await;
    clerk
        .get("/org/records")
        .await
        .assert_contains("已同意 100 条记录。");
    for id in &ids {
        let id: i64 = id.parse().unwrap();
        let r = app.state.store.record(id).await.unwrap().unwrap();
        assert_eq!(
            (r.state.code(), r.recognised_tenths),
            ("approved", Some(120))
        );
        assert_eq!(trail_steps(&app, id).await.len(), 2);
    }
    // The same batch again changes nothing and says so.
    clerk.post("/org/records/decide", &fields).await;
    clerk
        .get("/org/records")
        .await
        .assert_contains("另有 100 条已被他人处理或已被回收，未重复操作。");
    // Rejecting in a batch needs the opinion.
    let more = stored_record(&app, me, yz, "submitted").await.to_string();
    clerk
        .post(
            "/org/records/decide",
            &[("record", &more), ("decision", "reject"), ("opinion", "")],
        )
        .await;
    clerk
        .get("/org/records")
        .await
        .assert_contains("请填写不同意的理由");
    assert_eq!(state_of(&app, more.parse().unwrap()).await, "submitted");
});

on_both_engines!(
    the_internal_flow_needs_two_reviewers_before_the_leader,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let store = &app.state.store;
        let now = app.state.now();
        let only = |r: Role| Roles::default().with(r).bits();
        for (login, name, seq, role) in [
            ("rev_one", "马文涛", 21, Role::Reviewer),
            ("rev_two", "高雅琴", 22, Role::Reviewer),
            ("leader", "田志刚", 23, Role::Leader),
        ] {
            let p = new_person(&app, login, name, seq).await;
            store
                .invite_member(
                    yz,
                    p,
                    only(role),
                    None,
                    domain::roles::MembershipState::Active,
                    now,
                )
                .await
                .unwrap();
        }
        let mut admin = acting(&app, "yizhong", yz).await;
        admin.get("/org/records/settings").await;
        admin
            .post("/org/records/settings", &[("reviewers", "2")])
            .await;
        assert_eq!(store.record_reviewers(yz).await.unwrap(), 2);

        let me = account_id(&app, "zhangwei").await;
        let id = stored_record(&app, me, yz, "submitted").await;
        let mut one = acting(&app, "rev_one", yz).await;
        let mut two = acting(&app, "rev_two", yz).await;
        let mut leader = acting(&app, "leader", yz).await;
        let decide = format!("/org/records/{id}/decide");
        let approve = [("decision", "approve"), ("recognised", "12")];

        leader.post(&decide, &approve).await;
        leader
            .get(&format!("/org/records/{id}"))
            .await
            .assert_contains("至少需要两名不同的审核人审核后，单位领导才能作出决定");
        assert_eq!(state_of(&app, id).await, "submitted");

        let page = one.get(&format!("/org/records/{id}")).await;
        page.assert_contains("提交审核意见");
        let v = store.record(id).await.unwrap().unwrap().version.to_string();
        one.post(
            &format!("/org/records/{id}/review"),
            &[
                ("version", &v),
                ("choice", "agree"),
                ("opinion", "材料齐全"),
            ],
        )
        .await;
        assert_eq!(state_of(&app, id).await, "under_review");
        // Once reviewed, the declarer can no longer withdraw it.
        let mut person = signed_in(&app, "zhangwei").await;
        person
            .post(&format!("/me/records/{id}/withdraw"), &[])
            .await;
        assert_eq!(state_of(&app, id).await, "under_review");
        // The same reviewer twice counts once.
        let v = store.record(id).await.unwrap().unwrap().version.to_string();
        one.get(&format!("/org/records/{id}")).await;
        one.post(
            &format!("/org/records/{id}/review"),
            &[
                ("version", &v),
                ("choice", "agree"),
                ("opinion", "再看一遍"),
            ],
        )
        .await;
        one.get(&format!("/org/records/{id}"))
            .await
            .assert_contains("您已审核过该记录");
        leader.post(&decide, &approve).await;
        assert_eq!(state_of(&app, id).await, "under_review");
        // A reviewer cannot decide while the flow runs.
        two.post(&decide, &approve).await;
        assert_eq!(state_of(&app, id).await, "under_review");
        two.get(&format!("/org/records/{id}")).await;
        two.post(
            &format!("/org/records/{id}/review"),
            &[("version", &v), ("choice", "agree"), ("opinion", "同意")],
        )
        .await;
        leader.get(&format!("/org/records/{id}")).await;
        leader.post(&decide, &approve).await;
        assert_eq!(state_of(&app, id).await, "approved");
        let steps: Vec<String> = trail_steps(&app, id)
            .await
            .into_iter()
            .map(|s| s.0)
            .collect();
        assert_eq!(steps, ["submit", "review", "review", "decide"]);
        // Batch decisions are not offered while the flow runs.
        admin.get("/org/records").await.assert_lacks("全选本页待审");
    }
);

on_both_engines!(
    a_unit_declares_for_staff_corrects_and_deletes_with_reasons,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let zhangwei = app
            .state
            .store
            .account_by_identifier("zhangwei")
            .await
            .unwrap()
            .unwrap();
        let mut clerk = acting(&app, "yizhong", yz).await;
        clerk
            .get("/org/records/new")
            .await
            .assert_contains("保存，下一步上传证明并确认");
        // Someone not confirmed at the unit cannot be declared for.
        let r = clerk
            .post(
                "/org/records/new",
                &form(&[("doc_number", "440106199003141236")]),
            )
            .await;
        r.assert_contains("本单位已确认的人员中没有这个证件号码");
        let r = clerk
            .post(
                "/org/records/new",
                &form(&[
                    ("doc_number", zhangwei.doc_number.as_str()),
                    ("claimed", "6"),
                ]),
            )
            .await;
        let id = id_from(&r.location);
        // 代申报 is confirmed in a second step (see review.rs).
        clerk.get(&format!("/org/records/{id}")).await;
        clerk
            .post(&format!("/org/records/{id}/confirm"), &[("version", "1")])
            .await;
        let rec = app.state.store.record(id).await.unwrap().unwrap();
        assert_eq!(
            (rec.state.code(), rec.source.code(), rec.recognised_tenths),
            ("approved", "unit", Some(60))
        );
        let mut person = signed_in(&app, "zhangwei").await;
        assert!(year_row(&mut person, 2026).await.contains(">36.0<"));

        // 培训信息维护: a reason is required; the figures follow the correction.
        let v = rec.version.to_string();
        let mut correction = form(&[("version", &v), ("claimed", "6"), ("recognised", "3")]);
        let r = clerk
            .post(&format!("/org/records/{id}/correct"), &correction)
            .await;
        r.assert_contains("请填写维护原因");
        correction.push(("reason", "核减：实际只参加半天"));
        clerk
            .post(&format!("/org/records/{id}/correct"), &correction)
            .await;
        assert_eq!(
            app.state
                .store
                .record(id)
                .await
                .unwrap()
                .unwrap()
                .recognised_tenths,
            Some(30)
        );
        assert!(year_row(&mut person, 2026).await.contains(">33.0<"));

        clerk.get(&format!("/org/records/{id}")).await;
        clerk
            .post(&format!("/org/records/{id}/delete"), &[("reason", "")])
            .await;
        assert_eq!(state_of(&app, id).await, "approved");
        clerk
            .post(
                &format!("/org/records/{id}/delete"),
                &[("reason", "重复登记")],
            )
            .await;
        assert_eq!(state_of(&app, id).await, "deleted");
        assert!(year_row(&mut person, 2026).await.contains(">30.0<"));
        let steps: Vec<String> = trail_steps(&app, id)
            .await
            .into_iter()
            .map(|s| s.0)
            .collect();
        assert_eq!(steps, ["declare", "confirm", "correct", "delete"]);
        // The declarer sees that it was deleted, and why, and can act on it no more.
        let page = person.get(&format!("/me/records/{id}")).await;
        page.assert_contains("该记录已删除，不再计入学时。");
        page.assert_contains("删除原因：重复登记");
        person
            .get("/me/records?state=deleted")
            .await
            .assert_contains(&format!("/me/records/{id}\""));
    }
);

// The yearly table decides in SQL exactly what the domain's annual check decides, at and
// around the thresholds of the provincial rule (90 = 30 + 42 + 18, electives only as elective).
on_both_engines!(
    the_yearly_table_agrees_with_the_rule_at_its_thresholds,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let unit = org_named(&app, "广州天河软件科技有限公司").await.id;
        // (public, professional, elective) in tenths, and whether 2026 is met.
        let cases: [(i64, i64, i64, bool); 6] = [
            (300, 420, 180, true),
            (300, 420, 179, false),
            (299, 421, 180, false),
            (300, 600, 0, false),
            (300, 419, 181, false),
            (400, 500, 180, true),
        ];
        let mut names = Vec::new();
        for (n, (p, f, e, _)) in cases.iter().enumerate() {
            let login = format!("threshold{n}");
            let name = format!("阈值{n}");
            let id = new_person(&app, &login, &name, 40 + n as u32).await;
            store
                .request_binding(
                    id,
                    unit,
                    domain::binding::BindingState::Confirmed,
                    app.state.now(),
                )
                .await
                .unwrap();
            for (cat, t) in [("public", *p), ("professional", *f), ("elective", *e)] {
                if t > 0 {
                    record_of(&app, id, unit, "approved", cat, t, "阈值测试").await;
                }
            }
            names.push(name);
        }
        let mut clerk = acting(&app, "ruanjian", unit).await;
        let met_page = clerk.get("/org/verification?year=2026&result=met").await;
        let short_page = clerk.get("/org/verification?year=2026&result=short").await;
        for (n, (_, _, _, met)) in cases.iter().enumerate() {
            let cell = format!("<td data-label=\"姓名\">{}</td>", names[n]);
            assert_eq!(met_page.body.contains(&cell), *met, "case {n} met");
            assert_eq!(short_page.body.contains(&cell), !*met, "case {n} short");
        }
        // The export carries the same figures.
        let bytes = clerk
            .get_bytes("/org/verification.xlsx?year=2026&result=met")
            .await;
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        use calamine::Reader;
        let sheet = book.worksheet_range("年度验证").expect("sheet");
        let text: Vec<String> = sheet.rows().map(|r| format!("{r:?}")).collect();
        assert!(
            text.iter()
                .any(|r| r.contains("阈值0") && r.contains("达标"))
        );
        assert!(!text.iter().any(|r| r.contains("阈值1")));
    }
);

/// A small real PDF, as a scanner or a word processor writes one.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

on_both_engines!(
    attachments_are_checked_by_content_and_size_and_seen_by_the_reviewer,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let me = account_id(&app, "zhangwei").await;
        let id = stored_record(&app, me, yz, "draft").await;
        let mut person = signed_in(&app, "zhangwei").await;
        let page = format!("/me/records/{id}");
        person.get(&page).await.assert_contains("上传证明");
        let upload = format!("/me/records/{id}/attachments");

        let r = person
            .post_file(&upload, &[], "file", "C:\\扫描\\结业证书.pdf", PDF)
            .await;
        r.assert_redirect(&page);
        let shown = person.get(&page).await;
        shown.assert_contains("已上传“结业证书.pdf”。");
        let list = app.state.store.attachments("ce_record", id).await.unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].content_type, "application/pdf");
        let att = list[0].id;

        // A text file named like a PDF is refused by its content.
        person
            .post_file(&upload, &[], "file", "证书.pdf", b"just some text")
            .await;
        person
            .get(&page)
            .await
            .assert_contains("只能上传PDF、JPG或PNG文件");
        // Above the limit (10 MB): refused, nothing stored.
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(10 * 1024 * 1024 + 1, b' ');
        person
            .post_file(&upload, &[], "file", "大文件.pdf", &big)
            .await;
        person
            .get(&page)
            .await
            .assert_contains("文件过大：单个附件不能超过10MB");
        assert_eq!(
            app.state
                .store
                .attachments("ce_record", id)
                .await
                .unwrap()
                .len(),
            1
        );
        // Far above it, the body is refused before it is read, in words.
        let mut huge = b"%PDF-1.4\n".to_vec();
        huge.resize(30 * 1024 * 1024, b' ');
        let r = person
            .post_file(&upload, &[], "file", "很大.pdf", &huge)
            .await;
        assert_eq!(r.status, 413);
        r.assert_contains("文件过大");

        // The declarer opens it inline; so does the unit once it is submitted to it.
        let file = format!("/me/records/{id}/attachments/{att}");
        let r = person.get(&file).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.headers["content-type"], "application/pdf");
        assert!(
            r.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("inline")
        );
        assert_eq!(person.get_bytes(&file).await, PDF);
        person.post(&format!("/me/records/{id}/submit"), &[]).await;
        let mut clerk = acting(&app, "yizhong", yz).await;
        clerk
            .get(&format!("/org/records/{id}"))
            .await
            .assert_contains("结业证书.pdf");
        assert_eq!(
            clerk
                .get_bytes(&format!("/org/records/{id}/attachments/{att}"))
                .await,
            PDF
        );
        // Another unit, and another person, do not.
        let thzx = org_named(&app, "广州市天河中学").await.id;
        let mut other = acting(&app, "thzx", thzx).await;
        assert_eq!(
            other
                .get(&format!("/org/records/{id}/attachments/{att}"))
                .await
                .status,
            404
        );
        let mut stranger = signed_in(&app, "demo05").await;
        assert_eq!(stranger.get(&file).await.status, 404);
        // Once submitted, the declarer can no longer change the attachments.
        person
            .post(&format!("/me/records/{id}/attachments/{att}/delete"), &[])
            .await;
        assert_eq!(
            app.state
                .store
                .attachments("ce_record", id)
                .await
                .unwrap()
                .len(),
            1
        );
    }
);

const ERRORS_XLSX: &[u8] = include_bytes!("../fixtures/import_errors.xlsx");
const FIXED_XLSX: &[u8] = include_bytes!("../fixtures/import_fixed.xlsx");
const MERGED_XLSX: &[u8] = include_bytes!("../fixtures/import_merged.xlsx");
const MISSING_XLSX: &[u8] = include_bytes!("../fixtures/import_missing_columns.xlsx");

/// Uploads a file for import and answers the preview's job id.
async fn upload_import(c: &mut Client, name: &str, bytes: &[u8]) -> i64 {
    c.get("/org/records/import").await;
    let r = c
        .post_file("/org/records/import", &[], "file", name, bytes)
        .await;
    id_from(&r.location)
}

/// Waits for a started job to end (the worker runs beside the test).
async fn finished(app: &TestApp, job: i64) -> store::jobs::Job {
    for _ in 0..300 {
        let j = app.state.store.job(job).await.unwrap().expect("job");
        if j.state == domain::job::JobState::Done || j.state == domain::job::JobState::Failed {
            return j;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("job {job} did not finish");
}

async fn imported(app: &TestApp, unit: i64) -> u64 {
    let rows = app
        .state
        .store
        .records_for_export(
            &store::records::RecordFilter {
                unit_id: Some(unit),
                states: Some(&[domain::record::RecordState::Approved]),
                ..Default::default()
            },
            10_000,
        )
        .await
        .unwrap();
    rows.iter()
        .filter(|r| r.source == domain::record::RecordSource::Import)
        .count() as u64
}

on_both_engines!(
    a_real_xlsx_with_errors_then_fixed_then_imported_twice,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let mut clerk = acting(&app, "yizhong", yz).await;
        let template = clerk.get_bytes("/org/records/import/template.xlsx").await;
        assert!(template.starts_with(b"PK"), "the template is an xlsx");

        // A file with errors: every row's problems, by row and column.
        let job = upload_import(&mut clerk, "学时.xlsx", ERRORS_XLSX).await;
        let page = clerk.get(&format!("/org/records/import/{job}")).await;
        for text in [
            "共 <strong>9</strong> 行",
            "正确 <strong>3</strong> 行",
            "有错误 <strong>6</strong> 行",
            "第 5 行</td><td data-label=\"列\">证件号码</td>",
            "不是本单位已确认的人员",
            "第 6 行</td><td data-label=\"列\">结束日期</td><td data-label=\"问题\">结束日期不能早于开始日期",
            "第 7 行</td><td data-label=\"列\">申报学时",
            "与第2行重复",
            "第 9 行</td><td data-label=\"列\">申报学时",
            "第 10 行</td><td data-label=\"列\">姓名</td><td data-label=\"问题\">与该证件号码登记的姓名“何佩玲”不一致",
        ] {
            page.assert_contains(text);
        }
        // The whole file cannot be imported while it has errors.
        clerk
            .post(
                &format!("/org/records/import/{job}/start"),
                &[("mode", "all")],
            )
            .await;
        clerk
            .get(&format!("/org/records/import/{job}"))
            .await
            .assert_contains("文件中有错误的行");
        assert_eq!(imported(&app, yz).await, 0);

        // Fixed: seven rows, imported once.
        let job = upload_import(&mut clerk, "学时（已修改）.xlsx", FIXED_XLSX).await;
        clerk
            .get(&format!("/org/records/import/{job}"))
            .await
            .assert_contains("全部 7 行检查通过");
        let start = format!("/org/records/import/{job}/start");
        // A double click starts it once.
        let mut twin = Client::new(&app);
        twin.share_cookies_from(&clerk);
        twin.get(&format!("/org/records/import/{job}")).await;
        let (a, b) = tokio::join!(
            clerk.post(&start, &[("mode", "all")]),
            twin.post(&start, &[("mode", "all")])
        );
        assert!(a.status.is_redirection() && b.status.is_redirection());
        let j = finished(&app, job).await;
        assert_eq!((j.state.code(), j.done, j.total), ("done", 7, 7));
        assert_eq!(imported(&app, yz).await, 7);
        clerk
            .get(&format!("/org/records/import/{job}"))
            .await
            .assert_contains("导入完成：新增 7 条学时记录");
        let zhangwei = account_id(&app, "zhangwei").await;
        let mine = app
            .state
            .store
            .records(&store::records::RecordFilter {
                account_id: Some(zhangwei),
                course: Some("教研能力提升".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(mine.total, 1);
        let r = &mine.items[0];
        assert_eq!(
            (
                r.state.code(),
                r.recognised_tenths,
                r.start_date.to_string().as_str()
            ),
            ("approved", Some(120), "2026-01-12")
        );
        assert_eq!(
            trail_steps(&app, r.id).await,
            vec![("import".into(), "批量导入并确认".into())]
        );

        // The same file again: found imported, nothing doubled.
        let again = upload_import(&mut clerk, "学时（已修改）.xlsx", FIXED_XLSX).await;
        clerk
            .get(&format!("/org/records/import/{again}"))
            .await
            .assert_contains("其中已导入过 <strong>7</strong> 行");
        clerk
            .post(
                &format!("/org/records/import/{again}/start"),
                &[("mode", "all")],
            )
            .await;
        assert_eq!(
            finished(&app, again).await.state,
            domain::job::JobState::Done
        );
        assert_eq!(imported(&app, yz).await, 7);
        // The valid rows of the first file are the same rows: still nothing doubled.
        let first = upload_import(&mut clerk, "学时.xlsx", ERRORS_XLSX).await;
        clerk
            .post(
                &format!("/org/records/import/{first}/start"),
                &[("mode", "valid")],
            )
            .await;
        assert_eq!(
            finished(&app, first).await.state,
            domain::job::JobState::Done
        );
        assert_eq!(imported(&app, yz).await, 7);

        // Files that cannot be read at all say why.
        for (name, bytes, message) in [
            ("合并.xlsx", MERGED_XLSX, "合并单元格"),
            ("缺列.xlsx", MISSING_XLSX, "缺少必填列：申报学时"),
            ("不是表格.xlsx", PDF, "文件不是有效的 Excel（.xlsx）文件"),
        ] {
            let job = upload_import(&mut clerk, name, bytes).await;
            clerk
                .get(&format!("/org/records/import/{job}"))
                .await
                .assert_contains(message);
        }
        // Another unit cannot see this unit's import.
        let thzx = org_named(&app, "广州市天河中学").await.id;
        let mut other = acting(&app, "thzx", thzx).await;
        assert_eq!(
            other
                .get(&format!("/org/records/import/{job}"))
                .await
                .status,
            404
        );
    }
);

fn rule_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f: Vec<(&str, &str)> = vec![
        ("version", "1"),
        ("name", "广东省继续教育学时规定（2021年起）"),
        ("region_code", "440000"),
        ("series_code", ""),
        ("year_from", "2021"),
        ("year_to", ""),
        ("total", "90"),
        ("public", "30"),
        ("professional", "42"),
        ("elective", "18"),
        ("elective_only", "1"),
        ("main_author", "28"),
        ("other_author", "14"),
        ("deadline_month", "1"),
        ("deadline_day", "31"),
        ("limit_training", "days"),
        ("limit_conference", "days"),
        ("limit_paper", "authorship"),
        ("limit_monograph", "authorship"),
        ("limit_patent", "authorship"),
        ("limit_project", "authorship"),
        ("limit_further_study", "days"),
        ("limit_online", "days"),
        ("limit_other", "days"),
    ];
    for (k, v) in changes {
        f.retain(|(key, _)| key != k);
        f.push((k, v));
    }
    f
}

on_both_engines!(
    rule_sets_are_data_and_the_figures_follow_them_at_once,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let provincial = store
            .rule_sets()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.region_code == "440000")
            .expect("the shipped provincial rule");
        let mut person = signed_in(&app, "zhangwei").await;
        let row = year_row(&mut person, 2025).await;
        assert!(
            row.contains(">90.0<") && row.contains("达标") && !row.contains("未达标"),
            "{row}"
        );

        let gdhr = org_named(&app, "广东省人力资源和社会保障厅").await.id;
        let mut province = acting(&app, "gdhr", gdhr).await;
        province
            .get("/org/rules")
            .await
            .assert_contains("广州市继续教育学时规定");
        let path = format!("/org/rules/{}", provincial.id);
        province.get(&path).await;
        // A total below the sum of the minimums is refused next to the field.
        let r = province.post(&path, &rule_form(&[("total", "80")])).await;
        r.assert_contains("年度总学时不能少于各科目最低学时之和（90）");
        province
            .post(&path, &rule_form(&[("total", "100")]))
            .await
            .assert_redirect("/org/rules");
        let row = year_row(&mut person, 2025).await;
        assert!(
            row.contains("未达标") && row.contains("总学时差 10.0"),
            "{row}"
        );

        // A city's rule for one series is more specific than the province's.
        let gzhr = org_named(&app, "广州市人力资源和社会保障局").await.id;
        let mut city = acting(&app, "gzhr", gzhr).await;
        // The province's rule is not the city's to change.
        assert_eq!(city.get(&path).await.status, 404);
        city.get("/org/rules/new").await;
        city.post(
            "/org/rules/new",
            &rule_form(&[
                ("name", "广州市中小学教师学时规定"),
                ("region_code", "440100"),
                ("series_code", "zhongxiaoxue"),
                ("year_from", "2025"),
                ("year_to", "2025"),
                ("total", "72"),
                ("public", "18"),
                ("elective", "0"),
                ("elective_only", ""),
            ]),
        )
        .await
        .assert_redirect("/org/rules");
        let row = year_row(&mut person, 2025).await;
        assert!(
            row.contains("广州市中小学教师学时规定") && !row.contains("未达标"),
            "{row}"
        );
        // A second rule for the same region, series and year would make the choice a guess.
        let r = city
            .post(
                "/org/rules/new",
                &rule_form(&[
                    ("name", "重复的规则"),
                    ("region_code", "440100"),
                    ("series_code", "zhongxiaoxue"),
                    ("year_from", "2024"),
                    ("year_to", "2026"),
                ]),
            )
            .await;
        r.assert_contains("与规则“广州市中小学教师学时规定”的适用地区、系列和年度重叠");
    }
);

pub fn sheet_text(bytes: Vec<u8>) -> Vec<String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let name = book.sheet_names()[0].clone();
    let sheet = book.worksheet_range(&name).expect("sheet");
    sheet.rows().map(|r| format!("{r:?}")).collect()
}

on_both_engines!(record_lists_export_to_xlsx_with_their_filters, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let mut person = signed_in(&app, "zhangwei").await;
    let rows = sheet_text(person.get_bytes("/me/records.xlsx?year=2025&state=").await);
    assert!(rows[0].contains("申报年度") && rows[0].contains("认定学时"));
    assert_eq!(rows.len(), 4, "three 2025 records and the header: {rows:?}");
    assert!(rows.iter().skip(1).all(|r| r.contains("2025")));

    let mut clerk = acting(&app, "yizhong", yz).await;
    let rows = sheet_text(clerk.get_bytes("/org/records.xlsx?state=submitted").await);
    assert!(rows.len() > 1);
    assert!(rows.iter().skip(1).all(|r| r.contains("待审")), "{rows:?}");
    // Document numbers stay masked in a file.
    assert!(rows.iter().skip(1).all(|r| r.contains("**********")));
});

// The Guangzhou rule (years up to 2020: 72 = at least 18 public and 42 professional, any
// category filling the rest) decided in SQL as the domain decides it, at its thresholds.
on_both_engines!(the_guangzhou_rule_of_2020_at_its_thresholds, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let unit = org_named(&app, "广州天河软件科技有限公司").await.id;
    let cases: [(i64, i64, i64, bool); 5] = [
        (180, 540, 0, true),
        (180, 420, 120, true),
        (179, 541, 0, false),
        (180, 419, 121, false),
        (180, 420, 119, false),
    ];
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2020, m, day).expect("date");
    let mut names = Vec::new();
    for (n, (p, f, e, met)) in cases.iter().enumerate() {
        let name = format!("广州{n}");
        let id = new_person(&app, &format!("gz2020_{n}"), &name, 60 + n as u32).await;
        store
            .request_binding(
                id,
                unit,
                domain::binding::BindingState::Confirmed,
                app.state.now(),
            )
            .await
            .unwrap();
        for (k, (cat, t)) in [("public", *p), ("professional", *f), ("elective", *e)]
            .into_iter()
            .enumerate()
        {
            if t == 0 {
                continue;
            }
            let start = d(3 + k as u32, 1);
            let fields = RecordFields {
                year: 2020,
                category: domain::record::Category::from_code(cat).expect("a category code"),
                declaration: domain::record::DeclarationType::Training,
                course_name: format!("2020年{cat}"),
                study_form: "面授".into(),
                institution_id: None,
                institution_name: "广东继续教育培训中心".into(),
                start_date: start,
                end_date: start + chrono::Duration::days(t / 60),
                claimed_tenths: t,
                matches_specialty: cat != "elective",
                main_author: false,
                passed: true,
                content: String::new(),
                location: String::new(),
                remarks: String::new(),
            };
            record_with(&app, id, unit, "approved", &fields).await;
        }
        names.push((name, *met));
    }
    let mut clerk = acting(&app, "ruanjian", unit).await;
    let met_page = clerk.get("/org/verification?year=2020&result=met").await;
    let short_page = clerk.get("/org/verification?year=2020&result=short").await;
    for (name, met) in &names {
        let cell = format!("<td data-label=\"姓名\">{name}</td>");
        assert_eq!(met_page.body.contains(&cell), *met, "{name} met");
        assert_eq!(short_page.body.contains(&cell), !*met, "{name} short");
    }
    short_page.assert_contains("总学时差 0.1");
    short_page.assert_contains("公需科目差 0.1");
    short_page.assert_contains("专业科目差 0.1");
});

on_both_engines!(nobody_confirms_their_own_hours, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    // yizhong administers 广州市第一中学 and teaches there.
    let me = app
        .state
        .store
        .account_by_identifier("yizhong")
        .await
        .unwrap()
        .unwrap();
    let mut admin = acting(&app, "yizhong", yz).await;
    admin.get("/org/records/new").await;
    let r = admin
        .post(
            "/org/records/new",
            &form(&[("doc_number", me.doc_number.as_str())]),
        )
        .await;
    r.assert_contains("不能审核或维护本人的学时记录");
    let own = stored_record(&app, me.id, yz, "submitted").await;
    admin.get(&format!("/org/records/{own}")).await;
    admin
        .post(
            &format!("/org/records/{own}/decide"),
            &[("decision", "approve"), ("recognised", "12")],
        )
        .await;
    admin
        .get(&format!("/org/records/{own}"))
        .await
        .assert_contains("不能审核或维护本人的学时记录");
    let other = stored_record(&app, account_id(&app, "zhangwei").await, yz, "submitted").await;
    let (own_s, other_s) = (own.to_string(), other.to_string());
    admin
        .post(
            "/org/records/decide",
            &[
                ("record", &own_s),
                ("record", &other_s),
                ("decision", "approve"),
            ],
        )
        .await;
    admin
        .get("/org/records")
        .await
        .assert_contains("所选记录中有您本人的学时记录");
    assert_eq!(state_of(&app, own).await, "submitted");
    assert_eq!(state_of(&app, other).await, "submitted");
    // An opinion above 200 characters is refused in words, not with an error page.
    let long = "意".repeat(201);
    let r = admin
        .post(
            &format!("/org/records/{other}/decide"),
            &[
                ("decision", "approve"),
                ("recognised", "12"),
                ("opinion", &long),
            ],
        )
        .await;
    assert!(r.status.is_redirection());
    admin
        .get(&format!("/org/records/{other}"))
        .await
        .assert_contains("审核意见不能超过200个字");
    assert_eq!(state_of(&app, other).await, "submitted");
    // A page number from a URL cannot overflow anything.
    assert_eq!(
        admin
            .get("/org/records?page=18446744073709551615")
            .await
            .status,
        200
    );
});

on_both_engines!(a_clerk_sees_what_the_unit_declared, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let clerk = new_person(&app, "yz_clerk", "高雅琴", 31).await;
    app.state
        .store
        .invite_member(
            yz,
            clerk,
            Roles::default().with(Role::Clerk).bits(),
            None,
            domain::roles::MembershipState::Active,
            app.state.now(),
        )
        .await
        .unwrap();
    let doc = app
        .state
        .store
        .account_by_identifier("zhangwei")
        .await
        .unwrap()
        .unwrap()
        .doc_number;
    let mut c = acting(&app, "yz_clerk", yz).await;
    c.get("/").await.assert_contains("学时审核");
    c.get("/org/records/new").await;
    let r = c
        .post("/org/records/new", &form(&[("doc_number", doc.as_str())]))
        .await;
    let id = id_from(&r.location);
    let page = c.get(&format!("/org/records/{id}")).await;
    assert_eq!(page.status, 200);
    page.assert_contains("已为 张伟 保存代申报记录");
    // Seeing is not deciding: a clerk has no review form.
    let waiting = stored_record(&app, account_id(&app, "zhangwei").await, yz, "submitted").await;
    c.get(&format!("/org/records/{waiting}"))
        .await
        .assert_contains("您在本单位的角色不能审核该记录");
});

on_both_engines!(
    a_returned_record_of_last_year_stays_correctable_and_follows_its_person,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let thzx = org_named(&app, "广州市天河中学").await.id;
        let me = account_id(&app, "zhangwei").await;
        // 2025's deadline (31 January 2026) has passed on 2 March 2026.
        let d = |m, day| chrono::NaiveDate::from_ymd_opt(2025, m, day).expect("date");
        let fields = RecordFields {
            year: 2025,
            category: domain::record::Category::Professional,
            declaration: domain::record::DeclarationType::Training,
            course_name: "去年的培训".into(),
            study_form: "面授".into(),
            institution_id: None,
            institution_name: "广州市教育研究院".into(),
            start_date: d(11, 3),
            end_date: d(11, 4),
            claimed_tenths: 120,
            matches_specialty: true,
            main_author: false,
            passed: true,
            content: String::new(),
            location: String::new(),
            remarks: String::new(),
        };
        let id = record_with(&app, me, yz, "submitted", &fields).await;
        let mut clerk = acting(&app, "yizhong", yz).await;
        clerk
            .post(
                &format!("/org/records/{id}/decide"),
                &[("decision", "return"), ("opinion", "请补充证明")],
            )
            .await;
        assert_eq!(state_of(&app, id).await, "returned");
        // zhangwei moves to 天河中学 meanwhile.
        let open = store.open_binding(me).await.unwrap().unwrap();
        store
            .change_binding(
                open.id,
                yz,
                domain::binding::BindingState::Confirmed,
                domain::binding::BindingState::Ended,
                "调动",
                0,
                app.state.now(),
            )
            .await
            .unwrap();
        store
            .request_binding(
                me,
                thzx,
                domain::binding::BindingState::Confirmed,
                app.state.now(),
            )
            .await
            .unwrap();
        let mut person = signed_in(&app, "zhangwei").await;
        person.get(&format!("/me/records/{id}/edit")).await;
        let v = store.record(id).await.unwrap().unwrap().version.to_string();
        person
            .post(
                &format!("/me/records/{id}/edit"),
                &form(&[
                    ("version", &v),
                    ("year", "2025"),
                    ("course_name", "去年的培训"),
                    ("start_date", "2025-11-03"),
                    ("end_date", "2025-11-04"),
                    ("intent", "submit"),
                ]),
            )
            .await;
        let r = store.record(id).await.unwrap().unwrap();
        assert_eq!(
            (r.state.code(), r.unit_id),
            ("submitted", thzx),
            "to the employer now"
        );
        // A new record of 2025 is late all the same.
        person.get("/me/records/new").await;
        person
            .post(
                "/me/records/new",
                &form(&[
                    ("year", "2025"),
                    ("start_date", "2025-11-03"),
                    ("end_date", "2025-11-04"),
                ]),
            )
            .await
            .assert_contains("逾期的学时请联系本单位经办人补录");
    }
);

on_both_engines!(a_decision_applies_to_the_version_the_reviewer_saw, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let me = account_id(&app, "zhangwei").await;
    let id = stored_record(&app, me, yz, "submitted").await;
    let mut clerk = acting(&app, "yizhong", yz).await;
    let page = clerk.get(&format!("/org/records/{id}")).await;
    let seen = page.input_value("version").expect("the version seen");
    // Meanwhile the person takes it back, changes the hours and submits it again.
    let mut person = signed_in(&app, "zhangwei").await;
    person
        .post(&format!("/me/records/{id}/withdraw"), &[])
        .await;
    let v = app
        .state
        .store
        .record(id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    person.get(&format!("/me/records/{id}/edit")).await;
    person
        .post(
            &format!("/me/records/{id}/edit"),
            &form(&[("version", &v), ("claimed", "11"), ("intent", "submit")]),
        )
        .await;
    assert_eq!(state_of(&app, id).await, "submitted");
    clerk
        .post(
            &format!("/org/records/{id}/decide"),
            &[
                ("version", &seen),
                ("decision", "approve"),
                ("recognised", "11"),
            ],
        )
        .await;
    clerk
        .get(&format!("/org/records/{id}"))
        .await
        .assert_contains("该记录在您打开后已有变动");
    assert_eq!(state_of(&app, id).await, "submitted");
});

on_both_engines!(only_jobs_whose_worker_died_go_back_to_the_queue, |app| {
    let store = &app.state.store;
    let now = app.state.now();
    let id = store
        .create_job(
            "noop",
            "{}",
            domain::job::JobState::Queued,
            "",
            1,
            None,
            now,
        )
        .await
        .unwrap();
    let claimed = store.claim_job(now).await.unwrap().expect("claimed");
    assert_eq!((claimed.id, claimed.state.code()), (id, "running"));
    // A second worker finds nothing to claim.
    assert!(store.claim_job(now).await.unwrap().is_none());
    // Beating a minute ago: another server starting leaves it alone.
    store.job_progress(id, 1, 10, now).await.unwrap();
    let stale = now - chrono::Duration::minutes(5);
    assert_eq!(store.requeue_stale_jobs(stale).await.unwrap(), 0);
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        domain::job::JobState::Running
    );
    // Silent for ten minutes: taken to have died, queued again.
    let later = now + chrono::Duration::minutes(10);
    assert_eq!(
        store
            .requeue_stale_jobs(later - chrono::Duration::minutes(5))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store.job(id).await.unwrap().unwrap().state,
        domain::job::JobState::Queued
    );
});

on_both_engines!(a_stale_edit_keeps_what_was_typed, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let me = account_id(&app, "zhangwei").await;
    let id = stored_record(&app, me, yz, "draft").await;
    let mut person = signed_in(&app, "zhangwei").await;
    person.get(&format!("/me/records/{id}/edit")).await;
    // Another tab saved first (version 1 → 2).
    let v = app
        .state
        .store
        .record(id)
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string();
    person
        .post(&format!("/me/records/{id}/edit"), &form(&[("version", &v)]))
        .await;
    let r = person
        .post(
            &format!("/me/records/{id}/edit"),
            &form(&[("version", &v), ("course_name", "另一个标签页里填写的名称")]),
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("这次修改未保存");
    assert_eq!(
        r.input_value("course_name").as_deref(),
        Some("另一个标签页里填写的名称")
    );
    assert_eq!(
        app.state
            .store
            .record(id)
            .await
            .unwrap()
            .unwrap()
            .course_name,
        "新课标教学设计研修"
    );
});

/// An import file in the template's columns, one row per entry of `rows`, each a list of
/// (column label, text) over a valid row of 张伟 of this year.
fn import_book(rows: &[&[(&str, &str)]]) -> Vec<u8> {
    let base: Vec<(&str, &str)> = vec![
        ("证件号码", "110101199003072711"),
        ("姓名", "张伟"),
        ("申报年度", "2026"),
        ("科目类型", "专业科目"),
        ("申报类型", "培训"),
        ("课程名称", "导入的研修课程"),
        ("学习形式", "面授"),
        ("施教机构", "广州市教育研究院"),
        ("开始日期", "2026-01-12"),
        ("结束日期", "2026-01-13"),
        ("申报学时", "12"),
    ];
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let columns = domain::import::COLUMNS;
    for (c, col) in columns.iter().enumerate() {
        ws.write_string(0, c as u16, col.label).expect("header");
    }
    for (r, changes) in rows.iter().enumerate() {
        let mut cells = base.clone();
        for (k, v) in changes.iter() {
            cells.retain(|(key, _)| key != k);
            cells.push((k, v));
        }
        for (label, value) in cells {
            let c = columns
                .iter()
                .position(|col| col.label == label)
                .expect("a template column");
            ws.write_string(r as u32 + 1, c as u16, value)
                .expect("cell");
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

/// One row of the preview's error table.
fn preview_error(line: u32, column: &str, message: &str) -> String {
    format!("第 {line} 行</td><td data-label=\"列\">{column}</td><td data-label=\"问题\">{message}")
}

on_both_engines!(study_that_has_not_ended_is_declared_nowhere, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let me = account_id(&app, "zhangwei").await;
    let count = || {
        let store = app.state.store.clone();
        async move {
            store
                .records(&store::records::RecordFilter {
                    account_id: Some(me),
                    per_page: 1,
                    ..Default::default()
                })
                .await
                .unwrap()
                .total
        }
    };
    let before = count().await;
    // Today is 2026-03-02 in Shanghai: a training of 3 and 4 March has not happened yet.
    let future = [
        ("start_date", "2026-03-03"),
        ("end_date", "2026-03-04"),
        ("claimed", "12"),
    ];
    let message = "结束日期不能晚于今天（2026-03-02）：学习结束后才能申报学时";
    let mut person = signed_in(&app, "zhangwei").await;
    person.get("/me/records/new").await;
    for intent in ["draft", "submit"] {
        let mut changes = future.to_vec();
        changes.push(("intent", intent));
        let r = person.post("/me/records/new", &form(&changes)).await;
        assert_eq!(r.status, 200);
        r.assert_contains(&format!("id=\"end_date-error\">{message}"));
        assert_eq!(r.input_value("end_date").as_deref(), Some("2026-03-04"));
    }
    // Started yesterday, ends tomorrow: not ended either.
    let r = person
        .post(
            "/me/records/new",
            &form(&[
                ("start_date", "2026-03-01"),
                ("end_date", "2026-03-03"),
                ("claimed", "6"),
            ]),
        )
        .await;
    r.assert_contains(&format!("id=\"end_date-error\">{message}"));

    // 代申报 by the unit, approved at once otherwise: refused the same way.
    let mut clerk = acting(&app, "yizhong", yz).await;
    clerk.get("/org/records/new").await;
    let mut behalf = form(&future);
    behalf.push(("doc_number", "110101199003072711"));
    let r = clerk.post("/org/records/new", &behalf).await;
    assert_eq!(r.status, 200);
    r.assert_contains(&format!("id=\"end_date-error\">{message}"));

    // An import row likewise, in the row's 结束日期.
    let book = import_book(&[&[("开始日期", "2026-03-03"), ("结束日期", "2026-03-04")]]);
    let job = upload_import(&mut clerk, "未结束.xlsx", &book).await;
    clerk
        .get(&format!("/org/records/import/{job}"))
        .await
        .assert_contains(&preview_error(2, "结束日期", message));
    assert_eq!(count().await, before);
    // A draft stored before the rule cannot be sent either.
    let fields = RecordFields {
        year: 2026,
        category: domain::record::Category::Professional,
        declaration: domain::record::DeclarationType::Training,
        course_name: "尚未举办的研修".into(),
        study_form: "面授".into(),
        institution_id: None,
        institution_name: "广州市教育研究院".into(),
        start_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 3).expect("date"),
        end_date: chrono::NaiveDate::from_ymd_opt(2026, 3, 4).expect("date"),
        claimed_tenths: 120,
        matches_specialty: true,
        main_author: false,
        passed: true,
        content: String::new(),
        location: String::new(),
        remarks: String::new(),
    };
    let draft = record_with(&app, me, yz, "draft", &fields).await;
    person.get(&format!("/me/records/{draft}")).await;
    person
        .post(&format!("/me/records/{draft}/submit"), &[])
        .await;
    person
        .get(&format!("/me/records/{draft}"))
        .await
        .assert_contains(message);
    assert_eq!(state_of(&app, draft).await, "draft");

    // Shanghai's date decides: at 20:00 UTC on 2 March it is already 3 March there.
    app.clock.advance(chrono::Duration::hours(19));
    let mut person = signed_in(&app, "zhangwei").await;
    person.get("/me/records/new").await;
    let r = person
        .post(
            "/me/records/new",
            &form(&[
                ("start_date", "2026-03-03"),
                ("end_date", "2026-03-03"),
                ("claimed", "6"),
            ]),
        )
        .await;
    assert!(r.status.is_redirection(), "ending today is declared");
    assert_eq!(count().await, before + 2);
});

on_both_engines!(every_declaration_type_is_limited_by_its_rule_set, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    // The shipped rule sets got the domain's default limits by migration.
    let defaults = domain::record::DeclarationRules::default();
    for r in store.rule_sets().await.unwrap() {
        assert_eq!(r.declaration_limits, defaults.limits_text(), "{}", r.name);
    }
    let mut person = signed_in(&app, "zhangwei").await;
    person.get("/me/records/new").await;
    // 其他: one day with 500 hours is not accepted.
    let other = [
        ("declaration", "other"),
        ("start_date", "2026-01-12"),
        ("end_date", "2026-01-12"),
        ("claimed", "500"),
    ];
    let r = person.post("/me/records/new", &form(&other)).await;
    assert_eq!(r.status, 200);
    r.assert_contains("id=\"claimed-error\">申报学时超过了培训天数可折算的学时（每天6学时）");
    let r = person
        .post(
            "/me/records/new",
            &form(&[("declaration", "other"), ("claimed", "12")]),
        )
        .await;
    assert!(r.status.is_redirection(), "two days allow 12 hours");

    // The province lifts the limit of 其他: only the rule set says so.
    let provincial = store
        .rule_sets()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.region_code == "440000")
        .expect("the shipped provincial rule");
    let gdhr = org_named(&app, "广东省人力资源和社会保障厅").await.id;
    let mut province = acting(&app, "gdhr", gdhr).await;
    let path = format!("/org/rules/{}", provincial.id);
    let page = province.get(&path).await;
    page.assert_contains("<select id=\"limit_other\" name=\"limit_other\">");
    page.assert_contains("<option value=\"days\" selected>按天数折算（每天6学时）</option>");
    let r = province
        .post(&path, &rule_form(&[("limit_other", "nonsense")]))
        .await;
    r.assert_contains("请为每个申报类型选择学时上限");
    province
        .post(&path, &rule_form(&[("limit_other", "unlimited")]))
        .await
        .assert_redirect("/org/rules");
    province
        .get("/org/rules")
        .await
        .assert_contains("不限学时：其他");
    // A form that leaves the limits out changes none of them.
    let without: Vec<(&str, &str)> = rule_form(&[])
        .into_iter()
        .filter(|(k, _)| !k.starts_with("limit_"))
        .collect();
    let v = (provincial.version + 1).to_string();
    let mut without = without;
    without.retain(|(k, _)| *k != "version");
    without.push(("version", &v));
    province
        .post(&path, &without)
        .await
        .assert_redirect("/org/rules");
    province
        .get("/org/rules")
        .await
        .assert_contains("不限学时：其他");
    person.get("/me/records/new").await;
    let r = person.post("/me/records/new", &form(&other)).await;
    assert!(r.status.is_redirection(), "the rule set lifted the limit");
});

/// A rule set of 2020 for school teachers in Guangzhou (张伟's series) counting a patent
/// 30 hours for its main author, where every other rule counts 28.
async fn teachers_2020_rule(app: &TestApp) {
    let rs = domain::verification::RuleSet {
        name: "广州市中小学教师学时规定（2020）".into(),
        region_code: "440100".into(),
        series_code: Some("zhongxiaoxue".into()),
        year_from: Some(2020),
        year_to: Some(2020),
        requirement: domain::verification::guangzhou_rules(),
        declaration: domain::record::DeclarationRules {
            main_author_hours: domain::hours::Hours::whole(30),
            other_author_hours: domain::hours::Hours::whole(15),
            ..Default::default()
        },
        deadline: (1, 31),
    };
    app.state
        .store
        .save_rule_set(None, &rs, 1, app.state.now())
        .await
        .expect("a rule set");
}

on_both_engines!(
    an_import_row_is_checked_with_the_rule_set_of_its_year_and_person,
    |app| {
        with_demo(&app).await;
        teachers_2020_rule(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let mut clerk = acting(&app, "yizhong", yz).await;
        let patent = |hours: &'static str, course: &'static str| {
            vec![
                ("申报年度", "2020"),
                ("申报类型", "专利"),
                ("是否第一作者", "是"),
                ("开始日期", "2020-05-06"),
                ("结束日期", "2020-05-06"),
                ("申报学时", hours),
                ("课程名称", course),
            ]
        };
        // 30 is right for a teacher's patent of 2020, 28 is not (it would be this year).
        let right = patent("30", "一种教学用具");
        let wrong = patent("28", "另一种教学用具");
        let book = import_book(&[&right, &wrong]);
        let job = upload_import(&mut clerk, "2020.xlsx", &book).await;
        let page = clerk.get(&format!("/org/records/import/{job}")).await;
        page.assert_contains("正确 <strong>1</strong> 行");
        page.assert_contains(&preview_error(
            3,
            "申报学时",
            "该申报类型的学时为固定值：第一作者30学时，其他作者15学时",
        ));
        clerk
            .post(
                &format!("/org/records/import/{job}/start"),
                &[("mode", "valid")],
            )
            .await;
        assert_eq!(finished(&app, job).await.state, domain::job::JobState::Done);
        let zhangwei = account_id(&app, "zhangwei").await;
        let stored = app
            .state
            .store
            .records(&store::records::RecordFilter {
                account_id: Some(zhangwei),
                course: Some("教学用具".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(stored.total, 1);
        assert_eq!(
            (stored.items[0].year, stored.items[0].claimed_tenths),
            (2020, 300)
        );
    }
);

on_both_engines!(the_preview_tells_every_problem_of_a_row, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let mut clerk = acting(&app, "yizhong", yz).await;
    // A wrong name and too many hours in one row; a stranger with a bad date in another.
    let book = import_book(&[
        &[("姓名", "张卫"), ("申报学时", "30")],
        &[
            ("证件号码", "440106199003141236"),
            ("姓名", "孙志远"),
            ("结束日期", "2026-01-10"),
        ],
    ]);
    let job = upload_import(&mut clerk, "多处错误.xlsx", &book).await;
    let page = clerk.get(&format!("/org/records/import/{job}")).await;
    page.assert_contains(&preview_error(
        2,
        "姓名",
        "与该证件号码登记的姓名“张伟”不一致",
    ));
    page.assert_contains(&preview_error(
        2,
        "申报学时",
        "申报学时超过了培训天数可折算的学时（每天6学时）",
    ));
    page.assert_contains(&preview_error(3, "证件号码", "不是本单位已确认的人员"));
    page.assert_contains(&preview_error(3, "结束日期", "结束日期不能早于开始日期"));
    page.assert_contains("有错误 <strong>2</strong> 行");
});

on_both_engines!(location_and_remarks_of_a_record, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let mut person = signed_in(&app, "zhangwei").await;
    person.get("/me/records/new").await;
    let long_location = "地".repeat(101);
    let long_remarks = "注".repeat(501);
    let r = person
        .post(
            "/me/records/new",
            &form(&[("location", &long_location), ("remarks", &long_remarks)]),
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("id=\"location-error\">不能超过100个字");
    r.assert_contains("id=\"remarks-error\">不能超过500个字");
    assert_eq!(r.input_value("location"), Some(long_location.clone()));
    r.assert_contains(&long_remarks);

    let r = person
        .post(
            "/me/records/new",
            &form(&[("location", "广州市越秀区"), ("remarks", "第二期补录")]),
        )
        .await;
    let id = id_from(&r.location);
    let stored = app.state.store.record(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.location.as_str(), stored.remarks.as_str()),
        ("广州市越秀区", "第二期补录")
    );
    let page = person.get(&format!("/me/records/{id}")).await;
    page.assert_contains("<dt>学习地点</dt><dd>广州市越秀区</dd>");
    page.assert_contains("<dt>备注</dt><dd>第二期补录</dd>");
    let edit = person.get(&format!("/me/records/{id}/edit")).await;
    assert_eq!(
        edit.input_value("location").as_deref(),
        Some("广州市越秀区")
    );
    let rows = sheet_text(
        person
            .get_bytes("/me/records.xlsx?course=%E6%96%B0%E8%AF%BE%E6%A0%87")
            .await,
    );
    assert!(
        rows[0].contains("学习地点") && rows[0].contains("备注"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("广州市越秀区") && r.contains("第二期补录"))
    );

    // The import template names both columns; a filled file stores them.
    let mut clerk = acting(&app, "yizhong", yz).await;
    let template = sheet_text(clerk.get_bytes("/org/records/import/template.xlsx").await);
    assert!(template[0].contains("学习地点") && template[0].contains("备注"));
    let book = import_book(&[&[
        ("课程名称", "带地点的导入课程"),
        ("学习地点", "广州市天河区"),
        ("备注", "按培训班签到表导入"),
    ]]);
    let job = upload_import(&mut clerk, "地点.xlsx", &book).await;
    clerk
        .post(
            &format!("/org/records/import/{job}/start"),
            &[("mode", "all")],
        )
        .await;
    assert_eq!(finished(&app, job).await.state, domain::job::JobState::Done);
    let zhangwei = account_id(&app, "zhangwei").await;
    let found = app
        .state
        .store
        .records(&store::records::RecordFilter {
            account_id: Some(zhangwei),
            course: Some("带地点的导入课程".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        (
            found.items[0].location.as_str(),
            found.items[0].remarks.as_str()
        ),
        ("广州市天河区", "按培训班签到表导入")
    );
});

on_both_engines!(the_person_filters_records_by_course_and_category, |app| {
    with_demo(&app).await;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let me = account_id(&app, "zhangwei").await;
    for i in 0..23 {
        let category = if i < 21 { "public" } else { "professional" };
        record_of(
            &app,
            me,
            yz,
            "submitted",
            category,
            60,
            &format!("信息技术应用{i:02}"),
        )
        .await;
    }
    let mut person = signed_in(&app, "zhangwei").await;
    let course = "/me/records?course=%E4%BF%A1%E6%81%AF%E6%8A%80%E6%9C%AF";
    let page = person.get(course).await;
    page.assert_contains("共 23 条，第 1 / 2 页");
    page.assert_lacks("课堂教学改革研修");
    assert_eq!(page.input_value("course").as_deref(), Some("信息技术"));
    // The next page keeps the filters.
    page.assert_contains("course=%E4%BF%A1%E6%81%AF%E6%8A%80%E6%9C%AF");
    let page = person.get(&format!("{course}&category=professional")).await;
    page.assert_contains("共 2 条，第 1 / 1 页");
    page.assert_contains("信息技术应用21");
    page.assert_lacks("信息技术应用03");
    page.assert_contains("<option value=\"professional\" selected>专业科目</option>");
    let rows = sheet_text(
        person
            .get_bytes(
                "/me/records.xlsx?course=%E4%BF%A1%E6%81%AF%E6%8A%80%E6%9C%AF&category=public",
            )
            .await,
    );
    assert_eq!(rows.len(), 22, "21 public records and the header");
});
