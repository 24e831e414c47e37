//! The test harness: a fresh database per test on each engine (a copy of a template
//! migrated once per test process), an injected clock, and a client that keeps cookies and
//! sends the page's CSRF token like a browser.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use jxjy_web::{AppState, Config, FixedClock};
use tokio::sync::{Mutex, OnceCell};
use tower::ServiceExt;

pub const CAPTCHA: &str = "K7M3P";

#[derive(Clone, Copy, Debug)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<FixedClock>,
    pub router: Router,
    _dir: Option<tempfile::TempDir>,
    _files: tempfile::TempDir,
    /// PostgreSQL: this test's database.
    pg_db: Option<String>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Each PostgreSQL test has its own database: it goes back to the keeper, which sets
        // it back to the template's state for a later test (or drops it).
        if let Some(name) = self.pg_db.take() {
            give_back(name);
        }
    }
}

fn postgres_base() -> Option<String> {
    match std::env::var("JXJY_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("JXJY_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("JXJY_REQUIRE_POSTGRES=1 but JXJY_TEST_POSTGRES_URL is not set");
            }
            eprintln!("SKIPPED on PostgreSQL: set JXJY_TEST_POSTGRES_URL to run this test there");
            None
        }
    }
}

/// The instant every test app's clock starts at. The demo data prepared once per process
/// holds dates taken from it, so a copy is only handed to an app whose clock still shows it.
fn start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0)
        .single()
        .expect("time")
}

fn test_state(store: store::Store, files: &Path) -> (AppState, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(start_instant()));
    let config = Config {
        trust_proxy: true,
        data_dir: files.to_owned(),
        ..Config::default()
    };
    let mut state = AppState::new(store, config);
    state.clock = clock.clone();
    state.fixed_captcha = Some(CAPTCHA.to_owned());
    (state, clock)
}

/// Builds the app on `engine`; None when PostgreSQL is not configured (and not required).
///
/// The database is a copy of a template migrated once per test process (a file copy on
/// SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL), not migrated per test.
pub async fn app_on(engine: Engine) -> Option<TestApp> {
    let (store, dir, pg_db) = match engine {
        Engine::Sqlite => {
            let prepared = prepared_sqlite().await;
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("jxjy.db");
            std::fs::copy(&prepared.template, &path).expect("copy the migrated template");
            let url = format!("sqlite://{}", path.display());
            (
                store::Store::connect(&url).await.expect("sqlite"),
                Some(dir),
                None,
            )
        }
        Engine::Postgres => {
            let base = postgres_base()?;
            let prepared = prepared_postgres(&base).await;
            let kept = keeper_running(&base, prepared);
            let mut taken = None;
            if kept && let Some(name) = take_ready() {
                let store = store::Store::connect(&test_db_url(&base, &name))
                    .await
                    .expect("postgres");
                // Reset a moment ago; this makes sure nothing wrote to it since.
                if fingerprint(&store, &prepared.tables).await == prepared.fresh {
                    taken = Some((store, name));
                } else {
                    let _ = store.close().await;
                    drop_later(name);
                }
            }
            let (store, name) = match taken {
                Some(t) => t,
                None => {
                    let name = format!("jxjy_test_{}", random_suffix());
                    create_database_from(&base, &name, &prepared.template).await;
                    let store = store::Store::connect(&test_db_url(&base, &name))
                        .await
                        .expect("postgres");
                    (store, name)
                }
            };
            (store, None, Some(name))
        }
    };
    let files = tempfile::tempdir().expect("a directory for files");
    let (state, clock) = test_state(store, files.path());
    let router = jxjy_web::router(state.clone());
    Some(TestApp {
        state,
        clock,
        router,
        _dir: dir,
        _files: files,
        pg_db,
    })
}

/// What one test process prepares once per engine.
struct Prepared {
    /// SQLite: the migrated template file; PostgreSQL: the migrated template database.
    template: String,
    /// Every table but the migrations' own, in name order.
    tables: Vec<String>,
    /// The row count of every table of a database fresh from the template: `with_demo`
    /// copies the demo only into a database that still looks like this.
    fresh: String,
    /// The statements that turn a fresh database into one with the demo loaded; None when
    /// the engine cannot take them (then `with_demo` loads the demo itself).
    demo: OnceCell<Option<String>>,
    /// PostgreSQL: the statements that set a used test database back to the template's
    /// rows, and the description of the template's schema a reused database must still
    /// have. None when they cannot run (see `pg_copy_script`).
    reset: Option<(String, String)>,
}

static SQLITE: OnceCell<Prepared> = OnceCell::const_new();
static POSTGRES: OnceCell<Prepared> = OnceCell::const_new();
/// One copy of the template at a time: copies are disk-bound, side by side each is slower.
/// (A template with a session open is refused outright, hence the closed pools.)
static PG_CREATE: Mutex<()> = Mutex::const_new(());

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// One row whose column `t` lists the row count of every table.
fn fingerprint_sql(tables: &[String]) -> String {
    let counts: Vec<String> = tables
        .iter()
        .map(|t| {
            format!(
                "{} || '=' || (SELECT count(*) FROM {})",
                literal(t),
                quoted(t)
            )
        })
        .collect();
    format!("SELECT {} AS t", counts.join(" || ';' || "))
}

async fn texts(store: &store::Store, sql: &str) -> Vec<String> {
    store
        .query_texts(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .flatten()
        .collect()
}

async fn fingerprint(store: &store::Store, tables: &[String]) -> String {
    texts(store, &fingerprint_sql(tables)).await.concat()
}

/// Whether the process that owns a leftover (its id is in the name) has ended. Only where
/// `/proc` shows processes; elsewhere leftovers stay rather than risk a running suite's.
fn owner_gone(pid: &str) -> bool {
    Path::new("/proc/self").exists()
        && pid.parse::<u32>().is_ok()
        && !Path::new("/proc").join(pid).exists()
}

async fn prepared_sqlite() -> &'static Prepared {
    SQLITE
        .get_or_init(|| async {
            let root = std::env::temp_dir();
            // Templates of suites that ended (or were killed) before removing their own.
            if let Ok(entries) = std::fs::read_dir(&root) {
                for e in entries.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if let Some(pid) = name.strip_prefix("jxjy-http-templates-")
                        && owner_gone(pid)
                    {
                        let _ = std::fs::remove_dir_all(e.path());
                    }
                }
            }
            let dir = root.join(format!("jxjy-http-templates-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("a directory for the templates");
            let path = dir.join("fresh.db");
            let store = store::Store::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("sqlite template");
            store.migrate().await.expect("migrations");
            let tables = texts(
                &store,
                "SELECT name AS t FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY name",
            )
            .await;
            let fresh = fingerprint(&store, &tables).await;
            // Everything in the main file, so that copying the file copies the database.
            store
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .expect("checkpoint");
            store.close().await.expect("close the template");
            Prepared {
                template: path.display().to_string(),
                tables,
                fresh,
                demo: OnceCell::new(),
                reset: None,
            }
        })
        .await
}

async fn prepared_postgres(base: &str) -> &'static Prepared {
    POSTGRES
        .get_or_init(|| async {
            let admin = store::Store::connect(base).await.unwrap_or_else(|e| {
                panic!("PostgreSQL at JXJY_TEST_POSTGRES_URL does not answer: {e}")
            });
            // Databases of test processes that ended before dropping them: their templates
            // (no hook runs when a test process exits), spares and tests' databases still
            // queued for dropping.
            let leftovers = texts(
                &admin,
                "SELECT datname AS t FROM pg_database \
                 WHERE datname LIKE 'jxjy\\_tmpl\\_%' OR datname LIKE 'jxjy\\_test\\_%'",
            )
            .await;
            for db in leftovers {
                let pid = db.split('_').nth(2).unwrap_or("");
                if owner_gone(pid) {
                    drop_later(db);
                }
            }
            let name = format!("jxjy_tmpl_{}", random_suffix());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {}", quoted(&name)))
                .await
                .expect("create the template database");
            let _ = admin.close().await;
            let store = store::Store::connect(&test_db_url(base, &name))
                .await
                .expect("postgres template");
            store.migrate().await.expect("migrations");
            let tables = texts(
                &store,
                "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() \
                 AND tablename <> 'seaql_migrations' ORDER BY tablename",
            )
            .await;
            let fresh = fingerprint(&store, &tables).await;
            let reset = match pg_copy_script(&store, &tables).await {
                Some(script) => Some((script, texts(&store, PG_SCHEMA).await.concat())),
                None => None,
            };
            // A template with a session open cannot be copied.
            store.close().await.expect("close the template");
            Prepared {
                template: name,
                tables,
                fresh,
                demo: OnceCell::new(),
                reset,
            }
        })
        .await
}

async fn create_database_from(base: &str, name: &str, template: &str) {
    let admin = store::Store::connect(base)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at JXJY_TEST_POSTGRES_URL does not answer: {e}"));
    {
        let _one_at_a_time = PG_CREATE.lock().await;
        admin
            .execute_unprepared(&format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quoted(name),
                quoted(template)
            ))
            .await
            .expect("create test database");
    }
    let _ = admin.close().await;
}

/// One row whose column `t` describes the schema: tables, columns, indexes, constraints,
/// triggers, functions, types and schemas. A used database whose test changed any of it is
/// dropped rather than reused.
const PG_SCHEMA: &str = "SELECT md5(coalesce(string_agg(x, ',' ORDER BY x), '')) AS t FROM ( \
    SELECT 'c' || table_name || '.' || column_name || ' ' || data_type || ' ' \
        || coalesce(column_default, '') || is_nullable AS x \
        FROM information_schema.columns WHERE table_schema = current_schema() \
    UNION ALL SELECT 'i' || indexdef FROM pg_indexes WHERE schemaname = current_schema() \
    UNION ALL SELECT 'k' || conrelid::regclass::text || conname || pg_get_constraintdef(oid) \
        FROM pg_constraint WHERE connamespace = current_schema()::regnamespace \
    UNION ALL SELECT 't' || tgrelid::regclass::text || tgname FROM pg_trigger WHERE NOT tgisinternal \
    UNION ALL SELECT 'f' || proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace \
    UNION ALL SELECT 'y' || typname FROM pg_type WHERE typnamespace = current_schema()::regnamespace \
    UNION ALL SELECT 's' || nspname FROM pg_namespace) d";

/// Keeps PostgreSQL test databases, in a thread of its own so that tests do not wait for
/// it: databases fresh from the template ready ahead of the tests that take them; used
/// ones set back to the template's rows for reuse, which costs a fraction of dropping one
/// (DROP DATABASE forces a checkpoint of the whole server) and copying another; and
/// leftovers of ended test processes dropped. A test waits only when more than `BACKLOG`
/// used databases are waiting, which bounds what a process leaves behind when it exits;
/// the next run drops those.
struct Keeper {
    queue: std::sync::Mutex<Kept>,
    changed: Condvar,
}

struct Kept {
    ready: VecDeque<String>,
    /// With when their test ended: one is reset once its test's runtime (and any task
    /// still writing) is surely gone.
    used: VecDeque<(String, Instant)>,
    old: VecDeque<String>,
}

static KEEPER: Keeper = Keeper {
    queue: std::sync::Mutex::new(Kept {
        ready: VecDeque::new(),
        used: VecDeque::new(),
        old: VecDeque::new(),
    }),
    changed: Condvar::new(),
};
const READY_AHEAD: usize = 2;
const BACKLOG: usize = 4;
const SETTLE: Duration = Duration::from_millis(250);

/// Starts the keeper once; false when it could not start (then tests make their own
/// databases and leave them to the next run).
fn keeper_running(base: &str, prepared: &'static Prepared) -> bool {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let base = base.to_owned();
        KEEPER_ALIVE.store(true, Ordering::SeqCst);
        let started = std::thread::Builder::new()
            .name("test databases".into())
            .spawn(move || {
                let _alive = Alive;
                keep(&base, prepared)
            });
        if started.is_err() {
            KEEPER_ALIVE.store(false, Ordering::SeqCst);
        }
    });
    KEEPER_ALIVE.load(Ordering::SeqCst)
}

static KEEPER_ALIVE: AtomicBool = AtomicBool::new(false);

/// Marks the keeper gone however its thread ends, so that no test waits on it.
struct Alive;

impl Drop for Alive {
    fn drop(&mut self) {
        // Under the lock, so that a test cannot miss this between its check and its wait.
        let _kept = KEEPER.queue.lock();
        KEEPER_ALIVE.store(false, Ordering::SeqCst);
        KEEPER.changed.notify_all();
    }
}

fn drop_later(name: String) {
    if let Ok(mut kept) = KEEPER.queue.lock() {
        kept.old.push_back(name);
        KEEPER.changed.notify_all();
    }
}

/// Without a keeper the database stays, for the next run to drop.
fn give_back(name: String) {
    if !KEEPER_ALIVE.load(Ordering::SeqCst) {
        return;
    }
    let Ok(mut kept) = KEEPER.queue.lock() else {
        return;
    };
    kept.used.push_back((name, Instant::now()));
    KEEPER.changed.notify_all();
    while kept.used.len() > BACKLOG && KEEPER_ALIVE.load(Ordering::SeqCst) {
        kept = match KEEPER.changed.wait(kept) {
            Ok(k) => k,
            Err(_) => return,
        };
    }
}

/// A fresh database, if one is ready.
fn take_ready() -> Option<String> {
    let mut kept = KEEPER.queue.lock().ok()?;
    let name = kept.ready.pop_front();
    KEEPER.changed.notify_all();
    name
}

enum Chore {
    Reset(String),
    Create,
    Drop(String),
}

fn keep(base: &str, prepared: &'static Prepared) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let Some(admin) = rt.block_on(store::Store::connect(base)).ok() else {
        return;
    };
    // After a failed copy the tests copy their own, and say why if that fails too.
    let mut can_create = true;
    loop {
        let chore = {
            let Ok(mut kept) = KEEPER.queue.lock() else {
                return;
            };
            loop {
                let settled = kept.used.front().map(|(_, at)| at.elapsed() >= SETTLE);
                if settled == Some(true)
                    && let Some((name, _)) = kept.used.pop_front()
                {
                    KEEPER.changed.notify_all();
                    break Chore::Reset(name);
                }
                if can_create && kept.ready.len() < READY_AHEAD {
                    break Chore::Create;
                }
                if let Some(name) = kept.old.pop_front() {
                    break Chore::Drop(name);
                }
                kept = match settled {
                    Some(_) => match KEEPER.changed.wait_timeout(kept, SETTLE / 5) {
                        Ok((k, _)) => k,
                        Err(_) => return,
                    },
                    None => match KEEPER.changed.wait(kept) {
                        Ok(k) => k,
                        Err(_) => return,
                    },
                };
            }
        };
        let ready = rt.block_on(async {
            match chore {
                Chore::Reset(name) => match reset(base, &name, prepared).await {
                    true => Some(name),
                    false => {
                        drop_database(&admin, &name).await;
                        None
                    }
                },
                Chore::Create => {
                    let name = format!("jxjy_test_{}", random_suffix());
                    let _one_at_a_time = PG_CREATE.lock().await;
                    let made = admin
                        .execute_unprepared(&format!(
                            "CREATE DATABASE {} TEMPLATE {}",
                            quoted(&name),
                            quoted(&prepared.template)
                        ))
                        .await;
                    can_create = made.is_ok();
                    made.ok().map(|_| name)
                }
                Chore::Drop(name) => {
                    drop_database(&admin, &name).await;
                    None
                }
            }
        });
        if let Some(name) = ready
            && let Ok(mut kept) = KEEPER.queue.lock()
        {
            kept.ready.push_back(name);
        }
    }
}

async fn drop_database(admin: &store::Store, name: &str) {
    let _ = admin
        .execute_unprepared(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quoted(name)
        ))
        .await;
}

/// Sets a used test database back to the template's rows; false when it cannot be reused.
async fn reset(base: &str, name: &str, prepared: &Prepared) -> bool {
    let Some((script, schema)) = &prepared.reset else {
        return false;
    };
    let Ok(store) = store::Store::connect(&test_db_url(base, name)).await else {
        return false;
    };
    let done = async {
        store
            .execute_unprepared(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await
            .ok()?;
        let one = |sql: String| {
            let store = &store;
            async move {
                let rows = store.query_texts(&sql).await.ok()?;
                Some(rows.into_iter().flatten().collect::<String>())
            }
        };
        if one(PG_SCHEMA.to_owned()).await? != *schema {
            return None;
        }
        store.execute_unprepared(script).await.ok()?;
        (one(fingerprint_sql(&prepared.tables)).await? == prepared.fresh).then_some(())
    }
    .await
    .is_some();
    let _ = store.close().await;
    done
}

/// The statements that replace every row of `tables` and the sequences' positions with
/// those `store` holds now. None when they could not run: rows go in with their foreign
/// keys unchecked, which needs a superuser (the suite's usual `postgres`).
async fn pg_copy_script(store: &store::Store, tables: &[String]) -> Option<String> {
    store
        .execute_unprepared("BEGIN; SET LOCAL session_replication_role = replica; ROLLBACK;")
        .await
        .ok()?;
    let mut sql = String::from("BEGIN; SET LOCAL session_replication_role = replica;");
    // DELETE, not TRUNCATE: the tables are small, and TRUNCATE makes new files for every
    // table and index, which took PostgreSQL twice as long.
    for t in tables {
        sql.push_str(&format!(" DELETE FROM {};", quoted(t)));
    }
    for t in tables {
        // Rows in their physical order, so that unordered reads see the same order.
        let rows = texts(
            store,
            &format!("SELECT json_agg(r)::text AS t FROM {} r", quoted(t)),
        )
        .await;
        if let Some(rows) = rows.first() {
            let t = quoted(t);
            sql.push_str(&format!(
                " INSERT INTO {t} SELECT * FROM json_populate_recordset(NULL::{t}, {});",
                literal(rows)
            ));
        }
    }
    let sequences = texts(
        store,
        "SELECT format('SELECT setval(%L, %s, %s);', \
         quote_ident(schemaname) || '.' || quote_ident(sequencename), \
         coalesce(last_value, start_value), \
         CASE WHEN last_value IS NULL THEN 'false' ELSE 'true' END) AS t \
         FROM pg_sequences WHERE schemaname = current_schema()",
    )
    .await;
    for s in sequences {
        sql.push(' ');
        sql.push_str(&s);
    }
    sql.push_str(" COMMIT;");
    Some(sql)
}

/// Loads the demo into a database of its own, once per process and engine, and returns
/// the statements that copy it into a fresh test database.
async fn demo_script(engine: Engine, prepared: &'static Prepared) -> Option<&'static str> {
    prepared
        .demo
        .get_or_init(|| async move {
            match engine {
                Engine::Sqlite => sqlite_demo_script(prepared).await,
                Engine::Postgres => postgres_demo_script(prepared).await,
            }
        })
        .await
        .as_deref()
}

async fn load_demo_into(store: store::Store) -> store::Store {
    let files = tempfile::tempdir().expect("a directory for files");
    let (state, _) = test_state(store, files.path());
    jxjy_web::demo::load(&state).await.expect("demo data");
    let before = std::fs::read_dir(files.path()).map_or(0, |d| d.count());
    // The copy carries the database only; a demo that began storing files would need them too.
    assert_eq!(
        before, 0,
        "the demo stores files; with_demo must copy them too"
    );
    state.store
}

async fn sqlite_demo_script(prepared: &Prepared) -> Option<String> {
    let dir = Path::new(&prepared.template)
        .parent()
        .expect("the templates' directory");
    let path = dir.join("demo.db");
    std::fs::copy(&prepared.template, &path).expect("copy the template");
    let store = store::Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("sqlite demo template");
    let store = load_demo_into(store).await;
    store
        .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await
        .expect("checkpoint");
    store.close().await.expect("close the demo template");
    // Foreign keys are checked again once every table holds the demo's rows.
    let mut sql = format!(
        "PRAGMA foreign_keys = OFF; ATTACH DATABASE {} AS demo; BEGIN;",
        literal(&path.display().to_string())
    );
    for t in prepared
        .tables
        .iter()
        .chain(["sqlite_sequence".to_owned()].iter())
    {
        let t = quoted(t);
        sql.push_str(&format!(
            " DELETE FROM main.{t}; INSERT INTO main.{t} SELECT * FROM demo.{t};"
        ));
    }
    sql.push_str(" COMMIT; DETACH DATABASE demo; PRAGMA foreign_keys = ON;");
    Some(sql)
}

async fn postgres_demo_script(prepared: &Prepared) -> Option<String> {
    let base = postgres_base()?;
    let name = format!("{}_demo", prepared.template);
    create_database_from(&base, &name, &prepared.template).await;
    let store = store::Store::connect(&test_db_url(&base, &name))
        .await
        .expect("postgres demo template");
    let store = load_demo_into(store).await;
    let script = pg_copy_script(&store, &prepared.tables).await;
    let _ = store.close().await;
    drop_later(name);
    script
}

fn random_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// The URL of database `name` on the server of `base`. Its sessions commit without waiting
/// for the disk: a test database outlives no crash, and every test commits often.
fn test_db_url(base: &str, name: &str) -> String {
    let url = replace_db_name(base, name);
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options[synchronous_commit]=off")
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let after_scheme = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[after_scheme..].find('/') {
        Some(i) => &head[..after_scheme + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Runs a test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_engines {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[allow(unused_imports)]
            use $crate::support::*;

            async fn run($app: TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = app_on(Engine::Sqlite).await {
                    run(app).await;
                }
            }

            // Built ignored without JXJY_TEST_POSTGRES_URL (see build.rs), so that the run
            // counts it as ignored rather than as passed.
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            #[cfg_attr(
                not(jxjy_postgres_tests),
                ignore = "PostgreSQL: set JXJY_TEST_POSTGRES_URL when building the tests"
            )]
            async fn postgres() {
                if let Some(app) = app_on(Engine::Postgres).await {
                    run(app).await;
                }
            }
        }
    };
}

pub struct Response {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn assert_redirect(&self, to: &str) {
        assert!(
            self.status.is_redirection(),
            "expected a redirect to {to}, got {} with {}",
            self.status,
            excerpt(&self.body)
        );
        assert_eq!(self.location.as_deref(), Some(to));
    }

    pub fn assert_eq_status(&self, status: u16) {
        assert_eq!(self.status.as_u16(), status, "{}", excerpt(&self.body));
    }

    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "page does not contain {text:?}: {}",
            excerpt(&self.body)
        );
    }

    pub fn assert_lacks(&self, text: &str) {
        assert!(
            !self.body.contains(text),
            "page should not contain {text:?}"
        );
    }

    /// The value attribute of the input named `name`, as the page sent it back.
    pub fn input_value(&self, name: &str) -> Option<String> {
        let needle = format!("name=\"{name}\"");
        let at = self.body.find(&needle)?;
        let tag_start = self.body[..at].rfind('<')?;
        let tag_end = at + self.body[at..].find('>')?;
        let tag = &self.body[tag_start..tag_end];
        let v = tag.find("value=\"")? + 7;
        let end = tag[v..].find('"')?;
        Some(html_unescape(&tag[v..v + end]))
    }
}

fn html_unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn excerpt(body: &str) -> String {
    // The part of the page a person reads: errors and flashes first.
    let mut out = String::new();
    for marker in ["class=\"error\"", "class=\"flash", "<h1"] {
        let mut rest = body;
        while let Some(i) = rest.find(marker) {
            let end = (i + 300).min(rest.len());
            let end = (i..=end)
                .rev()
                .find(|&j| rest.is_char_boundary(j))
                .unwrap_or(i);
            out.push_str(&rest[i..end]);
            out.push_str(" … ");
            rest = &rest[end..];
        }
    }
    if out.is_empty() {
        body.chars().take(400).collect()
    } else {
        out
    }
}

/// A browser: cookies, the last page's CSRF token, and the form key of the last form.
pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    pub csrf: Option<String>,
    pub form_key: Option<String>,
    pub ip: String,
    /// The connection's peer address, as the server sees it behind no proxy.
    pub peer: Option<std::net::SocketAddr>,
}

impl Client {
    pub fn new(app: &TestApp) -> Client {
        Client {
            router: app.router.clone(),
            cookies: HashMap::new(),
            csrf: None,
            form_key: None,
            ip: "198.51.100.7".into(),
            peer: None,
        }
    }

    /// The same browser (its cookies, its session) talking to a differently configured server.
    pub fn switched_to(&mut self, router: Router) -> &mut Client {
        self.router = router;
        self
    }

    /// A browser talking to a differently configured server.
    pub fn with_router(router: Router) -> Client {
        Client {
            router,
            cookies: HashMap::new(),
            csrf: None,
            form_key: None,
            ip: "198.51.100.7".into(),
            peer: None,
        }
    }

    async fn send(&mut self, mut req: Request<Body>) -> Response {
        if let Some(peer) = self.peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        for v in res.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap_or("");
            let pair = v.split(';').next().unwrap_or("");
            if let Some((k, val)) = pair.split_once('=') {
                if val.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), val.to_owned());
                }
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = axum::body::to_bytes(res.into_body(), 10 * 1024 * 1024)
            .await
            .expect("body");
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let r = Response {
            status,
            location,
            headers,
            body,
        };
        if let Some(t) = r.input_value("csrf") {
            self.csrf = Some(t);
        }
        if let Some(k) = r.input_value("form_key") {
            self.form_key = Some(k);
        }
        r
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn cookie(&self, name: &str) -> Option<&String> {
        self.cookies.get(name)
    }

    /// The raw body of a download.
    pub async fn get_bytes(&mut self, path: &str) -> Vec<u8> {
        let req = Request::get(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        assert_eq!(res.status(), StatusCode::OK, "download {path}");
        axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
            .await
            .expect("body")
            .to_vec()
    }

    pub async fn get(&mut self, path: &str) -> Response {
        let req = Request::get(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .header("x-forwarded-for", self.ip.clone())
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    /// Posts the fields as a urlencoded form, adding the current CSRF token.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone().unwrap_or_default();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        self.post_raw(path, &all, None).await
    }

    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        origin: Option<&str>,
    ) -> Response {
        let body = serde_urlencoded::to_string(fields).expect("encode");
        let mut req = Request::post(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-forwarded-for", self.ip.clone());
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }

    /// Posts a multipart form with the current CSRF token and one file.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Response {
        let boundary = "----jxjytestboundary7MA4YWxkTrZu0gW";
        let mut body: Vec<u8> = Vec::new();
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf") {
            all.push(("csrf", &csrf));
        }
        for (k, v) in all {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::HOST, "jxjy.test")
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, body.len())
            .header("x-forwarded-for", self.ip.clone())
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// Opens the sign-in page (and its captcha) and signs in.
    pub async fn sign_in(&mut self, identifier: &str, password: &str) -> Response {
        self.get("/login").await;
        self.get("/captcha").await;
        self.post(
            "/login",
            &[
                ("identifier", identifier),
                ("password", password),
                ("captcha", CAPTCHA),
                ("next", ""),
            ],
        )
        .await
    }
}

/// Loads the demo data. A database fresh from the template, on an app whose clock has not
/// moved, gets a copy of the demo loaded once per process; any other loads it (loading is
/// idempotent), which is slower but the same.
pub async fn with_demo(app: &TestApp) {
    let (engine, prepared) = match app.state.store.engine() {
        "postgres" => (Engine::Postgres, POSTGRES.get()),
        _ => (Engine::Sqlite, SQLITE.get()),
    };
    if let Some(prepared) = prepared
        && app.state.now() == start_instant()
        && fingerprint(&app.state.store, &prepared.tables).await == prepared.fresh
        && let Some(script) = demo_script(engine, prepared).await
    {
        app.state
            .store
            .execute_unprepared(script)
            .await
            .expect("copy the demo data");
        return;
    }
    jxjy_web::demo::load(&app.state).await.expect("demo data");
}

/// A valid registration form for the given identity, as a person would fill it.
pub fn registration<'a>(
    login: &'a str,
    name: &'a str,
    doc: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("login_name", login),
        ("password", password),
        ("password2", password),
        ("real_name", name),
        ("mobile", "13912345678"),
        ("country", "CN"),
        ("doc_type", "mainland_id"),
        ("doc_number", doc),
        ("email", "person@example.com"),
        ("q1", domain::credentials::SECURITY_QUESTIONS[0]),
        ("a1", "陈秀英"),
        ("q2", domain::credentials::SECURITY_QUESTIONS[1]),
        ("a2", "0512"),
        ("q3", domain::credentials::SECURITY_QUESTIONS[2]),
        ("a3", "Gd2019"),
        ("captcha", CAPTCHA),
        ("agree", "yes"),
    ]
}

/// Opens the registration page (form key, CSRF token, captcha) and posts the form.
pub async fn register(c: &mut Client, fields: &[(&str, &str)]) -> Response {
    c.get("/register").await;
    c.get("/captcha").await;
    let key = c
        .form_key
        .clone()
        .expect("the registration form has a one-time key");
    let mut all = fields.to_vec();
    all.push(("form_key", &key));
    c.post("/register", &all).await
}

impl Client {
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    /// The same browser in a second tab: same cookies.
    pub fn share_cookies_from(&mut self, other: &Client) {
        self.cookies = other.cookies.clone();
    }
}
