//! A unit changes its supervising department (变更主管部门): the new supervisor decides, and
//! the unit's staff move with it in every list.

use crate::on_both_engines;
use crate::orgs::{acting, org_named, trail_actions};
#[allow(unused_imports)]
use crate::support::*;

on_both_engines!(a_unit_moves_to_a_new_supervisor_with_its_staff, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let rj = org_named(&app, "广州天河软件科技有限公司").await;
    let thhr = org_named(&app, "广州市天河区人力资源和社会保障局").await;
    let gzjy = org_named(&app, "广州市教育局").await;
    let staff_of = |org: i64| {
        let store = store.clone();
        async move {
            store
                .staff(&store::bindings::StaffFilter {
                    within: org,
                    per_page: 200,
                    page: 1,
                    ..Default::default()
                })
                .await
                .unwrap()
                .items
                .iter()
                .filter(|r| r.unit_id == rj.id)
                .count()
        }
    };
    let before = staff_of(thhr.id).await;
    assert!(
        before > 0,
        "the software company has staff under 天河区人社局"
    );
    assert_eq!(staff_of(gzjy.id).await, 0);

    let mut unit = acting(&app, "ruanjian", rj.id).await;
    unit.get("/org/info").await.assert_contains("变更主管部门");
    // A reason is required; the current supervisor cannot be chosen again.
    let r = unit
        .post(
            "/org/info/supervisor",
            &[("parent_id", &gzjy.id.to_string()), ("reason", "")],
        )
        .await;
    r.assert_redirect("/org/info");
    unit.get("/org/info")
        .await
        .assert_contains("请填写变更原因");
    unit.post(
        "/org/info/supervisor",
        &[("parent_id", &thhr.id.to_string()), ("reason", "机构调整")],
    )
    .await;
    unit.get("/org/info")
        .await
        .assert_contains("已经是本单位的主管部门");
    unit.post(
        "/org/info/supervisor",
        &[
            ("parent_id", &gzjy.id.to_string()),
            ("reason", "划归教育系统管理"),
        ],
    )
    .await;
    let info = unit.get("/org/info").await;
    info.assert_contains("已申请变更主管部门为“广州市教育局”");
    // Until the decision nothing moves.
    assert_eq!(
        store.organization(rj.id).await.unwrap().unwrap().parent_id,
        Some(thhr.id)
    );
    assert_eq!(staff_of(thhr.id).await, before);

    let mut dept = acting(&app, "gzjy", gzjy.id).await;
    let review = dept.get("/org/registrations").await;
    review.assert_contains("变更主管部门申请");
    review.assert_contains("划归教育系统管理");
    // A refusal needs a reason.
    dept.post(&format!("/org/moves/{}/reject", rj.id), &[("reason", "")])
        .await;
    dept.get("/org/registrations")
        .await
        .assert_contains("请填写不通过的原因");
    let r = dept
        .post(&format!("/org/moves/{}/approve", rj.id), &[])
        .await;
    r.assert_redirect("/org/registrations");
    dept.get("/org/registrations")
        .await
        .assert_contains("已同意");
    // Twice is once.
    dept.post(&format!("/org/moves/{}/approve", rj.id), &[])
        .await;

    let moved = store.organization(rj.id).await.unwrap().unwrap();
    assert_eq!(moved.parent_id, Some(gzjy.id));
    assert_eq!(moved.pending_parent_id, None);
    assert_eq!(
        staff_of(gzjy.id).await,
        before,
        "the staff are now the department's"
    );
    assert_eq!(
        staff_of(thhr.id).await,
        0,
        "and no longer the old supervisor's"
    );
    let gzhr = org_named(&app, "广州市人力资源和社会保障局").await;
    assert_eq!(
        staff_of(gzhr.id).await,
        before,
        "the city bureau sees them both before and after"
    );
    assert!(store.org_reaches(gzjy.id, rj.id).await.unwrap());
    assert!(!store.org_reaches(thhr.id, rj.id).await.unwrap());
    assert_eq!(
        trail_actions(&app, "organization", rj.id)
            .await
            .iter()
            .filter(|a| a.as_str() == "move_approve")
            .count(),
        1
    );
});

on_both_engines!(a_supervisor_refuses_a_move_with_a_reason, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let rj = org_named(&app, "广州天河软件科技有限公司").await;
    let thhr = org_named(&app, "广州市天河区人力资源和社会保障局").await;
    let gzws = org_named(&app, "广州市卫生健康委员会").await;
    let mut unit = acting(&app, "ruanjian", rj.id).await;
    unit.get("/org/info").await;
    unit.post(
        "/org/info/supervisor",
        &[("parent_id", &gzws.id.to_string()), ("reason", "业务调整")],
    )
    .await;
    // Another department cannot decide it.
    let gzjy = org_named(&app, "广州市教育局").await;
    let mut other = acting(&app, "gzjy", gzjy.id).await;
    other.get("/org/registrations").await;
    assert_eq!(
        other
            .post(&format!("/org/moves/{}/approve", rj.id), &[])
            .await
            .status,
        404
    );
    assert_eq!(
        store
            .organization(rj.id)
            .await
            .unwrap()
            .unwrap()
            .pending_parent_id,
        Some(gzws.id)
    );

    let mut dept = acting(&app, "gzws", gzws.id).await;
    dept.get("/org/registrations").await;
    dept.post(
        &format!("/org/moves/{}/reject", rj.id),
        &[("reason", "不属于卫生系统")],
    )
    .await;
    let o = store.organization(rj.id).await.unwrap().unwrap();
    assert_eq!((o.parent_id, o.pending_parent_id), (Some(thhr.id), None));
    unit.get("/org/info")
        .await
        .assert_lacks("已申请变更主管部门");
});

on_both_engines!(a_department_registers_under_its_hr_bureau, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let gzhr = org_named(&app, "广州市人力资源和社会保障局").await;
    let gzjy = org_named(&app, "广州市教育局").await;
    let mut c = Client::new(&app);
    c.sign_in("wangfang", "070958@Gd").await;
    c.get("/account/password").await;
    c.post(
        "/account/password",
        &[
            ("current", "070958@Gd"),
            ("new", "Wangfang2026"),
            ("new2", "Wangfang2026"),
        ],
    )
    .await;
    let page = c.get("/organizations/register").await;
    let key = page.input_value("form_key").expect("form key");
    let code = crate::orgs::credit_code(9001);
    let fields = |parent: String, level: &'static str, key: String| {
        vec![
            ("form_key".to_owned(), key),
            ("kind".to_owned(), "department".to_owned()),
            ("name".to_owned(), "广州市交通运输局".to_owned()),
            ("id_kind".to_owned(), "credit_code".to_owned()),
            ("id_code".to_owned(), code.clone()),
            ("city".to_owned(), "440100".to_owned()),
            ("district".to_owned(), "440104".to_owned()),
            ("address".to_owned(), "广州市越秀区".to_owned()),
            ("legal_rep".to_owned(), "王芳".to_owned()),
            ("contact_name".to_owned(), "王芳".to_owned()),
            ("contact_phone".to_owned(), "020-83330000".to_owned()),
            ("parent_id".to_owned(), parent),
            ("level".to_owned(), level.to_owned()),
        ]
    };
    // A department cannot sit under another department, and needs its level.
    let bad = fields(gzjy.id.to_string(), "city", key.clone());
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post("/organizations/register", &bad).await;
    r.assert_contains("上级应为所在地的人社局");
    let key = r.input_value("form_key").expect("form key");
    let no_level = fields(gzhr.id.to_string(), "", key.clone());
    let no_level: Vec<(&str, &str)> = no_level
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post("/organizations/register", &no_level)
        .await
        .assert_contains("请选择主管部门的类别");
    let good = fields(gzhr.id.to_string(), "city", key);
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post("/organizations/register", &good)
        .await
        .assert_redirect("/organizations/register");
    let dept = store
        .organization_by_identifier(&code)
        .await
        .unwrap()
        .expect("registered");
    assert_eq!(
        (dept.kind.code(), dept.level.as_deref(), dept.status.code()),
        ("department", Some("city"), "applied")
    );

    let mut hr = acting(&app, "gzhr", gzhr.id).await;
    hr.get("/org/registrations")
        .await
        .assert_contains("广州市交通运输局");
    hr.post(&format!("/org/registrations/{}/approve", dept.id), &[])
        .await
        .assert_redirect("/org/registrations");
    // The registrant now acts for the new department, which reviews units below it.
    crate::orgs::choose(&mut c, dept.id).await;
    c.get("/").await.assert_contains("广州市交通运输局");
    c.get("/org/registrations").await.assert_eq_status(200);
});
