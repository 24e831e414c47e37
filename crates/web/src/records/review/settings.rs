//! The unit's review settings: the internal flow (how many reviewers before the leader) and
//! its preset opinions (批注).

use super::*;

#[derive(Template, WebTemplate)]
#[template(path = "records/settings.html")]
pub struct SettingsPage {
    c: Chrome,
    reviewers: u32,
    opinions: Vec<PresetOpinion>,
    can_set_flow: bool,
}

impl SettingsPage {
    fn step_label(&self, step: &str) -> &'static str {
        match step {
            "approve" => "同意",
            "reject" => "不同意并结案",
            "return" => "不同意并退案",
            _ => "通用",
        }
    }
}

pub async fn settings(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    Ok(SettingsPage {
        c: Chrome::for_user("审核设置与批注", "/org/records", &user),
        reviewers: app.store.record_reviewers(acting.org.id).await?,
        opinions: app.store.preset_opinions(acting.org.id).await?,
        can_set_flow: permits(acting.kind, acting.roles, Action::EditOrgInfo),
    }
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlowForm {
    reviewers: String,
}

pub async fn save_settings(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<FlowForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::EditOrgInfo).await?;
    policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    match f.reviewers.trim().parse::<u32>() {
        Ok(n) if n <= 5 => {
            app.store.set_record_reviewers(acting.org.id, n).await?;
            user.session.flash(
                "success",
                if n == 0 {
                    "已关闭内部审核流程：审核人可直接审批。".to_owned()
                } else {
                    format!("已启用内部审核流程：{n}名不同的审核人审核后，由单位领导审批。")
                },
            );
        }
        _ => user.session.flash("error", "审核人数应为0至5之间的整数。"),
    }
    Ok(Redirect::to("/org/records/settings").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OpinionForm {
    step: String,
    text: String,
}

pub async fn add_opinion(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    CsrfForm(f): CsrfForm<OpinionForm>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    let text = f.text.trim();
    let step = match f.step.as_str() {
        s @ ("approve" | "reject" | "return") => s,
        _ => "any",
    };
    if text.is_empty() || text.chars().count() > 200 {
        user.session
            .flash("error", "批注内容不能为空，且不超过200字。");
    } else {
        app.store
            .add_preset_opinion(acting.org.id, step, text)
            .await?;
        user.session.flash("success", "已添加批注。");
    }
    Ok(Redirect::to("/org/records/settings").into_response())
}

pub async fn delete_opinion(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> AppResult<Response> {
    let acting = policy::acting_for(&app, &user, &ip, Action::ReviewRecords).await?;
    match app.store.delete_preset_opinion(acting.org.id, id).await {
        Ok(()) => user.session.flash("success", "已删除批注。"),
        Err(ChangeError::Conflict) => {
            return Err(policy::deny(&app, &user, &ip, &format!("删除其他单位的批注 {id}")).await);
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to("/org/records/settings").into_response())
}
