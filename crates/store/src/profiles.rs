//! Person profiles (资料维护).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult};

use crate::Store;

#[derive(Debug, Clone, Default, FromQueryResult)]
pub struct Profile {
    pub account_id: i64,
    pub ethnicity: String,
    pub native_place: String,
    pub education_code: String,
    pub degree: String,
    pub major: String,
    pub school: String,
    pub graduation_date: Option<NaiveDate>,
    pub work_start: Option<NaiveDate>,
    pub qualification: String,
    pub level_code: String,
    pub qualification_date: Option<NaiveDate>,
    pub series_code: String,
    pub specialty: String,
    pub discipline: String,
    pub postal_code: String,
    pub address: String,
    pub region_code: String,
}

impl Store {
    pub async fn profile(&self, account: i64) -> Result<Option<Profile>, DbErr> {
        Profile::find_by_statement(self.stmt(
            "SELECT account_id, ethnicity, native_place, education_code, degree, major, school, \
             graduation_date, work_start, qualification, level_code, qualification_date, series_code, \
             specialty, discipline, postal_code, address, region_code FROM person_profile WHERE account_id = ?",
            [account.into()],
        ))
        .one(self.db())
        .await
    }

    pub async fn save_profile(&self, p: &Profile, now: DateTime<Utc>) -> Result<(), DbErr> {
        let vals: Vec<sea_orm::Value> = vec![
            p.ethnicity.clone().into(),
            p.native_place.clone().into(),
            p.education_code.clone().into(),
            p.degree.clone().into(),
            p.major.clone().into(),
            p.school.clone().into(),
            p.graduation_date.into(),
            p.work_start.into(),
            p.qualification.clone().into(),
            p.level_code.clone().into(),
            p.qualification_date.into(),
            p.series_code.clone().into(),
            p.specialty.clone().into(),
            p.discipline.clone().into(),
            p.postal_code.clone().into(),
            p.address.clone().into(),
            p.region_code.clone().into(),
            now.into(),
            p.account_id.into(),
        ];
        let updated = self
            .db()
            .execute_raw(self.stmt(
                "UPDATE person_profile SET ethnicity = ?, native_place = ?, education_code = ?, degree = ?, \
                 major = ?, school = ?, graduation_date = ?, work_start = ?, qualification = ?, level_code = ?, \
                 qualification_date = ?, series_code = ?, specialty = ?, discipline = ?, postal_code = ?, \
                 address = ?, region_code = ?, updated_at = ? WHERE account_id = ?",
                vals.clone(),
            ))
            .await?;
        if updated.rows_affected() == 0 {
            self.db()
                .execute_raw(self.stmt(
                    "INSERT INTO person_profile (ethnicity, native_place, education_code, degree, major, school, \
                     graduation_date, work_start, qualification, level_code, qualification_date, series_code, \
                     specialty, discipline, postal_code, address, region_code, updated_at, account_id) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    vals,
                ))
                .await?;
        }
        Ok(())
    }
}
