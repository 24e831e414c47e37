//! Demo organisations and people: the province, two cities, two districts, two
//! departments, six units, an institution, a direct declaration point, their
//! operators, and fifty-odd persons in every binding state. Idempotent: objects are
//! found by their identifiers and document numbers before anything is created.

use domain::binding::BindingState;
use domain::identity::gb11643_check_char;
use domain::org::{OrgKind, OrgStatus};
use domain::org_code::{credit_code_check_char, organization_code_check_char};
use domain::roles::{MembershipState, Role, Roles};
use domain::unit_info::{Affiliation, Nature};
use store::accounts::NewAccount;
use store::organizations::{NewOrganization, OrgContact};
use store::profiles::Profile;

use crate::{AppState, password_hash};

/// Every demo operator and person signs in with this password.
pub const PASSWORD: &str = "Study2026gd";

struct Org {
    key: &'static str,
    kind: OrgKind,
    level: Option<&'static str>,
    name: &'static str,
    region: &'static str,
    parent: Option<&'static str>,
    status: OrgStatus,
    /// The demo account that administers it (login name).
    admin: Option<&'static str>,
}

/// The unit information of a demo organisation (its contact details as they are), with a
/// nature and affiliation that fit its kind and place in the tree.
fn unit_info(o: &Org, now: &store::organizations::Organization) -> OrgContact {
    let nature = match (o.kind, o.name) {
        (OrgKind::HrBureau | OrgKind::Department | OrgKind::DirectPoint, _) => Nature::Government,
        (_, name) if name.ends_with("有限公司") => Nature::Enterprise,
        (_, name) if name.ends_with("服务部") => Nature::Other,
        _ => Nature::PublicInstitution,
    };
    let affiliation = match (o.level, o.parent) {
        (Some("province"), _) | (None, Some("gdhr")) => Affiliation::Province,
        (Some("city"), _) | (None, Some("gzhr" | "szhr" | "gzjy" | "gzws")) => Affiliation::City,
        (Some("district"), _) | (None, Some("thhr" | "fthr")) => Affiliation::District,
        _ => Affiliation::Other,
    };
    let postcode = match o.region {
        "440104" => "510030",
        "440105" => "510220",
        "440106" => "510630",
        r if r.starts_with("4403") => "518048",
        _ => "510000",
    };
    let functions = match o.kind {
        OrgKind::HrBureau => {
            "负责本行政区域专业技术人员继续教育的综合管理，制定学时要求，审核周期验证。"
        }
        OrgKind::Department => {
            "负责本系统专业技术人员继续教育的组织实施，审核所属单位的周期验证申请。"
        }
        OrgKind::Institution => "承办专业技术人员公需科目和专业科目培训，组织面授班和网络课程。",
        OrgKind::DirectPoint => "受理未在单位就业的专业技术人员的继续教育学时申报和审核。",
        OrgKind::Unit => {
            "组织本单位专业技术人员参加继续教育，审核其学时申报，办理周期验证初验和证书打印。"
        }
    };
    OrgContact {
        legal_rep: now.legal_rep.clone(),
        contact_name: now.contact_name.clone(),
        contact_phone: now.contact_phone.clone(),
        address: now.address.clone(),
        email: format!("office@{}.example.cn", o.key),
        postcode: postcode.into(),
        functions: functions.into(),
        nature: nature.code().into(),
        affiliation: affiliation.code().into(),
    }
}

const ORGS: &[Org] = &[
    Org {
        key: "gdhr",
        kind: OrgKind::HrBureau,
        level: Some("province"),
        name: "广东省人力资源和社会保障厅",
        region: "440000",
        parent: None,
        status: OrgStatus::Approved,
        admin: Some("gdhr"),
    },
    Org {
        key: "gzhr",
        kind: OrgKind::HrBureau,
        level: Some("city"),
        name: "广州市人力资源和社会保障局",
        region: "440100",
        parent: Some("gdhr"),
        status: OrgStatus::Approved,
        admin: Some("gzhr"),
    },
    Org {
        key: "szhr",
        kind: OrgKind::HrBureau,
        level: Some("city"),
        name: "深圳市人力资源和社会保障局",
        region: "440300",
        parent: Some("gdhr"),
        status: OrgStatus::Approved,
        admin: Some("szhr"),
    },
    Org {
        key: "thhr",
        kind: OrgKind::HrBureau,
        level: Some("district"),
        name: "广州市天河区人力资源和社会保障局",
        region: "440106",
        parent: Some("gzhr"),
        status: OrgStatus::Approved,
        admin: Some("thhr"),
    },
    Org {
        key: "fthr",
        kind: OrgKind::HrBureau,
        level: Some("district"),
        name: "深圳市福田区人力资源和社会保障局",
        region: "440304",
        parent: Some("szhr"),
        status: OrgStatus::Approved,
        admin: Some("fthr"),
    },
    Org {
        key: "gzjy",
        kind: OrgKind::Department,
        level: Some("city"),
        name: "广州市教育局",
        region: "440100",
        parent: Some("gzhr"),
        status: OrgStatus::Approved,
        admin: Some("gzjy"),
    },
    Org {
        key: "gzws",
        kind: OrgKind::Department,
        level: Some("city"),
        name: "广州市卫生健康委员会",
        region: "440100",
        parent: Some("gzhr"),
        status: OrgStatus::Approved,
        admin: Some("gzws"),
    },
    Org {
        key: "thzd",
        kind: OrgKind::DirectPoint,
        level: None,
        name: "天河区继续教育直接申报点",
        region: "440106",
        parent: Some("thhr"),
        status: OrgStatus::Approved,
        admin: Some("thhr"),
    },
    Org {
        key: "yz",
        kind: OrgKind::Unit,
        level: None,
        name: "广州市第一中学",
        region: "440104",
        parent: Some("gzjy"),
        status: OrgStatus::Approved,
        admin: Some("yizhong"),
    },
    Org {
        key: "thzx",
        kind: OrgKind::Unit,
        level: None,
        name: "广州市天河中学",
        region: "440106",
        parent: Some("gzjy"),
        status: OrgStatus::Approved,
        admin: Some("thzx"),
    },
    Org {
        key: "yy",
        kind: OrgKind::Unit,
        level: None,
        name: "广州市第一人民医院",
        region: "440104",
        parent: Some("gzws"),
        status: OrgStatus::Approved,
        admin: Some("yiyuan"),
    },
    Org {
        key: "thyy",
        kind: OrgKind::Unit,
        level: None,
        name: "广州市天河区人民医院",
        region: "440106",
        parent: Some("gzws"),
        status: OrgStatus::Approved,
        admin: Some("thyy"),
    },
    Org {
        key: "rj",
        kind: OrgKind::Unit,
        level: None,
        name: "广州天河软件科技有限公司",
        region: "440106",
        parent: Some("thhr"),
        status: OrgStatus::Approved,
        admin: Some("ruanjian"),
    },
    Org {
        key: "jz",
        kind: OrgKind::Unit,
        level: None,
        name: "深圳福田建筑设计院有限公司",
        region: "440304",
        parent: Some("fthr"),
        status: OrgStatus::Approved,
        admin: Some("jianzhu"),
    },
    Org {
        key: "px",
        kind: OrgKind::Institution,
        level: None,
        name: "广东继续教育培训中心",
        region: "440100",
        parent: Some("gzhr"),
        status: OrgStatus::Approved,
        admin: Some("peixun"),
    },
    Org {
        key: "hz3",
        kind: OrgKind::Unit,
        level: None,
        name: "广州市海珠区第三中学",
        region: "440105",
        parent: Some("gzjy"),
        status: OrgStatus::Applied,
        admin: Some("haizhu3"),
    },
    Org {
        key: "bad",
        kind: OrgKind::Unit,
        level: None,
        name: "广州某某培训服务部",
        region: "440106",
        parent: Some("thhr"),
        status: OrgStatus::Rejected,
        admin: Some("moumou"),
    },
];

/// Operators: (login, name, role label for the README).
pub const OPERATORS: &[(&str, &str, &str)] = &[
    ("gdhr", "陈志强", "广东省人力资源和社会保障厅 管理员"),
    ("gzhr", "黄丽华", "广州市人力资源和社会保障局 管理员"),
    ("szhr", "吴建国", "深圳市人力资源和社会保障局 管理员"),
    (
        "thhr",
        "林晓燕",
        "天河区人社局、天河区继续教育直接申报点 管理员",
    ),
    ("fthr", "郑海波", "深圳市福田区人社局 管理员"),
    ("gzjy", "何文静", "广州市教育局 管理员（审核单位注册）"),
    ("gzws", "梁国栋", "广州市卫生健康委员会 管理员"),
    ("yizhong", "罗美玲", "广州市第一中学 管理员"),
    ("thzx", "谢志明", "广州市天河中学 管理员"),
    ("yiyuan", "宋佳", "广州市第一人民医院 管理员"),
    ("thyy", "许俊杰", "广州市天河区人民医院 管理员"),
    ("ruanjian", "邓子轩", "广州天河软件科技有限公司 管理员"),
    ("jianzhu", "冯雅琪", "深圳福田建筑设计院有限公司 管理员"),
    ("peixun", "曾伟", "广东继续教育培训中心 管理员"),
    (
        "haizhu3",
        "彭丽",
        "广州市海珠区第三中学（注册待审核）申请人",
    ),
    ("moumou", "蒋涛", "注册未通过的申请人"),
];

const SURNAMES: &[&str] = &[
    "陈", "李", "黄", "张", "梁", "刘", "林", "吴", "何", "王", "郭", "周", "罗", "杨", "郑", "谢",
    "赖", "钟", "蔡", "曾",
];
const GIVEN: &[&str] = &[
    "晓明", "丽娟", "建华", "志伟", "美玲", "国强", "秀英", "海燕", "文杰", "静怡", "子豪", "嘉欣",
    "俊", "婷", "鹏", "颖", "伟强", "淑华", "振宇", "佩玲",
];

/// A deterministic valid ID number: region, birth date and sequence, with its check digit.
fn id_number(region: &str, year: i32, month: u32, day: u32, seq: u32) -> String {
    let first17 = format!("{region}{year:04}{month:02}{day:02}{seq:03}");
    let check = gb11643_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// A deterministic valid unified social credit code for the n-th demo organisation.
fn credit_code(region: &str, n: usize) -> String {
    let body = format!("{:08}", 71_000_000 + n * 7919);
    let org_check = organization_code_check_char(&body).unwrap_or('0');
    let first17 = format!("12{region}{body}{org_check}");
    let check = credit_code_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

struct Ids {
    orgs: Vec<(&'static str, i64)>,
}

impl Ids {
    fn get(&self, key: &str) -> Option<i64> {
        self.orgs.iter().find(|(k, _)| *k == key).map(|(_, id)| *id)
    }
}

async fn account(
    app: &AppState,
    login: &str,
    name: &str,
    doc: &str,
    hash: &str,
    answer: &str,
) -> anyhow::Result<i64> {
    if let Some(a) = app.store.account_by_document(doc).await? {
        return Ok(a.id);
    }
    let parsed = domain::identity::parse_document(
        domain::identity::DocumentType::MainlandId,
        doc,
        app.today(),
    )
    .map_err(|e| anyhow::anyhow!("demo document {login}: {e}"))?;
    let q = domain::credentials::SECURITY_QUESTIONS;
    Ok(app
        .store
        .create_account(
            NewAccount {
                login_name: login.to_owned(),
                login_key: domain::credentials::login_key(login),
                password_hash: hash.to_owned(),
                must_change_password: false,
                real_name: name.to_owned(),
                gender: parsed.gender.map(|g| g.code().to_owned()),
                birth_date: parsed.birth_date,
                mobile: "13800138000".into(),
                email: format!("{login}@example.com"),
                country: "CN".into(),
                doc_type: parsed.doc_type.code().into(),
                doc_number: parsed.number,
                security: [
                    (q[0].into(), answer.into()),
                    (q[1].into(), answer.into()),
                    (q[2].into(), answer.into()),
                ],
                is_platform_admin: false,
            },
            app.now(),
        )
        .await?)
}

pub async fn load(app: &AppState) -> anyhow::Result<()> {
    // One hash for all: the demo's people share a password and an answer.
    let hash = password_hash::hash(&app.config.argon2, PASSWORD).await?;
    let answer = password_hash::hash(
        &app.config.argon2,
        &domain::credentials::answer_key(super::DEMO_ANSWER),
    )
    .await?;
    let admin_role = Roles::default()
        .with(Role::Admin)
        .with(Role::Reviewer)
        .with(Role::Clerk)
        .bits();

    // Operators first: registrations name who registered them.
    let mut operators = Vec::new();
    for (i, (login, name, _)) in OPERATORS.iter().enumerate() {
        let doc = id_number(
            "440106",
            1975 + (i as i32 % 15),
            1 + (i as u32 % 12),
            10 + (i as u32 % 18),
            500 + i as u32,
        );
        operators.push((
            *login,
            account(app, login, name, &doc, &hash, &answer).await?,
        ));
    }
    let operator = |login: &str| {
        operators
            .iter()
            .find(|(l, _)| *l == login)
            .map(|(_, id)| *id)
    };

    let mut ids = Ids { orgs: Vec::new() };
    for (n, o) in ORGS.iter().enumerate() {
        let code = credit_code(o.region, n);
        let id = match app.store.organization_by_identifier(&code).await? {
            // Filled in once, also for demo data loaded before these fields existed.
            Some(existing) if existing.email.is_empty() => {
                app.store
                    .update_organization_contact(existing.id, &unit_info(o, &existing))
                    .await?;
                existing.id
            }
            Some(existing) => existing.id,
            None => {
                let parent = o.parent.and_then(|p| ids.get(p));
                let id = app
                    .store
                    .create_organization(
                        NewOrganization {
                            kind: o.kind,
                            level: o.level.map(Into::into),
                            name: o.name.into(),
                            region_code: o.region.into(),
                            parent_id: parent,
                            id_kind: Some("credit_code".into()),
                            id_code: Some(code),
                            legal_rep: "张志远".into(),
                            contact_name: "王小红".into(),
                            contact_phone: "020-83331234".into(),
                            address: format!("{}办公楼", o.name),
                            status: if o.status == OrgStatus::Approved {
                                OrgStatus::Applied
                            } else {
                                o.status
                            },
                            registered_by: o.admin.and_then(operator),
                        },
                        app.now(),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("demo organisation {}: {e}", o.name))?;
                if let Some(created) = app.store.organization(id).await? {
                    app.store
                        .update_organization_contact(id, &unit_info(o, &created))
                        .await?;
                }
                id
            }
        };
        if o.status == OrgStatus::Approved {
            // Approved through the same path as a real decision (a no-op when already decided).
            let _ = app
                .store
                .decide_organization(
                    id,
                    OrgStatus::Approved,
                    "",
                    operator("gdhr").unwrap_or(0),
                    app.now(),
                )
                .await;
            if let Some(admin) = o.admin.and_then(operator) {
                app.store
                    .invite_member(
                        id,
                        admin,
                        admin_role,
                        None,
                        MembershipState::Active,
                        app.now(),
                    )
                    .await?;
            }
        } else if o.status == OrgStatus::Rejected {
            let _ = app
                .store
                .decide_organization(
                    id,
                    OrgStatus::Rejected,
                    "单位名称与营业执照不一致，请核对后重新申请",
                    operator("thhr").unwrap_or(0),
                    app.now(),
                )
                .await;
        }
        ids.orgs.push((o.key, id));
    }

    // zhangwei teaches at the first middle school; its administrator is also one of
    // its teachers, to show one person acting both for a unit and for themselves.
    if let (Some(yz), Some(zhangwei)) = (
        ids.get("yz"),
        app.store.account_by_identifier("zhangwei").await?,
    ) {
        app.store
            .request_binding(zhangwei.id, yz, BindingState::Confirmed, app.now())
            .await?;
        save_profile(app, zhangwei.id, "zhongxiaoxue", "zhongji", "中学一级教师").await?;
        if let Some(admin) = operator("yizhong") {
            app.store
                .request_binding(admin, yz, BindingState::Confirmed, app.now())
                .await?;
        }
    }
    if let (Some(thzx), Some(lina)) = (
        ids.get("thzx"),
        app.store.account_by_identifier("lina").await?,
    ) {
        app.store
            .request_binding(lina.id, thzx, BindingState::Requested, app.now())
            .await?;
        if let Some(thyy) = ids.get("thyy") {
            app.store
                .invite_member(
                    thyy,
                    lina.id,
                    Roles::default().with(Role::Clerk).bits(),
                    operator("thyy"),
                    MembershipState::Invited,
                    app.now(),
                )
                .await?;
        }
    }

    // Fifty-four persons: most confirmed in a unit, some waiting, some unbound, some
    // transferring, some with an ended binding in their history.
    let units = ["yz", "thzx", "yy", "thyy", "rj", "jz", "px", "thzd"];
    let series = [
        "zhongxiaoxue",
        "zhongxiaoxue",
        "weisheng",
        "weisheng",
        "gongcheng",
        "gongcheng",
        "jingji",
        "kuaiji",
    ];
    let levels = [
        "zhuli", "zhongji", "fugao", "zhongji", "zhenggao", "zhongji",
    ];
    for i in 0..54usize {
        let name = format!(
            "{}{}",
            SURNAMES[i % SURNAMES.len()],
            GIVEN[(i * 7 + 3) % GIVEN.len()]
        );
        let region = ["440104", "440106", "440304", "440105"][i % 4];
        let doc = id_number(
            region,
            1970 + (i as i32 % 30),
            1 + (i as u32 % 12),
            1 + (i as u32 % 28),
            // The sequence's parity is the gender: vary it within each unit too.
            100 + i as u32 + (i as u32 / 8),
        );
        let login = format!("demo{:02}", i + 1);
        let id = account(app, &login, &name, &doc, &hash, &answer).await?;
        let u = i % units.len();
        save_profile(app, id, series[u], levels[(i + i / 8) % levels.len()], "").await?;
        let Some(unit) = ids.get(units[u]) else {
            continue;
        };
        match i % 9 {
            // Waiting for the unit to confirm.
            0 => {
                app.store
                    .request_binding(id, unit, BindingState::Requested, app.now())
                    .await?;
            }
            // Not bound to any unit yet.
            1 if i < 30 => {}
            // Confirmed, and asking to transfer to the next unit.
            2 => {
                if app
                    .store
                    .request_binding(id, unit, BindingState::Confirmed, app.now())
                    .await?
                    .is_some()
                {
                    let to = ids.get(units[(u + 1) % 6]).unwrap_or(unit);
                    app.store
                        .request_transfer(id, unit, to, "工作调动", app.now())
                        .await?;
                }
            }
            // Left a unit before, now confirmed in another.
            3 => {
                if let Some(old) = app
                    .store
                    .request_binding(
                        id,
                        ids.get(units[(u + 2) % 6]).unwrap_or(unit),
                        BindingState::Confirmed,
                        app.now(),
                    )
                    .await?
                {
                    let old_unit = app
                        .store
                        .binding(old)
                        .await?
                        .map(|b| b.unit_id)
                        .unwrap_or(unit);
                    let _ = app
                        .store
                        .change_binding(
                            old,
                            old_unit,
                            BindingState::Confirmed,
                            BindingState::Ended,
                            "合同期满离职",
                            0,
                            app.now(),
                        )
                        .await;
                    app.store
                        .request_binding(id, unit, BindingState::Confirmed, app.now())
                        .await?;
                }
            }
            _ => {
                app.store
                    .request_binding(id, unit, BindingState::Confirmed, app.now())
                    .await?;
            }
        }
    }
    Ok(())
}

async fn save_profile(
    app: &AppState,
    account: i64,
    series: &str,
    level: &str,
    qualification: &str,
) -> anyhow::Result<()> {
    if app.store.profile(account).await?.is_some() {
        return Ok(());
    }
    let q = if qualification.is_empty() {
        match level {
            "zhuli" => "助理工程师",
            "fugao" => "高级工程师",
            "zhenggao" => "正高级工程师",
            _ => "工程师",
        }
    } else {
        qualification
    };
    let p = Profile {
        account_id: account,
        ethnicity: "汉族".into(),
        native_place: "广东广州".into(),
        education_code: "benke".into(),
        degree: "学士".into(),
        major: "计算机科学与技术".into(),
        school: "华南理工大学".into(),
        graduation_date: chrono::NaiveDate::from_ymd_opt(2008, 7, 1),
        work_start: chrono::NaiveDate::from_ymd_opt(2008, 8, 1),
        qualification: q.into(),
        level_code: level.into(),
        qualification_date: chrono::NaiveDate::from_ymd_opt(2019, 12, 20),
        series_code: series.into(),
        specialty: "信息技术".into(),
        discipline: "natural".into(),
        postal_code: "510000".into(),
        address: "广州市天河区".into(),
        region_code: "440106".into(),
    };
    app.store.save_profile(&p, app.now()).await?;
    Ok(())
}
