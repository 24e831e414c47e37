//! The unit's work on its staff's records beyond one decision: the internal flow's reviewers
//! recommending to the leader (or returning the record), and the unit's declaration (代申报)
//! that takes its proofs and is confirmed in a second step.

use domain::roles::{Role, Roles};

use crate::on_both_engines;
use crate::orgs::{account_id, acting, new_person, org_named, signed_in};
use crate::records::{PDF, stored_record};
#[allow(unused_imports)]
use crate::support::*;

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

async fn version_of(app: &TestApp, id: i64) -> String {
    app.state
        .store
        .record(id)
        .await
        .unwrap()
        .expect("record")
        .version
        .to_string()
}

async fn trail(app: &TestApp, id: i64) -> Vec<(String, String)> {
    app.state
        .store
        .review_trail(id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.step, t.result))
        .collect()
}

/// A member of 广州市第一中学 with one role, signed in and acting for it.
async fn member(app: &TestApp, login: &str, name: &str, seq: u32, role: Role) -> Client {
    let yz = org_named(app, "广州市第一中学").await.id;
    let p = new_person(app, login, name, seq).await;
    app.state
        .store
        .invite_member(
            yz,
            p,
            Roles::default().with(role).bits(),
            None,
            domain::roles::MembershipState::Active,
            app.state.now(),
        )
        .await
        .unwrap();
    acting(app, login, yz).await
}

on_both_engines!(
    internal_reviewers_recommend_to_the_leader_who_sees_them_counted,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let store = &app.state.store;
        let mut one = member(&app, "rev_one", "马文涛", 21, Role::Reviewer).await;
        let mut two = member(&app, "rev_two", "高雅琴", 22, Role::Reviewer).await;
        let mut leader = member(&app, "leader", "田志刚", 23, Role::Leader).await;
        store.set_record_reviewers(yz, 2).await.unwrap();
        let me = account_id(&app, "zhangwei").await;
        let id = stored_record(&app, me, yz, "submitted").await;
        let page = format!("/org/records/{id}");
        let review = format!("/org/records/{id}/review");

        let shown = one.get(&page).await;
        shown.assert_contains("审核同意（呈单位领导）");
        shown.assert_contains("审核不同意（呈单位领导）");
        shown.assert_contains("退案（内部）");
        let v = version_of(&app, id).await;
        one.post(
            &review,
            &[
                ("version", &v),
                ("choice", "agree"),
                ("opinion", "材料齐全"),
            ],
        )
        .await;
        assert_eq!(state_of(&app, id).await, "under_review");

        // Disagreeing needs a reason; without one nothing is kept.
        let v = version_of(&app, id).await;
        two.get(&page).await;
        two.post(&review, &[("version", &v), ("choice", "disagree")])
            .await;
        two.get(&page).await.assert_contains("请填写不同意的理由");
        assert_eq!(trail(&app, id).await.len(), 2);
        two.post(
            &review,
            &[
                ("version", &v),
                ("choice", "disagree"),
                ("opinion", "证书日期与申报不符"),
            ],
        )
        .await;
        assert_eq!(
            trail(&app, id).await,
            [
                ("submit".to_owned(), String::new()),
                ("review".into(), "审核同意（呈单位领导）".into()),
                ("review".into(), "审核不同意（呈单位领导）".into()),
            ]
        );
        assert_eq!(state_of(&app, id).await, "under_review");

        // The leader sees the recommendations in the queue and on the record, then decides.
        leader
            .get("/org/records")
            .await
            .assert_contains("2 人审核：同意 1，不同意 1");
        let shown = leader.get(&page).await;
        shown.assert_contains("<strong>内部审核意见：</strong>2 人审核：同意 1，不同意 1");
        shown.assert_contains("证书日期与申报不符");
        shown.assert_contains("提交审核");
        leader
            .post(
                &format!("/org/records/{id}/decide"),
                &[("decision", "approve"), ("recognised", "12")],
            )
            .await;
        assert_eq!(state_of(&app, id).await, "approved");
    }
);

on_both_engines!(
    an_internal_return_sends_the_record_back_to_its_declarer,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let store = &app.state.store;
        let mut one = member(&app, "rev_one", "马文涛", 21, Role::Reviewer).await;
        let mut two = member(&app, "rev_two", "高雅琴", 22, Role::Reviewer).await;
        let mut leader = member(&app, "leader", "田志刚", 23, Role::Leader).await;
        store.set_record_reviewers(yz, 2).await.unwrap();
        let me = account_id(&app, "zhangwei").await;
        let id = stored_record(&app, me, yz, "submitted").await;
        let page = format!("/org/records/{id}");
        let review = format!("/org/records/{id}/review");

        let v = version_of(&app, id).await;
        one.get(&page).await;
        one.post(
            &review,
            &[("version", &v), ("choice", "agree"), ("opinion", "")],
        )
        .await;
        // A return needs the opinion the declarer will read.
        let v = version_of(&app, id).await;
        two.get(&page).await;
        two.post(&review, &[("version", &v), ("choice", "return")])
            .await;
        two.get(&page).await.assert_contains("请填写退回修改的意见");
        assert_eq!(state_of(&app, id).await, "under_review");
        two.get(&page).await;
        two.post(
            &review,
            &[
                ("version", &v),
                ("choice", "return"),
                ("opinion", "请补充结业证书"),
            ],
        )
        .await;
        let r = store.record(id).await.unwrap().unwrap();
        assert_eq!(
            (r.state.code(), r.opinion.as_str()),
            ("returned", "请补充结业证书")
        );
        assert_eq!(
            trail(&app, id).await.last().cloned(),
            Some(("review".into(), "退案（内部）".into()))
        );
        // The declarer reads why and may correct and resubmit it; the leader decides nothing.
        let mut person = signed_in(&app, "zhangwei").await;
        let mine = person.get(&format!("/me/records/{id}")).await;
        mine.assert_contains("请补充结业证书");
        mine.assert_contains("退案（内部）");
        leader.get(&page).await;
        leader
            .post(
                &format!("/org/records/{id}/decide"),
                &[("decision", "approve"), ("recognised", "12")],
            )
            .await;
        assert_eq!(state_of(&app, id).await, "returned");
        person.post(&format!("/me/records/{id}/submit"), &[]).await;
        assert_eq!(state_of(&app, id).await, "submitted");
        // A new submission starts the flow anew: no recommendation is carried over.
        assert!(store.recommendations(&[id]).await.unwrap().is_empty());
        leader.get("/org/records").await.assert_lacks("人审核：");
    }
);

/// The form of a valid record of 2026 declared by a unit for the person `doc`.
fn declaration(doc: &str) -> Vec<(&str, &str)> {
    vec![
        ("doc_number", doc),
        ("year", "2026"),
        ("category", "professional"),
        ("declaration", "training"),
        ("course_name", "新课标教学设计研修"),
        ("study_form", "面授"),
        ("institution_name", "广州市教育研究院"),
        ("start_date", "2026-01-12"),
        ("end_date", "2026-01-13"),
        ("claimed", "6"),
        ("matches_specialty", "1"),
        ("passed", "1"),
    ]
}

/// The person's approved and waiting hours of 2026, as their verification page counts them.
async fn counted_2026(app: &TestApp, account: i64) -> (i64, i64) {
    let f = app
        .state
        .store
        .year_figures(account, Some(2026), None, "440100")
        .await
        .unwrap();
    f.first()
        .map(|y| {
            (
                y.public_tenths + y.professional_tenths + y.elective_tenths,
                y.pending_tenths,
            )
        })
        .unwrap_or((0, 0))
}

fn record_id(location: &Option<String>) -> i64 {
    location
        .as_deref()
        .and_then(|l| l.rsplit('/').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a record page: {location:?}"))
}

on_both_engines!(
    a_units_declaration_takes_its_proofs_and_counts_once_confirmed,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let zhangwei = store
            .account_by_identifier("zhangwei")
            .await
            .unwrap()
            .unwrap();
        let before = counted_2026(&app, zhangwei.id).await;
        let mut clerk = acting(&app, "yizhong", yz).await;
        clerk.get("/org/records/new").await;
        let r = clerk
            .post("/org/records/new", &declaration(&zhangwei.doc_number))
            .await;
        let id = record_id(&r.location);
        let rec = store.record(id).await.unwrap().unwrap();
        assert_eq!(
            (rec.state.code(), rec.source.code(), rec.recognised_tenths),
            ("unit_draft", "unit", None)
        );
        // The unit finds its declarations waiting for their confirmation.
        clerk
            .get("/org/records?state=unit_draft")
            .await
            .assert_contains(&format!("href=\"/org/records/{id}\""));
        // Not approved until confirmed: the person's year counts none of it, not even as waiting.
        assert_eq!(counted_2026(&app, zhangwei.id).await, before);
        let mut person = signed_in(&app, "zhangwei").await;
        person
            .get(&format!("/me/records/{id}"))
            .await
            .assert_contains("代申报待确认");

        // The unit attaches its proofs, checked by their content, and may remove them.
        let page = clerk.get(&format!("/org/records/{id}")).await;
        page.assert_contains("代申报确认");
        let upload = format!("/org/records/{id}/attachments");
        clerk
            .post_file(&upload, &[], "file", "证明.pdf", b"not a pdf at all")
            .await;
        clerk
            .get(&format!("/org/records/{id}"))
            .await
            .assert_contains("只能上传PDF、JPG或PNG文件");
        assert!(store.attachments("ce_record", id).await.unwrap().is_empty());
        clerk.post_file(&upload, &[], "file", "证明.pdf", PDF).await;
        let atts = store.attachments("ce_record", id).await.unwrap();
        assert_eq!(atts.len(), 1);
        clerk.get(&format!("/org/records/{id}")).await;
        clerk
            .post(
                &format!("/org/records/{id}/attachments/{}/delete", atts[0].id),
                &[],
            )
            .await;
        assert!(store.attachments("ce_record", id).await.unwrap().is_empty());
        clerk.get(&format!("/org/records/{id}")).await;
        clerk
            .post_file(&upload, &[], "file", "结业证书.pdf", PDF)
            .await;

        // The person cannot confirm it, nor add to the unit's proofs.
        assert_eq!(
            person
                .post(&format!("/org/records/{id}/confirm"), &[("version", "1")])
                .await
                .status,
            404
        );
        assert_eq!(state_of(&app, id).await, "unit_draft");

        // 确认: approved with its hours, on the trail; the person has them now.
        let v = version_of(&app, id).await;
        clerk.get(&format!("/org/records/{id}")).await;
        clerk
            .post(&format!("/org/records/{id}/confirm"), &[("version", &v)])
            .await;
        let rec = store.record(id).await.unwrap().unwrap();
        assert_eq!(
            (rec.state.code(), rec.recognised_tenths),
            ("approved", Some(60))
        );
        assert_eq!(counted_2026(&app, zhangwei.id).await.0, before.0 + 60);
        assert_eq!(
            trail(&app, id).await,
            [
                ("declare".to_owned(), "单位代申报（待确认）".to_owned()),
                ("confirm".into(), "单位确认".into()),
            ]
        );
        // Confirmed, its proofs are fixed: the unit's upload is refused, and so is a second
        // confirmation.
        clerk.get(&format!("/org/records/{id}")).await;
        clerk.post_file(&upload, &[], "file", "再传.pdf", PDF).await;
        clerk
            .get(&format!("/org/records/{id}"))
            .await
            .assert_contains("只有尚未确认的代申报记录才能由单位上传或删除证明材料");
        assert_eq!(store.attachments("ce_record", id).await.unwrap().len(), 1);

        // Until confirmed, a declaration is deleted freely, without a reason.
        clerk.get("/org/records/new").await;
        let r = clerk
            .post("/org/records/new", &declaration(&zhangwei.doc_number))
            .await;
        let other = record_id(&r.location);
        clerk.get(&format!("/org/records/{other}")).await;
        clerk
            .post(&format!("/org/records/{other}/delete"), &[])
            .await;
        assert_eq!(state_of(&app, other).await, "deleted");
        assert_eq!(
            trail(&app, other).await.last().cloned(),
            Some(("delete".into(), "单位删除（未确认）".into()))
        );
        assert_eq!(counted_2026(&app, zhangwei.id).await.0, before.0 + 60);
    }
);

on_both_engines!(nobody_confirms_a_declaration_of_their_own_hours, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await.id;
    // yizhong administers 广州市第一中学 and teaches there.
    let teacher = store
        .account_by_identifier("yizhong")
        .await
        .unwrap()
        .unwrap();
    let mut other_clerk = member(&app, "clerk_two", "罗晓燕", 24, Role::Clerk).await;
    other_clerk.get("/org/records/new").await;
    let r = other_clerk
        .post("/org/records/new", &declaration(&teacher.doc_number))
        .await;
    let id = record_id(&r.location);
    assert_eq!(state_of(&app, id).await, "unit_draft");
    let mut herself = acting(&app, "yizhong", yz).await;
    // Nor adds the proofs of it.
    herself.get(&format!("/org/records/{id}")).await;
    herself
        .post_file(
            &format!("/org/records/{id}/attachments"),
            &[],
            "file",
            "证明.pdf",
            PDF,
        )
        .await;
    herself
        .get(&format!("/org/records/{id}"))
        .await
        .assert_contains("不能审核或维护本人的学时记录");
    assert!(store.attachments("ce_record", id).await.unwrap().is_empty());
    let v = version_of(&app, id).await;
    herself.get(&format!("/org/records/{id}")).await;
    herself
        .post(&format!("/org/records/{id}/confirm"), &[("version", &v)])
        .await;
    herself
        .get(&format!("/org/records/{id}"))
        .await
        .assert_contains("不能审核或维护本人的学时记录");
    assert_eq!(state_of(&app, id).await, "unit_draft");
    other_clerk.get(&format!("/org/records/{id}")).await;
    other_clerk
        .post(&format!("/org/records/{id}/confirm"), &[("version", &v)])
        .await;
    assert_eq!(state_of(&app, id).await, "approved");
});

on_both_engines!(
    a_legacy_fifteen_digit_number_finds_the_person_for_the_unit,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let zhangwei = store
            .account_by_identifier("zhangwei")
            .await
            .unwrap()
            .unwrap();
        // The 15-digit form of an 18-digit number of someone born in the 1900s: no century,
        // no check character.
        let eighteen = zhangwei.doc_number.clone();
        assert_eq!(&eighteen[6..8], "19", "zhangwei is born in the 1900s");
        let fifteen = format!("{}{}", &eighteen[..6], &eighteen[8..17]);
        let mut clerk = acting(&app, "yizhong", yz).await;
        // The staff list finds him by it.
        clerk
            .get(&format!("/org/staff?doc={fifteen}"))
            .await
            .assert_contains("张伟");
        // 代申报 finds him by it.
        clerk.get("/org/records/new").await;
        let r = clerk.post("/org/records/new", &declaration(&fifteen)).await;
        let id = record_id(&r.location);
        let rec = store.record(id).await.unwrap().unwrap();
        assert_eq!(rec.account_id, zhangwei.id);
    }
);

on_both_engines!(the_units_export_carries_location_and_remarks, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await.id;
    let zhangwei = store
        .account_by_identifier("zhangwei")
        .await
        .unwrap()
        .unwrap();
    let mut clerk = acting(&app, "yizhong", yz).await;
    clerk.get("/org/records/new").await;
    let mut fields = declaration(&zhangwei.doc_number);
    fields.push(("location", "广州市越秀区"));
    fields.push(("remarks", "按签到表补录"));
    let before = clerk.get("/").await;
    let r = clerk.post("/org/records/new", &fields).await;
    record_id(&r.location);
    // The clerk's home counts it among the declarations waiting for confirmation.
    let todo = |n: usize| {
        format!(
            "<a href=\"/org/records?state=unit_draft\"><span>待确认的代申报记录</span><span class=\"count\">{n}</span></a>"
        )
    };
    let was = (0..50)
        .find(|n| before.body.contains(&todo(*n)))
        .unwrap_or(0);
    clerk.get("/").await.assert_contains(&todo(was + 1));
    let rows =
        crate::records::sheet_text(clerk.get_bytes("/org/records.xlsx?state=unit_draft").await);
    assert!(
        rows[0].contains("学习地点") && rows[0].contains("备注"),
        "{:?}",
        rows[0]
    );
    assert!(
        rows.iter()
            .any(|r| r.contains("广州市越秀区") && r.contains("按签到表补录")),
        "{rows:?}"
    );
});

on_both_engines!(
    a_state_the_domain_does_not_know_is_a_fault_not_a_rejection,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await.id;
        let me = account_id(&app, "zhangwei").await;
        let id = stored_record(&app, me, yz, "submitted").await;
        let mut clerk = acting(&app, "yizhong", yz).await;
        let version = clerk
            .get(&format!("/org/records/{id}"))
            .await
            .input_value("version")
            .expect("the form's version");
        // Another program writes a state this version of the domain has never heard of.
        app.state
            .store
            .execute_unprepared(&format!(
                "UPDATE ce_record SET state = 'archived_2030' WHERE id = {id}"
            ))
            .await
            .unwrap();
        let r = clerk
            .post(
                &format!("/org/records/{id}/decide"),
                &[
                    ("decision", "reject"),
                    ("opinion", "不符合要求"),
                    ("version", version.as_str()),
                ],
            )
            .await;
        r.assert_eq_status(500);
        r.assert_contains("系统繁忙");
        // The store refuses to read the row as any state it knows…
        let read = app.state.store.record(id).await;
        assert!(
            read.as_ref()
                .is_err_and(|e| e.to_string().contains("archived_2030")),
            "{read:?}"
        );
        // …and nothing was decided on a guess.
        let stored = app
            .state
            .store
            .query_texts(&format!("SELECT state AS t FROM ce_record WHERE id = {id}"))
            .await
            .unwrap();
        assert_eq!(stored, vec![Some("archived_2030".to_owned())]);
    }
);
