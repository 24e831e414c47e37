//! CE records (继续教育记录): the person's declarations, the unit's review queue and its work
//! on its staff's records (代申报, 培训信息维护, 批注), and the record page with its trail.

mod attachments;
mod form;
pub mod import;
mod mine;
mod review;
mod view;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::routing::{get, post};
use chrono::NaiveDate;
use domain::binding::BindingState;
use domain::record::{Category, DeclarationRules, DeclarationType, RecordState};
use store::records::Record;

use crate::AppState;
use crate::forms::FieldErrors;
use crate::layout::Chrome;
use form::RecordForm;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/records", get(mine::list))
        .route("/me/records.xlsx", get(mine::export))
        .route("/me/records/new", get(mine::new).post(mine::create))
        .route("/me/records/{id}", get(mine::show))
        .route("/me/records/{id}/edit", get(mine::edit).post(mine::update))
        .route("/me/records/{id}/submit", post(mine::submit))
        .route("/me/records/{id}/withdraw", post(mine::withdraw))
        .route("/me/records/{id}/delete", post(mine::delete))
        .route(
            "/me/records/{id}/attachments",
            post(attachments::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/me/records/{id}/attachments/{att}",
            get(attachments::open_own),
        )
        .route(
            "/me/records/{id}/attachments/{att}/delete",
            post(attachments::remove),
        )
        .route(
            "/org/records/{id}/attachments/{att}",
            get(attachments::open_for_unit),
        )
        .route(
            "/org/records/{id}/attachments",
            post(attachments::upload_for_unit).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/org/records/{id}/attachments/{att}/delete",
            post(attachments::remove_for_unit),
        )
        .route("/org/records/{id}/confirm", post(review::confirm))
        .route("/org/records", get(review::queue))
        .route("/org/records.xlsx", get(review::export))
        .route("/org/records/decide", post(review::decide_batch))
        .route("/org/records/new", get(review::new).post(review::create))
        .route(
            "/org/records/import",
            get(import::page)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/org/records/import/template.xlsx", get(import::template))
        .route("/org/records/import/{id}", get(import::job))
        .route("/org/records/import/{id}/start", post(import::start))
        .route(
            "/org/records/settings",
            get(review::settings).post(review::save_settings),
        )
        .route("/org/records/opinions", post(review::add_opinion))
        .route(
            "/org/records/opinions/{id}/delete",
            post(review::delete_opinion),
        )
        .route("/org/records/{id}", get(review::show))
        .route("/org/records/{id}/decide", post(review::decide))
        .route("/org/records/{id}/review", post(review::add_review))
        .route(
            "/org/records/{id}/correct",
            get(review::correct_form).post(review::correct),
        )
        .route("/org/records/{id}/delete", post(review::delete))
}

/// The unit's record list filtered to one state.
pub fn unit_list(state: RecordState) -> String {
    format!("/org/records?state={}", state.code())
}

/// Where a person's records go and which rules apply to them: the confirmed employer,
/// its region, and the person's series.
pub struct RuleContext {
    pub unit_id: i64,
    pub unit_name: String,
    pub region_code: String,
    pub series: Option<String>,
}

/// The rules of one year for one person.
pub struct YearRules {
    pub declaration: DeclarationRules,
    pub deadline: Option<NaiveDate>,
}

impl YearRules {
    pub fn context(&self, today: NaiveDate, has_attachment: bool) -> form::Context<'_> {
        form::Context {
            today,
            rules: &self.declaration,
            deadline: self.deadline,
            has_attachment,
        }
    }
}

impl RuleContext {
    /// The person's confirmed employer, or `None` before a unit confirmed them.
    pub async fn of_person(
        app: &AppState,
        account: i64,
    ) -> Result<Option<RuleContext>, store::DbErr> {
        let Some(b) = app.store.open_binding(account).await? else {
            return Ok(None);
        };
        if b.state != BindingState::Confirmed {
            return Ok(None);
        }
        let Some(unit) = app.store.organization(b.unit_id).await? else {
            return Ok(None);
        };
        let series = app
            .store
            .profile(account)
            .await?
            .map(|p| p.series_code)
            .filter(|s| !s.is_empty());
        Ok(Some(RuleContext {
            unit_id: unit.id,
            unit_name: unit.name,
            region_code: unit.region_code,
            series,
        }))
    }

    /// The rules of the typed year (this year when it is not a number).
    pub async fn rules_for(&self, app: &AppState, year: &str) -> Result<YearRules, store::DbErr> {
        let Ok(year) = year.trim().parse::<i32>() else {
            return Ok(YearRules {
                declaration: DeclarationRules::default(),
                deadline: None,
            });
        };
        let rule = app
            .store
            .rule_set_for(year, self.series.as_deref(), &self.region_code)
            .await?
            .map(|r| r.to_domain());
        Ok(YearRules {
            declaration: rule.as_ref().map(|r| r.declaration).unwrap_or_default(),
            deadline: Some(
                rule.as_ref()
                    .map(|r| r.deadline_for(year))
                    .unwrap_or_else(|| domain::record::annual_deadline(year)),
            ),
        })
    }
}

/// Who fills the record form: the person, a unit declaring for its staff, or a unit
/// correcting an approved record.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Person,
    Behalf,
    Correct,
}

#[derive(Template, WebTemplate)]
#[template(path = "records/form.html")]
pub struct FormPage {
    c: Chrome,
    mode: Mode,
    action: String,
    f: RecordForm,
    errors: FieldErrors,
    categories: Vec<(&'static str, &'static str)>,
    declarations: Vec<(&'static str, &'static str)>,
    study_forms: Vec<&'static str>,
    returned_opinion: Option<String>,
    person: Option<String>,
}

impl FormPage {
    pub fn new(
        c: Chrome,
        mode: Mode,
        action: String,
        f: RecordForm,
        errors: FieldErrors,
    ) -> FormPage {
        FormPage {
            c,
            mode,
            action,
            f,
            errors,
            categories: Category::ALL
                .iter()
                .map(|c| (c.code(), c.label()))
                .collect(),
            declarations: DeclarationType::ALL
                .iter()
                .map(|d| (d.code(), d.label()))
                .collect(),
            study_forms: form::STUDY_FORMS.to_vec(),
            returned_opinion: None,
            person: None,
        }
    }

    /// Shows the unit's opinion above the form of a returned record.
    pub fn with_opinion(mut self, r: &Record) -> FormPage {
        if r.state == RecordState::Returned && !r.opinion.is_empty() {
            self.returned_opinion = Some(r.opinion.clone());
        }
        self
    }

    pub fn for_person(mut self, who: String) -> FormPage {
        self.person = Some(who);
        self
    }

    fn same(&self, a: &str, b: &str) -> bool {
        a == b
    }

    fn is(&self, m: &str) -> bool {
        matches!(
            (self.mode, m),
            (Mode::Person, "person") | (Mode::Behalf, "behalf") | (Mode::Correct, "correct")
        )
    }
}
