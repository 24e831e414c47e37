//! Organisations and their people, as the persons and operators go through it: a unit
//! registers and is approved, invites a clerk, confirms a binding, receives a transfer;
//! and the refusals, races, scopes and to-do counts along the way.

use crate::on_both_engines;
#[allow(unused_imports)]
use crate::support::*;
use domain::roles::{Role, Roles};
use store::organizations::{OrgFilter, Organization};

/// Every demo operator and person signs in with this password.
pub const PASSWORD: &str = "Study2026gd";

/// The organisation of the demo data with exactly this name.
pub async fn org_named(app: &TestApp, name: &str) -> Organization {
    app.state
        .store
        .organizations(&OrgFilter {
            name: Some(name.to_owned()),
            per_page: 100,
            ..Default::default()
        })
        .await
        .expect("organisations")
        .items
        .into_iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no organisation named {name}"))
}

pub async fn account_id(app: &TestApp, login: &str) -> i64 {
    app.state
        .store
        .account_by_identifier(login)
        .await
        .expect("account")
        .unwrap_or_else(|| panic!("no account {login}"))
        .id
}

/// A valid unified social credit code of a unit in 天河区, different for each `n`.
pub fn credit_code(n: u32) -> String {
    let body = format!("{:08}", 30_000_000 + n * 7);
    let org_check = domain::org_code::organization_code_check_char(&body).expect("org code");
    let first17 = format!("12440106{body}{org_check}");
    let check = domain::org_code::credit_code_check_char(&first17).expect("credit code");
    format!("{first17}{check}")
}

/// A valid mainland ID number, different for each `seq` (below 1000).
pub fn id_number(seq: u32) -> String {
    let first17 = format!("44010319860101{:03}", seq % 1000);
    let check = domain::identity::gb11643_check_char(&first17).expect("id number");
    format!("{first17}{check}")
}

/// A person created straight in the store, signing in with the demo password (the demo
/// data must be loaded: the hash is borrowed from zhangwei).
pub async fn new_person(app: &TestApp, login: &str, name: &str, seq: u32) -> i64 {
    let template = app
        .state
        .store
        .account_by_identifier("zhangwei")
        .await
        .expect("account")
        .expect("the demo data is loaded");
    let [q1, q2, q3] = template.questions.clone();
    let [h1, h2, h3] = template.answer_hashes.clone();
    app.state
        .store
        .create_account(
            store::accounts::NewAccount {
                login_name: login.to_owned(),
                login_key: domain::credentials::login_key(login),
                password_hash: template.password_hash.clone(),
                must_change_password: false,
                real_name: name.to_owned(),
                gender: None,
                birth_date: chrono::NaiveDate::from_ymd_opt(1986, 1, 1),
                mobile: "13800138000".into(),
                email: format!("{login}@example.com"),
                country: "CN".into(),
                doc_type: "mainland_id".into(),
                doc_number: id_number(seq),
                security: [(q1, h1), (q2, h2), (q3, h3)],
                is_platform_admin: false,
            },
            app.state.now(),
        )
        .await
        .unwrap_or_else(|e| panic!("create {login}: {e}"))
}

/// Signs in with the demo password; the client holds a current CSRF token afterwards.
pub async fn signed_in(app: &TestApp, login: &str) -> Client {
    let mut c = Client::new(app);
    let r = c.sign_in(login, PASSWORD).await;
    assert!(
        r.status.is_redirection() && matches!(r.location.as_deref(), Some("/" | "/act")),
        "{login} signs in: {} {:?}",
        r.status,
        r.location
    );
    c.get("/act").await;
    c
}

/// Chooses on /act to act for the organisation.
pub async fn choose(c: &mut Client, org: i64) {
    c.get("/act").await;
    c.post("/act", &[("org", &org.to_string())])
        .await
        .assert_redirect("/");
    c.get("/act").await;
}

/// Signs in and acts for the organisation.
pub async fn acting(app: &TestApp, login: &str, org: i64) -> Client {
    let mut c = signed_in(app, login).await;
    choose(&mut c, org).await;
    c
}

/// A to-do line of the home page, as it is rendered.
pub fn todo(label: &str, count: u64) -> String {
    format!("<span>{label}</span><span class=\"count\">{count}</span>")
}

/// A query string value, percent-encoded.
pub fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)])
        .expect("encode")
        .trim_start_matches('=')
        .to_owned()
}

/// The actions of the trail of an object, in order.
pub async fn trail_actions(app: &TestApp, subject: &str, id: i64) -> Vec<String> {
    app.state
        .store
        .trail(subject, id)
        .await
        .expect("trail")
        .into_iter()
        .map(|t| t.action)
        .collect()
}

fn admin_bits() -> i32 {
    Roles::default().with(Role::Admin).bits()
}

fn clerk_bits() -> i32 {
    Roles::default().with(Role::Clerk).bits()
}

/// The registration form of a unit in 天河区 under `parent`.
fn unit_form<'a>(
    key: &'a str,
    name: &'a str,
    code: &'a str,
    parent: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form_key", key),
        ("kind", "unit"),
        ("name", name),
        ("id_kind", "credit_code"),
        ("id_code", code),
        ("city", "440100"),
        ("district", "440106"),
        ("address", "广州市天河区体育西路1号"),
        ("legal_rep", "陈刚"),
        ("contact_name", "陈刚"),
        ("contact_phone", "020-38881234"),
        ("parent_id", parent),
    ]
}

on_both_engines!(a_unit_registers_is_approved_and_runs_its_staff, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let jy = org_named(&app, "广州市教育局").await;
    let thzx = org_named(&app, "广州市天河中学").await;

    // A person registers an account and then a unit under 广州市教育局.
    let doc = id_number(1);
    let mut boss = Client::new(&app);
    register(
        &mut boss,
        &registration("Chen_gang", "陈刚", &doc, "Xuexi2026go"),
    )
    .await
    .assert_redirect("/login?identifier=Chen_gang");
    boss.sign_in("Chen_gang", "Xuexi2026go")
        .await
        .assert_redirect("/");
    let boss_id = account_id(&app, "Chen_gang").await;
    let page = boss.get("/organizations/register").await;
    assert_eq!(page.status, 200);
    page.assert_contains(&format!(
        "<option value=\"{}\">广州市教育局</option>",
        jy.id
    ));
    let key = boss.form_key.clone().expect("the form has a one-time key");
    let unit_name = "广州市天河区实验小学";
    let code = credit_code(1);
    let jy_id = jy.id.to_string();
    boss.post(
        "/organizations/register",
        &unit_form(&key, unit_name, &code, &jy_id),
    )
    .await
    .assert_redirect("/organizations/register");
    let page = boss.get("/organizations/register").await;
    page.assert_contains(&format!(
        "“{unit_name}”的注册申请已提交，等待“广州市教育局”审核。"
    ));
    page.assert_contains(&format!("<td data-label=\"单位名称\">{unit_name}</td>"));
    page.assert_contains("badge-warn\">待审核</span>");

    let unit = store
        .organization_by_identifier(&code)
        .await
        .unwrap()
        .expect("the registration is stored");
    assert_eq!(unit.name, unit_name);
    assert_eq!(unit.status, domain::org::OrgStatus::Applied);
    assert_eq!(unit.kind, domain::org::OrgKind::Unit);
    assert_eq!(unit.parent_id, Some(jy.id));
    assert_eq!(unit.registered_by, Some(boss_id));
    assert!(
        store
            .membership_of(unit.id, boss_id)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        trail_actions(&app, "organization", unit.id).await,
        ["register"]
    );
    // Not approved yet: nobody acts for it.
    boss.get("/act").await.assert_lacks(unit_name);
    let r = boss.post("/act", &[("org", &unit.id.to_string())]).await;
    assert_eq!(r.status, 404);

    // 教育局 reviews it.
    let mut reviewer = acting(&app, "gzjy", jy.id).await;
    let waiting = store.org_todo_counts(jy.id).await.unwrap().2;
    assert_eq!(waiting, 2, "海珠区第三中学 and the new unit");
    reviewer
        .get("/")
        .await
        .assert_contains(&todo("待审核的单位注册", waiting));
    let list = reviewer.get("/org/registrations").await;
    list.assert_contains(unit_name);
    list.assert_contains(&code);
    list.assert_contains(&format!("/org/registrations/{}/approve", unit.id));
    reviewer
        .post(&format!("/org/registrations/{}/approve", unit.id), &[])
        .await
        .assert_redirect("/org/registrations");
    let list = reviewer.get("/org/registrations").await;
    list.assert_contains(&format!("已通过“{unit_name}”的注册申请。"));
    list.assert_lacks(&code);

    let approved = store.organization(unit.id).await.unwrap().unwrap();
    assert_eq!(approved.status, domain::org::OrgStatus::Approved);
    assert!(approved.decided_at.is_some());
    let m = store
        .membership_of(unit.id, boss_id)
        .await
        .unwrap()
        .expect("the registrant becomes a member");
    assert_eq!(m.state, domain::roles::MembershipState::Active);
    assert_eq!(m.roles, admin_bits(), "an administrator");
    let trail = store.trail("organization", unit.id).await.unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(trail[1].action, "approve");
    assert_eq!(trail[1].org_name.as_deref(), Some("广州市教育局"));
    assert_eq!(trail[1].actor_name.as_deref(), Some("何文静"));

    // The registrant sees the decision and acts for the unit.
    boss.get("/organizations/register")
        .await
        .assert_contains("badge-ok\">已通过</span>");
    let mut fresh = Client::new(&app);
    fresh
        .sign_in("Chen_gang", "Xuexi2026go")
        .await
        .assert_redirect("/act");
    boss.get("/act").await.assert_contains(unit_name);
    boss.post("/act", &[("org", &unit.id.to_string())])
        .await
        .assert_redirect("/");
    let home = boss.get("/").await;
    home.assert_contains(&format!("您现在代表“{unit_name}”操作。"));
    home.assert_contains(&format!("title=\"切换身份\">{unit_name} ▾</a>"));
    home.assert_contains("href=\"/org/members\"");

    // It invites a clerk.
    let clerk_acc = store
        .account_by_identifier("demo02")
        .await
        .unwrap()
        .unwrap();
    let page = boss.get("/org/members?q=demo02").await;
    page.assert_contains(&clerk_acc.real_name);
    page.assert_contains(&format!("name=\"account_id\" value=\"{}\"", clerk_acc.id));
    boss.post(
        "/org/members/invite",
        &[
            ("account_id", &clerk_acc.id.to_string()),
            ("roles", "clerk"),
        ],
    )
    .await
    .assert_redirect("/org/members");
    let page = boss.get("/org/members").await;
    page.assert_contains(&format!(
        "已邀请 {}（demo02），角色：经办人。",
        clerk_acc.real_name
    ));
    page.assert_contains("badge-warn\">待接受</span>");
    let invitation = store
        .membership_of(unit.id, clerk_acc.id)
        .await
        .unwrap()
        .expect("invited");
    assert_eq!(invitation.state, domain::roles::MembershipState::Invited);
    assert_eq!(invitation.roles, clerk_bits());
    let trail = store.trail("membership", invitation.id).await.unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "invite");
    assert_eq!(trail[0].org_name.as_deref(), Some(unit_name));
    assert_eq!(trail[0].actor_name.as_deref(), Some("陈刚"));

    // The clerk accepts and acts for the unit.
    let mut clerk = Client::new(&app);
    clerk.sign_in("demo02", PASSWORD).await.assert_redirect("/");
    clerk
        .get("/")
        .await
        .assert_contains(&todo("单位邀请待接受", 1));
    let mine = clerk.get("/me/organizations").await;
    mine.assert_contains(unit_name);
    let accept = format!("/me/organizations/{}/accept", invitation.id);
    mine.assert_contains(&accept);
    clerk
        .post(&accept, &[])
        .await
        .assert_redirect("/me/organizations");
    clerk
        .get("/me/organizations")
        .await
        .assert_contains(&format!("您已接受“{unit_name}”的邀请"));
    let accepted = store.membership(invitation.id).await.unwrap().unwrap();
    assert_eq!(accepted.state, domain::roles::MembershipState::Active);
    assert_eq!(
        trail_actions(&app, "membership", invitation.id).await,
        ["invite", "accept"]
    );
    choose(&mut clerk, unit.id).await;

    // A third person binds to the unit.
    let person_acc = store
        .account_by_identifier("demo11")
        .await
        .unwrap()
        .unwrap();
    assert!(store.open_binding(person_acc.id).await.unwrap().is_none());
    let mut person = signed_in(&app, "demo11").await;
    let found = person
        .get(&format!("/me/employment?q={}", enc("实验小学")))
        .await;
    found.assert_contains(unit_name);
    found.assert_contains(&format!("name=\"unit_id\" value=\"{}\"", unit.id));
    person
        .post("/me/employment/bind", &[("unit_id", &unit.id.to_string())])
        .await
        .assert_redirect("/me/employment");
    let page = person.get("/me/employment").await;
    page.assert_contains(&format!("已向“{unit_name}”提交绑定申请"));
    page.assert_contains("badge-warn\">待确认</span>");
    let b = store
        .open_binding(person_acc.id)
        .await
        .unwrap()
        .expect("a binding request");
    assert_eq!(b.unit_id, unit.id);
    assert_eq!(b.state, domain::binding::BindingState::Requested);

    // The clerk confirms it with the bulk form.
    assert_eq!(store.org_todo_counts(unit.id).await.unwrap().0, 1);
    clerk
        .get("/")
        .await
        .assert_contains(&todo("待确认的绑定申请", 1));
    let list = clerk.get("/org/staff?state=requested").await;
    list.assert_contains(&person_acc.real_name);
    list.assert_contains(&format!("name=\"binding\" value=\"{}\"", b.id));
    clerk
        .post("/org/staff/confirm", &[("binding", &b.id.to_string())])
        .await
        .assert_redirect("/org/staff?state=requested");
    clerk
        .get("/org/staff?state=requested")
        .await
        .assert_contains("已确认 1 人。");
    let confirmed = store.binding(b.id).await.unwrap().unwrap();
    assert_eq!(confirmed.state, domain::binding::BindingState::Confirmed);
    assert!(confirmed.decided_at.is_some());
    let trail = store.trail("binding", b.id).await.unwrap();
    assert_eq!(
        trail.iter().map(|t| t.action.as_str()).collect::<Vec<_>>(),
        ["request", "confirm"]
    );
    assert_eq!(trail[0].org_name, None, "the person asked for themselves");
    assert_eq!(trail[1].org_name.as_deref(), Some(unit_name));
    assert_eq!(
        trail[1].actor_name.as_deref(),
        Some(clerk_acc.real_name.as_str())
    );
    let staff = clerk.get("/org/staff").await;
    staff.assert_contains(&person_acc.real_name);
    staff.assert_contains("badge-ok\">已确认</span>");

    // The person asks to transfer to 广州市天河中学.
    let reason = "家庭搬迁，调往天河中学任教";
    let page = person
        .get(&format!("/me/employment?q={}", enc("天河中学")))
        .await;
    page.assert_contains("办理调动");
    page.assert_contains(&format!("name=\"unit_id\" value=\"{}\"", thzx.id));
    person
        .post(
            "/me/transfer",
            &[("unit_id", &thzx.id.to_string()), ("reason", reason)],
        )
        .await
        .assert_redirect("/me/employment");
    let page = person.get("/me/employment").await;
    page.assert_contains(&format!(
        "调动申请已提交，等待“广州市天河中学”接收。接收前您仍属于“{unit_name}”。"
    ));
    page.assert_contains("调动申请：调入“广州市天河中学”");
    let transfers = store.transfers_of(person_acc.id).await.unwrap();
    assert_eq!(transfers.len(), 1);
    let t = &transfers[0];
    assert_eq!(t.state, domain::binding::TransferState::Requested);
    assert_eq!(t.from_unit_id, unit.id);
    assert_eq!(t.to_unit_id, thzx.id);
    assert_eq!(t.reason, reason);
    assert_eq!(
        store.open_binding(person_acc.id).await.unwrap().unwrap().id,
        b.id,
        "still bound to the old unit until accepted"
    );

    // 天河中学 accepts.
    let mut head = acting(&app, "thzx", thzx.id).await;
    let incoming = store.org_todo_counts(thzx.id).await.unwrap().1;
    assert_eq!(
        incoming,
        store
            .transfers_to(thzx.id, domain::binding::TransferState::Requested)
            .await
            .unwrap()
            .len() as u64
    );
    head.get("/")
        .await
        .assert_contains(&todo("待接收的调入申请", incoming));
    let list = head.get("/org/transfers").await;
    list.assert_contains(&person_acc.real_name);
    list.assert_contains(unit_name);
    list.assert_contains(reason);
    head.post(&format!("/org/transfers/{}/accept", t.id), &[])
        .await
        .assert_redirect("/org/transfers");
    head.get("/org/transfers").await.assert_contains(&format!(
        "已接收 {}，其原单位“{unit_name}”的绑定已结束。",
        person_acc.real_name
    ));

    let t = store.transfer(t.id).await.unwrap().unwrap();
    assert_eq!(t.state, domain::binding::TransferState::Accepted);
    assert!(t.decided_at.is_some());
    let old = store.binding(b.id).await.unwrap().unwrap();
    assert_eq!(old.state, domain::binding::BindingState::Ended);
    assert_eq!(old.reason, "调动至广州市天河中学");
    assert!(old.ended_at.is_some());
    let new = store
        .open_binding(person_acc.id)
        .await
        .unwrap()
        .expect("bound to the new unit");
    assert_eq!(new.unit_id, thzx.id);
    assert_eq!(new.state, domain::binding::BindingState::Confirmed);
    assert_eq!(new.reason, format!("由{unit_name}调入"));
    assert_eq!(store.bindings_of(person_acc.id).await.unwrap().len(), 2);
    let trail = store.trail("transfer", t.id).await.unwrap();
    assert_eq!(
        trail.iter().map(|t| t.action.as_str()).collect::<Vec<_>>(),
        ["request", "accept"]
    );
    assert_eq!(trail[0].org_name, None);
    assert_eq!(
        trail[0].actor_name.as_deref(),
        Some(person_acc.real_name.as_str())
    );
    assert_eq!(trail[1].org_name.as_deref(), Some("广州市天河中学"));
    assert_eq!(trail[1].actor_name.as_deref(), Some("谢志明"));

    // The person sees the new unit and the history; the old unit no longer lists them.
    let page = person.get("/me/employment").await;
    page.assert_contains(
        "<strong>广州市天河中学</strong> <span class=\"badge badge-ok\">已确认</span>",
    );
    page.assert_contains(&format!("{unit_name} → 广州市天河中学"));
    page.assert_contains("badge-ok\">已接收</span>");
    page.assert_contains(&format!("<td data-label=\"单位\">{unit_name}</td>"));
    page.assert_contains("badge-muted\">已解除</span>");
    page.assert_contains("调动至广州市天河中学");
    clerk
        .get("/org/staff")
        .await
        .assert_lacks(&person_acc.real_name);
    head.get(&format!("/org/staff?doc={}", person_acc.doc_number))
        .await
        .assert_contains(&person_acc.real_name);
});

on_both_engines!(
    a_rejection_needs_a_reason_and_the_applicant_sees_it,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let jy = org_named(&app, "广州市教育局").await;
        let hz3 = org_named(&app, "广州市海珠区第三中学").await;
        assert_eq!(hz3.status, domain::org::OrgStatus::Applied);
        let mut reviewer = acting(&app, "gzjy", jy.id).await;
        reviewer
            .get("/org/registrations")
            .await
            .assert_contains("广州市海珠区第三中学");
        let reject = format!("/org/registrations/{}/reject", hz3.id);

        // Without a reason (or with blanks only) nothing changes.
        for blank in ["", "   "] {
            reviewer
                .post(&reject, &[("reason", blank)])
                .await
                .assert_redirect("/org/registrations");
            let page = reviewer.get("/org/registrations").await;
            page.assert_contains(
                "flash-error\" role=\"status\">“广州市海珠区第三中学”：请填写不通过的原因",
            );
            page.assert_contains(&format!("/org/registrations/{}/approve", hz3.id));
            let still = store.organization(hz3.id).await.unwrap().unwrap();
            assert_eq!(still.status, domain::org::OrgStatus::Applied);
            assert_eq!(still.decision_reason, "");
            assert!(still.decided_at.is_none());
            assert!(trail_actions(&app, "organization", hz3.id).await.is_empty());
        }

        let reason = "营业执照已过期，请更新后重新申请";
        reviewer
            .post(&reject, &[("reason", reason)])
            .await
            .assert_redirect("/org/registrations");
        let page = reviewer.get("/org/registrations").await;
        page.assert_contains("已退回“广州市海珠区第三中学”的注册申请。");
        page.assert_lacks(&format!("/org/registrations/{}/approve", hz3.id));
        let rejected = store.organization(hz3.id).await.unwrap().unwrap();
        assert_eq!(rejected.status, domain::org::OrgStatus::Rejected);
        assert_eq!(rejected.decision_reason, reason);
        let trail = store.trail("organization", hz3.id).await.unwrap();
        assert_eq!(trail.len(), 1);
        assert_eq!(trail[0].action, "reject");
        assert_eq!(trail[0].note, reason);
        assert_eq!(trail[0].org_name.as_deref(), Some("广州市教育局"));

        // A late approval does not overturn it.
        reviewer
            .post(&format!("/org/registrations/{}/approve", hz3.id), &[])
            .await
            .assert_redirect("/org/registrations");
        reviewer
            .get("/org/registrations")
            .await
            .assert_contains("该申请已经处理过了，无需重复操作");
        assert_eq!(
            store.organization(hz3.id).await.unwrap().unwrap().status,
            domain::org::OrgStatus::Rejected
        );
        let applicant = account_id(&app, "haizhu3").await;
        assert!(
            store
                .membership_of(hz3.id, applicant)
                .await
                .unwrap()
                .is_none()
        );

        // The applicant reads the decision and its reason.
        let mut c = signed_in(&app, "haizhu3").await;
        let page = c.get("/organizations/register").await;
        page.assert_contains("广州市海珠区第三中学");
        page.assert_contains("badge-danger\">未通过</span>");
        page.assert_contains(&format!("<td data-label=\"审核意见\">{reason}</td>"));
        c.get("/act").await.assert_lacks("广州市海珠区第三中学");
    }
);

on_both_engines!(registration_refuses_a_taken_or_mistyped_code, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let jy = org_named(&app, "广州市教育局").await;
    let yz = org_named(&app, "广州市第一中学").await;
    let me = account_id(&app, "zhangwei").await;
    let mine = || async {
        store
            .organizations(&OrgFilter {
                registered_by: Some(me),
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap()
            .total
    };
    let mut c = signed_in(&app, "zhangwei").await;
    let jy_id = jy.id.to_string();

    // The code of a unit already registered.
    c.get("/organizations/register").await;
    let key = c.form_key.clone().unwrap();
    let taken = yz.id_code.clone().unwrap();
    let r = c
        .post(
            "/organizations/register",
            &unit_form(&key, "广州市第一中学分校", &taken, &jy_id),
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("id=\"id_code-error\">该统一社会信用代码（组织机构代码）已注册过单位。");
    assert_eq!(r.input_value("name").as_deref(), Some("广州市第一中学分校"));
    assert_eq!(r.input_value("id_code").as_deref(), Some(taken.as_str()));
    assert_eq!(mine().await, 0);

    // A wrong check character.
    let good = credit_code(2);
    let last = good.chars().last().unwrap();
    let wrong_last = if last == '0' { '1' } else { '0' };
    let wrong = format!("{}{wrong_last}", &good[..17]);
    let r = c
        .post(
            "/organizations/register",
            &unit_form(&key, "广州市天河区第九小学", &wrong, &jy_id),
        )
        .await;
    assert_eq!(r.status, 200);
    r.assert_contains("id=\"id_code-error\">统一社会信用代码校验位不正确，请核对最后一位");
    assert_eq!(r.input_value("id_code").as_deref(), Some(wrong.as_str()));
    assert_eq!(
        r.input_value("address").as_deref(),
        Some("广州市天河区体育西路1号")
    );
    assert_eq!(mine().await, 0);
    assert!(
        store
            .organization_by_identifier(&wrong)
            .await
            .unwrap()
            .is_none()
    );

    // Corrected, the same form goes through.
    c.post(
        "/organizations/register",
        &unit_form(&key, "广州市天河区第九小学", &good, &jy_id),
    )
    .await
    .assert_redirect("/organizations/register");
    assert_eq!(mine().await, 1);
});

on_both_engines!(
    transfers_to_the_own_unit_or_without_reason_are_refused,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let yz = org_named(&app, "广州市第一中学").await;
        let thzx = org_named(&app, "广州市天河中学").await;
        let me = account_id(&app, "zhangwei").await;
        let mut c = signed_in(&app, "zhangwei").await;
        for (unit, reason, message) in [
            (yz.id, "工作需要", "不能调动到当前所在单位"),
            (thzx.id, "", "请填写调动原因"),
            (thzx.id, "   ", "请填写调动原因"),
            (thzx.id, "调", "调动原因应为2到200个字"),
        ] {
            c.get("/me/employment").await;
            c.post(
                "/me/transfer",
                &[("unit_id", &unit.to_string()), ("reason", reason)],
            )
            .await
            .assert_redirect("/me/employment");
            c.get("/me/employment")
                .await
                .assert_contains(&format!("flash-error\" role=\"status\">{message}"));
            assert!(store.transfers_of(me).await.unwrap().is_empty());
        }
        // One transfer at a time.
        c.post(
            "/me/transfer",
            &[("unit_id", &thzx.id.to_string()), ("reason", "工作调动")],
        )
        .await
        .assert_redirect("/me/employment");
        let yy = org_named(&app, "广州市第一人民医院").await;
        c.get("/me/employment").await;
        c.post(
            "/me/transfer",
            &[("unit_id", &yy.id.to_string()), ("reason", "工作调动")],
        )
        .await
        .assert_redirect("/me/employment");
        c.get("/me/employment")
            .await
            .assert_contains("您已有一个调动申请正在办理");
        let ts = store.transfers_of(me).await.unwrap();
        assert_eq!(ts.len(), 1);
        assert_eq!(ts[0].to_unit_id, thzx.id);
    }
);

on_both_engines!(a_second_binding_is_refused, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let thzx = org_named(&app, "广州市天河中学").await;
    let me = account_id(&app, "demo02").await;
    let mut c = signed_in(&app, "demo02").await;
    c.post("/me/employment/bind", &[("unit_id", &yz.id.to_string())])
        .await
        .assert_redirect("/me/employment");
    c.get("/me/employment").await;
    c.post("/me/employment/bind", &[("unit_id", &thzx.id.to_string())])
        .await
        .assert_redirect("/me/employment");
    c.get("/me/employment").await.assert_contains(
        "flash-error\" role=\"status\">您已绑定单位（或正在等待单位确认），如需更换单位请办理调动",
    );
    let all = store.bindings_of(me).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].unit_id, yz.id);
    assert_eq!(all[0].state, domain::binding::BindingState::Requested);
    // A unit that is not an employer (a department) is not found.
    let jy = org_named(&app, "广州市教育局").await;
    c.post("/me/employment/cancel", &[])
        .await
        .assert_redirect("/me/employment");
    c.get("/me/employment").await;
    c.post("/me/employment/bind", &[("unit_id", &jy.id.to_string())])
        .await
        .assert_redirect("/me/employment");
    c.get("/me/employment")
        .await
        .assert_contains("没有找到该单位，请重新查询。");
    assert!(store.open_binding(me).await.unwrap().is_none());
});

on_both_engines!(confirming_a_confirmed_binding_changes_nothing, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let demo01 = account_id(&app, "demo01").await;
    let b = store.open_binding(demo01).await.unwrap().unwrap();
    assert_eq!((b.unit_id, b.state.code()), (yz.id, "requested"));
    let p = new_person(&app, "wait_one", "孙立新", 11).await;
    let other = store
        .request_binding(
            p,
            yz.id,
            domain::binding::BindingState::Requested,
            app.state.now(),
        )
        .await
        .unwrap()
        .unwrap();
    let mut c = acting(&app, "yizhong", yz.id).await;
    let id = b.id.to_string();
    c.post("/org/staff/confirm", &[("binding", &id)])
        .await
        .assert_redirect("/org/staff?state=requested");
    c.get("/org/staff?state=requested")
        .await
        .assert_contains("flash-success\" role=\"status\">已确认 1 人。");
    let first = store.binding(b.id).await.unwrap().unwrap();
    assert_eq!(first.state, domain::binding::BindingState::Confirmed);

    // Again (a stale page), and together with one still waiting.
    c.post("/org/staff/confirm", &[("binding", &id)])
        .await
        .assert_redirect("/org/staff?state=requested");
    c.get("/org/staff?state=requested").await.assert_contains(
        "flash-info\" role=\"status\">已确认 0 人；另有 1 人已被处理过，未重复操作。",
    );
    c.post(
        "/org/staff/confirm",
        &[("binding", &id), ("binding", &other.to_string())],
    )
    .await
    .assert_redirect("/org/staff?state=requested");
    c.get("/org/staff?state=requested").await.assert_contains(
        "flash-info\" role=\"status\">已确认 1 人；另有 1 人已被处理过，未重复操作。",
    );
    let again = store.binding(b.id).await.unwrap().unwrap();
    assert_eq!(again.state, domain::binding::BindingState::Confirmed);
    assert_eq!(again.decided_at, first.decided_at);
    assert_eq!(trail_actions(&app, "binding", b.id).await, ["confirm"]);
    assert_eq!(trail_actions(&app, "binding", other).await, ["confirm"]);
    // Refusing a confirmed one is refused too.
    c.post(
        "/org/staff/refuse",
        &[("binding", &id), ("reason", "不是本校")],
    )
    .await
    .assert_redirect("/org/staff?state=requested");
    c.get("/org/staff?state=requested")
        .await
        .assert_contains("已拒绝 0 人；另有 1 人已被处理过");
    assert_eq!(
        store.binding(b.id).await.unwrap().unwrap().state,
        domain::binding::BindingState::Confirmed
    );
    // Nothing ticked.
    c.post("/org/staff/confirm", &[])
        .await
        .assert_redirect("/org/staff?state=requested");
    c.get("/org/staff?state=requested")
        .await
        .assert_contains("请先勾选要处理的人员。");
});

async fn last_admin_refused(c: &mut Client) {
    c.get("/org/members")
        .await
        .assert_contains("flash-error\" role=\"status\">单位至少要保留一名管理员");
}

on_both_engines!(the_last_administrator_cannot_leave, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let me = account_id(&app, "yizhong").await;
    let mine = store.membership_of(yz.id, me).await.unwrap().unwrap();
    let roles_before = mine.roles;
    assert!(Roles::from_bits(roles_before).contains(Role::Admin));
    let admins = || async { store.count_admins(yz.id, admin_bits()).await.unwrap() };
    assert_eq!(admins().await, 1);
    let mut c = acting(&app, "yizhong", yz.id).await;
    let roles = format!("/org/members/{}/roles", mine.id);
    let remove = format!("/org/members/{}/remove", mine.id);

    c.post(&roles, &[("roles", "clerk"), ("roles", "reviewer")])
        .await
        .assert_redirect("/org/members");
    last_admin_refused(&mut c).await;
    c.post(&remove, &[]).await.assert_redirect("/org/members");
    last_admin_refused(&mut c).await;
    let still = store.membership(mine.id).await.unwrap().unwrap();
    assert_eq!((still.state.code(), still.roles), ("active", roles_before));
    assert!(trail_actions(&app, "membership", mine.id).await.is_empty());

    // Ticking no role at all takes the administrator's role away too.
    c.post(&roles, &[]).await.assert_redirect("/org/members");
    last_admin_refused(&mut c).await;

    // An invited administrator does not count until they accept.
    let demo02 = account_id(&app, "demo02").await;
    c.post(
        "/org/members/invite",
        &[("account_id", &demo02.to_string()), ("roles", "admin")],
    )
    .await
    .assert_redirect("/org/members");
    c.get("/org/members").await;
    c.post(&remove, &[]).await.assert_redirect("/org/members");
    last_admin_refused(&mut c).await;
    assert_eq!(
        store.membership(mine.id).await.unwrap().unwrap().state,
        domain::roles::MembershipState::Active
    );

    // Once a second administrator is active, the first may step down.
    let invitation = store.membership_of(yz.id, demo02).await.unwrap().unwrap();
    let mut other = signed_in(&app, "demo02").await;
    other
        .post(&format!("/me/organizations/{}/accept", invitation.id), &[])
        .await
        .assert_redirect("/me/organizations");
    assert_eq!(admins().await, 2);
    c.get("/org/members").await;
    c.post(&roles, &[("roles", "clerk")])
        .await
        .assert_redirect("/org/members");
    let after = store.membership(mine.id).await.unwrap().unwrap();
    assert_eq!(after.roles, clerk_bits());
    assert_eq!(admins().await, 1);
    assert_eq!(trail_actions(&app, "membership", mine.id).await, ["roles"]);
    // Now only a clerk, the members page is no longer theirs.
    assert_eq!(c.get("/org/members").await.status, 404);
});

on_both_engines!(two_clerks_confirming_at_once_confirm_once, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let second = new_person(&app, "yz_clerk2", "钱晓东", 20).await;
    store
        .invite_member(
            yz.id,
            second,
            clerk_bits(),
            None,
            domain::roles::MembershipState::Active,
            app.state.now(),
        )
        .await
        .unwrap();
    let mut a = acting(&app, "yizhong", yz.id).await;
    let mut b = acting(&app, "yz_clerk2", yz.id).await;
    // The same clerk in a second browser, too.
    let mut a2 = acting(&app, "yizhong", yz.id).await;
    for round in 0..4u32 {
        let p = new_person(&app, &format!("race{round}"), "周子健", 30 + round).await;
        let id = store
            .request_binding(
                p,
                yz.id,
                domain::binding::BindingState::Requested,
                app.state.now(),
            )
            .await
            .unwrap()
            .unwrap();
        let id_s = id.to_string();
        let form = [("binding", id_s.as_str())];
        let other = if round % 2 == 0 { &mut b } else { &mut a2 };
        let (ra, rb) = tokio::join!(
            a.post("/org/staff/confirm", &form),
            other.post("/org/staff/confirm", &form)
        );
        ra.assert_redirect("/org/staff?state=requested");
        rb.assert_redirect("/org/staff?state=requested");
        let now = store.binding(id).await.unwrap().unwrap();
        assert_eq!(
            now.state,
            domain::binding::BindingState::Confirmed,
            "round {round}"
        );
        assert_eq!(
            trail_actions(&app, "binding", id).await,
            ["confirm"],
            "round {round}: exactly one confirmation"
        );
        let pa = a.get("/org/staff?state=requested").await;
        let pb = other.get("/org/staff?state=requested").await;
        let done = |r: &Response| r.body.contains("已确认 1 人。");
        let skipped = |r: &Response| r.body.contains("已确认 0 人；另有 1 人已被处理过");
        assert!(
            (done(&pa) && skipped(&pb)) || (skipped(&pa) && done(&pb)),
            "round {round}: one confirms, the other is told it was done"
        );
    }
});

/// Milliseconds by which the withdrawal and the acceptance start late, round by round.
const STAGGER: [(u64, u64); 8] = [
    (0, 0),
    (0, 1),
    (0, 3),
    (0, 6),
    (1, 0),
    (3, 0),
    (6, 0),
    (10, 0),
];

on_both_engines!(a_withdrawal_racing_an_acceptance_has_one_winner, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let thzx = org_named(&app, "广州市天河中学").await;
    let mut head = acting(&app, "thzx", thzx.id).await;
    let (mut accepted, mut withdrawn) = (0, 0);
    for round in 0..STAGGER.len() as u32 {
        let login = format!("mover{round}");
        let p = new_person(&app, &login, "吴思远", 40 + round).await;
        let old = store
            .request_binding(
                p,
                yz.id,
                domain::binding::BindingState::Confirmed,
                app.state.now(),
            )
            .await
            .unwrap()
            .unwrap();
        let t = store
            .request_transfer(p, yz.id, thzx.id, "工作调动", app.state.now())
            .await
            .unwrap()
            .unwrap();
        let mut person = signed_in(&app, &login).await;
        person.get("/me/employment").await;
        head.get("/org/transfers").await;
        let withdraw = format!("/me/transfer/{t}/withdraw");
        let accept = format!("/org/transfers/{t}/accept");
        // Either side starts a little later than the other in turn, so that both
        // orders of arrival are tried.
        let pause = |ms: u64| tokio::time::sleep(std::time::Duration::from_millis(ms));
        let (late_withdraw, late_accept) = STAGGER[round as usize];
        let (rw, ra) = tokio::join!(
            async {
                pause(late_withdraw).await;
                person.post(&withdraw, &[]).await
            },
            async {
                pause(late_accept).await;
                head.post(&accept, &[]).await
            }
        );
        let (withdraw_500, accept_500) = (rw.status == 500, ra.status == 500);
        rw.assert_redirect("/me/employment");
        ra.assert_redirect("/org/transfers");
        assert!(!withdraw_500, "round {round}: the withdrawal failed");
        let state = store.transfer(t).await.unwrap().unwrap().state;
        let actions = trail_actions(&app, "transfer", t).await;
        let bindings = store.bindings_of(p).await.unwrap();
        let open = store.open_binding(p).await.unwrap().unwrap();
        match state.code() {
            "accepted" => {
                accepted += 1;
                assert_eq!(actions, ["accept"], "round {round}");
                assert_eq!(bindings.len(), 2);
                assert_eq!(
                    store.binding(old).await.unwrap().unwrap().state,
                    domain::binding::BindingState::Ended
                );
                assert_eq!((open.unit_id, open.state.code()), (thzx.id, "confirmed"));
                person
                    .get("/me/employment")
                    .await
                    .assert_contains("flash-error");
                assert!(!accept_500, "round {round}: the acceptance won yet failed");
            }
            "withdrawn" => {
                withdrawn += 1;
                assert_eq!(actions, ["withdraw"], "round {round}");
                assert_eq!(bindings.len(), 1);
                assert_eq!((open.id, open.state.code()), (old, "confirmed"));
                if !accept_500 {
                    head.get("/org/transfers")
                        .await
                        .assert_contains("flash-error");
                }
            }
            other => panic!("round {round}: transfer is {other}"),
        }
    }
    eprintln!("accepted {accepted}, withdrawn {withdrawn}");
});

on_both_engines!(each_organisation_sees_the_staff_of_its_subtree, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let account = |login: &'static str| async move {
        store.account_by_identifier(login).await.unwrap().unwrap()
    };
    let zhangwei = account("zhangwei").await;
    let lina = account("lina").await;
    // A person of 深圳福田建筑设计院 and one of 广州市第一人民医院 (demo data).
    let sz = account("demo06").await;
    let hospital = account("demo27").await;
    let unit_of = |id: i64| async move { store.open_binding(id).await.unwrap().unwrap().unit_name };
    assert_eq!(unit_of(sz.id).await, "深圳福田建筑设计院有限公司");
    assert_eq!(unit_of(hospital.id).await, "广州市第一人民医院");
    assert_eq!(unit_of(zhangwei.id).await, "广州市第一中学");

    let cases: [(
        &str,
        &str,
        &[&store::accounts::Account],
        &[&store::accounts::Account],
    ); 6] = [
        (
            "gzhr",
            "广州市人力资源和社会保障局",
            &[&zhangwei, &hospital, &lina],
            &[&sz],
        ),
        (
            "szhr",
            "深圳市人力资源和社会保障局",
            &[&sz],
            &[&zhangwei, &hospital],
        ),
        (
            "gzjy",
            "广州市教育局",
            &[&zhangwei, &lina],
            &[&hospital, &sz],
        ),
        (
            "gzws",
            "广州市卫生健康委员会",
            &[&hospital],
            &[&zhangwei, &lina],
        ),
        (
            "yizhong",
            "广州市第一中学",
            &[&zhangwei],
            &[&lina, &hospital, &sz],
        ),
        ("thzx", "广州市天河中学", &[&lina], &[&zhangwei, &hospital]),
    ];
    for (login, org_name, sees, misses) in cases {
        let org = org_named(&app, org_name).await;
        let mut c = acting(&app, login, org.id).await;
        for (who, expected) in sees
            .iter()
            .map(|a| (a, true))
            .chain(misses.iter().map(|a| (a, false)))
        {
            let page = c.get(&format!("/org/staff?doc={}", who.doc_number)).await;
            assert_eq!(page.status, 200);
            let in_db = store
                .staff(&store::bindings::StaffFilter {
                    within: org.id,
                    doc_number: Some(who.doc_number.clone()),
                    per_page: 20,
                    ..Default::default()
                })
                .await
                .unwrap()
                .total;
            assert_eq!(in_db, u64::from(expected), "{org_name} / {}", who.real_name);
            if expected {
                page.assert_contains(&format!(">{}</a></td>", who.real_name));
            } else {
                page.assert_lacks(&format!(">{}</a></td>", who.real_name));
                page.assert_contains("没有符合条件的人员。");
            }
        }
    }
});

on_both_engines!(
    a_bad_date_in_the_profile_is_shown_next_to_the_field,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        let me = account_id(&app, "zhangwei").await;
        let before = store.profile(me).await.unwrap().unwrap();
        let mut c = signed_in(&app, "zhangwei").await;
        let page = c.get("/me/profile").await;
        assert_eq!(
            page.input_value("major").as_deref(),
            Some("计算机科学与技术")
        );
        for (date, message) in [
            ("2020-02-30", "毕业时间不是有效的日期，请核对月份和日期"),
            ("2020-7", "毕业时间格式应如 2020-01-31"),
            ("2099-07-01", "毕业时间不能晚于今天"),
        ] {
            let r = c
                .post(
                    "/me/profile",
                    &[
                        ("graduation_date", date),
                        ("major", "教育学"),
                        ("school", "华南师范大学"),
                        ("city", "440100"),
                        ("district", "440106"),
                    ],
                )
                .await;
            assert_eq!(r.status, 200, "{date}");
            r.assert_contains(&format!(
                "<p class=\"error\" id=\"graduation_date-error\">{message}</p>"
            ));
            assert_eq!(r.input_value("graduation_date").as_deref(), Some(date));
            assert_eq!(r.input_value("major").as_deref(), Some("教育学"));
            assert_eq!(r.input_value("school").as_deref(), Some("华南师范大学"));
            let after = store.profile(me).await.unwrap().unwrap();
            assert_eq!(after.major, before.major);
            assert_eq!(after.graduation_date, before.graduation_date);
        }
        // Corrected, it is saved.
        c.post(
            "/me/profile",
            &[
                ("graduation_date", "2008-07-01"),
                ("major", "教育学"),
                ("city", "440100"),
                ("district", "440106"),
            ],
        )
        .await
        .assert_redirect("/me/profile");
        c.get("/me/profile")
            .await
            .assert_contains("个人资料已保存。");
        assert_eq!(store.profile(me).await.unwrap().unwrap().major, "教育学");
    }
);

on_both_engines!(home_pages_count_what_waits, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let jy = org_named(&app, "广州市教育局").await;
    let thzx = org_named(&app, "广州市天河中学").await;

    // A unit: the binding requests waiting for it.
    let mut unit = acting(&app, "yizhong", yz.id).await;
    let (waiting, _, _) = store.org_todo_counts(yz.id).await.unwrap();
    assert!(waiting >= 1, "the demo has requests at 广州市第一中学");
    let by_list = store
        .staff(&store::bindings::StaffFilter {
            within: yz.id,
            state: Some(domain::binding::BindingState::Requested),
            per_page: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .total;
    assert_eq!(waiting, by_list);
    let home = unit.get("/").await;
    home.assert_contains(&todo("待确认的绑定申请", waiting));
    home.assert_lacks("待审核的单位注册");
    let mut p = signed_in(&app, "demo02").await;
    p.post("/me/employment/bind", &[("unit_id", &yz.id.to_string())])
        .await
        .assert_redirect("/me/employment");
    assert_eq!(store.org_todo_counts(yz.id).await.unwrap().0, waiting + 1);
    unit.get("/")
        .await
        .assert_contains(&todo("待确认的绑定申请", waiting + 1));
    // The person waiting sees it on their own home page.
    p.get("/")
        .await
        .assert_contains(&todo("绑定申请等待单位确认", 1));

    // A unit receiving transfers.
    let incoming = store.org_todo_counts(thzx.id).await.unwrap().1;
    assert!(incoming >= 1);
    acting(&app, "thzx", thzx.id)
        .await
        .get("/")
        .await
        .assert_contains(&todo("待接收的调入申请", incoming));

    // A department: the registrations below it.
    let units = store.org_todo_counts(jy.id).await.unwrap().2;
    assert_eq!(units, 1);
    let home = acting(&app, "gzjy", jy.id).await.get("/").await;
    home.assert_contains(&todo("待审核的单位注册", 1));
    home.assert_lacks("待确认的绑定申请");

    // A person invited by a unit.
    let lina = account_id(&app, "lina").await;
    let invited = store
        .memberships_of_account(lina)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.state == domain::roles::MembershipState::Invited)
        .count() as u64;
    assert_eq!(invited, 1);
    let home = signed_in(&app, "lina").await.get("/").await;
    home.assert_contains(&todo("单位邀请待接受", 1));
    home.assert_contains(&todo("绑定申请等待单位确认", 1));
});

// Two administrators who remove (or demote) each other at the same moment: the check and
// the change are one transaction behind the organisation's row, so one of them is refused.
on_both_engines!(two_administrators_removing_each_other_leave_one, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let first = account_id(&app, "yizhong").await;
    let second = new_person(&app, "yz_admin2", "郑国华", 50).await;
    for round in 0..12 {
        for who in [first, second] {
            store
                .invite_member(
                    yz.id,
                    who,
                    admin_bits(),
                    None,
                    domain::roles::MembershipState::Active,
                    app.state.now(),
                )
                .await
                .unwrap();
        }
        assert_eq!(store.count_admins(yz.id, admin_bits()).await.unwrap(), 2);
        let m1 = store.membership_of(yz.id, first).await.unwrap().unwrap().id;
        let m2 = store
            .membership_of(yz.id, second)
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut a = acting(&app, "yizhong", yz.id).await;
        let mut b = acting(&app, "yz_admin2", yz.id).await;
        let (remove1, remove2) = (
            format!("/org/members/{m1}/remove"),
            format!("/org/members/{m2}/remove"),
        );
        let (ra, rb) = tokio::join!(a.post(&remove2, &[]), b.post(&remove1, &[]));
        // The later one may find itself removed already: then its page is missing.
        for r in [&ra, &rb] {
            if r.status != 404 {
                r.assert_redirect("/org/members");
            }
        }
        assert!(
            store.count_admins(yz.id, admin_bits()).await.unwrap() >= 1,
            "round {round}: 单位至少要保留一名管理员"
        );
    }
});

// A withdrawal that commits while the unit accepts: the acceptance is told the request
// was handled, never a server error (the acceptance writes before it reads).
on_both_engines!(a_losing_acceptance_is_no_server_error, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let thzx = org_named(&app, "广州市天河中学").await;
    let mut head = acting(&app, "thzx", thzx.id).await;
    let mut failures = Vec::new();
    for round in 0..80u32 {
        let login = format!("loser{round}");
        let p = new_person(&app, &login, "吴思远", 100 + round).await;
        store
            .request_binding(
                p,
                yz.id,
                domain::binding::BindingState::Confirmed,
                app.state.now(),
            )
            .await
            .unwrap();
        let t = store
            .request_transfer(p, yz.id, thzx.id, "工作调动", app.state.now())
            .await
            .unwrap()
            .unwrap();
        let mut person = signed_in(&app, &login).await;
        person.get("/me/employment").await;
        head.get("/org/transfers").await;
        let withdraw = format!("/me/transfer/{t}/withdraw");
        let accept = format!("/org/transfers/{t}/accept");
        let late = std::time::Duration::from_micros(u64::from(round % 20) * 250);
        let (rw, ra) = tokio::join!(
            async {
                tokio::time::sleep(late).await;
                person.post(&withdraw, &[]).await
            },
            head.post(&accept, &[])
        );
        if rw.status == 500 || ra.status == 500 {
            failures.push((round, rw.status, ra.status));
        }
    }
    assert!(failures.is_empty(), "server errors: {failures:?}");
});

/// The unit information form as the administrator posts it, with `changes` applied.
fn info_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("legal_rep", "张志远"),
        ("contact_name", "王小红"),
        ("contact_phone", "020-83331234"),
        ("address", "广州市越秀区越华路1号"),
        ("email", "jiaowu@gzyz.edu.cn"),
        ("postcode", "510030"),
        ("functions", "实施高中教育，促进基础教育发展。"),
        ("nature", "public_institution"),
        ("affiliation", "city"),
    ];
    for (k, v) in changes {
        f.retain(|(name, _)| name != k);
        f.push((k, v));
    }
    f
}

/// The `<p class="error">` shown under a field.
fn error_of(field: &str, message: &str) -> String {
    format!("<p class=\"error\" id=\"{field}-error\">{message}</p>")
}

on_both_engines!(
    the_unit_keeps_its_email_postcode_functions_nature_and_affiliation,
    |app| {
        with_demo(&app).await;
        let yz = org_named(&app, "广州市第一中学").await;
        // The demo unit has them filled in.
        assert_eq!(
            (
                yz.email.as_str(),
                yz.postcode.as_str(),
                yz.nature.as_str(),
                yz.affiliation.as_str()
            ),
            (
                "office@yz.example.cn",
                "510030",
                "public_institution",
                "city"
            )
        );
        assert!(!yz.functions.is_empty());
        let mut admin = acting(&app, "yizhong", yz.id).await;
        let page = admin.get("/org/info").await;
        assert_eq!(
            page.input_value("email").as_deref(),
            Some("office@yz.example.cn")
        );
        assert_eq!(page.input_value("postcode").as_deref(), Some("510030"));
        page.assert_contains("<option value=\"public_institution\" selected>事业单位</option>");
        page.assert_contains("<option value=\"city\" selected>市级</option>");
        for label in ["政府部门", "企业", "社会团体", "中央", "省级", "区县级"] {
            page.assert_contains(&format!(">{label}</option>"));
        }
        page.assert_contains(&yz.functions);

        // Each wrong field is named next to itself, and what was typed stays.
        let long = "职".repeat(501);
        let r = admin
            .post(
                "/org/info",
                &info_form(&[
                    ("email", "jiaowu.gzyz.edu.cn"),
                    ("postcode", "51003"),
                    ("functions", &long),
                    ("nature", "企业"),
                    ("affiliation", "county"),
                ]),
            )
            .await;
        assert_eq!(r.status, 200);
        r.assert_contains(&error_of(
            "email",
            "电子邮箱格式不正确，应如 name@example.com",
        ));
        r.assert_contains(&error_of("postcode", "邮政编码应为6位数字，如 510000"));
        r.assert_contains(&error_of("functions", "单位职能简介不能超过500个字"));
        r.assert_contains(&error_of("nature", "请从列表中选择单位性质"));
        r.assert_contains(&error_of("affiliation", "请从列表中选择隶属关系"));
        assert_eq!(
            r.input_value("email").as_deref(),
            Some("jiaowu.gzyz.edu.cn")
        );
        assert_eq!(r.input_value("postcode").as_deref(), Some("51003"));
        r.assert_contains(&format!(">{long}</textarea>"));
        assert_eq!(
            org_named(&app, "广州市第一中学").await.email,
            "office@yz.example.cn"
        );

        // Corrected, they are saved and shown.
        admin
            .post(
                "/org/info",
                &info_form(&[("nature", "government"), ("affiliation", "province")]),
            )
            .await
            .assert_redirect("/org/info");
        let saved = org_named(&app, "广州市第一中学").await;
        assert_eq!(
            (
                saved.email.as_str(),
                saved.postcode.as_str(),
                saved.functions.as_str(),
                saved.nature.as_str(),
                saved.affiliation.as_str()
            ),
            (
                "jiaowu@gzyz.edu.cn",
                "510030",
                "实施高中教育，促进基础教育发展。",
                "government",
                "province"
            )
        );
        let page = admin.get("/org/info").await;
        page.assert_contains("单位信息已保存");
        page.assert_contains("<option value=\"government\" selected>政府部门</option>");
        page.assert_contains("<option value=\"province\" selected>省级</option>");
        page.assert_contains("实施高中教育，促进基础教育发展。");

        // Those acting for the unit without being its administrator see them, unchangeable.
        let reviewer = new_person(&app, "yzshenhe", "郑审核", 907).await;
        app.state
            .store
            .invite_member(
                yz.id,
                reviewer,
                clerk_bits(),
                None,
                domain::roles::MembershipState::Active,
                app.state.now(),
            )
            .await
            .unwrap();
        let mut other = acting(&app, "yzshenhe", yz.id).await;
        let page = other.get("/org/info").await;
        assert_eq!(
            page.input_value("email").as_deref(),
            Some("jiaowu@gzyz.edu.cn")
        );
        page.assert_contains("只有单位管理员可以修改联系信息与单位信息");
    }
);
