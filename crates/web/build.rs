//! Whether the PostgreSQL half of the HTTP suite can run is known when the tests are built:
//! without `JXJY_TEST_POSTGRES_URL` those tests are built `#[ignore]`d, so that the run
//! reports them as ignored instead of passing them untested. `JXJY_REQUIRE_POSTGRES=1`
//! without the URL fails the build.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(jxjy_postgres_tests)");
    println!("cargo::rerun-if-env-changed=JXJY_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-env-changed=JXJY_REQUIRE_POSTGRES");
    let url = std::env::var("JXJY_TEST_POSTGRES_URL").unwrap_or_default();
    if !url.is_empty() {
        println!("cargo::rustc-cfg=jxjy_postgres_tests");
    } else if std::env::var("JXJY_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("JXJY_REQUIRE_POSTGRES=1 but JXJY_TEST_POSTGRES_URL is not set");
    }
}
