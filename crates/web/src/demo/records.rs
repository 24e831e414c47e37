//! Demo CE records: several years for every confirmed demo person, in every state, with
//! years that meet and years that fall short under both shipped rule sets.

use chrono::{DateTime, NaiveDate, Utc};
use domain::binding::BindingState;
use domain::record::{Category, DeclarationType, RecordSource, RecordState};
use store::records::{NewRecord, RecordFields, Step};

use crate::AppState;

/// Who decides for each demo unit: its administrator.
const DECIDERS: &[(&str, &str)] = &[
    ("广州市第一中学", "yizhong"),
    ("广州市天河中学", "thzx"),
    ("广州市第一人民医院", "yiyuan"),
    ("广州市天河区人民医院", "thyy"),
    ("广州天河软件科技有限公司", "ruanjian"),
    ("深圳福田建筑设计院有限公司", "jianzhu"),
    ("广东继续教育培训中心", "peixun"),
    ("天河区继续教育直接申报点", "thhr"),
];

struct Plan {
    year: i32,
    category: Category,
    declaration: DeclarationType,
    course: &'static str,
    institution: &'static str,
    month: u32,
    days: i64,
    tenths: i64,
    /// Draft, submitted, approved, returned or rejected.
    state: RecordState,
    opinion: &'static str,
}

const fn p(
    year: i32,
    category: Category,
    course: &'static str,
    month: u32,
    days: i64,
    tenths: i64,
    state: RecordState,
) -> Plan {
    Plan {
        year,
        category,
        declaration: DeclarationType::Training,
        course,
        institution: "广东继续教育培训中心",
        month,
        days,
        tenths,
        state,
        opinion: "",
    }
}

/// The years every confirmed person gets; `short` people miss some minimums.
fn plans(short: bool, variant: usize) -> Vec<Plan> {
    let mut v = vec![
        // 2020, Guangzhou rules (72 / 18 / 42).
        p(
            2020,
            Category::Public,
            "专业技术人员职业道德与诚信建设",
            3,
            3,
            180,
            RecordState::Approved,
        ),
        p(
            2020,
            Category::Professional,
            "专业能力提升研修班",
            7,
            8,
            if short { 300 } else { 480 },
            RecordState::Approved,
        ),
        p(
            2020,
            Category::Professional,
            "行业新技术专题讲座",
            10,
            2,
            120,
            RecordState::Approved,
        ),
        // 2025, provincial rules (90 / 30 / 42 / 18).
        p(
            2025,
            Category::Public,
            "新质生产力与高质量发展",
            4,
            5,
            300,
            RecordState::Approved,
        ),
        p(
            2025,
            Category::Professional,
            "专业科目年度培训",
            6,
            7,
            420,
            RecordState::Approved,
        ),
        p(
            2025,
            Category::Elective,
            "心理健康与压力管理",
            9,
            3,
            if short { 120 } else { 180 },
            RecordState::Approved,
        ),
        // 2026, this year: work in progress.
        p(
            2026,
            Category::Public,
            "百县千镇万村高质量发展工程与城乡区域协调发展",
            3,
            5,
            300,
            RecordState::Approved,
        ),
    ];
    let mut paper = p(
        2026,
        Category::Professional,
        "论文：本专业核心期刊发表",
        5,
        1,
        280,
        RecordState::Submitted,
    );
    paper.declaration = DeclarationType::Paper;
    paper.institution = "省级学术期刊";
    v.push(match variant % 4 {
        0 => p(
            2026,
            Category::Professional,
            "专业科目年度培训（上半年）",
            5,
            4,
            240,
            RecordState::Submitted,
        ),
        1 => paper,
        2 => Plan {
            opinion: "培训证明不清晰，请补充施教机构盖章的结业证书后重新申报",
            ..p(
                2026,
                Category::Professional,
                "行业前沿技术研修",
                6,
                3,
                180,
                RecordState::Returned,
            )
        },
        _ => p(
            2026,
            Category::Professional,
            "专业技能实训",
            8,
            2,
            120,
            RecordState::Draft,
        ),
    });
    if variant.is_multiple_of(5) {
        v.push(Plan {
            opinion: "与本人专业无关，且无考核结果，不予认定",
            ..p(
                2026,
                Category::Elective,
                "摄影入门",
                7,
                1,
                60,
                RecordState::Rejected,
            )
        });
    }
    v
}

fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, month, day)
        .and_then(|d| d.and_hms_opt(2, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now)
}

pub async fn load(app: &AppState) -> anyhow::Result<()> {
    let mut people: Vec<(i64, i64, String)> = Vec::new();
    if let Some(z) = app.store.account_by_identifier("zhangwei").await? {
        people.push((z.id, 0, String::new()));
    }
    for i in 1..=54 {
        if let Some(a) = app
            .store
            .account_by_identifier(&format!("demo{i:02}"))
            .await?
        {
            people.push((a.id, i, String::new()));
        }
    }
    let mut deciders = Vec::new();
    for (unit, login) in DECIDERS {
        if let Some(a) = app.store.account_by_identifier(login).await? {
            deciders.push((*unit, a.id));
        }
    }
    for (account, n, _) in people {
        let Some(b) = app.store.open_binding(account).await? else {
            continue;
        };
        if b.state != BindingState::Confirmed {
            continue;
        }
        let decider = deciders
            .iter()
            .find(|(u, _)| *u == b.unit_name)
            .map(|(_, id)| *id)
            .unwrap_or(account);
        // zhangwei meets 2025 and has one of each kind of work this year.
        let short = n % 3 == 1;
        for (k, plan) in plans(short, n as usize).into_iter().enumerate() {
            let start = NaiveDate::from_ymd_opt(plan.year, plan.month, 10)
                .ok_or_else(|| anyhow::anyhow!("demo date"))?;
            let fields = RecordFields {
                year: plan.year,
                category: plan.category,
                declaration: plan.declaration,
                course_name: plan.course.into(),
                study_form: "面授".into(),
                institution_id: None,
                institution_name: plan.institution.into(),
                start_date: start,
                end_date: start + chrono::Duration::days(plan.days - 1),
                claimed_tenths: plan.tenths,
                matches_specialty: plan.category != Category::Elective,
                main_author: plan.declaration == DeclarationType::Paper,
                passed: true,
                content: String::new(),
                location: String::new(),
                remarks: String::new(),
            };
            let submitted_at = at(plan.year, plan.month, 25);
            let draft = plan.state == RecordState::Draft;
            let Some(id) = app
                .store
                .create_record(
                    &NewRecord {
                        fields: &fields,
                        account_id: account,
                        unit_id: b.unit_id,
                        declared_by: account,
                        declared_for_org: None,
                        source: RecordSource::Own,
                        state: if draft {
                            RecordState::Draft
                        } else {
                            RecordState::Submitted
                        },
                        recognised_tenths: None,
                        // The demo's records land once however often the demo is loaded.
                        import_key: Some(format!("demo-{account}-{k}")),
                    },
                    &Step {
                        step: if draft { "create" } else { "submit" },
                        org_id: None,
                        actor_id: account,
                        result: if draft { "暂存" } else { "送审" },
                        opinion: "",
                        recognised_tenths: None,
                    },
                    submitted_at,
                )
                .await?
            else {
                continue;
            };
            let result = match plan.state {
                RecordState::Approved => "同意",
                RecordState::Returned => "不同意并退案",
                RecordState::Rejected => "不同意并结案",
                _ => continue,
            };
            let recognised = (plan.state == RecordState::Approved).then_some(plan.tenths);
            app.store
                .change_record(
                    id,
                    &[RecordState::Submitted],
                    None,
                    plan.state,
                    &Step {
                        step: "decide",
                        org_id: Some(b.unit_id),
                        actor_id: decider,
                        result,
                        opinion: plan.opinion,
                        recognised_tenths: recognised,
                    },
                    submitted_at + chrono::Duration::days(5),
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo record {id}: {e}"))?;
        }
    }
    // Two units keep preset opinions.
    for unit in ["广州市第一中学", "广州市第一人民医院"] {
        let found = app
            .store
            .organizations(&store::organizations::OrgFilter {
                name: Some(unit.to_owned()),
                per_page: 1,
                ..Default::default()
            })
            .await?;
        let Some(o) = found.items.first() else {
            continue;
        };
        if app.store.preset_opinions(o.id).await?.is_empty() {
            for (step, text) in [
                ("approve", "情况属实，同意认定"),
                ("return", "证明材料不全，请补充后重新申报"),
                ("reject", "不属于继续教育范围，不予认定"),
            ] {
                app.store.add_preset_opinion(o.id, step, text).await?;
            }
        }
    }
    Ok(())
}
