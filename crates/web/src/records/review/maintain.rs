//! 培训信息维护: the unit corrects an approved record or deletes it, with a reason each time.

use super::*;

fn correct_page(
    user: &CurrentUser,
    id: i64,
    r: &Record,
    f: RecordForm,
    errors: FieldErrors,
) -> FormPage {
    FormPage::new(
        Chrome::for_user("培训信息维护", "/org/records", user),
        Mode::Correct,
        format!("/org/records/{id}/correct"),
        f,
        errors,
    )
    .for_person(format!(
        "{}（{}）",
        r.real_name,
        domain::identity::mask(&r.doc_number)
    ))
}

pub async fn correct_form(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (_, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    if r.state != RecordState::Approved {
        user.session.flash("error", "只有已通过的记录才能维护。");
        return Ok(Redirect::to(&format!("/org/records/{id}")).into_response());
    }
    Ok(correct_page(&user, id, &r, RecordForm::of(&r), FieldErrors::default()).into_response())
}

/// 培训信息维护: corrects an approved record with a reason; the figures that count it follow.
pub async fn correct(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RecordForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    if let Err(e) = record::not_own(r.account_id, user.account.id) {
        user.session.flash("error", e.to_string());
        return Ok(Redirect::to(&format!("/org/records/{id}")).into_response());
    }
    let rules = match RuleContext::of_person(&app, r.account_id).await? {
        Some(cx) => cx.rules_for(&app, &f.year).await?.declaration,
        None => record::DeclarationRules::default(),
    };
    let cx = form::Context {
        today: app.today(),
        rules: &rules,
        deadline: None,
        has_attachment: true,
    };
    let mut errors = FieldErrors::default();
    let fields = form::check(&f, &cx).map_err(|e| errors = e).ok();
    let recognised = match hours::parse(&f.recognised) {
        Ok(h) => Some(h),
        Err(e) => {
            errors.add("recognised", e.to_string());
            None
        }
    };
    if let (Some(fields), Some(recognised)) = (&fields, recognised)
        && let Err(e) = record::approve(
            RecordState::Submitted,
            hours::Hours::from_tenths(fields.claimed_tenths),
            recognised,
        )
    {
        errors.add("recognised", e.to_string());
    }
    let reason = f.reason.trim();
    if reason.is_empty() {
        errors.add("reason", "请填写维护原因");
    } else if reason.chars().count() > 200 {
        errors.add("reason", "不能超过200个字");
    }
    let (Some(fields), Some(recognised), true) = (fields, recognised, errors.is_empty()) else {
        return Ok(correct_page(&user, id, &r, f, errors).into_response());
    };
    let step = Step {
        step: "correct",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "已修改",
        opinion: reason,
        recognised_tenths: Some(recognised.tenths()),
    };
    match app
        .store
        .correct_record(
            id,
            f.version,
            acting.org.id,
            &fields,
            recognised.tenths(),
            &step,
            app.now(),
        )
        .await
    {
        Ok(()) => user
            .session
            .flash("success", "已保存修改，年度学时已按修改后的记录重新统计。"),
        Err(ChangeError::Conflict) => {
            let mut errors = FieldErrors::default();
            errors.add(
                "form",
                "该记录已在别处修改，这次维护未保存。下面保留了您填写的内容，请打开记录核对后再维护。",
            );
            return Ok(correct_page(&user, id, &r, f, errors).into_response());
        }
        Err(ChangeError::Db(e)) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/org/records/{id}")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DeleteForm {
    reason: String,
}

/// Deletes an approved record with a reason: it stops counting and stays on file.
pub async fn delete(
    State(app): State<AppState>,
    ip: ClientIp,
    user: CurrentUser,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<DeleteForm>,
) -> AppResult<Response> {
    let (acting, r) = unit_record(&app, &ip, &user, id, Action::ManageRecords).await?;
    let back = Back::to(&user.session, format!("/org/records/{id}"));
    record::not_own(r.account_id, user.account.id).or_back(&back)?;
    if domain::unit_declaration::discard(r.state).is_ok() {
        return super::behalf::discard(&app, &back, &user, acting, &r).await;
    }
    let reason = f.reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(back.refuse("删除已通过的记录须填写原因（不超过200字）。"));
    }
    let step = Step {
        step: "delete",
        org_id: Some(acting.org.id),
        actor_id: user.account.id,
        result: "已删除",
        opinion: reason,
        recognised_tenths: None,
    };
    back.changed(
        app.store
            .delete_approved(id, acting.org.id, &step, app.now())
            .await,
        "该记录的状态已经改变，请刷新查看。",
    )?;
    back.done_at(
        &crate::records::unit_list(RecordState::Approved),
        format!(
            "已删除 {} 的“{}”，年度学时已重新统计。",
            r.real_name, r.course_name
        ),
    )
}
