//! The authorization matrix of the organisation and person pages: one table of every
//! route of `orgs/mod.rs` and `people/mod.rs`, each with an object owned by
//! 广州市第一中学 (or 广州市教育局, or a person), the contexts that must be refused, and
//! one that may. A refusal is a 404 like a missing page, leaves the object as it was,
//! and is written to the audit log. A route without a row fails `every_route_has_a_row`.

mod table;
mod world;

use std::collections::BTreeSet;

use crate::on_both_engines;
use crate::orgs::{PASSWORD, account_id, acting, org_named, signed_in};
#[allow(unused_imports)]
use crate::support::*;
use store::audit::AuditFilter;
use table::{Audit, OPEN, Obj, ROUTES, Row, Who, Who::*};
use world::{World, obtain, snapshot};

const ORGS_ROUTES: &str = include_str!("../../../src/orgs/mod.rs");
const PEOPLE_ROUTES: &str = include_str!("../../../src/people/mod.rs");
const RECORDS_ROUTES: &str = include_str!("../../../src/records/mod.rs");
const VERIFICATION_ROUTES: &str = include_str!("../../../src/verification/mod.rs");
const CYCLES_ROUTES: &str = include_str!("../../../src/cycles/mod.rs");
const CERTIFICATES_ROUTES: &str = include_str!("../../../src/certificates/mod.rs");

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
    let routes: BTreeSet<(String, String)> = routes_of(ORGS_ROUTES)
        .into_iter()
        .chain(routes_of(PEOPLE_ROUTES))
        .chain(routes_of(RECORDS_ROUTES))
        .chain(routes_of(VERIFICATION_ROUTES))
        .chain(routes_of(CYCLES_ROUTES))
        .chain(routes_of(CERTIFICATES_ROUTES))
        .collect();
    assert!(routes.len() > 20, "the route files were read: {routes:?}");
    let mut covered = BTreeSet::new();
    for r in ROUTES {
        assert!(
            covered.insert((r.method.to_owned(), r.path.to_owned())),
            "two rows for {} {}",
            r.method,
            r.path
        );
    }
    for (m, p, _) in OPEN {
        assert!(
            covered.insert(((*m).to_owned(), (*p).to_owned())),
            "{m} {p} is both in the table and open"
        );
    }
    let missing: Vec<_> = routes.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in authz::ROUTES (or a reason in authz::OPEN): {missing:?}"
    );
    let stale: Vec<_> = covered.difference(&routes).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
    for r in ROUTES {
        let id_in_path = r.path.contains('{');
        let id_in_form = r.fields.iter().any(|(_, v)| *v == "{id}");
        assert!(
            !(id_in_path && id_in_form),
            "{} {}: one id per row",
            r.method,
            r.path
        );
        assert_eq!(
            id_in_path || id_in_form,
            !matches!(r.object, Obj::None | Obj::OrgA | Obj::NewStaff),
            "{} {}: the row's object is named by the id in its path or form",
            r.method,
            r.path
        );
        // Every page of an organisation refuses someone acting as themselves.
        if r.path.starts_with("/org/") {
            assert!(
                r.refused
                    .iter()
                    .any(|w| matches!(w, Person | YzAdminAsSelf | GzjyAsSelf)),
                "{} {} must be refused to a person acting as themselves",
                r.method,
                r.path
            );
        }
        assert!(
            !r.refused.contains(&r.allowed),
            "{} {}: {:?} both refused and allowed",
            r.method,
            r.path,
            r.allowed
        );
    }
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

/// Organisations a form may name: "{gzhr}" in a row's fields takes that bureau's id.
#[derive(Clone, Copy)]
struct Places {
    gzhr: i64,
}

async fn send(c: &mut Client, row: &Row, id: i64, att: i64, places: Places) -> Response {
    let path = path_for(row.path, id, att);
    if row.method == "GET" {
        return c.get(&path).await;
    }
    let id_s = id.to_string();
    let att_s = att.to_string();
    let gzhr_s = places.gzhr.to_string();
    let fields: Vec<(&str, &str)> = row
        .fields
        .iter()
        .map(|(k, v)| {
            let v = match *v {
                "{id}" => id_s.as_str(),
                "{att}" => att_s.as_str(),
                "{gzhr}" => gzhr_s.as_str(),
                other => other,
            };
            (*k, v)
        })
        .collect();
    // A current CSRF token, as a page of the site would hold it.
    c.get("/act").await;
    if row.path.ends_with("/attachments") || row.path.ends_with("/import") {
        return c
            .post_file(&path, &fields, "file", "证明.pdf", crate::records::PDF)
            .await;
    }
    c.post(&path, &fields).await
}

/// A client for `who`, and the account that asks.
async fn client_for<'w>(
    app: &TestApp,
    w: &'w mut World,
    who: Who,
    subject: &Option<String>,
    subject_client: &'w mut Option<Client>,
) -> (&'w mut Client, i64) {
    if who == Subject {
        let login = subject
            .as_deref()
            .expect("the row's object belongs to a person");
        if subject_client.is_none() {
            *subject_client = Some(signed_in(app, login).await);
        }
        let id = account_id(app, login).await;
        (subject_client.as_mut().expect("signed in"), id)
    } else {
        let id = w.accounts[&who];
        (w.clients.get_mut(&who).expect("a client per context"), id)
    }
}

/// Drives one row: every refused context, then the allowed one.
async fn drive(app: &TestApp, w: &mut World, row: &Row) {
    let what = format!("{} {}", row.method, row.path);
    let obj = obtain(app, w, row.object).await;
    let places = Places { gzhr: w.gzhr };
    let before = snapshot(app, row.object, obj.id).await;
    let mut subject_client = None;
    for &who in row.refused {
        let (c, account) = client_for(app, w, who, &obj.subject, &mut subject_client).await;
        let denied = denials(app, account).await;
        let r = send(c, row, obj.id, obj.att, places).await;
        assert_eq!(
            r.status, 404,
            "{what} as {who:?} must look like a missing page"
        );
        r.assert_contains("页面不存在");
        assert_eq!(
            snapshot(app, row.object, obj.id).await,
            before,
            "{what} as {who:?} changed the object"
        );
        let after = denials(app, account).await;
        match row.audit {
            Audit::Written => assert_eq!(
                after,
                denied + 1,
                "{what} as {who:?}: one access_denied entry"
            ),
            Audit::NotNeeded => {}
        }
    }
    // An id that names nothing is missing for the one who may, too.
    if row.path.contains('{') {
        let (c, _) = client_for(app, w, row.allowed, &obj.subject, &mut subject_client).await;
        let r = send(c, row, 987_654_321, obj.att, places).await;
        assert_eq!(r.status, 404, "{what} with an unknown id");
    }
    let (c, _) = client_for(app, w, row.allowed, &obj.subject, &mut subject_client).await;
    let r = send(c, row, obj.id, obj.att, places).await;
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{what} as {:?} is allowed, got {}",
        row.allowed,
        r.status
    );
    if row.method == "POST" && row.object != Obj::None {
        assert_ne!(
            snapshot(app, row.object, obj.id).await,
            before,
            "{what} as {:?} changes the object (so the refusals above were of a working action)",
            row.allowed
        );
    }
}

on_both_engines!(every_route_refuses_whoever_does_not_own_the_object, |app| {
    let mut w = World::new(&app).await;
    for row in ROUTES {
        drive(&app, &mut w, row).await;
    }
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
        .change_membership(m.id, &["active"], "removed", None, app.state.now())
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
