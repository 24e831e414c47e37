//! Commands and configuration (flags, or the JXJY_* environment variables).

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use web::{AppState, CaptchaMode, Config};

#[derive(Parser)]
#[command(name = "jxjy", about = "专业技术人员继续教育管理系统", version)]
pub struct Args {
    /// Database URL: sqlite://path or postgres://user@host/db (default: a SQLite file in the data directory).
    #[arg(long, env = "JXJY_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Directory for the SQLite file and stored files.
    #[arg(long, env = "JXJY_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// Captcha on sign-in: always or after-failure; off turns off every captcha (sign-in,
    /// registration, recovery), for load tests only.
    #[arg(long, env = "JXJY_CAPTCHA", default_value = "always", global = true)]
    captcha: String,
    /// Wrong passwords in a row that are still tolerated; one more locks the account.
    #[arg(long, env = "JXJY_LOCK_THRESHOLD", default_value_t = 3, global = true)]
    lock_threshold: u32,
    /// How long a lock lasts, in minutes.
    #[arg(long, env = "JXJY_LOCK_MINUTES", default_value_t = 15, global = true)]
    lock_minutes: i64,
    /// Idle minutes after which a session ends.
    #[arg(long, env = "JXJY_IDLE_MINUTES", default_value_t = 30, global = true)]
    idle_minutes: u64,
    /// Mark cookies Secure (set when the site is served over HTTPS).
    #[arg(
        long,
        env = "JXJY_SECURE_COOKIES",
        default_value_t = false,
        global = true
    )]
    secure_cookies: bool,
    /// The largest attachment or import file, in MB.
    #[arg(long, env = "JXJY_UPLOAD_MAX_MB", default_value_t = 10, global = true,
          value_parser = clap::value_parser!(u64).range(1..=100))]
    upload_max_mb: u64,
    /// Behind a reverse proxy: take the client address from X-Forwarded-For.
    #[arg(long, env = "JXJY_TRUST_PROXY", default_value_t = false, global = true)]
    trust_proxy: bool,
    /// The site's public address; the QR code of every certificate points to its /verify page there.
    #[arg(
        long,
        env = "JXJY_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    public_url: String,
    /// Directory of the Noto CJK fonts certificates are printed with (Debian: fonts-noto-cjk).
    #[arg(
        long,
        env = "JXJY_FONT_DIR",
        default_value = "/usr/share/fonts/opentype/noto",
        global = true
    )]
    font_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run migrations and serve the site.
    Serve {
        #[arg(long, env = "JXJY_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Migrate, load the demo data (idempotent), print the demo accounts and serve.
    Demo {
        #[arg(long, env = "JXJY_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Operator tasks on accounts.
    Admin {
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Print performance figures (sign-ins per second, home page time) on a scratch database. Not a test.
    Bench {
        #[arg(long, default_value_t = 40)]
        signins: usize,
        #[arg(long, default_value_t = 300)]
        pages: usize,
        /// Persons to seed for the staff-list benchmark (0 skips it).
        #[arg(long, default_value_t = 100_000)]
        staff: u64,
        /// CE records to seed for the records benchmark, over a fifth as many persons,
        /// 5,000 of them in one unit (0 skips it; try 1000000).
        #[arg(long, default_value_t = 0)]
        records: u64,
        /// Rows of an xlsx a unit imports through the pages (0 skips it; try 10000).
        #[arg(long, default_value_t = 0)]
        import: usize,
        /// Staff whose certificates of a year a unit prints as one ZIP, after timing one
        /// certificate (0 skips it; try 1000).
        #[arg(long, default_value_t = 0)]
        certificates: u64,
        /// Also run the staff-list and records benchmarks on PostgreSQL, in a scratch
        /// database created on this server and dropped afterwards.
        #[arg(long)]
        postgres: Option<String>,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Open a platform administrator's account (mainland ID); it starts with the
    /// initial password (last six characters of the ID + "@Gd"), changed at first sign-in.
    Create {
        login_name: String,
        real_name: String,
        doc_number: String,
        mobile: String,
        email: String,
    },
    /// Make an existing account a platform administrator.
    Grant { login_name: String },
    /// Lift a lock from an account.
    Unlock { login_name: String },
    /// Set a temporary password that must be changed at the next sign-in.
    ResetPassword {
        login_name: String,
        temporary_password: String,
    },
}

impl Args {
    /// The benchmark prints figures; request log lines would bury them.
    pub fn default_log_filter(&self) -> &'static str {
        match self.command {
            Command::Bench { .. } => "warn",
            _ => "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn",
        }
    }

    fn config(&self) -> anyhow::Result<Config> {
        let captcha = CaptchaMode::parse(&self.captcha).with_context(|| {
            format!(
                "JXJY_CAPTCHA must be always, after-failure or off, not {:?}",
                self.captcha
            )
        })?;
        Ok(Config {
            data_dir: self.data_dir.clone(),
            captcha,
            lock: domain::lockout::LockPolicy::new(
                self.lock_threshold,
                chrono::Duration::minutes(self.lock_minutes),
            ),
            idle_timeout: std::time::Duration::from_secs(self.idle_minutes * 60),
            secure_cookies: self.secure_cookies,
            trust_proxy: self.trust_proxy,
            upload_limit: (self.upload_max_mb as usize) * 1024 * 1024,
            font_dir: self.font_dir.clone(),
            public_url: self.public_url.clone(),
            ..Config::default()
        })
    }

    fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/jxjy.db", self.data_dir.display()))
    }
}

async fn state(args: &Args) -> anyhow::Result<AppState> {
    let url = args.database_url();
    let store = store::Store::connect(&url).await.with_context(|| {
        format!(
            "cannot open the database ({})",
            url.split('@').next_back().unwrap_or("")
        )
    })?;
    store.migrate().await.context("migration failed")?;
    Ok(AppState::new(store, args.config()?))
}

async fn serve(app: AppState, bind: &str) -> anyhow::Result<()> {
    if app.config.captcha == CaptchaMode::Off {
        tracing::warn!(
            "captchas are OFF (JXJY_CAPTCHA=off) on sign-in, registration and recovery: only for load tests and automated acceptance runs"
        );
    }
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    tracing::info!("serving on http://{}", listener.local_addr()?);
    if let Err(e) = app.printer.fonts() {
        tracing::warn!(
            "certificates cannot be printed until the fonts are installed in {}: {e}",
            app.config.font_dir.display()
        );
    }
    tokio::spawn(housekeeping(app.clone()));
    web::serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// Removes sessions past their idle or absolute limit and spent form keys, so the
/// tables stay the size of the active users, not of everyone who ever visited.
async fn housekeeping(app: AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = app.now();
        let idle = chrono::Duration::from_std(app.config.idle_timeout).unwrap_or_default();
        let life = chrono::Duration::from_std(app.config.absolute_lifetime).unwrap_or_default();
        match app.store.purge_sessions(now - idle, now - life).await {
            Ok(n) if n > 0 => tracing::info!("housekeeping: {n} expired sessions removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!("housekeeping: sessions: {e}"),
        }
        match app
            .files
            .purge_scratch(std::time::Duration::from_secs(24 * 3600))
            .await
        {
            Ok(n) if n > 0 => tracing::info!("housekeeping: {n} unfinished scratch files removed"),
            Ok(_) => {}
            Err(e) => tracing::warn!("housekeeping: scratch files: {e}"),
        }
        if let Err(e) = app
            .store
            .purge_submissions(now - chrono::Duration::days(1))
            .await
        {
            tracing::warn!("housekeeping: form keys: {e}");
        }
    }
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    match &args.command {
        Command::Migrate => {
            state(&args).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Serve { bind } => serve(state(&args).await?, bind).await,
        Command::Demo { bind } => {
            let app = state(&args).await?;
            web::demo::load(&app).await?;
            println!(
                "\njxjy 演示站点：http://{bind}/\n\n{}",
                web::demo::describe()
            );
            serve(app, bind).await
        }
        Command::Admin { task } => {
            let app = state(&args).await?;
            admin(&app, task).await
        }
        Command::Bench {
            signins,
            pages,
            staff,
            records,
            import,
            certificates,
            postgres,
        } => {
            crate::bench::run(
                *signins,
                *pages,
                *staff,
                *records,
                *import,
                *certificates,
                postgres.as_deref(),
            )
            .await
        }
    }
}

async fn admin(app: &AppState, task: &AdminTask) -> anyhow::Result<()> {
    let find = |name: &str| {
        let store = app.store.clone();
        let name = name.to_owned();
        async move {
            store
                .account_by_identifier(&name)
                .await?
                .with_context(|| format!("no account {name}"))
        }
    };
    match task {
        AdminTask::Create {
            login_name,
            real_name,
            doc_number,
            mobile,
            email,
        } => {
            let opened = web::accounts::open_account(
                app,
                web::accounts::OpenAccount {
                    login_name,
                    real_name,
                    doc_type: domain::identity::DocumentType::MainlandId,
                    doc_number,
                    mobile,
                    email,
                    is_platform_admin: true,
                },
            )
            .await?;
            match opened {
                Ok(o) => println!(
                    "platform administrator {login_name} created; initial password {} (must be changed at first sign-in)",
                    o.initial_password
                ),
                Err(errors) => anyhow::bail!("not created: {}", errors.messages().join("; ")),
            }
        }
        AdminTask::Grant { login_name } => {
            let a = find(login_name).await?;
            app.store.set_platform_admin(a.id, true).await?;
            println!("{} is now a platform administrator", a.login_name);
        }
        AdminTask::Unlock { login_name } => {
            let a = find(login_name).await?;
            app.store.unlock_account(a.id).await?;
            println!("{} unlocked", a.login_name);
        }
        AdminTask::ResetPassword {
            login_name,
            temporary_password,
        } => {
            let a = find(login_name).await?;
            let hash = web::password_hash::hash(&app.config.argon2, temporary_password).await?;
            app.store.set_password(a.id, &hash, true, app.now()).await?;
            app.store.delete_other_sessions(a.id, None).await?;
            println!(
                "{}: temporary password set; it must be changed at the next sign-in",
                a.login_name
            );
        }
    }
    Ok(())
}
