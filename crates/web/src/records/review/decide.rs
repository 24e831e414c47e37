//! Deciding a waiting record: one at a time (审核), the internal flow's reviews before the
//! leader decides, and a batch with one opinion.

use super::*;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    /// The version of the record the reviewer looked at.
    version: Option<i32>,
    decision: String,
    recognised: String,
    opinion: String,
}

fn result_of(decision: &str) -> &'static str {
    match decision {
        "approve" => "同意",
        "reject" => "不同意并结案",
        "return" => "不同意并退案",
        _ => "",
    }
}

pub async fn decide(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DecideForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ReviewRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    record::not_own(r.account_id, user.account.id)
        .and_then(|()| record::check_opinion(&f.opinion))
        .or_back(&back)?;
    let current = r.state;
    let flow = flow_of(app.store.record_reviewers(acting.org.id).await?);
    if record::review_part(flow, acting.roles) != ReviewPart::Decide {
        return Err(back.refuse("本单位启用了内部审核流程，审批须由单位领导作出。"));
    }
    if let Some(flow) = flow {
        let so_far = app.store.reviewers_since_submit(id).await?.len() as u32;
        record::leader_may_decide(so_far, &flow).or_back(&back)?;
    }
    let opinion = f.opinion.trim();
    let claimed = hours::Hours::from_tenths(r.claimed_tenths);
    let (next, recognised) = match f.decision.as_str() {
        "approve" => {
            let recognised = hours::parse(&f.recognised)
                .map_err(|e| format!("认定学时：{e}"))
                .or_back(&back)?;
            let next = record::approve(current, claimed, recognised).or_back(&back)?;
            (next, Some(recognised.tenths()))
        }
        "reject" => (record::reject(current, opinion).or_back(&back)?, None),
        "return" => (
            record::return_for_correction(current, opinion).or_back(&back)?,
            None,
        ),
        _ => return Err(back.refuse("请选择审核结果")),
    };
    let step = Step {
        step: "decide",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: result_of(&f.decision),
        opinion,
        recognised_tenths: recognised,
    };
    back.changed(
        app.store
            .change_record(id, RecordState::PENDING, f.version, next, &step, app.now())
            .await,
        "该记录在您打开后已有变动（已被他人处理，或被申报人回收、修改），请重新查看后再审核。",
    )?;
    back.done_at(
        "/org/records",
        format!("已审核：{}，{}。", r.real_name, result_of(&f.decision)),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    version: i32,
    choice: String,
    opinion: String,
}

/// A review in the internal flow, before the leader decides: a recommendation to the leader,
/// or 退案（内部）, which returns the record to its declarer at once.
pub async fn add_review(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ReviewForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ReviewRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    let flow = flow_of(app.store.record_reviewers(acting.org.id).await?);
    if flow.is_none() || record::review_part(flow, acting.roles) != ReviewPart::Review {
        return Err(back.refuse("您可以直接审批该记录，无需先审核。"));
    }
    let choice = ReviewChoice::from_code(&f.choice)
        .ok_or("请选择处理意见")
        .or_back(&back)?;
    record::not_own(r.account_id, user.account.id).or_back(&back)?;
    let current = r.state;
    let mine = app
        .store
        .reviewers_since_submit(id)
        .await?
        .contains(&user.account.id);
    let next = internal_review::review(current, mine, choice, &f.opinion).or_back(&back)?;
    let step = Step {
        step: "review",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: choice.label(),
        opinion: f.opinion.trim(),
        recognised_tenths: None,
    };
    back.changed(
        app.store
            .review_in_flow(id, f.version, next, &step, choice.code(), app.now())
            .await,
        "该记录刚被他人审核或处理，您的意见未保存，请刷新后重试。",
    )?;
    if next == RecordState::Returned {
        return back.done_at(
            "/org/records",
            format!("已退案（内部）：{} 的记录已退回申报人修改。", r.real_name),
        );
    }
    back.done(format!(
        "已提交：{}，等待其他审核人或单位领导。",
        choice.label()
    ))
}

/// Approve, reject or return the chosen records with one opinion.
pub async fn decide_batch(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<Pairs>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    let unit = acting.org.id;
    let back_to = {
        let q = f.get("back");
        if q.starts_with("/org/records") {
            q.to_owned()
        } else {
            "/org/records".to_owned()
        }
    };
    let back = |kind: &str, msg: String| {
        user.session.flash(kind, msg);
        Ok(Redirect::to(&back_to).into_response())
    };
    let ids: Vec<i64> = f
        .all("record")
        .filter_map(|v| v.parse::<i64>().ok())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(1000)
        .collect();
    if ids.is_empty() {
        return back("error", "请先勾选要审核的记录。".into());
    }
    if app.store.foreign_records(&ids, unit).await? > 0 {
        return Err(policy::deny(&app, &user, &ip, "批量审核其他单位的学时记录").await);
    }
    let flow = flow_of(app.store.record_reviewers(unit).await?);
    if flow.is_some() || record::review_part(flow, acting.roles) != ReviewPart::Decide {
        return back("error", "本单位启用了内部审核流程，请逐条审核。".into());
    }
    if app.store.own_records(&ids, user.account.id).await? > 0 {
        return back(
            "error",
            "所选记录中有您本人的学时记录：本人的记录须由本单位其他审核人审核，本次未作任何处理。"
                .into(),
        );
    }
    let decision = f.get("decision");
    let opinion = f.get("opinion").trim();
    if let Err(e) = record::check_opinion(opinion) {
        return back("error", e.to_string());
    }
    // The rule of each transition decides what the batch may do; a waiting record passes.
    let check = match decision {
        "approve" => Ok(RecordState::Approved),
        "reject" => record::reject(RecordState::Submitted, opinion),
        "return" => record::return_for_correction(RecordState::Submitted, opinion),
        _ => return back("error", "请选择审核结果".into()),
    };
    let next = match check {
        Ok(s) => s,
        Err(e) => return back("error", e.to_string()),
    };
    let step = Step {
        step: "decide",
        org_id: Some(unit),
        actor_id: user.account.id,
        result: result_of(decision),
        opinion,
        recognised_tenths: None,
    };
    let changed = app
        .store
        .decide_records(&ids, unit, next, &step, app.now())
        .await?;
    let skipped = ids.len() - changed.len();
    if skipped == 0 {
        back(
            "success",
            format!("已{} {} 条记录。", result_of(decision), changed.len()),
        )
    } else {
        back(
            "info",
            format!(
                "已{} {} 条记录；另有 {skipped} 条已被他人处理或已被回收，未重复操作。",
                result_of(decision),
                changed.len()
            ),
        )
    }
}
