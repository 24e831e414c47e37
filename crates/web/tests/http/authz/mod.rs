//! The authorization matrix: one table (`table::ROUTES`) of every route of the areas'
//! route files (organisations, people, records, verification, cycles, certificates, accounts
//! and the platform's administration), each with an object (owned by 广州市第一中学, 广州市教育局
//! or a person; `world::obtain`), the contexts that must be refused, and one that may. A
//! refusal is a 404 like a missing page, leaves the object as it was, and is written to the
//! audit log where the row says so; a visitor who has not signed in is sent to sign in; no
//! request changes the bystander's account. Every mismatch of every row is collected and the
//! test fails once, naming each as "METHOD /path as WHO on OBJECT: expected …, got …". A route
//! without a row (or a reason in `table::OPEN`) fails `every_route_has_a_row`.

mod table;
mod world;

use std::collections::BTreeSet;

use crate::on_both_engines;
use crate::orgs::{PASSWORD, account_id, acting, org_named, signed_in};
#[allow(unused_imports)]
use crate::support::*;
use store::audit::AuditFilter;
use table::{Audit, OPEN, Obj, ROUTES, Row, Who, Who::*};
use world::{World, account_snapshot, obtain, snapshot};

const ORGS_ROUTES: &str = include_str!("../../../src/orgs/mod.rs");
const PEOPLE_ROUTES: &str = include_str!("../../../src/people/mod.rs");
const RECORDS_ROUTES: &str = include_str!("../../../src/records/mod.rs");
const VERIFICATION_ROUTES: &str = include_str!("../../../src/verification/mod.rs");
const CYCLES_ROUTES: &str = include_str!("../../../src/cycles/mod.rs");
const CERTIFICATES_ROUTES: &str = include_str!("../../../src/certificates/mod.rs");
const ACCOUNTS_ROUTES: &str = include_str!("../../../src/accounts/mod.rs");
const ADMIN_ROUTES: &str = include_str!("../../../src/admin/mod.rs");

/// The (method, path) pairs of a routes file: every `.route("…", get(…).post(…))`.
fn routes_of(src: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in src.split(".route(").skip(1) {
        let rest = part
            .trim_start()
            .strip_prefix('"')
            .unwrap_or_else(|| panic!("a route path literal: {part}"));
        let end = rest.find('"').expect("closing quote");
        let path = &rest[..end];
        // The handlers up to the closing parenthesis of this `.route(`.
        let mut depth = 1;
        let mut handlers = String::new();
        for ch in rest[end + 1..].chars() {
            match ch {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            handlers.push(ch);
        }
        let mut any = false;
        for m in ["get", "post", "put", "patch", "delete"] {
            let called = handlers.match_indices(&format!("{m}(")).any(|(i, _)| {
                i == 0 || !handlers[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if called {
                out.push((m.to_ascii_uppercase(), path.to_owned()));
                any = true;
            }
        }
        assert!(any, "no method found for {path}: {handlers}");
    }
    out
}

#[test]
fn every_route_has_a_row() {
    let routes: BTreeSet<(String, String)> = [
        ORGS_ROUTES,
        PEOPLE_ROUTES,
        RECORDS_ROUTES,
        VERIFICATION_ROUTES,
        CYCLES_ROUTES,
        CERTIFICATES_ROUTES,
        ACCOUNTS_ROUTES,
        ADMIN_ROUTES,
    ]
    .into_iter()
    .flat_map(routes_of)
    .collect();
    assert!(routes.len() > 20, "the route files were read: {routes:?}");
    let mut problems = Vec::new();
    let mut covered = BTreeSet::new();
    for r in ROUTES {
        if !covered.insert((r.method.to_owned(), r.path.to_owned())) {
            problems.push(format!("{} {}: two rows", r.method, r.path));
        }
    }
    for (m, p, _) in OPEN {
        if !covered.insert(((*m).to_owned(), (*p).to_owned())) {
            problems.push(format!("{m} {p}: both in the table and open"));
        }
    }
    for (m, p) in routes.difference(&covered) {
        problems.push(format!(
            "{m} {p}: no row in authz::table::ROUTES (nor a reason in authz::table::OPEN)"
        ));
    }
    for (m, p) in covered.difference(&routes) {
        problems.push(format!("{m} {p}: a row for a route that does not exist"));
    }
    for r in ROUTES {
        let what = format!("{} {}", r.method, r.path);
        let id_in_path = r.path.contains('{');
        let id_in_form = r.fields.iter().any(|(_, v)| *v == "{id}");
        if id_in_path && id_in_form {
            problems.push(format!("{what}: one id per row"));
        }
        let named_by_nothing = matches!(
            r.object,
            Obj::None | Obj::OrgA | Obj::NewStaff | Obj::OwnAccount
        );
        if (id_in_path || id_in_form) == named_by_nothing {
            problems.push(format!(
                "{what}: the row's object ({:?}) must be named by the id in its path or form, \
                 and only then",
                r.object
            ));
        }
        // Every page of an organisation refuses someone acting as themselves.
        if r.path.starts_with("/org/")
            && !r
                .refused
                .iter()
                .any(|w| matches!(w, Person | YzAdminAsSelf | GzjyAsSelf))
        {
            problems.push(format!(
                "{what}: must be refused to a person acting as themselves"
            ));
        }
        // The platform's pages refuse its administrator acting for an organisation.
        if r.path.starts_with("/admin/")
            && (r.allowed != Platform || !r.refused.contains(&PlatformActing))
        {
            problems.push(format!(
                "{what}: allowed to the platform administrator as themselves only"
            ));
        }
        // One's own account is one's own: nobody else is the one who may.
        if r.object == Obj::OwnAccount && r.allowed != Subject {
            problems.push(format!(
                "{what}: an own account's row is allowed to its Subject"
            ));
        }
        if r.refused.contains(&r.allowed) {
            problems.push(format!("{what}: {:?} both refused and allowed", r.allowed));
        }
        if r.refused.contains(&Anonymous) || r.allowed == Anonymous {
            problems.push(format!(
                "{what}: Anonymous is tried on every row, not listed in one"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems with the table:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

async fn denials(app: &TestApp, account: i64) -> u64 {
    app.state
        .store
        .audit_entries(&AuditFilter {
            event: Some("access_denied".into()),
            account_id: Some(account),
            per_page: 1,
            ..Default::default()
        })
        .await
        .expect("audit")
        .total
}

/// The path with the object's id in its first `{…}` segment, and the second object's id
/// in `{att}`.
fn path_for(template: &str, id: i64, att: i64) -> String {
    let template = template.replace("{att}", &att.to_string());
    match (template.find('{'), template.find('}')) {
        (Some(a), Some(b)) => format!("{}{id}{}", &template[..a], &template[b + 1..]),
        _ => template,
    }
}

/// Ids a form may name besides the object's: "{gzhr}" (that bureau) and "{bystander}" (the
/// bystander's account).
#[derive(Clone, Copy)]
struct Places {
    gzhr: i64,
    bystander: i64,
}

async fn send(c: &mut Client, row: &Row, id: i64, att: i64, places: Places) -> Response {
    let path = path_for(row.path, id, att);
    if row.method == "GET" {
        return c.get(&path).await;
    }
    let id_s = id.to_string();
    let att_s = att.to_string();
    let gzhr_s = places.gzhr.to_string();
    let bystander_s = places.bystander.to_string();
    let fields: Vec<(&str, &str)> = row
        .fields
        .iter()
        .map(|(k, v)| {
            let v = match *v {
                "{id}" => id_s.as_str(),
                "{att}" => att_s.as_str(),
                "{gzhr}" => gzhr_s.as_str(),
                "{bystander}" => bystander_s.as_str(),
                other => other,
            };
            (*k, v)
        })
        .collect();
    // A current CSRF token, as a page of the site would hold it (a visitor who has not
    // signed in keeps the sign-in page's).
    c.get("/act").await;
    if row.path.ends_with("/attachments") || row.path.ends_with("/import") {
        return c
            .post_file(&path, &fields, "file", "证明.pdf", crate::records::PDF)
            .await;
    }
    c.post(&path, &fields).await
}

/// A client for `who`, and the account that asks (none for a visitor not signed in).
async fn client_for<'w>(
    app: &TestApp,
    w: &'w mut World,
    who: Who,
    subject: &Option<String>,
    subject_client: &'w mut Option<Client>,
) -> (&'w mut Client, Option<i64>) {
    if who == Subject {
        let login = subject
            .as_deref()
            .expect("the row's object belongs to a person");
        if subject_client.is_none() {
            *subject_client = Some(signed_in(app, login).await);
        }
        let id = account_id(app, login).await;
        (subject_client.as_mut().expect("signed in"), Some(id))
    } else {
        let id = w.accounts.get(&who).copied();
        (w.clients.get_mut(&who).expect("a client per context"), id)
    }
}

/// What a person reads of an answer, for a failure's message.
fn answer(r: &Response) -> String {
    let mut s = r.status.as_u16().to_string();
    if let Some(to) = &r.location {
        s.push_str(&format!(" to {to}"));
    }
    if r.status.as_u16() != 404 && r.body.contains("页面不存在") {
        s.push_str(" (the missing page)");
    }
    s
}

/// Says which row was being driven when something panicked on the way (an `unwrap` while
/// making or reading its object), since such a panic cannot be collected with the mismatches.
struct Driving(String);

impl Drop for Driving {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("the panic above happened while driving {}", self.0);
        }
    }
}

/// Drives one row: every refused context, a visitor who has not signed in, an unknown id,
/// then the allowed context; answers every mismatch as "METHOD /path as WHO on OBJECT:
/// expected …, got …".
async fn drive(app: &TestApp, w: &mut World, row: &Row) -> Vec<String> {
    let _driving = Driving(format!("{} {} on {:?}", row.method, row.path, row.object));
    let mut failures = Vec::new();
    let obj = obtain(app, w, row.object).await;
    let on = match row.object {
        Obj::None => "nothing".to_owned(),
        o if obj.att != 0 => format!("{o:?} {} ({})", obj.id, obj.att),
        o => format!("{o:?} {}", obj.id),
    };
    let mut fail = |who: Who, expected: &str, got: String| {
        failures.push(format!(
            "{} {} as {who:?} on {on}: expected {expected}, got {got}",
            row.method, row.path
        ));
    };
    let places = Places {
        gzhr: w.gzhr,
        bystander: w.bystander,
    };
    let mut subject_client = None;
    // The person the object belongs to signs in before the snapshot, so that signing in is
    // not taken for a change of their account.
    if row.allowed == Subject || row.refused.contains(&Subject) {
        client_for(app, w, Subject, &obj.subject, &mut subject_client).await;
    }
    let before = snapshot(app, row.object, obj.id).await;
    let bystander = account_snapshot(app, w.bystander).await;
    for &who in row.refused {
        let (c, account) = client_for(app, w, who, &obj.subject, &mut subject_client).await;
        let account = account.expect("a signed-in context has an account");
        let denied = denials(app, account).await;
        let r = send(c, row, obj.id, obj.att, places).await;
        if r.status != 404 || !r.body.contains("页面不存在") {
            fail(who, "404 as a missing page", answer(&r));
        }
        if snapshot(app, row.object, obj.id).await != before {
            fail(who, "the object unchanged", "it changed".into());
        }
        let after = denials(app, account).await;
        if row.audit == Audit::Written && after != denied + 1 {
            fail(
                who,
                "one access_denied entry",
                format!("{}", after as i64 - denied as i64),
            );
        }
    }
    // A visitor who has not signed in is sent to sign in, whatever the route.
    {
        let (c, _) = client_for(app, w, Anonymous, &obj.subject, &mut subject_client).await;
        let r = send(c, row, obj.id, obj.att, places).await;
        let to_login = r.status.is_redirection()
            && r.location
                .as_deref()
                .is_some_and(|l| l == "/login" || l.starts_with("/login?"));
        if !to_login {
            fail(Anonymous, "a redirect to /login", answer(&r));
        }
        if snapshot(app, row.object, obj.id).await != before {
            fail(Anonymous, "the object unchanged", "it changed".into());
        }
    }
    // An id that names nothing is missing for the one who may, too.
    if row.path.contains('{') {
        let (c, _) = client_for(app, w, row.allowed, &obj.subject, &mut subject_client).await;
        let r = send(c, row, 987_654_321, obj.att, places).await;
        if r.status != 404 {
            fail(row.allowed, "404 for an unknown id", answer(&r));
        }
    }
    let (c, _) = client_for(app, w, row.allowed, &obj.subject, &mut subject_client).await;
    let r = send(c, row, obj.id, obj.att, places).await;
    if !(r.status.is_success() || r.status.is_redirection()) {
        fail(row.allowed, "to be allowed", answer(&r));
    }
    if row.method == "POST"
        && row.object != Obj::None
        && snapshot(app, row.object, obj.id).await == before
    {
        // So the refusals above were of an action that works.
        fail(
            row.allowed,
            "the object changed",
            format!("it unchanged ({})", answer(&r)),
        );
    }
    if account_snapshot(app, w.bystander).await != bystander {
        fail(
            row.allowed,
            "the bystander's account unchanged",
            "it changed".into(),
        );
    }
    failures
}

on_both_engines!(every_route_refuses_whoever_does_not_own_the_object, |app| {
    let mut w = World::new(&app).await;
    let mut failures = Vec::new();
    for row in ROUTES {
        failures.extend(drive(&app, &mut w, row).await);
    }
    assert!(
        failures.is_empty(),
        "{} mismatches in the authorization matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );
});

on_both_engines!(choosing_an_organisation_not_ones_own_is_refused, |app| {
    with_demo(&app).await;
    let store = &app.state.store;
    let yz = org_named(&app, "广州市第一中学").await;
    let thzx = org_named(&app, "广州市天河中学").await;
    let thyy = org_named(&app, "广州市天河区人民医院").await;
    let hz3 = org_named(&app, "广州市海珠区第三中学").await;

    // A person with no membership.
    let mut person = signed_in(&app, "zhangwei").await;
    let r = person.post("/act", &[("org", &yz.id.to_string())]).await;
    assert_eq!(r.status, 404);
    person
        .get("/")
        .await
        .assert_contains("title=\"切换身份\">本人 ▾</a>");
    assert_eq!(person.get("/org/staff").await.status, 404);

    // Acting for one unit, choosing another.
    let mut other = acting(&app, "thzx", thzx.id).await;
    let r = other.post("/act", &[("org", &yz.id.to_string())]).await;
    assert_eq!(r.status, 404);
    other
        .get("/")
        .await
        .assert_contains("title=\"切换身份\">广州市天河中学 ▾</a>");

    // An invitation not accepted yet.
    let mut lina = signed_in(&app, "lina").await;
    let r = lina.post("/act", &[("org", &thyy.id.to_string())]).await;
    assert_eq!(r.status, 404);
    lina.get("/").await.assert_contains("本人 ▾</a>");

    // The applicant of a registration not approved.
    let mut applicant = signed_in(&app, "haizhu3").await;
    let r = applicant
        .post("/act", &[("org", &hz3.id.to_string())])
        .await;
    assert_eq!(r.status, 404);

    // A membership removed meanwhile drops the session back to the person.
    let mut admin = acting(&app, "yizhong", yz.id).await;
    assert_eq!(admin.get("/org/staff").await.status, 200);
    let me = account_id(&app, "yizhong").await;
    let m = store.membership_of(yz.id, me).await.unwrap().unwrap();
    store
        .change_membership(
            m.id,
            &[domain::roles::MembershipState::Active],
            domain::roles::MembershipState::Removed,
            None,
            app.state.now(),
        )
        .await
        .unwrap();
    assert_eq!(admin.get("/org/staff").await.status, 404);
    admin
        .get("/")
        .await
        .assert_contains("title=\"切换身份\">本人 ▾</a>");
    let mut again = Client::new(&app);
    again
        .sign_in("yizhong", PASSWORD)
        .await
        .assert_redirect("/");
});
