//! Excel exports: real xlsx files, read back with calamine, holding what the list holds.

use std::io::Cursor;

use calamine::{Reader, Xlsx};

use crate::on_both_engines;
#[allow(unused_imports)]
use crate::support::*;

fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("an xlsx file");
    let name = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&name).expect("the sheet");
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

on_both_engines!(the_staff_list_exports_what_it_shows, |app| {
    with_demo(&app).await;
    let mut c = Client::new(&app);
    c.sign_in("yizhong", "Study2026gd")
        .await
        .assert_redirect("/act");
    let act = c.get("/act").await;
    let yz = app
        .state
        .store
        .organizations(&store::organizations::OrgFilter {
            name: Some("广州市第一中学".into()),
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .remove(0);
    assert!(act.body.contains("广州市第一中学"));
    c.post("/act", &[("org", &yz.id.to_string())])
        .await
        .assert_redirect("/");

    let page = c.get("/org/staff?state=confirmed").await;
    page.assert_contains("导出Excel");
    let r = c.get("/org/staff.xlsx?state=confirmed").await;
    assert_eq!(r.status, 200);
    let kind = r
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let disposition = r
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(disposition.contains("attachment"), "{disposition}");

    let bytes = c.get_bytes("/org/staff.xlsx?state=confirmed").await;
    let rows = sheet_rows(&bytes);
    assert_eq!(rows[0][0], "姓名");
    assert_eq!(rows[0][2], "证件号码");
    let listed = app
        .state
        .store
        .staff(&store::bindings::StaffFilter {
            within: yz.id,
            state: Some("confirmed".into()),
            per_page: 200,
            page: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        rows.len() as u64 - 1,
        listed.total,
        "one row per person, as the list counts"
    );
    assert!(rows.iter().any(|r| r[0] == "张伟"), "zhangwei is exported");
    // Numbers stay masked in the file too.
    assert!(
        rows.iter().skip(1).all(|r| r[2].contains("**********")),
        "{:?}",
        rows[1]
    );
    assert!(!rows.iter().any(|r| r[2] == "110101199003072711"));

    // The export keeps to the organisation's own subtree, like the page.
    let mut other = Client::new(&app);
    other.sign_in("thzx", "Study2026gd").await;
    let thzx = app
        .state
        .store
        .organizations(&store::organizations::OrgFilter {
            name: Some("广州市天河中学".into()),
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .remove(0);
    other.get("/act").await;
    other.post("/act", &[("org", &thzx.id.to_string())]).await;
    let theirs = sheet_rows(&other.get_bytes("/org/staff.xlsx").await);
    assert!(
        !theirs.iter().any(|r| r[0] == "张伟"),
        "another unit's staff are not exported"
    );
    // As oneself there is nothing to export.
    let mut person = Client::new(&app);
    person.sign_in("zhangwei", "Study2026gd").await;
    assert_eq!(person.get("/org/staff.xlsx").await.status, 404);
});
