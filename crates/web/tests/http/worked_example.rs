//! The worked example of Guangzhou's 2012 manual, over the rule sets the product ships: a
//! qualification of 2006, an application before 30 June 2012 verifies 2007–2011 (90 + 4 × 72 =
//! 378 hours), one after 1 July 2012 verifies 2008–2012 (5 × 72 = 360 hours).

use chrono::{TimeZone, Utc};

use crate::on_both_engines;
use crate::orgs::{new_person, org_named, signed_in};
#[allow(unused_imports)]
use crate::support::*;

/// Moves the test clock to noon in Guangzhou on that day.
fn set_day(app: &TestApp, y: i32, m: u32, d: u32) {
    let at = Utc
        .with_ymd_and_hms(y, m, d, 4, 0, 0)
        .single()
        .expect("a day");
    app.clock.advance(at - app.state.now());
}

fn preview() -> Vec<(&'static str, &'static str)> {
    vec![
        ("promotion", "junior"),
        ("target_level", "zhongji"),
        ("target_qualification", "工程师"),
        ("discipline", "natural"),
        ("qualification_date", "2006-07-01"),
        ("intent", "preview"),
    ]
}

on_both_engines!(
    the_guangzhou_manuals_worked_example_holds_over_the_shipped_rules,
    |app| {
        with_demo(&app).await;
        let store = &app.state.store;
        // An engineer (neither a school teacher nor a health professional) of a Guangzhou unit
        // with an assistant-level qualification obtained in 2006.
        let unit = org_named(&app, "广州天河软件科技有限公司").await;
        assert!(unit.region_code.starts_with("4401"), "{}", unit.region_code);
        let me = new_person(&app, "gongcheng2006", "陈建工", 906).await;
        store
            .request_binding(
                me,
                unit.id,
                domain::binding::BindingState::Confirmed,
                app.state.now(),
            )
            .await
            .unwrap()
            .expect("bound");
        store
            .save_profile(
                &store::profiles::Profile {
                    account_id: me,
                    qualification: "助理工程师".into(),
                    level_code: "zhuli".into(),
                    qualification_date: chrono::NaiveDate::from_ymd_opt(2006, 7, 1),
                    series_code: "gongcheng".into(),
                    discipline: "natural".into(),
                    ..Default::default()
                },
                app.state.now(),
            )
            .await
            .unwrap();
        let mut person = signed_in(&app, "gongcheng2006").await;

        // Applying on 1 June 2012: the years up to last year, 2007 at 90 hours.
        set_day(&app, 2012, 6, 1);
        person.get("/me/cycles/new").await;
        let r = person.post("/me/cycles/new", &preview()).await;
        assert_eq!(r.status, 200);
        r.assert_contains("2007年—2011年");
        r.assert_contains("378.0");
        r.assert_lacks("360.0");

        // Applying on 2 July 2012: this year counts, 2007 drops out, five years of 72.
        set_day(&app, 2012, 7, 2);
        person.get("/me/cycles/new").await;
        let r = person.post("/me/cycles/new", &preview()).await;
        assert_eq!(r.status, 200);
        r.assert_contains("2008年—2012年");
        r.assert_contains("360.0");
        r.assert_lacks("378.0");
    }
);
