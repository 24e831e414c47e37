//! Bulk data for benchmarks: many persons bound to the given units, inserted with
//! set-based statements (one per table) so that 100,000 rows take seconds.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::Store;

impl Store {
    /// Inserts `n` persons with profiles, spread over `units` and confirmed there.
    pub async fn seed_bench_staff(
        &self,
        units: &[i64],
        n: u64,
        now: DateTime<Utc>,
    ) -> Result<(), DbErr> {
        if units.is_empty() {
            return Ok(());
        }
        let seq = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ?)";
        self.db()
            .execute_raw(self.stmt(
                &format!(
                    "{seq} INSERT INTO account (login_name, login_key, password_hash, must_change_password, real_name, \
                     gender, mobile, email, country, doc_type, doc_number, question1, answer1_hash, question2, answer2_hash, \
                     question3, answer3_hash, is_platform_admin, failed_count, created_at, password_changed_at) \
                     SELECT 'bench' || n, 'bench' || n, '', false, '测试人员' || n, 'M', '13800000000', 'bench@example.com', \
                     'CN', 'mainland_id', 'BENCH' || n, '', '', '', '', '', '', false, 0, ?, ? FROM seq"
                ),
                [(n as i64).into(), now.into(), now.into()],
            ))
            .await?;
        let cases: String = units
            .iter()
            .enumerate()
            .map(|(i, u)| format!(" WHEN {i} THEN {u}"))
            .collect();
        let k = units.len();
        self.db()
            .execute_raw(self.stmt(
                &format!(
                    "INSERT INTO binding (account_id, unit_id, state, open_key, reason, requested_at, decided_at) \
                     SELECT id, CASE id % {k}{cases} END, 'confirmed', id, '', ?, ? FROM account WHERE login_key LIKE 'bench%'"
                ),
                [now.into(), now.into()],
            ))
            .await?;
        self.db()
            .execute_raw(self.stmt(
                "INSERT INTO person_profile (account_id, ethnicity, native_place, education_code, degree, major, school, \
                 qualification, level_code, series_code, specialty, discipline, postal_code, address, region_code, updated_at) \
                 SELECT id, '汉族', '', 'benke', '', '', '', '工程师', CASE id % 3 WHEN 0 THEN 'zhongji' WHEN 1 THEN 'fugao' ELSE 'zhuli' END, \
                 CASE id % 4 WHEN 0 THEN 'gongcheng' WHEN 1 THEN 'weisheng' WHEN 2 THEN 'zhongxiaoxue' ELSE 'kuaiji' END, \
                 '', 'natural', '', '', '440106', ? FROM account WHERE login_key LIKE 'bench%'",
                [now.into()],
            ))
            .await?;
        // Fresh statistics, as a province's database has after its nightly analyse.
        self.db().execute_unprepared("ANALYZE").await?;
        Ok(())
    }
}
