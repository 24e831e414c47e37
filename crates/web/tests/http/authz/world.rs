//! The world the matrix acts in: the demo data, extra members of A and 广州市教育局, a
//! browser for each context ([`World`]); a fresh object for each row ([`obtain`]), and what
//! the database holds about it ([`snapshot`]).

use std::collections::HashMap;

use super::table::{NEW_STAFF_LOGIN, Obj, Who, Who::*};
use crate::orgs::{account_id, acting, choose, credit_code, new_person, org_named, signed_in};
#[allow(unused_imports)]
use crate::support::*;
use domain::roles::{Role, Roles};

/// The demo organisations, the extra members, a bystander, and a browser for each context.
pub(super) struct World {
    pub(super) yz: i64,
    pub(super) thzx: i64,
    pub(super) gzjy: i64,
    pub(super) gzhr: i64,
    pub(super) gzws: i64,
    pub(super) clients: HashMap<Who, Client>,
    pub(super) accounts: HashMap<Who, i64>,
    /// A person confirmed at A whom no row is about: no request may change their account.
    pub(super) bystander: i64,
    pub(super) seq: u32,
}

impl World {
    pub(super) async fn new(app: &TestApp) -> World {
        with_demo(app).await;
        let store = &app.state.store;
        let now = app.state.now();
        let id = |name: &'static str| async move { org_named(app, name).await.id };
        let yz = id("广州市第一中学").await;
        let thzx = id("广州市天河中学").await;
        let thyy = id("广州市天河区人民医院").await;
        let gzjy = id("广州市教育局").await;
        let gzws = id("广州市卫生健康委员会").await;
        let gzhr = id("广州市人力资源和社会保障局").await;
        let szhr = id("深圳市人力资源和社会保障局").await;
        let only = |r: Role| Roles::default().with(r).bits();
        for (login, name, seq, org, role) in [
            ("yz_reviewer", "马文涛", 1, yz, Role::Reviewer),
            ("yz_clerk", "高雅琴", 2, yz, Role::Clerk),
            ("jy_clerk", "田志刚", 3, gzjy, Role::Clerk),
        ] {
            let p = new_person(app, login, name, seq).await;
            assert!(
                store
                    .invite_member(
                        org,
                        p,
                        only(role),
                        None,
                        domain::roles::MembershipState::Active,
                        now
                    )
                    .await
                    .unwrap()
            );
        }
        let bystander = new_person(app, "bystander", "严守一", 4).await;
        store
            .request_binding(bystander, yz, domain::binding::BindingState::Confirmed, now)
            .await
            .unwrap()
            .unwrap();
        // lina accepts the demo invitation of 天河区人民医院 as its clerk.
        let lina = account_id(app, "lina").await;
        let m = store.membership_of(thyy, lina).await.unwrap().unwrap();
        store
            .change_membership(
                m.id,
                &[domain::roles::MembershipState::Invited],
                domain::roles::MembershipState::Active,
                None,
                now,
            )
            .await
            .unwrap();

        let mut clients = HashMap::new();
        let mut accounts = HashMap::new();
        let mut platform = Client::new(app);
        platform
            .sign_in("admin", "Admin2026jx")
            .await
            .assert_redirect("/");
        platform.get("/act").await;
        clients.insert(Platform, platform);
        let admin = account_id(app, "admin").await;
        accounts.insert(Platform, admin);
        // The platform administrator is also a clerk of 深圳市人社局, and acts for it.
        assert!(
            store
                .invite_member(
                    szhr,
                    admin,
                    only(Role::Clerk),
                    None,
                    domain::roles::MembershipState::Active,
                    now
                )
                .await
                .unwrap()
        );
        let mut platform_acting = Client::new(app);
        platform_acting.sign_in("admin", "Admin2026jx").await;
        choose(&mut platform_acting, szhr).await;
        clients.insert(PlatformActing, platform_acting);
        accounts.insert(PlatformActing, admin);
        // A browser that has not signed in, holding the sign-in page's CSRF token.
        let mut anonymous = Client::new(app);
        anonymous.get("/login").await;
        clients.insert(Anonymous, anonymous);
        for (who, login, org) in [
            (Person, "zhangwei", None),
            (YzAdminAsSelf, "yizhong", None),
            (YzAdmin, "yizhong", Some(yz)),
            (YzReviewer, "yz_reviewer", Some(yz)),
            (YzClerk, "yz_clerk", Some(yz)),
            (ThzxAdmin, "thzx", Some(thzx)),
            (ThyyClerk, "lina", Some(thyy)),
            (GzjyAdmin, "gzjy", Some(gzjy)),
            (GzjyAsSelf, "gzjy", None),
            (GzjyClerk, "jy_clerk", Some(gzjy)),
            (GzwsAdmin, "gzws", Some(gzws)),
            (GzhrAdmin, "gzhr", Some(gzhr)),
            (SzhrAdmin, "szhr", Some(szhr)),
        ] {
            let c = match org {
                Some(org) => acting(app, login, org).await,
                None => signed_in(app, login).await,
            };
            clients.insert(who, c);
            accounts.insert(who, account_id(app, login).await);
        }
        World {
            yz,
            thzx,
            gzjy,
            gzhr,
            gzws,
            clients,
            accounts,
            bystander,
            seq: 100,
        }
    }
}

pub(super) struct Obtained {
    pub(super) id: i64,
    /// A second object in the path (`{att}`), where there is one.
    pub(super) att: i64,
    /// The login of the person the object belongs to, if a person's.
    pub(super) subject: Option<String>,
}

/// A valid 2025 certificate of `person` issued by `unit`, with facts that match nothing.
async fn stored_certificate(app: &TestApp, person: i64, unit: i64, seed: u32) -> i64 {
    // The seed's own bytes first, so that no two seeds (the matrix has hundreds) share a code.
    let seed_bytes = seed.to_le_bytes();
    let bytes: [u8; 12] =
        std::array::from_fn(|i| seed_bytes.get(i).copied().unwrap_or((i * 37) as u8));
    let code = domain::certificate::code_from_bytes(&bytes);
    let issued = app
        .state
        .store
        .issue_certificate(
            &store::certificates::NewCertificate {
                kind: domain::certificate::CertificateKind::Year,
                account_id: person,
                unit_id: unit,
                year: Some(2025),
                cycle_id: None,
                facts: "{}",
                code: &code,
                issued_by: person,
                replaces: None,
                recount_of: None,
            },
            |id| format!("JXND2025{id:08}"),
            app.state.now(),
        )
        .await
        .unwrap();
    match issued {
        store::certificates::Issued::Done(c) => c.id,
        other => panic!("issue: {other:?}"),
    }
}

pub(super) async fn obtain(app: &TestApp, w: &mut World, obj: Obj) -> Obtained {
    let store = &app.state.store;
    let now = app.state.now();
    w.seq += 1;
    let n = w.seq;
    let login = format!("subject{n}");
    let person = || new_person(app, &login, "冯子墨", n);
    let subject = Some(login.clone());
    let clerk = Roles::default().with(Role::Clerk).bits();
    // Only the row about the internal flow runs with one.
    let flow = if obj == Obj::SubmittedInFlow { 2 } else { 0 };
    store.set_record_reviewers(w.yz, flow).await.unwrap();
    match obj {
        Obj::None => Obtained {
            id: 0,
            att: 0,
            subject: None,
        },
        Obj::NewStaff => Obtained {
            id: 0,
            att: 0,
            subject: None,
        },
        Obj::OrgA => Obtained {
            id: w.yz,
            att: 0,
            subject: None,
        },
        Obj::MoveToGzjy => {
            let id = store
                .create_organization(
                    store::organizations::NewOrganization {
                        kind: domain::org::OrgKind::Unit,
                        level: None,
                        name: format!("广州市测试医院{n}"),
                        region_code: "440106".into(),
                        parent_id: Some(w.gzws),
                        id_kind: Some("credit_code".into()),
                        id_code: Some(credit_code(n)),
                        legal_rep: "冯子墨".into(),
                        contact_name: "冯子墨".into(),
                        contact_phone: "020-38880000".into(),
                        address: "广州市天河区天河路2号".into(),
                        status: domain::org::OrgStatus::Approved,
                        registered_by: None,
                    },
                    now,
                )
                .await
                .expect("unit");
            store
                .request_move(id, w.gzjy, "划归教育系统")
                .await
                .expect("move request");
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::Registration => {
            let p = person().await;
            let id = store
                .create_organization(
                    store::organizations::NewOrganization {
                        kind: domain::org::OrgKind::Unit,
                        level: None,
                        name: format!("广州市天河区测试学校{n}"),
                        region_code: "440106".into(),
                        parent_id: Some(w.gzjy),
                        id_kind: Some("credit_code".into()),
                        id_code: Some(credit_code(n)),
                        legal_rep: "冯子墨".into(),
                        contact_name: "冯子墨".into(),
                        contact_phone: "020-38880000".into(),
                        address: "广州市天河区天河路1号".into(),
                        status: domain::org::OrgStatus::Applied,
                        registered_by: Some(p),
                    },
                    now,
                )
                .await
                .expect("registration");
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::RequestedBinding | Obj::ConfirmedBinding => {
            let p = person().await;
            let state = if obj == Obj::RequestedBinding {
                domain::binding::BindingState::Requested
            } else {
                domain::binding::BindingState::Confirmed
            };
            let id = store
                .request_binding(p, w.yz, state, now)
                .await
                .unwrap()
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::StaffPerson => {
            let p = person().await;
            store
                .request_binding(p, w.yz, domain::binding::BindingState::Confirmed, now)
                .await
                .unwrap()
                .unwrap();
            Obtained {
                id: p,
                att: 0,
                subject,
            }
        }
        Obj::MemberOfA | Obj::Invitation => {
            let p = person().await;
            let state = if obj == Obj::MemberOfA {
                domain::roles::MembershipState::Active
            } else {
                domain::roles::MembershipState::Invited
            };
            store
                .invite_member(w.yz, p, clerk, None, state, now)
                .await
                .unwrap();
            let id = store.membership_of(w.yz, p).await.unwrap().unwrap().id;
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::TransferToA => {
            let p = person().await;
            store
                .request_binding(p, w.thzx, domain::binding::BindingState::Confirmed, now)
                .await
                .unwrap()
                .unwrap();
            let id = store
                .request_transfer(p, w.thzx, w.yz, "工作调动", now)
                .await
                .unwrap()
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::InviteTarget => {
            let p = person().await;
            Obtained {
                id: p,
                att: 0,
                subject,
            }
        }
        Obj::OwnDraft
        | Obj::OwnSubmitted
        | Obj::SubmittedInFlow
        | Obj::ApprovedAtA
        | Obj::DraftWithAttachment
        | Obj::SubmittedWithAttachment
        | Obj::UnitDraftAtA
        | Obj::UnitDraftWithAttachment => {
            let p = person().await;
            store
                .request_binding(p, w.yz, domain::binding::BindingState::Confirmed, now)
                .await
                .unwrap()
                .unwrap();
            let state = match obj {
                Obj::OwnDraft | Obj::DraftWithAttachment => "draft",
                Obj::ApprovedAtA => "approved",
                Obj::UnitDraftAtA | Obj::UnitDraftWithAttachment => "unit_draft",
                _ => "submitted",
            };
            let id = crate::records::stored_record(app, p, w.yz, state).await;
            let mut att = 0;
            if matches!(
                obj,
                Obj::DraftWithAttachment
                    | Obj::SubmittedWithAttachment
                    | Obj::UnitDraftWithAttachment
            ) {
                let key = app.state.files.put(crate::records::PDF).await.unwrap();
                att = store
                    .add_attachment(
                        &store::attachments::NewAttachment {
                            owner_kind: "ce_record",
                            owner_id: id,
                            file_name: "证明.pdf",
                            content_type: "application/pdf",
                            size: crate::records::PDF.len() as i64,
                            storage_key: &key,
                            uploaded_by: p,
                        },
                        now,
                    )
                    .await
                    .unwrap();
            }
            Obtained { id, att, subject }
        }
        Obj::CertificateOfSubject => {
            let p = person().await;
            // Confirmed at A: a unit prints only the certificates of its staff of now.
            store
                .request_binding(p, w.yz, domain::binding::BindingState::Confirmed, now)
                .await
                .unwrap()
                .unwrap();
            let id = stored_certificate(app, p, w.yz, n).await;
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::CycleAtA | Obj::CycleReturned => {
            let p = person().await;
            store
                .request_binding(p, w.yz, domain::binding::BindingState::Confirmed, now)
                .await
                .unwrap()
                .unwrap();
            let id = crate::cycles::stored_cycle(app, p, &[w.yz, w.gzjy, w.gzhr], "{}").await;
            if obj == Obj::CycleReturned {
                store
                    .change_cycle(
                        id,
                        &store::cycles::CycleChange {
                            from_state: domain::cycle::ApplicationState::Pending,
                            from_level: 0,
                            to_state: domain::cycle::ApplicationState::Returned,
                            to_level: 0,
                            reviewer_id: None,
                            opinion: "请补充",
                            closes: false,
                        },
                        &store::cycles::CycleStep {
                            step: "decide",
                            org_id: Some(w.yz),
                            actor_id: w.accounts[&YzReviewer],
                            result: "退案",
                            opinion: "请补充",
                        },
                        now,
                    )
                    .await
                    .unwrap();
            }
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::CycleApproved => {
            let p = person().await;
            store
                .request_binding(p, w.yz, domain::binding::BindingState::Confirmed, now)
                .await
                .unwrap()
                .unwrap();
            let id =
                crate::cycles::stored_cycle(app, p, &[w.yz], &crate::cycles::empty_cycle_figures())
                    .await;
            store
                .change_cycle(
                    id,
                    &store::cycles::CycleChange {
                        from_state: domain::cycle::ApplicationState::Pending,
                        from_level: 0,
                        to_state: domain::cycle::ApplicationState::Approved,
                        to_level: 0,
                        reviewer_id: None,
                        opinion: "同意",
                        closes: true,
                    },
                    &store::cycles::CycleStep {
                        step: "decide",
                        org_id: Some(w.yz),
                        actor_id: w.accounts[&YzReviewer],
                        result: "通过",
                        opinion: "同意",
                    },
                    now,
                )
                .await
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject,
            }
        }
        Obj::StaffWithHours | Obj::StaffWithCertificate => {
            let p = person().await;
            store
                .request_binding(p, w.yz, domain::binding::BindingState::Confirmed, now)
                .await
                .unwrap()
                .unwrap();
            crate::records::record_in_year(app, p, w.yz, 2025, "professional", 120).await;
            let mut att = 0;
            if obj == Obj::StaffWithCertificate {
                att = stored_certificate(app, p, w.yz, n + 1000).await;
            }
            Obtained {
                id: p,
                att,
                subject,
            }
        }
        Obj::BatchOfA => {
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            zip.start_file("a.pdf", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut zip, crate::records::PDF).unwrap();
            let bytes = zip.finish().unwrap().into_inner();
            let key = app.state.files.put(&bytes).await.unwrap();
            let result = format!(
                "{{\"file\":\"{key}\",\"count\":1,\"issued\":0,\"bytes\":{}}}",
                bytes.len()
            );
            let id = store
                .create_job(
                    "certificate_batch",
                    "{\"year\":2025}",
                    domain::job::JobState::Done,
                    &result,
                    w.accounts[&YzClerk],
                    Some(w.yz),
                    now,
                )
                .await
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::RuleInGuangzhou => {
            let rs = domain::verification::RuleSet {
                name: format!("广州市经济系列规则{n}"),
                region_code: "440100".into(),
                series_code: Some("jingji".into()),
                year_from: Some(1900 + n as i32),
                year_to: Some(1900 + n as i32),
                requirement: domain::verification::guangzhou_rules(),
                declaration: domain::record::DeclarationRules::default(),
                deadline: (1, 31),
            };
            let id = store.save_rule_set(None, &rs, 0, now).await.unwrap();
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::ImportOfA => {
            let key = app
                .state
                .files
                .put(include_bytes!("../../fixtures/import_fixed.xlsx"))
                .await
                .unwrap();
            let args = format!(
                "{{\"file_key\":\"{key}\",\"file_name\":\"学时.xlsx\",\"unit\":{}}}",
                w.yz
            );
            let result = "{\"rows\":7,\"valid\":7,\"already\":0,\"error_rows\":0,\"errors\":[],\"file_error\":\"\",\"inserted\":0}";
            let by = w.accounts[&YzClerk];
            let id = store
                .create_job(
                    "record_import",
                    &args,
                    domain::job::JobState::Preview,
                    result,
                    by,
                    Some(w.yz),
                    now,
                )
                .await
                .unwrap();
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::OpinionOfA => {
            store
                .add_preset_opinion(w.yz, "approve", &format!("同意{n}"))
                .await
                .unwrap();
            let id = store
                .preset_opinions(w.yz)
                .await
                .unwrap()
                .into_iter()
                .find(|o| o.text == format!("同意{n}"))
                .expect("the opinion")
                .id;
            Obtained {
                id,
                att: 0,
                subject: None,
            }
        }
        Obj::OwnAccount | Obj::Account | Obj::LockedAccount => {
            let p = person().await;
            if obj == Obj::LockedAccount {
                store
                    .lock_account(p, now + chrono::Duration::days(365 * 100))
                    .await
                    .unwrap();
            }
            Obtained {
                id: p,
                att: 0,
                subject,
            }
        }
    }
}

/// Everything the database holds about a person's account that a request could change:
/// the account (password, contact, lock), profile, employment, memberships, certificates
/// and how many sessions are signed in to it.
pub(super) async fn account_snapshot(app: &TestApp, id: i64) -> String {
    let s = &app.state.store;
    let sessions = s
        .query_texts(&format!(
            "SELECT 'sessions ' || count(*) AS t FROM session WHERE account_id = {id}"
        ))
        .await
        .unwrap();
    format!(
        "{:?} {:?} {:?} {:?} {:?} {sessions:?}",
        s.account(id).await.unwrap(),
        s.profile(id).await.unwrap(),
        s.bindings_of(id).await.unwrap(),
        s.memberships_of_account(id).await.unwrap(),
        s.certificates_of(id).await.unwrap(),
    )
}

/// Everything the database holds about the object that an action could change.
pub(super) async fn snapshot(app: &TestApp, obj: Obj, id: i64) -> String {
    let s = &app.state.store;
    match obj {
        Obj::None => String::new(),
        Obj::Registration => format!(
            "{:?} {:?} {:?}",
            s.organization(id).await.unwrap(),
            s.members_of(id).await.unwrap(),
            s.trail("organization", id).await.unwrap()
        ),
        Obj::RequestedBinding | Obj::ConfirmedBinding => format!(
            "{:?} {:?}",
            s.binding(id).await.unwrap(),
            s.trail("binding", id).await.unwrap()
        ),
        Obj::StaffPerson => format!(
            "{:?} {:?}",
            s.bindings_of(id).await.unwrap(),
            s.profile(id).await.unwrap()
        ),
        Obj::MemberOfA | Obj::Invitation => format!(
            "{:?} {:?}",
            s.membership(id).await.unwrap(),
            s.trail("membership", id).await.unwrap()
        ),
        Obj::TransferToA => {
            let t = s.transfer(id).await.unwrap().expect("transfer");
            format!(
                "{t:?} {:?} {:?}",
                s.bindings_of(t.account_id).await.unwrap(),
                s.trail("transfer", id).await.unwrap()
            )
        }
        Obj::OrgA | Obj::MoveToGzjy => format!(
            "{:?} {:?} {} {:?}",
            s.organization(id).await.unwrap(),
            s.trail("organization", id).await.unwrap(),
            s.record_reviewers(id).await.unwrap(),
            s.preset_opinions(id).await.unwrap()
        ),
        Obj::OwnDraft
        | Obj::OwnSubmitted
        | Obj::SubmittedInFlow
        | Obj::ApprovedAtA
        | Obj::DraftWithAttachment
        | Obj::SubmittedWithAttachment
        | Obj::UnitDraftAtA
        | Obj::UnitDraftWithAttachment => format!(
            "{:?} {:?} {:?}",
            s.record(id).await.unwrap(),
            s.review_trail(id).await.unwrap(),
            s.attachments("ce_record", id).await.unwrap()
        ),
        Obj::RuleInGuangzhou => format!("{:?}", s.rule_set(id).await.unwrap()),
        Obj::CertificateOfSubject => format!("{:?}", s.certificate(id).await.unwrap()),
        Obj::CycleApproved => {
            let c = s.cycle(id).await.unwrap().expect("the cycle");
            format!("{c:?} {:?}", s.certificates_of(c.account_id).await.unwrap())
        }
        Obj::StaffWithHours | Obj::StaffWithCertificate => {
            format!("{:?}", s.certificates_of(id).await.unwrap())
        }
        Obj::BatchOfA => format!("{:?}", s.job(id).await.unwrap()),
        Obj::CycleAtA | Obj::CycleReturned => format!(
            "{:?} {:?}",
            s.cycle(id).await.unwrap(),
            s.cycle_trail(id).await.unwrap()
        ),
        Obj::ImportOfA => format!("{:?}", s.job(id).await.unwrap().map(|j| j.state)),
        Obj::OpinionOfA => {
            let yz = org_named(app, "广州市第一中学").await.id;
            format!("{:?}", s.preset_opinions(yz).await.unwrap())
        }
        Obj::InviteTarget => format!("{:?}", s.memberships_of_account(id).await.unwrap()),
        Obj::OwnAccount | Obj::Account | Obj::LockedAccount => account_snapshot(app, id).await,
        Obj::NewStaff => format!(
            "{:?}",
            s.account_by_identifier(NEW_STAFF_LOGIN)
                .await
                .unwrap()
                .map(|a| a.id)
        ),
    }
}
