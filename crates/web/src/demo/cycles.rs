//! Demo cycle verifications: applications of confirmed demo persons waiting at every level
//! of their chains and in every state, with the figures their records give.

use chrono::NaiveDate;
use domain::cycle::{ApplicationState, Promotion};
use domain::roles::MembershipState;
use store::cycles::{CycleChange, CycleStep, NewCycle};

use crate::AppState;
use crate::records::RuleContext;

/// (person, where the application ends up): the number of levels that approved, and the
/// final state.
const PLANS: &[(&str, usize, ApplicationState)] = &[
    ("demo09", 0, ApplicationState::Pending),
    ("demo17", 1, ApplicationState::InProgress),
    ("demo25", 2, ApplicationState::InProgress),
    ("demo33", 3, ApplicationState::Approved),
    ("demo41", 1, ApplicationState::Returned),
    ("demo49", 0, ApplicationState::Withdrawn),
    ("demo03", 0, ApplicationState::Pending),
    ("demo27", 2, ApplicationState::Rejected),
];

pub async fn load(app: &AppState) -> anyhow::Result<()> {
    let today = app.today();
    for (login, approvals, end) in PLANS {
        let Some(person) = app.store.account_by_identifier(login).await? else {
            continue;
        };
        if !app.store.cycles_of(person.id).await?.is_empty() {
            continue;
        }
        let Some(cx) = RuleContext::of_person(app, person.id).await? else {
            continue;
        };
        let obtained = NaiveDate::from_ymd_opt(2019, 9, 1).unwrap_or(today);
        let Ok(computed) =
            crate::cycles::check::compute(app, &cx, person.id, today, obtained).await?
        else {
            continue;
        };
        let years = &computed.years.years;
        let Some(id) = app
            .store
            .create_cycle(
                &NewCycle {
                    account_id: person.id,
                    unit_id: cx.unit_id,
                    promotion: Promotion::Senior,
                    target_qualification: "高级职称",
                    target_level: "fugao",
                    discipline: "natural",
                    series_code: cx.series.as_deref().unwrap_or(""),
                    qualification_date: obtained,
                    applied_on: today,
                    year_from: *years.first().unwrap_or(&0),
                    year_to: *years.last().unwrap_or(&0),
                    includes_current: computed.years.includes_current,
                    chain: &computed.chain,
                    frozen: &serde_json::to_string(&computed.result)?,
                    met: computed.result.met,
                },
                &CycleStep {
                    step: "submit",
                    org_id: None,
                    actor_id: person.id,
                    result: "申请",
                    opinion: "",
                },
                app.now(),
            )
            .await?
        else {
            continue;
        };
        // Each level's decision is made by one of its members; a short cycle passes only as a
        // special approval with its reason, as the rules require.
        let (approval, reason) = match domain::cycle::approval(computed.result.met, "") {
            Ok(a) => (a.result(), "同意"),
            Err(_) => (
                domain::cycle::SPECIAL_APPROVAL,
                "因公派驻外地两年，按规定特批",
            ),
        };
        let chain = &computed.chain;
        let mut level = 0usize;
        let mut state = ApplicationState::Pending;
        let step_at = |i: usize| chain.get(i).copied();
        for _ in 0..*approvals {
            let Some(org) = step_at(level) else { break };
            let last = level + 1 >= chain.len();
            let (to_state, to_level) = if last {
                (ApplicationState::Approved, level)
            } else {
                (ApplicationState::InProgress, level + 1)
            };
            let actor = decider(app, org).await?.unwrap_or(person.id);
            app.store
                .change_cycle(
                    id,
                    &CycleChange {
                        from_state: state,
                        from_level: level as i32,
                        to_state,
                        to_level: to_level as i32,
                        reviewer_id: if last { None } else { step_at(to_level) },
                        opinion: reason,
                        closes: last,
                    },
                    &CycleStep {
                        step: "decide",
                        org_id: Some(org),
                        actor_id: actor,
                        result: approval,
                        opinion: reason,
                    },
                    app.now(),
                )
                .await
                .map_err(|e| anyhow::anyhow!("demo cycle {id}: {e}"))?;
            state = to_state;
            level = to_level;
        }
        let (to_state, result, opinion, closes, withdrawal) = match *end {
            ApplicationState::Returned => (
                ApplicationState::Returned,
                "退案",
                "请补充近两年的专业科目学时证明",
                false,
                false,
            ),
            ApplicationState::Rejected => (
                ApplicationState::Rejected,
                "不通过",
                "周期学时不足，不予通过",
                true,
                false,
            ),
            ApplicationState::Withdrawn => (ApplicationState::Withdrawn, "回收", "", false, true),
            ApplicationState::Pending
            | ApplicationState::InProgress
            | ApplicationState::Approved => continue,
        };
        let org = if withdrawal { None } else { step_at(level) };
        let actor = match org {
            Some(o) => decider(app, o).await?.unwrap_or(person.id),
            None => person.id,
        };
        app.store
            .change_cycle(
                id,
                &CycleChange {
                    from_state: state,
                    from_level: level as i32,
                    to_state,
                    to_level: if to_state == ApplicationState::Rejected {
                        level as i32
                    } else {
                        0
                    },
                    reviewer_id: None,
                    opinion,
                    closes,
                },
                &CycleStep {
                    step: if withdrawal { "withdraw" } else { "decide" },
                    org_id: org,
                    actor_id: actor,
                    result,
                    opinion,
                },
                app.now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo cycle {id}: {e}"))?;
    }
    Ok(())
}

/// An active member of the organisation, to sign its decisions.
async fn decider(app: &AppState, org: i64) -> anyhow::Result<Option<i64>> {
    Ok(app
        .store
        .members_of(org)
        .await?
        .into_iter()
        .find(|m| m.state == MembershipState::Active)
        .map(|m| m.account_id))
}
