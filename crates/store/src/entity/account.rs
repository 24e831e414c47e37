use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub login_name: String,
    pub login_key: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub real_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<Date>,
    pub mobile: String,
    pub email: String,
    pub country: String,
    pub doc_type: String,
    pub doc_number: String,
    pub question1: String,
    pub answer1_hash: String,
    pub question2: String,
    pub answer2_hash: String,
    pub question3: String,
    pub answer3_hash: String,
    pub is_platform_admin: bool,
    pub failed_count: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub password_changed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
